#include "server/metrics/worker_metrics.h"

#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/metrics/process_metrics.h"

namespace sluice::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class WorkerMetricsTest : public ::testing::Test {
 protected:
  WorkerMetrics::Options Options() {
    WorkerMetrics::Options options;
    options.clock = [this] { return now_ms_.load(); };
    options.connector_state = [](const std::string& name) -> std::optional<std::string> {
      if (name == "broken") return "FAILED";
      return "RUNNING";
    };
    options.task_state = [](const std::string& name, int) -> std::optional<std::string> {
      if (name == "broken") return "FAILED";
      return "RUNNING";
    };
    return options;
  }
  std::atomic<int64_t> now_ms_{1'700'000'000'000};
};

TEST_F(WorkerMetricsTest, AnEmptyStandaloneWorkerHasWorkerMetricsOnly) {
  WorkerMetrics metrics(Options());
  EXPECT_EQ(metrics.Render(Format::kPrometheusText),
            "# HELP kafka_connect_worker_connector_count Kafka Connect JMX metric worker\n"
            "# TYPE kafka_connect_worker_connector_count gauge\n"
            "kafka_connect_worker_connector_count 0.0\n"
            "# HELP kafka_connect_worker_connector_startup_attempts_total Kafka Connect JMX "
            "metric worker\n"
            "# TYPE kafka_connect_worker_connector_startup_attempts_total counter\n"
            "kafka_connect_worker_connector_startup_attempts_total 0.0\n"
            "# HELP kafka_connect_worker_connector_startup_failure_percentage Kafka Connect JMX "
            "metric worker\n"
            "# TYPE kafka_connect_worker_connector_startup_failure_percentage gauge\n"
            "kafka_connect_worker_connector_startup_failure_percentage 0.0\n"
            "# HELP kafka_connect_worker_connector_startup_failure_total Kafka Connect JMX "
            "metric worker\n"
            "# TYPE kafka_connect_worker_connector_startup_failure_total counter\n"
            "kafka_connect_worker_connector_startup_failure_total 0.0\n"
            "# HELP kafka_connect_worker_connector_startup_success_percentage Kafka Connect JMX "
            "metric worker\n"
            "# TYPE kafka_connect_worker_connector_startup_success_percentage gauge\n"
            "kafka_connect_worker_connector_startup_success_percentage 0.0\n"
            "# HELP kafka_connect_worker_connector_startup_success_total Kafka Connect JMX "
            "metric worker\n"
            "# TYPE kafka_connect_worker_connector_startup_success_total counter\n"
            "kafka_connect_worker_connector_startup_success_total 0.0\n"
            "# HELP kafka_connect_worker_task_count Kafka Connect JMX metric worker\n"
            "# TYPE kafka_connect_worker_task_count gauge\n"
            "kafka_connect_worker_task_count 0.0\n"
            "# HELP kafka_connect_worker_task_startup_attempts_total Kafka Connect JMX metric "
            "worker\n"
            "# TYPE kafka_connect_worker_task_startup_attempts_total counter\n"
            "kafka_connect_worker_task_startup_attempts_total 0.0\n"
            "# HELP kafka_connect_worker_task_startup_failure_percentage Kafka Connect JMX "
            "metric worker\n"
            "# TYPE kafka_connect_worker_task_startup_failure_percentage gauge\n"
            "kafka_connect_worker_task_startup_failure_percentage 0.0\n"
            "# HELP kafka_connect_worker_task_startup_failure_total Kafka Connect JMX metric "
            "worker\n"
            "# TYPE kafka_connect_worker_task_startup_failure_total counter\n"
            "kafka_connect_worker_task_startup_failure_total 0.0\n"
            "# HELP kafka_connect_worker_task_startup_success_percentage Kafka Connect JMX "
            "metric worker\n"
            "# TYPE kafka_connect_worker_task_startup_success_percentage gauge\n"
            "kafka_connect_worker_task_startup_success_percentage 0.0\n"
            "# HELP kafka_connect_worker_task_startup_success_total Kafka Connect JMX metric "
            "worker\n"
            "# TYPE kafka_connect_worker_task_startup_success_total counter\n"
            "kafka_connect_worker_task_startup_success_total 0.0\n");
}

