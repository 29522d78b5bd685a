// The distributed herder's policy on one worker: Kafka-backed stores on the embedded broker (the
// config, status and offset topics in Kafka Connect's formats), a group of one (SoloMember) or a
// scripted membership for a worker that is not the leader, and fake plugin hosts. What it
// writes to the topics for each request, what it runs after each assignment, how it follows
// what another worker writes, and what it answers when it cannot serve a request. Config
// validation uses the real file plugin's validation host (SLUICE_BUILD_DIR).
#include "server/herder/distributed_herder.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/distributed/request_signature.h"
#include "server/distributed/solo_member.h"
#include "server/store/kafka_config_store.h"
#include "server/store/kafka_offset_store.h"
#include "server/store/kafka_status_store.h"
#include "server/store/kafka_store_testing.h"
#include "server/store/offset_records.h"
#include "server/worker/testing/fake_connector_host.h"
#include "server/worker/testing/test_worker_setup.h"

namespace sluice::herder {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using store::testing::WaitFor;

ConfigMap Sink(const std::string& name) {
  return {{"name", name}, {"connector.class", "FileStreamSink"}, {"topics", "t"},
          {"file", "/dev/null"}, {"tasks.max", "2"}};
}

ConfigMap Source(const std::string& name) {
  return {{"name", name}, {"connector.class", "FileStreamSource"}, {"topic", "t"},
          {"file", "/dev/null"}};
}

// A membership that hands the herder the assignments a test gives it, as a group whose leader is
// another worker would.
class ScriptedMembership final : public distributed::Membership {
 public:
  explicit ScriptedMembership(distributed::GroupMemberCallbacks callbacks)
      : callbacks_(std::move(callbacks)) {}
  void Start() override {}
  void RequestRejoin() override { ++rejoins_; }
  void Stop() override {}
  std::string member_id() const override { return "follower-1"; }
  int32_t generation() const override { return 7; }

  void Deliver(const distributed::MemberAssignment& a) {
    callbacks_.metadata();
    callbacks_.on_assignment(a);
  }
  int rejoins() const { return rejoins_; }

 private:
  distributed::GroupMemberCallbacks callbacks_;
  std::atomic<int> rejoins_{0};
};

class DistributedHerderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<config::WorkerConfig> worker = worker::testing::TestWorkerConfig(dir_.path());
    ASSERT_TRUE(worker.ok()) << worker.status();
    config_.worker = *std::move(worker);
    config_.group_id = "connect-cluster";
    absl::StatusOr<std::unique_ptr<plugins::PluginRegistry>> registry =
        worker::testing::BuiltPluginRegistry(dir_.path());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
    broker_.Start();
    configs_ = std::make_unique<store::KafkaConfigStore>(store::KafkaConfigStore::Options{
        .kafka = broker_.Options("configs", 1),
        .on_update = [this](const store::ConfigUpdate& u) {
          if (DistributedHerder* h = listener_.load()) h->OnConfigUpdate(u);
        }});
    statuses_ = std::make_unique<store::KafkaStatusStore>(
        store::KafkaStatusStore::Options{.kafka = broker_.Options("statuses", 2)});
    offsets_ = std::make_unique<store::KafkaOffsetStore>(
        store::KafkaOffsetStore::Options{.kafka = broker_.Options("offsets", 3)});
    ASSERT_TRUE(configs_->Start(absl::Seconds(30)).ok());
    ASSERT_TRUE(statuses_->Start(absl::Seconds(30)).ok());
    ASSERT_TRUE(offsets_->Start(absl::Seconds(30)).ok());
  }

  void TearDown() override {
    if (herder_ != nullptr) herder_->Shutdown();
    listener_.store(nullptr);
    herder_.reset();
    configs_->Stop();
    statuses_->Stop();
    offsets_->Stop();
  }

  // A herder in a group of one: it leads every generation.
  void StartLeader() {
    StartHerder([](distributed::GroupMemberCallbacks callbacks) {
      return std::make_unique<distributed::SoloMember>(
          distributed::SoloMemberOptions{.client_id = "connect-w:8083"}, std::move(callbacks));
    });
  }

  // A herder whose assignments come from the test (a follower).
  void StartFollower() {
    StartHerder([this](distributed::GroupMemberCallbacks callbacks) {
      auto m = std::make_unique<ScriptedMembership>(std::move(callbacks));
      scripted_ = m.get();
      return m;
    });
  }

  void StartHerder(std::function<std::unique_ptr<distributed::Membership>(
                       distributed::GroupMemberCallbacks)> factory) {
    absl::StatusOr<std::unique_ptr<DistributedHerder>> herder = DistributedHerder::Create(
        {.config = &config_,
         .bootstrap_servers = broker_.broker().bootstrap_servers(),
         .registry = registry_.get(),
         .hosts = &hosts_,
         .config_store = configs_.get(),
         .status_store = statuses_.get(),
         .offsets = offsets_.get(),
         .flush_statuses = [this] { (void)statuses_->Flush(absl::Seconds(5)); },
         .membership_factory = std::move(factory),
         .advertised_url = "http://w:8083/",
         .worker_id = "w:8083",
         .request_timeout = request_timeout_});
    ASSERT_TRUE(herder.ok()) << herder.status();
    herder_ = *std::move(herder);
    listener_.store(herder_.get());
    herder_->Start();
  }

  // Waits until the connector's status has `connector` and each of `tasks` tasks `task`.
  bool AwaitStates(const std::string& name, State connector, State task, size_t tasks) {
    return WaitFor([&] {
      absl::StatusOr<ConnectorStatus> s = herder_->GetConnectorStatus(name);
      return s.ok() && s->connector.state == connector && s->tasks.size() == tasks &&
             std::all_of(s->tasks.begin(), s->tasks.end(),
                         [&](const auto& t) { return t.second.state == task; });
    }, absl::Seconds(20));
  }

  worker::testing::ScratchDir dir_;
  config::DistributedConfig config_;
  std::unique_ptr<plugins::PluginRegistry> registry_;
  store::testing::StoreBroker broker_;
  worker::testing::FakeConnectorHosts hosts_;
  std::unique_ptr<store::KafkaConfigStore> configs_;
  std::unique_ptr<store::KafkaStatusStore> statuses_;
  std::unique_ptr<store::KafkaOffsetStore> offsets_;
  std::atomic<DistributedHerder*> listener_{nullptr};
  absl::Duration request_timeout_ = absl::Seconds(30);
  ScriptedMembership* scripted_ = nullptr;
  std::unique_ptr<DistributedHerder> herder_;
};

