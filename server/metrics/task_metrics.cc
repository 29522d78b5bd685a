#include "server/metrics/task_metrics.h"

#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sluice::metrics {

int64_t WallClockMs() { return absl::ToUnixMillis(absl::Now()); }

std::string_view PipelineStageName(PipelineStage stage) {
  switch (stage) {
    case PipelineStage::kPoll: return "poll";
    case PipelineStage::kConvert: return "convert";
    case PipelineStage::kTransform: return "transform";
    case PipelineStage::kProduce: return "produce";
    case PipelineStage::kConsume: return "consume";
    case PipelineStage::kPut: return "put";
  }
  return "unknown";
}

TaskMetrics::TaskMetrics(std::string connector, int task, TaskKind kind, Clock clock)
    : connector_(std::move(connector)),
      task_(task),
      kind_(kind),
      clock_(clock ? std::move(clock) : Clock(&WallClockMs)) {}

void TaskMetrics::ChangeState(TaskState state) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  if (state == state_) return;
  if (state_ != TaskState::kNone) {
    const int64_t duration = now - state_since_ms_;
    switch (state_) {
      case TaskState::kRunning: running_ms_ += duration; break;
      case TaskState::kPaused: paused_ms_ += duration; break;
      default: other_ms_ += duration; break;
    }
  }
  state_ = state;
  state_since_ms_ = now;
}

TaskState TaskMetrics::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

void TaskMetrics::RecordBatch(int64_t size) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  batch_size_max_.Record(static_cast<double>(size), now);
  batch_size_avg_.Record(static_cast<double>(size), now);
}

void TaskMetrics::RecordCommit(bool success, int64_t duration_ms) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  // As TaskMetricsGroup.recordCommit: only successful commits are timed.
  if (success) {
    commit_time_max_.Record(static_cast<double>(duration_ms), now);
    commit_time_avg_.Record(static_cast<double>(duration_ms), now);
  }
  commit_attempts_.Record(success ? 1.0 : 0.0, now);
}

void TaskMetrics::RecordPoll(int64_t records, int64_t duration_ms) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  poll_rate_.Record(static_cast<double>(records), now);
  poll_total_ += static_cast<double>(records);
  poll_time_max_.Record(static_cast<double>(duration_ms), now);
  poll_time_avg_.Record(static_cast<double>(duration_ms), now);
}

void TaskMetrics::RecordWrite(int64_t records) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  write_rate_.Record(static_cast<double>(records), now);
  write_total_ += static_cast<double>(records);
}

void TaskMetrics::RecordActiveCount(int64_t count) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  active_count_ = static_cast<double>(count);
  active_count_max_.Record(static_cast<double>(count), now);
  active_count_avg_.Record(static_cast<double>(count), now);
}

void TaskMetrics::RecordRead(int64_t records) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  read_rate_.Record(static_cast<double>(records), now);
  read_total_ += static_cast<double>(records);
}

void TaskMetrics::RecordSend(int64_t records) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  send_rate_.Record(static_cast<double>(records), now);
  send_total_ += static_cast<double>(records);
}

void TaskMetrics::RecordPut(int64_t duration_ms) {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  put_time_max_.Record(static_cast<double>(duration_ms), now);
  put_time_avg_.Record(static_cast<double>(duration_ms), now);
}

void TaskMetrics::RecordPartitionCount(int64_t count) {
  partition_count_.store(count, std::memory_order_relaxed);
}

void TaskMetrics::RecordOffsetSequenceNumber(int64_t seq_no) {
  offset_commit_seq_no_.store(seq_no, std::memory_order_relaxed);
}

void TaskMetrics::RecordOffsetCommitCompletion() {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  completion_rate_.Record(1.0, now);
  completion_total_ += 1;
}

void TaskMetrics::RecordOffsetCommitSkip() {
  const int64_t now = clock_();
  absl::MutexLock lock(&mu_);
  skip_rate_.Record(1.0, now);
  skip_total_ += 1;
}

