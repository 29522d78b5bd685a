#include "server/store/config_records.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "formats/base64.h"
#include "formats/java_hash_map.h"
#include "formats/json_tree.h"
#include "formats/schemaless_json.h"
#include "spdlog/spdlog.h"

namespace sluice::store {
namespace {

using formats::AppendJsonString;

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Prefixed(std::string_view prefix, std::string_view name) {
  return absl::StrCat(Av(prefix), Av(name));
}

// {"properties":{...}} with the entries in the given order (a repeated key keeps its first
// position and its last value, as a Java map would).
std::string EncodeProperties(const ConfigProperties& properties) {
  std::string out = "{\"properties\":";
  std::vector<std::string> keys;
  keys.reserve(properties.size());
  for (const ConfigEntry& e : properties) keys.push_back(e.key);
  // The writer cannot fail: every value is a string or null.
  (void)formats::AppendJsonObject(
      keys,
      [&](size_t i, std::string* o) {
        if (properties[i].value.has_value()) {
          AppendJsonString(*properties[i].value, o);
        } else {
          o->append("null");
        }
        return absl::OkStatus();
      },
      &out);
  out.push_back('}');
  return out;
}

std::string EncodeIntField(std::string_view field, int64_t n) {
  std::string out = "{";
  AppendJsonString(field, &out);
  absl::StrAppend(&out, ":", n, "}");
  return out;
}

// ---- Reading: the shapes Java's callback accepts ----

// A config map as Java casts the converter's HashMap to Map<String, String>: strings and nulls
// as they are. Java would keep any other value as its boxed object (and fail later, when a
// worker uses the config); Sluice keeps the JSON text of it.
ConfigProperties ToProperties(const Value& map) {
  ConfigProperties out;
  out.reserve(map.map().size());
  for (const MapEntry& e : map.map()) {
    ConfigEntry entry;
    entry.key = e.key.string();
    if (e.value.kind() == Value::Kind::kString) {
      entry.value = e.value.string();
    } else if (!e.value.is_null()) {
      entry.value = formats::SerializeSchemaless(e.value);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

bool IsMap(const Value* v) { return v != nullptr && v->kind() == Value::Kind::kMap; }
bool IsString(const Value* v) { return v != nullptr && v->kind() == Value::Kind::kString; }

// Java's map.get(field) on a value known to be a map: null when absent.
const Value* Field(const Value& map, std::string_view field) {
  const Value* v = map.Find(field);
  return v == nullptr || v->is_null() ? nullptr : v;
}

// KafkaConfigBackingStore.intValue: an Integer or a Long (narrowed as Java's (int) cast does);
// anything else throws ConnectException("Expected integer value to be either Integer or Long").
std::optional<int32_t> IntValue(const Value* v) {
  if (v == nullptr || !v->is_integer()) return std::nullopt;
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v->integer())));
}

std::string_view KindName(const Value* v) {
  if (v == nullptr || v->is_null()) return "null";
  switch (v->kind()) {
    case Value::Kind::kMap: return "java.util.HashMap";
    case Value::Kind::kArray: return "java.util.ArrayList";
    case Value::Kind::kString: return "java.lang.String";
    case Value::Kind::kBoolean: return "java.lang.Boolean";
    case Value::Kind::kFloat64: return "java.lang.Double";
    default: return "java.lang.Long";
  }
}

}  // namespace

// ---- Keys ----

std::string TargetStateKey(std::string_view c) { return Prefixed(kTargetStatePrefix, c); }
std::string ConnectorConfigKey(std::string_view c) { return Prefixed(kConnectorConfigPrefix, c); }
std::string TaskConfigKey(std::string_view c, int32_t task) {
  return absl::StrCat(Av(kTaskConfigPrefix), Av(c), "-", task);
}
std::string TaskCommitKey(std::string_view c) { return Prefixed(kTaskCommitPrefix, c); }
std::string RestartRequestKey(std::string_view c) { return Prefixed(kRestartRequestPrefix, c); }
std::string TaskCountRecordKey(std::string_view c) { return Prefixed(kTaskCountRecordPrefix, c); }
std::string LoggerLevelKey(std::string_view ns) { return Prefixed(kLoggerLevelPrefix, ns); }

// ---- Values ----

std::string EncodeConnectorConfig(const ConfigProperties& properties) {
  return EncodeProperties(properties);
}
std::string EncodeTaskConfig(const ConfigProperties& properties) {
  return EncodeProperties(properties);
}

std::string EncodeTargetState(TargetState state) {
  // Workers before 3.5 know no STOPPED; they read the legacy field.
  const std::string_view legacy =
      TargetStateName(state == TargetState::kStopped ? TargetState::kPaused : state);
  return absl::StrCat("{\"state\":\"", Av(legacy), "\",\"state.v2\":\"",
                      Av(TargetStateName(state)), "\"}");
}

std::string EncodeTaskCommit(int32_t task_count) { return EncodeIntField("tasks", task_count); }
std::string EncodeTaskCountRecord(int32_t task_count) {
  return EncodeIntField("task-count", task_count);
}

std::string EncodeSessionKey(const SessionKey& key) {
  std::string out = "{\"key\":";
  AppendJsonString(formats::Base64Encode(key.key), &out);
  out.append(",\"algorithm\":");
  AppendJsonString(key.algorithm, &out);
  absl::StrAppend(&out, ",\"creation-timestamp\":", key.creation_timestamp_ms, "}");
  return out;
}

std::string EncodeRestartRequest(const RestartRequest& request) {
  return absl::StrCat("{\"include-tasks\":", request.include_tasks ? "true" : "false",
                      ",\"only-failed\":", request.only_failed ? "true" : "false", "}");
}

int RestartImpactRank(const RestartRequest& r) {
  if (r.only_failed && !r.include_tasks) return 0;
  if (r.only_failed && r.include_tasks) return 1;
  if (!r.only_failed && !r.include_tasks) return 2;
  return 3;
}

std::string EncodeLoggerLevel(std::string_view level) {
  std::string out = "{\"level\":";
  AppendJsonString(level, &out);
  out.push_back('}');
  return out;
}

// ---- Record batches ----

std::vector<TopicRecord> ConnectorConfigRecords(std::string_view connector,
                                                const ConfigProperties& properties,
                                                std::optional<TargetState> target_state) {
  std::vector<TopicRecord> out;
  if (target_state.has_value()) out.push_back(TargetStateRecord(connector, *target_state));
  out.push_back({ConnectorConfigKey(connector), EncodeConnectorConfig(properties)});
  return out;
}

std::vector<TopicRecord> ConnectorRemovalRecords(std::string_view connector) {
  return {{ConnectorConfigKey(connector), std::nullopt}, {TargetStateKey(connector), std::nullopt}};
}

std::vector<TopicRecord> TaskConfigRecords(std::string_view connector,
                                           const std::vector<ConfigProperties>& tasks) {
  std::vector<TopicRecord> out;
  out.reserve(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    out.push_back({TaskConfigKey(connector, static_cast<int32_t>(i)), EncodeTaskConfig(tasks[i])});
  }
  return out;
}

TopicRecord TaskCommitRecord(std::string_view connector, int32_t task_count) {
  return {TaskCommitKey(connector), EncodeTaskCommit(task_count)};
}
TopicRecord TargetStateRecord(std::string_view connector, TargetState state) {
  return {TargetStateKey(connector), EncodeTargetState(state)};
}
TopicRecord TaskCountRecord(std::string_view connector, int32_t task_count) {
  return {TaskCountRecordKey(connector), EncodeTaskCountRecord(task_count)};
}
TopicRecord SessionKeyRecord(const SessionKey& key) {
  return {std::string(kSessionKeyKey), EncodeSessionKey(key)};
}
TopicRecord RestartRequestRecord(const RestartRequest& request) {
  return {RestartRequestKey(request.connector), EncodeRestartRequest(request)};
}
TopicRecord LoggerLevelRecord(std::string_view logger_namespace, std::string_view level) {
  return {LoggerLevelKey(logger_namespace), EncodeLoggerLevel(level)};
}

// ---- Map orders ----

namespace {

// Orders entries (in insertion order, keys unique) as a java.util.HashMap with a table of
// `buckets` iterates them.
ConfigProperties OrderAsHashMap(ConfigProperties entries, size_t buckets) {
  std::vector<MapEntry> keyed;
  keyed.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    keyed.push_back({Value::String(entries[i].key), Value::Int64(static_cast<int64_t>(i))});
  }
  formats::OrderAsJavaHashMap(keyed, formats::JavaHashMapCapacity::WithInitialCapacity(buckets));
  ConfigProperties out;
  out.reserve(entries.size());
  for (const MapEntry& e : keyed) out.push_back(std::move(entries[e.value.integer()]));
  return out;
}

// A HashMap being filled: its entries in insertion order and the size of its table, which
// grows (doubling) when the entry count passes 3/4 of it and never shrinks.
class HashMapModel {
 public:
  explicit HashMapModel(size_t buckets) : buckets_(buckets) {}
  void Put(const std::string& key, std::optional<std::string> value) {
    for (ConfigEntry& e : entries_) {
      if (e.key == key) {
        e.value = std::move(value);
        return;
      }
    }
    entries_.push_back({key, std::move(value)});
    if (entries_.size() * 4 > buckets_ * 3) buckets_ *= 2;
  }
  void Remove(const std::string& key) {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const ConfigEntry& e) { return e.key == key; }),
                   entries_.end());
  }
  ConfigProperties Ordered() && { return OrderAsHashMap(std::move(entries_), buckets_); }

 private:
  size_t buckets_;
  ConfigProperties entries_;
};

