#include "server/kafka/kafka_log.h"

#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/convert/connect_exception.h"
#include "server/kafka/client.h"
#include "server/kafka/embedded_broker.h"

namespace sluice::kafka {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// What a record callback saw, owned.
struct Seen {
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp_ms = -1;
};

// Collects what a log reads; thread-safe.
class Collector {
 public:
  void Add(const LogRecord& r) {
    absl::MutexLock lock(&mu_);
    Seen s{r.partition, r.offset, std::nullopt, std::nullopt, r.timestamp_ms};
    if (r.key) s.key = std::string(*r.key);
    if (r.value) s.value = std::string(*r.value);
    seen_.push_back(std::move(s));
  }
  std::vector<Seen> seen() const {
    absl::MutexLock lock(&mu_);
    return seen_;
  }
  size_t size() const {
    absl::MutexLock lock(&mu_);
    return seen_.size();
  }
  // Values in the order read, of partition `p`.
  std::vector<std::string> Values(int32_t p) const {
    std::vector<std::string> out;
    for (const Seen& s : seen()) {
      if (s.partition == p) out.push_back(s.value.value_or("<null>"));
    }
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Seen> seen_ ABSL_GUARDED_BY(mu_);
};

// Send completions, collected; thread-safe.
class Completions {
 public:
  KafkaLog::SendCallback Callback() {
    return [this](const absl::StatusOr<SentRecord>& r) {
      absl::MutexLock lock(&mu_);
      results_.push_back(r);
    };
  }
  std::vector<absl::StatusOr<SentRecord>> results() const {
    absl::MutexLock lock(&mu_);
    return results_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<absl::StatusOr<SentRecord>> results_ ABSL_GUARDED_BY(mu_);
};

class KafkaLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<EmbeddedBroker>> broker = EmbeddedBroker::Start({});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
  }

  ConfigMap Settings(const std::string& client_id) const {
    return {{"bootstrap.servers", broker_->bootstrap_servers()}, {"client.id", client_id}};
  }

  // The embedded broker answers a fetch only after fetch.wait.max.ms when it has nothing yet
  // (a real broker answers as soon as records arrive), so the tests' readers wait less.
  ConfigMap ReaderSettings(const std::string& client_id) const {
    ConfigMap settings = Settings(client_id);
    settings["fetch.wait.max.ms"] = "20";
    return settings;
  }

