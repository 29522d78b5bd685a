#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/runtime/source_task_runner.h"

namespace sluice::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

SubmittedRecords::OffsetKey Key(const char* key) { return std::make_shared<const std::string>(key); }

TEST(SubmittedRecords, CommitsOnlyTheAcknowledgedPrefix) {
  SubmittedRecords records;
  records.Submit(1, Key("p"), Value::Int64(1));
  records.Submit(2, Key("p"), Value::Int64(2));
  records.Submit(3, Key("p"), Value::Int64(3));
  records.Ack(1);
  records.Ack(3);  // out of order: 2 is still in flight
  SubmittedRecords::Committable first = records.TakeCommittable();
  EXPECT_EQ(first.up_to_id, 1u);
  EXPECT_THAT(first.writes, ElementsAre(Pair("p", "1")));
  EXPECT_EQ(records.TakeCommittable().up_to_id, 0u);  // nothing new until 2 is acked
  records.Ack(2);
  SubmittedRecords::Committable second = records.TakeCommittable();
  EXPECT_EQ(second.up_to_id, 3u);
  EXPECT_THAT(second.writes, ElementsAre(Pair("p", "3")));  // latest offset per partition
  EXPECT_TRUE(records.empty());
}

TEST(SubmittedRecords, CountsWhatKafkaHasNotAcknowledgedOnce) {
  SubmittedRecords records;
  records.Submit(1, Key("p"), Value::Int64(1));
  records.Submit(2, Key("p"), Value::Int64(2));
  records.Submit(3, Key("p"), Value::Int64(3));
  EXPECT_EQ(records.unacked(), 3);
  records.Ack(2);
  records.Ack(2);  // a second report of the same record
  EXPECT_EQ(records.unacked(), 2);
  records.Ack(1);
  records.TakeCommittable();
  EXPECT_EQ(records.unacked(), 1);
  records.Ack(3);
  EXPECT_EQ(records.unacked(), 0);
}

TEST(SubmittedRecords, KeepsTheLatestOffsetOfEachPartitionAndSkipsRecordsWithout) {
  SubmittedRecords records;
  records.Submit(10, Key("a"), Value::Int64(1));
  records.Submit(11, Key("b"), Value::Int64(7));
  records.Submit(12, nullptr, Value());
  records.Submit(13, Key("a"), Value::Int64(2));
  for (uint64_t id = 10; id <= 13; ++id) records.Ack(id);
  SubmittedRecords::Committable c = records.TakeCommittable();
  EXPECT_EQ(c.up_to_id, 13u);
  EXPECT_THAT(c.writes, ElementsAre(Pair("a", "2"), Pair("b", "7")));
}

TEST(SubmittedRecords, IgnoresAcksOfUnknownIds) {
  SubmittedRecords records;
  records.Submit(5, Key("a"), Value::Int64(1));
  records.Ack(4);
  records.Ack(99);
  EXPECT_EQ(records.TakeCommittable().up_to_id, 0u);
  EXPECT_EQ(records.size(), 1u);
}

TEST(SubmittedRecords, SerializesOnlyTheLatestOffsetAndSharesKeys) {
  SubmittedRecords records;
  SubmittedRecords::OffsetKey shared = Key("p");
  records.Submit(1, shared, Value::Map({{Value::String("position"), Value::Int64(10)}}), 100);
  records.Submit(2, shared, Value::Map({{Value::String("position"), Value::Int64(20)}}), 50);
  records.Submit(3, Key("q"), Value(), 25);  // a null offset removes the partition's
  EXPECT_EQ(records.bytes(), 175u);
  for (uint64_t id = 1; id <= 3; ++id) records.Ack(id);
  SubmittedRecords::Committable c = records.TakeCommittable();
  EXPECT_THAT(c.writes, ElementsAre(Pair("p", std::optional<std::string>("{\"position\":20}")),
                                    Pair("q", std::nullopt)));
  EXPECT_EQ(records.bytes(), 0u);
}

TEST(SubmittedRecords, ARecordWithoutItsOffsetIsCommittedOnlyWithTheOneThatCarriesIt) {
  SubmittedRecords records;
  // A batch's run of partition p: only its last record carries an offset.
  records.Submit(1, Key("p"), std::nullopt);
  records.Submit(2, Key("p"), std::nullopt);
  records.Submit(3, Key("p"), Value::Int64(3));
  records.Submit(4, Key("p"), std::nullopt);
  records.Submit(5, Key("p"), Value::Int64(5));
  records.Ack(1);
  records.Ack(2);
  EXPECT_EQ(records.TakeCommittable().up_to_id, 0u);  // 3 holds the offset that covers 1 and 2
  records.Ack(3);
  records.Ack(4);
  SubmittedRecords::Committable c = records.TakeCommittable();
  EXPECT_EQ(c.up_to_id, 3u);  // not 4: its offset comes with 5
  EXPECT_THAT(c.writes, ElementsAre(Pair("p", "3")));
  EXPECT_EQ(records.size(), 2u);
  records.Ack(5);
  c = records.TakeCommittable();
  EXPECT_EQ(c.up_to_id, 5u);
  EXPECT_THAT(c.writes, ElementsAre(Pair("p", "5")));
}

}  // namespace
}  // namespace sluice::runtime
