#include "server/herder/restart_scheduler.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::herder {
namespace {

struct Harness {
  absl::Time now = absl::FromUnixSeconds(1000);
  std::vector<std::string> restarted;
  RestartScheduler scheduler{RestartScheduler::Options{
      .restart = [this](const std::string& name) { restarted.push_back(name); },
      .now = [this] { return now; },
      .start_thread = false}};
};

config::RestartPolicy Policy() {
  config::RestartPolicy p;
  p.enabled = true;
  p.initial_backoff = absl::Seconds(1);
  p.max_backoff = absl::Seconds(4);
  p.max_attempts = 4;
  p.backoff_reset = absl::Seconds(60);
  return p;
}

TEST(RestartScheduler, RestartsAfterADoublingBackoff) {
  Harness h;
  for (absl::Duration wait : {absl::Seconds(1), absl::Seconds(2), absl::Seconds(4),
                              absl::Seconds(4)}) {
    h.restarted.clear();
    h.scheduler.OnFailed("c", 0, Policy());
    h.now += wait - absl::Milliseconds(1);
    h.scheduler.RunDue();
    EXPECT_TRUE(h.restarted.empty()) << wait;
    h.now += absl::Milliseconds(1);
    h.scheduler.RunDue();
    EXPECT_THAT(h.restarted, testing::ElementsAre("c")) << wait;
  }
  EXPECT_EQ(h.scheduler.CountsOf("c").at(0).restarts, 4);
  // The fifth failure in a row: max attempts reached, it stays FAILED.
  h.scheduler.OnFailed("c", 0, Policy());
  EXPECT_TRUE(h.scheduler.CountsOf("c").at(0).gave_up);
  EXPECT_EQ(h.scheduler.CountsOf("c").at(0).next_restart, std::nullopt);
}

TEST(RestartScheduler, RunningLongEnoughResetsTheBackoff) {
  Harness h;
  h.scheduler.OnFailed("c", kConnectorInstance, Policy());
  h.now += absl::Seconds(1);
  h.scheduler.RunDue();
  h.scheduler.OnRunning("c", kConnectorInstance);
  h.now += absl::Seconds(10);  // too short to count as healthy
  h.scheduler.OnFailed("c", kConnectorInstance, Policy());
  EXPECT_EQ(h.scheduler.CountsOf("c").at(kConnectorInstance).failures_in_a_row, 2);
  h.now += absl::Seconds(2);
  h.scheduler.RunDue();
  h.scheduler.OnRunning("c", kConnectorInstance);
  h.now += absl::Seconds(60);
  h.scheduler.OnFailed("c", kConnectorInstance, Policy());
  const RestartCounts counts = h.scheduler.CountsOf("c").at(kConnectorInstance);
  EXPECT_EQ(counts.failures_in_a_row, 1);
  EXPECT_EQ(counts.restarts, 2);
  EXPECT_EQ(counts.next_restart, h.now + absl::Seconds(1));
}

TEST(RestartScheduler, OffByDefaultAndOneRestartPerConnector) {
  Harness h;
  h.scheduler.OnFailed("off", 0, config::RestartPolicy());
  h.scheduler.OnFailed("c", 0, Policy());
  h.scheduler.OnFailed("c", 1, Policy());
  h.scheduler.OnFailed("c", kConnectorInstance, Policy());
  h.now += absl::Hours(1);
  h.scheduler.RunDue();
  EXPECT_THAT(h.restarted, testing::ElementsAre("c"));
  EXPECT_EQ(h.scheduler.CountsOf("off").at(0).restarts, 0);
  h.scheduler.Forget("c");
  EXPECT_TRUE(h.scheduler.CountsOf("c").empty());
}

}  // namespace
}  // namespace sluice::herder
