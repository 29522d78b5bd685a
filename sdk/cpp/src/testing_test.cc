// The test kit's own contract, with small connectors written here. connectors/file's
// file_connectors_kit_test.cc shows it on real connectors.
#include "sluice/sdk/testing.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

Value Map1(const std::string& key, Value value) {
  return Value::Map({MapEntry{Value::String(key), std::move(value)}});
}

// Asks for as many tasks as `tasks` says, whatever max_tasks is; `topic` is required.
class CountingConnector final : public SourceConnector {
 public:
  std::string Version() const override { return "1.0"; }
  ConfigDef Config() const override {
    ConfigDef def;
    def.Define({.name = "topic", .type = ConfigType::kString,
                .validator = validators::NonEmptyString()});
    def.Define({.name = "tasks", .type = ConfigType::kInt, .default_value = "1"});
    return def;
  }
  absl::Status Start(ConnectorContext& context, const ConfigMap& config) override {
    tasks_ = std::stoi(config.count("tasks") ? config.at("tasks") : "1");
    context.RequestTaskReconfiguration();
    context.RaiseError(absl::InternalError("background thread died"));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int) override {
    return std::vector<ConfigMap>(tasks_, ConfigMap{{"n", "x"}});
  }
  absl::Status Stop() override { return absl::OkStatus(); }
  void Validate(const ConfigMap& config, std::vector<ConfigValueResult>& results) override {
    if (config.count("topic") && config.at("topic") == "forbidden") {
      results[0].errors.push_back("topic forbidden is not allowed");
    }
  }

 private:
  int tasks_ = 1;
};

// Counts from the stored offset: one record per poll; the commit callbacks are recorded.
class CounterTask final : public SourceTask {
 public:
  absl::Status Start(SourceTaskContext& context, const ConfigMap&) override {
    absl::StatusOr<std::optional<Value>> stored =
        context.offset_storage_reader().Offset(Map1("counter", Value::String("c")));
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) next_ = (*stored)->Find("n")->integer() + 1;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<SourceRecord>> Poll() override {
    if (throw_on_poll) throw std::runtime_error("poll exploded");
    SourceRecord r;
    r.source_partition = Map1("counter", Value::String("c"));
    r.source_offset = Map1("n", Value::Int64(next_));
    r.topic = topic;
    r.value_schema = Schema::Int64();
    r.value = Value::Int64(next_++);
    return std::vector<SourceRecord>{r};
  }
  absl::Status CommitRecord(const SourceRecord& record) override {
    committed_records.push_back(record.value.integer());
    return absl::OkStatus();
  }
  absl::Status Commit() override {
    ++commits;
    return absl::OkStatus();
  }
  absl::Status Stop() override { return absl::OkStatus(); }

  std::string topic = "counts";
  bool throw_on_poll = false;
  std::vector<int64_t> committed_records;
  int commits = 0;

 private:
  int64_t next_ = 0;
};

// Keeps what it is given; reports values "bad" as errant; pauses a partition on "pause".
class KeepingSinkTask final : public SinkTask {
 public:
  absl::Status Start(SinkTaskContext& context, const ConfigMap&) override {
    context_ = &context;
    return absl::OkStatus();
  }
  absl::Status Put(std::vector<SinkRecord> records) override {
    for (SinkRecord& r : records) {
      if (r.value.kind() == Value::Kind::kString && r.value.string() == "bad") {
        context_->ReportErrant(r, "bad value");
      } else if (r.value.kind() == Value::Kind::kString && r.value.string() == "pause") {
        context_->Pause({{r.topic, r.partition}});
      } else if (r.value.kind() == Value::Kind::kString && r.value.string() == "rewind") {
        // Read this partition again from its first offset, and commit soon.
        context_->Offset({{{r.topic, r.partition}, 0}});
        context_->RequestCommit();
      } else if (r.value.kind() == Value::Kind::kString && r.value.string() == "stray") {
        context_->Offset({{{"other", 0}, 3}});
      } else {
        kept.push_back(std::move(r));
      }
    }
    return absl::OkStatus();
  }
  absl::StatusOr<TopicPartitionOffsets> PreCommit(const TopicPartitionOffsets& offsets) override {
    if (answer_beyond) {
      TopicPartitionOffsets beyond = offsets;
      for (auto& [tp, offset] : beyond) offset += 10;
      return beyond;
    }
    if (hold_back) return TopicPartitionOffsets();
    return offsets;
  }
  absl::Status Close(const std::vector<TopicPartition>& partitions) override {
    closed.insert(closed.end(), partitions.begin(), partitions.end());
    return absl::OkStatus();
  }
  absl::Status Stop() override { return absl::OkStatus(); }

