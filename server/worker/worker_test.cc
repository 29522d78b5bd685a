// The worker against fake plugin hosts (server/worker/testing): what it asks of a connector's
// host, in which order, and what it reports.
#include "server/worker/worker.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/offset_store.h"
#include "server/worker/testing/fake_connector_host.h"
#include "server/worker/testing/test_worker_setup.h"

namespace sluice::worker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<config::WorkerConfig> config = testing::TestWorkerConfig(dir_.path());
    ASSERT_TRUE(config.ok()) << config.status();
    config_ = *std::move(config);
    absl::StatusOr<std::unique_ptr<plugins::PluginRegistry>> registry =
        testing::BuiltPluginRegistry(dir_.path());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
    worker_ = std::make_unique<Worker>(Worker::Options{.worker = &config_,
                                                       .bootstrap_servers = "unused:9092",
                                                       .registry = registry_.get(),
                                                       .hosts = &hosts_,
                                                       .offsets = &offsets_,
                                                       .listener = &listener_});
  }
  void TearDown() override {
    if (worker_ != nullptr) {
      for (const char* name : {"c", "sink"}) worker_->StopConnectorHost(name);
    }
  }

  absl::Status StartHost(const std::string& name, ConfigMap config) {
    return worker_->StartConnectorHost(
        name, config, [this](const std::string& trace) { exits_.push_back(trace); },
        [](const ConnectorEvent&) {});
  }

  static ConfigMap Source() {
    return {{"name", "c"}, {"connector.class", "FileStreamSource"}, {"topic", "t"},
            {"file", "/dev/null"}, {"tasks.max", "1"}};
  }

  testing::ScratchDir dir_;
  config::WorkerConfig config_;
  std::unique_ptr<plugins::PluginRegistry> registry_;
  testing::FakeConnectorHosts hosts_;
  store::MemoryOffsetStore offsets_;
  testing::RecordingListener listener_;
  std::vector<std::string> exits_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(WorkerTest, StartsTheConnectorThenItsTasksAndStopsThemInReverse) {
  ASSERT_TRUE(StartHost("c", Source()).ok());
  EXPECT_TRUE(worker_->HostAlive("c"));
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector("c");
  ASSERT_TRUE(tasks.ok()) << tasks.status();
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].at("task.class"), "FakeTask");
  EXPECT_EQ(listener_.Reports("c").front().what, "running");

  ASSERT_TRUE(worker_->StartTask("c", 0, (*tasks)[0], 1, /*paused=*/false));
  EXPECT_TRUE(listener_.AwaitReport("c-0", "task running"));
  EXPECT_THAT(worker_->Tasks("c"), ElementsAre(0));

  worker_->StopConnectorHost("c");
  EXPECT_FALSE(worker_->HostAlive("c"));
  EXPECT_TRUE(listener_.AwaitReport("c-0", "task stopped"));
  EXPECT_THAT(hosts_.Calls("c"), ElementsAre("StartConnector", "TaskConfigs", "StartTask 0",
                                             "StopTask 0", "StopConnector", "Stop"));
}

TEST_F(WorkerTest, AnUnknownClassFailsTheConnectorWithKafkaConnectsMessage) {
  ConfigMap config = Source();
  config["connector.class"] = "com.example.Missing";
  EXPECT_FALSE(StartHost("c", config).ok());
  ASSERT_EQ(listener_.Reports("c").size(), 1u);
  EXPECT_THAT(listener_.Reports("c")[0].trace,
              StartsWith("Failed to find any class that implements Connector and which name "
                         "matches com.example.Missing"));
  EXPECT_EQ(hosts_.Starts("c"), 0);
}

TEST_F(WorkerTest, AHostThatDoesNotStartFailsTheConnector) {
  hosts_.Script("c", {.host_start = absl::UnavailableError("exec failed")});
  EXPECT_FALSE(StartHost("c", Source()).ok());
  EXPECT_EQ(listener_.Reports("c")[0].trace, "Could not start the plugin host: exec failed");
  EXPECT_FALSE(worker_->HostAlive("c"));
}

TEST_F(WorkerTest, MoreTaskConfigsThanTasksMaxFailTheConnector) {
  hosts_.Script("c", {.task_count = 2});
  ASSERT_TRUE(StartHost("c", Source()).ok());
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector("c");
  EXPECT_TRUE(absl::IsAborted(tasks.status()));
  EXPECT_EQ(listener_.Reports("c").back().trace, TooManyTasksMessage("c", 2, 1));
}

TEST_F(WorkerTest, APluginThatDoesNotAnswerTimesTheRequestOut) {
  hosts_.Script("c", {.start_connector = absl::DeadlineExceededError("deadline")});
  ASSERT_TRUE(StartHost("c", Source()).ok());
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector("c");
  ASSERT_TRUE(absl::IsDeadlineExceeded(tasks.status()));
  EXPECT_THAT(std::string(tasks.status().message()),
              StartsWith("Request timed out: the plugin of connector c did not answer within 2s "
                         "(start connector)"));
  EXPECT_THAT(listener_.Reports("c").back().trace, StartsWith("Timed out: "));
}

TEST_F(WorkerTest, AFailedCallFailsTheConnectorWithThePluginsMessage) {
  hosts_.Script("c", {.task_configs_error = absl::InternalError("java.lang.IllegalStateException")});
  ASSERT_TRUE(StartHost("c", Source()).ok());
  EXPECT_TRUE(absl::IsAborted(worker_->StartConnector("c").status()));
  EXPECT_EQ(listener_.Reports("c").back().trace,
            "Failed to generate task configs: java.lang.IllegalStateException");
}

