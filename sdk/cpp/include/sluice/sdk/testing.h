// The C++ SDK's test kit: a fake worker for a plugin author's unit tests. It runs a connector and
// its tasks in the test's process, with no Kafka, no sluiced and no plugin host, and keeps the
// worker's side of the contract the way sluiced and sluice-plugin-host keep it: configs are
// validated against the connector's ConfigDef first, at most max_tasks task configs are taken,
// source offsets are stored (and CommitRecord / Commit called) only when the test says the
// records were committed, a sink is handed only records of partitions it was given and may
// commit only what it was handed, errant records and pause/resume requests are captured.
//
//   sluice::testing::ConnectorDriver connector(std::make_unique<MySourceConnector>());
//   ASSERT_TRUE(connector.Start({{"topic", "t"}}).ok());
//   absl::StatusOr<std::vector<sluice::ConfigMap>> tasks = connector.TaskConfigs(1);
//
//   sluice::testing::SourceTaskDriver task(std::make_unique<MySourceTask>());
//   task.offsets().Put(partition, offset);           // what an earlier run committed
//   ASSERT_TRUE(task.Start((*tasks)[0]).ok());
//   absl::StatusOr<std::vector<sluice::SourceRecord>> records =
//       task.PollUntil(10, absl::Seconds(5));
//   ASSERT_TRUE(task.Commit().ok());                 // CommitRecord per record, then Commit
//   ASSERT_TRUE(task.Stop().ok());
//
//   sluice::testing::SinkTaskDriver sink(std::make_unique<MySinkTask>());
//   sink.Start(config); sink.Open({{"t", 0}});
//   sink.Put(sluice::testing::AsSinkRecords(*records));
//   absl::StatusOr<sluice::TopicPartitionOffsets> committed = sink.Commit();  // PreCommit
//
// Failures the worker would see can be injected: the offset store failing reads
// (MemoryOffsetStore::FailReads), a producer that loses what was not committed yet
// (SourceTaskDriver::DropUncommitted), a crash that makes Kafka redeliver what a sink did not
// commit (SinkTaskDriver::Uncommitted). Plugin code that throws is reported as the host reports
// it: an UNKNOWN status naming the exception.
//
// Link `sluice::sdk_testing`. Thread-safety: each driver is used from the test's thread, except
// the tasks' Stop(), which may be called from another thread while Poll or Put runs (as the
// worker does); MemoryOffsetStore is thread-safe.
#ifndef SLUICE_SDK_TESTING_H_
#define SLUICE_SDK_TESTING_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/records.h"

namespace sluice::testing {

// Runs one connector instance as the worker does.
class ConnectorDriver {
 public:
  explicit ConnectorDriver(std::unique_ptr<Connector> connector);
  ~ConnectorDriver();
  ConnectorDriver(const ConnectorDriver&) = delete;
  ConnectorDriver& operator=(const ConnectorDriver&) = delete;

  // What the worker's validate shows: the ConfigDef's results, then Connector::Validate's checks.
  std::vector<ConfigValueResult> Validate(const ConfigMap& config);
  // Validates, then starts the connector. InvalidArgument listing every error ("key: error",
  // one per line) when the config is invalid: the connector is then not started.
  absl::Status Start(const ConfigMap& config);
  // The connector's task configs. FailedPrecondition when it returns more than `max_tasks` (the
  // worker fails such a connector) or is not started.
  absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int max_tasks);
  absl::Status Stop();

  // What the connector asked of its ConnectorContext.
  int reconfiguration_requests() const;
  std::vector<absl::Status> raised_errors() const;
  Connector& connector() { return *connector_; }

 private:
  class Context;
  std::unique_ptr<Connector> connector_;
  std::unique_ptr<Context> context_;
  bool started_ = false;
};

// The worker's offset store for source tasks, in memory: source partition -> offset.
// Thread-safe.
class MemoryOffsetStore {
 public:
  void Put(const Value& partition, const Value& offset) ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<Value> Get(const Value& partition) const ABSL_LOCKS_EXCLUDED(mu_);
  // Every read fails with `status` (e.g. Unavailable) until FailReads(OkStatus()).
  void FailReads(absl::Status status) ABSL_LOCKS_EXCLUDED(mu_);
  // How many offsets tasks asked for.
  int reads() const ABSL_LOCKS_EXCLUDED(mu_);

  // What a task's OffsetStorageReader::Offset answers.
  absl::StatusOr<std::optional<Value>> Read(const Value& partition) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::vector<std::pair<Value, Value>> offsets_ ABSL_GUARDED_BY(mu_);
  absl::Status read_error_ ABSL_GUARDED_BY(mu_);
  int reads_ ABSL_GUARDED_BY(mu_) = 0;
};

// Runs one source task as the worker does.
class SourceTaskDriver {
 public:
  // `offsets` may be shared by several drivers (tasks of one connector, or a task and the one
  // that replaces it after a restart); null: a store of its own.
  explicit SourceTaskDriver(std::unique_ptr<SourceTask> task,
                            std::shared_ptr<MemoryOffsetStore> offsets = nullptr);
  ~SourceTaskDriver();
  SourceTaskDriver(const SourceTaskDriver&) = delete;
  SourceTaskDriver& operator=(const SourceTaskDriver&) = delete;

