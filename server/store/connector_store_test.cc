#include "server/store/connector_store.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::store {
namespace {

TEST(FileConnectorStore, RoundTripsConfigsAndTargetStates) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("sluice-connectors-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::string path = (dir / "c.json").string();
  FileConnectorStore store(path);
  absl::StatusOr<std::vector<StoredConnector>> empty = store.Load();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(store
                  .Save({{"snk", {{"connector.class", "FileStreamSink"}, {"topics", "a,b"}},
                          TargetState::kPaused},
                         {"src", {{"file", "/tmp/\"quoted\".txt"}}, TargetState::kStopped}})
                  .ok());
  FileConnectorStore again(path);
  absl::StatusOr<std::vector<StoredConnector>> loaded = again.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].name, "snk");
  EXPECT_EQ((*loaded)[0].config.at("topics"), "a,b");
  EXPECT_EQ((*loaded)[0].target_state, TargetState::kPaused);
  EXPECT_EQ((*loaded)[1].config.at("file"), "/tmp/\"quoted\".txt");
  EXPECT_EQ((*loaded)[1].target_state, TargetState::kStopped);
  std::filesystem::remove_all(dir);
}

TEST(FileConnectorStore, ReportsACorruptFile) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("sluice-connectors-bad-" + std::to_string(::getpid()) + ".json"))
                         .string();
  std::ofstream(path) << R"({"format":"sluice-connectors-v1","connectors":[{"name":"x"}]})";
  absl::StatusOr<std::vector<StoredConnector>> loaded = FileConnectorStore(path).Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().message(),
            "Connector store " + path + " is corrupt: an entry lacks name, config or target_state");
  std::filesystem::remove(path);
}

TEST(TargetState, NamesRoundTrip) {
  for (TargetState s : {TargetState::kStarted, TargetState::kPaused, TargetState::kStopped}) {
    EXPECT_EQ(ParseTargetState(TargetStateName(s)), s);
  }
  EXPECT_EQ(ParseTargetState("RUNNING"), std::nullopt);
}

}  // namespace
}  // namespace sluice::store
