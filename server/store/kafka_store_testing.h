// Test-only: the embedded broker set up for the Kafka-backed stores' tests, and a plain reader
// of a topic's records, to assert the bytes the stores wrote.
//
// Thread-safe where noted.
#ifndef SLUICE_SERVER_STORE_KAFKA_STORE_TESTING_H_
#define SLUICE_SERVER_STORE_KAFKA_STORE_TESTING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/kafka/embedded_broker.h"
#include "server/kafka/kafka_log.h"
#include "server/store/kafka_store_options.h"

namespace sluice::store::testing {

// One record as read, owned.
struct ReadRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;

  bool operator==(const ReadRecord& o) const {
    return partition == o.partition && offset == o.offset && key == o.key && value == o.value;
  }
};

inline std::ostream& operator<<(std::ostream& os, const ReadRecord& r) {
  return os << "{p" << r.partition << "@" << r.offset << " " << r.key.value_or("<null>") << " = "
            << r.value.value_or("<null>") << "}";
}

// Waits until `condition` holds, polling every few milliseconds; false at the deadline.
inline bool WaitFor(const std::function<bool()>& condition,
                    absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

class StoreBroker {
 public:
  // Starts the embedded broker. ASSERTs on failure.
  void Start() {
    absl::StatusOr<std::unique_ptr<kafka::EmbeddedBroker>> broker =
        kafka::EmbeddedBroker::Start({});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
  }

  kafka::EmbeddedBroker& broker() { return *broker_; }

  // Options for a store on `topic` (created here with `partitions`, since the mock answers no
  // admin calls). The embedded broker answers an empty fetch only after fetch.wait.max.ms, so
  // the readers wait less than the default (see kafka_log_test.cc).
  KafkaStoreOptions Options(const std::string& topic, int partitions) {
    EXPECT_TRUE(broker_->CreateTopic(topic, partitions).ok());
    KafkaStoreOptions options;
    options.topic = topic;
    options.client_id_base = "connect-cluster-";
    // Tests that take the broker down and up want the clients back soon, not after
    // librdkafka's reconnect backoff has grown to its 10 s maximum.
    options.consumer_settings = {{"bootstrap.servers", broker_->bootstrap_servers()},
                                 {"fetch.wait.max.ms", "20"},
                                 {"reconnect.backoff.max.ms", "200"}};
    options.producer_settings = {{"bootstrap.servers", broker_->bootstrap_servers()},
                                 {"reconnect.backoff.max.ms", "200"}};
    return options;
  }

 private:
  std::unique_ptr<kafka::EmbeddedBroker> broker_;
};

// Every record of a topic, read with a plain KafkaLog. Thread-safe.
class TopicReader {
 public:
  TopicReader(kafka::EmbeddedBroker& broker, const std::string& topic) {
    kafka::KafkaLog::Options options;
    options.topic = topic;
    options.consumer_settings = {{"bootstrap.servers", broker.bootstrap_servers()},
                                 {"client.id", "test-topic-reader"},
                                 {"fetch.wait.max.ms", "20"}};
    options.on_record = [this](const kafka::LogRecord& r) {
      ReadRecord rec{r.partition, r.offset, std::nullopt, std::nullopt};
      if (r.key) rec.key = std::string(*r.key);
      if (r.value) rec.value = std::string(*r.value);
      absl::MutexLock lock(&mu_);
      records_.push_back(std::move(rec));
    };
    absl::StatusOr<std::unique_ptr<kafka::KafkaLog>> log = kafka::KafkaLog::Create(options);
    EXPECT_TRUE(log.ok()) << log.status();
    if (!log.ok()) return;
    log_ = *std::move(log);
    absl::Status started = log_->Start(absl::Seconds(10));
    EXPECT_TRUE(started.ok()) << started;
  }

  // Every record written so far, in the order read.
  std::vector<ReadRecord> ReadAll() {
    if (log_ == nullptr) return {};
    absl::Status s = log_->ReadToEnd(absl::Seconds(10));
    EXPECT_TRUE(s.ok()) << s;
    absl::MutexLock lock(&mu_);
    return records_;
  }

  // The records with `key`, in the order read (tombstones as nullopt values).
  std::vector<std::optional<std::string>> ValuesOf(const std::string& key) {
    std::vector<std::optional<std::string>> out;
    for (const ReadRecord& r : ReadAll()) {
      if (r.key == key) out.push_back(r.value);
    }
    return out;
  }

 private:
  std::unique_ptr<kafka::KafkaLog> log_;
  absl::Mutex mu_;
  std::vector<ReadRecord> records_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::store::testing

#endif  // SLUICE_SERVER_STORE_KAFKA_STORE_TESTING_H_
