// Test tool: the Kafka-backed stores against a real broker, for tests/integration/
// test_kafka_stores_interop.py, which compares what they read with what Kafka Connect 3.9.1's
// own stores read from the same topics (tests/java/ConnectStoresView.java).
//
//   kafka_stores_interop write <bootstrap> <topic-prefix>
//       creates the three topics as a worker does (EnsureInternalTopic), writes a fixed scenario
//       through KafkaConfigStore, KafkaStatusStore and KafkaOffsetStore, then prints the stores'
//       view (below) on stdout;
//   kafka_stores_interop read <bootstrap> <topic-prefix> <offset-key-file>
//       reads the topics (written by Java) and prints the view; the offset keys to look up are
//       the lines of the file.
//
// The view is JSON in the shape ConnectStoresView prints:
//   {"config":{"offset":..,"connectors":{c:{k:v}},"targetStates":{c:"STARTED"},
//              "tasks":{c:[{k:v},..]},"taskCounts":{c:n},"inconsistent":[..],
//              "sessionKey":{"key":base64,"algorithm":..,"creationTimestamp":..}|null},
//    "status":{"connectors":{c:S},"tasks":{c:{"0":S,..}},"topics":{c:{t:{"connector":..,
//              "task":..,"discoverTimestamp":..}}}},  S = {"state","trace","workerId","generation"}
//    "offsets":{"writtenKeys":[..],"values":{key:value},"partitions":{c:[partition JSON,..]}}}
// Exit status 1, with the reason on stderr, when a store call fails.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "formats/base64.h"
#include "formats/json_tree.h"
#include "formats/schemaless_json.h"
#include "server/store/kafka_config_store.h"
#include "server/store/kafka_offset_store.h"
#include "server/store/kafka_status_store.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace sluice::store {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(30);

std::string Quote(std::string_view s) {
  std::string out;
  formats::AppendJsonString(s, &out);
  return out;
}

// {"k":"v",...} of a config map (null values as null).
std::string ConfigJson(const ConfigProperties& properties) {
  std::string out = "{";
  std::map<std::string, std::optional<std::string>> sorted;
  for (const ConfigEntry& e : properties) sorted[e.key] = e.value;
  for (const auto& [k, v] : sorted) {
    if (out.size() > 1) out += ",";
    out += Quote(k) + ":" + (v.has_value() ? Quote(*v) : "null");
  }
  return out + "}";
}

template <typename Map, typename F>
std::string ObjectJson(const Map& map, F value) {
  std::string out = "{";
  for (const auto& [k, v] : map) {
    if (out.size() > 1) out += ",";
    out += Quote(absl::StrCat(k)) + ":" + value(v);
  }
  return out + "}";
}

std::string StatusJson(const InstanceStatus& s) {
  return absl::StrCat("{\"state\":", Quote(StateName(s.state)),
                      ",\"trace\":", s.trace.has_value() ? Quote(*s.trace) : "null",
                      ",\"workerId\":", Quote(s.worker_id), ",\"generation\":", s.generation,
                      "}");
}

