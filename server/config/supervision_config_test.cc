#include "server/config/supervision_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::config {
namespace {

TEST(SupervisionConfig, DefaultsKeepKafkaConnectsBehaviourAndTheWorkersDeadlines) {
  WatchdogSettings worker;
  worker.deadlines.poll = absl::Seconds(7);
  SupervisionErrors errors;
  SupervisionConfig c = ParseSupervision({}, worker, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(c.restart.enabled);
  EXPECT_EQ(c.deadlines.poll, absl::Seconds(7));
  EXPECT_EQ(c.deadlines.put, absl::Seconds(60));
}

TEST(SupervisionConfig, BackoffDoublesUpToItsMaximum) {
  RestartPolicy p;
  p.initial_backoff = absl::Milliseconds(500);
  p.max_backoff = absl::Seconds(3);
  EXPECT_EQ(p.Backoff(1), absl::Milliseconds(500));
  EXPECT_EQ(p.Backoff(2), absl::Seconds(1));
  EXPECT_EQ(p.Backoff(3), absl::Seconds(2));
  EXPECT_EQ(p.Backoff(4), absl::Seconds(3));
  EXPECT_EQ(p.Backoff(100), absl::Seconds(3));
}

TEST(SupervisionConfig, AConnectorsDeadlineStaysWithinTheWorkersMaximum) {
  WatchdogSettings worker;
  worker.max = absl::Seconds(60);
  SupervisionErrors errors;
  SupervisionConfig c = ParseSupervision(
      {{"sluice.task.watchdog.poll.ms", "3000"}, {"sluice.task.watchdog.put.ms", "90000"},
       {"sluice.task.watchdog.flush.ms", "0"}, {"sluice.restart.enabled", "yes"},
       {"sluice.restart.max.attempts", "-2"}},
      worker, errors);
  EXPECT_EQ(c.deadlines.poll, absl::Seconds(3));
  EXPECT_THAT(errors["sluice.task.watchdog.put.ms"],
              testing::ElementsAre("Invalid value 90000 for configuration "
                                   "sluice.task.watchdog.put.ms: the worker allows at most 60000 "
                                   "(sluice.task.watchdog.max.ms)"));
  EXPECT_THAT(errors["sluice.task.watchdog.flush.ms"],
              testing::ElementsAre("Invalid value 0 for configuration "
                                   "sluice.task.watchdog.flush.ms: Value must be at least 1"));
  EXPECT_THAT(errors["sluice.restart.enabled"],
              testing::ElementsAre("Invalid value yes for configuration sluice.restart.enabled: "
                                   "Expected value to be either true or false"));
  EXPECT_THAT(errors["sluice.restart.max.attempts"],
              testing::ElementsAre("Invalid value -2 for configuration "
                                   "sluice.restart.max.attempts: Value must be at least -1"));
}

TEST(SupervisionConfig, TheWorkersKeysParse) {
  absl::StatusOr<WatchdogSettings> s = ParseWatchdogSettings(
      {{"sluice.task.watchdog.poll.ms", "0"}, {"sluice.task.watchdog.max.ms", "1000"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->deadlines.poll, absl::ZeroDuration());
  EXPECT_EQ(s->max, absl::Seconds(1));
  EXPECT_EQ(ParseWatchdogSettings({{"sluice.task.watchdog.put.ms", "x"}}).status().message(),
            "Invalid value x for configuration sluice.task.watchdog.put.ms: Not a number of type "
            "LONG");
}

}  // namespace
}  // namespace sluice::config