TEST_F(DistributedHerderTest, ACreatedConnectorIsWrittenToTheConfigTopicAndRunsAfterTheRebalance) {
  StartLeader();
  hosts_.Script("s", {.task_count = 2});
  absl::StatusOr<ConnectorInfo> info = herder_->CreateConnector("s", Sink("s"), std::nullopt);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->type, "sink");
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 2));

  absl::StatusOr<ConnectorStatus> status = herder_->GetConnectorStatus("s");
  EXPECT_EQ(status->connector.worker_id, "w:8083");
  EXPECT_GT(status->connector.generation, 0);  // written in the group's generation
  store::ClusterConfigState topic = configs_->Snapshot();
  EXPECT_EQ(topic.connectors.at("s").at("topics"), "t");
  ASSERT_EQ(topic.task_configs.at("s").size(), 2u);
  EXPECT_EQ(topic.task_configs.at("s")[1].at("task.class"), "FakeTask");
  EXPECT_THAT(herder_->GetConnectorInfo("s")->tasks, ElementsAre(0, 1));
  DistributedHerder::GroupView view = herder_->View();
  EXPECT_TRUE(view.leader);
  EXPECT_THAT(view.connectors, ElementsAre("s"));
  EXPECT_EQ(view.tasks.size(), 2u);
  // As the sessioned protocol's leader, it has distributed a session key.
  EXPECT_TRUE(WaitFor([&] { return configs_->TopicSnapshot().session_key.has_value(); }));
}

TEST_F(DistributedHerderTest, CreatingAnExistingConnectorIsRefusedAndAnInvalidOneWritesNothing) {
  StartLeader();
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  absl::StatusOr<ConnectorInfo> again = herder_->CreateConnector("s", Sink("s"), std::nullopt);
  EXPECT_TRUE(absl::IsAlreadyExists(again.status())) << again.status();
  EXPECT_EQ(again.status().message(), "Connector s already exists");

  ConfigMap invalid = Sink("x");
  invalid.erase("topics");
  absl::StatusOr<ConnectorInfo> refused = herder_->CreateConnector("x", invalid, std::nullopt);
  ASSERT_TRUE(absl::IsInvalidArgument(refused.status()));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("Must configure one of topics or topics.regex"));
  EXPECT_FALSE(configs_->Snapshot().connectors.contains("x"));
}

