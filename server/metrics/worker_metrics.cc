#include "server/metrics/worker_metrics.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/metrics/process_metrics.h"

namespace sluice::metrics {

namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The HELP texts are those of the Strimzi rules that match (their help with $n substituted).
constexpr std::string_view kWorkerHelp = "Kafka Connect JMX metric worker";
constexpr std::string_view kRebalanceHelp = "Kafka Connect JMX metric rebalance information";
constexpr std::string_view kTaskStatusHelp = "Kafka Connect JMX Connector task status";

// Collects samples into families by name; the first sample of a family sets its help and type
// (the exporter keeps the first rule's).
class Families {
 public:
  void Add(std::string_view name, std::string_view help, MetricType type, Labels labels,
           double value) {
    auto [it, inserted] = families_.try_emplace(std::string(name));
    if (inserted) {
      it->second.name = std::string(name);
      it->second.help = std::string(help);
      it->second.type = type;
    }
    it->second.samples.push_back(Sample{std::move(labels), value});
  }
  void Merge(const std::vector<MetricFamily>& more) {
    for (const MetricFamily& family : more) {
      for (const Sample& sample : family.samples) {
        Add(family.name, family.help, family.type, sample.labels, sample.value);
      }
    }
  }
  void Append(std::vector<MetricFamily>& out) {
    for (auto& [name, family] : families_) out.push_back(std::move(family));
  }

 private:
  std::map<std::string, MetricFamily> families_;
};

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(Av(s)); }

// A task group attribute as the Strimzi rules for kafka.connect<type=(.+)-metrics,
// connector=(.+), task=(.+)> name it: kafka_connect_<group>_<attribute>, COUNTER for
// *-total, else GAUGE.
void AddTaskAttribute(Families& families, std::string_view group, std::string_view attribute,
                      const Labels& labels, double value) {
  std::string name = absl::StrCat("kafka_connect_", Av(group), "_", Av(attribute));
  std::replace(name.begin(), name.end(), '-', '_');
  const bool total = attribute.size() > 6 && attribute.substr(attribute.size() - 6) == "-total";
  families.Add(name, absl::StrCat("Kafka Connect JMX metric type ", Av(group)),
               total ? MetricType::kCounter : MetricType::kGauge, labels, value);
}

// source-record-active-count, -max and -avg (likewise sink-): the rule's (.+-count) also takes
// the -max and -avg attributes, so the exporter gets three samples with one name and the same
// labels, and tells them apart with an _objectname label: the rule's match text up to the
// value.
void AddActiveCounts(Families& families, std::string_view group, std::string_view prefix,
                     const std::string& connector, int task, const Labels& labels,
                     const TaskMetricsSnapshot& s) {
  std::string name =
      absl::StrCat("kafka_connect_", Av(group), "_", Av(prefix), "_record_active_count");
  std::replace(name.begin(), name.end(), '-', '_');
  const std::string bean = absl::StrCat("kafka.connect<type=", Av(group), "-metrics, connector=",
                                        connector, ", task=", task, "><>");
  const std::string base = absl::StrCat(Av(prefix), "-record-active-count");
  const std::pair<std::string, double> attributes[] = {
      {base, s.record_active_count},
      {base + "-max", s.record_active_count_max},
      {base + "-avg", s.record_active_count_avg},
  };
  for (const auto& [attribute, value] : attributes) {
    Labels with_object = labels;
    with_object.emplace_back("_objectname", bean + attribute);
    families.Add(name, absl::StrCat("Kafka Connect JMX metric type ", Av(group)),
                 MetricType::kGauge, std::move(with_object), value);
  }
}

std::string_view TaskStateName(TaskState state) {
  switch (state) {
    case TaskState::kRunning: return "running";
    case TaskState::kPaused: return "paused";
    case TaskState::kFailed: return "failed";
    case TaskState::kNone: return "";
  }
  return "";
}

