#include "server/metrics/kafka_client_stats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::metrics {
namespace {

using ::testing::HasSubstr;

// A consumer's statistics as librdkafka 2.x writes them, cut down to what is read.
constexpr std::string_view kConsumerStats = R"({
  "name": "connector-consumer-sink-0#consumer-2", "client_id": "connector-consumer-sink-0",
  "type": "consumer", "ts": 1, "msg_cnt": 0, "msg_size": 0, "tx_bytes": 1234, "rx_bytes": 5678,
  "brokers": {
    "127.0.0.1:9092/bootstrap": {"name": "127.0.0.1:9092/bootstrap", "nodeid": -1, "state": "UP",
                                 "rtt": {"min": 0, "max": 0, "avg": 0, "p99": 0, "cnt": 0}},
    "localhost:9092/1": {"name": "localhost:9092/1", "nodeid": 1, "state": "UP",
                         "rtt": {"min": 100, "max": 900, "avg": 250, "p99": 800, "cnt": 12}},
    "GroupCoordinator": {"name": "GroupCoordinator", "nodeid": -1, "state": "INIT",
                         "rtt": {"cnt": 0}}
  },
  "topics": {
    "t-in": {"topic": "t-in", "partitions": {
      "0": {"partition": 0, "consumer_lag": 42},
      "1": {"partition": 1, "consumer_lag": -1},
      "-1": {"partition": -1, "consumer_lag": -1}}}
  }
})";

TEST(KafkaClientStatsTest, ReadsConnectionsBytesRoundTripsAndLag) {
  absl::StatusOr<KafkaClientStats> stats = ParseKafkaStatistics(kConsumerStats);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->client_id, "connector-consumer-sink-0");
  EXPECT_EQ(stats->type, "consumer");
  EXPECT_EQ(stats->connection_count, 2);
  EXPECT_EQ(stats->tx_bytes, 1234);
  EXPECT_EQ(stats->rx_bytes, 5678);
  ASSERT_EQ(stats->brokers.size(), 1u);
  EXPECT_EQ(stats->brokers[0].name, "localhost:9092/1");
  EXPECT_DOUBLE_EQ(stats->brokers[0].rtt_avg_seconds, 0.00025);
  EXPECT_DOUBLE_EQ(stats->brokers[0].rtt_p99_seconds, 0.0008);
  ASSERT_EQ(stats->lags.size(), 1u);
  EXPECT_EQ(stats->lags[0].topic, "t-in");
  EXPECT_EQ(stats->lags[0].partition, 0);
  EXPECT_EQ(stats->lags[0].lag, 42);
}

TEST(KafkaClientStatsTest, RendersUnderTheJavaClientsStrimziNames) {
  absl::StatusOr<KafkaClientStats> stats = ParseKafkaStatistics(kConsumerStats);
  ASSERT_TRUE(stats.ok());
  std::vector<MetricFamily> families;
  AddKafkaClientFamilies(*stats, families);
  const std::string text = Render(families, Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("# HELP kafka_consumer_connection_count Kafka consumer JMX metric "
                              "type consumer\n# TYPE kafka_consumer_connection_count gauge\n"
                              "kafka_consumer_connection_count{clientid=\"connector-consumer-"
                              "sink-0\"} 2.0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE kafka_consumer_incoming_byte_total counter\n"
                              "kafka_consumer_incoming_byte_total{clientid=\"connector-consumer-"
                              "sink-0\"} 5678.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_consumer_fetch_manager_records_lag{clientid=\"connector-"
                              "consumer-sink-0\",partition=\"0\",topic=\"t-in\"} 42.0\n"));
  EXPECT_THAT(text, HasSubstr("sluice_kafka_broker_rtt_p99_seconds{broker=\"localhost:9092/1\","
                              "clientid=\"connector-consumer-sink-0\"} 8.0E-4\n"));
}

TEST(KafkaClientStatsTest, RefusesWhatIsNotJson) {
  EXPECT_FALSE(ParseKafkaStatistics("{not json").ok());
}

}  // namespace
}  // namespace sluice::metrics
