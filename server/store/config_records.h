// The records of Kafka Connect's config topic (`config.storage.topic`, reference §3.2), written
// byte for byte as Kafka Connect 3.9's KafkaConfigBackingStore writes them, and read back the way
// its consumer callback applies them, so that Sluice and Java workers can share one config topic.
//
//   std::vector<TopicRecord> batch =
//       ConnectorConfigRecords("orders", properties, TargetState::kStopped);
//   ... produce batch in order, then read the topic back:
//   ConfigTopicState state;
//   for (each record r at offset o) state.Apply(o, r);
//   state.MarkStarted();  // once the first read to the end is done
//   ConfigSnapshot snapshot = state.Snapshot();
//
// Keys are plain UTF-8 strings; values are the JSON the worker's internal JsonConverter
// (schemas.enable=false) writes for the store's Connect structs: compact, fields in schema
// order, maps in the order they are given, non-ASCII raw. A null value is a tombstone.
//
// Thread-safety: the free functions are thread-safe; ConfigTopicState is thread-compatible (the
// store that owns it applies records on one thread and hands out snapshots).
#ifndef SLUICE_SERVER_STORE_CONFIG_RECORDS_H_
#define SLUICE_SERVER_STORE_CONFIG_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/config_store.h"
#include "server/store/topic_record.h"

namespace sluice::store {

// ---- Keys ---------------------------------------------------------------------------------

inline constexpr std::string_view kTargetStatePrefix = "target-state-";
inline constexpr std::string_view kConnectorConfigPrefix = "connector-";
inline constexpr std::string_view kTaskConfigPrefix = "task-";
inline constexpr std::string_view kTaskCommitPrefix = "commit-";
inline constexpr std::string_view kRestartRequestPrefix = "restart-connector-";
inline constexpr std::string_view kTaskCountRecordPrefix = "tasks-fencing-";
inline constexpr std::string_view kSessionKeyKey = "session-key";
inline constexpr std::string_view kLoggerLevelPrefix = "logger-cluster-";

std::string TargetStateKey(std::string_view connector);     // target-state-{c}
std::string ConnectorConfigKey(std::string_view connector); // connector-{c}
std::string TaskConfigKey(std::string_view connector, int32_t task);  // task-{c}-{n}
std::string TaskCommitKey(std::string_view connector);      // commit-{c}
std::string RestartRequestKey(std::string_view connector);  // restart-connector-{c}
std::string TaskCountRecordKey(std::string_view connector); // tasks-fencing-{c}
std::string LoggerLevelKey(std::string_view logger_namespace);  // logger-cluster-{ns}

// ---- Values -------------------------------------------------------------------------------

// One entry of a connector or task config. Java's map may hold a null value (the schema's
// values are optional strings), so the value is optional.
struct ConfigEntry {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const ConfigEntry& o) const { return key == o.key && value == o.value; }
};

// A connector or task config in the iteration order of the Java map it stands for. The writers
// below emit the entries in exactly this order (a repeated key keeps its first position and its
// last value, as a Java map would). The reader yields the order of the java.util.HashMap the
// JsonConverter builds, as Java's snapshot holds it. A value that is neither a string nor null
// (only a hand-written record has one) is kept by Java as a boxed number, boolean, list or map,
// which fails later when a worker uses the config; Sluice keeps its JSON text.
using ConfigProperties = std::vector<ConfigEntry>;

// {"properties":{...}}: connector-{c} and task-{c}-{n} values.
std::string EncodeConnectorConfig(const ConfigProperties& properties);
std::string EncodeTaskConfig(const ConfigProperties& properties);
// {"state":..,"state.v2":..}: state.v2 is the state's name; state is the same except STOPPED,
// written as PAUSED for workers older than 3.5.
std::string EncodeTargetState(TargetState state);
// {"tasks":N}
std::string EncodeTaskCommit(int32_t task_count);
// {"task-count":N}: the number of task producers fenced (exactly-once source).
std::string EncodeTaskCountRecord(int32_t task_count);

// The key that signs internal REST requests (sessioned protocol).
struct SessionKey {
  std::string key;        // the raw key bytes (base64 on the wire)
  std::string algorithm;  // e.g. "HmacSHA256"
  int64_t creation_timestamp_ms = 0;