  std::unique_ptr<KafkaLog> NewLog(const std::string& topic, Collector* collector,
                                   bool writable = true) {
    KafkaLog::Options options;
    options.topic = topic;
    options.consumer_settings = ReaderSettings("test-log-reader");
    if (writable) options.producer_settings = Settings("test-log-writer");
    options.on_record = [collector](const LogRecord& r) { collector->Add(r); };
    absl::StatusOr<std::unique_ptr<KafkaLog>> log = KafkaLog::Create(std::move(options));
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  // Writes `values` with a producer of its own (not a KafkaLog), keyed k<i>, and waits for them.
  void ProduceElsewhere(const std::string& topic, int32_t partition,
                        const std::vector<std::string>& values) {
    absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(Settings("test-other-producer"));
    ASSERT_TRUE(conf.ok());
    absl::StatusOr<KafkaHandle> producer = NewClient(RD_KAFKA_PRODUCER, *conf);
    ASSERT_TRUE(producer.ok()) << producer.status();
    for (size_t i = 0; i < values.size(); ++i) {
      std::string key = "k" + std::to_string(i);
      ASSERT_EQ(Produce(producer->get(), {.topic = topic.c_str(),
                                          .partition = partition,
                                          .key = key.data(),
                                          .key_size = key.size(),
                                          .value = values[i].data(),
                                          .value_size = values[i].size()}),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(producer->get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  std::unique_ptr<EmbeddedBroker> broker_;
};

std::vector<std::string> Numbered(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

TEST_F(KafkaLogTest, RecordsItSendsComeBackThroughTheCallbackInOrder) {
  ASSERT_TRUE(broker_->EnsureTopic("log", 1).ok());
  Collector collector;
  std::unique_ptr<KafkaLog> log = NewLog("log", &collector);
  ASSERT_TRUE(log->Start(absl::Seconds(10)).ok());
  EXPECT_EQ(log->partition_count(), 1);
  EXPECT_EQ(collector.size(), 0u);

  Completions completions;
  const std::vector<std::string> values = Numbered("v", 50);
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(log->Send("k" + std::to_string(i), values[i], std::nullopt,
                          completions.Callback())
                    .ok());
  }
  ASSERT_TRUE(log->ReadToEnd(absl::Seconds(10)).ok());

  EXPECT_EQ(collector.Values(0), values);
  std::vector<Seen> seen = collector.seen();
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].offset, static_cast<int64_t>(i));
    EXPECT_EQ(seen[i].key, "k" + std::to_string(i));
    EXPECT_GT(seen[i].timestamp_ms, 0);
  }
  // ReadToEnd flushed first, so every completion has run, each with its place in the log.
  std::vector<absl::StatusOr<SentRecord>> results = completions.results();
  ASSERT_EQ(results.size(), values.size());
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status();
    EXPECT_EQ(results[i]->partition, 0);
    EXPECT_EQ(results[i]->offset, static_cast<int64_t>(i));
  }
  log->Stop();
}

TEST_F(KafkaLogTest, ReadToEndWaitsForRecordsAnotherProducerWroteJustBefore) {
  ASSERT_TRUE(broker_->EnsureTopic("shared", 3).ok());
  Collector collector;
  std::unique_ptr<KafkaLog> log = NewLog("shared", &collector, /*writable=*/false);
  ASSERT_TRUE(log->Start(absl::Seconds(10)).ok());
  EXPECT_EQ(log->partition_count(), 3);

  for (int round = 0; round < 3; ++round) {
    const std::vector<std::string> values = Numbered("r" + std::to_string(round) + "-", 100);
    ProduceElsewhere("shared", round, values);
    ASSERT_TRUE(log->ReadToEnd(absl::Seconds(10)).ok());
    // No waiting here: ReadToEnd returned only once all of them had been passed on.
    EXPECT_EQ(collector.Values(round), values);
    EXPECT_EQ(collector.size(), static_cast<size_t>(100 * (round + 1)));
  }
}

TEST_F(KafkaLogTest, ASecondLogReadsTheFirstLogsRecordsFromTheBeginningAtStart) {
  ASSERT_TRUE(broker_->EnsureTopic("configs", 1).ok());
  Collector first_seen;
  std::unique_ptr<KafkaLog> first = NewLog("configs", &first_seen);
  ASSERT_TRUE(first->Start(absl::Seconds(10)).ok());
  Completions completions;
  for (const std::string& v : Numbered("config-", 20)) {
    ASSERT_TRUE(first->Send("connector-" + v, v, std::nullopt, completions.Callback()).ok());
  }
  ASSERT_TRUE(first->Flush(absl::Seconds(10)).ok());
  EXPECT_EQ(completions.results().size(), 20u);

  Collector second_seen;
  std::unique_ptr<KafkaLog> second = NewLog("configs", &second_seen);
  ASSERT_TRUE(second->Start(absl::Seconds(10)).ok());
  // Start returns after its first read to the end.
  EXPECT_EQ(second_seen.Values(0), Numbered("config-", 20));

  // And it keeps following what the first one writes.
  ASSERT_TRUE(first->Send("connector-late", "late", std::nullopt, completions.Callback()).ok());
  ASSERT_TRUE(first->Flush(absl::Seconds(10)).ok());
  ASSERT_TRUE(second->ReadToEnd(absl::Seconds(10)).ok());
  EXPECT_EQ(second_seen.Values(0).back(), "late");
}

TEST_F(KafkaLogTest, TombstonesArriveAsNulloptAndEmptyValuesAsEmpty) {
  ASSERT_TRUE(broker_->EnsureTopic("status", 1).ok());
  Collector collector;
  std::unique_ptr<KafkaLog> log = NewLog("status", &collector);
  ASSERT_TRUE(log->Start(absl::Seconds(10)).ok());
  Completions completions;
  ASSERT_TRUE(log->Send("status-connector-a", "{\"state\":\"RUNNING\"}", std::nullopt,
                        completions.Callback())
                  .ok());
  ASSERT_TRUE(log->Send("status-connector-a", std::nullopt, std::nullopt,
                        completions.Callback())
                  .ok());
  ASSERT_TRUE(log->Send("empty", "", std::nullopt, completions.Callback()).ok());
  ASSERT_TRUE(log->ReadToEnd(absl::Seconds(10)).ok());

  std::vector<Seen> seen = collector.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].value, "{\"state\":\"RUNNING\"}");
  EXPECT_EQ(seen[1].key, "status-connector-a");
  EXPECT_EQ(seen[1].value, std::nullopt);
  EXPECT_EQ(seen[2].value, std::optional<std::string>(""));
}

