#include "server/store/kafka_config_store.h"

#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/kafka_store_testing.h"

namespace sluice::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ReadRecord;
using testing::TopicReader;
using testing::WaitFor;

// The updates a store's listener heard. Thread-safe.
class Updates {
 public:
  KafkaConfigStore::UpdateListener Listener() {
    return [this](const ConfigUpdate& u) {
      absl::MutexLock lock(&mu_);
      updates_.push_back(u);
    };
  }
  std::vector<ConfigUpdate> Take() {
    absl::MutexLock lock(&mu_);
    return std::exchange(updates_, {});
  }

 private:
  absl::Mutex mu_;
  std::vector<ConfigUpdate> updates_ ABSL_GUARDED_BY(mu_);
};

ConfigUpdate Update(ConfigUpdate::Kind kind, std::string name, std::vector<int32_t> tasks = {}) {
  ConfigUpdate u;
  u.kind = kind;
  u.name = std::move(name);
  u.tasks = std::move(tasks);
  return u;
}

// The key and value of a record, for comparing the bytes a store wrote.
std::pair<std::string, std::optional<std::string>> KV(const ReadRecord& r) {
  return {r.key.value_or("<null>"), r.value};
}
std::vector<std::pair<std::string, std::optional<std::string>>> KVs(
    const std::vector<ReadRecord>& records) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  for (const ReadRecord& r : records) out.push_back(KV(r));
  return out;
}

class KafkaConfigStoreTest : public ::testing::Test {
 protected:
  static constexpr char kTopic[] = "connect-configs";

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(broker_.Start());
    options_ = broker_.Options(kTopic, 1);
  }

  std::unique_ptr<KafkaConfigStore> NewStore(Updates* updates = nullptr,
                                             absl::Duration write_timeout = absl::Seconds(30)) {
    KafkaConfigStore::Options options{.kafka = options_, .write_timeout = write_timeout};
    if (updates != nullptr) options.on_update = updates->Listener();
    auto store = std::make_unique<KafkaConfigStore>(std::move(options));
    absl::Status started = store->Start(absl::Seconds(10));
    EXPECT_TRUE(started.ok()) << started;
    return store;
  }

  // Writes records with a plain KafkaLog, as another worker (or a hand) would.
  void SendRaw(const std::vector<TopicRecord>& records) {
    absl::StatusOr<std::unique_ptr<kafka::KafkaLog>> raw = kafka::KafkaLog::Create(
        {.topic = kTopic,
         .consumer_settings = options_.consumer_settings,
         .producer_settings = options_.producer_settings,
         .on_record = [](const kafka::LogRecord&) {}});
    ASSERT_TRUE(raw.ok()) << raw.status();
    ASSERT_TRUE((*raw)->Start(absl::Seconds(10)).ok());
    for (const TopicRecord& r : records) {
      std::optional<std::string_view> value;
      if (r.value.has_value()) value = *r.value;
      ASSERT_TRUE((*raw)->Send(r.key, value, std::nullopt, [](auto) {}).ok());
    }
    ASSERT_TRUE((*raw)->Flush(absl::Seconds(10)).ok());
  }

  testing::StoreBroker broker_;
  KafkaStoreOptions options_;
};

TEST_F(KafkaConfigStoreTest, WritesAConnectorConfigAfterItsTargetStateWithSortedKeys) {
  std::unique_ptr<KafkaConfigStore> store = NewStore();
  ASSERT_TRUE(store->PutConnectorConfig("orders", {{"tasks.max", "2"}, {"name", "orders"},
                                                   {"connector.class", "FileStreamSource"}},
                                        TargetState::kStopped)
                  .ok());
  TopicReader reader(broker_.broker(), kTopic);
  EXPECT_THAT(KVs(reader.ReadAll()),
              ElementsAre(std::pair<std::string, std::optional<std::string>>(
                              "target-state-orders", R"({"state":"PAUSED","state.v2":"STOPPED"})"),
                          std::pair<std::string, std::optional<std::string>>(
                              "connector-orders",
                              R"({"properties":{"connector.class":"FileStreamSource",)"
                              R"("name":"orders","tasks.max":"2"}})")));
  // Read back before PutConnectorConfig returned.
  ClusterConfigState snapshot = store->Snapshot();
  EXPECT_EQ(snapshot.offset, 2);
  EXPECT_EQ(snapshot.connectors.at("orders").at("tasks.max"), "2");
  EXPECT_EQ(snapshot.target_states.at("orders"), TargetState::kStopped);
}