  std::vector<SinkRecord> kept;
  std::vector<TopicPartition> closed;
  bool answer_beyond = false;
  bool hold_back = false;

 private:
  SinkTaskContext* context_ = nullptr;
};

SinkRecord StringRecord(int32_t partition, int64_t offset, std::string value) {
  SinkRecord r;
  r.topic = "t";
  r.partition = partition;
  r.offset = offset;
  r.value = Value::String(std::move(value));
  return r;
}

TEST(ConnectorDriverTest, ValidatesBeforeStartingAndEnforcesMaxTasks) {
  ConnectorDriver driver(std::make_unique<CountingConnector>());
  absl::Status invalid = driver.Start({{"tasks", "many"}});
  EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(invalid.message(), HasSubstr("topic: Missing required configuration \"topic\""));
  EXPECT_THAT(invalid.message(), HasSubstr("tasks: Invalid value many"));
  EXPECT_THAT(driver.Start({{"topic", "forbidden"}}).message(),
              HasSubstr("topic: topic forbidden is not allowed"));
  EXPECT_EQ(driver.TaskConfigs(1).status().code(), absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(driver.Start({{"topic", "t"}, {"tasks", "3"}}).ok());
  EXPECT_EQ(driver.TaskConfigs(1).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(driver.TaskConfigs(1).status().message(),
              HasSubstr("generated 3 tasks, which is greater than 1"));
  absl::StatusOr<std::vector<ConfigMap>> tasks = driver.TaskConfigs(3);
  ASSERT_TRUE(tasks.ok());
  EXPECT_EQ(tasks->size(), 3u);
  EXPECT_EQ(driver.reconfiguration_requests(), 1);
  ASSERT_EQ(driver.raised_errors().size(), 1u);
  EXPECT_EQ(driver.raised_errors()[0].message(), "background thread died");
  EXPECT_TRUE(driver.Stop().ok());
}

TEST(SourceTaskDriverTest, CommitStoresOffsetsAndCallsBackAndARestartResumes) {
  auto offsets = std::make_shared<MemoryOffsetStore>();
  auto task = std::make_unique<CounterTask>();
  CounterTask* counter = task.get();
  SourceTaskDriver driver(std::move(task), offsets);
  ASSERT_TRUE(driver.Start({}).ok());
  absl::StatusOr<std::vector<SourceRecord>> records = driver.PollUntil(3, absl::Seconds(5));
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(records->size(), 3u);
  EXPECT_THAT(counter->committed_records, IsEmpty());  // nothing before the commit
  ASSERT_TRUE(driver.Commit().ok());
  EXPECT_THAT(counter->committed_records, ElementsAre(0, 1, 2));
  EXPECT_EQ(counter->commits, 1);

  // A producer failure loses the next record: its offset is never stored.
  ASSERT_TRUE(driver.Poll().ok());
  driver.DropUncommitted();
  ASSERT_TRUE(driver.Commit().ok());
  EXPECT_THAT(counter->committed_records, ElementsAre(0, 1, 2));
  ASSERT_TRUE(driver.Stop().ok());

  // The task that replaces it starts after the last committed offset.
  SourceTaskDriver restarted(std::make_unique<CounterTask>(), offsets);
  ASSERT_TRUE(restarted.Start({}).ok());
  absl::StatusOr<std::vector<SourceRecord>> next = restarted.Poll();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next)[0].value, Value::Int64(3));
  EXPECT_EQ(offsets->reads(), 2);
}

TEST(SourceTaskDriverTest, InjectedAndPluginFailuresComeBackAsTheHostReportsThem) {
  SourceTaskDriver unavailable(std::make_unique<CounterTask>());
  unavailable.offsets().FailReads(absl::UnavailableError("offset store down"));
  EXPECT_EQ(unavailable.Start({}).code(), absl::StatusCode::kUnavailable);

  auto task = std::make_unique<CounterTask>();
  CounterTask* counter = task.get();
  SourceTaskDriver driver(std::move(task));
  ASSERT_TRUE(driver.Start({}).ok());
  driver.Pause();
  absl::StatusOr<std::vector<SourceRecord>> paused = driver.Poll();
  ASSERT_TRUE(paused.ok());
  EXPECT_THAT(*paused, IsEmpty());
  driver.Resume();
  counter->topic = "";
  EXPECT_THAT(driver.Poll().status().message(), HasSubstr("has no topic"));
  counter->throw_on_poll = true;
  absl::Status thrown = driver.Poll().status();
  EXPECT_EQ(thrown.code(), absl::StatusCode::kUnknown);
  EXPECT_THAT(thrown.message(), HasSubstr("poll exploded"));
}