std::string ConfigView(const KafkaConfigStore& store) {
  ConfigSnapshot s = store.TopicSnapshot();
  std::map<std::string, std::string> targets;
  std::map<std::string, std::string> tasks;
  std::map<std::string, int32_t> counts;
  for (const auto& [c, config] : s.connector_configs) {
    auto t = s.target_states.find(c);
    targets[c] = Quote(TargetStateName(t == s.target_states.end() ? TargetState::kStarted
                                                                   : t->second));
    auto n = s.task_counts.find(c);
    counts[c] = n == s.task_counts.end() ? 0 : n->second;
    std::string list = "[";
    for (int32_t id : s.Tasks(c)) {
      if (list.size() > 1) list += ",";
      const auto& configs = s.task_configs[c];
      auto it = configs.find(id);
      list += it == configs.end() ? "null" : ConfigJson(it->second);
    }
    tasks[c] = list + "]";
  }
  std::string inconsistent = "[";
  for (const std::string& c : s.inconsistent) {
    if (inconsistent.size() > 1) inconsistent += ",";
    inconsistent += Quote(c);
  }
  inconsistent += "]";
  std::string session = "null";
  if (s.session_key.has_value()) {
    session = absl::StrCat("{\"key\":", Quote(formats::Base64Encode(s.session_key->key)),
                           ",\"algorithm\":", Quote(s.session_key->algorithm),
                           ",\"creationTimestamp\":", s.session_key->creation_timestamp_ms, "}");
  }
  return absl::StrCat(
      "{\"offset\":", s.offset, ",\"connectors\":",
      ObjectJson(s.connector_configs, ConfigJson), ",\"targetStates\":",
      ObjectJson(targets, [](const std::string& v) { return v; }), ",\"tasks\":",
      ObjectJson(tasks, [](const std::string& v) { return v; }), ",\"taskCounts\":",
      ObjectJson(counts, [](int32_t v) { return absl::StrCat(v); }),
      ",\"inconsistent\":", inconsistent, ",\"sessionKey\":", session, "}");
}

std::string StatusView(const KafkaStatusStore& store, const std::set<std::string>& names) {
  std::map<std::string, std::string> connectors, tasks, topics;
  for (const std::string& c : names) {
    if (std::optional<InstanceStatus> s = store.GetConnector(c)) connectors[c] = StatusJson(*s);
    std::map<int, InstanceStatus> t = store.GetTasks(c);
    if (!t.empty()) tasks[c] = ObjectJson(t, StatusJson);
    std::map<std::string, TopicStatus> active = store.GetTopicStatuses(c);
    if (!active.empty()) {
      topics[c] = ObjectJson(active, [](const TopicStatus& s) {
        return absl::StrCat("{\"connector\":", Quote(s.connector), ",\"task\":", s.task,
                            ",\"discoverTimestamp\":", s.discover_timestamp_ms, "}");
      });
    }
  }
  auto raw = [](const std::string& v) { return v; };
  return absl::StrCat("{\"connectors\":", ObjectJson(connectors, raw),
                      ",\"tasks\":", ObjectJson(tasks, raw), ",\"topics\":",
                      ObjectJson(topics, raw), "}");
}

std::string OffsetView(const KafkaOffsetStore& store, const std::vector<std::string>& keys,
                       const std::set<std::string>& connectors) {
  std::string written = "[";
  std::map<std::string, std::string> values;
  for (const std::string& k : keys) {
    if (written.size() > 1) written += ",";
    written += Quote(k);
    if (std::optional<std::string> v = store.Get(k)) values[k] = Quote(*v);
  }
  written += "]";
  std::map<std::string, std::string> partitions;
  for (const std::string& c : connectors) {
    std::vector<Value> found = store.ConnectorPartitions(c);
    if (found.empty()) continue;
    std::string list = "[";
    for (const Value& p : found) {
      if (list.size() > 1) list += ",";
      list += formats::SerializeSchemaless(p);
    }
    partitions[c] = list + "]";
  }
  auto raw = [](const std::string& v) { return v; };
  return absl::StrCat("{\"writtenKeys\":", written, ",\"values\":", ObjectJson(values, raw),
                      ",\"partitions\":", ObjectJson(partitions, raw), "}");
}

#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    if (absl::Status s_ = (expr); !s_.ok()) {  \
      return s_;                               \
    }                                          \
  } while (false)

struct Stores {
  std::unique_ptr<KafkaConfigStore> config;
  std::unique_ptr<KafkaStatusStore> status;
  std::unique_ptr<KafkaOffsetStore> offsets;
};

