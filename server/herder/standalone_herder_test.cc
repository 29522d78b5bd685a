// The standalone herder's policy against fake plugin hosts and in-memory stores: what it runs
// for each request, the statuses it shows, what it stores. Config validation uses the real
// file plugin's validation host (SLUICE_BUILD_DIR); connectors run in fakes.
#include "server/herder/standalone_herder.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/config_store.h"
#include "server/store/offset_store.h"
#include "server/store/status_store.h"
#include "server/worker/testing/fake_connector_host.h"
#include "server/worker/testing/test_worker_setup.h"

namespace sluice::herder {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

ConfigMap Sink(const std::string& name) {
  return {{"name", name}, {"connector.class", "FileStreamSink"}, {"topics", "t"},
          {"file", "/dev/null"}, {"tasks.max", "2"}};
}

class StandaloneHerderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<config::WorkerConfig> config = worker::testing::TestWorkerConfig(dir_.path());
    ASSERT_TRUE(config.ok()) << config.status();
    config_ = *std::move(config);
    absl::StatusOr<std::unique_ptr<plugins::PluginRegistry>> registry =
        worker::testing::BuiltPluginRegistry(dir_.path());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
    StartHerder();
  }
  void TearDown() override {
    if (herder_ != nullptr) herder_->Shutdown();
  }

  void StartHerder() {
    absl::StatusOr<std::unique_ptr<StandaloneHerder>> herder =
        StandaloneHerder::Create({.worker = &config_,
                                  .bootstrap_servers = "unused:9092",
                                  .registry = registry_.get(),
                                  .offsets = &offsets_,
                                  .config_store = &configs_,
                                  .status_store = &statuses_,
                                  .hosts = &hosts_,
                                  .worker_id = "w:8083"});
    ASSERT_TRUE(herder.ok()) << herder.status();
    herder_ = *std::move(herder);
  }

  // Waits up to 10 s until the connector's status has `connector` and each task `task`.
  bool AwaitStates(const std::string& name, State connector, State task, size_t tasks) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      absl::StatusOr<ConnectorStatus> s = herder_->GetConnectorStatus(name);
      if (s.ok() && s->connector.state == connector && s->tasks.size() == tasks &&
          std::all_of(s->tasks.begin(), s->tasks.end(),
                      [&](const auto& t) { return t.second.state == task; })) {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(5));  // polling a condition with a deadline
    }
    return false;
  }

  worker::testing::ScratchDir dir_;
  config::WorkerConfig config_;
  std::unique_ptr<plugins::PluginRegistry> registry_;
  worker::testing::FakeConnectorHosts hosts_;
  store::MemoryOffsetStore offsets_;
  store::MemoryConfigStore configs_;
  store::MemoryStatusStore statuses_;
  std::unique_ptr<StandaloneHerder> herder_;
};

TEST_F(StandaloneHerderTest, CreatingAConnectorStoresItAndRunsItsTasks) {
  hosts_.Script("s", {.task_count = 2});
  absl::StatusOr<ConnectorInfo> info = herder_->CreateConnector("s", Sink("s"), std::nullopt);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_THAT(info->tasks, ElementsAre(0, 1));
  EXPECT_EQ(info->type, "sink");
  EXPECT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 2));
  EXPECT_EQ(herder_->GetConnectorStatus("s")->connector.worker_id, "w:8083");

  store::ClusterConfigState stored = configs_.Snapshot();
  EXPECT_EQ(stored.connectors.at("s").at("topics"), "t");
  EXPECT_EQ(stored.target_states.at("s"), store::TargetState::kStarted);
  ASSERT_EQ(stored.task_configs.at("s").size(), 2u);
  EXPECT_EQ(stored.task_configs.at("s")[1].at("task.class"), "FakeTask");
  EXPECT_EQ(stored.task_configs.at("s")[1].at("topics"), "t");
}

TEST_F(StandaloneHerderTest, AnInvalidConfigIsRefusedWithoutRunningAnything) {
  ConfigMap config = Sink("s");
  config.erase("topics");
  absl::StatusOr<ConnectorInfo> info = herder_->CreateConnector("s", config, std::nullopt);
  ASSERT_TRUE(absl::IsInvalidArgument(info.status()));
  EXPECT_THAT(std::string(info.status().message()),
              HasSubstr("Must configure one of topics or topics.regex"));
  EXPECT_EQ(hosts_.Starts("s"), 0);
  EXPECT_TRUE(configs_.Snapshot().connectors.empty());
}

TEST_F(StandaloneHerderTest, PauseKeepsTasksInTheirHostAndResumeRunsThemAgain) {
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  ASSERT_TRUE(herder_->PauseConnector("s").ok());
  EXPECT_TRUE(AwaitStates("s", State::kPaused, State::kPaused, 1));
  EXPECT_EQ(configs_.Snapshot().target_states.at("s"), store::TargetState::kPaused);
  ASSERT_TRUE(herder_->ResumeConnector("s").ok());
  EXPECT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  EXPECT_EQ(hosts_.Starts("s"), 1);
  EXPECT_THAT(hosts_.Calls("s"), Not(Contains("StopTask 0")));
}

