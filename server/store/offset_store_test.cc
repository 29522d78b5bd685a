#include "server/store/offset_store.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/atomic_file.h"

namespace sluice::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class FileOffsetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sluice-offsets-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "connect.offsets").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(FileOffsetStoreTest, WritesAreDurableAcrossReopenWithExactBytes) {
  const std::string key = R"(["src",{"filename":"/data/in.txt"}])";
  {
    absl::StatusOr<std::unique_ptr<FileOffsetStore>> store = FileOffsetStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->Get(key), std::nullopt);
    ASSERT_TRUE((*store)->Write({{key, R"({"position":30})"}}).ok());
    ASSERT_TRUE((*store)->Write({{key, R"({"position":61})"}, {"other", "1"}}).ok());
    ASSERT_TRUE((*store)->Write({{"other", std::nullopt}}).ok());
  }
  absl::StatusOr<std::unique_ptr<FileOffsetStore>> reopened = FileOffsetStore::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->Get(key), R"({"position":61})");
  EXPECT_THAT((*reopened)->All(), ElementsAre(Pair(key, R"({"position":61})")));
  // The file holds the offsets as JSON strings, and no temporary file is left behind.
  absl::StatusOr<std::optional<std::string>> content = ReadFileIfExists(path_);
  ASSERT_TRUE(content.ok() && content->has_value());
  EXPECT_EQ(**content,
            R"({"format":"sluice-offsets-v1","offsets":[["[\"src\",{\"filename\":\"/data/in.txt\"}]","{\"position\":61}"]]})");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(FileOffsetStoreTest, RefusesAFileThatIsNotOurs) {
  std::ofstream(path_) << "\xac\xed\x00\x05sr\x00\x11java.util.HashMap";
  absl::StatusOr<std::unique_ptr<FileOffsetStore>> store = FileOffsetStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(store.status().message()), HasSubstr("is not a Sluice offsets file"));
}

TEST_F(FileOffsetStoreTest, AFailedWriteChangesNothing) {
  absl::StatusOr<std::unique_ptr<FileOffsetStore>> store = FileOffsetStore::Open(path_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Write({{"k", "1"}}).ok());
  // A directory where the temporary file must go makes the next write fail.
  std::filesystem::create_directory(path_ + ".tmp." + std::to_string(::getpid()));
  absl::Status s = (*store)->Write({{"k", "2"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), HasSubstr("Writing offsets: Could not create"));
  EXPECT_EQ((*store)->Get("k"), "1");
  absl::StatusOr<std::unique_ptr<FileOffsetStore>> reopened = FileOffsetStore::Open(path_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Get("k"), "1");
}

}  // namespace
}  // namespace sluice::store
