// EnsureInternalTopic against a real Kafka broker (the embedded one answers neither CreateTopics
// nor DescribeConfigs): tests/integration/test_internal_topics.py starts one with tools/kafka
// and runs this binary with SLUICE_TEST_KAFKA_BOOTSTRAP naming it. Without it the tests fail,
// rather than pass without a broker.
//
// The expected messages were printed by Kafka Connect 3.9.1's own TopicAdmin
// (verifyTopicCleanupPolicyOnlyCompact, createTopicsWithRetry) run by a throwaway Java program
// on topics of the same names and settings against a tools/kafka broker; the config topic's
// partition message is KafkaConfigBackingStore's format with these arguments.
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/convert/connect_exception.h"
#include "server/kafka/client.h"
#include "server/kafka/internal_topics.h"
#include "server/kafka/topic_admin.h"

namespace sluice::kafka {
namespace {

std::string Bootstrap() {
  const char* v = std::getenv("SLUICE_TEST_KAFKA_BOOTSTRAP");
  return v == nullptr ? "" : v;
}

ConfigMap AdminSettings() {
  return {{"bootstrap.servers", Bootstrap()}, {"client.id", "internal-topics-test"}};
}

constexpr absl::Duration kTimeout = absl::Seconds(30);

// A topic's config values, as the broker describes them (once)
std::map<std::string, std::string> DescribeTopicOnce(const std::string& topic) {
  std::map<std::string, std::string> out;
  absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(AdminSettings());
  if (!conf.ok()) return out;
  absl::StatusOr<KafkaHandle> rk = NewClient(RD_KAFKA_PRODUCER, *conf);
  if (!rk.ok()) return out;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk->get());
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_DescribeConfigs(rk->get(), &resource, 1, nullptr, queue);
  if (rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 30000)) {
    size_t count = 0;
    const rd_kafka_ConfigResource_t** resources = rd_kafka_DescribeConfigs_result_resources(
        rd_kafka_event_DescribeConfigs_result(event), &count);
    for (size_t r = 0; r < count; ++r) {
      size_t entries = 0;
      const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(resources[r],
                                                                               &entries);
      for (size_t i = 0; i < entries; ++i) {
        const char* value = rd_kafka_ConfigEntry_value(configs[i]);
        out[rd_kafka_ConfigEntry_name(configs[i])] = value == nullptr ? "<null>" : value;
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_ConfigResource_destroy(resource);
  rd_kafka_queue_destroy(queue);
  return out;
}

// A topic created a moment ago may not show yet in every answer of a KRaft broker: the helpers
// ask again, for a while, until it does.
template <typename Ask, typename Shown>
auto AskUntilShown(Ask ask, Shown shown) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  auto answer = ask();
  while (!shown(answer) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
    answer = ask();
  }
  return answer;
}

std::map<std::string, std::string> DescribeTopic(const std::string& topic) {
  return AskUntilShown([&] { return DescribeTopicOnce(topic); },
                       [](const auto& configs) { return !configs.empty(); });
}

int PartitionsOnce(const std::string& topic) {
  absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(AdminSettings());
  if (!conf.ok()) return -1;
  absl::StatusOr<KafkaHandle> rk = NewClient(RD_KAFKA_PRODUCER, *conf);
  if (!rk.ok()) return -1;
  rd_kafka_topic_t* handle = rd_kafka_topic_new(rk->get(), topic.c_str(), nullptr);
  const struct rd_kafka_metadata* metadata = nullptr;
  int partitions = -1;
  if (rd_kafka_metadata(rk->get(), 0, handle, &metadata, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      partitions = metadata->topics[0].partition_cnt;
    }
    rd_kafka_metadata_destroy(metadata);
  }
  rd_kafka_topic_destroy(handle);
  return partitions;
}

int PartitionsOf(const std::string& topic) {
  return AskUntilShown([&] { return PartitionsOnce(topic); }, [](int n) { return n > 0; });
}

// Creates `topic` as a user might have, outside Sluice.
void CreateByHand(const std::string& topic, int partitions, const std::string& cleanup_policy) {
  absl::StatusOr<std::unique_ptr<TopicAdmin>> admin = NewKafkaTopicAdmin(AdminSettings());
  ASSERT_TRUE(admin.ok());
  absl::StatusOr<TopicAdmin::Outcome> created =
      (*admin)->Create({topic, partitions, 1, {{"cleanup.policy", cleanup_policy}}}, kTimeout);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(*created, TopicAdmin::Outcome::kCreated);
  // Known to the broker's every answer before the test goes on.
  ASSERT_EQ(DescribeTopic(topic)["cleanup.policy"], cleanup_policy);
  ASSERT_EQ(PartitionsOf(topic), partitions);
}

class InternalTopicsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Bootstrap().empty())
        << "SLUICE_TEST_KAFKA_BOOTSTRAP is not set: run tests/integration/test_internal_topics.py";
  }
};

