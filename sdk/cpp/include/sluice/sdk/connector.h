// What a plugin author implements: connectors and their tasks, as in Kafka Connect's
// SourceConnector / SinkConnector / SourceTask / SinkTask.
//
// Plugin code never sees gRPC or protobuf: the plugin host calls these interfaces and carries
// the results to the worker. The worker does everything that touches Kafka (producing,
// consuming, converters, transforms, offsets), so a task only produces or consumes records.
//
// Errors: methods return absl::Status. Plugin code may also throw; the host catches at the one
// place it calls in, and reports the exception as the task's or connector's failure.
//
// Threads: the host calls a connector's methods from one thread at a time. A task's methods are
// called from its own thread, except Stop(), which may come from another thread while Poll() or
// Put() is running and must make them return soon.
#ifndef SLUICE_SDK_CONNECTOR_H_
#define SLUICE_SDK_CONNECTOR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/records.h"

namespace sluice {

class ConnectorContext {
 public:
  virtual ~ConnectorContext() = default;
  // Asks the worker to call TaskConfigs again and restart the tasks if they changed.
  virtual void RequestTaskReconfiguration() = 0;
  // Reports a failure of the connector found outside a call (e.g. on a background thread).
  virtual void RaiseError(const absl::Status& error) = 0;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual std::string Version() const = 0;
  // The connector's own keys; the worker adds its common keys (name, tasks.max, ...).
  virtual ConfigDef Config() const = 0;
  // `context` outlives the connector's Stop().
  virtual absl::Status Start(ConnectorContext& context, const ConfigMap& config) = 0;
  // At most `max_tasks` task configs.
  virtual absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int max_tasks) = 0;
  virtual absl::Status Stop() = 0;
  // Checks beyond the ConfigDef (e.g. keys that depend on each other); add errors to the
  // matching entries of `results`, which hold one entry per key of Config(). Default: none.
  virtual void Validate(const ConfigMap& config, std::vector<ConfigValueResult>& results) {
    (void)config;
    (void)results;
  }
};

// A change asked for by PATCH / DELETE /connectors/{c}/offsets (KIP-875), as the connector's
// AlterOffsets sees it. A source partition and offset are maps with string keys and primitive
// values, normalised as the offset store keeps them (whole numbers are int64); nullopt resets
// the partition. A sink offset is the next offset to consume; nullopt resets the partition.
struct SourceOffsetChange {
  Value partition;
  std::optional<Value> offset;
};
using SourceOffsetChanges = std::vector<SourceOffsetChange>;
using SinkOffsetChanges = std::map<TopicPartition, std::optional<int64_t>>;

class SourceConnector : public Connector {
 public:
  // Kafka Connect's SourceConnector.alterOffsets. Called on a fresh instance (never started)
  // while the connector is stopped, before the worker writes `offsets` to its offset store; a
  // reset of all offsets lists every known partition with nullopt. Returns true when the
  // connector has altered what it manages outside the worker, or confirms it manages nothing
  // there; false (the default) when any external offsets are left to the user. An error
  // rejects the request: the worker writes nothing and reports the error's message.
  virtual absl::StatusOr<bool> AlterOffsets(const ConfigMap& config,
                                            const SourceOffsetChanges& offsets) {
    (void)config;
    (void)offsets;
    return false;
  }
};

class SinkConnector : public Connector {
 public:
  // Kafka Connect's SinkConnector.alterOffsets, with the same contract as
  // SourceConnector::AlterOffsets; a reset lists every partition the consumer group has an
  // offset for.
  virtual absl::StatusOr<bool> AlterOffsets(const ConfigMap& config,
                                            const SinkOffsetChanges& offsets) {
    (void)config;
    (void)offsets;
    return false;
  }
};

// Reads the offsets this connector's tasks committed earlier.
class OffsetStorageReader {
 public:
  virtual ~OffsetStorageReader() = default;
  // The offset stored for `partition` (a map Value), or nullopt when none is stored.
  // Unavailable when the worker could not be asked.
  virtual absl::StatusOr<std::optional<Value>> Offset(const Value& partition) = 0;
};

