#include "server/runtime/task_watchdog.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/notification.h"

namespace sluice::runtime {
namespace {

class FakeClock {
 public:
  absl::Time Now() const { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1000);
};

TaskWatchdog::Options ManualOptions(FakeClock* clock) {
  TaskWatchdog::Options o;
  o.now = [clock] { return clock->Now(); };
  o.start_thread = false;
  return o;
}

TEST(TaskWatchdog, FiresOnceWhenAnArmedCallOutlivesItsDeadline) {
  FakeClock clock;
  TaskWatchdog watchdog(ManualOptions(&clock));
  std::vector<std::string> expired;
  auto watch = watchdog.NewWatch("orders-0", [&](const std::string& t) { expired.push_back(t); });
  watch->Arm(WatchedCall::kPoll, absl::Seconds(30));
  clock.Advance(absl::Seconds(29));
  watchdog.Check();
  EXPECT_TRUE(expired.empty());
  EXPECT_EQ(watch->fired(), std::nullopt);
  clock.Advance(absl::Seconds(1));
  watchdog.Check();
  watchdog.Check();
  const std::string trace =
      "org.apache.kafka.connect.errors.ConnectException: Task orders-0 did not answer poll "
      "within 30000 ms; its plugin host was killed by the watchdog (sluice.task.watchdog.poll.ms)";
  EXPECT_THAT(expired, testing::ElementsAre(trace));
  EXPECT_EQ(watch->fired(), trace);
}

TEST(TaskWatchdog, AnAnsweredCallDoesNotFireAndRearmingRestartsTheClock) {
  FakeClock clock;
  TaskWatchdog watchdog(ManualOptions(&clock));
  int expired = 0;
  auto watch = watchdog.NewWatch("s-1", [&](const std::string&) { ++expired; });
  watch->Arm(WatchedCall::kPut, absl::Seconds(10));
  clock.Advance(absl::Seconds(9));
  watch->Disarm();
  clock.Advance(absl::Hours(1));
  watchdog.Check();
  watch->Arm(WatchedCall::kFlush, absl::Seconds(10));
  clock.Advance(absl::Seconds(6));
  watch->Arm(WatchedCall::kFlush, absl::Seconds(10));  // a new call: timed from now
  clock.Advance(absl::Seconds(6));
  watchdog.Check();
  EXPECT_EQ(expired, 0);
  clock.Advance(absl::Seconds(4));
  watchdog.Check();
  EXPECT_EQ(expired, 1);
  EXPECT_THAT(*watch->fired(), testing::HasSubstr("did not answer flush within 10000 ms"));
}

TEST(TaskWatchdog, AZeroDeadlineIsNotWatched) {
  FakeClock clock;
  TaskWatchdog watchdog(ManualOptions(&clock));
  int expired = 0;
  auto watch = watchdog.NewWatch("s-1", [&](const std::string&) { ++expired; });
  watch->Arm(WatchedCall::kPoll, absl::ZeroDuration());
  clock.Advance(absl::Hours(1));
  watchdog.Check();
  EXPECT_EQ(expired, 0);
}

TEST(TaskWatchdog, ItsThreadCatchesAHungCall) {
  TaskWatchdog watchdog(TaskWatchdog::Options{.tick = absl::Milliseconds(5)});
  absl::Notification expired;
  auto watch = watchdog.NewWatch("t-0", [&](const std::string&) { expired.Notify(); });
  watch->Arm(WatchedCall::kPoll, absl::Milliseconds(20));
  EXPECT_TRUE(expired.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

}  // namespace
}  // namespace sluice::runtime