TEST_F(KafkaConfigStoreTest, TwoStoresSeeEachOthersWritesAfterRefresh) {
  Updates updates_b;
  std::unique_ptr<KafkaConfigStore> a = NewStore();
  std::unique_ptr<KafkaConfigStore> b = NewStore(&updates_b);

  ASSERT_TRUE(a->PutConnectorConfig("orders", {{"k", "v"}}, std::nullopt).ok());
  ASSERT_TRUE(b->Refresh(absl::Seconds(10)).ok());
  ClusterConfigState seen = b->Snapshot();
  EXPECT_EQ(seen.connectors.at("orders"), (ConfigMap{{"k", "v"}}));
  EXPECT_EQ(seen.target_states.at("orders"), TargetState::kStarted);
  EXPECT_THAT(updates_b.Take(),
              ElementsAre(Update(ConfigUpdate::Kind::kConnectorConfigUpdated, "orders")));

  ASSERT_TRUE(b->PutTargetState("orders", TargetState::kPaused).ok());
  ASSERT_TRUE(a->Refresh(absl::Seconds(10)).ok());
  EXPECT_EQ(a->Snapshot().target_states.at("orders"), TargetState::kPaused);
  ASSERT_TRUE(b->Refresh(absl::Seconds(10)).ok());
  EXPECT_THAT(updates_b.Take(),
              ElementsAre(Update(ConfigUpdate::Kind::kTargetStateChanged, "orders")));
}

TEST_F(KafkaConfigStoreTest, StartReadsWhatWasWrittenBeforeWithoutTellingTheListener) {
  std::unique_ptr<KafkaConfigStore> a = NewStore();
  ASSERT_TRUE(a->PutConnectorConfig("orders", {{"k", "v"}}, std::nullopt).ok());
  ASSERT_TRUE(a->PutTaskConfigs("orders", {{{"t", "0"}}}).ok());

  Updates updates;
  std::unique_ptr<KafkaConfigStore> b = NewStore(&updates);
  ClusterConfigState seen = b->Snapshot();
  EXPECT_EQ(seen.offset, 3);
  EXPECT_EQ(seen.task_configs.at("orders"), (std::vector<ConfigMap>{{{"t", "0"}}}));
  EXPECT_THAT(updates.Take(), IsEmpty());
}

TEST_F(KafkaConfigStoreTest, TaskConfigsAreWrittenThenCommitted) {
  Updates updates;
  std::unique_ptr<KafkaConfigStore> store = NewStore(&updates);
  ASSERT_TRUE(store->PutConnectorConfig("orders", {{"k", "v"}}, std::nullopt).ok());
  ASSERT_TRUE(store->PutTaskConfigs("orders", {{{"t", "0"}}, {{"t", "1"}}}).ok());

  TopicReader reader(broker_.broker(), kTopic);
  std::vector<ReadRecord> records = reader.ReadAll();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(KV(records[1]), (std::pair<std::string, std::optional<std::string>>(
                                "task-orders-0", R"({"properties":{"t":"0"}})")));
  EXPECT_EQ(KV(records[2]), (std::pair<std::string, std::optional<std::string>>(
                                "task-orders-1", R"({"properties":{"t":"1"}})")));
  EXPECT_EQ(KV(records[3]), (std::pair<std::string, std::optional<std::string>>(
                                "commit-orders", R"({"tasks":2})")));

  ClusterConfigState snapshot = store->Snapshot();
  EXPECT_EQ(snapshot.task_configs.at("orders"),
            (std::vector<ConfigMap>{{{"t", "0"}}, {{"t", "1"}}}));
  EXPECT_THAT(snapshot.inconsistent, IsEmpty());
  EXPECT_THAT(updates.Take(),
              ElementsAre(Update(ConfigUpdate::Kind::kConnectorConfigUpdated, "orders"),
                          Update(ConfigUpdate::Kind::kTaskConfigsCommitted, "orders", {0, 1})));

  // No tasks: the commit alone.
  ASSERT_TRUE(store->PutTaskConfigs("orders", {}).ok());
  EXPECT_EQ(KV(reader.ReadAll().back()), (std::pair<std::string, std::optional<std::string>>(
                                             "commit-orders", R"({"tasks":0})")));
  EXPECT_EQ(store->Snapshot().task_configs.count("orders"), 0u);
  EXPECT_EQ(store->TopicSnapshot().task_counts.at("orders"), 0);
}