  bool operator==(const SessionKey& o) const {
    return key == o.key && algorithm == o.algorithm &&
           creation_timestamp_ms == o.creation_timestamp_ms;
  }
};
// {"key":"<base64>","algorithm":..,"creation-timestamp":..}
std::string EncodeSessionKey(const SessionKey& key);

// A KIP-745 restart request (Kafka Connect's RestartRequest).
struct RestartRequest {
  std::string connector;
  bool only_failed = false;
  bool include_tasks = false;

  bool operator==(const RestartRequest& o) const {
    return connector == o.connector && only_failed == o.only_failed &&
           include_tasks == o.include_tasks;
  }
};
// {"include-tasks":..,"only-failed":..}
std::string EncodeRestartRequest(const RestartRequest& request);
// RestartRequest's impact rank, by which the herder keeps the highest-impact pending request per
// connector: 0 only-failed connector, 1 only-failed connector and tasks, 2 connector, 3
// connector and tasks.
int RestartImpactRank(const RestartRequest& request);

// {"level":..}: a cluster-wide logger level (logger-cluster-{ns}).
std::string EncodeLoggerLevel(std::string_view level);

// ---- Record batches, as KafkaConfigBackingStore sends them ----------------------------------

// putConnectorConfig: target-state-{c} first when a state is given, then connector-{c}.
std::vector<TopicRecord> ConnectorConfigRecords(std::string_view connector,
                                                const ConfigProperties& properties,
                                                std::optional<TargetState> target_state);
// removeConnectorConfig: connector-{c} and target-state-{c} tombstones, in that order.
std::vector<TopicRecord> ConnectorRemovalRecords(std::string_view connector);
// putTaskConfigs, first step: task-{c}-0 .. task-{c}-(N-1). The leader then reads to the end of
// the topic (when N > 0) and sends TaskCommitRecord(c, N).
std::vector<TopicRecord> TaskConfigRecords(std::string_view connector,
                                           const std::vector<ConfigProperties>& tasks);
TopicRecord TaskCommitRecord(std::string_view connector, int32_t task_count);
TopicRecord TargetStateRecord(std::string_view connector, TargetState state);
TopicRecord TaskCountRecord(std::string_view connector, int32_t task_count);
TopicRecord SessionKeyRecord(const SessionKey& key);
TopicRecord RestartRequestRecord(const RestartRequest& request);
TopicRecord LoggerLevelRecord(std::string_view logger_namespace, std::string_view level);

// ---- What the herder hands the store (the order of `properties`) ---------------------------
//
// Kafka Connect writes a config map in its iteration order, so Sluice must build the same order:
// - POST /connectors and PUT /connectors/{c}/config: the request's JSON object order (Jackson's
//   LinkedHashMap), with "name" appended last when the request lacks it. No helper needed.
// - PATCH /connectors/{c}/config: ConnectUtils.patchConfig, a java.util.HashMap copy of the
//   current config (as read from the topic) with the patch applied: PatchedConnectorConfig.
// - Task configs: Worker.connectorTaskConfigs, a HashMap copy of the connector's task map with
//   task.class and the connector's topics / topics.regex put after: WorkerTaskConfig.

// ConnectUtils.patchConfig(current, patch) in the HashMap order Java iterates: a patch entry with
// a value sets the key, one with a null value removes it. `current` is in the order Java
// iterates the current config (ConfigSnapshot's order); `patch` in the request's order.
ConfigProperties PatchedConnectorConfig(const ConfigProperties& current,
                                        const ConfigProperties& patch);

// The config Worker.connectorTaskConfigs builds for one task: new HashMap<>(task_props), then
// task.class, then topics and topics.regex when the connector's config has them. `task_props`
// is in the order the connector's map iterates.
ConfigProperties WorkerTaskConfig(const ConfigProperties& task_props,
                                  std::string_view task_class,
                                  const std::optional<std::string>& topics,
                                  const std::optional<std::string>& topics_regex);

// ---- Reading ------------------------------------------------------------------------------