TEST_F(KafkaLogTest, DefaultPartitioningIsKafkasMurmur2OfTheKey) {
  // The partitions Kafka 3.9.1's default partitioner picks for these keys
  // (Utils.toPositive(Utils.murmur2(key)) % partitions), printed by a throwaway Java program.
  const std::vector<std::string> keys = {
      "status-connector-a", "status-task-a-0",
      "[\"local-file-source\",{\"filename\":\"/data/test.txt\"}]",
      "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"};
  const std::vector<std::pair<int, std::vector<int32_t>>> expected = {
      {5, {1, 3, 3, 0, 2, 3, 1, 0, 4, 0, 3}},
      {25, {21, 18, 13, 20, 22, 3, 11, 10, 19, 10, 8}}};
  for (const auto& [partitions, want] : expected) {
    const std::string topic = "offsets-" + std::to_string(partitions);
    ASSERT_TRUE(broker_->EnsureTopic(topic, partitions).ok());
    Collector collector;
    std::unique_ptr<KafkaLog> log = NewLog(topic, &collector);
    ASSERT_TRUE(log->Start(absl::Seconds(10)).ok());
    Completions completions;
    for (const std::string& key : keys) {
      ASSERT_TRUE(log->Send(key, "v", std::nullopt, completions.Callback()).ok());
    }
    ASSERT_TRUE(log->ReadToEnd(absl::Seconds(10)).ok());
    for (const absl::StatusOr<SentRecord>& r : completions.results()) {
      ASSERT_TRUE(r.ok()) << r.status();
    }
    std::map<std::string, int32_t> partition_of;
    for (const Seen& s : collector.seen()) partition_of[*s.key] = s.partition;
    std::vector<int32_t> got;
    for (const std::string& key : keys) got.push_back(partition_of[key]);
    EXPECT_THAT(got, ElementsAreArray(want)) << partitions << " partitions";
  }
}

TEST_F(KafkaLogTest, SendsToAnExplicitPartition) {
  ASSERT_TRUE(broker_->EnsureTopic("explicit", 4).ok());
  Collector collector;
  std::unique_ptr<KafkaLog> log = NewLog("explicit", &collector);
  ASSERT_TRUE(log->Start(absl::Seconds(10)).ok());
  Completions completions;
  ASSERT_TRUE(log->Send("k", "to-2", 2, completions.Callback()).ok());
  ASSERT_TRUE(log->Send("k", "to-3", 3, completions.Callback()).ok());
  ASSERT_TRUE(log->ReadToEnd(absl::Seconds(10)).ok());
  EXPECT_THAT(collector.Values(2), ElementsAre("to-2"));
  EXPECT_THAT(collector.Values(3), ElementsAre("to-3"));
}