TEST_F(StandaloneHerderTest, StopDropsTheTasksAndResumeStartsEverythingAgain) {
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(herder_->StopConnector("s").ok());
  EXPECT_TRUE(AwaitStates("s", State::kStopped, State::kRunning, 0));
  EXPECT_TRUE(herder_->GetTasks("s")->empty());
  EXPECT_FALSE(configs_.Snapshot().task_configs.contains("s"));
  ASSERT_TRUE(herder_->ResumeConnector("s").ok());
  EXPECT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  EXPECT_EQ(hosts_.Starts("s"), 2);
}

TEST_F(StandaloneHerderTest, AHostThatDiesFailsTheConnectorAndItsTasksUntilRestarted) {
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  hosts_.Latest("s")->Crash("Plugin host for connector 's' (pid 1) was killed by signal 9");
  ASSERT_TRUE(AwaitStates("s", State::kFailed, State::kFailed, 1));
  EXPECT_THAT(herder_->GetConnectorStatus("s")->connector.trace.value_or(""),
              HasSubstr("killed by signal 9"));
  absl::StatusOr<RestartResult> restarted = herder_->RestartConnector("s", true, true);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  ASSERT_TRUE(restarted->status.has_value());
  EXPECT_EQ(restarted->status->connector.state, State::kRestarting);
  EXPECT_EQ(restarted->status->tasks.at(0).state, State::kRestarting);
  EXPECT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  EXPECT_EQ(hosts_.Starts("s"), 2);
}

TEST_F(StandaloneHerderTest, AReconfigurationRequestReplacesOnlyTheTasksThatChanged) {
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  hosts_.Script("s", {.task_count = 2});
  hosts_.Latest("s")->Raise({worker::ConnectorEvent::Kind::kReconfigure, ""});
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 2));
  // Task 0's config did not change: it kept running.
  EXPECT_THAT(hosts_.Calls("s"), Not(Contains("StopTask 0")));
  EXPECT_THAT(hosts_.Calls("s"), Contains("StartTask 1"));
}

TEST_F(StandaloneHerderTest, AnErrorTheConnectorRaisesFailsItButNotItsTasks) {
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  hosts_.Latest("s")->Raise({worker::ConnectorEvent::Kind::kFailure, "ConnectException: gone"});
  EXPECT_TRUE(AwaitStates("s", State::kFailed, State::kRunning, 1));
}

TEST_F(StandaloneHerderTest, DeletingAConnectorForgetsItsConfigAndStatuses) {
  ASSERT_TRUE(herder_->CreateConnector("s", Sink("s"), std::nullopt).ok());
  ASSERT_TRUE(AwaitStates("s", State::kRunning, State::kRunning, 1));
  ASSERT_TRUE(herder_->DeleteConnector("s").ok());
  EXPECT_TRUE(absl::IsNotFound(herder_->GetConnectorStatus("s").status()));
  EXPECT_FALSE(statuses_.GetConnector("s").has_value());
  EXPECT_TRUE(statuses_.GetTasks("s").empty());
  EXPECT_FALSE(configs_.Snapshot().connectors.contains("s"));
  EXPECT_EQ(herder_->DeleteConnector("s").message(), "Connector s not found");
}

TEST_F(StandaloneHerderTest, StoredConnectorsStartAsTheirTargetStateSays) {
  herder_->Shutdown();
  herder_.reset();
  ASSERT_TRUE(configs_.PutConnectorConfig("p", Sink("p"), store::TargetState::kPaused).ok());
  ASSERT_TRUE(configs_.PutConnectorConfig("r", Sink("r"), std::nullopt).ok());
  StartHerder();
  herder_->StartAll();
  EXPECT_TRUE(AwaitStates("p", State::kPaused, State::kRunning, 0));
  EXPECT_TRUE(AwaitStates("r", State::kRunning, State::kRunning, 1));
  // As in Kafka Connect, a connector that starts paused is not started.
  EXPECT_EQ(hosts_.Starts("p"), 0);
  EXPECT_THAT(herder_->ConnectorNames(), ElementsAre("p", "r"));
}

TEST_F(StandaloneHerderTest, AConnectorWhosePluginDoesNotAnswerIsFailedAndTheRequestTimesOut) {
  hosts_.Script("s", {.start_connector = absl::DeadlineExceededError("deadline")});
  absl::StatusOr<ConnectorInfo> info = herder_->CreateConnector("s", Sink("s"), std::nullopt);
  ASSERT_TRUE(absl::IsDeadlineExceeded(info.status()));
  EXPECT_EQ(herder_->GetConnectorStatus("s")->connector.state, State::kFailed);
  // Its host was stopped: a plugin that does not answer is not trusted with anything else.
  EXPECT_THAT(hosts_.Calls("s"), Contains("Stop"));
}

}  // namespace
}  // namespace sluice::herder
