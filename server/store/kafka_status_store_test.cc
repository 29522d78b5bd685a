#include "server/store/kafka_status_store.h"

#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/kafka_store_testing.h"

namespace sluice::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::TopicReader;
using testing::WaitFor;

InstanceStatus Status(State state, std::string worker, int32_t generation,
                      std::optional<std::string> trace = std::nullopt) {
  return InstanceStatus{.state = state,
                        .worker_id = std::move(worker),
                        .trace = std::move(trace),
                        .generation = generation};
}

// A status as text, to compare (InstanceStatus has no operator==).
std::string Show(const std::optional<InstanceStatus>& s) {
  if (!s.has_value()) return "<none>";
  return std::string(StateName(s->state)) + " by " + s->worker_id + " in " +
         std::to_string(s->generation) + (s->trace ? " trace " + *s->trace : "");
}
std::map<int, std::string> Show(const std::map<int, InstanceStatus>& tasks) {
  std::map<int, std::string> out;
  for (const auto& [task, status] : tasks) out[task] = Show(status);
  return out;
}

constexpr char kTopic[] = "connect-status";

class KafkaStatusStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(broker_.Start());
    options_ = broker_.Options(kTopic, 5);
  }

  std::unique_ptr<KafkaStatusStore> NewStore(const ConfigMap& producer_overrides = {}) {
    KafkaStoreOptions options = options_;
    for (const auto& [k, v] : producer_overrides) options.producer_settings[k] = v;
    auto store = std::make_unique<KafkaStatusStore>(KafkaStatusStore::Options{.kafka = options});
    absl::Status started = store->Start(absl::Seconds(10));
    EXPECT_TRUE(started.ok()) << started;
    return store;
  }

  // Waits for the store's writes, then reads the topic to its end with `reader`.
  static void Settle(KafkaStatusStore& writer, KafkaStatusStore& reader) {
    ASSERT_TRUE(writer.Flush(absl::Seconds(10)).ok());
    ASSERT_TRUE(reader.Refresh(absl::Seconds(10)).ok());
  }

  testing::StoreBroker broker_;
  KafkaStoreOptions options_;
};

TEST_F(KafkaStatusStoreTest, TwoStoresSeeEachOthersStatuses) {
  std::unique_ptr<KafkaStatusStore> a = NewStore();
  std::unique_ptr<KafkaStatusStore> b = NewStore();
  a->PutConnector("orders", Status(State::kRunning, "10.0.0.5:8083", 3));
  a->PutTask("orders", 0, Status(State::kFailed, "10.0.0.5:8083", 3, "java.lang.Oops"));
  a->PutTask("orders", 1, Status(State::kRunning, "10.0.0.5:8083", 3));
  Settle(*a, *b);

  EXPECT_EQ(Show(b->GetConnector("orders")), Show(Status(State::kRunning, "10.0.0.5:8083", 3)));
  EXPECT_EQ(Show(b->GetTask("orders", 0)),
            Show(Status(State::kFailed, "10.0.0.5:8083", 3, "java.lang.Oops")));
  EXPECT_EQ(Show(b->GetTasks("orders")),
            (std::map<int, std::string>{
                {0, Show(Status(State::kFailed, "10.0.0.5:8083", 3, "java.lang.Oops"))},
                {1, Show(Status(State::kRunning, "10.0.0.5:8083", 3))}}));
  EXPECT_THAT(b->Connectors(), ElementsAre("orders"));

  TopicReader reader(broker_.broker(), kTopic);
  EXPECT_THAT(reader.ValuesOf("status-task-orders-0"),
              ElementsAre(R"({"state":"FAILED","trace":"java.lang.Oops",)"
                          R"("worker_id":"10.0.0.5:8083","generation":3})"));
}

TEST_F(KafkaStatusStoreTest, PutSafeDoesNotReplaceAStatusOfAnotherWorkersLaterGeneration) {
  std::unique_ptr<KafkaStatusStore> a = NewStore();
  std::unique_ptr<KafkaStatusStore> b = NewStore();
  a->PutTask("orders", 0, Status(State::kRunning, "a:8083", 5));
  Settle(*a, *b);

  b->PutTaskSafe("orders", 0, Status(State::kUnassigned, "b:8083", 4));  // skipped
  Settle(*b, *b);
  EXPECT_EQ(Show(b->GetTask("orders", 0)), Show(Status(State::kRunning, "a:8083", 5)));

  b->PutTaskSafe("orders", 0, Status(State::kFailed, "b:8083", 5, "boom"));  // same generation
  Settle(*b, *a);
  EXPECT_EQ(Show(a->GetTask("orders", 0)), Show(Status(State::kFailed, "b:8083", 5, "boom")));

  TopicReader reader(broker_.broker(), kTopic);
  EXPECT_EQ(reader.ValuesOf("status-task-orders-0").size(), 2u);
}

TEST_F(KafkaStatusStoreTest, RemovingAConnectorTombstonesItsTasksThenItself) {
  std::unique_ptr<KafkaStatusStore> a = NewStore();
  a->PutConnector("orders", Status(State::kRunning, "a:8083", 1));
  a->PutTask("orders", 0, Status(State::kRunning, "a:8083", 1));
  a->PutTask("orders", 2, Status(State::kRunning, "a:8083", 1));
  Settle(*a, *a);

  a->RemoveConnector("orders");
  Settle(*a, *a);
  EXPECT_FALSE(a->GetConnector("orders").has_value());
  EXPECT_THAT(a->GetTasks("orders"), IsEmpty());

  TopicReader reader(broker_.broker(), kTopic);
  EXPECT_THAT(reader.ValuesOf("status-task-orders-0"),
              ElementsAre(::testing::Ne(std::nullopt), std::nullopt));
  EXPECT_THAT(reader.ValuesOf("status-task-orders-2"),
              ElementsAre(::testing::Ne(std::nullopt), std::nullopt));
  EXPECT_THAT(reader.ValuesOf("status-connector-orders"),
              ElementsAre(::testing::Ne(std::nullopt), std::nullopt));

  a->PutTask("orders", 1, Status(State::kRunning, "a:8083", 1));
  a->RemoveTask("orders", 1);
  Settle(*a, *a);
  EXPECT_FALSE(a->GetTask("orders", 1).has_value());
}