TEST_F(InternalTopicsTest, CreatesAMissingTopicCompactedWithTheWorkersTopicSettings) {
  absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
      AdminSettings(), InternalTopic::kOffsets,
      {.name = "it-offsets",
       .partitions = 3,
       .replication_factor = 1,
       .settings = {{"segment.bytes", "1048576"}, {"cleanup.policy", "delete"}}},
      kTimeout);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(*o, TopicAdmin::Outcome::kCreated);
  EXPECT_EQ(PartitionsOf("it-offsets"), 3);
  std::map<std::string, std::string> configs = DescribeTopic("it-offsets");
  EXPECT_EQ(configs["cleanup.policy"], "compact");
  EXPECT_EQ(configs["segment.bytes"], "1048576");

  // Found the second time, and accepted: it is compacted only.
  o = EnsureInternalTopic(AdminSettings(), InternalTopic::kOffsets,
                          {.name = "it-offsets", .partitions = 3, .replication_factor = 1},
                          kTimeout);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(*o, TopicAdmin::Outcome::kExisted);
}

TEST_F(InternalTopicsTest, CreatesTheConfigTopicWithOnePartitionWhateverItIsGiven) {
  absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
      AdminSettings(), InternalTopic::kConfig,
      {.name = "it-configs", .partitions = 5, .replication_factor = 1}, kTimeout);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(*o, TopicAdmin::Outcome::kCreated);
  EXPECT_EQ(PartitionsOf("it-configs"), 1);
  EXPECT_EQ(DescribeTopic("it-configs")["cleanup.policy"], "compact");
  o = EnsureInternalTopic(AdminSettings(), InternalTopic::kConfig,
                          {.name = "it-configs", .partitions = 5, .replication_factor = 1},
                          kTimeout);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(*o, TopicAdmin::Outcome::kExisted);
}

TEST_F(InternalTopicsTest, MinusOneTakesTheBrokersDefaults) {
  // The test broker has num.partitions=1 and default.replication.factor=1.
  absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
      AdminSettings(), InternalTopic::kStatus,
      {.name = "it-status-defaults", .partitions = -1, .replication_factor = -1}, kTimeout);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(*o, TopicAdmin::Outcome::kCreated);
  EXPECT_EQ(PartitionsOf("it-status-defaults"), 1);
  EXPECT_EQ(DescribeTopic("it-status-defaults")["cleanup.policy"], "compact");
}

TEST_F(InternalTopicsTest, WorkersCreatingTheSameTopicAtOnceAllSucceed) {
  std::vector<absl::StatusOr<TopicAdmin::Outcome>> outcomes(4, absl::UnknownError("not run"));
  std::vector<std::thread> workers;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    workers.emplace_back([&outcomes, i] {
      outcomes[i] = EnsureInternalTopic(
          AdminSettings(), InternalTopic::kStatus,
          {.name = "it-status-race", .partitions = 5, .replication_factor = 1}, kTimeout);
    });
  }
  for (std::thread& t : workers) t.join();
  int created = 0;
  for (const absl::StatusOr<TopicAdmin::Outcome>& o : outcomes) {
    ASSERT_TRUE(o.ok()) << o.status();
    if (*o == TopicAdmin::Outcome::kCreated) ++created;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(PartitionsOf("it-status-race"), 5);
}