// What Kafka Connect's ClusterConfigState holds, plus the herder-facing state of records that
// Java hands to its listener only once the store has started (restart requests, logger levels).
struct ConfigSnapshot {
  // The offset after the last record applied (Java's "next offset"); -1 before any. A record
  // whose value is not JSON does not move it.
  int64_t offset = -1;
  std::optional<SessionKey> session_key;
  std::map<std::string, ConfigProperties> connector_configs;
  // Connectors with a config and no target-state record are STARTED. A target state may exist
  // without a config (written before the config, or left behind by a removal).
  std::map<std::string, TargetState> target_states;
  // Committed task configs. Like Java's map, ids at or past the task count may linger from
  // earlier, larger commits; Tasks() gives the live ids.
  std::map<std::string, std::map<int32_t, ConfigProperties>> task_configs;
  // The task count of the latest commit, also when that commit left the connector inconsistent.
  std::map<std::string, int32_t> task_counts;
  // Connectors whose latest commit did not find task configs 0..N-1 buffered (compaction, or a
  // leader that died mid-write): the leader must regenerate their tasks.
  std::set<std::string> inconsistent;
  // tasks-fencing-{c} records (exactly-once source).
  std::map<std::string, int32_t> task_count_records;
  // Per connector, 0 at the first commit that applied buffered task configs, +1 at each later.
  std::map<std::string, int32_t> task_config_generations;
  // The connector config as it was when its task configs were last committed consistently.
  std::map<std::string, ConfigProperties> applied_connector_configs;
  // Connectors whose task configs were committed after their latest tasks-fencing record.
  std::set<std::string> pending_fencing;
  // Task configs read but not yet committed, per connector. A connector appears (maybe with
  // none) once any task config of it was read, until its config is removed.
  std::map<std::string, std::map<int32_t, ConfigProperties>> buffered_task_configs;
  // Restart requests read after MarkStarted and not yet taken, one per connector: the highest
  // impact one (the herder's rule; ties keep the earlier).
  std::map<std::string, RestartRequest> restart_requests;
  // Logger levels read after MarkStarted, the latest per namespace.
  std::map<std::string, std::string> logger_levels;

  // ClusterConfigState.tasks(c): 0 .. count-1, or none when the connector is inconsistent or has
  // no commit.
  std::vector<int32_t> Tasks(const std::string& connector) const;
};

// What Java's store tells its UpdateListener after a record, once started.
struct ConfigUpdate {
  enum class Kind {
    kConnectorConfigUpdated,  // name: the connector
    kConnectorConfigRemoved,  // name: the connector
    kTargetStateChanged,      // name: the connector (only for a connector with a config)
    kTaskConfigsCommitted,    // name: the connector; tasks: the ids applied (may be none)
    kSessionKeyUpdated,
    kRestartRequested,        // restart
    kLoggerLevelSet,          // name: the namespace; level
  };
  Kind kind = Kind::kConnectorConfigUpdated;
  std::string name;
  std::vector<int32_t> tasks;  // ascending
  RestartRequest restart;
  std::string level;

  bool operator==(const ConfigUpdate& o) const {
    return kind == o.kind && name == o.name && tasks == o.tasks && restart == o.restart &&
           level == o.level;
  }
};

// Applies config topic records in offset order exactly as KafkaConfigBackingStore's consumer
// callback does (see config_records.cc for each rule), including its tolerance of malformed
// values: a record Java drops (logging why) changes nothing here either. One difference: where
// Java's callback throws (a task count that is not an integer, a session key that is not
// base64), Java also loses the rest of that consumer poll's records; Sluice drops only the bad
// record.
class ConfigTopicState {
 public:
  // Applies the record read at `offset`. Returns what Java's store would tell its listener, which
  // it does only once started (before MarkStarted, nothing is returned, and restart requests and
  // logger levels are dropped, as Java drops them).
  std::optional<ConfigUpdate> Apply(int64_t offset, const TopicRecord& record);

  // Call once the first read to the end of the topic has completed (Java's store start()).
  void MarkStarted() { started_ = true; }
  bool started() const { return started_; }

  const ConfigSnapshot& Snapshot() const { return state_; }
  // Removes and returns the pending restart requests (the herder's processRestartRequests).
  std::map<std::string, RestartRequest> TakeRestartRequests();

 private:
  bool started_ = false;
  ConfigSnapshot state_;
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_CONFIG_RECORDS_H_
