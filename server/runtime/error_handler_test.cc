#include "server/runtime/error_handler.h"

#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/match.h"

#include "server/convert/connect_exception.h"

namespace sluice::runtime {
namespace {

class RecordingReporter final : public ErrorReporter {
 public:
  explicit RecordingReporter(std::vector<Failure>* seen) : seen_(seen) {}
  void Report(const Failure& failure) override { seen_->push_back(failure); }

 private:
  std::vector<Failure>* seen_;
};

struct Fixture {
  explicit Fixture(config::ErrorHandlingConfig config) {
    std::vector<std::unique_ptr<ErrorReporter>> reporters;
    reporters.push_back(std::make_unique<RecordingReporter>(&seen));
    handler = std::make_unique<ErrorHandler>(
        "orders-0", config, std::move(reporters), &stop,
        [this](absl::Duration d, absl::Notification&) { sleeps.push_back(d); });
  }
  std::vector<Failure> seen;
  std::vector<absl::Duration> sleeps;
  absl::Notification stop;
  std::unique_ptr<ErrorHandler> handler;
};

const StageContext kTransform{Stage::kTransformation,
                              "org.apache.kafka.connect.transforms.MaskField$Value",
                              "transform 'mask'"};

TEST(ErrorHandler, PassesResultsThrough) {
  Fixture f({});
  ErrorHandler::Outcome<int> r =
      f.handler->Execute<int>(kTransform, {}, [] { return absl::StatusOr<int>(7); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, 7);
  EXPECT_TRUE(f.seen.empty());
  EXPECT_EQ(f.handler->failures(), 0);
}

TEST(ErrorHandler, ToleranceNoneFailsWithATraceNamingStageClassAndAlias) {
  Fixture f({});
  ErrorHandler::Outcome<int> r = f.handler->Execute<int>(kTransform, {}, [] {
    return absl::StatusOr<int>(convert::DataError("Cannot mask value of type: class java.util.Date"));
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n"
            "\tstage TRANSFORMATION, transform 'mask' "
            "(org.apache.kafka.connect.transforms.MaskField$Value)\n"
            "Caused by: org.apache.kafka.connect.errors.DataException: Cannot mask value of type: "
            "class java.util.Date");
  // Reported (to the DLQ too) before the task fails, as Kafka Connect does.
  ASSERT_EQ(f.seen.size(), 1u);
  EXPECT_EQ(f.seen[0].context.stage, Stage::kTransformation);
  EXPECT_EQ(f.handler->failures(), 1);
}

TEST(ErrorHandler, ToleranceAllSkipsConverterAndTransformFailures) {
  config::ErrorHandlingConfig config;
  config.tolerance = config::ErrorTolerance::kAll;
  Fixture f(config);
  for (Stage stage : {Stage::kTransformation, Stage::kKeyConverter, Stage::kValueConverter,
                      Stage::kHeaderConverter}) {
    ErrorHandler::Outcome<int> r = f.handler->Execute<int>(
        {stage, "x", ""}, {}, [] { return absl::StatusOr<int>(convert::DataError("bad")); });
    ASSERT_TRUE(r.ok()) << StageName(stage);
    EXPECT_FALSE(r->has_value());
  }
  EXPECT_EQ(f.seen.size(), 4u);
}

TEST(ErrorHandler, OtherStagesTolerateOnlyRetriableFailures) {
  config::ErrorHandlingConfig config;
  config.tolerance = config::ErrorTolerance::kAll;
  Fixture f(config);
  ErrorHandler::Outcome<int> r = f.handler->Execute<int>(
      {Stage::kKafkaProduce, "org.apache.kafka.connect.runtime.WorkerSourceTask", ""}, {},
      [] { return absl::StatusOr<int>(absl::InternalError("broken")); });
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StartsWith(
      r.status().message(),
      "org.apache.kafka.connect.errors.ConnectException: Unhandled exception in error handler"));
}

TEST(ErrorHandler, RetriesRetriableFailuresWithExponentialBackoffUntilTheTimeout) {
  config::ErrorHandlingConfig config;
  config.retry_timeout = absl::InfiniteDuration();
  config.retry_delay_max = absl::Seconds(60);
  Fixture f(config);
  int calls = 0;
  ErrorHandler::Outcome<int> r = f.handler->Execute<int>(kTransform, {}, [&] {
    return ++calls < 4 ? absl::StatusOr<int>(convert::RetriableError("not yet"))
                       : absl::StatusOr<int>(4);
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, 4);
  EXPECT_EQ(f.sleeps, (std::vector<absl::Duration>{absl::Milliseconds(300), absl::Milliseconds(600),
                                                   absl::Milliseconds(1200)}));
  EXPECT_TRUE(f.seen.empty());
}

TEST(ErrorHandler, BackoffAboveTheMaximumIsRandomBelowIt) {
  config::ErrorHandlingConfig config;
  config.retry_timeout = absl::InfiniteDuration();
  config.retry_delay_max = absl::Milliseconds(500);
  Fixture f(config);
  int calls = 0;
  (void)f.handler->Execute<int>(kTransform, {}, [&] {
    return ++calls < 4 ? absl::StatusOr<int>(convert::RetriableError("not yet"))
                       : absl::StatusOr<int>(1);
  });
  ASSERT_EQ(f.sleeps.size(), 3u);
  EXPECT_EQ(f.sleeps[0], absl::Milliseconds(300));
  EXPECT_LT(f.sleeps[1], absl::Milliseconds(500));
  EXPECT_LT(f.sleeps[2], absl::Milliseconds(500));
}

TEST(ErrorHandler, NoRetriesByDefaultAndNoneOnceStopping) {
  Fixture f({});
  int calls = 0;
  (void)f.handler->Execute<int>(kTransform, {}, [&] {
    ++calls;
    return absl::StatusOr<int>(convert::RetriableError("later"));
  });
  EXPECT_EQ(calls, 1);  // errors.retry.timeout=0

  config::ErrorHandlingConfig forever;
  forever.retry_timeout = absl::InfiniteDuration();
  Fixture g(forever);
  g.stop.Notify();
  calls = 0;
  ErrorHandler::Outcome<int> r = g.handler->Execute<int>(kTransform, {}, [&] {
    ++calls;
    return absl::StatusOr<int>(convert::RetriableError("later"));
  });
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(r.ok());
}

TEST(ErrorHandler, FailedReportsAndFollowsTolerance) {
  Fixture none({});
  absl::Status s = none.handler->Failed(
      {{Stage::kTaskPut, "org.apache.kafka.connect.sink.SinkTask", ""},
       convert::JavaError(absl::StatusCode::kUnknown, convert::kConnectExceptionClass, "bad row"),
       {}});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(none.seen.size(), 1u);
  config::ErrorHandlingConfig all;
  all.tolerance = config::ErrorTolerance::kAll;
  Fixture tolerant(all);
  EXPECT_TRUE(tolerant.handler
                  ->Failed({{Stage::kTaskPut, "org.apache.kafka.connect.sink.SinkTask", ""},
                            absl::UnknownError("bad row"),
                            {}})
                  .ok());
}

// Kafka Connect's task-error-metrics. The expected counts were printed by Kafka 3.9.1's own
// RetryWithToleranceOperator and ErrorHandlingMetrics, run through the same calls: a retriable
// failure twice and then success, a DataException in the value converter, and a failure reported
// afterwards (executeFailed), under each errors.tolerance.
TEST(ErrorHandler, CountsTaskErrorMetricsAsKafkaConnectDoes) {
  for (config::ErrorTolerance tolerance : {config::ErrorTolerance::kAll,
                                           config::ErrorTolerance::kNone}) {
    const bool all = tolerance == config::ErrorTolerance::kAll;
    config::ErrorHandlingConfig config;
    config.tolerance = tolerance;
    config.retry_timeout = absl::Seconds(10);
    Fixture f(config);
    metrics::TaskMetrics m("c", 0, metrics::TaskKind::kSink);
    f.handler->set_metrics(&m);

    int calls = 0;
    ASSERT_TRUE(f.handler
                    ->Execute<int>(kTransform, {},
                                   [&] {
                                     return ++calls < 3 ? absl::StatusOr<int>(
                                                              convert::RetriableError("not yet"))
                                                        : absl::StatusOr<int>(1);
                                   })
                    .ok());
    metrics::TaskMetricsSnapshot s = m.Snapshot();
    EXPECT_EQ(s.total_record_failures, 2);
    EXPECT_EQ(s.total_retries, 2);
    EXPECT_EQ(s.total_record_errors, 0);
    EXPECT_EQ(s.total_records_skipped, 0);

    ErrorHandler::Outcome<int> bad = f.handler->Execute<int>(
        {Stage::kValueConverter, "x", ""}, {},
        [] { return absl::StatusOr<int>(convert::DataError("bad")); });
    EXPECT_EQ(bad.ok(), all);
    s = m.Snapshot();
    EXPECT_EQ(s.total_record_failures, 3);
    EXPECT_EQ(s.total_record_errors, 1);
    EXPECT_EQ(s.total_records_skipped, all ? 1 : 0);
    EXPECT_GT(s.last_error_timestamp, 0);

    absl::Status late = f.handler->Failed(
        Failure{{Stage::kKafkaProduce, "x", ""}, convert::DataError("late"), {}});
    EXPECT_EQ(late.ok(), all);
    s = m.Snapshot();
    EXPECT_EQ(s.total_record_failures, 4);
    EXPECT_EQ(s.total_record_errors, all ? 1 : 2);
    EXPECT_EQ(s.total_records_skipped, all ? 1 : 0);
    EXPECT_EQ(s.total_retries, 2);
    // No error log configured: nothing logged.
    EXPECT_EQ(s.total_errors_logged, 0);
  }
}

}  // namespace
}  // namespace sluice::runtime