TEST_F(KafkaLogTest, ReadToEndTimesOutWhenTheBrokerIsDown) {
  ASSERT_TRUE(broker_->EnsureTopic("down", 1).ok());
  Collector collector;
  std::unique_ptr<KafkaLog> log = NewLog("down", &collector, /*writable=*/false);
  ASSERT_TRUE(log->Start(absl::Seconds(10)).ok());
  ASSERT_EQ(rd_kafka_mock_broker_set_down(broker_->cluster(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);

  const absl::Time before = absl::Now();
  absl::Status s = log->ReadToEnd(absl::Milliseconds(700));
  const absl::Duration took = absl::Now() - before;
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_THAT(s.message(), HasSubstr("topic down"));
  EXPECT_GE(took, absl::Milliseconds(600));
  EXPECT_LT(took, absl::Seconds(3));

  // Once the broker is back, the log reads on.
  ASSERT_EQ(rd_kafka_mock_broker_set_up(broker_->cluster(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  ProduceElsewhere("down", 0, {"after"});
  absl::Status again = log->ReadToEnd(absl::Seconds(20));
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_THAT(collector.Values(0), ElementsAre("after"));
}

TEST_F(KafkaLogTest, StopIsPromptWithTheBrokerDownAndCompletesPendingSendsAsCancelled) {
  ASSERT_TRUE(broker_->EnsureTopic("stopping", 1).ok());
  Collector collector;
  std::unique_ptr<KafkaLog> log = NewLog("stopping", &collector);
  ASSERT_TRUE(log->Start(absl::Seconds(10)).ok());
  ASSERT_EQ(rd_kafka_mock_broker_set_down(broker_->cluster(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  Completions completions;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(log->Send("k", "v", std::nullopt, completions.Callback()).ok());
  }
  EXPECT_EQ(log->Flush(absl::Milliseconds(300)).code(), absl::StatusCode::kDeadlineExceeded);

  const absl::Time before = absl::Now();
  log->Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(2));
  // Every send has had its completion by the time Stop returned.
  std::vector<absl::StatusOr<SentRecord>> results = completions.results();
  ASSERT_EQ(results.size(), 10u);
  for (const absl::StatusOr<SentRecord>& r : results) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled) << r.status();
  }
  // Stopped is stopped.
  log->Stop();
  EXPECT_EQ(log->Send("k", "v", std::nullopt, completions.Callback()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(log->ReadToEnd(absl::Seconds(1)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(completions.results().size(), 10u);
}

TEST_F(KafkaLogTest, StopWaitsForTheCallbackUnderWayAndPassesNoFurtherRecord) {
  ASSERT_TRUE(broker_->EnsureTopic("busy", 1).ok());
  absl::Mutex mu;
  bool started = false;
  bool entered = false;
  bool release = false;
  int calls = 0;
  KafkaLog::Options options;
  options.topic = "busy";
  options.consumer_settings = ReaderSettings("test-busy-reader");
  options.on_record = [&](const LogRecord&) {
    absl::MutexLock lock(&mu);
    ++calls;
    if (!started) return;
    // The first record read after Start holds the reader until the test releases it.
    entered = true;
    mu.AwaitWithTimeout(absl::Condition(&release), absl::Seconds(10));
  };
  absl::StatusOr<std::unique_ptr<KafkaLog>> log = KafkaLog::Create(std::move(options));
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Start(absl::Seconds(10)).ok());
  {
    absl::MutexLock lock(&mu);
    started = true;
  }
  ProduceElsewhere("busy", 0, Numbered("v", 1000));
  {
    absl::MutexLock lock(&mu);
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&entered), absl::Seconds(10)))
        << "no record reached the callback";
  }
  bool stop_returned = false;
  std::thread stopper([&] {
    (*log)->Stop();
    absl::MutexLock lock(&mu);
    stop_returned = true;
  });
  // A reader can't reach the end while the callback holds the reader; it returns once Stop has
  // begun (Cancelled, or FailedPrecondition if Stop began first), which tells the test that
  // releasing the callback now must not let any further record through.
  absl::Status read = (*log)->ReadToEnd(absl::Seconds(10));
  EXPECT_TRUE(read.code() == absl::StatusCode::kCancelled ||
              read.code() == absl::StatusCode::kFailedPrecondition)
      << read;
  {
    absl::MutexLock lock(&mu);
    // Stop cannot return while a callback is under way.
    EXPECT_FALSE(stop_returned);
    release = true;
  }
  stopper.join();
  absl::MutexLock lock(&mu);
  EXPECT_TRUE(stop_returned);
  // The callback under way was the last: 999 records were still there to read.
  EXPECT_EQ(calls, 1);
}

TEST_F(KafkaLogTest, StartGivesKafkaConnectsMessageWhenTheTopicCannotBeFound) {
  // The embedded broker creates any topic a client asks about (it answers Metadata v2 only, from
  // before clients could ask it not to), so the topic is made to answer "unknown" instead.
  ASSERT_TRUE(broker_->EnsureTopic("missing", 1).ok());
  rd_kafka_mock_topic_set_error(broker_->cluster(), "missing",
                                RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  Collector collector;
  std::unique_ptr<KafkaLog> log = NewLog("missing", &collector);
  const absl::Time before = absl::Now();
  absl::Status s = log->Start(absl::Milliseconds(800));
  EXPECT_LT(absl::Now() - before, absl::Seconds(3));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_EQ(s.message(),
            "Could not look up partition metadata for topic 'missing' in the allotted period. "
            "This could indicate a connectivity issue, unavailable topic partitions, or if this "
            "is your first use of the topic it may have taken too long to create.");
  EXPECT_EQ(convert::JavaExceptionClass(s), convert::kConnectExceptionClass);
  // A failed start leaves the log stopped.
  EXPECT_EQ(log->Start(absl::Seconds(1)).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(KafkaLogTest, RefusesCallsOutOfLifecycle) {
  ASSERT_TRUE(broker_->EnsureTopic("lifecycle", 1).ok());
  Collector collector;
  std::unique_ptr<KafkaLog> log = NewLog("lifecycle", &collector);
  EXPECT_EQ(log->Send("k", "v", std::nullopt, [](const auto&) {}).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(log->ReadToEnd(absl::Seconds(1)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(log->Flush(absl::Seconds(1)).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(log->Start(absl::Seconds(10)).ok());
  EXPECT_EQ(log->Start(absl::Seconds(10)).code(), absl::StatusCode::kFailedPrecondition);

  std::unique_ptr<KafkaLog> read_only = NewLog("lifecycle", &collector, /*writable=*/false);
  ASSERT_TRUE(read_only->Start(absl::Seconds(10)).ok());
  absl::Status s = read_only->Send("k", "v", std::nullopt, [](const auto&) {});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "KafkaLog for topic lifecycle is read-only");
  EXPECT_TRUE(read_only->Flush(absl::Seconds(1)).ok());
}

TEST(KafkaLog, CreateRefusesMissingPiecesAndBadSettings) {
  EXPECT_EQ(KafkaLog::Create({.topic = "", .on_record = [](const LogRecord&) {}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(KafkaLog::Create({.topic = "t"}).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::unique_ptr<KafkaLog>> bad = KafkaLog::Create(
      {.topic = "t",
       .consumer_settings = {{"bootstrap.servers", "127.0.0.1:1"}},
       .producer_settings = ConfigMap{{"linger.ms", "not-a-number"}},
       .on_record = [](const LogRecord&) {}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("The writer of topic t"));
  EXPECT_THAT(bad.status().message(), HasSubstr("linger.ms"));
}

}  // namespace
}  // namespace sluice::kafka