  absl::Status Start(const ConfigMap& config);
  // One Poll. The records are checked as the worker checks them (a topic, a map or null source
  // partition and offset): InvalidArgument naming the record otherwise. While paused, the task
  // is not polled and nothing comes back.
  absl::StatusOr<std::vector<SourceRecord>> Poll();
  // Polls until at least `count` records came in all (this call's) or `timeout` passed; returns
  // those records (DeadlineExceeded, with how many came, when too few did).
  absl::StatusOr<std::vector<SourceRecord>> PollUntil(size_t count, absl::Duration timeout);
  // As the worker once Kafka acknowledged every record polled so far and their offsets are
  // durable: stores each partition's last offset, then calls CommitRecord for each record in
  // order and Commit once. Errors of CommitRecord and Commit are returned (the worker logs them).
  absl::Status Commit();
  // Injects a producer failure: the records polled since the last Commit are lost before Kafka
  // acknowledged them; their offsets are never stored, the task is never told.
  void DropUncommitted() { uncommitted_.clear(); }
  // Kafka Connect's PAUSED target state: a paused task is not polled.
  void Pause() { paused_ = true; }
  void Resume() { paused_ = false; }
  // The task's Stop. Safe to call from another thread while Poll runs.
  absl::Status Stop();

  // Every record polled, in order.
  const std::vector<SourceRecord>& records() const { return records_; }
  MemoryOffsetStore& offsets() { return *offsets_; }
  SourceTask& task() { return *task_; }

 private:
  class Context;
  std::unique_ptr<SourceTask> task_;
  std::shared_ptr<MemoryOffsetStore> offsets_;  // shared with other drivers, see the constructor
  std::unique_ptr<Context> context_;
  std::vector<SourceRecord> records_;
  std::vector<SourceRecord> uncommitted_;  // polled, not committed yet
  bool paused_ = false;
};

// A record the sink task reported with SinkTaskContext::ReportErrant.
struct ErrantSinkRecord {
  SinkRecord record;
  std::string error;
};

// Runs one sink task as the worker does.
class SinkTaskDriver {
 public:
  explicit SinkTaskDriver(std::unique_ptr<SinkTask> task);
  ~SinkTaskDriver();
  SinkTaskDriver(const SinkTaskDriver&) = delete;
  SinkTaskDriver& operator=(const SinkTaskDriver&) = delete;

  absl::Status Start(const ConfigMap& config);
  // Assigns partitions (the task's Open).
  absl::Status Open(const std::vector<TopicPartition>& partitions);
  // Hands `records` to Put. InvalidArgument for a record of a partition not opened, or not after
  // what was handed before in its partition; FailedPrecondition for one of a partition the task
  // paused (the worker does not fetch those).
  absl::Status Put(std::vector<SinkRecord> records);
  // As the worker's offset commit: PreCommit with the next offset of each partition handed over;
  // what it returns becomes committed(). FailedPrecondition when it returns an offset beyond what
  // was handed over, or for a partition not assigned.
  absl::StatusOr<TopicPartitionOffsets> Commit();
  // Takes partitions away as a rebalance does: commits them first (PreCommit), then Close.
  absl::Status Close(const std::vector<TopicPartition>& partitions);
  // The task's Stop. Safe to call from another thread while Put runs.
  absl::Status Stop();

  // The next offset to consume per partition, as last committed.
  const TopicPartitionOffsets& committed() const { return committed_; }
  // The records handed over past committed(): what Kafka would deliver again to a task that
  // replaced this one after a crash.
  std::vector<SinkRecord> Uncommitted() const;
  std::vector<ErrantSinkRecord> errant() const;
  // Partitions the task paused (SinkTaskContext::Pause) and has not resumed.
  std::set<TopicPartition> paused() const;
  // The offsets the task asked to rewind to (SinkTaskContext::Offset), the last per partition.
  // The next Put applies those asked since the previous one: a partition may be handed over
  // again from its rewound offset (FailedPrecondition for a partition not assigned).
  TopicPartitionOffsets rewinds() const;
  // How many times the task asked for a commit (SinkTaskContext::RequestCommit).
  int commit_requests() const;
  SinkTask& task() { return *task_; }

 private:
  class Context;
  std::unique_ptr<SinkTask> task_;
  std::unique_ptr<Context> context_;
  std::set<TopicPartition> assigned_;
  TopicPartitionOffsets delivered_;  // next offset per partition handed over
  TopicPartitionOffsets committed_;
  std::vector<SinkRecord> delivered_records_;
};

// Source records as a sink task receives them after they went through Kafka: the same topic,
// key, value, schemas, headers and timestamp, the record's partition (0 when unset) and offsets
// counting from `first_offset` per partition in order.
std::vector<SinkRecord> AsSinkRecords(const std::vector<SourceRecord>& records,
                                      int64_t first_offset = 0);

}  // namespace sluice::testing

#endif  // SLUICE_SDK_TESTING_H_