TEST_F(DistributedHerderTest, PauseResumeAndStopGoThroughTheTargetStateRecords) {
  StartLeader();
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));

  ASSERT_TRUE(herder_->PauseConnector("s").ok());
  EXPECT_TRUE(AwaitStates("s", State::kPaused, State::kPaused, 1));
  EXPECT_EQ(configs_->Snapshot().target_states.at("s"), store::TargetState::kPaused);
  ASSERT_TRUE(herder_->ResumeConnector("s").ok());
  EXPECT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  EXPECT_EQ(hosts_.Starts("s"), 1);  // paused and resumed in the same host

  ASSERT_TRUE(herder_->StopConnector("s").ok());
  EXPECT_TRUE(AwaitStates("s", State::kStopped, State::kRunning, 0));
  EXPECT_TRUE(herder_->GetTasks("s")->empty());
  ASSERT_TRUE(herder_->ResumeConnector("s").ok());
  EXPECT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));

  EXPECT_EQ(herder_->PauseConnector("nope").message(), "Unknown connector nope");
}

TEST_F(DistributedHerderTest, FollowsWhatAnotherWorkerWritesToTheConfigTopic) {
  StartLeader();
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  // Another worker (any worker may write target states) pauses it.
  store::KafkaConfigStore other({.kafka = broker_.Options("configs", 1)});
  ASSERT_TRUE(other.Start(absl::Seconds(30)).ok());
  ASSERT_TRUE(other.PutTargetState("s", store::TargetState::kPaused).ok());
  EXPECT_TRUE(AwaitStates("s", State::kPaused, State::kPaused, 1));
  // ... and writes a new config, which restarts the connector where it runs.
  ConfigMap changed = Sink("s");
  changed["file"] = "/tmp/elsewhere";
  ASSERT_TRUE(other.PutConnectorConfig("s", changed, store::TargetState::kStarted).ok());
  EXPECT_TRUE(WaitFor([&] {
    worker::testing::FakeConnectorHost* host = hosts_.Latest("s");
    if (host == nullptr) return false;
    ConfigMap started = host->started_config();
    auto file = started.find("file");
    return file != started.end() && file->second == "/tmp/elsewhere";
  }, absl::Seconds(20)));
  EXPECT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  other.Stop();
}

TEST_F(DistributedHerderTest, RestartWithTasksWritesARestartRecordAndRestartsWhatRunsHere) {
  StartLeader();
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  const std::vector<std::string> calls_before = hosts_.Calls("s");
  const auto starts_before =
      std::count(calls_before.begin(), calls_before.end(), "StartConnector");
  absl::StatusOr<RestartResult> result = herder_->RestartConnector("s", true, false);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_TRUE(result->status.has_value());
  EXPECT_EQ(result->status->connector.state, State::kRestarting);
  EXPECT_EQ(result->status->tasks.at(0).state, State::kRestarting);
  EXPECT_TRUE(WaitFor([&] {
    std::vector<std::string> calls = hosts_.Calls("s");
    return std::count(calls.begin(), calls.end(), "StartConnector") > starts_before;
  }, absl::Seconds(20)));
  EXPECT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));

  absl::StatusOr<RestartResult> unknown = herder_->RestartConnector("nope", true, false);
  EXPECT_EQ(unknown.status().message(), "Unknown connector: nope");
}

