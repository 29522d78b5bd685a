#include "server/kafka/internal_topics.h"

#include "gtest/gtest.h"

namespace sluice::kafka {
namespace {

TEST(InternalTopics, NamesTheWorkerSettingAndPurposeAsKafkaConnectsMessagesDo) {
  EXPECT_EQ(TopicSettingName(InternalTopic::kConfig), "config.storage.topic");
  EXPECT_EQ(TopicSettingName(InternalTopic::kOffsets), "offset.storage.topic");
  EXPECT_EQ(TopicSettingName(InternalTopic::kStatus), "status.storage.topic");
  // KafkaConfigBackingStore, KafkaOffsetBackingStore, KafkaStatusBackingStore.getTopicPurpose().
  EXPECT_EQ(TopicPurpose(InternalTopic::kConfig), "connector configurations");
  EXPECT_EQ(TopicPurpose(InternalTopic::kOffsets), "source connector offsets");
  EXPECT_EQ(TopicPurpose(InternalTopic::kStatus), "connector and task statuses");
}

TEST(InternalTopics, TopicSettingsAreTheWorkersPrefixedSettingsLessItsOwn) {
  const ConfigMap worker = {
      {"config.storage.topic", "connect-configs"},
      {"config.storage.replication.factor", "3"},
      {"config.storage.partitions", "4"},
      {"config.storage.cleanup.policy", "delete"},
      {"config.storage.min.insync.replicas", "2"},
      {"offset.storage.topic", "connect-offsets"},
      {"offset.storage.partitions", "25"},
      {"offset.storage.segment.bytes", "1048576"},
      {"offset.storage.file.filename", "/tmp/x"},
      {"status.storage.topic", "connect-status"},
      {"status.storage.retention.ms", "-1"},
      {"group.id", "connect-cluster"},
  };
  EXPECT_EQ(InternalTopicSettings(worker, InternalTopic::kConfig),
            (ConfigMap{{"min.insync.replicas", "2"}}));
  // Kafka Connect passes on whatever follows the prefix, even a standalone worker's key.
  EXPECT_EQ(InternalTopicSettings(worker, InternalTopic::kOffsets),
            (ConfigMap{{"file.filename", "/tmp/x"}, {"segment.bytes", "1048576"}}));
  EXPECT_EQ(InternalTopicSettings(worker, InternalTopic::kStatus),
            (ConfigMap{{"retention.ms", "-1"}}));
}

}  // namespace
}  // namespace sluice::kafka
