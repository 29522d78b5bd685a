#include "server/store/status_records.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "formats/json_tree.h"
#include "formats/schemaless_json.h"
#include "spdlog/spdlog.h"

namespace sluice::store {
namespace {

using formats::AppendJsonString;

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// Java's map.get(field) on the converter's map: null when absent or JSON null.
const Value* Field(const Value& map, std::string_view field) {
  const Value* v = map.Find(field);
  return v == nullptr || v->is_null() ? nullptr : v;
}

// A (String) cast: null passes, anything but a string throws ClassCastException.
bool NullableString(const Value* v, std::optional<std::string>* out) {
  if (v == nullptr) return true;
  if (v->kind() != Value::Kind::kString) return false;
  *out = v->string();
  return true;
}

// ((Long) v).intValue(): a JSON integer (always a Long when schemaless), narrowed.
std::optional<int32_t> LongIntValue(const Value* v) {
  if (v == nullptr || v->kind() != Value::Kind::kInt64) return std::nullopt;
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v->integer())));
}

std::optional<Value> ParseObject(std::string_view bytes) {
  absl::StatusOr<Value> value = formats::ParseSchemaless(bytes);
  if (!value.ok() || value->kind() != Value::Kind::kMap) return std::nullopt;
  return *std::move(value);
}

}  // namespace


// ---- Keys ----

std::string ConnectorStatusKey(std::string_view connector) {
  return absl::StrCat(Av(kConnectorStatusPrefix), Av(connector));
}

std::string TaskStatusKey(const ConnectorTaskId& task) {
  return absl::StrCat(Av(kTaskStatusPrefix), task.connector, "-", task.task);
}

std::string TopicStatusKey(std::string_view topic, std::string_view connector) {
  return absl::StrCat(Av(kTopicStatusPrefix), Av(topic), Av(kTopicStatusSeparator), Av(connector));
}

std::optional<std::string> ParseConnectorStatusKey(std::string_view key) {
  std::string_view connector = key.substr(kConnectorStatusPrefix.size());
  if (connector.empty()) return std::nullopt;
  return std::string(connector);
}

std::optional<ConnectorTaskId> ParseTaskStatusKey(std::string_view key) {
  return ParseTaskKey(key, 2);
}

std::optional<TopicStatusKeyParts> ParseTopicStatusKey(std::string_view key) {
  const size_t delimiter = key.find(':');
  const size_t begin = kTopicStatusPrefix.size();
  if (delimiter == std::string_view::npos || begin > delimiter) return std::nullopt;
  TopicStatusKeyParts parts;
  parts.topic = std::string(key.substr(begin, delimiter - begin));
  if (parts.topic.empty()) return std::nullopt;
  // Java skips the separator's length without looking at it. Its offsets count UTF-16 units;
  // Sluice counts bytes, which agree whenever those 11 characters are ASCII (as ":connector-"
  // is).
  const size_t connector_begin = delimiter + kTopicStatusSeparator.size();
  if (connector_begin > key.size()) return std::nullopt;
  parts.connector = std::string(key.substr(connector_begin));
  if (parts.connector.empty()) return std::nullopt;
  return parts;
}

// ---- Values ----

absl::StatusOr<std::string> EncodeStatusValue(const StatusValue& status) {
  if (!status.worker_id.has_value()) {
    return absl::InvalidArgumentError(
        "Invalid value: null used for required field: \"worker_id\", schema type: STRING");
  }
  std::string out = absl::StrCat("{\"state\":\"", Av(StateName(status.state)),
                                 "\",\"trace\":");
  if (status.trace.has_value()) {
    AppendJsonString(*status.trace, &out);
  } else {
    out.append("null");
  }
  out.append(",\"worker_id\":");
  AppendJsonString(*status.worker_id, &out);
  absl::StrAppend(&out, ",\"generation\":", status.generation, "}");
  return out;
}

