// KafkaLog against a real Kafka broker, for what the embedded one does not do: transactions
// (whose markers take offsets that no record reaches the reader with) and not creating topics
// that a reader asks about. Run by tests/integration/test_internal_topics.py with
// SLUICE_TEST_KAFKA_BOOTSTRAP naming a tools/kafka broker.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kafka/client.h"
#include "server/kafka/kafka_log.h"
#include "server/kafka/topic_admin.h"

namespace sluice::kafka {
namespace {

using ::testing::ElementsAre;

std::string Bootstrap() {
  const char* v = std::getenv("SLUICE_TEST_KAFKA_BOOTSTRAP");
  return v == nullptr ? "" : v;
}

ConfigMap Settings(const std::string& client_id) {
  return {{"bootstrap.servers", Bootstrap()}, {"client.id", client_id}};
}

// The values read, in order; thread-safe.
class Values {
 public:
  void Add(const LogRecord& r) {
    absl::MutexLock lock(&mu_);
    values_.push_back(r.value ? std::string(*r.value) : "<null>");
  }
  std::vector<std::string> Get() const {
    absl::MutexLock lock(&mu_);
    return values_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> values_ ABSL_GUARDED_BY(mu_);
};

std::unique_ptr<KafkaLog> NewReader(const std::string& topic, Values* values,
                                    const std::string& isolation = "") {
  KafkaLog::Options options;
  options.topic = topic;
  options.consumer_settings = Settings("kafka-log-test-reader");
  if (!isolation.empty()) options.consumer_settings["isolation.level"] = isolation;
  options.on_record = [values](const LogRecord& r) { values->Add(r); };
  absl::StatusOr<std::unique_ptr<KafkaLog>> log = KafkaLog::Create(std::move(options));
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? *std::move(log) : nullptr;
}

void CreateTopic(const std::string& topic) {
  absl::StatusOr<std::unique_ptr<TopicAdmin>> admin =
      NewKafkaTopicAdmin(Settings("kafka-log-test"));
  ASSERT_TRUE(admin.ok());
  absl::StatusOr<TopicAdmin::Outcome> o =
      (*admin)->Create({topic, 1, 1, {{"cleanup.policy", "compact"}}}, absl::Seconds(30));
  ASSERT_TRUE(o.ok()) << o.status();
}

// A transactional producer, as a Java worker writing with exactly-once support would be.
class TransactionalProducer {
 public:
  explicit TransactionalProducer(const std::string& transactional_id) {
    ConfigMap settings = Settings("kafka-log-test-txn");
    settings["transactional.id"] = transactional_id;
    absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(settings);
    EXPECT_TRUE(conf.ok());
    absl::StatusOr<KafkaHandle> rk = NewClient(RD_KAFKA_PRODUCER, *conf);
    EXPECT_TRUE(rk.ok()) << rk.status();
    rk_ = *std::move(rk);
    Check(rd_kafka_init_transactions(rk_.get(), 30000));
  }