void TaskMetrics::RecordClientStatistics(std::string_view json) {
  absl::StatusOr<KafkaClientStats> stats = ParseKafkaStatistics(json);
  if (!stats.ok()) return;
  absl::MutexLock lock(&mu_);
  std::string client_id = stats->client_id;
  clients_[client_id] = *std::move(stats);
}

TaskMetricsSnapshot TaskMetrics::Snapshot() const {
  const int64_t now = clock_();
  TaskMetricsSnapshot s;
  auto load = [](const std::atomic<int64_t>& v) {
    return static_cast<double>(v.load(std::memory_order_relaxed));
  };
  s.total_record_failures = load(record_failures_);
  s.total_record_errors = load(record_errors_);
  s.total_records_skipped = load(records_skipped_);
  s.total_retries = load(retries_);
  s.total_errors_logged = load(errors_logged_);
  s.deadletterqueue_produce_requests = load(dlq_requests_);
  s.deadletterqueue_produce_failures = load(dlq_failures_);
  s.last_error_timestamp = load(last_error_timestamp_);
  s.partition_count = load(partition_count_);
  s.offset_commit_seq_no = load(offset_commit_seq_no_);
  for (int i = 0; i < kPipelineStageCount; ++i) {
    s.stage_records[i] = stage_records_[i].load(std::memory_order_relaxed);
    s.stage_bytes[i] = stage_bytes_[i].load(std::memory_order_relaxed);
  }

  absl::MutexLock lock(&mu_);
  s.state = state_;
  if (state_ != TaskState::kNone) {
    // StateTracker.durationRatio: the time in the state over the time since the first state.
    const int64_t current = now - state_since_ms_;
    const int64_t total = current + running_ms_ + paused_ms_ + other_ms_;
    if (total != 0) {
      s.running_ratio = static_cast<double>(running_ms_ +
                                            (state_ == TaskState::kRunning ? current : 0)) /
                        static_cast<double>(total);
      s.pause_ratio = static_cast<double>(paused_ms_ +
                                          (state_ == TaskState::kPaused ? current : 0)) /
                      static_cast<double>(total);
    }
  }
  s.offset_commit_max_time_ms = commit_time_max_.Measure(now);
  s.offset_commit_avg_time_ms = commit_time_avg_.Measure(now);
  s.offset_commit_success_percentage = commit_attempts_.Frequency(true, now);
  s.offset_commit_failure_percentage = commit_attempts_.Frequency(false, now);
  s.batch_size_max = batch_size_max_.Measure(now);
  s.batch_size_avg = batch_size_avg_.Measure(now);
  s.source_record_poll_total = poll_total_;
  s.source_record_poll_rate = poll_rate_.Rate(now);
  s.source_record_write_total = write_total_;
  s.source_record_write_rate = write_rate_.Rate(now);
  s.poll_batch_max_time_ms = poll_time_max_.Measure(now);
  s.poll_batch_avg_time_ms = poll_time_avg_.Measure(now);
  s.record_active_count = active_count_;
  s.record_active_count_max = active_count_max_.Measure(now);
  s.record_active_count_avg = active_count_avg_.Measure(now);
  s.sink_record_read_total = read_total_;
  s.sink_record_read_rate = read_rate_.Rate(now);
  s.sink_record_send_total = send_total_;
  s.sink_record_send_rate = send_rate_.Rate(now);
  s.offset_commit_completion_total = completion_total_;
  s.offset_commit_completion_rate = completion_rate_.Rate(now);
  s.offset_commit_skip_total = skip_total_;
  s.offset_commit_skip_rate = skip_rate_.Rate(now);
  s.put_batch_max_time_ms = put_time_max_.Measure(now);
  s.put_batch_avg_time_ms = put_time_avg_.Measure(now);
  for (const auto& [id, client] : clients_) s.clients.push_back(client);
  return s;
}

}  // namespace sluice::metrics
