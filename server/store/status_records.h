// The records of Kafka Connect's status topic (`status.storage.topic`, reference §3.4), written
// byte for byte as Kafka Connect 3.9's KafkaStatusBackingStore writes them, the rules its
// writer and reader apply to a cached status, and a reader that applies records as its consumer
// callback does.
//
//   absl::StatusOr<TopicRecord> r = TaskStatusRecord({"orders", 0}, status);
//   StatusTopicState state;
//   state.Apply(record);  // for each record read, in order
//   std::optional<StatusValue> cached = state.Task({"orders", 0});
//   if (CanWriteSafely(cached, status)) ...  // putSafe
//
// Thread-safety: the free functions are thread-safe; StatusTopicState is thread-compatible.
#ifndef SLUICE_SERVER_STORE_STATUS_RECORDS_H_
#define SLUICE_SERVER_STORE_STATUS_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/store/status_store.h"
#include "server/store/topic_record.h"

namespace sluice::store {

// States are store::State (status_store.h); DESTROYED is written as a tombstone.

// ---- Keys ----

inline constexpr std::string_view kConnectorStatusPrefix = "status-connector-";
inline constexpr std::string_view kTaskStatusPrefix = "status-task-";
inline constexpr std::string_view kTopicStatusPrefix = "status-topic-";
inline constexpr std::string_view kTopicStatusSeparator = ":connector-";

std::string ConnectorStatusKey(std::string_view connector);  // status-connector-{c}
std::string TaskStatusKey(const ConnectorTaskId& task);      // status-task-{c}-{n}
std::string TopicStatusKey(std::string_view topic, std::string_view connector);
// status-topic-{topic}:connector-{c}

// The connector of a status-connector- key; nullopt when it is empty (Java discards the
// record). REQUIRES: key starts with kConnectorStatusPrefix.
std::optional<std::string> ParseConnectorStatusKey(std::string_view key);
// status-task-{c}-{n} as ParseTaskKey reads it (the prefix is two pieces).
std::optional<ConnectorTaskId> ParseTaskStatusKey(std::string_view key);
// Java's reading of a topic key: the topic runs from after the prefix to the first ':' anywhere
// in the key, and the connector is what follows the 11 characters after that ':' (whatever
// they are; Java does not check that they read ":connector-"). nullopt when there is no ':',
// the topic or connector is empty, or the key ends too soon. REQUIRES: key starts with
// kTopicStatusPrefix.
struct TopicStatusKeyParts {
  std::string topic;
  std::string connector;
};
std::optional<TopicStatusKeyParts> ParseTopicStatusKey(std::string_view key);

// ---- Values ----

// A connector's or task's status record.
struct StatusValue {
  State state = State::kUnassigned;
  std::optional<std::string> trace;
  // The writer's host:port. Java reads a record without worker_id as a null one, and then
  // fails on it when it next compares worker ids; Sluice treats null as no worker's id.
  std::optional<std::string> worker_id;
  int32_t generation = 0;

  bool operator==(const StatusValue& o) const {
    return state == o.state && trace == o.trace && worker_id == o.worker_id &&
           generation == o.generation;
  }
};

// {"state":..,"trace":..,"worker_id":..,"generation":..} (trace null when absent).
// InvalidArgument with Java's message when worker_id is missing (Java's converter refuses a null
// required field).
absl::StatusOr<std::string> EncodeStatusValue(const StatusValue& status);
// How Java's store reads a status value; nullopt where it drops the record (not JSON, not an
// object, state missing or not a state name, trace or worker_id present but not a string,
// generation missing or not an integer; an integer generation is narrowed to int32).
std::optional<StatusValue> DecodeStatusValue(std::string_view bytes);

// The records put()/putSafe() send: a DESTROYED status is a tombstone.
absl::StatusOr<TopicRecord> ConnectorStatusRecord(std::string_view connector,
                                                  const StatusValue& status);
absl::StatusOr<TopicRecord> TaskStatusRecord(const ConnectorTaskId& task,
                                             const StatusValue& status);

// A topic a connector's task used (KIP-558).
struct TopicStatus {
  std::string topic;
  std::string connector;
  int32_t task = 0;
  int64_t discover_timestamp_ms = 0;

  bool operator==(const TopicStatus& o) const {
    return topic == o.topic && connector == o.connector && task == o.task &&
           discover_timestamp_ms == o.discover_timestamp_ms;
  }
};
// {"topic":{"name":..,"connector":..,"task":..,"discoverTimestamp":..}}
std::string EncodeTopicStatusValue(const TopicStatus& status);
// nullopt where Java drops the record: no "topic" object, name or connector missing or not
// strings, task or discoverTimestamp missing or not integers (task narrowed to int32).
std::optional<TopicStatus> DecodeTopicStatusValue(std::string_view bytes);
TopicRecord TopicStatusRecord(const TopicStatus& status);
// deleteTopic(connector, topic): the tombstone.
TopicRecord TopicStatusTombstone(std::string_view topic, std::string_view connector);

// ---- The rules over a cached status ----

// putSafe (used for UNASSIGNED and FAILED): writes unless the cached status was written by
// another worker with a strictly higher generation.
bool CanWriteSafely(const std::optional<StatusValue>& cached, const StatusValue& incoming);
// The reader's rule for a task: an incoming UNASSIGNED is ignored when the cached status is
// RUNNING with a generation at least as high (a late UNASSIGNED from a worker that had not
// seen the RUNNING yet).
bool IgnoresIncomingTaskStatus(const std::optional<StatusValue>& cached,
                               const StatusValue& incoming);

// ---- Reading ----

// Applies status topic records as KafkaStatusBackingStore's read() does: prefix dispatch
// (status-connector-, status-task-, status-topic-, anything else dropped), tombstones (a
// connector's removes its tasks' statuses too; a topic's removes that topic from the connector's
// active set), malformed records dropped, and the reader's UNASSIGNED rule for tasks. Statuses
// it writes itself reach it only when read back, as in Java.
class StatusTopicState {
 public:
  void Apply(const TopicRecord& record);

  std::optional<StatusValue> Connector(const std::string& connector) const;
  std::optional<StatusValue> Task(const ConnectorTaskId& task) const;
  // The connector's task statuses by task id.
  std::map<int32_t, StatusValue> Tasks(const std::string& connector) const;
  // Connectors with a status record.
  std::vector<std::string> Connectors() const;
  // Connectors with task statuses (with or without a connector status).
  std::vector<std::string> ConnectorsWithTasks() const;
  // The connector's active topics by topic name (the key's topic; the value is as read).
  std::map<std::string, TopicStatus> Topics(const std::string& connector) const;
  // Connectors with at least one active topic.
  std::vector<std::string> ConnectorsWithTopics() const;

 private:
  std::map<std::string, StatusValue> connectors_;
  std::map<std::string, std::map<int32_t, StatusValue>> tasks_;
  std::map<std::string, std::map<std::string, TopicStatus>> topics_;
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_STATUS_RECORDS_H_
