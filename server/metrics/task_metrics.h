// One task's metrics: Kafka Connect's connector-task-metrics, source-task-metrics or
// sink-task-metrics, and task-error-metrics groups, plus Sluice's per-stage record and byte
// counts. The task's runner records into it (per batch, never per record: totals are relaxed
// atomics, the windowed statistics take a mutex once per batch); the worker's registry reads it
// when Prometheus scrapes.
//
// Thread-safe.
#ifndef SLUICE_SERVER_METRICS_TASK_METRICS_H_
#define SLUICE_SERVER_METRICS_TASK_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/metrics/kafka_client_stats.h"
#include "server/metrics/sampled_stat.h"

namespace sluice::metrics {

// Milliseconds since the epoch; tests pass their own.
using Clock = std::function<int64_t()>;
int64_t WallClockMs();

enum class TaskKind { kSource, kSink };

// The states a task's own tracker knows (Kafka Connect's TaskMetricsGroup: the task reports
// running, paused and failed; it has no status before it first starts).
enum class TaskState { kNone, kRunning, kPaused, kFailed };

// Sluice's pipeline stages, for sluice_task_stage_records_total / _bytes_total.
enum class PipelineStage {
  kPoll,       // source: records the plugin returned
  kConvert,    // records through the converters
  kTransform,  // records out of the transformation chain
  kProduce,    // source: records acknowledged by Kafka
  kConsume,    // sink: records consumed from Kafka
  kPut,        // sink: records handed to the plugin
};
inline constexpr int kPipelineStageCount = 6;
std::string_view PipelineStageName(PipelineStage stage);  // "poll", "convert", ...

// A value as Kafka reads it at one moment: the gauges of one task.
struct TaskMetricsSnapshot {
  TaskState state = TaskState::kNone;
  double running_ratio = 0;
  double pause_ratio = 0;
  double offset_commit_max_time_ms = 0;
  double offset_commit_avg_time_ms = 0;
  double offset_commit_success_percentage = 0;
  double offset_commit_failure_percentage = 0;
  double batch_size_max = 0;
  double batch_size_avg = 0;
  // Source.
  double source_record_poll_total = 0;
  double source_record_poll_rate = 0;
  double source_record_write_total = 0;
  double source_record_write_rate = 0;
  double poll_batch_max_time_ms = 0;
  double poll_batch_avg_time_ms = 0;
  // Source and sink: source-record-active-count* or sink-record-active-count*.
  double record_active_count = 0;
  double record_active_count_max = 0;
  double record_active_count_avg = 0;
  // Sink.
  double sink_record_read_total = 0;
  double sink_record_read_rate = 0;
  double sink_record_send_total = 0;
  double sink_record_send_rate = 0;
  double partition_count = 0;
  double offset_commit_seq_no = 0;
  double offset_commit_completion_total = 0;
  double offset_commit_completion_rate = 0;
  double offset_commit_skip_total = 0;
  double offset_commit_skip_rate = 0;
  double put_batch_max_time_ms = 0;
  double put_batch_avg_time_ms = 0;
  // task-error-metrics.
  double total_record_failures = 0;
  double total_record_errors = 0;
  double total_records_skipped = 0;
  double total_retries = 0;
  double total_errors_logged = 0;
  double deadletterqueue_produce_requests = 0;
  double deadletterqueue_produce_failures = 0;
  double last_error_timestamp = 0;
  // Sluice's.
  std::array<int64_t, kPipelineStageCount> stage_records{};
  std::array<int64_t, kPipelineStageCount> stage_bytes{};
  // The task's Kafka clients, as their last statistics said.
  std::vector<KafkaClientStats> clients;
};

class TaskMetrics {
 public:
  TaskMetrics(std::string connector, int task, TaskKind kind, Clock clock = {});
  TaskMetrics(const TaskMetrics&) = delete;
  TaskMetrics& operator=(const TaskMetrics&) = delete;

  const std::string& connector() const { return connector_; }
  int task() const { return task_; }
  TaskKind kind() const { return kind_; }

  // The task's state (running-ratio, pause-ratio, status).
  void ChangeState(TaskState state) ABSL_LOCKS_EXCLUDED(mu_);
  TaskState state() const ABSL_LOCKS_EXCLUDED(mu_);

  // connector-task-metrics.
  void RecordBatch(int64_t size) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordCommit(bool success, int64_t duration_ms) ABSL_LOCKS_EXCLUDED(mu_);

