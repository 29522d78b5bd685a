#include "server/config/connector_config.h"

#include <gtest/gtest.h>

namespace sluice::config {
namespace {

WorkerConfig Worker() { return WorkerConfig{}; }

TEST(ConnectorConfig, ParsesTheIssueExample) {
  ConfigMap raw = {
      {"name", "orders-sink"}, {"connector.class", "FileStreamSink"}, {"topics", "orders, ,x"},
      {"tasks.max", "4"}, {"file", "/data/orders.txt"},
      {"transforms", "unwrap,route,unwrap"},
      {"transforms.unwrap.type", "org.apache.kafka.connect.transforms.ExtractField$Value"},
      {"transforms.unwrap.field", "after"},
      {"transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"},
      {"transforms.route.predicate", "notTombstone"}, {"transforms.route.negate", "TRUE"},
      {"predicates", "notTombstone"},
      {"predicates.notTombstone.type",
       "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"},
      {"errors.tolerance", "ALL"}, {"errors.retry.timeout", "-1"},
      {"errors.deadletterqueue.topic.name", " orders-dlq "},
      {"errors.deadletterqueue.context.headers.enable", "true"},
      {"consumer.override.max.poll.records", "1000"}};
  absl::StatusOr<ConnectorConfig> c = ConnectorConfig::Parse(raw, ConnectorType::kSink, Worker());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name, "orders-sink");
  EXPECT_EQ(c->tasks_max, 4);
  EXPECT_EQ(c->topics, (std::vector<std::string>{"orders", "x"}));
  ASSERT_EQ(c->transforms.size(), 2u);  // a repeated alias counts once
  EXPECT_EQ(c->transforms[0].alias, "unwrap");
  EXPECT_EQ(c->transforms[0].config.at("field"), "after");
  EXPECT_EQ(c->transforms[0].config.at("type"),
            "org.apache.kafka.connect.transforms.ExtractField$Value");
  EXPECT_FALSE(c->transforms[0].predicate.has_value());
  EXPECT_EQ(c->transforms[1].predicate, "notTombstone");
  EXPECT_TRUE(c->transforms[1].negate);
  ASSERT_NE(c->FindPredicate("notTombstone"), nullptr);
  EXPECT_EQ(c->errors.tolerance, ErrorTolerance::kAll);
  EXPECT_EQ(c->errors.retry_timeout, absl::InfiniteDuration());
  EXPECT_EQ(c->errors.dlq_topic, "orders-dlq");
  EXPECT_TRUE(c->errors.dlq_context_headers);
  EXPECT_EQ(c->errors.dlq_replication_factor, 3);
  EXPECT_EQ(c->consumer_overrides.at("max.poll.records"), "1000");
  EXPECT_TRUE(c->topic_creation.empty());
}

TEST(ConnectorConfig, TopicCreationGroupsEndWithTheDefault) {
  ConfigMap raw = {{"name", "s"}, {"connector.class", "FileStreamSource"},
                   {"topic.creation.groups", "compacted,default"},
                   {"topic.creation.default.partitions", "3"},
                   {"topic.creation.default.replication.factor", "-1"},
                   {"topic.creation.default.compression.type", "lz4"},
                   {"topic.creation.compacted.include", "c-.*, d"},
                   {"topic.creation.compacted.cleanup.policy", "compact"}};
  absl::StatusOr<ConnectorConfig> c =
      ConnectorConfig::Parse(raw, ConnectorType::kSource, Worker());
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->topic_creation.size(), 2u);
  const TopicCreationGroup& g = c->topic_creation[0];
  EXPECT_EQ(g.name, "compacted");
  EXPECT_EQ(g.include, (std::vector<std::string>{"c-.*", "d"}));
  EXPECT_EQ(g.partitions, 3);  // from the default group
  EXPECT_EQ(g.topic_configs.at("cleanup.policy"), "compact");
  EXPECT_EQ(g.topic_configs.at("compression.type"), "lz4");
  EXPECT_EQ(c->topic_creation[1].name, "default");
  EXPECT_EQ(c->topic_creation[1].include, (std::vector<std::string>{".*"}));
  EXPECT_EQ(c->topic_creation[1].topic_configs.size(), 1u);

  WorkerConfig off;
  off.topic_creation_enable = false;
  c = ConnectorConfig::Parse(raw, ConnectorType::kSource, off);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->topic_creation.empty());
}

TEST(ConnectorConfig, BadValuesGiveKafkaMessages) {
  EXPECT_EQ(ConnectorConfig::Parse({{"tasks.max", "x"}}, ConnectorType::kSink, Worker())
                .status()
                .message(),
            "Invalid value x for configuration tasks.max: Not a number of type INT");
  EXPECT_EQ(ConnectorConfig::Parse({{"errors.tolerance", "some"}}, ConnectorType::kSink, Worker())
                .status()
                .message(),
            "Invalid value some for configuration errors.tolerance: String must be one of: none, "
            "all");
  EXPECT_EQ(ConnectorConfig::Parse({{"transforms", "a"}, {"transforms.a.negate", "maybe"}},
                                   ConnectorType::kSink, Worker())
                .status()
                .message(),
            "Invalid value maybe for configuration transforms.a.negate: Expected value to be "
            "either true or false");
}

}  // namespace
}  // namespace sluice::config