std::optional<StatusValue> DecodeStatusValue(std::string_view bytes) {
  std::optional<Value> map = ParseObject(bytes);
  if (!map.has_value()) return std::nullopt;
  StatusValue status;
  const Value* state = Field(*map, "state");
  if (state == nullptr || state->kind() != Value::Kind::kString) return std::nullopt;
  std::optional<State> parsed = ParseState(state->string());
  if (!parsed.has_value()) return std::nullopt;
  status.state = *parsed;
  if (!NullableString(Field(*map, "trace"), &status.trace)) return std::nullopt;
  if (!NullableString(Field(*map, "worker_id"), &status.worker_id)) return std::nullopt;
  std::optional<int32_t> generation = LongIntValue(Field(*map, "generation"));
  if (!generation.has_value()) return std::nullopt;
  status.generation = *generation;
  return status;
}

absl::StatusOr<TopicRecord> ConnectorStatusRecord(std::string_view connector,
                                                  const StatusValue& status) {
  TopicRecord record{ConnectorStatusKey(connector), std::nullopt};
  if (status.state == State::kDestroyed) return record;
  absl::StatusOr<std::string> value = EncodeStatusValue(status);
  if (!value.ok()) return value.status();
  record.value = *std::move(value);
  return record;
}

absl::StatusOr<TopicRecord> TaskStatusRecord(const ConnectorTaskId& task,
                                             const StatusValue& status) {
  TopicRecord record{TaskStatusKey(task), std::nullopt};
  if (status.state == State::kDestroyed) return record;
  absl::StatusOr<std::string> value = EncodeStatusValue(status);
  if (!value.ok()) return value.status();
  record.value = *std::move(value);
  return record;
}

std::string EncodeTopicStatusValue(const TopicStatus& status) {
  std::string out = "{\"topic\":{\"name\":";
  AppendJsonString(status.topic, &out);
  out.append(",\"connector\":");
  AppendJsonString(status.connector, &out);
  absl::StrAppend(&out, ",\"task\":", status.task,
                  ",\"discoverTimestamp\":", status.discover_timestamp_ms, "}}");
  return out;
}

std::optional<TopicStatus> DecodeTopicStatusValue(std::string_view bytes) {
  std::optional<Value> map = ParseObject(bytes);
  if (!map.has_value()) return std::nullopt;
  const Value* inner = Field(*map, "topic");
  if (inner == nullptr || inner->kind() != Value::Kind::kMap) return std::nullopt;
  // TopicStatus requires the name and the connector (Objects.requireNonNull).
  const Value* name = Field(*inner, "name");
  const Value* connector = Field(*inner, "connector");
  if (name == nullptr || name->kind() != Value::Kind::kString || connector == nullptr ||
      connector->kind() != Value::Kind::kString) {
    return std::nullopt;
  }
  std::optional<int32_t> task = LongIntValue(Field(*inner, "task"));
  const Value* timestamp = Field(*inner, "discoverTimestamp");
  if (!task.has_value() || timestamp == nullptr || timestamp->kind() != Value::Kind::kInt64) {
    return std::nullopt;
  }
  return TopicStatus{name->string(), connector->string(), *task, timestamp->integer()};
}

TopicRecord TopicStatusRecord(const TopicStatus& status) {
  return {TopicStatusKey(status.topic, status.connector), EncodeTopicStatusValue(status)};
}

TopicRecord TopicStatusTombstone(std::string_view topic, std::string_view connector) {
  return {TopicStatusKey(topic, connector), std::nullopt};
}

// ---- Rules ----

bool CanWriteSafely(const std::optional<StatusValue>& cached, const StatusValue& incoming) {
  if (!cached.has_value()) return true;
  // A record without a worker id is no worker's: it matches no writer.
  if (!cached->worker_id.has_value()) return cached->generation <= incoming.generation;
  return MayReplace(
      InstanceStatus{cached->state, *cached->worker_id, cached->trace, cached->generation},
      InstanceStatus{incoming.state, incoming.worker_id.value_or(""), incoming.trace,
                     incoming.generation});
}

bool IgnoresIncomingTaskStatus(const std::optional<StatusValue>& cached,
                               const StatusValue& incoming) {
  return incoming.state == State::kUnassigned && cached.has_value() &&
         cached->state == State::kRunning && cached->generation >= incoming.generation;
}

// ---- Reading ----

