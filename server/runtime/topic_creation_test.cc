#include "server/runtime/topic_creation.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace sluice::runtime {
namespace {

std::vector<config::TopicCreationGroup> Groups() {
  config::TopicCreationGroup compacted;
  compacted.name = "compacted";
  compacted.include = {"orders-.*", "audit"};
  compacted.exclude = {"orders-tmp.*"};
  compacted.partitions = 6;
  compacted.replication_factor = 3;
  compacted.topic_configs = {{"cleanup.policy", "compact"}};
  config::TopicCreationGroup def;
  def.name = "default";
  def.include = {".*"};
  def.partitions = 1;
  def.replication_factor = -1;
  return {compacted, def};
}

TEST(TopicCreation, TheFirstMatchingGroupDecidesAndExclusionWins) {
  absl::StatusOr<TopicCreation> t = TopicCreation::Create(Groups());
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->enabled());
  EXPECT_EQ(t->GroupFor("orders-eu").name, "compacted");
  EXPECT_EQ(t->GroupFor("audit").name, "compacted");
  EXPECT_EQ(t->GroupFor("orders-tmp-1").name, "default");
  EXPECT_EQ(t->GroupFor("audit-log").name, "default");  // regexes match the whole name
  kafka::NewTopic n = t->NewTopicFor("orders-eu");
  EXPECT_EQ(n.partitions, 6);
  EXPECT_EQ(n.replication_factor, 3);
  EXPECT_EQ(n.configs.at("cleanup.policy"), "compact");
  EXPECT_EQ(DescribeNewTopic(n),
            "(name=orders-eu, numPartitions=6, replicationFactor=3, replicasAssignments=null, "
            "configs={cleanup.policy=compact})");
  EXPECT_EQ(DescribeNewTopic(t->NewTopicFor("x")),
            "(name=x, numPartitions=1, replicationFactor=default, replicasAssignments=null, "
            "configs={})");
}

TEST(TopicCreation, OffWithoutGroupsAndRefusesBadRegexes) {
  absl::StatusOr<TopicCreation> off = TopicCreation::Create({});
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->enabled());
  std::vector<config::TopicCreationGroup> bad = Groups();
  bad[0].include = {"(unclosed"};
  absl::StatusOr<TopicCreation> t = TopicCreation::Create(bad);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(t.status().message(),
                               "Invalid value (unclosed for configuration "
                               "topic.creation.compacted.include: Unclosed group"))
      << t.status();
}

}  // namespace
}  // namespace sluice::runtime