TEST_F(WorkerTest, SinkTaskConfigsCarryTheConnectorsTopics) {
  ASSERT_TRUE(StartHost("sink", {{"name", "sink"},
                                 {"connector.class", "FileStreamSink"},
                                 {"topics", "a,b"},
                                 {"file", "/dev/null"}})
                  .ok());
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector("sink");
  ASSERT_TRUE(tasks.ok()) << tasks.status();
  EXPECT_EQ((*tasks)[0].at("topics"), "a,b");
}

TEST_F(WorkerTest, ATaskOfTooManyConfigsDoesNotStart) {
  ASSERT_TRUE(StartHost("c", Source()).ok());
  ASSERT_TRUE(worker_->StartConnector("c").ok());
  EXPECT_FALSE(worker_->StartTask("c", 1, {{"n", "1"}}, 2, false));
  EXPECT_EQ(listener_.Reports("c-1").back().trace, TooManyTasksMessage("c", 2, 1));
  EXPECT_TRUE(worker_->Tasks("c").empty());
}

TEST_F(WorkerTest, RegistersItsConnectorsAndTasksWithTheMetricsRegistry) {
  metrics::WorkerMetrics metrics({});
  Worker worker(Worker::Options{.worker = &config_,
                                .bootstrap_servers = "unused:9092",
                                .registry = registry_.get(),
                                .hosts = &hosts_,
                                .offsets = &offsets_,
                                .listener = &listener_,
                                .metrics = &metrics});
  ASSERT_TRUE(worker.StartConnectorHost("c", Source(), [](const std::string&) {},
                                        [](const ConnectorEvent&) {})
                  .ok());
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker.StartConnector("c");
  ASSERT_TRUE(tasks.ok()) << tasks.status();
  ASSERT_TRUE(worker.StartTask("c", 0, (*tasks)[0], 1, /*paused=*/false));
  EXPECT_TRUE(listener_.AwaitReport("c-0", "task running"));
  EXPECT_FALSE(worker.StartTask("c", 1, (*tasks)[0], 2, /*paused=*/false));

  std::string text = metrics.Render(metrics::Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("\nkafka_connect_worker_connector_count 1.0\n"));
  EXPECT_THAT(text, HasSubstr("\nkafka_connect_worker_task_count 1.0\n"));
  EXPECT_THAT(text, HasSubstr("\nkafka_connect_worker_connector_startup_success_total 1.0\n"));
  EXPECT_THAT(text, HasSubstr("\nkafka_connect_worker_task_startup_success_total 1.0\n"));
  EXPECT_THAT(text, HasSubstr("\nkafka_connect_worker_task_startup_failure_total 1.0\n"));
  EXPECT_THAT(text, HasSubstr("\nkafka_connect_worker_task_startup_failure_percentage 0.5\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_connector_class{connector=\"c\","
                              "connector_class=\"org.apache.kafka.connect.file."
                              "FileStreamSourceConnector\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_task_status{connector=\"c\","
                              "status=\"running\",task=\"0\"} 1.0\n"));

  worker.StopConnectorHost("c");
  text = metrics.Render(metrics::Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("\nkafka_connect_worker_connector_count 0.0\n"));
  EXPECT_THAT(text, HasSubstr("\nkafka_connect_worker_task_count 0.0\n"));
  EXPECT_THAT(text, Not(HasSubstr("connector=\"c\"")));
}

TEST_F(WorkerTest, PausedTasksReportPauseApplied) {
  ASSERT_TRUE(StartHost("c", Source()).ok());
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector("c");
  ASSERT_TRUE(tasks.ok());
  ASSERT_TRUE(worker_->StartTask("c", 0, (*tasks)[0], 1, false));
  EXPECT_TRUE(worker_->PauseTasks("c", absl::Seconds(5)).empty());
  worker_->ResumeTasks("c");
}

TEST_F(WorkerTest, AHostThatDiesIsReportedThroughItsExitCallback) {
  ASSERT_TRUE(StartHost("c", Source()).ok());
  hosts_.Latest("c")->Crash("killed by signal 9");
  EXPECT_FALSE(worker_->HostAlive("c"));
  EXPECT_THAT(exits_, ElementsAre("killed by signal 9"));
}

TEST_F(WorkerTest, ANewConfigThatDoesNotParseChangesNothing) {
  ASSERT_TRUE(StartHost("c", Source()).ok());
  ASSERT_TRUE(worker_->StartConnector("c").ok());
  ConfigMap bad = Source();
  bad["tasks.max"] = "zero";
  EXPECT_TRUE(absl::IsInvalidArgument(worker_->ReplaceConnectorConfig("c", bad)));
  ConfigMap good = Source();
  good["topic"] = "t2";
  ASSERT_TRUE(worker_->ReplaceConnectorConfig("c", good).ok());
  ASSERT_TRUE(worker_->StartConnector("c").ok());
  EXPECT_EQ(hosts_.Latest("c")->started_config().at("topic"), "t2");
  EXPECT_THAT(hosts_.Calls("c"), ::testing::Contains(HasSubstr("StopConnector")));
}

}  // namespace
}  // namespace sluice::worker