void StatusTopicState::Apply(const TopicRecord& record) {
  const std::string& key = record.key;
  if (StartsWith(key, kConnectorStatusPrefix)) {
    std::optional<std::string> connector = ParseConnectorStatusKey(key);
    if (!connector.has_value()) {
      spdlog::warn("Discarding record with invalid connector status key {}", key);
      return;
    }
    if (!record.value.has_value()) {
      // The connector is gone: its tasks' statuses go with it.
      connectors_.erase(*connector);
      tasks_.erase(*connector);
      return;
    }
    std::optional<StatusValue> status = DecodeStatusValue(*record.value);
    if (!status.has_value()) {
      spdlog::error("Failed to deserialize connector status for {}", *connector);
      return;
    }
    connectors_[*connector] = *std::move(status);
    return;
  }
  if (StartsWith(key, kTaskStatusPrefix)) {
    std::optional<ConnectorTaskId> id = ParseTaskStatusKey(key);
    if (!id.has_value()) {
      spdlog::warn("Discarding record with invalid task status key {}", key);
      return;
    }
    if (!record.value.has_value()) {
      auto it = tasks_.find(id->connector);
      if (it != tasks_.end()) {
        it->second.erase(id->task);
        if (it->second.empty()) tasks_.erase(it);
      }
      return;
    }
    std::optional<StatusValue> status = DecodeStatusValue(*record.value);
    if (!status.has_value()) {
      spdlog::warn("Failed to parse task status with key {}", key);
      return;
    }
    if (IgnoresIncomingTaskStatus(Task(*id), *status)) return;
    tasks_[id->connector][id->task] = *std::move(status);
    return;
  }
  if (StartsWith(key, kTopicStatusPrefix)) {
    std::optional<TopicStatusKeyParts> parts = ParseTopicStatusKey(key);
    if (!parts.has_value()) {
      spdlog::warn("Discarding record with invalid topic status key {}", key);
      return;
    }
    if (!record.value.has_value()) {
      auto it = topics_.find(parts->connector);
      if (it != topics_.end()) {
        it->second.erase(parts->topic);
        if (it->second.empty()) topics_.erase(it);
      }
      return;
    }
    std::optional<TopicStatus> status = DecodeTopicStatusValue(*record.value);
    if (!status.has_value()) {
      spdlog::warn("Failed to parse topic status with key {}", key);
      return;
    }
    topics_[parts->connector][parts->topic] = *std::move(status);
    return;
  }
  spdlog::warn("Discarding record with invalid key {}", key);
}

std::optional<StatusValue> StatusTopicState::Connector(const std::string& connector) const {
  auto it = connectors_.find(connector);
  if (it == connectors_.end()) return std::nullopt;
  return it->second;
}

std::optional<StatusValue> StatusTopicState::Task(const ConnectorTaskId& task) const {
  auto it = tasks_.find(task.connector);
  if (it == tasks_.end()) return std::nullopt;
  auto t = it->second.find(task.task);
  if (t == it->second.end()) return std::nullopt;
  return t->second;
}

std::map<int32_t, StatusValue> StatusTopicState::Tasks(const std::string& connector) const {
  auto it = tasks_.find(connector);
  return it == tasks_.end() ? std::map<int32_t, StatusValue>{} : it->second;
}

std::vector<std::string> StatusTopicState::Connectors() const {
  std::vector<std::string> out;
  for (const auto& [name, status] : connectors_) out.push_back(name);
  return out;
}

std::vector<std::string> StatusTopicState::ConnectorsWithTasks() const {
  std::vector<std::string> out;
  for (const auto& [name, tasks] : tasks_) out.push_back(name);
  return out;
}

std::map<std::string, TopicStatus> StatusTopicState::Topics(const std::string& connector) const {
  auto it = topics_.find(connector);
  return it == topics_.end() ? std::map<std::string, TopicStatus>{} : it->second;
}

std::vector<std::string> StatusTopicState::ConnectorsWithTopics() const {
  std::vector<std::string> out;
  for (const auto& [name, topics] : topics_) out.push_back(name);
  return out;
}

}  // namespace sluice::store