  // Source: a poll returned `records` after `duration_ms`.
  void RecordPoll(int64_t records, int64_t duration_ms) ABSL_LOCKS_EXCLUDED(mu_);
  // Source: `records` were written to Kafka (after transforms, without the dropped ones).
  void RecordWrite(int64_t records) ABSL_LOCKS_EXCLUDED(mu_);
  // Records handed over but not yet acknowledged (source) or committed (sink).
  void RecordActiveCount(int64_t count) ABSL_LOCKS_EXCLUDED(mu_);

  // Sink.
  void RecordRead(int64_t records) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordSend(int64_t records) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordPut(int64_t duration_ms) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordPartitionCount(int64_t count);
  void RecordOffsetSequenceNumber(int64_t seq_no);
  void RecordOffsetCommitCompletion() ABSL_LOCKS_EXCLUDED(mu_);
  void RecordOffsetCommitSkip() ABSL_LOCKS_EXCLUDED(mu_);

  // task-error-metrics (Kafka Connect's ErrorHandlingMetrics).
  void RecordFailure() { Add(record_failures_, 1); }
  void RecordError() { Add(record_errors_, 1); }
  void RecordSkipped() { Add(records_skipped_, 1); }
  void RecordRetry() { Add(retries_, 1); }
  void RecordErrorLogged() { Add(errors_logged_, 1); }
  void RecordDeadLetterQueueProduceRequest() { Add(dlq_requests_, 1); }
  void RecordDeadLetterQueueProduceFailed() { Add(dlq_failures_, 1); }
  void RecordErrorTimestamp() {
    last_error_timestamp_.store(clock_(), std::memory_order_relaxed);
  }

  // Sluice's stage counters: `records` of `bytes` passed `stage`.
  void RecordStage(PipelineStage stage, int64_t records, int64_t bytes) {
    Add(stage_records_[static_cast<int>(stage)], records);
    Add(stage_bytes_[static_cast<int>(stage)], bytes);
  }

  // A statistics document of one of the task's librdkafka clients (its stats callback); kept
  // until the next one of the same client. Ignored when it does not parse.
  void RecordClientStatistics(std::string_view json) ABSL_LOCKS_EXCLUDED(mu_);

  TaskMetricsSnapshot Snapshot() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  static void Add(std::atomic<int64_t>& counter, int64_t n) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }

  const std::string connector_;
  const int task_;
  const TaskKind kind_;
  const Clock clock_;

  std::atomic<int64_t> record_failures_{0};
  std::atomic<int64_t> record_errors_{0};
  std::atomic<int64_t> records_skipped_{0};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> errors_logged_{0};
  std::atomic<int64_t> dlq_requests_{0};
  std::atomic<int64_t> dlq_failures_{0};
  std::atomic<int64_t> last_error_timestamp_{0};
  std::atomic<int64_t> partition_count_{0};
  std::atomic<int64_t> offset_commit_seq_no_{0};
  std::array<std::atomic<int64_t>, kPipelineStageCount> stage_records_{};
  std::array<std::atomic<int64_t>, kPipelineStageCount> stage_bytes_{};

  // Measures take a mutex: Kafka's samples are purged when read.
  mutable absl::Mutex mu_;
  // State tracker (Kafka Connect's StateTracker).
  TaskState state_ ABSL_GUARDED_BY(mu_) = TaskState::kNone;
  int64_t state_since_ms_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t running_ms_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t paused_ms_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t other_ms_ ABSL_GUARDED_BY(mu_) = 0;
  // Windowed statistics; `mutable` as measuring purges old samples.
  mutable SampledStat commit_time_max_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kMax};
  mutable SampledStat commit_time_avg_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kAvg};
  mutable SampledStat commit_attempts_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kFrequencies};
  mutable SampledStat batch_size_max_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kMax};
  mutable SampledStat batch_size_avg_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kAvg};
  mutable SampledStat poll_rate_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kSum};
  double poll_total_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat write_rate_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kSum};
  double write_total_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat poll_time_max_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kMax};
  mutable SampledStat poll_time_avg_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kAvg};
  double active_count_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat active_count_max_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kMax};
  mutable SampledStat active_count_avg_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kAvg};
  mutable SampledStat read_rate_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kSum};
  double read_total_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat send_rate_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kSum};
  double send_total_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat put_time_max_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kMax};
  mutable SampledStat put_time_avg_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kAvg};
  mutable SampledStat completion_rate_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kSum};
  double completion_total_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat skip_rate_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kSum};
  double skip_total_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, KafkaClientStats> clients_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::metrics

#endif  // SLUICE_SERVER_METRICS_TASK_METRICS_H_