// new HashMap<>(source): sized for the source (HashMap.putMapEntries), then filled in the
// source's iteration order.
HashMapModel CopyOf(const ConfigProperties& source) {
  HashMapModel map(formats::JavaHashMapCapacity::CopyOf(source.size()).initial_buckets);
  for (const ConfigEntry& e : source) map.Put(e.key, e.value);
  return map;
}

}  // namespace

ConfigProperties PatchedConnectorConfig(const ConfigProperties& current,
                                        const ConfigProperties& patch) {
  HashMapModel map = CopyOf(current);
  for (const ConfigEntry& e : patch) {
    if (e.value.has_value()) {
      map.Put(e.key, e.value);
    } else {
      map.Remove(e.key);
    }
  }
  return std::move(map).Ordered();
}

ConfigProperties WorkerTaskConfig(const ConfigProperties& task_props, std::string_view task_class,
                                  const std::optional<std::string>& topics,
                                  const std::optional<std::string>& topics_regex) {
  HashMapModel map = CopyOf(task_props);
  map.Put("task.class", std::string(task_class));
  if (topics.has_value()) map.Put("topics", *topics);
  if (topics_regex.has_value()) map.Put("topics.regex", *topics_regex);
  return std::move(map).Ordered();
}

// ---- Reading ----

