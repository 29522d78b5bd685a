#include "sluice/sdk/testing.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "plugin-host/plugin_call.h"

namespace sluice::testing {
namespace {

using plugin_host::CallPlugin;
using plugin_host::kConnectorTask;

std::string PartitionText(const TopicPartition& tp) {
  return absl::StrCat(tp.topic, "-", tp.partition);
}

bool IsMapOrNull(const Value& value) {
  return value.is_null() || value.kind() == Value::Kind::kMap;
}

}  // namespace

// ---- connector ---------------------------------------------------------------------------------

class ConnectorDriver::Context final : public ConnectorContext {
 public:
  void RequestTaskReconfiguration() override {
    absl::MutexLock lock(&mu_);
    ++reconfigurations_;
  }
  void RaiseError(const absl::Status& error) override {
    absl::MutexLock lock(&mu_);
    errors_.push_back(error);
  }
  int reconfigurations() const {
    absl::MutexLock lock(&mu_);
    return reconfigurations_;
  }
  std::vector<absl::Status> errors() const {
    absl::MutexLock lock(&mu_);
    return errors_;
  }

 private:
  // A connector may call its context from its own threads.
  mutable absl::Mutex mu_;
  int reconfigurations_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<absl::Status> errors_ ABSL_GUARDED_BY(mu_);
};

ConnectorDriver::ConnectorDriver(std::unique_ptr<Connector> connector)
    : connector_(std::move(connector)), context_(std::make_unique<Context>()) {}

ConnectorDriver::~ConnectorDriver() {
  if (started_) (void)Stop();
}

std::vector<ConfigValueResult> ConnectorDriver::Validate(const ConfigMap& config) {
  std::vector<ConfigValueResult> results;
  absl::Status status = CallPlugin("Connector::Validate", kConnectorTask, [&] {
    results = connector_->Config().Validate(config);
    connector_->Validate(config, results);
  });
  if (!status.ok()) {
    results.push_back({.name = "", .errors = {std::string(status.message())}});
  }
  return results;
}

absl::Status ConnectorDriver::Start(const ConfigMap& config) {
  if (started_) return absl::FailedPreconditionError("the connector is already started");
  std::vector<std::string> errors;
  for (const ConfigValueResult& result : Validate(config)) {
    for (const std::string& error : result.errors) {
      errors.push_back(result.name.empty() ? error : absl::StrCat(result.name, ": ", error));
    }
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Connector configuration is invalid:\n", absl::StrJoin(errors, "\n")));
  }
  absl::Status status = CallPlugin("Connector::Start", kConnectorTask,
                                   [&] { return connector_->Start(*context_, config); });
  started_ = status.ok();
  return status;
}

absl::StatusOr<std::vector<ConfigMap>> ConnectorDriver::TaskConfigs(int max_tasks) {
  if (!started_) return absl::FailedPreconditionError("the connector is not started");
  absl::StatusOr<std::vector<ConfigMap>> configs = CallPlugin(
      "Connector::TaskConfigs", kConnectorTask, [&] { return connector_->TaskConfigs(max_tasks); });
  if (configs.ok() && configs->size() > static_cast<size_t>(max_tasks)) {
    return absl::FailedPreconditionError(
        absl::StrCat("The connector generated ", configs->size(),
                     " tasks, which is greater than ", max_tasks,
                     ", the maximum number of tasks it is configured to create"));
  }
  return configs;
}

absl::Status ConnectorDriver::Stop() {
  if (!started_) return absl::FailedPreconditionError("the connector is not started");
  started_ = false;
  return CallPlugin("Connector::Stop", kConnectorTask, [&] { return connector_->Stop(); });
}

int ConnectorDriver::reconfiguration_requests() const { return context_->reconfigurations(); }

std::vector<absl::Status> ConnectorDriver::raised_errors() const { return context_->errors(); }

// ---- offsets -----------------------------------------------------------------------------------

void MemoryOffsetStore::Put(const Value& partition, const Value& offset) {
  absl::MutexLock lock(&mu_);
  for (auto& [p, o] : offsets_) {
    if (p == partition) {
      o = offset;
      return;
    }
  }
  offsets_.emplace_back(partition, offset);
}

std::optional<Value> MemoryOffsetStore::Get(const Value& partition) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [p, o] : offsets_) {
    if (p == partition) return o;
  }
  return std::nullopt;
}

