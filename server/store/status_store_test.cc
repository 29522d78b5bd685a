#include "server/store/status_store.h"

#include "gtest/gtest.h"

namespace sluice::store {
namespace {

InstanceStatus Status(State state, std::string worker, int32_t generation) {
  return {state, std::move(worker), std::nullopt, generation};
}

TEST(MayReplace, RefusesOnlyAnotherWorkersLaterGeneration) {
  EXPECT_TRUE(MayReplace(std::nullopt, Status(State::kUnassigned, "a:1", 1)));
  EXPECT_TRUE(MayReplace(Status(State::kRunning, "a:1", 5), Status(State::kUnassigned, "a:1", 1)));
  EXPECT_TRUE(MayReplace(Status(State::kRunning, "b:1", 3), Status(State::kUnassigned, "a:1", 3)));
  EXPECT_FALSE(
      MayReplace(Status(State::kRunning, "b:1", 4), Status(State::kUnassigned, "a:1", 3)));
}

TEST(MemoryStatusStore, SafePutsKeepANewerOwnersStatus) {
  MemoryStatusStore store;
  store.PutTask("c", 0, Status(State::kRunning, "b:1", 4));
  store.PutTaskSafe("c", 0, Status(State::kUnassigned, "a:1", 3));
  EXPECT_EQ(store.GetTask("c", 0)->state, State::kRunning);
  store.PutTaskSafe("c", 0, Status(State::kFailed, "a:1", 5));
  EXPECT_EQ(store.GetTask("c", 0)->state, State::kFailed);

  store.PutConnector("c", Status(State::kRunning, "b:1", 4));
  store.PutConnectorSafe("c", Status(State::kUnassigned, "a:1", 2));
  EXPECT_EQ(store.GetConnector("c")->worker_id, "b:1");
}

TEST(MemoryStatusStore, RemovingAConnectorRemovesOnlyItsTasks) {
  MemoryStatusStore store;
  store.PutConnector("c", Status(State::kRunning, "a:1", 0));
  store.PutTask("c", 0, Status(State::kRunning, "a:1", 0));
  store.PutTask("c", 1, Status(State::kFailed, "a:1", 0));
  store.PutTask("c2", 0, Status(State::kRunning, "a:1", 0));
  ASSERT_EQ(store.GetTasks("c").size(), 2u);
  store.RemoveConnector("c");
  EXPECT_FALSE(store.GetConnector("c").has_value());
  EXPECT_TRUE(store.GetTasks("c").empty());
  EXPECT_EQ(store.GetTasks("c2").size(), 1u);
}

TEST(MemoryStatusStore, TracksTopicsPerConnector) {
  MemoryStatusStore store;
  store.PutTopic("c", "b", 0);
  store.PutTopic("c", "a", 1);
  store.PutTopic("c", "a", 1);
  EXPECT_EQ(store.GetTopics("c"), (std::set<std::string>{"a", "b"}));
  store.RemoveTopics("c");
  EXPECT_TRUE(store.GetTopics("c").empty());
}

TEST(State, NamesRoundTrip) {
  for (State s : {State::kUnassigned, State::kRunning, State::kPaused, State::kFailed,
                  State::kDestroyed, State::kRestarting, State::kStopped}) {
    EXPECT_EQ(ParseState(StateName(s)), s);
  }
  EXPECT_EQ(ParseState("running"), std::nullopt);
}

}  // namespace
}  // namespace sluice::store