void AddTaskFamilies(Families& families, const TaskMetrics& task) {
  const TaskMetricsSnapshot s = task.Snapshot();
  const std::string connector = JmxSanitize(task.connector());
  const Labels labels = {{"connector", connector}, {"task", absl::StrCat(task.task())}};

  // connector-task-metrics. The status is a string attribute: the task status rule turns it
  // into a sample of value 1 with a status label. Before the task first starts Kafka Connect's
  // status has no value, and the exporter skips it.
  if (s.state != TaskState::kNone) {
    Labels status = labels;
    status.emplace_back("status", std::string(TaskStateName(s.state)));
    families.Add("kafka_connect_connector_task_status", kTaskStatusHelp, MetricType::kGauge,
                 std::move(status), 1.0);
  }
  constexpr std::string_view kTask = "connector-task";
  AddTaskAttribute(families, kTask, "running-ratio", labels, s.running_ratio);
  AddTaskAttribute(families, kTask, "pause-ratio", labels, s.pause_ratio);
  AddTaskAttribute(families, kTask, "offset-commit-max-time-ms", labels,
                   s.offset_commit_max_time_ms);
  AddTaskAttribute(families, kTask, "offset-commit-avg-time-ms", labels,
                   s.offset_commit_avg_time_ms);
  AddTaskAttribute(families, kTask, "batch-size-max", labels, s.batch_size_max);
  AddTaskAttribute(families, kTask, "batch-size-avg", labels, s.batch_size_avg);
  // offset-commit-success-percentage and -failure-percentage match none of the rules: the
  // exporter drops them, and so does Sluice.

  if (task.kind() == TaskKind::kSource) {
    constexpr std::string_view kSource = "source-task";
    AddTaskAttribute(families, kSource, "source-record-poll-total", labels,
                     s.source_record_poll_total);
    AddTaskAttribute(families, kSource, "source-record-poll-rate", labels,
                     s.source_record_poll_rate);
    AddTaskAttribute(families, kSource, "source-record-write-total", labels,
                     s.source_record_write_total);
    AddTaskAttribute(families, kSource, "source-record-write-rate", labels,
                     s.source_record_write_rate);
    AddTaskAttribute(families, kSource, "poll-batch-max-time-ms", labels,
                     s.poll_batch_max_time_ms);
    AddTaskAttribute(families, kSource, "poll-batch-avg-time-ms", labels,
                     s.poll_batch_avg_time_ms);
    AddActiveCounts(families, kSource, "source", connector, task.task(), labels, s);
  } else {
    constexpr std::string_view kSink = "sink-task";
    AddTaskAttribute(families, kSink, "sink-record-read-total", labels, s.sink_record_read_total);
    AddTaskAttribute(families, kSink, "sink-record-read-rate", labels, s.sink_record_read_rate);
    AddTaskAttribute(families, kSink, "sink-record-send-total", labels, s.sink_record_send_total);
    AddTaskAttribute(families, kSink, "sink-record-send-rate", labels, s.sink_record_send_rate);
    AddTaskAttribute(families, kSink, "partition-count", labels, s.partition_count);
    AddTaskAttribute(families, kSink, "offset-commit-seq-no", labels, s.offset_commit_seq_no);
    AddTaskAttribute(families, kSink, "offset-commit-completion-total", labels,
                     s.offset_commit_completion_total);
    AddTaskAttribute(families, kSink, "offset-commit-completion-rate", labels,
                     s.offset_commit_completion_rate);
    AddTaskAttribute(families, kSink, "offset-commit-skip-total", labels,
                     s.offset_commit_skip_total);
    AddTaskAttribute(families, kSink, "offset-commit-skip-rate", labels,
                     s.offset_commit_skip_rate);
    AddTaskAttribute(families, kSink, "put-batch-max-time-ms", labels, s.put_batch_max_time_ms);
    AddTaskAttribute(families, kSink, "put-batch-avg-time-ms", labels, s.put_batch_avg_time_ms);
    AddActiveCounts(families, kSink, "sink", connector, task.task(), labels, s);
  }

  constexpr std::string_view kErrors = "task-error";
  AddTaskAttribute(families, kErrors, "total-record-failures", labels, s.total_record_failures);
  AddTaskAttribute(families, kErrors, "total-record-errors", labels, s.total_record_errors);
  AddTaskAttribute(families, kErrors, "total-records-skipped", labels, s.total_records_skipped);
  AddTaskAttribute(families, kErrors, "total-retries", labels, s.total_retries);
  AddTaskAttribute(families, kErrors, "total-errors-logged", labels, s.total_errors_logged);
  AddTaskAttribute(families, kErrors, "deadletterqueue-produce-requests", labels,
                   s.deadletterqueue_produce_requests);
  AddTaskAttribute(families, kErrors, "deadletterqueue-produce-failures", labels,
                   s.deadletterqueue_produce_failures);
  AddTaskAttribute(families, kErrors, "last-error-timestamp", labels, s.last_error_timestamp);

  // Sluice's own: records and bytes through each stage of the task's pipeline.
  const PipelineStage stages[] = {PipelineStage::kPoll,    PipelineStage::kConvert,
                                  PipelineStage::kTransform, PipelineStage::kProduce,
                                  PipelineStage::kConsume, PipelineStage::kPut};
  for (PipelineStage stage : stages) {
    const bool source_stage = stage == PipelineStage::kPoll || stage == PipelineStage::kProduce;
    const bool sink_stage = stage == PipelineStage::kConsume || stage == PipelineStage::kPut;
    if ((task.kind() == TaskKind::kSource && sink_stage) ||
        (task.kind() == TaskKind::kSink && source_stage)) {
      continue;
    }
    Labels stage_labels = {{"connector", task.connector()},
                           {"task", absl::StrCat(task.task())},
                           {"stage", std::string(PipelineStageName(stage))}};
    const int i = static_cast<int>(stage);
    families.Add("sluice_task_stage_records_total",
                 "Records that passed each stage of the task's pipeline.", MetricType::kCounter,
                 stage_labels, static_cast<double>(s.stage_records[i]));
    // Between the transforms records are Connect data, not bytes.
    if (stage == PipelineStage::kTransform) continue;
    families.Add("sluice_task_stage_bytes_total",
                 "Bytes that passed each stage of the task's pipeline: the plugin's batches as "
                 "received (poll) or sent (put), else the records' serialized keys and values.",
                 MetricType::kCounter, std::move(stage_labels),
                 static_cast<double>(s.stage_bytes[i]));
  }
  std::vector<MetricFamily> clients;
  for (const KafkaClientStats& client : s.clients) AddKafkaClientFamilies(client, clients);
  families.Merge(clients);
  families.Add("sluice_task_dead_letter_queue_records_total",
               "Records the task wrote to its dead letter queue.", MetricType::kCounter,
               {{"connector", task.connector()}, {"task", absl::StrCat(task.task())}},
               s.deadletterqueue_produce_requests - s.deadletterqueue_produce_failures);
}

}  // namespace