std::vector<int32_t> ConfigSnapshot::Tasks(const std::string& connector) const {
  std::vector<int32_t> out;
  if (inconsistent.count(connector) > 0) return out;
  auto it = task_counts.find(connector);
  if (it == task_counts.end()) return out;
  for (int32_t i = 0; i < it->second; ++i) out.push_back(i);
  return out;
}

namespace {

// KafkaConfigBackingStore.processConnectorRemoval. The target state, the inconsistent mark,
// the task count record and the fencing mark stay, as in Java.
void RemoveConnector(ConfigSnapshot& s, const std::string& connector) {
  s.connector_configs.erase(connector);
  s.task_counts.erase(connector);
  s.task_configs.erase(connector);
  s.buffered_task_configs.erase(connector);
  s.applied_connector_configs.erase(connector);
}

ConfigUpdate Update(ConfigUpdate::Kind kind, std::string name) {
  ConfigUpdate u;
  u.kind = kind;
  u.name = std::move(name);
  return u;
}

}  // namespace

std::optional<ConfigUpdate> ConfigTopicState::Apply(int64_t offset, const TopicRecord& record) {
  ConfigSnapshot& s = state_;
  // The internal JsonConverter first: bytes that are not JSON are dropped without moving the
  // offset. A tombstone (and the JSON literal null) reads as a null value.
  Value value;
  if (record.value.has_value()) {
    absl::StatusOr<Value> parsed = formats::ParseSchemaless(*record.value);
    if (!parsed.ok()) {
      spdlog::error("Failed to convert config data to Kafka Connect format: {}",
                    std::string(parsed.status().message()));
      return std::nullopt;
    }
    value = *std::move(parsed);
  }
  s.offset = offset + 1;
  const std::string& key = record.key;
  auto starts_with = [&](std::string_view prefix) {
    return key.size() >= prefix.size() && std::string_view(key).substr(0, prefix.size()) == prefix;
  };
  auto rest = [&](std::string_view prefix) { return key.substr(prefix.size()); };
  auto wrong_format = [&](std::string_view what, const Value* v) {
    spdlog::error("Ignoring {} because it is in the wrong format: {}", what, KindName(v));
    return std::nullopt;
  };

  if (starts_with(kTargetStatePrefix)) {
    const std::string connector = rest(kTargetStatePrefix);
    if (value.is_null()) {
      // Written with the connector's removal; a connector that still has a config keeps the
      // default state. The listener hears of the removal through the config's tombstone.
      s.target_states.erase(connector);
      if (s.connector_configs.count(connector) > 0) {
        s.target_states[connector] = TargetState::kStarted;
      }
      return std::nullopt;
    }
    if (value.kind() != Value::Kind::kMap) {
      return wrong_format(absl::StrCat("target state for connector ", connector), &value);
    }
    // state.v2 when it is a string, else the legacy state field.
    const Value* name = Field(value, "state.v2");
    if (name != nullptr && !IsString(name)) name = nullptr;
    if (name == nullptr) {
      name = Field(value, "state");
      if (!IsString(name)) return wrong_format("target state", name);
    }
    std::optional<TargetState> state = ParseTargetState(name->string());
    if (!state.has_value()) {
      spdlog::error("Invalid target state for connector '{}': {}", connector, name->string());
      return std::nullopt;
    }
    auto [it, inserted] = s.target_states.try_emplace(connector, *state);
    const bool changed = inserted || it->second != *state;
    it->second = *state;
    if (started_ && changed && s.connector_configs.count(connector) > 0) {
      return Update(ConfigUpdate::Kind::kTargetStateChanged, connector);
    }
    return std::nullopt;
  }

  if (starts_with(kConnectorConfigPrefix)) {
    const std::string connector = rest(kConnectorConfigPrefix);
    if (value.is_null()) {
      RemoveConnector(s, connector);
      if (started_) return Update(ConfigUpdate::Kind::kConnectorConfigRemoved, connector);
      return std::nullopt;
    }
    if (value.kind() != Value::Kind::kMap) {
      return wrong_format(absl::StrCat("configuration for connector ", connector), &value);
    }
    const Value* properties = Field(value, "properties");
    if (!IsMap(properties)) return wrong_format("connector 'properties' field", properties);
    s.connector_configs[connector] = ToProperties(*properties);
    // Connectors created by workers before target states existed start.
    s.target_states.try_emplace(connector, TargetState::kStarted);
    if (started_) return Update(ConfigUpdate::Kind::kConnectorConfigUpdated, connector);
    return std::nullopt;
  }

  if (starts_with(kTaskConfigPrefix)) {
    std::optional<ConnectorTaskId> id = ParseTaskKey(key, 1);
    if (!id.has_value()) {
      spdlog::error("Ignoring task configuration because {} couldn't be parsed as a task config key",
                    key);
      return std::nullopt;
    }
    if (value.kind() != Value::Kind::kMap) {
      return wrong_format(absl::StrCat("task configuration ", key), &value);
    }
    const Value* properties = Field(value, "properties");
    if (!IsMap(properties)) return wrong_format("task 'properties' field", properties);
    // Buffered until the commit record that covers it, whatever its connector.
    s.buffered_task_configs[id->connector][id->task] = ToProperties(*properties);
    return std::nullopt;
  }

  if (starts_with(kTaskCommitPrefix)) {
    const std::string connector = rest(kTaskCommitPrefix);
    auto config = s.connector_configs.find(connector);
    if (config == s.connector_configs.end()) {
      // The connector was deleted and compaction removed both its config and its tombstone:
      // these task configs belong to nothing.
      RemoveConnector(s, connector);
      return std::nullopt;
    }
    if (value.kind() != Value::Kind::kMap) {
      return wrong_format(absl::StrCat("tasks commit for connector ", connector), &value);
    }
    std::optional<int32_t> task_count = IntValue(Field(value, "tasks"));
    if (!task_count.has_value()) {
      spdlog::error("Expected integer value to be either Integer or Long (commit for {})",
                    connector);
      return std::nullopt;
    }
    auto buffered = s.buffered_task_configs.find(connector);
    // Complete when ids 0..N-1 are all buffered; more ids are fine (compaction keeps the
    // configs of earlier, larger task sets).
    bool complete = true;
    for (int32_t i = 0; i < *task_count && complete; ++i) {
      complete = buffered != s.buffered_task_configs.end() && buffered->second.count(i) > 0;
    }
    ConfigUpdate update = Update(ConfigUpdate::Kind::kTaskConfigsCommitted, connector);
    if (!complete) {
      s.inconsistent.insert(connector);
    } else {
      if (buffered != s.buffered_task_configs.end()) {
        std::map<int32_t, ConfigProperties>& committed = s.task_configs[connector];
        for (auto& [task, props] : buffered->second) {
          committed[task] = props;
          update.tasks.push_back(task);
        }
        auto [gen, first] = s.task_config_generations.try_emplace(connector, 0);
        if (!first) ++gen->second;
      }
      s.inconsistent.erase(connector);
      s.applied_connector_configs[connector] = config->second;
    }
    // Cleared either way: an incomplete set must be replaced by a fresh one.
    if (buffered != s.buffered_task_configs.end()) buffered->second.clear();
    s.task_counts[connector] = *task_count;
    s.pending_fencing.insert(connector);
    if (started_) return update;
    return std::nullopt;
  }

  if (starts_with(kRestartRequestPrefix)) {
    if (value.kind() != Value::Kind::kMap) {
      return wrong_format("restart request", &value);
    }
    RestartRequest request;
    request.connector = rest(kRestartRequestPrefix);
    // A field that is not a boolean is false.
    const Value* only_failed = Field(value, "only-failed");
    request.only_failed = only_failed != nullptr && only_failed->kind() == Value::Kind::kBoolean &&
                          only_failed->boolean();
    const Value* include_tasks = Field(value, "include-tasks");
    request.include_tasks = include_tasks != nullptr &&
                            include_tasks->kind() == Value::Kind::kBoolean &&
                            include_tasks->boolean();
    // Requests read while catching up at startup are history: Java drops them.
    if (!started_) return std::nullopt;
    auto [it, inserted] = s.restart_requests.try_emplace(request.connector, request);
    if (!inserted && RestartImpactRank(request) > RestartImpactRank(it->second)) {
      it->second = request;
    }
    ConfigUpdate update = Update(ConfigUpdate::Kind::kRestartRequested, request.connector);
    update.restart = std::move(request);
    return update;
  }

  if (starts_with(kTaskCountRecordPrefix)) {
    const std::string connector = rest(kTaskCountRecordPrefix);
    if (value.kind() != Value::Kind::kMap) {
      return wrong_format(absl::StrCat("task count record for connector ", connector), &value);
    }
    std::optional<int32_t> task_count = IntValue(Field(value, "task-count"));
    if (!task_count.has_value()) {
      spdlog::error("Expected integer value to be either Integer or Long (task count for {})",
                    connector);
      return std::nullopt;
    }
    s.task_count_records[connector] = *task_count;
    s.pending_fencing.erase(connector);
    return std::nullopt;
  }

  if (key == kSessionKeyKey) {
    if (value.kind() != Value::Kind::kMap) return wrong_format("session key", &value);
    const Value* encoded = Field(value, "key");
    if (!IsString(encoded)) return wrong_format("session key 'key' field", encoded);
    absl::StatusOr<std::string> raw = formats::JavaBase64Decode(encoded->string());
    if (!raw.ok()) {
      spdlog::error("Ignoring session key: its 'key' field is not base64");
      return std::nullopt;
    }
    const Value* algorithm = Field(value, "algorithm");
    if (!IsString(algorithm)) return wrong_format("session key 'algorithm' field", algorithm);
    const Value* created = Field(value, "creation-timestamp");
    if (created == nullptr || created->kind() != Value::Kind::kInt64) {
      return wrong_format("session key 'creation-timestamp' field", created);
    }
    s.session_key = SessionKey{*std::move(raw), algorithm->string(), created->integer()};
    if (started_) return Update(ConfigUpdate::Kind::kSessionKeyUpdated, "");
    return std::nullopt;
  }

  if (starts_with(kLoggerLevelPrefix)) {
    const std::string logger_namespace = rest(kLoggerLevelPrefix);
    if (value.kind() != Value::Kind::kMap) return wrong_format("logging level", &value);
    const Value* level = Field(value, "level");
    if (!IsString(level)) return wrong_format("logging level 'level' field", level);
    // Levels written before this worker started were applied by the workers of that time.
    if (!started_) return std::nullopt;
    s.logger_levels[logger_namespace] = level->string();
    ConfigUpdate update = Update(ConfigUpdate::Kind::kLoggerLevelSet, logger_namespace);
    update.level = level->string();
    return update;
  }

  spdlog::error("Discarding config update record with invalid key: {}", key);
  return std::nullopt;
}

std::map<std::string, RestartRequest> ConfigTopicState::TakeRestartRequests() {
  return std::exchange(state_.restart_requests, {});
}

}  // namespace sluice::store