void MemoryOffsetStore::FailReads(absl::Status status) {
  absl::MutexLock lock(&mu_);
  read_error_ = std::move(status);
}

int MemoryOffsetStore::reads() const {
  absl::MutexLock lock(&mu_);
  return reads_;
}

absl::StatusOr<std::optional<Value>> MemoryOffsetStore::Read(const Value& partition) {
  {
    absl::MutexLock lock(&mu_);
    ++reads_;
    if (!read_error_.ok()) return read_error_;
  }
  return Get(partition);
}

// ---- source tasks ------------------------------------------------------------------------------

class SourceTaskDriver::Context final : public SourceTaskContext, public OffsetStorageReader {
 public:
  explicit Context(MemoryOffsetStore* offsets) : offsets_(offsets) {}
  OffsetStorageReader& offset_storage_reader() override { return *this; }
  const ConfigMap& configs() const override { return configs_; }
  absl::StatusOr<std::optional<Value>> Offset(const Value& partition) override {
    return offsets_->Read(partition);
  }
  ConfigMap configs_;

 private:
  MemoryOffsetStore* offsets_;
};

SourceTaskDriver::SourceTaskDriver(std::unique_ptr<SourceTask> task,
                                   std::shared_ptr<MemoryOffsetStore> offsets)
    : task_(std::move(task)),
      offsets_(offsets != nullptr ? std::move(offsets) : std::make_shared<MemoryOffsetStore>()),
      context_(std::make_unique<Context>(offsets_.get())) {}

SourceTaskDriver::~SourceTaskDriver() = default;

absl::Status SourceTaskDriver::Start(const ConfigMap& config) {
  context_->configs_ = config;
  return CallPlugin("SourceTask::Start", 0, [&] { return task_->Start(*context_, config); });
}

absl::StatusOr<std::vector<SourceRecord>> SourceTaskDriver::Poll() {
  if (paused_) return std::vector<SourceRecord>();
  absl::StatusOr<std::vector<SourceRecord>> polled =
      CallPlugin("SourceTask::Poll", 0, [&] { return task_->Poll(); });
  if (!polled.ok()) return polled;
  for (const SourceRecord& record : *polled) {
    const std::string which = absl::StrCat("Record ", records_.size() + 1, " of the task");
    if (record.topic.empty()) return absl::InvalidArgumentError(absl::StrCat(which, " has no topic"));
    if (!IsMapOrNull(record.source_partition) || !IsMapOrNull(record.source_offset)) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, ": a source partition and offset must be maps (or null)"));
    }
    records_.push_back(record);
    uncommitted_.push_back(record);
  }
  return polled;
}

absl::StatusOr<std::vector<SourceRecord>> SourceTaskDriver::PollUntil(size_t count,
                                                                      absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  std::vector<SourceRecord> out;
  while (out.size() < count) {
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("the task returned ", out.size(),
                                                      " records of the ", count, " expected in ",
                                                      absl::FormatDuration(timeout)));
    }
    absl::StatusOr<std::vector<SourceRecord>> polled = Poll();
    if (!polled.ok()) return polled.status();
    for (SourceRecord& r : *polled) out.push_back(std::move(r));
  }
  return out;
}

absl::Status SourceTaskDriver::Commit() {
  for (const SourceRecord& record : uncommitted_) {
    if (!record.source_partition.is_null()) {
      offsets_->Put(record.source_partition, record.source_offset);
    }
  }
  absl::Status first;
  for (const SourceRecord& record : uncommitted_) {
    absl::Status s = CallPlugin("SourceTask::CommitRecord", 0,
                                [&] { return task_->CommitRecord(record); });
    if (first.ok()) first = s;
  }
  uncommitted_.clear();
  absl::Status s = CallPlugin("SourceTask::Commit", 0, [&] { return task_->Commit(); });
  return first.ok() ? s : first;
}