std::string JmxSanitize(std::string_view value) {
  auto plain = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
           c == '%' || c == '.' || c == ' ' || c == '\t';
  };
  if (std::all_of(value.begin(), value.end(), plain)) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    switch (c) {
      case '\n':
        quoted += "\\n";
        break;
      case '\\':
      case '"':
      case '*':
      case '?':
        quoted += '\\';
        quoted += c;
        break;
      default:
        quoted += c;
    }
  }
  quoted += '"';
  return quoted;
}

WorkerMetrics::WorkerMetrics(Options options) : options_([&] {
  Options o = std::move(options);
  if (!o.clock) o.clock = &WallClockMs;
  return o;
}()) {}

void WorkerMetrics::AddConnector(ConnectorMetricsInfo info) {
  absl::MutexLock lock(&mu_);
  std::string name = info.name;
  connectors_[name] = std::move(info);
}

void WorkerMetrics::RemoveConnector(const std::string& name) {
  absl::MutexLock lock(&mu_);
  connectors_.erase(name);
}

std::shared_ptr<TaskMetrics> WorkerMetrics::AddTask(const std::string& connector, int task,
                                                    TaskKind kind) {
  auto metrics = std::make_shared<TaskMetrics>(connector, task, kind, options_.clock);
  absl::MutexLock lock(&mu_);
  tasks_[{connector, task}] = metrics;
  return metrics;
}

