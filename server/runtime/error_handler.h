// Error handling for one task's records (KIP-298): Kafka Connect's RetryWithToleranceOperator
// and its reporters. Every stage a record goes through in the worker (transforms, converters,
// header converter, producing, the sink's errant records) runs under one ErrorHandler, which
// - retries a retriable failure (convert::IsRetriable) with exponential back-off, from 300 ms
//   doubling up to errors.retry.delay.max.ms (then a random delay below it), for at most
//   errors.retry.timeout (-1: forever, 0: no retries);
// - reports every failure to its reporters (the error log, the dead letter queue);
// - decides whether the task goes on: with errors.tolerance=all a failure in a transform or
//   converter skips the record, with none it fails the task with "Tolerance exceeded in error
//   handler" and a trace naming the stage, the class (and transform alias), the record and the
//   Java exception. Failures in other stages are tolerated only when retriable.
//
//   ErrorHandler::Outcome<SchemaAndValue> v = handler.Execute<SchemaAndValue>(
//       {Stage::kValueConverter, "org.apache.kafka.connect.json.JsonConverter"}, record,
//       [&] { return converter.ToConnectData(...); });
//
// Thread-compatible: owned and used by one task runner thread.
#ifndef SLUICE_SERVER_RUNTIME_ERROR_HANDLER_H_
#define SLUICE_SERVER_RUNTIME_ERROR_HANDLER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "server/config/connector_config.h"
#include "server/metrics/task_metrics.h"
#include "sluice/sdk/records.h"

namespace sluice::runtime {

// Where in a record's way through the worker something failed (Kafka Connect's Stage; the DLQ's
// __connect.errors.stage header).
enum class Stage {
  kTaskPoll,
  kTaskPut,
  kTransformation,
  kKeyConverter,
  kValueConverter,
  kHeaderConverter,
  kKafkaProduce,
  kKafkaConsume,
};
std::string_view StageName(Stage stage);  // "TASK_POLL", ...

// The stage that runs and what runs it.
struct StageContext {
  Stage stage = Stage::kTransformation;
  // The Java class name of what runs (a transform's class, a converter's class, or
  // "org.apache.kafka.connect.sink.SinkTask"): the DLQ's __connect.errors.class.name.
  std::string_view executing_class;
  // For traces and logs: what the class is in this connector, e.g. "transform 'mask'".
  std::string_view label;
};

// A sink record's bytes rebuilt from its Connect data, for a failure reported after the
// consumed original is gone (Kafka Connect then converts the record back).
struct RebuiltRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::optional<int64_t> timestamp;
};

// The record a failure is about, as it entered the worker. At most one is set (none: the
// failure is about no record in particular); the pointers are valid during the Report call only.
struct OriginalRecord {
  const rd_kafka_message_t* consumed = nullptr;  // a sink's record as consumed from Kafka
  const SourceRecord* source = nullptr;           // a source's record as the plugin gave it
  const RebuiltRecord* rebuilt = nullptr;         // a sink's record, rebuilt
};

struct Failure {
  StageContext context;
  absl::Status error;
  OriginalRecord original;
};

// Receives every failure, tolerated or not.
class ErrorReporter {
 public:
  virtual ~ErrorReporter() = default;
  virtual void Report(const Failure& failure) = 0;
};

// Kafka Connect's LogReporter: when errors.log.enable, logs "Error encountered in task <task>.
// Executing stage '<STAGE>' with class '<class>'[, where consumed record is {...}]." with the
// exception; the record's coordinates (sink) or the record itself (source) only when
// errors.log.include.messages.
std::unique_ptr<ErrorReporter> NewLogReporter(std::string task,
                                              const config::ErrorHandlingConfig& config);

class ErrorHandler {
 public:
  // What Execute gives: the operation's value, or nullopt when it failed and the failure was
  // tolerated (the record is skipped). An error Status means the task must fail.
  template <typename T>
  using Outcome = absl::StatusOr<std::optional<T>>;

  // How Execute waits between retries; tests replace it. Returns early when `stop` is notified.
  using Sleeper = std::function<void(absl::Duration, absl::Notification& stop)>;

  // `stop`, notified when the task is stopping, ends retries and back-off waits; it outlives
  // the handler (may be null: retries end only by their timeout).
  ErrorHandler(std::string task, const config::ErrorHandlingConfig& config,
               std::vector<std::unique_ptr<ErrorReporter>> reporters,
               absl::Notification* stop = nullptr, Sleeper sleeper = {});

  // Runs `operation` under the retry and tolerance rules for `context`'s stage.
  // `operation` is a callable returning absl::StatusOr<T>.
  template <typename T, typename Operation>
  Outcome<T> Execute(const StageContext& context, const OriginalRecord& original,
                     Operation&& operation) {
    absl::StatusOr<T> result = Retry<T>(operation);
    if (result.ok()) return std::optional<T>(*std::move(result));
    // As RetryWithToleranceOperator: a failed operation is an error; the record is skipped
    // when the failure is tolerated.
    absl::Status handled = Handle(Failure{context, result.status(), original});
    if (!handled.ok()) return handled;
    return std::optional<T>();
  }

  // Kafka Connect's executeFailed: a failure that happened outside Execute (a producer's
  // delivery failure, a sink plugin's errant record). Reports it; OK when tolerated, else the
  // task's failure.
  absl::Status Failed(const Failure& failure);

  // Where Kafka Connect's task-error-metrics are counted; may be null (not counted).
  void set_metrics(metrics::TaskMetrics* metrics) { metrics_ = metrics; }

  // How many records failed (tolerated or not) since the task started.
  int64_t failures() const { return failures_; }
  bool tolerates_all() const { return config_.tolerance == config::ErrorTolerance::kAll; }

 private:
  template <typename T, typename Operation>
  absl::StatusOr<T> Retry(Operation& operation) {
    // The clock is read only once something failed: a conversion takes microseconds, and
    // reading the time for every record was measurable (perf: ~3% of a source task's thread).
    absl::Time start = absl::InfinitePast();
    for (int attempt = 1;; ++attempt) {
      absl::StatusOr<T> result = operation();
      if (result.ok()) return result;
      if (attempt == 1) start = absl::Now();
      // Every failed attempt is a failure (total-record-failures); each retry is counted.
      if (metrics_ != nullptr) metrics_->RecordFailure();
      if (!ShouldRetry(result.status(), attempt, start)) return result;
      if (metrics_ != nullptr) metrics_->RecordRetry();
    }
  }
  // After a failed attempt: false when it must not be retried (not retriable, out of time,
  // stopping); otherwise waits the back-off and returns true.
  bool ShouldRetry(const absl::Status& error, int attempt, absl::Time start);
  // Reports a failure of Execute and decides whether it is tolerated.
  absl::Status Handle(const Failure& failure);
  void Report(const Failure& failure);

  const std::string task_;
  const config::ErrorHandlingConfig config_;
  std::vector<std::unique_ptr<ErrorReporter>> reporters_;
  Sleeper sleeper_;
  absl::Notification own_stop_;  // used when no `stop` is given
  absl::Notification* const stop_;
  int64_t failures_ = 0;
  metrics::TaskMetrics* metrics_ = nullptr;
};

// The trace of a task that failed because a failure was not tolerated: Kafka Connect's
// "Tolerance exceeded in error handler", what failed (stage, class, alias, the record's topic,
// partition and offset) and the Java exception with its cause.
std::string ToleranceExceededTrace(const Failure& failure);
// The same with another headline ("Unhandled exception in error handler").
std::string FailureTrace(std::string_view headline, const Failure& failure);

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_ERROR_HANDLER_H_
