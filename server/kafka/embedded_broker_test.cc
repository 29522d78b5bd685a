#include "server/kafka/embedded_broker.h"

#include <cstring>

#include "gtest/gtest.h"
#include "server/kafka/client.h"

namespace sluice::kafka {
namespace {

TEST(EmbeddedBroker, ServesProduceAndFetchOnAnEnsuredSinglePartitionTopic) {
  absl::StatusOr<std::unique_ptr<EmbeddedBroker>> broker = EmbeddedBroker::Start({});
  ASSERT_TRUE(broker.ok()) << broker.status();
  ASSERT_TRUE((*broker)->EnsureTopic("t").ok());
  // Ensuring again is fine.
  ASSERT_TRUE((*broker)->EnsureTopic("t").ok());

  absl::StatusOr<rd_kafka_conf_t*> pconf =
      NewConf({{"bootstrap.servers", (*broker)->bootstrap_servers()}});
  ASSERT_TRUE(pconf.ok());
  absl::StatusOr<KafkaHandle> producer = NewClient(RD_KAFKA_PRODUCER, *pconf);
  ASSERT_TRUE(producer.ok()) << producer.status();
  for (int i = 0; i < 3; ++i) {
    std::string v = "v" + std::to_string(i);
    ASSERT_EQ(Produce(producer->get(), {.topic = "t", .value = v.data(), .value_size = v.size()}),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(producer->get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);

  const struct rd_kafka_metadata* md = nullptr;
  rd_kafka_topic_t* topic = rd_kafka_topic_new(producer->get(), "t", nullptr);
  ASSERT_EQ(rd_kafka_metadata(producer->get(), 0, topic, &md, 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(md->topic_cnt, 1);
  EXPECT_EQ(md->topics[0].partition_cnt, 1);
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(topic);

  absl::StatusOr<rd_kafka_conf_t*> cconf =
      NewConf({{"bootstrap.servers", (*broker)->bootstrap_servers()}, {"group.id", "g"},
               {"auto.offset.reset", "earliest"}});
  ASSERT_TRUE(cconf.ok());
  absl::StatusOr<KafkaHandle> consumer = NewClient(RD_KAFKA_CONSUMER, *cconf);
  ASSERT_TRUE(consumer.ok());
  rd_kafka_poll_set_consumer(consumer->get());
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, "t", 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  ASSERT_EQ(rd_kafka_assign(consumer->get(), parts), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<std::string> got;
  for (int attempts = 0; attempts < 100 && got.size() < 3; ++attempts) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer->get(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      got.emplace_back(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"v0", "v1", "v2"}));
  rd_kafka_consumer_close(consumer->get());
}

TEST(FetchClusterId, AnswersUnavailableWhenNoBrokerListens) {
  absl::StatusOr<std::string> id = FetchClusterId("127.0.0.1:1", absl::Milliseconds(300));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(id.status().message().find("Could not reach Kafka at 127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace sluice::kafka