void WorkerMetrics::RemoveTask(const std::string& connector, int task) {
  absl::MutexLock lock(&mu_);
  tasks_.erase({connector, task});
}

void WorkerMetrics::RecordConnectorStartup(bool success) {
  const int64_t now = options_.clock();
  absl::MutexLock lock(&mu_);
  connector_startup_attempts_ += 1;
  (success ? connector_startup_successes_ : connector_startup_failures_) += 1;
  connector_startup_results_.Record(success ? 1.0 : 0.0, now);
}

void WorkerMetrics::RecordTaskStartup(bool success) {
  const int64_t now = options_.clock();
  absl::MutexLock lock(&mu_);
  task_startup_attempts_ += 1;
  (success ? task_startup_successes_ : task_startup_failures_) += 1;
  task_startup_results_.Record(success ? 1.0 : 0.0, now);
}

void WorkerMetrics::SetConnectProtocol(std::string protocol) {
  absl::MutexLock lock(&mu_);
  connect_protocol_ = std::move(protocol);
}

void WorkerMetrics::RebalanceStarted() {
  const int64_t now = options_.clock();
  absl::MutexLock lock(&mu_);
  rebalancing_ = true;
  rebalance_started_ms_ = now;
}

void WorkerMetrics::RebalanceSucceeded(int64_t generation, std::string leader,
                                       int assigned_connectors, int assigned_tasks) {
  const int64_t now = options_.clock();
  absl::MutexLock lock(&mu_);
  const int64_t duration_ms = now - rebalance_started_ms_;
  rebalancing_ = false;
  epoch_ = generation;
  leader_name_ = std::move(leader);
  assigned_connectors_ = assigned_connectors;
  assigned_tasks_ = assigned_tasks;
  completed_rebalances_ += 1;
  rebalance_time_max_.Record(static_cast<double>(std::max<int64_t>(0, duration_ms)), now);
  rebalance_time_avg_.Record(static_cast<double>(std::max<int64_t>(0, duration_ms)), now);
  last_rebalance_completed_ms_ = now;
}

void WorkerMetrics::AddPluginHost(const std::string& connector, pid_t pid) {
  absl::MutexLock lock(&mu_);
  plugin_hosts_[connector] = pid;
  ++plugin_host_starts_[connector];
}

void WorkerMetrics::RemovePluginHost(const std::string& connector) {
  absl::MutexLock lock(&mu_);
  plugin_hosts_.erase(connector);
}

void WorkerMetrics::AddCollector(Collector collector) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(collector));
}