TEST_F(KafkaConfigStoreTest, ACommitWithoutAllItsTaskConfigsMakesTheConnectorInconsistent) {
  std::unique_ptr<KafkaConfigStore> store = NewStore();
  ASSERT_TRUE(store->PutConnectorConfig("orders", {{"k", "v"}}, std::nullopt).ok());
  // A leader that died after one of two task configs, then another leader's commit of two.
  ASSERT_NO_FATAL_FAILURE(
      SendRaw({TaskConfigRecords("orders", {{{"t", "0"}}})[0], TaskCommitRecord("orders", 2)}));
  ASSERT_TRUE(store->Refresh(absl::Seconds(10)).ok());
  ClusterConfigState snapshot = store->Snapshot();
  EXPECT_THAT(snapshot.inconsistent, ElementsAre("orders"));
  EXPECT_EQ(snapshot.task_configs.count("orders"), 0u);

  // The leader regenerates them.
  ASSERT_TRUE(store->PutTaskConfigs("orders", {{{"t", "0"}}, {{"t", "1"}}}).ok());
  snapshot = store->Snapshot();
  EXPECT_THAT(snapshot.inconsistent, IsEmpty());
  EXPECT_EQ(snapshot.task_configs.at("orders").size(), 2u);
}

TEST_F(KafkaConfigStoreTest, InterfaceSnapshotDropsNullConfigValuesTopicSnapshotKeepsThem) {
  std::unique_ptr<KafkaConfigStore> store = NewStore();
  ASSERT_NO_FATAL_FAILURE(
      SendRaw({{"connector-orders", R"({"properties":{"b":null,"a":"x"}})"}}));
  ASSERT_TRUE(store->Refresh(absl::Seconds(10)).ok());
  EXPECT_EQ(store->Snapshot().connectors.at("orders"), (ConfigMap{{"a", "x"}}));
  ConfigProperties kept = store->TopicSnapshot().connector_configs.at("orders");
  EXPECT_EQ(kept.size(), 2u);
}

TEST_F(KafkaConfigStoreTest, RemovingAConnectorTombstonesItsConfigAndTargetState) {
  Updates updates;
  std::unique_ptr<KafkaConfigStore> a = NewStore();
  std::unique_ptr<KafkaConfigStore> b = NewStore(&updates);
  ASSERT_TRUE(a->PutConnectorConfig("orders", {{"k", "v"}}, TargetState::kPaused).ok());
  ASSERT_TRUE(a->PutTaskConfigs("orders", {{{"t", "0"}}}).ok());
  ASSERT_TRUE(a->RemoveConnectorConfig("orders").ok());

  TopicReader reader(broker_.broker(), kTopic);
  std::vector<ReadRecord> records = reader.ReadAll();
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(KV(records[4]),
            (std::pair<std::string, std::optional<std::string>>("connector-orders", std::nullopt)));
  EXPECT_EQ(KV(records[5]), (std::pair<std::string, std::optional<std::string>>(
                                "target-state-orders", std::nullopt)));
  EXPECT_THAT(a->Snapshot().connectors, IsEmpty());
  EXPECT_THAT(a->Snapshot().task_configs, IsEmpty());

  ASSERT_TRUE(b->Refresh(absl::Seconds(10)).ok());
  EXPECT_THAT(b->Snapshot().connectors, IsEmpty());
  std::vector<ConfigUpdate> heard = updates.Take();
  ASSERT_FALSE(heard.empty());
  EXPECT_EQ(heard.back(), Update(ConfigUpdate::Kind::kConnectorConfigRemoved, "orders"));
}

