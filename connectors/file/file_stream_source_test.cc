#include "connectors/file/file_stream_source.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::connectors::file {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Offsets stored earlier, in memory.
class MemoryOffsetStorageReader final : public OffsetStorageReader {
 public:
  void Store(Value partition, Value offset) {
    offsets_.emplace_back(std::move(partition), std::move(offset));
  }
  absl::StatusOr<std::optional<Value>> Offset(const Value& partition) override {
    asked_.push_back(partition);
    if (!status_.ok()) return status_;
    for (const auto& [p, o] : offsets_) {
      if (p == partition) return std::optional<Value>(o);
    }
    return std::optional<Value>();
  }
  std::vector<Value> asked_;
  absl::Status status_;

 private:
  std::vector<std::pair<Value, Value>> offsets_;
};

class FakeSourceTaskContext final : public SourceTaskContext {
 public:
  OffsetStorageReader& offset_storage_reader() override { return reader_; }
  const ConfigMap& configs() const override { return configs_; }
  MemoryOffsetStorageReader reader_;
  ConfigMap configs_;
};

Value Partition(const std::string& file) {
  return Value::Map({MapEntry{Value::String("filename"), Value::String(file)}});
}

Value Offset(int64_t position) {
  return Value::Map({MapEntry{Value::String("position"), Value::Int64(position)}});
}

class FileStreamSourceTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/file_source_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/in.txt";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }

  void Append(const std::string& bytes) {
    std::ofstream out(path_, std::ios::binary | std::ios::app);
    out << bytes;
  }

  ConfigMap Config(int batch_size = 2000) {
    return {{"file", path_}, {"topic", "lines"}, {"batch.size", std::to_string(batch_size)}};
  }

  // Values and offsets of `records`.
  static std::vector<std::string> Lines(const std::vector<SourceRecord>& records) {
    std::vector<std::string> out;
    for (const SourceRecord& r : records) out.push_back(r.value.string());
    return out;
  }
  static std::vector<int64_t> Positions(const std::vector<SourceRecord>& records) {
    std::vector<int64_t> out;
    for (const SourceRecord& r : records) out.push_back(r.source_offset.Find("position")->integer());
    return out;
  }

  std::string dir_;
  std::string path_;
  FakeSourceTaskContext context_;
};

TEST_F(FileStreamSourceTaskTest, TurnsLinesIntoRecordsWithKafkaOffsets) {
  Append("first\nsecond\r\nthird\rfourth\n");
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  const int64_t before = absl::ToUnixMillis(absl::Now());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  const int64_t after = absl::ToUnixMillis(absl::Now());
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Lines(*records), ElementsAre("first", "second", "third", "fourth"));
  EXPECT_THAT(Positions(*records), ElementsAre(6, 14, 20, 27));
  const SourceRecord& r = (*records)[0];
  EXPECT_EQ(r.source_partition, Partition(path_));
  EXPECT_EQ(r.topic, "lines");
  EXPECT_FALSE(r.partition.has_value());
  EXPECT_EQ(r.key_schema, nullptr);
  EXPECT_TRUE(r.key.is_null());
  EXPECT_EQ(r.value_schema, Schema::String());
  ASSERT_TRUE(r.timestamp_ms.has_value());
  EXPECT_GE(*r.timestamp_ms, before);
  EXPECT_LE(*r.timestamp_ms, after);
  // The partition asked for is the one the records carry.
  EXPECT_THAT(context_.reader_.asked_, ElementsAre(Partition(path_)));
  EXPECT_TRUE(task.Stop().ok());
}

TEST_F(FileStreamSourceTaskTest, CountsPositionsInUtf16Units) {
  // "é" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units (a surrogate pair).
  Append("\xC3\xA9\n\xF0\x9F\x98\x80x\nok\n");
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(Lines(*records), ElementsAre("\xC3\xA9", "\xF0\x9F\x98\x80x", "ok"));
  EXPECT_THAT(Positions(*records), ElementsAre(2, 6, 9));
}

TEST_F(FileStreamSourceTaskTest, ReplacesMalformedUtf8) {
  Append("a\xFF" "b\n");
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(Lines(*records), ElementsAre("a\xEF\xBF\xBD" "b"));
  EXPECT_THAT(Positions(*records), ElementsAre(4));
}

TEST_F(FileStreamSourceTaskTest, ResumesFromTheStoredOffset) {
  Append("\xC3\xA9t\xC3\xA9\nskipped too\nnext\nlast\n");
  // "été\n" is 4 units and "skipped too\n" 12: resume after both.
  context_.reader_.Store(Partition(path_), Offset(16));
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Lines(*records), ElementsAre("next", "last"));
  EXPECT_THAT(Positions(*records), ElementsAre(21, 26));
}