class SourceTaskContext {
 public:
  virtual ~SourceTaskContext() = default;
  virtual OffsetStorageReader& offset_storage_reader() = 0;
  virtual const ConfigMap& configs() const = 0;
};

class SourceTask {
 public:
  virtual ~SourceTask() = default;
  // `context` outlives Stop().
  virtual absl::Status Start(SourceTaskContext& context, const ConfigMap& config) = 0;
  // The next records. May block for a short while (about a second at most) when there are
  // none, then returns an empty vector. An error fails the task.
  virtual absl::StatusOr<std::vector<SourceRecord>> Poll() = 0;
  // Called (from the task thread) after the offsets of records handed over so far are durable.
  virtual absl::Status Commit() { return absl::OkStatus(); }
  // Called once per record, after Kafka acknowledged it and its offset is durable.
  virtual absl::Status CommitRecord(const SourceRecord& record) {
    (void)record;
    return absl::OkStatus();
  }
  // May be called from another thread while Poll() is blocked; makes it return soon.
  virtual absl::Status Stop() = 0;
};

class SinkTaskContext {
 public:
  virtual ~SinkTaskContext() = default;
  virtual const ConfigMap& configs() const = 0;
  // Stops / restarts fetching from these partitions.
  virtual void Pause(const std::vector<TopicPartition>& partitions) = 0;
  virtual void Resume(const std::vector<TopicPartition>& partitions) = 0;
  // Kafka Connect's ErrantRecordReporter: hands `record` (one given to Put) to the worker's error
  // handling because the task could not write it; `error` says why. The worker logs it
  // (errors.log.enable) and writes its original bytes to the dead letter queue
  // (errors.deadletterqueue.topic.name); with errors.tolerance=none it then fails the task.
  // Call it from Put (or before the next Put returns); thread-safe.
  virtual void ReportErrant(const SinkRecord& record, std::string_view error) = 0;
  // Kafka Connect's SinkTaskContext.offset: asks the worker to move its consumer to `offsets`
  // (the next offset to consume per partition: back to read records again, or forward to skip
  // them) before it fetches again; asked in Open, the partitions start there. A partition not
  // assigned to the task fails it. Thread-safe.
  virtual void Offset(const TopicPartitionOffsets& offsets) = 0;
  // Kafka Connect's SinkTaskContext.requestCommit: the worker commits (PreCommit, then the
  // consumer commit) at the next turn of its loop, not at offset.flush.interval.ms. Thread-safe.
  virtual void RequestCommit() = 0;
};

class SinkTask {
 public:
  virtual ~SinkTask() = default;
  virtual absl::Status Start(SinkTaskContext& context, const ConfigMap& config) = 0;
  // Partitions newly assigned to this task.
  virtual absl::Status Open(const std::vector<TopicPartition>& partitions) {
    (void)partitions;
    return absl::OkStatus();
  }
  // Writes (or buffers) records. An error fails the task.
  virtual absl::Status Put(std::vector<SinkRecord> records) = 0;
  // Makes everything handed to Put durable, up to `offsets`.
  virtual absl::Status Flush(const TopicPartitionOffsets& offsets) {
    (void)offsets;
    return absl::OkStatus();
  }
  // Returns the offsets that may be committed to Kafka. Default: Flush, then all of `offsets`.
  virtual absl::StatusOr<TopicPartitionOffsets> PreCommit(const TopicPartitionOffsets& offsets) {
    absl::Status flushed = Flush(offsets);
    if (!flushed.ok()) return flushed;
    return offsets;
  }
  // Partitions taken away from this task; flush what belongs to them.
  virtual absl::Status Close(const std::vector<TopicPartition>& partitions) {
    (void)partitions;
    return absl::OkStatus();
  }
  virtual absl::Status Stop() = 0;
};

}  // namespace sluice

#endif  // SLUICE_SDK_CONNECTOR_H_