TEST_F(KafkaConfigStoreTest, RestartRequestsSessionKeysAndLoggerLevelsReachOtherWorkers) {
  Updates updates;
  std::unique_ptr<KafkaConfigStore> a = NewStore();
  std::unique_ptr<KafkaConfigStore> b = NewStore(&updates);
  ASSERT_TRUE(a->PutConnectorConfig("orders", {{"k", "v"}}, std::nullopt).ok());
  RestartRequest request{.connector = "orders", .only_failed = true, .include_tasks = true};
  ASSERT_TRUE(a->PutRestartRequest(request).ok());
  SessionKey key{.key = "0123456789abcdef", .algorithm = "HmacSHA256",
                 .creation_timestamp_ms = 1700000000000};
  ASSERT_TRUE(a->PutSessionKey(key).ok());
  ASSERT_TRUE(a->PutLoggerLevel("org.apache.kafka", "DEBUG").ok());

  ASSERT_TRUE(b->Refresh(absl::Seconds(10)).ok());
  EXPECT_THAT(b->TakeRestartRequests(),
              ElementsAre(std::pair<const std::string, RestartRequest>("orders", request)));
  EXPECT_THAT(b->TakeRestartRequests(), IsEmpty());
  ConfigSnapshot snapshot = b->TopicSnapshot();
  EXPECT_EQ(snapshot.session_key, key);
  EXPECT_EQ(snapshot.logger_levels.at("org.apache.kafka"), "DEBUG");
  std::vector<ConfigUpdate> heard = updates.Take();
  ASSERT_EQ(heard.size(), 4u);
  EXPECT_EQ(heard[1].kind, ConfigUpdate::Kind::kRestartRequested);
  EXPECT_EQ(heard[1].restart, request);
  EXPECT_EQ(heard[2].kind, ConfigUpdate::Kind::kSessionKeyUpdated);
  EXPECT_EQ(heard[3], ([] {
              ConfigUpdate u = Update(ConfigUpdate::Kind::kLoggerLevelSet, "org.apache.kafka");
              u.level = "DEBUG";
              return u;
            })());
}

TEST_F(KafkaConfigStoreTest, RefusesAConfigTopicWithMoreThanOnePartition) {
  KafkaStoreOptions options = broker_.Options("two-partitions", 2);
  KafkaConfigStore store({.kafka = options});
  absl::Status s = store.Start(absl::Seconds(10));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Topic 'two-partitions' supplied via the 'config.storage.topic' property is required "
            "to have a single partition in order to guarantee consistency of connector "
            "configurations, but found 2 partitions.");
}

TEST_F(KafkaConfigStoreTest, RefusesAnEmptyTopicName) {
  KafkaStoreOptions options = options_;
  options.topic = " ";
  KafkaConfigStore store({.kafka = options});
  absl::Status s = store.Start(absl::Seconds(10));
  EXPECT_EQ(s, absl::InvalidArgumentError("Must specify topic for connector configuration."));
}

TEST_F(KafkaConfigStoreTest, WritesBeforeStartFail) {
  KafkaConfigStore store({.kafka = options_});
  EXPECT_EQ(store.PutTargetState("orders", TargetState::kPaused).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(KafkaConfigStoreTest, AWriteTimesOutWhileTheBrokerIsDown) {
  std::unique_ptr<KafkaConfigStore> store = NewStore(nullptr, absl::Milliseconds(500));
  ASSERT_EQ(rd_kafka_mock_broker_set_down(broker_.broker().cluster(), 1),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  absl::Status s = store->PutConnectorConfig("orders", {{"k", "v"}}, std::nullopt);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(s.message(),
            "Error writing connector configuration to Kafka: Timed out waiting for Kafka to "
            "acknowledge 1 of 1 records written to topic 'connect-configs'");
  ASSERT_EQ(rd_kafka_mock_broker_set_up(broker_.broker().cluster(), 1),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  // The record was not given up (delivery.timeout.ms is Integer.MAX_VALUE): it lands.
  EXPECT_TRUE(WaitFor([&] {
    return store->Refresh(absl::Seconds(5)).ok() && store->Snapshot().connectors.count("orders");
  })) << "the config written while the broker was down never landed";
}

}  // namespace
}  // namespace sluice::store
