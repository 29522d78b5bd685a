// Expected bytes and snapshots come from Kafka 3.9.1: a throwaway Java program ran
// connect-runtime's own KafkaConfigBackingStore (its put* methods with a capturing log, and its
// consumer callback fed the records below, then snapshot()) and printed what it wrote and read.
#include "server/store/config_records.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/base64.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::store {
namespace {

using Records = std::vector<std::pair<std::string, std::optional<std::string>>>;

Records Pairs(const std::vector<TopicRecord>& records) {
  Records out;
  for (const TopicRecord& r : records) out.emplace_back(r.key, r.value);
  return out;
}

ConfigProperties Props(std::vector<std::pair<std::string, std::optional<std::string>>> entries) {
  ConfigProperties out;
  for (auto& [k, v] : entries) out.push_back({k, v});
  return out;
}

TEST(ConfigRecords, ConnectorConfigWithTargetStateIsWrittenAsJavaWritesIt) {
  // putConnectorConfig(my-conn, props, STOPPED) with props a LinkedHashMap in this order.
  ConfigProperties props = Props({
      {"connector.class", "FileStreamSource"},
      {"file", "/data/caf\u00e9 \u2713.txt"},
      {"topic", "t"},
      {"tasks.max", "2"},
      {"quote\"back\\slash", "tab\tnl\nctl\001 del\177 </script> \U0001F600"},
      {"nullable", std::nullopt},
      {"name", "my-conn"},
  });
  EXPECT_EQ(
      Pairs(ConnectorConfigRecords("my-conn", props, TargetState::kStopped)),
      (Records{
          {"target-state-my-conn", "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}"},
          {"connector-my-conn", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"file\":\"/data/café ✓.txt\",\"topic\":\"t\",\"tasks.max\":\"2\",\"quote\\\"back\\\\slash\":\"tab\\tnl\\nctl\\u0001 del\177 </script> \\uD83D\\uDE00\",\"nullable\":null,\"name\":\"my-conn\"}}"},
      }));
  EXPECT_EQ(Pairs(ConnectorConfigRecords("my-conn", Props({{"name", "my-conn"}}), std::nullopt)),
            (Records{{"connector-my-conn", "{\"properties\":{\"name\":\"my-conn\"}}"}}));
  EXPECT_EQ(Pairs(ConnectorConfigRecords("e", {}, TargetState::kPaused)),
            (Records{
                {"target-state-e", "{\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}"},
                {"connector-e", "{\"properties\":{}}"},
            }));
}

TEST(ConfigRecords, TargetStateWritesStoppedAsPausedInTheLegacyField) {
  EXPECT_EQ(TargetStateRecord("my-conn", TargetState::kStarted),
            (TopicRecord{"target-state-my-conn", "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}"}));
  EXPECT_EQ(TargetStateRecord("my-conn", TargetState::kPaused),
            (TopicRecord{"target-state-my-conn", "{\"state\":\"PAUSED\",\"state.v2\":\"PAUSED\"}"}));
  EXPECT_EQ(TargetStateRecord("my-conn", TargetState::kStopped),
            (TopicRecord{"target-state-my-conn", "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}"}));
}

TEST(ConfigRecords, TaskConfigsAndTheirCommitAreWrittenAsJavaWritesThem) {
  std::vector<ConfigProperties> tasks = {Props({{"task.class", "X"}, {"k", "v0"}}),
                                         Props({{"task.class", "X"}, {"k", "v1"}})};
  Records written = Pairs(TaskConfigRecords("my-conn", tasks));
  written.emplace_back(TaskCommitRecord("my-conn", 2).key, TaskCommitRecord("my-conn", 2).value);
  EXPECT_EQ(written, (Records{
                         {"task-my-conn-0", "{\"properties\":{\"task.class\":\"X\",\"k\":\"v0\"}}"},
                         {"task-my-conn-1", "{\"properties\":{\"task.class\":\"X\",\"k\":\"v1\"}}"},
                         {"commit-my-conn", "{\"tasks\":2}"},
                     }));
  // putTaskConfigs(my-conn, []) writes only the commit.
  EXPECT_TRUE(TaskConfigRecords("my-conn", {}).empty());
  EXPECT_EQ(TaskCommitRecord("my-conn", 0), (TopicRecord{"commit-my-conn", "{\"tasks\":0}"}));
}

TEST(ConfigRecords, OtherRecordsAreWrittenAsJavaWritesThem) {
  EXPECT_EQ(TaskCountRecord("my-conn", 3),
            (TopicRecord{"tasks-fencing-my-conn", "{\"task-count\":3}"}));
  std::string key;
  for (int i = 0; i < 32; ++i) key.push_back(static_cast<char>(i * 37 + 250));
  EXPECT_EQ(SessionKeyRecord({key, "HmacSHA256", 1700000000123}),
            (TopicRecord{"session-key", "{\"key\":\"+h9EaY6z2P0iR2yRttsAJUpvlLneAyhNcpe84QYrUHU=\",\"algorithm\":\"HmacSHA256\",\"creation-timestamp\":1700000000123}"}));
  EXPECT_EQ(RestartRequestRecord({"my-conn", /*only_failed=*/false, /*include_tasks=*/true}),
            (TopicRecord{"restart-connector-my-conn", "{\"include-tasks\":true,\"only-failed\":false}"}));
  EXPECT_EQ(RestartRequestRecord({"my-conn", /*only_failed=*/true, /*include_tasks=*/false}),
            (TopicRecord{"restart-connector-my-conn", "{\"include-tasks\":false,\"only-failed\":true}"}));
  EXPECT_EQ(LoggerLevelRecord("org.apache.kafka.connect", "DEBUG"),
            (TopicRecord{"logger-cluster-org.apache.kafka.connect", "{\"level\":\"DEBUG\"}"}));
  EXPECT_EQ(Pairs(ConnectorRemovalRecords("my-conn")),
            (Records{{"connector-my-conn", std::nullopt}, {"target-state-my-conn", std::nullopt}}));
}

TEST(ConfigRecords, KeysAreThePrefixAndTheName) {
  EXPECT_EQ(TargetStateKey("a-b"), "target-state-a-b");
  EXPECT_EQ(ConnectorConfigKey("a-b"), "connector-a-b");
  EXPECT_EQ(TaskConfigKey("a-b", 12), "task-a-b-12");
  EXPECT_EQ(TaskCommitKey("a-b"), "commit-a-b");
  EXPECT_EQ(RestartRequestKey("a-b"), "restart-connector-a-b");
  EXPECT_EQ(TaskCountRecordKey("a-b"), "tasks-fencing-a-b");
  EXPECT_EQ(LoggerLevelKey("org.x"), "logger-cluster-org.x");
}

// ConnectUtils.patchConfig over the HashMap the store read, as Kafka 3.9.1 wrote the result.
TEST(ConfigRecords, PatchedConfigFollowsJavasHashMapOrder) {
  // The current config as Java's snapshot iterates it (read back from
  // {"name":"p","connector.class":"FileStreamSource","tasks.max":"1","file":"/f","topic":"t"}).
  ConfigProperties current = Props({{"connector.class", "FileStreamSource"},
                                    {"file", "/f"},
                                    {"tasks.max", "1"},
                                    {"name", "p"},
                                    {"topic", "t"}});
  // "Aa" and "BB" have the same String.hashCode: they share a bucket in insertion order.
  ConfigProperties patch = Props(
      {{"topic", "u"}, {"file", std::nullopt}, {"batch.size", "5"}, {"Aa", "x"}, {"BB", "y"}});
  EXPECT_EQ(EncodeConnectorConfig(PatchedConnectorConfig(current, patch)),
            "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"Aa\":\"x\",\"BB\":\"y\",\"tasks.max\":\"1\",\"batch.size\":\"5\",\"name\":\"p\",\"topic\":\"u\"}}");

  // Twelve entries (a table of 32 buckets) growing to 24 (64 buckets), one removed.
  ConfigProperties twelve;
  for (char c = 'a'; c <= 'l'; ++c) twelve.push_back({std::string(1, c), std::to_string(c - 'a' + 1)});
  ConfigProperties grow = Props({{"m", "13"}, {"a", std::nullopt}});
  for (char c = 'n'; c <= 'y'; ++c) grow.push_back({std::string(1, c), std::to_string(c - 'a' + 1)});
  EXPECT_EQ(EncodeConnectorConfig(PatchedConnectorConfig(twelve, grow)),
            "{\"properties\":{\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"f\":\"6\",\"g\":\"7\",\"h\":\"8\",\"i\":\"9\",\"j\":\"10\",\"k\":\"11\",\"l\":\"12\",\"m\":\"13\",\"n\":\"14\",\"o\":\"15\",\"p\":\"16\",\"q\":\"17\",\"r\":\"18\",\"s\":\"19\",\"t\":\"20\",\"u\":\"21\",\"v\":\"22\",\"w\":\"23\",\"x\":\"24\",\"y\":\"25\"}}");
}

// Worker.connectorTaskConfigs' HashMap copy plus task.class and topics, as Kafka 3.9.1 wrote it.
TEST(ConfigRecords, WorkerTaskConfigFollowsJavasHashMapOrder) {
  const std::string task_class = "org.apache.kafka.connect.file.FileStreamSinkTask";
  EXPECT_EQ(EncodeTaskConfig(WorkerTaskConfig(
                Props({{"file", "/f"}, {"topic", "t"}, {"batch.size", "2000"}}), task_class,
                "a,b", std::nullopt)),
            "{\"properties\":{\"topic\":\"t\",\"file\":\"/f\",\"task.class\":\"org.apache.kafka.connect.file.FileStreamSinkTask\",\"topics\":\"a,b\",\"batch.size\":\"2000\"}}");
  EXPECT_EQ(EncodeTaskConfig(WorkerTaskConfig(Props({{"a", "1"},
                                                     {"b", "2"},
                                                     {"c", "3"},
                                                     {"d", "4"},
                                                     {"e", "5"},
                                                     {"f", "6"},
                                                     {"task.class", "old"}}),
                                              task_class, "a,b", std::nullopt)),
            "{\"properties\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"task.class\":\"org.apache.kafka.connect.file.FileStreamSinkTask\",\"e\":\"5\",\"f\":\"6\",\"topics\":\"a,b\"}}");
  EXPECT_EQ(EncodeTaskConfig(WorkerTaskConfig({}, task_class, "a,b", std::nullopt)),
            "{\"properties\":{\"task.class\":\"org.apache.kafka.connect.file.FileStreamSinkTask\",\"topics\":\"a,b\"}}");
}

TEST(ConfigRecords, RestartImpactRanksAsJava) {
  EXPECT_EQ(RestartImpactRank({"c", true, false}), 0);
  EXPECT_EQ(RestartImpactRank({"c", true, true}), 1);
  EXPECT_EQ(RestartImpactRank({"c", false, false}), 2);
  EXPECT_EQ(RestartImpactRank({"c", false, true}), 3);
}

// ---- Reading ----

std::string MapText(const ConfigProperties& props) {
  std::vector<std::string> parts;
  for (const ConfigEntry& e : props) parts.push_back(absl::StrCat(e.key, "=", e.value.value_or("null")));
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

const char* StateName(TargetState s) {
  return s == TargetState::kStarted ? "STARTED" : s == TargetState::kPaused ? "PAUSED" : "STOPPED";
}

std::string EventText(const ConfigUpdate& u) {
  switch (u.kind) {
    case ConfigUpdate::Kind::kConnectorConfigUpdated: return "updated " + u.name;
    case ConfigUpdate::Kind::kConnectorConfigRemoved: return "removed " + u.name;
    case ConfigUpdate::Kind::kTargetStateChanged: return "target-state " + u.name;
    case ConfigUpdate::Kind::kTaskConfigsCommitted: {
      // Java printed the task ids as strings, sorted.
      std::vector<std::string> ids;
      for (int32_t t : u.tasks) ids.push_back(absl::StrCat(u.name, "-", t));
      std::sort(ids.begin(), ids.end());
      return absl::StrCat("tasks [", absl::StrJoin(ids, ", "), "]");
    }
    case ConfigUpdate::Kind::kSessionKeyUpdated: return "session-key";
    case ConfigUpdate::Kind::kRestartRequested:
      return absl::StrCat("restart ", u.restart.connector,
                          " onlyFailed=", u.restart.only_failed ? "true" : "false",
                          " includeTasks=", u.restart.include_tasks ? "true" : "false");
    case ConfigUpdate::Kind::kLoggerLevelSet: return absl::StrCat("level ", u.name, " ", u.level);
  }
  return "";
}

// The same text the Java program printed from ClusterConfigState and its listener.
std::string Dump(const ConfigSnapshot& s, const std::vector<std::string>& events) {
  std::string out = absl::StrCat("offset=", s.offset, "\n");
  if (s.session_key.has_value()) {
    absl::StrAppend(&out, "session_key=", formats::Base64Encode(s.session_key->key), "|",
                    s.session_key->algorithm, "|", s.session_key->creation_timestamp_ms, "\n");
  } else {
    out += "session_key=none\n";
  }
  for (const auto& [c, p] : s.connector_configs) absl::StrAppend(&out, "config ", c, ": ", MapText(p), "\n");
  for (const auto& [c, t] : s.target_states) absl::StrAppend(&out, "target ", c, ": ", StateName(t), "\n");
  for (const auto& [c, tasks] : s.task_configs) {
    for (const auto& [t, p] : tasks) absl::StrAppend(&out, "task ", c, "-", t, ": ", MapText(p), "\n");
  }
  for (const auto& [c, n] : s.task_counts) {
    absl::StrAppend(&out, "task_count ", c, ": ", n, " tasks=", s.Tasks(c).size(), "\n");
  }
  absl::StrAppend(&out, "inconsistent=[", absl::StrJoin(s.inconsistent, ", "), "]\n");
  for (const auto& [c, n] : s.task_count_records) absl::StrAppend(&out, "task_count_record ", c, ": ", n, "\n");
  for (const auto& [c, n] : s.task_config_generations) absl::StrAppend(&out, "generation ", c, ": ", n, "\n");
  for (const auto& [c, p] : s.applied_connector_configs) absl::StrAppend(&out, "applied ", c, ": ", MapText(p), "\n");
  absl::StrAppend(&out, "pending_fencing=[", absl::StrJoin(s.pending_fencing, ", "), "]\n");
  for (const auto& [c, tasks] : s.buffered_task_configs) {
    absl::StrAppend(&out, "buffered ", c, ":");
    for (const auto& [t, p] : tasks) absl::StrAppend(&out, " ", t, "=", MapText(p));
    out += "\n";
  }
  for (const auto& [c, r] : s.restart_requests) {
    absl::StrAppend(&out, "restart ", c, ": onlyFailed=", r.only_failed ? "true" : "false",
                    " includeTasks=", r.include_tasks ? "true" : "false", "\n");
  }
  for (const auto& [ns, level] : s.logger_levels) absl::StrAppend(&out, "level ", ns, ": ", level, "\n");
  for (const std::string& e : events) absl::StrAppend(&out, "event ", e, "\n");
  return out;
}

struct Scenario {
  std::string name;
  Records records;  // the key "START" stands for the store's start()
  std::string expected;
};

// Fed to Kafka 3.9.1's KafkaConfigBackingStore consumer callback at offsets 0, 1, ... (START is
// no record); `expected` is what its snapshot and listener then held.
const std::vector<Scenario>& Scenarios() {
  static const auto* scenarios = new std::vector<Scenario>{
// scenario normal_create_stopped_then_resume
{"normal_create_stopped_then_resume",
 {
  {"target-state-my-conn", "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}"},
  {"connector-my-conn", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"name\":\"a\",\"tasks.max\":\"2\",\"topic\":\"t\",\"file\":\"/f\"}}"},
  {"START", std::nullopt},
  {"target-state-my-conn", "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}"},
  {"task-my-conn-0", "{\"properties\":{\"task.class\":\"T\",\"file\":\"/f\",\"topic\":\"t\",\"batch.size\":\"2000\"}}"},
  {"task-my-conn-1", "{\"properties\":{\"task.class\":\"T\",\"n\":\"1\"}}"},
  {"commit-my-conn", "{\"tasks\":2}"},
  {"target-state-my-conn", "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}"},
  {"connector-other", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"name\":\"a\",\"tasks.max\":\"2\",\"topic\":\"t\",\"file\":\"/f\"}}"},
  {"target-state-other", "{\"state\":\"PAUSED\"}"},
  {"commit-other", "{\"tasks\":0}"},
  {"task-other-0", "{\"properties\":{\"x\":\"y\"}}"},
  {"commit-other", "{\"tasks\":0}"},
  {"commit-other", "{\"tasks\":0}"},
 },
 R"(offset=13
session_key=none
config my-conn: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
config other: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
target my-conn: STARTED
target other: PAUSED
task my-conn-0: {file=/f, task.class=T, batch.size=2000, topic=t}
task my-conn-1: {task.class=T, n=1}
task other-0: {x=y}
task_count my-conn: 2 tasks=2
task_count other: 0 tasks=0
inconsistent=[]
generation my-conn: 0
generation other: 1
applied my-conn: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
applied other: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
pending_fencing=[my-conn, other]
buffered my-conn:
buffered other:
event target-state my-conn
event tasks [my-conn-0, my-conn-1]
event updated other
event target-state other
event tasks []
event tasks [other-0]
event tasks []
)"},
// scenario tombstoned_connector
{"tombstoned_connector",
 {
  {"connector-a", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"name\":\"a\",\"tasks.max\":\"2\",\"topic\":\"t\",\"file\":\"/f\"}}"},
  {"task-a-0", "{\"properties\":{\"k\":\"0\"}}"},
  {"commit-a", "{\"tasks\":1}"},
  {"tasks-fencing-a", "{\"task-count\":1}"},
  {"task-a-0", "{\"properties\":{\"k\":\"again\"}}"},
  {"START", std::nullopt},
  {"connector-a", std::nullopt},
  {"target-state-a", std::nullopt},
  {"commit-a", "{\"tasks\":1}"},
  {"connector-b", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"name\":\"a\",\"tasks.max\":\"2\",\"topic\":\"t\",\"file\":\"/f\"}}"},
  {"target-state-b", std::nullopt},
  {"connector-gone", std::nullopt},
 },
 R"(offset=11
session_key=none
config b: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
target b: STARTED
inconsistent=[]
task_count_record a: 1
generation a: 0
pending_fencing=[]
event removed a
event updated b
event removed gone
)"},
// scenario incomplete_commit_then_repaired
{"incomplete_commit_then_repaired",
 {
  {"connector-b", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"name\":\"a\",\"tasks.max\":\"2\",\"topic\":\"t\",\"file\":\"/f\"}}"},
  {"task-b-1", "{\"properties\":{\"k\":\"1\"}}"},
  {"commit-b", "{\"tasks\":2}"},
  {"START", std::nullopt},
  {"task-b-0", "{\"properties\":{\"k\":\"0\"}}"},
  {"commit-b", "{\"tasks\":2}"},
  {"task-b-0", "{\"properties\":{\"k\":\"0b\"}}"},
  {"task-b-1", "{\"properties\":{\"k\":\"1b\"}}"},
  {"task-b-2", "{\"properties\":{\"k\":\"2b\"}}"},
  {"commit-b", "{\"tasks\":3}"},
  {"task-b-0", "{\"properties\":{\"k\":\"0c\"}}"},
  {"commit-b", "{\"tasks\":1}"},
 },
 R"(offset=11
session_key=none
config b: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
target b: STARTED
task b-0: {k=0c}
task b-1: {k=1b}
task b-2: {k=2b}
task_count b: 1 tasks=1
inconsistent=[]
generation b: 1
applied b: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
pending_fencing=[b]
buffered b:
event tasks []
event tasks [b-0, b-1, b-2]
event tasks [b-0]
)"},
// scenario compacted_away
{"compacted_away",
 {
  {"task-c-0", "{\"properties\":{\"k\":\"0\"}}"},
  {"task-c-2", "{\"properties\":{\"k\":\"2-stale\"}}"},
  {"connector-c", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"name\":\"a\",\"tasks.max\":\"2\",\"topic\":\"t\",\"file\":\"/f\"}}"},
  {"commit-c", "{\"tasks\":2}"},
  {"task-c-0", "{\"properties\":{\"k\":\"0\"}}"},
  {"task-c-1", "{\"properties\":{\"k\":\"1\"}}"},
  {"commit-c", "{\"tasks\":2}"},
  {"task-dead-0", "{\"properties\":{\"k\":\"0\"}}"},
  {"commit-dead", "{\"tasks\":1}"},
  {"tasks-fencing-c", "{\"task-count\":2}"},
 },
 R"(offset=10
session_key=none
config c: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
target c: STARTED
task c-0: {k=0}
task c-1: {k=1}
task_count c: 2 tasks=2
inconsistent=[]
task_count_record c: 2
generation c: 0
applied c: {connector.class=FileStreamSource, file=/f, tasks.max=2, name=a, topic=t}
pending_fencing=[]
buffered c:
)"},
// scenario malformed_values
{"malformed_values",
 {
  {"connector-m", "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"name\":\"a\",\"tasks.max\":\"2\",\"topic\":\"t\",\"file\":\"/f\"}}"},
  {"connector-m", "{\"properties\":\"not a map\"}"},
  {"connector-m", "[1,2]"},
  {"connector-m", "{\"props\":{}}"},
  {"connector-m", "not json"},
  {"connector-n", "{\"properties\":{\"s\":\"x\",\"nul\":null,\"num\":5,\"dbl\":1.5,\"bool\":true}}"},
  {"target-state-m", "{\"state\":\"PAUSED\",\"state.v2\":5}"},
  {"target-state-n", "{\"state\":\"PAUSED\",\"state.v2\":\"BOGUS\"}"},
  {"target-state-n", "{\"state.v2\":null,\"state\":\"STOPPED\"}"},
  {"target-state-m", "{\"state\":7}"},
  {"target-state-m", "\"PAUSED\""},
  {"task-m-0", "{\"properties\":{\"k\":\"v\"}}"},
  {"task-m-1", std::nullopt},
  {"task-m-x", "{\"properties\":{\"k\":\"v\"}}"},
  {"task-m", "{\"properties\":{\"k\":\"v\"}}"},
  {"task-m-1", "{\"properties\":[]}"},
  {"task--m-+1", "{\"properties\":{\"k\":\"plus\"}}"},
  {"commit-m", "{\"tasks\":\"1\"}"},
  // Java threw: org.apache.kafka.connect.errors.ConnectException: Expected integer value to be either Integer or Long
  {"commit-m", "{\"tasks\":1.0}"},
  // Java threw: org.apache.kafka.connect.errors.ConnectException: Expected integer value to be either Integer or Long
  {"commit-m", "{}"},
  // Java threw: org.apache.kafka.connect.errors.ConnectException: Expected integer value to be either Integer or Long
  {"commit-m", std::nullopt},
  {"commit-m", "{\"tasks\":4294967297}"},
  {"commit--m", "{\"tasks\":1}"},
  {"tasks-fencing-m", "{\"task-count\":\"2\"}"},
  // Java threw: org.apache.kafka.connect.errors.ConnectException: Expected integer value to be either Integer or Long
  {"tasks-fencing-m", "{\"task-count\":-4294967295}"},
  {"session-key", "{\"key\":\"!!!\",\"algorithm\":\"HmacSHA256\",\"creation-timestamp\":1}"},
  // Java threw: java.lang.IllegalArgumentException: Illegal base64 character 21
  {"session-key", "{\"key\":\"AAEC\",\"algorithm\":\"HmacSHA256\",\"creation-timestamp\":\"1\"}"},
  {"session-key", "{\"key\":\"AAEC\",\"algorithm\":5,\"creation-timestamp\":1}"},
  {"session-key", "{\"key\":\"AAE\",\"algorithm\":\"HmacSHA256\",\"creation-timestamp\":2}"},
  {"session-key", "{\"key\":\"AAE=x\",\"algorithm\":\"HmacSHA256\",\"creation-timestamp\":3}"},
  // Java threw: java.lang.IllegalArgumentException: Input byte array has incorrect ending byte at 4
  {"session-key", std::nullopt},
  {"unknown-key", "{\"a\":1}"},
  {"connector-e", ""},
  {"START", std::nullopt},
  {"restart-connector-m", "{\"include-tasks\":\"yes\",\"only-failed\":true}"},
  {"restart-connector-m", "{\"include-tasks\":true}"},
  {"restart-connector-m", "{\"include-tasks\":false,\"only-failed\":true}"},
  {"restart-connector-z", std::nullopt},
  {"restart-connector-z", "[]"},
  {"logger-cluster-org.x", "{\"level\":5}"},
  {"logger-cluster-org.x", std::nullopt},
  {"logger-cluster-org.x", "{\"level\":\"WARN\"}"},
  {"connector-m", std::nullopt},
  {"commit-m", "{\"tasks\":\"1\"}"},
 },
 R"(offset=43
session_key=AAE=|HmacSHA256|2
config n: {s=x, nul=null, bool=true, num=5, dbl=1.5}
target m: PAUSED
target n: STOPPED
inconsistent=[]
task_count_record m: 1
generation m: 0
pending_fencing=[]
restart m: onlyFailed=false includeTasks=true
level org.x: WARN
event restart m onlyFailed=true includeTasks=false
event restart m onlyFailed=false includeTasks=true
event restart m onlyFailed=true includeTasks=false
event level org.x WARN
event removed m
)"},
// scenario newer_versions
{"newer_versions",
 {
  {"target-state-v", "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\",\"state.v3\":\"ARCHIVED\"}"},
  {"connector-v", "{\"properties\":{\"k\":\"v\"},\"version\":2,\"extra\":{\"x\":[1]}}"},
  {"task-v-0", "{\"properties\":{\"k\":\"v\"},\"generation\":9}"},
  {"commit-v", "{\"tasks\":1,\"epoch\":3}"},
  {"session-key", "{\"key\":\"AAECAw==\",\"algorithm\":\"HmacSHA512\",\"creation-timestamp\":1700000000000,\"rotation\":1}"},
  {"target-state-w", "{\"state\":\"PAUSED\",\"state.v2\":\"DRAINING\"}"},
  {"future-record-kind-v", "{\"a\":1}"},
  {"START", std::nullopt},
  {"restart-connector-v", "{\"include-tasks\":true,\"only-failed\":false,\"scope\":\"all\"}"},
  {"logger-cluster-root", "{\"level\":\"TRACE\",\"ttl\":5}"},
  {"target-state-v", "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}"},
  {"target-state-v", "{\"state\":\"STARTED\",\"state.v2\":\"STARTED\"}"},
  {"session-key", "{\"key\":\"AAECAw==\",\"algorithm\":\"HmacSHA512\",\"creation-timestamp\":1700000000001}"},
 },
 R"(offset=12
session_key=AAECAw==|HmacSHA512|1700000000001
config v: {k=v}
target v: STARTED
task v-0: {k=v}
task_count v: 1 tasks=1
inconsistent=[]
generation v: 0
applied v: {k=v}
pending_fencing=[v]
buffered v:
restart v: onlyFailed=false includeTasks=true
level root: TRACE
event restart v onlyFailed=false includeTasks=true
event level root TRACE
event target-state v
event session-key
)"},
  };
  return *scenarios;
}

TEST(ConfigTopicState, AppliesRecordsAsKafkaConfigBackingStore) {
  for (const Scenario& scenario : Scenarios()) {
    SCOPED_TRACE(scenario.name);
    ConfigTopicState state;
    std::vector<std::string> events;
    int64_t offset = 0;
    for (const auto& [key, value] : scenario.records) {
      if (key == "START") {
        state.MarkStarted();
        continue;
      }
      std::optional<ConfigUpdate> update = state.Apply(offset++, {key, value});
      if (update.has_value()) events.push_back(EventText(*update));
    }
    EXPECT_EQ(Dump(state.Snapshot(), events), scenario.expected);
  }
}

TEST(ConfigTopicState, ReturnsNoUpdatesBeforeStartedAndDropsRestartsAndLevels) {
  ConfigTopicState state;
  EXPECT_EQ(state.Apply(0, ConnectorConfigRecords("c", {}, std::nullopt)[0]), std::nullopt);
  EXPECT_EQ(state.Apply(1, RestartRequestRecord({"c", false, true})), std::nullopt);
  EXPECT_EQ(state.Apply(2, LoggerLevelRecord("root", "DEBUG")), std::nullopt);
  EXPECT_TRUE(state.Snapshot().restart_requests.empty());
  EXPECT_TRUE(state.Snapshot().logger_levels.empty());
  state.MarkStarted();
  std::optional<ConfigUpdate> update = state.Apply(3, RestartRequestRecord({"c", true, false}));
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ(update->kind, ConfigUpdate::Kind::kRestartRequested);
  EXPECT_EQ(update->restart, (RestartRequest{"c", true, false}));
  EXPECT_EQ(state.TakeRestartRequests(),
            (std::map<std::string, RestartRequest>{{"c", RestartRequest{"c", true, false}}}));
  EXPECT_TRUE(state.Snapshot().restart_requests.empty());
}

TEST(ConfigTopicState, ReadsBackWhatTheWritersWrite) {
  ConfigTopicState state;
  int64_t offset = 0;
  ConfigProperties props = Props({{"connector.class", "X"}, {"name", "c"}, {"nul", std::nullopt}});
  for (const TopicRecord& r : ConnectorConfigRecords("c", props, TargetState::kStopped)) {
    state.Apply(offset++, r);
  }
  for (const TopicRecord& r : TaskConfigRecords("c", {props, props})) state.Apply(offset++, r);
  state.Apply(offset++, TaskCommitRecord("c", 2));
  state.Apply(offset++, SessionKeyRecord({"\x01\x02\xff", "HmacSHA256", 42}));
  const ConfigSnapshot& s = state.Snapshot();
  EXPECT_EQ(s.offset, 6);
  // Read back in the HashMap's order.
  EXPECT_EQ(s.connector_configs.at("c"),
            Props({{"connector.class", "X"}, {"nul", std::nullopt}, {"name", "c"}}));
  EXPECT_EQ(s.target_states.at("c"), TargetState::kStopped);
  EXPECT_EQ(s.Tasks("c"), (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(s.task_configs.at("c").at(1), s.connector_configs.at("c"));
  EXPECT_EQ(s.session_key, (SessionKey{"\x01\x02\xff", "HmacSHA256", 42}));
}

TEST(TaskKeys, ParseAsJavasSplitAndParseInt) {
  EXPECT_EQ(ParseTaskKey("task-a-b-3", 1), (ConnectorTaskId{"a-b", 3}));
  EXPECT_EQ(ParseTaskKey("task--3", 1), (ConnectorTaskId{"", 3}));
  EXPECT_EQ(ParseTaskKey("task-a--1", 1), (ConnectorTaskId{"a-", 1}));
  EXPECT_EQ(ParseTaskKey("task-a-+7", 1), (ConnectorTaskId{"a", 7}));
  EXPECT_EQ(ParseTaskKey("task-a-007", 1), (ConnectorTaskId{"a", 7}));
  EXPECT_EQ(ParseTaskKey("task-a-\u0663\u0661", 1), (ConnectorTaskId{"a", 31}));
  EXPECT_EQ(ParseTaskKey("task-a-2147483647", 1), (ConnectorTaskId{"a", 2147483647}));
  EXPECT_EQ(ParseTaskKey("task-a-2147483648", 1), std::nullopt);
  EXPECT_EQ(ParseTaskKey("task-a-", 1), std::nullopt);  // trailing empty pieces are dropped
  EXPECT_EQ(ParseTaskKey("task-a-b-", 1), std::nullopt);
  EXPECT_EQ(ParseTaskKey("task-3", 1), std::nullopt);
  EXPECT_EQ(ParseTaskKey("status-task-a-3", 2), (ConnectorTaskId{"a", 3}));
  EXPECT_EQ(ParseTaskKey("status-task-3", 2), std::nullopt);
  EXPECT_EQ(ParseJavaInt("-2147483648"), -2147483647 - 1);
  EXPECT_EQ(ParseJavaInt("+"), std::nullopt);
  EXPECT_EQ(ParseJavaInt(""), std::nullopt);
  EXPECT_EQ(ParseJavaInt("1 "), std::nullopt);
  EXPECT_EQ(ParseJavaInt("\xef\xbc\x95"), 5);   // FULLWIDTH DIGIT FIVE
  EXPECT_EQ(ParseJavaInt("\xf0\x9d\x9f\x8e"), std::nullopt);  // MATHEMATICAL BOLD DIGIT ZERO: not BMP
}

}  // namespace
}  // namespace sluice::store