  void Begin() { Check(rd_kafka_begin_transaction(rk_.get())); }
  void Write(const std::string& topic, const std::string& key, const std::string& value) {
    ASSERT_EQ(Produce(rk_.get(), {.topic = topic.c_str(),
                                  .partition = 0,
                                  .key = key.data(),
                                  .key_size = key.size(),
                                  .value = value.data(),
                                  .value_size = value.size()}),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  // Sends what was written, without ending the transaction.
  void Flush() { ASSERT_EQ(rd_kafka_flush(rk_.get(), 30000), RD_KAFKA_RESP_ERR_NO_ERROR); }
  void Commit() { Check(rd_kafka_commit_transaction(rk_.get(), 30000)); }
  void Abort() { Check(rd_kafka_abort_transaction(rk_.get(), 30000)); }

 private:
  static void Check(rd_kafka_error_t* error) {
    if (error == nullptr) return;
    ADD_FAILURE() << rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
  }

  KafkaHandle rk_;
};

class KafkaLogRealBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Bootstrap().empty())
        << "SLUICE_TEST_KAFKA_BOOTSTRAP is not set: run tests/integration/test_internal_topics.py";
  }
};

TEST_F(KafkaLogRealBrokerTest, ReadsPastTransactionMarkersToTheEnd) {
  CreateTopic("log-txn");
  TransactionalProducer producer("log-txn-writer");
  producer.Begin();
  producer.Write("log-txn", "a", "committed-1");
  producer.Write("log-txn", "b", "committed-2");
  producer.Commit();
  producer.Begin();
  producer.Write("log-txn", "c", "aborted");
  producer.Flush();  // else aborting drops it before it is written
  producer.Abort();
  // The log's last offset now holds the abort marker, which no reader is handed.

  Values uncommitted;
  std::unique_ptr<KafkaLog> all = NewReader("log-txn", &uncommitted);
  ASSERT_TRUE(all->Start(absl::Seconds(20)).ok());
  // read_uncommitted (Java's default) hands over aborted records too, as Java's consumer does.
  EXPECT_THAT(uncommitted.Get(), ElementsAre("committed-1", "committed-2", "aborted"));

  Values committed;
  std::unique_ptr<KafkaLog> only_committed = NewReader("log-txn", &committed, "read_committed");
  ASSERT_TRUE(only_committed->Start(absl::Seconds(20)).ok());
  EXPECT_THAT(committed.Get(), ElementsAre("committed-1", "committed-2"));
  absl::Status s = only_committed->ReadToEnd(absl::Seconds(10));
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(KafkaLogRealBrokerTest, AReadCommittedLogWaitsForAnOpenTransactionAsJavaDoes) {
  CreateTopic("log-open-txn");
  Values committed;
  std::unique_ptr<KafkaLog> log = NewReader("log-open-txn", &committed, "read_committed");
  ASSERT_TRUE(log->Start(absl::Seconds(20)).ok());

  TransactionalProducer producer("log-open-txn-writer");
  producer.Begin();
  producer.Write("log-open-txn", "a", "pending");
  producer.Flush();
  // The end offset counts the open transaction's record, which a read_committed reader cannot
  // reach until the transaction ends: Java's readToEnd waits here too.
  absl::Status s = log->ReadToEnd(absl::Milliseconds(1500));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_TRUE(committed.Get().empty());

  producer.Commit();
  s = log->ReadToEnd(absl::Seconds(10));
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_THAT(committed.Get(), ElementsAre("pending"));
}

TEST_F(KafkaLogRealBrokerTest, WritesAndReadsBackOnARealBroker) {
  CreateTopic("log-plain");
  Values values;
  KafkaLog::Options options;
  options.topic = "log-plain";
  options.consumer_settings = Settings("kafka-log-test-reader");
  options.producer_settings = Settings("kafka-log-test-writer");
  options.on_record = [&values](const LogRecord& r) { values.Add(r); };
  absl::StatusOr<std::unique_ptr<KafkaLog>> log = KafkaLog::Create(std::move(options));
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Start(absl::Seconds(20)).ok());
  ASSERT_TRUE((*log)->Send("k1", "one", std::nullopt, [](const auto&) {}).ok());
  ASSERT_TRUE((*log)->Send("k1", std::nullopt, std::nullopt, [](const auto&) {}).ok());
  absl::Status s = (*log)->ReadToEnd(absl::Seconds(10));
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_THAT(values.Get(), ElementsAre("one", "<null>"));
}

TEST_F(KafkaLogRealBrokerTest, StartDoesNotCreateAMissingTopicAndSaysSoAsKafkaConnectDoes) {
  Values values;
  std::unique_ptr<KafkaLog> log = NewReader("log-never-created", &values);
  absl::Status s = log->Start(absl::Seconds(2));
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_EQ(s.message(),
            "Could not look up partition metadata for topic 'log-never-created' in the allotted "
            "period. This could indicate a connectivity issue, unavailable topic partitions, or "
            "if this is your first use of the topic it may have taken too long to create.");
}

}  // namespace
}  // namespace sluice::kafka