TEST(SinkTaskDriverTest, PutsCommitsAndCapturesErrantRecordsAndPauses) {
  auto task = std::make_unique<KeepingSinkTask>();
  KeepingSinkTask* sink = task.get();
  SinkTaskDriver driver(std::move(task));
  ASSERT_TRUE(driver.Start({}).ok());
  EXPECT_EQ(driver.Put({StringRecord(0, 0, "a")}).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(driver.Open({{"t", 0}, {"t", 1}}).ok());
  ASSERT_TRUE(driver.Put({StringRecord(0, 0, "a"), StringRecord(0, 1, "bad"),
                          StringRecord(1, 5, "pause")})
                  .ok());
  ASSERT_EQ(driver.errant().size(), 1u);
  EXPECT_EQ(driver.errant()[0].record.offset, 1);
  EXPECT_EQ(driver.errant()[0].error, "bad value");
  EXPECT_THAT(driver.paused(), ElementsAre(TopicPartition{"t", 1}));
  EXPECT_EQ(driver.Put({StringRecord(1, 6, "b")}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(driver.Put({StringRecord(0, 0, "again")}).code(), absl::StatusCode::kInvalidArgument);

  absl::StatusOr<TopicPartitionOffsets> committed = driver.Commit();
  ASSERT_TRUE(committed.ok()) << committed.status();
  EXPECT_THAT(driver.committed(), ElementsAre(Pair(TopicPartition{"t", 0}, 2),
                                              Pair(TopicPartition{"t", 1}, 6)));
  EXPECT_THAT(driver.Uncommitted(), IsEmpty());

  // A task that commits nothing leaves its records to be delivered again.
  ASSERT_TRUE(driver.Put({StringRecord(0, 2, "c")}).ok());
  sink->hold_back = true;
  ASSERT_TRUE(driver.Commit().ok());
  ASSERT_EQ(driver.Uncommitted().size(), 1u);
  EXPECT_EQ(driver.Uncommitted()[0].offset, 2);

  sink->hold_back = false;
  sink->answer_beyond = true;
  EXPECT_THAT(driver.Commit().status().message(),
              HasSubstr("PreCommit returned offset 13 for t-0, beyond the 3 handed to the task"));
  sink->answer_beyond = false;
  ASSERT_TRUE(driver.Close({{"t", 1}}).ok());
  EXPECT_THAT(sink->closed, ElementsAre(TopicPartition{"t", 1}));
  EXPECT_EQ(driver.Put({StringRecord(1, 7, "d")}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(driver.Stop().ok());
}

TEST(SinkTaskDriverTest, ARewindLetsThePartitionBeDeliveredAgain) {
  SinkTaskDriver driver(std::make_unique<KeepingSinkTask>());
  ASSERT_TRUE(driver.Start({}).ok());
  ASSERT_TRUE(driver.Open({{"t", 0}}).ok());
  ASSERT_TRUE(driver.Put({StringRecord(0, 0, "a"), StringRecord(0, 1, "rewind")}).ok());
  EXPECT_THAT(driver.rewinds(), ElementsAre(Pair(TopicPartition{"t", 0}, 0)));
  EXPECT_EQ(driver.commit_requests(), 1);
  // Offset 0 again: the rewind applies before the next Put.
  ASSERT_TRUE(driver.Put({StringRecord(0, 0, "a"), StringRecord(0, 1, "b")}).ok());
  EXPECT_EQ(driver.Put({StringRecord(0, 0, "a")}).code(), absl::StatusCode::kInvalidArgument);

  // A rewind of a partition not assigned fails the next Put, as it fails the task.
  ASSERT_TRUE(driver.Put({StringRecord(0, 2, "stray")}).ok());
  absl::Status stray = driver.Put({StringRecord(0, 3, "c")});
  EXPECT_EQ(stray.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(stray.message(), HasSubstr("rewind other-0, which is not assigned"));
}

TEST(AsSinkRecordsTest, NumbersEachPartitionFromTheFirstOffset) {
  SourceRecord a;
  a.topic = "x";
  a.value = Value::String("a");
  a.timestamp_ms = 5;
  SourceRecord b = a;
  b.partition = 2;
  std::vector<SinkRecord> sink = AsSinkRecords({a, b, a}, 10);
  ASSERT_EQ(sink.size(), 3u);
  EXPECT_EQ(sink[0].partition, 0);
  EXPECT_EQ(sink[0].offset, 10);
  EXPECT_EQ(sink[1].partition, 2);
  EXPECT_EQ(sink[1].offset, 10);
  EXPECT_EQ(sink[2].offset, 11);
  EXPECT_EQ(sink[2].timestamp_type, TimestampType::kCreateTime);
  EXPECT_EQ(sink[2].value, Value::String("a"));
}

}  // namespace
}  // namespace sluice::testing
