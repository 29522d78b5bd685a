// The file connectors through the C++ SDK's test kit (sluice/sdk/testing.h): FileStreamSource's
// lines handed, as Kafka would deliver them, to FileStreamSink, with offsets committed and a
// restarted source resuming after them. No Kafka, no worker, no plugin host.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/file/file_stream_sink.h"
#include "connectors/file/file_stream_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sluice/sdk/testing.h"

namespace sluice::connectors::file {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using sluice::testing::AsSinkRecords;
using sluice::testing::ConnectorDriver;
using sluice::testing::MemoryOffsetStore;
using sluice::testing::SinkTaskDriver;
using sluice::testing::SourceTaskDriver;

class FileConnectorsKitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/file_kit_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Append(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name, std::ios::app | std::ios::binary) << text;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // Starts a source task from the connector's first task config; its polls wait briefly.
  std::unique_ptr<SourceTaskDriver> StartSource(std::shared_ptr<MemoryOffsetStore> offsets) {
    ConnectorDriver connector(std::make_unique<FileStreamSourceConnector>());
    EXPECT_TRUE(connector
                    .Start({{"file", dir_ + "/in.txt"}, {"topic", "lines"}, {"batch.size", "2"}})
                    .ok());
    absl::StatusOr<std::vector<ConfigMap>> tasks = connector.TaskConfigs(4);
    EXPECT_TRUE(tasks.ok());
    EXPECT_EQ(tasks->size(), 1u);  // a file has one reader, whatever max_tasks is
    auto task = std::make_unique<SourceTaskDriver>(
        std::make_unique<FileStreamSourceTask>(absl::Milliseconds(20)), std::move(offsets));
    EXPECT_TRUE(task->Start((*tasks)[0]).ok());
    return task;
  }

  std::string dir_;
};

TEST_F(FileConnectorsKitTest, SourceToSinkRoundTripWithCommittedOffsets) {
  Append("in.txt", "one\ntwo\nthree, with ünïcödé\n");
  auto offsets = std::make_shared<MemoryOffsetStore>();
  std::unique_ptr<SourceTaskDriver> source = StartSource(offsets);
  absl::StatusOr<std::vector<SourceRecord>> records = source->PollUntil(3, absl::Seconds(10));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[2].value, Value::String("three, with ünïcödé"));
  ASSERT_TRUE(source->Commit().ok());
  // Kafka Connect's offset: the Java chars consumed, line terminators included.
  const Value partition =
      Value::Map({MapEntry{Value::String("filename"), Value::String(dir_ + "/in.txt")}});
  EXPECT_EQ(offsets->Get(partition),
            Value::Map({MapEntry{Value::String("position"), Value::Int64(28)}}));
  ASSERT_TRUE(source->Stop().ok());

  ConnectorDriver sink_connector(std::make_unique<FileStreamSinkConnector>());
  ASSERT_TRUE(sink_connector.Start({{"file", dir_ + "/out.txt"}, {"topics", "lines"}}).ok());
  absl::StatusOr<std::vector<ConfigMap>> sink_tasks = sink_connector.TaskConfigs(1);
  ASSERT_TRUE(sink_tasks.ok());
  SinkTaskDriver sink(std::make_unique<FileStreamSinkTask>());
  ASSERT_TRUE(sink.Start((*sink_tasks)[0]).ok());
  ASSERT_TRUE(sink.Open({{"lines", 0}}).ok());
  ASSERT_TRUE(sink.Put(AsSinkRecords(*records)).ok());
  absl::StatusOr<TopicPartitionOffsets> committed = sink.Commit();  // flushes the file
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_THAT(*committed, ElementsAre(Pair(TopicPartition{"lines", 0}, 3)));
  EXPECT_EQ(Read("out.txt"), "one\ntwo\nthree, with ünïcödé\n");
  EXPECT_TRUE(sink.errant().empty());

  // A restarted source resumes after the committed offset: only the new lines come.
  Append("in.txt", "four\n");
  std::unique_ptr<SourceTaskDriver> restarted = StartSource(offsets);
  absl::StatusOr<std::vector<SourceRecord>> more = restarted->PollUntil(1, absl::Seconds(10));
  ASSERT_TRUE(more.ok()) << more.status();
  ASSERT_EQ(more->size(), 1u);
  EXPECT_EQ((*more)[0].value, Value::String("four"));
  ASSERT_TRUE(restarted->Stop().ok());
  ASSERT_TRUE(sink.Put(AsSinkRecords(*more, 3)).ok());
  ASSERT_TRUE(sink.Stop().ok());
  EXPECT_EQ(Read("out.txt"), "one\ntwo\nthree, with ünïcödé\nfour\n");
}

TEST_F(FileConnectorsKitTest, ConfigErrorsAndAnUnreadableOffsetStore) {
  ConnectorDriver connector(std::make_unique<FileStreamSourceConnector>());
  absl::Status invalid = connector.Start({{"file", dir_ + "/in.txt"}, {"batch.size", "lots"}});
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(invalid.message(), HasSubstr("topic: Missing required configuration \"topic\""));
  EXPECT_THAT(invalid.message(), HasSubstr("batch.size: Invalid value lots"));

  // The task reads its offset on its first poll; a store that cannot be read fails it.
  Append("in.txt", "one\n");
  SourceTaskDriver task(std::make_unique<FileStreamSourceTask>(absl::Milliseconds(20)));
  task.offsets().FailReads(absl::UnavailableError("offset store down"));
  ASSERT_TRUE(task.Start({{"file", dir_ + "/in.txt"}, {"topic", "lines"}}).ok());
  absl::StatusOr<std::vector<SourceRecord>> polled = task.Poll();
  EXPECT_EQ(polled.status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(task.Stop().ok());
}

}  // namespace
}  // namespace sluice::connectors::file
