#include "server/kafka/consumer_groups.h"

#include <map>

#include "gtest/gtest.h"
#include "server/kafka/client.h"
#include "server/kafka/embedded_broker.h"

namespace sluice::kafka {
namespace {

constexpr absl::Duration kTimeout = absl::Seconds(30);

class ConsumerGroupsOnEmbeddedBroker : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<EmbeddedBroker>> broker = EmbeddedBroker::Start({});
    ASSERT_TRUE(broker.ok()) << broker.status();
    broker_ = *std::move(broker);
    ASSERT_TRUE(broker_->EnsureTopic("t", 2).ok());
    settings_ = {{"bootstrap.servers", broker_->bootstrap_servers()}};
  }

  // A consumer that joins `group` subscribed to "t" and polls until it has an assignment.
  KafkaHandle JoinedMember(const std::string& group) {
    absl::StatusOr<rd_kafka_conf_t*> conf =
        NewConf({{"bootstrap.servers", broker_->bootstrap_servers()},
                 {"group.id", group},
                 {"session.timeout.ms", "6000"},
                 {"enable.auto.commit", "false"},
                 {"log_level", "3"}});
    EXPECT_TRUE(conf.ok());
    absl::StatusOr<KafkaHandle> rk = NewClient(RD_KAFKA_CONSUMER, *conf);
    EXPECT_TRUE(rk.ok());
    rd_kafka_poll_set_consumer(rk->get());
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, "t", RD_KAFKA_PARTITION_UA);
    EXPECT_EQ(rd_kafka_subscribe(rk->get(), topics), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(topics);
    const absl::Time deadline = absl::Now() + kTimeout;
    while (absl::Now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk->get(), 100);
      if (m != nullptr) rd_kafka_message_destroy(m);
      rd_kafka_topic_partition_list_t* assigned = nullptr;
      rd_kafka_assignment(rk->get(), &assigned);
      const int count = assigned->cnt;
      rd_kafka_topic_partition_list_destroy(assigned);
      if (count > 0) break;
    }
    return *std::move(rk);
  }

  std::unique_ptr<EmbeddedBroker> broker_;
  ConfigMap settings_;
};

TEST_F(ConsumerGroupsOnEmbeddedBroker, RefusesOutsideCommitsOnceAGroupExistedButAcceptsAMembers) {
  // A group the broker has never seen takes a commit from outside.
  ASSERT_TRUE(AlterConsumerGroupOffsets(settings_, "fresh", {{"t", 0, 3}}, kTimeout).ok());
  absl::StatusOr<std::vector<CommittedOffset>> fresh =
      FetchCommittedOffsets(broker_->bootstrap_servers(), "fresh", {"t"}, kTimeout);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ASSERT_EQ(fresh->size(), 1u);
  EXPECT_EQ((*fresh)[0].offset, 3);

  // Once a member has been in the group, even after it left, only a member may commit.
  {
    KafkaHandle member = JoinedMember("g");
    rd_kafka_consumer_close(member.get());
  }
  absl::Status outside = AlterConsumerGroupOffsets(settings_, "g", {{"t", 0, 5}}, kTimeout);
  EXPECT_EQ(outside.code(), absl::StatusCode::kFailedPrecondition) << outside;

  absl::Status as_member =
      CommitOffsetsAsMember(settings_, "g", {{"t", 0, 5}, {"t", 1, 7}}, kTimeout);
  ASSERT_TRUE(as_member.ok()) << as_member;
  absl::StatusOr<std::vector<CommittedOffset>> committed =
      FetchCommittedOffsets(broker_->bootstrap_servers(), "g", {"t"}, kTimeout);
  ASSERT_TRUE(committed.ok()) << committed.status();
  ASSERT_EQ(committed->size(), 2u);
  EXPECT_EQ((*committed)[0].partition, 0);
  EXPECT_EQ((*committed)[0].offset, 5);
  EXPECT_EQ((*committed)[1].partition, 1);
  EXPECT_EQ((*committed)[1].offset, 7);
}