TEST_F(DistributedHerderTest, OffsetsChangeOnlyWhenStoppedAndGoToTheOffsetsTopic) {
  StartLeader();
  ASSERT_TRUE(herder_->CreateConnector("src", Source("src"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("src", State::kRunning, State::kRunning, 1));
  std::vector<std::pair<Value, std::optional<Value>>> offsets = {
      {Value::Map({{Value::String("filename"), Value::String("/dev/null")}}),
       Value::Map({{Value::String("position"), Value::Int64(30)}})}};
  absl::StatusOr<std::string> refused = herder_->AlterSourceOffsets("src", offsets, false);
  ASSERT_TRUE(absl::IsFailedPrecondition(refused.status())) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("Connectors must be in the STOPPED state"));

  ASSERT_TRUE(herder_->StopConnector("src").ok());
  ASSERT_TRUE(AwaitStates("src", State::kStopped, State::kRunning, 0));
  absl::StatusOr<std::string> altered = herder_->AlterSourceOffsets("src", offsets, false);
  ASSERT_TRUE(altered.ok()) << altered.status();
  absl::StatusOr<std::vector<PartitionOffsetJson>> read = herder_->GetSourceOffsets("src");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ(read->at(0).partition, R"({"filename":"/dev/null"})");
  EXPECT_EQ(read->at(0).offset, R"({"position":30})");
  EXPECT_EQ(offsets_->Get(R"(["src",{"filename":"/dev/null"}])"), R"({"position":30})");
}

TEST_F(DistributedHerderTest, DeletingAConnectorStopsItAndTheLeaderRemovesItsStatuses) {
  StartLeader();
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  ASSERT_TRUE(herder_->DeleteConnector("s").ok());
  EXPECT_FALSE(configs_->Snapshot().connectors.contains("s"));
  EXPECT_TRUE(WaitFor([&] { return !herder_->GetConnectorStatus("s").ok(); },
                      absl::Seconds(20)));
  EXPECT_EQ(herder_->GetConnectorStatus("s").status().message(),
            "No status found for connector s");
  EXPECT_TRUE(herder_->View().connectors.empty());
  EXPECT_EQ(herder_->DeleteConnector("s").message(), "Connector s not found");
}

TEST_F(DistributedHerderTest, TaskConfigsFromAnotherWorkerNeedTheSessionKeysSignature) {
  StartLeader();
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(WaitFor([&] { return configs_->TopicSnapshot().session_key.has_value(); }));
  const std::vector<ConfigMap> tasks = {{{"task.class", "FakeTask"}, {"n", "0"}},
                                        {{"task.class", "FakeTask"}, {"n", "1"}}};
  const std::string body = R"([{"n":"0","task.class":"FakeTask"},{"n":"1","task.class":"FakeTask"}])";

  absl::Status unsigned_request = herder_->PutTaskConfigs("s", tasks, std::nullopt);
  EXPECT_TRUE(absl::IsInvalidArgument(unsigned_request));
  EXPECT_EQ(unsigned_request.message(), "Internal request missing required signature");

  absl::StatusOr<distributed::SignatureHeaders> forged =
      distributed::SignRequest("not the key", body, "HmacSHA256");
  ASSERT_TRUE(forged.ok());
  absl::StatusOr<std::optional<distributed::RequestSignature>> bad =
      distributed::RequestSignature::FromHeaders(forged->algorithm, forged->signature, body);
  ASSERT_TRUE(bad.ok() && bad->has_value());
  absl::Status forged_request = herder_->PutTaskConfigs("s", tasks, *bad);
  EXPECT_TRUE(absl::IsPermissionDenied(forged_request)) << forged_request;
  EXPECT_EQ(forged_request.message(), "Internal request contained invalid signature.");

  absl::StatusOr<distributed::SignatureHeaders> headers = distributed::SignRequest(
      configs_->TopicSnapshot().session_key->key, body, "HmacSHA256");
  ASSERT_TRUE(headers.ok());
  absl::StatusOr<std::optional<distributed::RequestSignature>> good =
      distributed::RequestSignature::FromHeaders(headers->algorithm, headers->signature, body);
  ASSERT_TRUE(good.ok() && good->has_value());
  ASSERT_TRUE(herder_->PutTaskConfigs("s", tasks, *good).ok());
  EXPECT_TRUE(WaitFor([&] { return herder_->GetTasks("s")->size() == 2; }));
}

TEST_F(DistributedHerderTest, AFollowerSendsLeaderOnlyWritesToTheLeader) {
  StartFollower();
  scripted_->Deliver({.generation = 7,
                      .member_id = "follower-1",
                      .leader = false,
                      .assignment = {.leader = "leader-1",
                                     .leader_url = "http://leader:8083/",
                                     .config_offset = configs_->Snapshot().offset}});
  absl::StatusOr<ConnectorInfo> created = herder_->CreateConnector("s", Sink("s"), std::nullopt);
  ASSERT_TRUE(IsNotLeader(created.status())) << created.status();
  EXPECT_EQ(created.status().message(), "Only the leader can set connector configs.");
  EXPECT_EQ(LeaderUrl(created.status()), "http://leader:8083/");
  EXPECT_EQ(herder_->DeleteConnector("s").message(),
            "Only the leader can delete connector configs.");
  EXPECT_FALSE(configs_->Snapshot().connectors.contains("s"));
}

TEST_F(DistributedHerderTest, RequestsWaitForTheRebalanceInsteadOfFailing) {
  request_timeout_ = absl::Seconds(20);
  StartFollower();
  // No assignment yet: the request waits for one rather than answering 409.
  absl::Status answer;
  std::thread request([&] { answer = herder_->DeleteConnector("s"); });
  ASSERT_TRUE(WaitFor([&] { return herder_->View().waiting_requests == 1; }));
  scripted_->Deliver({.generation = 7,
                      .member_id = "follower-1",
                      .leader = false,
                      .assignment = {.leader = "leader-1",
                                     .leader_url = "http://leader:8083/",
                                     .config_offset = configs_->Snapshot().offset}});
  request.join();
  EXPECT_TRUE(IsNotLeader(answer)) << answer;
}

TEST_F(DistributedHerderTest, ARequestThatOutlivesItsDeadlineDuringARebalanceTimesOut) {
  request_timeout_ = absl::Milliseconds(300);
  StartFollower();  // never assigned
  absl::Status answer = herder_->DeleteConnector("s");
  EXPECT_TRUE(absl::IsDeadlineExceeded(answer)) << answer;
  EXPECT_EQ(answer.message(), "Request timed out");
}

}  // namespace
}  // namespace sluice::herder