TEST_F(InternalTopicsTest, RefusesAnExistingDeleteTopicWithKafkaConnectsMessage) {
  CreateByHand("it-delete", 1, "delete");
  const std::map<InternalTopic, std::string> expected = {
      {InternalTopic::kConfig,
       "Topic 'it-delete' supplied via the 'config.storage.topic' property is required to have "
       "'cleanup.policy=compact' to guarantee consistency and durability of connector "
       "configurations, but found the topic currently has 'cleanup.policy=delete'. Continuing "
       "would likely result in eventually losing connector configurations and problems "
       "restarting this Connect cluster in the future. Change the 'config.storage.topic' "
       "property in the Connect worker configurations to use a topic with "
       "'cleanup.policy=compact'."},
      {InternalTopic::kOffsets,
       "Topic 'it-delete' supplied via the 'offset.storage.topic' property is required to have "
       "'cleanup.policy=compact' to guarantee consistency and durability of source connector "
       "offsets, but found the topic currently has 'cleanup.policy=delete'. Continuing would "
       "likely result in eventually losing source connector offsets and problems restarting "
       "this Connect cluster in the future. Change the 'offset.storage.topic' property in the "
       "Connect worker configurations to use a topic with 'cleanup.policy=compact'."},
      {InternalTopic::kStatus,
       "Topic 'it-delete' supplied via the 'status.storage.topic' property is required to have "
       "'cleanup.policy=compact' to guarantee consistency and durability of connector and task "
       "statuses, but found the topic currently has 'cleanup.policy=delete'. Continuing would "
       "likely result in eventually losing connector and task statuses and problems restarting "
       "this Connect cluster in the future. Change the 'status.storage.topic' property in the "
       "Connect worker configurations to use a topic with 'cleanup.policy=compact'."}};
  for (const auto& [kind, message] : expected) {
    absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
        AdminSettings(), kind, {.name = "it-delete", .partitions = 1, .replication_factor = 1},
        kTimeout);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(o.status().message(), message);
    EXPECT_EQ(convert::JavaExceptionClass(o.status()), convert::kConfigExceptionClass);
  }
  // It was left as it was.
  EXPECT_EQ(DescribeTopic("it-delete")["cleanup.policy"], "delete");
}

TEST_F(InternalTopicsTest, RefusesCompactAndDeleteInEitherOrderWithJavasOrderInTheMessage) {
  CreateByHand("it-compact-delete", 1, "compact,delete");
  CreateByHand("it-delete-compact", 1, "delete,compact");
  absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
      AdminSettings(), InternalTopic::kOffsets,
      {.name = "it-compact-delete", .partitions = 1, .replication_factor = 1}, kTimeout);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(o.status().message(),
            "Topic 'it-compact-delete' supplied via the 'offset.storage.topic' property is "
            "required to have 'cleanup.policy=compact' to guarantee consistency and durability "
            "of source connector offsets, but found the topic currently has "
            "'cleanup.policy=compact,delete'. Continuing would likely result in eventually "
            "losing source connector offsets and problems restarting this Connect cluster in the "
            "future. Change the 'offset.storage.topic' property in the Connect worker "
            "configurations to use a topic with 'cleanup.policy=compact'.");

  // The broker keeps "delete,compact" as written; Kafka Connect's message prints the policies
  // in the order of the Java HashSet it collects them in.
  o = EnsureInternalTopic(AdminSettings(), InternalTopic::kConfig,
                          {.name = "it-delete-compact", .replication_factor = 1}, kTimeout);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(),
            "Topic 'it-delete-compact' supplied via the 'config.storage.topic' property is "
            "required to have 'cleanup.policy=compact' to guarantee consistency and durability "
            "of connector configurations, but found the topic currently has "
            "'cleanup.policy=compact,delete'. Continuing would likely result in eventually "
            "losing connector configurations and problems restarting this Connect cluster in the "
            "future. Change the 'config.storage.topic' property in the Connect worker "
            "configurations to use a topic with 'cleanup.policy=compact'.");
  EXPECT_EQ(convert::JavaExceptionClass(o.status()), convert::kConfigExceptionClass);
}

