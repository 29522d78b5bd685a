#include "server/store/kafka_offset_store.h"

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
using ::testing::Pair;
using testing::ReadRecord;
using testing::TopicReader;

constexpr char kTopic[] = "connect-offsets";

class KafkaOffsetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(broker_.Start());
    options_ = broker_.Options(kTopic, 25);
  }

  std::unique_ptr<KafkaOffsetStore> NewStore(absl::Duration write_timeout = absl::Seconds(5)) {
    auto store = std::make_unique<KafkaOffsetStore>(
        KafkaOffsetStore::Options{.kafka = options_, .write_timeout = write_timeout});
    absl::Status started = store->Start(absl::Seconds(10));
    EXPECT_TRUE(started.ok()) << started;
    return store;
  }

  testing::StoreBroker broker_;
  KafkaStoreOptions options_;
};

const std::string kKeyA = R"(["file-source",{"filename":"/data/a.txt"}])";
const std::string kKeyB = R"(["file-source",{"filename":"/data/b.txt"}])";

TEST_F(KafkaOffsetStoreTest, OffsetsRoundTripBetweenStores) {
  std::unique_ptr<KafkaOffsetStore> a = NewStore();
  std::unique_ptr<KafkaOffsetStore> b = NewStore();
  ASSERT_TRUE(a->Write({{kKeyA, R"({"position":30})"}, {kKeyB, R"({"position":7})"}}).ok());
  // Read back before Write returned.
  EXPECT_EQ(a->Get(kKeyA), R"({"position":30})");

  ASSERT_TRUE(b->Refresh(absl::Seconds(10)).ok());
  EXPECT_THAT(b->All(), ElementsAre(Pair(kKeyA, R"({"position":30})"),
                                    Pair(kKeyB, R"({"position":7})")));
  ASSERT_EQ(b->ConnectorPartitions("file-source").size(), 2u);

  // A tombstone resets the offset.
  ASSERT_TRUE(b->Write({{kKeyA, std::nullopt}, {kKeyB, R"({"position":8})"}}).ok());
  ASSERT_TRUE(a->Refresh(absl::Seconds(10)).ok());
  EXPECT_EQ(a->Get(kKeyA), std::nullopt);
  EXPECT_EQ(a->Get(kKeyB), R"({"position":8})");
  EXPECT_THAT(a->All(), ElementsAre(Pair(kKeyB, R"({"position":8})")));

  // A new store reads them all when it starts.
  std::unique_ptr<KafkaOffsetStore> c = NewStore();
  EXPECT_THAT(c->All(), ElementsAre(Pair(kKeyB, R"({"position":8})")));
}

TEST_F(KafkaOffsetStoreTest, EachRecordLandsInThePartitionJavasPartitionerPicks) {
  std::unique_ptr<KafkaOffsetStore> a = NewStore();
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) {
    keys.push_back(R"(["src",{"file":"/data/)" + std::to_string(i) + R"("}])");
  }
  std::vector<OffsetWrite> writes;
  for (const std::string& key : keys) writes.push_back({key, R"({"line":1})"});
  ASSERT_TRUE(a->Write(writes).ok());

  TopicReader reader(broker_.broker(), kTopic);
  std::vector<ReadRecord> records = reader.ReadAll();
  ASSERT_EQ(records.size(), keys.size());
  std::set<int32_t> partitions;
  for (const ReadRecord& r : records) {
    ASSERT_TRUE(r.key.has_value());
    EXPECT_EQ(r.partition, DefaultPartition(*r.key, 25)) << *r.key;
    partitions.insert(r.partition);
  }
  EXPECT_GT(partitions.size(), 5u) << "the keys should spread over the partitions";
}

TEST_F(KafkaOffsetStoreTest, AWriteTheBrokerDoesNotAcknowledgeInTimeFails) {
  std::unique_ptr<KafkaOffsetStore> a = NewStore(absl::Milliseconds(300));
  ASSERT_EQ(rd_kafka_mock_broker_set_down(broker_.broker().cluster(), 1),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  absl::Status s = a->Write({{kKeyA, R"({"position":1})"}});
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(s.message(),
            "Failed to write offsets to topic 'connect-offsets': Timed out waiting for Kafka to "
            "acknowledge 1 of 1 records written to topic 'connect-offsets'");
  EXPECT_EQ(a->Get(kKeyA), std::nullopt);
  ASSERT_EQ(rd_kafka_mock_broker_set_up(broker_.broker().cluster(), 1),
            RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_F(KafkaOffsetStoreTest, ATransientRefusalIsRetriedByTheProducer) {
  std::unique_ptr<KafkaOffsetStore> a = NewStore();
  rd_kafka_mock_push_request_errors(broker_.broker().cluster(), /*Produce=*/0, 1,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  absl::Status s = a->Write({{kKeyA, R"({"position":1})"}});
  // The writer retries (librdkafka's default retries), as Java's producer does.
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(a->Get(kKeyA), R"({"position":1})");
}

TEST_F(KafkaOffsetStoreTest, WriteBeforeStartFails) {
  KafkaOffsetStore store({.kafka = options_});
  EXPECT_EQ(store.Write({{kKeyA, "{}"}}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.All(), IsEmpty());
}

}  // namespace
}  // namespace sluice::store