absl::Status SourceTaskDriver::Stop() {
  return CallPlugin("SourceTask::Stop", 0, [&] { return task_->Stop(); });
}

// ---- sink tasks --------------------------------------------------------------------------------

class SinkTaskDriver::Context final : public SinkTaskContext {
 public:
  const ConfigMap& configs() const override { return configs_; }
  void Pause(const std::vector<TopicPartition>& partitions) override {
    absl::MutexLock lock(&mu_);
    paused_.insert(partitions.begin(), partitions.end());
  }
  void Resume(const std::vector<TopicPartition>& partitions) override {
    absl::MutexLock lock(&mu_);
    for (const TopicPartition& tp : partitions) paused_.erase(tp);
  }
  void ReportErrant(const SinkRecord& record, std::string_view error) override {
    absl::MutexLock lock(&mu_);
    errant_.push_back({record, std::string(error)});
  }
  void Offset(const TopicPartitionOffsets& offsets) override {
    absl::MutexLock lock(&mu_);
    for (const auto& [tp, offset] : offsets) {
      rewinds_[tp] = offset;
      pending_rewinds_[tp] = offset;
    }
  }
  TopicPartitionOffsets TakePendingRewinds() {
    absl::MutexLock lock(&mu_);
    TopicPartitionOffsets out;
    out.swap(pending_rewinds_);
    return out;
  }
  void RequestCommit() override {
    absl::MutexLock lock(&mu_);
    ++commit_requests_;
  }
  TopicPartitionOffsets rewinds() const {
    absl::MutexLock lock(&mu_);
    return rewinds_;
  }
  int commit_requests() const {
    absl::MutexLock lock(&mu_);
    return commit_requests_;
  }
  std::set<TopicPartition> paused() const {
    absl::MutexLock lock(&mu_);
    return paused_;
  }
  std::vector<ErrantSinkRecord> errant() const {
    absl::MutexLock lock(&mu_);
    return errant_;
  }
  ConfigMap configs_;

 private:
  // The task may call its context from its own threads (ReportErrant, Pause and Resume are
  // thread-safe in the SDK's contract).
  mutable absl::Mutex mu_;
  std::set<TopicPartition> paused_ ABSL_GUARDED_BY(mu_);
  std::vector<ErrantSinkRecord> errant_ ABSL_GUARDED_BY(mu_);
  TopicPartitionOffsets rewinds_ ABSL_GUARDED_BY(mu_);
  TopicPartitionOffsets pending_rewinds_ ABSL_GUARDED_BY(mu_);  // not yet applied by Put
  int commit_requests_ ABSL_GUARDED_BY(mu_) = 0;
};

SinkTaskDriver::SinkTaskDriver(std::unique_ptr<SinkTask> task)
    : task_(std::move(task)), context_(std::make_unique<Context>()) {}

SinkTaskDriver::~SinkTaskDriver() = default;

absl::Status SinkTaskDriver::Start(const ConfigMap& config) {
  context_->configs_ = config;
  return CallPlugin("SinkTask::Start", 0, [&] { return task_->Start(*context_, config); });
}

absl::Status SinkTaskDriver::Open(const std::vector<TopicPartition>& partitions) {
  assigned_.insert(partitions.begin(), partitions.end());
  return CallPlugin("SinkTask::Open", 0, [&] { return task_->Open(partitions); });
}

