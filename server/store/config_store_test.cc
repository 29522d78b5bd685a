#include "server/store/config_store.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::store {
namespace {

std::filesystem::path FreshDir(const std::string& label) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("sluice-config-store-" + label + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(FileConfigStore, ConnectorsAndTargetStatesOutliveTheStore) {
  std::filesystem::path dir = FreshDir("roundtrip");
  const std::string path = (dir / "c.json").string();
  {
    absl::StatusOr<std::unique_ptr<FileConfigStore>> store = FileConfigStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_TRUE((*store)->Snapshot().connectors.empty());
    ASSERT_TRUE((*store)
                    ->PutConnectorConfig("snk", {{"connector.class", "FileStreamSink"},
                                                 {"topics", "a,b"}},
                                         TargetState::kPaused)
                    .ok());
    ASSERT_TRUE(
        (*store)->PutConnectorConfig("src", {{"file", "/tmp/\"quoted\".txt"}}, std::nullopt).ok());
    ASSERT_TRUE((*store)->PutTargetState("src", TargetState::kStopped).ok());
    ASSERT_TRUE((*store)->PutTaskConfigs("snk", {{{"task.class", "T"}}}).ok());
    ASSERT_TRUE((*store)->PutConnectorConfig("gone", {}, std::nullopt).ok());
    ASSERT_TRUE((*store)->RemoveConnectorConfig("gone").ok());
  }
  absl::StatusOr<std::unique_ptr<FileConfigStore>> again = FileConfigStore::Open(path);
  ASSERT_TRUE(again.ok()) << again.status();
  ClusterConfigState state = (*again)->Snapshot();
  ASSERT_EQ(state.connectors.size(), 2u);
  EXPECT_EQ(state.connectors.at("snk").at("topics"), "a,b");
  EXPECT_EQ(state.target_states.at("snk"), TargetState::kPaused);
  EXPECT_EQ(state.connectors.at("src").at("file"), "/tmp/\"quoted\".txt");
  EXPECT_EQ(state.target_states.at("src"), TargetState::kStopped);
  // Task configs are generated again by the connectors: not kept in the file.
  EXPECT_TRUE(state.task_configs.empty());
  std::filesystem::remove_all(dir);
}

TEST(FileConfigStore, ReportsACorruptFile) {
  std::filesystem::path dir = FreshDir("corrupt");
  const std::string path = (dir / "c.json").string();
  std::ofstream(path) << R"({"format":"sluice-connectors-v1","connectors":[{"name":"x"}]})";
  absl::StatusOr<std::unique_ptr<FileConfigStore>> store = FileConfigStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "Connector store " + path + " is corrupt: an entry lacks name, config or target_state");
  std::filesystem::remove_all(dir);
}

TEST(FileConfigStore, AFailedWriteChangesNothing) {
  std::filesystem::path dir = FreshDir("failed");
  const std::string path = (dir / "sub" / "c.json").string();
  absl::StatusOr<std::unique_ptr<FileConfigStore>> store = FileConfigStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  // Now the file's directory cannot be created: a regular file has its name.
  std::ofstream(dir / "sub") << "x";
  absl::Status s = (*store)->PutConnectorConfig("x", {{"k", "v"}}, std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), testing::StartsWith("Saving connector configs: "));
  EXPECT_TRUE((*store)->Snapshot().connectors.empty());
  std::filesystem::remove_all(dir);
}

TEST(MemoryConfigStore, AConnectorWithoutATargetStateIsStarted) {
  MemoryConfigStore store;
  ASSERT_TRUE(store.PutConnectorConfig("c", {{"k", "v"}}, std::nullopt).ok());
  EXPECT_EQ(store.Snapshot().target_states.at("c"), TargetState::kStarted);
  ASSERT_TRUE(store.PutTargetState("c", TargetState::kPaused).ok());
  // A new config keeps the target state it is not given.
  ASSERT_TRUE(store.PutConnectorConfig("c", {{"k", "w"}}, std::nullopt).ok());
  EXPECT_EQ(store.Snapshot().target_states.at("c"), TargetState::kPaused);
}

TEST(MemoryConfigStore, RemovingAConnectorRemovesItsTaskConfigs) {
  MemoryConfigStore store;
  ASSERT_TRUE(store.PutConnectorConfig("c", {}, TargetState::kStarted).ok());
  ASSERT_TRUE(store.PutTaskConfigs("c", {{{"a", "1"}}, {{"a", "2"}}}).ok());
  EXPECT_EQ(store.Snapshot().task_configs.at("c").size(), 2u);
  ASSERT_TRUE(store.RemoveConnectorConfig("c").ok());
  ClusterConfigState state = store.Snapshot();
  EXPECT_FALSE(state.connectors.contains("c"));
  EXPECT_FALSE(state.target_states.contains("c"));
  EXPECT_FALSE(state.task_configs.contains("c"));
}

TEST(TargetState, NamesRoundTrip) {
  for (TargetState s : {TargetState::kStarted, TargetState::kPaused, TargetState::kStopped}) {
    EXPECT_EQ(ParseTargetState(TargetStateName(s)), s);
  }
  EXPECT_EQ(ParseTargetState("RUNNING"), std::nullopt);
}

}  // namespace
}  // namespace sluice::store