TEST_F(KafkaStatusStoreTest, ATopicIsWrittenOnceAndResetWithTombstones) {
  std::unique_ptr<KafkaStatusStore> a = NewStore();
  a->PutTopicStatus({.topic = "orders-in", .connector = "orders", .task = 2,
                     .discover_timestamp_ms = 1700000000000});
  Settle(*a, *a);
  a->PutTopic("orders", "orders-in", 0);  // already active: not written again
  a->PutTopic("orders", "orders-out", 0);
  Settle(*a, *a);
  EXPECT_THAT(a->GetTopics("orders"), ElementsAre("orders-in", "orders-out"));

  TopicReader reader(broker_.broker(), kTopic);
  EXPECT_THAT(reader.ValuesOf("status-topic-orders-in:connector-orders"),
              ElementsAre(R"({"topic":{"name":"orders-in","connector":"orders","task":2,)"
                          R"("discoverTimestamp":1700000000000}})"));

  a->RemoveTopics("orders");
  Settle(*a, *a);
  EXPECT_THAT(a->GetTopics("orders"), IsEmpty());
  EXPECT_THAT(reader.ValuesOf("status-topic-orders-in:connector-orders"),
              ElementsAre(::testing::Ne(std::nullopt), std::nullopt));
  EXPECT_THAT(reader.ValuesOf("status-topic-orders-out:connector-orders"),
              ElementsAre(::testing::Ne(std::nullopt), std::nullopt));
}

TEST_F(KafkaStatusStoreTest, RetriesAWriteThatFailedRetriably) {
  std::unique_ptr<KafkaStatusStore> a = NewStore();
  // The broker refuses the next two produce requests with a retriable error; the producer itself
  // does not retry (retries=0), the store does.
  rd_kafka_mock_push_request_errors(broker_.broker().cluster(), /*Produce=*/0, 2,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  a->PutConnector("orders", Status(State::kRunning, "a:8083", 1));
  ASSERT_TRUE(WaitFor([&] {
    return a->Refresh(absl::Seconds(5)).ok() && a->GetConnector("orders").has_value();
  })) << "the status never landed";
  EXPECT_EQ(a->send_counts().retried, 2);
  TopicReader reader(broker_.broker(), kTopic);
  EXPECT_EQ(reader.ValuesOf("status-connector-orders").size(), 1u);
}

TEST_F(KafkaStatusStoreTest, RetriesWhileTheBrokerIsDownButNotAStatusReplacedSince) {
  // Sends time out quickly while the broker is down, so that the store's retries show.
  std::unique_ptr<KafkaStatusStore> a = NewStore({{"message.timeout.ms", "300"}});
  std::unique_ptr<KafkaStatusStore> b = NewStore();
  rd_kafka_mock_cluster_t* cluster = broker_.broker().cluster();
  ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster, 1), RD_KAFKA_RESP_ERR_NO_ERROR);

  // A safe put replaced by a later put of the same task before it failed: not sent again.
  a->PutTaskSafe("orders", 0, Status(State::kUnassigned, "a:8083", 1));
  a->PutTask("orders", 0, Status(State::kRunning, "a:8083", 1));
  ASSERT_TRUE(WaitFor([&] {
    KafkaStatusStore::SendCounts c = a->send_counts();
    return c.dropped >= 1 && c.retried >= 2;
  })) << "retried " << a->send_counts().retried << ", dropped " << a->send_counts().dropped;
  EXPECT_EQ(a->send_counts().dropped, 1);

  ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_TRUE(WaitFor([&] {
    return b->Refresh(absl::Seconds(5)).ok() && b->GetTask("orders", 0).has_value();
  })) << "the status written while the broker was down never landed";
  EXPECT_EQ(Show(b->GetTask("orders", 0)), Show(Status(State::kRunning, "a:8083", 1)));
  ASSERT_TRUE(a->Flush(absl::Seconds(10)).ok());
  TopicReader reader(broker_.broker(), kTopic);
  EXPECT_THAT(reader.ValuesOf("status-task-orders-0"),
              ElementsAre(R"({"state":"RUNNING","trace":null,"worker_id":"a:8083",)"
                          R"("generation":1})"));
}

TEST_F(KafkaStatusStoreTest, DoesNotRetryAStatusOfAnEarlierGeneration) {
  std::unique_ptr<KafkaStatusStore> a = NewStore({{"message.timeout.ms", "300"}});
  rd_kafka_mock_cluster_t* cluster = broker_.broker().cluster();
  ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  a->PutConnector("old", Status(State::kRunning, "a:8083", 1));
  a->PutConnector("new", Status(State::kRunning, "a:8083", 2));  // the worker's generation moved
  ASSERT_TRUE(WaitFor([&] { return a->send_counts().dropped >= 1; }));
  ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_TRUE(WaitFor([&] {
    return a->Refresh(absl::Seconds(5)).ok() && a->GetConnector("new").has_value();
  }));
  EXPECT_FALSE(a->GetConnector("old").has_value());
  EXPECT_EQ(a->send_counts().dropped, 1);
}

}  // namespace
}  // namespace sluice::store