std::vector<MetricFamily> WorkerMetrics::Collect() const {
  const int64_t now = options_.clock();
  Families families;
  std::vector<std::shared_ptr<TaskMetrics>> tasks;
  std::vector<ConnectorMetricsInfo> connectors;
  std::vector<Collector> collectors;
  std::map<std::string, pid_t> hosts;
  std::map<std::string, int64_t> host_starts;
  {
    absl::MutexLock lock(&mu_);
    hosts = plugin_hosts_;
    host_starts = plugin_host_starts_;
    for (const auto& [key, task] : tasks_) tasks.push_back(task);
    for (const auto& [name, info] : connectors_) connectors.push_back(info);
    collectors = collectors_;

    // connect-worker-metrics.
    auto worker = [&](std::string_view attribute, double value) {
      std::string name = absl::StrCat("kafka_connect_worker_", Av(attribute));
      std::replace(name.begin(), name.end(), '-', '_');
      const bool total =
          attribute.size() > 6 && attribute.substr(attribute.size() - 6) == "-total";
      families.Add(name, kWorkerHelp, total ? MetricType::kCounter : MetricType::kGauge, {},
                   value);
    };
    worker("connector-count", static_cast<double>(connectors_.size()));
    worker("task-count", static_cast<double>(tasks_.size()));
    worker("connector-startup-attempts-total", connector_startup_attempts_);
    worker("connector-startup-success-total", connector_startup_successes_);
    worker("connector-startup-success-percentage",
           connector_startup_results_.Frequency(true, now));
    worker("connector-startup-failure-total", connector_startup_failures_);
    worker("connector-startup-failure-percentage",
           connector_startup_results_.Frequency(false, now));
    worker("task-startup-attempts-total", task_startup_attempts_);
    worker("task-startup-success-total", task_startup_successes_);
    worker("task-startup-success-percentage", task_startup_results_.Frequency(true, now));
    worker("task-startup-failure-total", task_startup_failures_);
    worker("task-startup-failure-percentage", task_startup_results_.Frequency(false, now));

    if (options_.distributed) {
      // connect-worker-rebalance-metrics. leader-name and connect-protocol are strings: the
      // rule makes each a sample of value 1 labelled with the string (none while unknown).
      if (!leader_name_.empty()) {
        families.Add("kafka_connect_worker_rebalance_leader_name",
                     absl::StrCat("Kafka Connect ", leader_name_,
                                  " JMX metric type worker rebalance"),
                     MetricType::kUnknown, {{"leader_name", leader_name_}}, 1.0);
      }
      if (!connect_protocol_.empty()) {
        families.Add("kafka_connect_worker_rebalance_connect_protocol",
                     absl::StrCat("Kafka Connect ", connect_protocol_,
                                  " JMX metric type worker rebalance"),
                     MetricType::kUnknown, {{"connect_protocol", connect_protocol_}}, 1.0);
      }
      auto rebalance = [&](std::string_view attribute, double value) {
        std::string name = absl::StrCat("kafka_connect_worker_rebalance_", Av(attribute));
        std::replace(name.begin(), name.end(), '-', '_');
        const bool total =
            attribute.size() > 6 && attribute.substr(attribute.size() - 6) == "-total";
        families.Add(name, kRebalanceHelp, total ? MetricType::kCounter : MetricType::kGauge,
                     {}, value);
      };
      rebalance("epoch", static_cast<double>(epoch_));
      rebalance("completed-rebalances-total", completed_rebalances_);
      rebalance("rebalancing", rebalancing_ ? 1.0 : 0.0);
      rebalance("rebalance-max-time-ms", rebalance_time_max_.Measure(now));
      rebalance("rebalance-avg-time-ms", rebalance_time_avg_.Measure(now));
      rebalance("time-since-last-rebalance-ms",
                last_rebalance_completed_ms_.has_value()
                    ? static_cast<double>(now - *last_rebalance_completed_ms_)
                    : std::numeric_limits<double>::infinity());
      // connect-coordinator-metrics (client-id tagged): the generic client rule names them.
      // A client id JMX cannot hold as is (the default, "connect-<host>:<port>") stays quoted.
      const Labels client = {{"clientid", JmxSanitize(options_.coordinator_client_id)}};
      const std::string help = "Kafka connect JMX metric type connect-coordinator";
      families.Add("kafka_connect_coordinator_assigned_connectors", help, MetricType::kGauge,
                   client, static_cast<double>(assigned_connectors_));
      families.Add("kafka_connect_coordinator_assigned_tasks", help, MetricType::kGauge, client,
                   static_cast<double>(assigned_tasks_));
    }
  }

  // connector-metrics: string attributes, each a sample of value 1 labelled with the string.
  for (const ConnectorMetricsInfo& info : connectors) {
    const std::string connector = JmxSanitize(info.name);
    std::string status = "unassigned";
    if (options_.connector_state) {
      if (std::optional<std::string> state = options_.connector_state(info.name)) {
        status = Lower(*state);
      }
    }
    const std::pair<std::string_view, std::string_view> attributes[] = {
        {"connector-class", info.connector_class},
        {"connector-type", info.type},
        {"connector-version", info.version},
        {"status", status},
    };
    for (const auto& [attribute, value] : attributes) {
      if (value.empty()) continue;
      std::string label = std::string(attribute);
      std::replace(label.begin(), label.end(), '-', '_');
      families.Add(absl::StrCat("kafka_connect_connector_", label),
                   absl::StrCat("Kafka Connect ", Av(attribute), " JMX metric type connector"),
                   MetricType::kGauge, {{"connector", connector}, {label, std::string(value)}},
                   1.0);
    }
  }

  // connect-worker-metrics per connector (Kafka Connect's ConnectorStatusMetricsGroup): for
  // each connector with a task on this worker, its tasks here by the status the herder holds.
  std::map<std::string, std::vector<int>> tasks_by_connector;
  for (const std::shared_ptr<TaskMetrics>& task : tasks) {
    tasks_by_connector[task->connector()].push_back(task->task());
  }
  for (const auto& [name, ids] : tasks_by_connector) {
    const std::string connector = JmxSanitize(name);
    std::map<std::string, int> by_state;
    for (int id : ids) {
      if (!options_.task_state) continue;
      if (std::optional<std::string> state = options_.task_state(name, id)) {
        by_state[Lower(*state)] += 1;
      }
    }
    const std::string help = absl::StrCat("Kafka Connect JMX metric ", connector);
    auto add = [&](std::string_view attribute, double value) {
      std::string metric = absl::StrCat("kafka_connect_worker_", Av(attribute));
      std::replace(metric.begin(), metric.end(), '-', '_');
      families.Add(metric, help, MetricType::kGauge, {{"connector", connector}}, value);
    };
    add("connector-total-task-count", static_cast<double>(ids.size()));
    for (std::string_view state :
         {"running", "paused", "failed", "unassigned", "destroyed", "restarting"}) {
      add(absl::StrCat("connector-", Av(state), "-task-count"),
          static_cast<double>(by_state[std::string(state)]));
    }
  }

  for (const std::shared_ptr<TaskMetrics>& task : tasks) AddTaskFamilies(families, *task);

  // Sluice's plugin hosts: one process per connector.
  for (const auto& [connector, pid] : hosts) {
    std::optional<ProcessStats> stats = ReadProcessStats(pid);
    if (!stats.has_value()) continue;  // it just exited
    families.Add("sluice_plugin_host_resident_memory_bytes",
                 "Resident memory of the connector's plugin host process, in bytes.",
                 MetricType::kGauge, {{"connector", connector}}, stats->resident_bytes);
    families.Add("sluice_plugin_host_cpu_seconds_total",
                 "User and system CPU time of the connector's plugin host process, in seconds.",
                 MetricType::kCounter, {{"connector", connector}}, stats->cpu_seconds);
    families.Add("sluice_plugin_host_open_fds",
                 "Open file descriptors of the connector's plugin host process.",
                 MetricType::kGauge, {{"connector", connector}}, stats->open_fds);
  }
  for (const auto& [connector, starts] : host_starts) {
    families.Add("sluice_plugin_host_restarts_total",
                 "Times the connector's plugin host was started again after its first start.",
                 MetricType::kCounter, {{"connector", connector}},
                 static_cast<double>(starts - 1));
  }

  std::vector<MetricFamily> out;
  families.Append(out);
  for (const Collector& collector : collectors) collector(out);
  std::stable_sort(out.begin(), out.end(),
                   [](const MetricFamily& a, const MetricFamily& b) { return a.name < b.name; });
  return out;
}

}  // namespace sluice::metrics
