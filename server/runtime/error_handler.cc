#include "sluice/sdk/java_text.h"
#include "server/runtime/error_handler.h"

#include <random>

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/string_converter.h"

namespace sluice::runtime {
namespace {

constexpr absl::Duration kMinRetryDelay = absl::Milliseconds(300);

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Transforms and converters may fail in any way and the failure is tolerable; in the other
// stages only a retriable failure is (Kafka Connect's TOLERABLE_EXCEPTIONS).
bool TolerableIn(Stage stage, const absl::Status& error) {
  switch (stage) {
    case Stage::kTransformation:
    case Stage::kKeyConverter:
    case Stage::kValueConverter:
    case Stage::kHeaderConverter:
      return true;
    default:
      return convert::IsRetriable(error);
  }
}

std::string TimestampTypeName(rd_kafka_timestamp_type_t type) {
  return type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime";
}

// Kafka Connect's description of a consumed record in the error log.
std::string DescribeConsumed(const rd_kafka_message_t& m) {
  std::string out = absl::StrCat("{topic='", rd_kafka_topic_name(m.rkt), "', partition=",
                                 m.partition, ", offset=", m.offset);
  rd_kafka_timestamp_type_t type;
  int64_t ts = rd_kafka_message_timestamp(&m, &type);
  if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
    absl::StrAppend(&out, ", timestamp=", ts, ", timestampType=", TimestampTypeName(type));
  }
  out += "}";
  return out;
}

std::string SchemaText(const SchemaPtr& schema) {
  if (schema == nullptr) return "null";
  std::string type = absl::AsciiStrToUpper(Av(SchemaTypeName(schema->type())));
  if (!schema->name().empty()) return absl::StrCat("Schema{", schema->name(), ":", type, "}");
  return absl::StrCat("Schema{", type, "}");
}

// SourceRecord.toString(), close to Kafka Connect's.
std::string DescribeSource(const SourceRecord& r) {
  std::string headers;
  for (const Header& h : r.headers) {
    if (!headers.empty()) headers += ", ";
    absl::StrAppend(&headers, "ConnectHeader(key=", h.key,
                    ", value=", JavaToString(h.schema.get(), h.value),
                    ", schema=", SchemaText(h.schema), ")");
  }
  return absl::StrCat(
      "SourceRecord{sourcePartition=", JavaToString(nullptr, r.source_partition),
      ", sourceOffset=", JavaToString(nullptr, r.source_offset),
      "} ConnectRecord{topic='", r.topic, "', kafkaPartition=",
      r.partition.has_value() ? absl::StrCat(*r.partition) : "null",
      ", key=", JavaToString(r.key_schema.get(), r.key),
      ", keySchema=", SchemaText(r.key_schema),
      ", value=", JavaToString(r.value_schema.get(), r.value),
      ", valueSchema=", SchemaText(r.value_schema),
      ", timestamp=", r.timestamp_ms.has_value() ? absl::StrCat(*r.timestamp_ms) : "null",
      ", headers=ConnectHeaders(headers=", headers.empty() ? "" : absl::StrCat("[", headers, "]"),
      ")}");
}

// "<class>: <message>", then each cause on a line of its own.
std::string ExceptionText(const absl::Status& error) {
  std::string text = convert::JavaExceptionText(error);
  if (std::string cause = convert::JavaExceptionCause(error); !cause.empty()) {
    absl::StrAppend(&text, "\nCaused by: ", cause);
  }
  return text;
}

class LogReporter final : public ErrorReporter {
 public:
  LogReporter(std::string task, const config::ErrorHandlingConfig& config)
      : task_(std::move(task)), include_messages_(config.log_include_messages) {}

  void Report(const Failure& failure) override {
    std::string message =
        absl::StrCat("Error encountered in task ", task_, ". Executing stage '",
                     Av(StageName(failure.context.stage)), "' with class '",
                     Av(failure.context.executing_class), "'");
    if (include_messages_) {
      if (failure.original.consumed != nullptr) {
        absl::StrAppend(&message, ", where consumed record is ",
                        DescribeConsumed(*failure.original.consumed));
      } else if (const RebuiltRecord* r = failure.original.rebuilt) {
        absl::StrAppend(&message, ", where consumed record is {topic='", r->topic,
                        "', partition=", r->partition, ", offset=", r->offset, "}");
      } else if (failure.original.source != nullptr) {
        absl::StrAppend(&message, ", where source record is = ",
                        DescribeSource(*failure.original.source));
      }
    }
    absl::StrAppend(&message, ".");
    spdlog::error("{}\n{}", message, ExceptionText(failure.error));
  }

 private:
  const std::string task_;
  const bool include_messages_;
};

void SleepUnlessStopped(absl::Duration delay, absl::Notification& stop) {
  stop.WaitForNotificationWithTimeout(delay);
}

}  // namespace

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kTaskPoll: return "TASK_POLL";
    case Stage::kTaskPut: return "TASK_PUT";
    case Stage::kTransformation: return "TRANSFORMATION";
    case Stage::kKeyConverter: return "KEY_CONVERTER";
    case Stage::kValueConverter: return "VALUE_CONVERTER";
    case Stage::kHeaderConverter: return "HEADER_CONVERTER";
    case Stage::kKafkaProduce: return "KAFKA_PRODUCE";
    case Stage::kKafkaConsume: return "KAFKA_CONSUME";
  }
  return "UNKNOWN";
}