TEST_F(InternalTopicsTest, RefusesAConfigTopicWithTwoPartitions) {
  CreateByHand("it-config-two", 2, "compact");
  absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
      AdminSettings(), InternalTopic::kConfig,
      {.name = "it-config-two", .partitions = 1, .replication_factor = 1}, kTimeout);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(o.status().message(),
            "Topic 'it-config-two' supplied via the 'config.storage.topic' property is required "
            "to have a single partition in order to guarantee consistency of connector "
            "configurations, but found 2 partitions.");
  EXPECT_EQ(convert::JavaExceptionClass(o.status()), convert::kConfigExceptionClass);
  // Two partitions are fine for the other topics.
  o = EnsureInternalTopic(AdminSettings(), InternalTopic::kStatus,
                          {.name = "it-config-two", .partitions = 1, .replication_factor = 1},
                          kTimeout);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(*o, TopicAdmin::Outcome::kExisted);
}

TEST_F(InternalTopicsTest, RefusesTopicSettingsTheBrokerRejectsWithKafkaConnectsMessage) {
  absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
      AdminSettings(), InternalTopic::kStatus,
      {.name = "it-bad-value", .partitions = 1, .replication_factor = 1,
       .settings = {{"segment.bytes", "abc"}}},
      kTimeout);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(o.status().message(),
            "Unable to create topic(s) 'it-bad-value': Invalid value abc for configuration "
            "segment.bytes: Not a number of type INT");
  EXPECT_EQ(convert::JavaExceptionClass(o.status()), convert::kConnectExceptionClass);
  EXPECT_EQ(convert::JavaExceptionCause(o.status()),
            "org.apache.kafka.common.errors.InvalidConfigurationException: Invalid value abc for "
            "configuration segment.bytes: Not a number of type INT");

  o = EnsureInternalTopic(AdminSettings(), InternalTopic::kStatus,
                          {.name = "it-unknown-config", .partitions = 1,
                           .replication_factor = 1, .settings = {{"no.such.config", "1"}}},
                          kTimeout);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(),
            "Unable to create topic(s) 'it-unknown-config': Unknown topic config name: "
            "no.such.config");
}

TEST_F(InternalTopicsTest, RetriesAnUnreachableReplicationFactorUntilItsTimeout) {
  // A back-off longer than the timeout makes the deadline pass between two attempts, where
  // Kafka Connect gives up with Kafka's TimeoutException.
  ConfigMap settings = AdminSettings();
  settings["retry.backoff.ms"] = "5000";
  const absl::Time before = absl::Now();
  absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
      settings, InternalTopic::kStatus,
      {.name = "it-rf3", .partitions = 1, .replication_factor = 3}, absl::Seconds(1));
  const absl::Duration took = absl::Now() - before;
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), absl::StatusCode::kDeadlineExceeded) << o.status();
  EXPECT_EQ(o.status().message(), "Timeout expired while trying to create topic(s)");
  EXPECT_EQ(convert::JavaExceptionClass(o.status()),
            "org.apache.kafka.common.errors.TimeoutException");
  EXPECT_GE(took, absl::Seconds(1));
  EXPECT_LT(took, absl::Seconds(5));
}

}  // namespace
}  // namespace sluice::kafka
