#include "plugin-host/fanout.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace sluice::plugin_host {
namespace {

TEST(Fanout, GivesItemsToEverySubscriberOrToUnheard) {
  std::vector<std::string> unheard;
  Fanout<std::string> fanout(2, [&](const std::string& s) { unheard.push_back(s); });
  fanout.Publish("nobody");
  EXPECT_EQ(unheard, std::vector<std::string>{"nobody"});

  auto a = fanout.Subscribe({"backlog"});
  auto b = fanout.Subscribe();
  fanout.Publish("x");
  EXPECT_EQ(a->Next(absl::ZeroDuration()), "backlog");
  EXPECT_EQ(a->Next(absl::ZeroDuration()), "x");
  EXPECT_EQ(b->Next(absl::ZeroDuration()), "x");
  EXPECT_EQ(b->Next(absl::ZeroDuration()), std::nullopt);
  EXPECT_EQ(unheard.size(), 1u);
}

TEST(Fanout, DropsTheOldestItemsOfASlowSubscriber) {
  Fanout<int> fanout(2, nullptr);
  auto s = fanout.Subscribe();
  for (int i = 1; i <= 4; ++i) fanout.Publish(i);
  EXPECT_EQ(s->Next(absl::ZeroDuration()), 3);
  EXPECT_EQ(s->Next(absl::ZeroDuration()), 4);
}

TEST(Fanout, CloseWakesAWaitingSubscriber) {
  Fanout<int> fanout(2, nullptr);
  auto s = fanout.Subscribe();
  std::optional<int> got = 0;
  std::thread waiter([&] { got = s->Next(absl::Hours(1)); });
  fanout.Close();
  waiter.join();
  EXPECT_EQ(got, std::nullopt);
}

}  // namespace
}  // namespace sluice::plugin_host