TEST_F(WorkerMetricsTest, ConnectorsAndTasksUnderStrimzisNames) {
  WorkerMetrics metrics(Options());
  metrics.AddConnector({"src", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                        "source", "3.9.1"});
  metrics.RecordConnectorStartup(true);
  std::shared_ptr<TaskMetrics> source = metrics.AddTask("src", 0, TaskKind::kSource);
  metrics.RecordTaskStartup(true);
  source->ChangeState(TaskState::kRunning);
  source->RecordPoll(3, 7);
  source->RecordBatch(3);
  source->RecordWrite(2);
  source->RecordStage(PipelineStage::kProduce, 2, 40);
  now_ms_ += 1000;

  const std::string text = metrics.Render(Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_connector_count 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_task_count 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_connector_startup_success_percentage 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_status{connector=\"src\","
                              "status=\"running\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_connector_class{connector=\"src\","
                              "connector_class=\"org.apache.kafka.connect.file."
                              "FileStreamSourceConnector\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_connector_type{connector=\"src\","
                              "connector_type=\"source\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_connector_version{connector=\"src\","
                              "connector_version=\"3.9.1\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_task_status{connector=\"src\","
                              "status=\"running\",task=\"0\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE kafka_connect_source_task_source_record_poll_total "
                              "counter\n"
                              "kafka_connect_source_task_source_record_poll_total{connector="
                              "\"src\",task=\"0\"} 3.0\n"));
  // 3 records 1 s into the first window: Kafka's Rate divides by at least one whole window
  // more than has passed, 31 s.
  EXPECT_THAT(text, HasSubstr("kafka_connect_source_task_source_record_poll_rate{connector="
                              "\"src\",task=\"0\"} 0.0967741935483871\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_source_task_source_record_write_total{connector="
                              "\"src\",task=\"0\"} 2.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_source_task_poll_batch_max_time_ms{connector="
                              "\"src\",task=\"0\"} 7.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_task_batch_size_avg{connector=\"src\","
                              "task=\"0\"} 3.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_task_running_ratio{connector=\"src\","
                              "task=\"0\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_task_error_total_record_failures{connector="
                              "\"src\",task=\"0\"} 0.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_connector_running_task_count{connector="
                              "\"src\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_connector_failed_task_count{connector="
                              "\"src\"} 0.0\n"));
  EXPECT_THAT(text, HasSubstr("sluice_task_stage_records_total{connector=\"src\","
                              "stage=\"produce\",task=\"0\"} 2.0\n"));
  EXPECT_THAT(text, HasSubstr("sluice_task_stage_bytes_total{connector=\"src\","
                              "stage=\"produce\",task=\"0\"} 40.0\n"));
  EXPECT_THAT(text, Not(HasSubstr("sluice_task_stage_bytes_total{connector=\"src\","
                                  "stage=\"transform\"")));
  // The exporter's (.+-count) rule gives the -max and -avg attributes the same name.
  EXPECT_THAT(text,
              HasSubstr("kafka_connect_source_task_source_record_active_count{_objectname="
                        "\"kafka.connect<type=source-task-metrics, connector=src, task=0><>"
                        "source-record-active-count-max\",connector=\"src\",task=\"0\"} NaN\n"));
  // Neither standalone Kafka Connect nor Sluice has rebalance metrics.
  EXPECT_THAT(text, Not(HasSubstr("kafka_connect_worker_rebalance")));
  EXPECT_THAT(text, Not(HasSubstr("offset_commit_success_percentage")));
}

TEST_F(WorkerMetricsTest, AFailedTaskKeepsItsMetricsUntilRemoved) {
  WorkerMetrics metrics(Options());
  metrics.AddConnector({"broken", "Sink", "sink", ""});
  std::shared_ptr<TaskMetrics> sink = metrics.AddTask("broken", 1, TaskKind::kSink);
  sink->ChangeState(TaskState::kRunning);
  sink->RecordFailure();
  sink->RecordErrorTimestamp();
  sink->ChangeState(TaskState::kFailed);

  std::string text = metrics.Render(Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_status{connector=\"broken\","
                              "status=\"failed\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_connector_task_status{connector=\"broken\","
                              "status=\"failed\",task=\"1\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_connector_failed_task_count{connector="
                              "\"broken\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_task_error_total_record_failures{connector="
                              "\"broken\",task=\"1\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_task_error_last_error_timestamp{connector="
                              "\"broken\",task=\"1\"} 1.7E12\n"));
  // No version: the exporter's (.+) needs one.
  EXPECT_THAT(text, Not(HasSubstr("connector_version")));

  metrics.RemoveTask("broken", 1);
  metrics.RemoveConnector("broken");
  text = metrics.Render(Format::kPrometheusText);
  EXPECT_THAT(text, Not(HasSubstr("broken")));
}