absl::Status StartStores(const std::string& bootstrap, const std::string& prefix,
                         bool create_topics, Stores& stores) {
  auto options = [&](const std::string& topic, int32_t partitions) {
    KafkaStoreOptions o;
    o.topic = prefix + topic;
    o.client_id_base = "sluice-interop-";
    o.consumer_settings = {{"bootstrap.servers", bootstrap}};
    o.producer_settings = {{"bootstrap.servers", bootstrap}};
    if (create_topics) {
      o.topic_creation = KafkaStoreTopic{.admin_settings = {{"bootstrap.servers", bootstrap}},
                                         .partitions = partitions,
                                         .replication_factor = 1};
    }
    return o;
  };
  stores.config = std::make_unique<KafkaConfigStore>(
      KafkaConfigStore::Options{.kafka = options("configs", 1)});
  stores.status = std::make_unique<KafkaStatusStore>(
      KafkaStatusStore::Options{.kafka = options("status", 5)});
  stores.offsets = std::make_unique<KafkaOffsetStore>(
      KafkaOffsetStore::Options{.kafka = options("offsets", 25)});
  RETURN_IF_ERROR(stores.config->Start(kTimeout));
  RETURN_IF_ERROR(stores.status->Start(kTimeout));
  return stores.offsets->Start(kTimeout);
}

const std::vector<std::string>& ScenarioOffsetKeys() {
  static const auto* keys = new std::vector<std::string>{
      R"(["file-source",{"filename":"/data/a.txt"}])",
      R"(["file-source",{"filename":"/data/b.txt"}])",
      R"(["mirror-source",{"cluster":"A","partition":0,"topic":"t"}])",
      R"(["mirror-source",{"cluster":"A","partition":1,"topic":"tëst"}])"};
  return *keys;
}

// The scenario Sluice writes.
absl::Status WriteScenario(Stores& stores) {
  KafkaConfigStore& config = *stores.config;
  RETURN_IF_ERROR(config.PutConnectorConfig(
      "file-source",
      {{"connector.class", "FileStreamSource"}, {"file", "/data/a.txt"}, {"topic", "lines"},
       {"tasks.max", "2"}, {"name", "file-source"}},
      TargetState::kStopped));
  RETURN_IF_ERROR(config.PutTargetState("file-source", TargetState::kStarted));
  RETURN_IF_ERROR(config.PutTaskConfigs(
      "file-source", {{{"task.class", "org.apache.kafka.connect.file.FileStreamSourceTask"},
                       {"file", "/data/a.txt"}, {"topic", "lines"}}}));
  RETURN_IF_ERROR(config.PutConnectorConfig(
      "sink-with-dashes-2", {{"connector.class", "FileStreamSink"}, {"topics", "a,b"},
                             {"note", "ünïcödé \"quoted\"\n"}},
      TargetState::kPaused));
  RETURN_IF_ERROR(config.PutTaskConfigs("sink-with-dashes-2",
                                        {{{"task", "0"}}, {{"task", "1"}}, {{"task", "2"}}}));
  RETURN_IF_ERROR(config.PutConnectorConfig("stopped", {{"connector.class", "X"}},
                                            TargetState::kStopped));
  RETURN_IF_ERROR(config.PutTaskConfigs("stopped", {}));
  RETURN_IF_ERROR(config.PutConnectorConfig("gone", {{"connector.class", "X"}}, std::nullopt));
  RETURN_IF_ERROR(config.PutTaskConfigs("gone", {{{"t", "0"}}}));
  RETURN_IF_ERROR(config.RemoveConnectorConfig("gone"));
  RETURN_IF_ERROR(config.PutSessionKey({.key = std::string("\x01\x02\xfe\xff secret-key-bytes", 21),
                                        .algorithm = "HmacSHA256",
                                        .creation_timestamp_ms = 1700000000000}));
  RETURN_IF_ERROR(config.PutRestartRequest({.connector = "file-source", .include_tasks = true}));
  RETURN_IF_ERROR(config.PutLoggerLevel("org.apache.kafka.connect", "DEBUG"));

  KafkaStatusStore& status = *stores.status;
  status.PutConnector("file-source", {.state = State::kRunning, .worker_id = "10.0.0.5:8083",
                                      .generation = 3});
  status.PutTask("file-source", 0, {.state = State::kRunning, .worker_id = "10.0.0.5:8083",
                                    .generation = 3});
  status.PutConnector("sink-with-dashes-2",
                      {.state = State::kPaused, .worker_id = "10.0.0.6:8083", .generation = 3});
  status.PutTask("sink-with-dashes-2", 1,
                 {.state = State::kFailed,
                  .worker_id = "10.0.0.6:8083",
                  .trace = "org.apache.kafka.connect.errors.ConnectException: ünïcödé\n\tat X",
                  .generation = 3});
  status.PutTaskSafe("sink-with-dashes-2", 2,
                     {.state = State::kUnassigned, .worker_id = "10.0.0.6:8083",
                      .generation = 2});
  status.PutConnector("gone", {.state = State::kRunning, .worker_id = "w", .generation = 3});
  status.PutTask("gone", 0, {.state = State::kRunning, .worker_id = "w", .generation = 3});
  RETURN_IF_ERROR(status.Flush(kTimeout));
  RETURN_IF_ERROR(status.Refresh(kTimeout));
  status.RemoveConnector("gone");
  status.PutTopicStatus({.topic = "lines", .connector = "file-source", .task = 0,
                         .discover_timestamp_ms = 1700000000123});
  status.PutTopicStatus({.topic = "a", .connector = "sink-with-dashes-2", .task = 1,
                         .discover_timestamp_ms = 1700000000456});
  status.PutTopicStatus({.topic = "b", .connector = "sink-with-dashes-2", .task = 2,
                         .discover_timestamp_ms = 1700000000789});
  RETURN_IF_ERROR(status.Flush(kTimeout));
  RETURN_IF_ERROR(status.Refresh(kTimeout));
  status.RemoveTopics("file-source");
  RETURN_IF_ERROR(status.Flush(kTimeout));

  const std::vector<std::string>& keys = ScenarioOffsetKeys();
  RETURN_IF_ERROR(stores.offsets->Write({{keys[0], R"({"position":30})"},
                                         {keys[1], R"({"position":7})"},
                                         {keys[2], R"({"offset":41})"},
                                         {keys[3], R"({"offset":5})"}}));
  return stores.offsets->Write({{keys[1], std::nullopt}, {keys[0], R"({"position":31})"}});
}