TEST_F(FileStreamSourceTaskTest, RejectsAnOffsetOfTheWrongType) {
  Append("x\n");
  context_.reader_.Store(Partition(path_),
                         Value::Map({MapEntry{Value::String("position"), Value::String("3")}}));
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(records.status().message(),
            "Offset position is the incorrect type for " + path_ +
                ": expected a non-negative integer");
}

TEST_F(FileStreamSourceTaskTest, ReportsAnOffsetReaderFailure) {
  Append("x\n");
  context_.reader_.status_ = absl::UnavailableError("worker gone");
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  EXPECT_EQ(records.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(records.status().message(),
            "Reading the stored offset of " + path_ + ": worker gone");
}

TEST_F(FileStreamSourceTaskTest, HoldsAPartialLineUntilItsNewlineArrives) {
  Append("whole\npart");
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(Lines(*records), ElementsAre("whole"));
  records = task.Poll();
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(*records, IsEmpty());
  // A trailing "\r" may still be the start of "\r\n".
  Append("ial\r");
  records = task.Poll();
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(*records, IsEmpty());
  Append("\nafter\n");
  records = task.Poll();
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(Lines(*records), ElementsAre("partial", "after"));
  EXPECT_THAT(Positions(*records), ElementsAre(15, 21));
}

TEST_F(FileStreamSourceTaskTest, ReturnsAtMostBatchSizeRecords) {
  std::string data;
  for (int i = 0; i < 25; ++i) data += "line" + std::to_string(i) + "\n";
  Append(data);
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config(/*batch_size=*/10)).ok());
  std::vector<size_t> sizes;
  std::vector<std::string> all;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
    ASSERT_TRUE(records.ok());
    sizes.push_back(records->size());
    for (const std::string& l : Lines(*records)) all.push_back(l);
  }
  EXPECT_THAT(sizes, ElementsAre(10, 10, 5, 0));
  ASSERT_EQ(all.size(), 25u);
  EXPECT_EQ(all[24], "line24");
}

TEST_F(FileStreamSourceTaskTest, ReadsLinesLongerThanTheReadBuffer) {
  const std::string long_line(3 << 20, 'x');
  Append(long_line + "\nshort\n");
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].value.string(), long_line);
  EXPECT_EQ(Positions(*records)[1], static_cast<int64_t>(long_line.size()) + 7);
}

TEST_F(FileStreamSourceTaskTest, WaitsForAMissingFileToAppear) {
  FileStreamSourceTask task(absl::Milliseconds(20));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = task.Poll();
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(*records, IsEmpty());
  Append("now\n");
  records = task.Poll();
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(Lines(*records), ElementsAre("now"));
}