TEST_F(WorkerMetricsTest, DistributedWorkersHaveRebalanceAndCoordinatorMetrics) {
  WorkerMetrics::Options options = Options();
  options.distributed = true;
  // Kafka Connect's default client id, "connect-" and the worker id, needs quoting in JMX.
  options.coordinator_client_id = "connect-worker-1:8083";
  WorkerMetrics metrics(options);
  std::string text = metrics.Render(Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_rebalance_time_since_last_rebalance_ms "
                              "+Inf\n"));
  EXPECT_THAT(text, Not(HasSubstr("leader_name")));

  metrics.SetConnectProtocol("SESSIONED");
  metrics.RebalanceStarted();
  EXPECT_THAT(metrics.Render(Format::kPrometheusText),
              HasSubstr("kafka_connect_worker_rebalance_rebalancing 1.0\n"));
  now_ms_ += 250;
  metrics.RebalanceSucceeded(3, "http://worker-1:8083/", 2, 5);
  now_ms_ += 1000;
  text = metrics.Render(Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_rebalance_rebalancing 0.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_rebalance_epoch 3.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_rebalance_completed_rebalances_total 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_rebalance_rebalance_max_time_ms 250.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_rebalance_time_since_last_rebalance_ms "
                              "1000.0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE kafka_connect_worker_rebalance_leader_name untyped\n"
                              "kafka_connect_worker_rebalance_leader_name{leader_name="
                              "\"http://worker-1:8083/\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_worker_rebalance_connect_protocol{"
                              "connect_protocol=\"SESSIONED\"} 1.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_coordinator_assigned_connectors{clientid="
                              "\"\\\"connect-worker-1:8083\\\"\"} 2.0\n"));
  EXPECT_THAT(text, HasSubstr("kafka_connect_coordinator_assigned_tasks{clientid="
                              "\"\\\"connect-worker-1:8083\\\"\"} 5.0\n"));
}

TEST_F(WorkerMetricsTest, PluginHostsAreReadFromProcAndTheirRestartsCounted) {
  WorkerMetrics metrics(Options());
  metrics.AddPluginHost("src", getpid());  // any live process will do: this one
  std::string text = metrics.Render(Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("sluice_plugin_host_restarts_total{connector=\"src\"} 0.0\n"));
  EXPECT_THAT(text, HasSubstr("sluice_plugin_host_resident_memory_bytes{connector=\"src\"} "));
  EXPECT_THAT(text, HasSubstr("sluice_plugin_host_cpu_seconds_total{connector=\"src\"} "));
  EXPECT_THAT(text, Not(HasSubstr("sluice_plugin_host_resident_memory_bytes{connector=\"src\"} "
                                  "0.0\n")));

  metrics.RemovePluginHost("src");
  text = metrics.Render(Format::kPrometheusText);
  EXPECT_THAT(text, Not(HasSubstr("sluice_plugin_host_resident_memory_bytes")));
  metrics.AddPluginHost("src", getpid());
  text = metrics.Render(Format::kPrometheusText);
  EXPECT_THAT(text, HasSubstr("sluice_plugin_host_restarts_total{connector=\"src\"} 1.0\n"));
}

TEST(ProcessCollectorTest, GivesTheStandardProcessMetrics) {
  std::vector<MetricFamily> families;
  ProcessCollector()(families);
  const std::string text = Render(families, Format::kPrometheusText);
  for (const char* name :
       {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
        "process_virtual_memory_bytes ", "process_start_time_seconds ", "process_open_fds "}) {
    EXPECT_THAT(text, HasSubstr(std::string("\n") + name)) << name;
  }
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
}

TEST(JmxSanitizeTest, QuotesNamesJmxCannotHoldAsIs) {
  EXPECT_EQ(JmxSanitize("local-file_source.1 %x"), "local-file_source.1 %x");
  EXPECT_EQ(JmxSanitize("a:b"), "\"a:b\"");
  EXPECT_EQ(JmxSanitize("q\"*?\\\n"), "\"q\\\"\\*\\?\\\\\\n\"");
}

}  // namespace
}  // namespace sluice::metrics