TEST_F(ConsumerGroupsOnEmbeddedBroker, MemberCommitFailsWhileAnotherMemberHoldsPartitions) {
  KafkaHandle member = JoinedMember("busy");
  // The other member stays in the group: it polls on this thread only when we are done, but
  // its session (6 s) outlasts the short timeout.
  absl::Status s =
      CommitOffsetsAsMember(settings_, "busy", {{"t", 0, 1}, {"t", 1, 1}}, absl::Seconds(5));
  EXPECT_TRUE(s.code() == absl::StatusCode::kFailedPrecondition ||
              s.code() == absl::StatusCode::kDeadlineExceeded)
      << s;
  absl::StatusOr<std::vector<CommittedOffset>> committed =
      FetchCommittedOffsets(broker_->bootstrap_servers(), "busy", {"t"}, kTimeout);
  ASSERT_TRUE(committed.ok());
  EXPECT_TRUE(committed->empty());
  rd_kafka_consumer_close(member.get());
}

TEST_F(ConsumerGroupsOnEmbeddedBroker, FetchCommittedOffsetsFollowsATopicsRegex) {
  ASSERT_TRUE(broker_->EnsureTopic("orders-eu", 1).ok());
  ASSERT_TRUE(broker_->EnsureTopic("orders-us", 1).ok());
  ASSERT_TRUE(broker_->EnsureTopic("x-orders-eu", 1).ok());
  ASSERT_TRUE(AlterConsumerGroupOffsets(
                  settings_, "rx", {{"orders-eu", 0, 2}, {"orders-us", 0, 4}, {"x-orders-eu", 0, 6}},
                  kTimeout)
                  .ok());
  // The whole name must match, as Java's Pattern.matches; listed topics add to the regex's.
  absl::StatusOr<std::vector<CommittedOffset>> committed = FetchCommittedOffsets(
      broker_->bootstrap_servers(), "rx", {"x-orders-eu"}, kTimeout, "orders-.*");
  ASSERT_TRUE(committed.ok()) << committed.status();
  std::map<std::string, int64_t> by_topic;
  for (const CommittedOffset& c : *committed) by_topic[c.topic] = c.offset;
  EXPECT_EQ(by_topic, (std::map<std::string, int64_t>{
                          {"orders-eu", 2}, {"orders-us", 4}, {"x-orders-eu", 6}}));
  committed = FetchCommittedOffsets(broker_->bootstrap_servers(), "rx", {}, kTimeout, "orders-e.");
  ASSERT_TRUE(committed.ok()) << committed.status();
  ASSERT_EQ(committed->size(), 1u);
  EXPECT_EQ((*committed)[0].topic, "orders-eu");

  absl::StatusOr<std::vector<CommittedOffset>> bad =
      FetchCommittedOffsets(broker_->bootstrap_servers(), "rx", {}, kTimeout, "(");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ConsumerGroupsOnEmbeddedBroker, StartingOffsetFollowsAutoOffsetReset) {
  absl::StatusOr<rd_kafka_conf_t*> pconf = NewConf(settings_);
  ASSERT_TRUE(pconf.ok());
  absl::StatusOr<KafkaHandle> producer = NewClient(RD_KAFKA_PRODUCER, *pconf);
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(
        Produce(producer->get(), {.topic = "t", .partition = 0, .value = "v", .value_size = 1}),
        RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(producer->get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  absl::StatusOr<int64_t> earliest = StartingOffset(settings_, {"t", 0}, "earliest", kTimeout);
  absl::StatusOr<int64_t> latest = StartingOffset(settings_, {"t", 0}, "latest", kTimeout);
  ASSERT_TRUE(earliest.ok() && latest.ok());
  EXPECT_EQ(*earliest, 0);
  EXPECT_EQ(*latest, 4);
}

}  // namespace
}  // namespace sluice::kafka