TEST_F(FileStreamSourceTaskTest, StopMakesAWaitingPollReturnPromptly) {
  Append("");
  // A wait far longer than the test's deadline: only Stop() can end it in time.
  FileStreamSourceTask task(absl::Seconds(30));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  absl::Time returned;
  absl::StatusOr<std::vector<SourceRecord>> records;
  std::thread poller([&] {
    records = task.Poll();
    returned = absl::Now();
  });
  ASSERT_TRUE(task.Stop().ok());
  const absl::Time stopped = absl::Now();
  poller.join();
  ASSERT_TRUE(records.ok());
  EXPECT_THAT(*records, IsEmpty());
  EXPECT_LT(returned - stopped, absl::Seconds(5));
  // Later polls return at once.
  absl::Time start = absl::Now();
  EXPECT_THAT(*task.Poll(), IsEmpty());
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(FileStreamSourceTaskTest, AWaitingPollReturnsALineAppendedMeanwhile) {
  Append("first\n");
  // A wait far longer than the test's deadline: only the file's change can end it in time.
  FileStreamSourceTask task(absl::Seconds(60));
  ASSERT_TRUE(task.Start(context_, Config()).ok());
  ASSERT_THAT(Lines(*task.Poll()), ElementsAre("first"));
  absl::StatusOr<std::vector<SourceRecord>> records;
  std::thread poller([&] { records = task.Poll(); });
  Append("second\n");
  const absl::Time appended = absl::Now();
  poller.join();
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_THAT(Lines(*records), ElementsAre("second"));
  EXPECT_LT(absl::Now() - appended, absl::Seconds(10));
  EXPECT_TRUE(task.Stop().ok());
}

TEST_F(FileStreamSourceTaskTest, RejectsABadConfig) {
  FileStreamSourceTask task;
  absl::Status no_topic = task.Start(context_, {{"file", path_}});
  EXPECT_EQ(no_topic.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(no_topic.message(), "Missing required configuration \"topic\" which has no default value.");
  EXPECT_EQ(task.Start(context_, {{"topic", "t"}, {"batch.size", "x"}}).message(),
            "Invalid value x for configuration batch.size: Not a number of type INT");
}

TEST(FileStreamSourceConnector, MakesOneTaskWithTheConnectorConfig) {
  FileStreamSourceConnector connector;
  EXPECT_EQ(connector.Version(), "3.9.0");
  class NoopContext final : public ConnectorContext {
    void RequestTaskReconfiguration() override {}
    void RaiseError(const absl::Status&) override {}
  } context;
  const ConfigMap config = {{"file", "/tmp/x"}, {"topic", "t"}, {"tasks.max", "4"}};
  ASSERT_TRUE(connector.Start(context, config).ok());
  absl::StatusOr<std::vector<ConfigMap>> tasks = connector.TaskConfigs(4);
  ASSERT_TRUE(tasks.ok());
  EXPECT_THAT(*tasks, ElementsAre(config));
  EXPECT_EQ(connector.Start(context, {{"topic", ""}}).message(),
            "Invalid value  for configuration topic: String must be non-empty");

  ConfigDef def = connector.Config();
  ASSERT_EQ(def.keys().size(), 3u);
  EXPECT_EQ(def.keys()[0].name, "file");
  EXPECT_FALSE(def.keys()[0].required());
  EXPECT_TRUE(def.keys()[1].required());
  EXPECT_EQ(def.keys()[2].default_value, "2000");
}

// ---- FileStreamSourceConnector::AlterOffsets (Kafka Connect's checks and messages) ----------

Value FilePartition(const std::string& file) {
  return Value::Map({{Value::String("filename"), Value::String(file)}});
}

Value PositionOffset(Value position) { return Value::Map({{Value::String("position"), position}}); }

TEST(FileStreamSourceConnectorAlterOffsets, AcceptsNonNegativePositionsAndResets) {
  FileStreamSourceConnector connector;
  const ConfigMap config = {{"file", "/data/in.txt"}, {"topic", "t"}};
  SourceOffsetChanges changes = {
      {FilePartition("/data/in.txt"), PositionOffset(Value::Int64(30))},
      {FilePartition("/data/in.txt"), PositionOffset(Value::Int64(0))},
      // Resets are allowed for anything, even partitions that are not the connector's.
      {Value::Map({{Value::String("other"), Value::Int64(1)}}), std::nullopt},
  };
  absl::StatusOr<bool> altered = connector.AlterOffsets(config, changes);
  ASSERT_TRUE(altered.ok()) << altered.status();
  EXPECT_TRUE(*altered);
  altered = connector.AlterOffsets(config, {});
  ASSERT_TRUE(altered.ok());
  EXPECT_TRUE(*altered);
}

TEST(FileStreamSourceConnectorAlterOffsets, RejectsWithKafkaConnectsMessages) {
  FileStreamSourceConnector connector;
  const ConfigMap config = {{"file", "/data/in.txt"}, {"topic", "t"}};
  struct Case {
    ConfigMap config;
    SourceOffsetChange change;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{{"topic", "t"}},
       {FilePartition("/data/in.txt"), PositionOffset(Value::Int64(1))},
       "Offsets cannot be modified if the 'file' configuration is unspecified. This is because "
       "stdin is used for input and offsets are not tracked."},
      {{{"file", ""}, {"topic", "t"}},
       {FilePartition("/data/in.txt"), std::nullopt},
       "Offsets cannot be modified if the 'file' configuration is unspecified. This is because "
       "stdin is used for input and offsets are not tracked."},
      {config,
       {FilePartition("/data/in.txt"), Value::Map({{Value::String("pos"), Value::Int64(1)}})},
       "Offset objects should either be null or contain the key 'position'"},
      {config,
       {FilePartition("/data/in.txt"), PositionOffset(Value::String("10"))},
       "The value for the 'position' key in the offset is expected to be a Long value"},
      {config,
       {FilePartition("/data/in.txt"), PositionOffset(Value::Float64(1.5))},
       "The value for the 'position' key in the offset is expected to be a Long value"},
      {config,
       {FilePartition("/data/in.txt"), PositionOffset(Value::Int64(-1))},
       "The value for the 'position' key in the offset should be a non-negative value"},
      {config, {Value::Null(), PositionOffset(Value::Int64(1))}, "Partition objects cannot be null"},
      {config,
       {Value::Map({{Value::String("file"), Value::String("x")}}), PositionOffset(Value::Int64(1))},
       "Partition objects should contain the key 'filename'"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<bool> altered = connector.AlterOffsets(c.config, {c.change});
    ASSERT_FALSE(altered.ok()) << c.message;
    EXPECT_EQ(altered.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(altered.status().message(), c.message);
  }
}

}  // namespace
}  // namespace sluice::connectors::file