absl::Status SinkTaskDriver::Put(std::vector<SinkRecord> records) {
  // The rewinds asked since the last Put, as the worker applies them before it fetches again:
  // the partition is delivered from there.
  for (const auto& [tp, offset] : context_->TakePendingRewinds()) {
    if (!assigned_.contains(tp)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the task asked to rewind ", PartitionText(tp), ", which is not assigned to it"));
    }
    delivered_[tp] = offset;
  }
  const std::set<TopicPartition> paused = context_->paused();
  TopicPartitionOffsets next = delivered_;
  for (const SinkRecord& r : records) {
    const TopicPartition tp{r.topic, r.partition};
    if (!assigned_.contains(tp)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a record of ", PartitionText(tp), ", which is not assigned to the task (Open it first)"));
    }
    if (paused.contains(tp)) {
      return absl::FailedPreconditionError(
          absl::StrCat("a record of ", PartitionText(tp), ", which the task paused"));
    }
    if (auto it = next.find(tp); it != next.end() && r.offset < it->second) {
      return absl::InvalidArgumentError(absl::StrCat("offset ", r.offset, " of ", PartitionText(tp),
                                                     " after offset ", it->second - 1));
    }
    next[tp] = r.offset + 1;
  }
  delivered_ = std::move(next);
  delivered_records_.insert(delivered_records_.end(), records.begin(), records.end());
  return CallPlugin("SinkTask::Put", 0, [&] { return task_->Put(std::move(records)); });
}

absl::StatusOr<TopicPartitionOffsets> SinkTaskDriver::Commit() {
  TopicPartitionOffsets offsets;
  for (const auto& [tp, offset] : delivered_) {
    if (assigned_.contains(tp)) offsets[tp] = offset;
  }
  absl::StatusOr<TopicPartitionOffsets> answer =
      CallPlugin("SinkTask::PreCommit", 0, [&] { return task_->PreCommit(offsets); });
  if (!answer.ok()) return answer;
  for (const auto& [tp, offset] : *answer) {
    auto it = offsets.find(tp);
    if (it == offsets.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "PreCommit returned an offset for ", PartitionText(tp), ", which holds nothing delivered"));
    }
    if (offset > it->second) {
      return absl::FailedPreconditionError(
          absl::StrCat("PreCommit returned offset ", offset, " for ", PartitionText(tp),
                       ", beyond the ", it->second, " handed to the task"));
    }
  }
  for (const auto& [tp, offset] : *answer) committed_[tp] = offset;
  return answer;
}

absl::Status SinkTaskDriver::Close(const std::vector<TopicPartition>& partitions) {
  if (absl::StatusOr<TopicPartitionOffsets> committed = Commit(); !committed.ok()) {
    return committed.status();
  }
  for (const TopicPartition& tp : partitions) assigned_.erase(tp);
  return CallPlugin("SinkTask::Close", 0, [&] { return task_->Close(partitions); });
}

absl::Status SinkTaskDriver::Stop() {
  return CallPlugin("SinkTask::Stop", 0, [&] { return task_->Stop(); });
}

std::vector<SinkRecord> SinkTaskDriver::Uncommitted() const {
  std::vector<SinkRecord> out;
  for (const SinkRecord& r : delivered_records_) {
    auto it = committed_.find({r.topic, r.partition});
    if (it == committed_.end() || r.offset >= it->second) out.push_back(r);
  }
  return out;
}

std::vector<ErrantSinkRecord> SinkTaskDriver::errant() const { return context_->errant(); }

std::set<TopicPartition> SinkTaskDriver::paused() const { return context_->paused(); }

TopicPartitionOffsets SinkTaskDriver::rewinds() const { return context_->rewinds(); }

int SinkTaskDriver::commit_requests() const { return context_->commit_requests(); }

std::vector<SinkRecord> AsSinkRecords(const std::vector<SourceRecord>& records,
                                      int64_t first_offset) {
  std::map<TopicPartition, int64_t> next;
  std::vector<SinkRecord> out;
  for (const SourceRecord& s : records) {
    SinkRecord r;
    r.topic = s.topic;
    r.partition = s.partition.value_or(0);
    auto [it, inserted] = next.try_emplace({r.topic, r.partition}, first_offset);
    r.offset = it->second++;
    r.key_schema = s.key_schema;
    r.key = s.key;
    r.value_schema = s.value_schema;
    r.value = s.value;
    r.headers = s.headers;
    r.timestamp_ms = s.timestamp_ms;
    r.timestamp_type = s.timestamp_ms.has_value() ? TimestampType::kCreateTime : TimestampType::kNone;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace sluice::testing