std::unique_ptr<ErrorReporter> NewLogReporter(std::string task,
                                              const config::ErrorHandlingConfig& config) {
  return std::make_unique<LogReporter>(std::move(task), config);
}

ErrorHandler::ErrorHandler(std::string task, const config::ErrorHandlingConfig& config,
                           std::vector<std::unique_ptr<ErrorReporter>> reporters,
                           absl::Notification* stop, Sleeper sleeper)
    : task_(std::move(task)),
      config_(config),
      reporters_(std::move(reporters)),
      sleeper_(sleeper ? std::move(sleeper) : Sleeper(&SleepUnlessStopped)),
      stop_(stop != nullptr ? stop : &own_stop_) {}

bool ErrorHandler::ShouldRetry(const absl::Status& error, int attempt, absl::Time start) {
  if (!convert::IsRetriable(error) || stop_->HasBeenNotified()) return false;
  const absl::Time now = absl::Now();
  const absl::Time deadline = config_.retry_timeout == absl::InfiniteDuration()
                                  ? absl::InfiniteFuture()
                                  : start + config_.retry_timeout;
  if (now >= deadline) return false;
  // Exponential from 300 ms; past the cap, a random delay below it (Kafka Connect's backoff).
  absl::Duration delay = kMinRetryDelay * (int64_t{1} << std::min(attempt - 1, 30));
  if (delay > config_.retry_delay_max) {
    static thread_local std::mt19937_64 random(std::random_device{}());
    const int64_t max_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(config_.retry_delay_max));
    delay = absl::Milliseconds(std::uniform_int_distribution<int64_t>(0, max_ms - 1)(random));
  }
  delay = std::min(delay, deadline - now);
  spdlog::debug("Task {}: retrying in {} after a retriable failure: {}", task_,
                absl::FormatDuration(delay), std::string(error.message()));
  sleeper_(delay, *stop_);
  return !stop_->HasBeenNotified();
}

void ErrorHandler::Report(const Failure& failure) {
  ++failures_;
  // LogReporter counts what it logs.
  if (metrics_ != nullptr && config_.log_enable) metrics_->RecordErrorLogged();
  for (const std::unique_ptr<ErrorReporter>& reporter : reporters_) reporter->Report(failure);
}

absl::Status ErrorHandler::Handle(const Failure& failure) {
  if (metrics_ != nullptr) {
    metrics_->RecordErrorTimestamp();
    metrics_->RecordError();
    // RetryWithToleranceOperator counts a record whose retries ran out as skipped whatever
    // errors.tolerance says; other failures only when tolerated (below).
    if (convert::IsRetriable(failure.error)) metrics_->RecordSkipped();
  }
  Report(failure);
  if (!TolerableIn(failure.context.stage, failure.error)) {
    return absl::Status(failure.error.code(),
                        FailureTrace("Unhandled exception in error handler", failure));
  }
  if (config_.tolerance == config::ErrorTolerance::kAll) {
    if (metrics_ != nullptr && !convert::IsRetriable(failure.error)) metrics_->RecordSkipped();
    return absl::OkStatus();
  }
  return absl::Status(failure.error.code(), ToleranceExceededTrace(failure));
}

absl::Status ErrorHandler::Failed(const Failure& failure) {
  // RetryWithToleranceOperator.executeFailed: a failure; an error only when not tolerated.
  if (metrics_ != nullptr) {
    metrics_->RecordErrorTimestamp();
    metrics_->RecordFailure();
  }
  Report(failure);
  if (config_.tolerance == config::ErrorTolerance::kAll) return absl::OkStatus();
  if (metrics_ != nullptr) metrics_->RecordError();
  return absl::Status(failure.error.code(), ToleranceExceededTrace(failure));
}

std::string ToleranceExceededTrace(const Failure& failure) {
  return FailureTrace("Tolerance exceeded in error handler", failure);
}

std::string FailureTrace(std::string_view headline, const Failure& failure) {
  std::string where = absl::StrCat("stage ", Av(StageName(failure.context.stage)));
  if (!failure.context.label.empty()) absl::StrAppend(&where, ", ", Av(failure.context.label));
  if (!failure.context.executing_class.empty()) {
    absl::StrAppend(&where, " (", Av(failure.context.executing_class), ")");
  }
  if (const rd_kafka_message_t* m = failure.original.consumed) {
    absl::StrAppend(&where, ", record: topic ", rd_kafka_topic_name(m->rkt), ", partition ",
                    m->partition, ", offset ", m->offset);
  } else if (const RebuiltRecord* r = failure.original.rebuilt) {
    absl::StrAppend(&where, ", record: topic ", r->topic, ", partition ", r->partition,
                    ", offset ", r->offset);
  } else if (const SourceRecord* r = failure.original.source) {
    absl::StrAppend(&where, ", source record for topic ", r->topic,
                    r->partition.has_value() ? absl::StrCat(", partition ", *r->partition) : "",
                    ", source partition ", JavaToString(nullptr, r->source_partition),
                    ", source offset ", JavaToString(nullptr, r->source_offset));
  }
  return absl::StrCat(Av(convert::kConnectExceptionClass), ": ", Av(headline), "\n\t", where,
                      "\nCaused by: ", ExceptionText(failure.error));
}

}  // namespace sluice::runtime