absl::Status Run(int argc, char** argv) {
  if (argc < 4) return absl::InvalidArgumentError("usage: write|read <bootstrap> <prefix> ...");
  const std::string mode = argv[1];
  const bool write = mode == "write";
  std::vector<std::string> keys;
  if (write) {
    keys = ScenarioOffsetKeys();
  } else {
    if (argc < 5) return absl::InvalidArgumentError("read needs the offset key file");
    std::ifstream in(argv[4]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) keys.push_back(line);
    }
  }
  Stores stores;
  RETURN_IF_ERROR(StartStores(argv[2], argv[3], write, stores));
  if (write) RETURN_IF_ERROR(WriteScenario(stores));
  RETURN_IF_ERROR(stores.config->Refresh(kTimeout));
  RETURN_IF_ERROR(stores.status->Refresh(kTimeout));
  RETURN_IF_ERROR(stores.offsets->Refresh(kTimeout));

  std::set<std::string> names;
  for (const auto& [c, config] : stores.config->TopicSnapshot().connector_configs) names.insert(c);
  for (const std::string& c : stores.status->Connectors()) names.insert(c);
  names.insert("gone");
  std::set<std::string> offset_connectors;
  for (const std::string& k : keys) {
    if (std::optional<OffsetKey> key = DecodeOffsetKey(k)) offset_connectors.insert(key->connector);
  }
  std::cout << "{\"config\":" << ConfigView(*stores.config)
            << ",\"status\":" << StatusView(*stores.status, names)
            << ",\"offsets\":" << OffsetView(*stores.offsets, keys, offset_connectors) << "}\n";
  stores.config->Stop();
  stores.status->Stop();
  stores.offsets->Stop();
  return absl::OkStatus();
}

}  // namespace
}  // namespace sluice::store

int main(int argc, char** argv) {
  // The view goes to stdout; the log to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("stderr"));
  absl::Status s = sluice::store::Run(argc, argv);
  if (!s.ok()) {
    std::cerr << "kafka_stores_interop: " << s << "\n";
    return 1;
  }
  return 0;
}
