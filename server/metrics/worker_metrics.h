// The worker's metrics registry: what Kafka Connect registers in JMX (connect-worker-metrics,
// connect-worker-rebalance-metrics, connector-metrics and the task groups of TaskMetrics), plus
// Sluice's own, rendered on demand under the names and labels that the JMX exporter rules
// Strimzi ships for Kafka Connect (packaging/examples/metrics/kafka-connect-metrics.yaml)
// give them, so that Strimzi's Grafana dashboard and alert rules read Sluice unchanged.
//
// The worker adds and removes connectors and tasks as it starts and stops them; a task's
// TaskMetrics is shared with its runner, which records into it. Nothing here runs per record.
//
// Thread-safe.
#ifndef SLUICE_SERVER_METRICS_WORKER_METRICS_H_
#define SLUICE_SERVER_METRICS_WORKER_METRICS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/metrics/exposition.h"
#include "server/metrics/sampled_stat.h"
#include "server/metrics/task_metrics.h"

namespace sluice::metrics {

// A connector instance on this worker (connector-metrics).
struct ConnectorMetricsInfo {
  std::string name;
  std::string connector_class;
  std::string type;  // "source" or "sink"
  std::string version;
};

// Kafka's JMX key property value for `value` (Sanitizer.jmxSanitize): as is when it holds only
// [A-Za-z0-9_-%. \t], else quoted as ObjectName.quote does. The exporter's labels carry it so.
std::string JmxSanitize(std::string_view value);

// Adds metric families to a scrape (process metrics, plugin hosts, Kafka clients).
using Collector = std::function<void(std::vector<MetricFamily>& out)>;

class WorkerMetrics {
 public:
  struct Options {
    Clock clock;  // default: the wall clock
    // The status the herder published for a connector / task (Kafka Connect's state names,
    // e.g. "RUNNING"); nullopt when it has none. May be empty (no statuses).
    std::function<std::optional<std::string>(const std::string& connector)> connector_state;
    std::function<std::optional<std::string>(const std::string& connector, int task)>
        task_state;
    // Distributed mode: connect-worker-rebalance-metrics and connect-coordinator-metrics exist
    // (a standalone Kafka Connect worker has neither).
    bool distributed = false;
    // The coordinator's client id (connect-coordinator-metrics' client-id tag).
    std::string coordinator_client_id;
  };

  explicit WorkerMetrics(Options options);
  WorkerMetrics(const WorkerMetrics&) = delete;
  WorkerMetrics& operator=(const WorkerMetrics&) = delete;

  // Connectors and tasks on this worker.
  void AddConnector(ConnectorMetricsInfo info) ABSL_LOCKS_EXCLUDED(mu_);
  void RemoveConnector(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // A new TaskMetrics for the task, replacing any earlier one (a restarted task starts over, as
  // Kafka Connect's metric groups do).
  std::shared_ptr<TaskMetrics> AddTask(const std::string& connector, int task, TaskKind kind)
      ABSL_LOCKS_EXCLUDED(mu_);
  void RemoveTask(const std::string& connector, int task) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordConnectorStartup(bool success) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordTaskStartup(bool success) ABSL_LOCKS_EXCLUDED(mu_);

  // Distributed mode's rebalances (DistributedHerder's HerderMetrics).
  void SetConnectProtocol(std::string protocol) ABSL_LOCKS_EXCLUDED(mu_);
  void RebalanceStarted() ABSL_LOCKS_EXCLUDED(mu_);
  // `leader`: the leader's URL (Kafka Connect's leader-name); the rebalance's time is counted
  // from the last RebalanceStarted.
  void RebalanceSucceeded(int64_t generation, std::string leader, int assigned_connectors,
                          int assigned_tasks) ABSL_LOCKS_EXCLUDED(mu_);

  // A connector's plugin host process (sluice_plugin_host_* metrics, read from /proc at each
  // scrape). A host added again for the same connector counts as a restart.
  void AddPluginHost(const std::string& connector, pid_t pid) ABSL_LOCKS_EXCLUDED(mu_);
  void RemovePluginHost(const std::string& connector) ABSL_LOCKS_EXCLUDED(mu_);

  // Adds a collector, run at every scrape (outside the registry's lock).
  void AddCollector(Collector collector) ABSL_LOCKS_EXCLUDED(mu_);

  // Every family, sorted by name.
  std::vector<MetricFamily> Collect() const ABSL_LOCKS_EXCLUDED(mu_);
  std::string Render(Format format) const { return metrics::Render(Collect(), format); }

 private:
  using TaskKey = std::pair<std::string, int>;

  const Options options_;
  mutable absl::Mutex mu_;
  std::map<std::string, ConnectorMetricsInfo> connectors_ ABSL_GUARDED_BY(mu_);
  std::map<TaskKey, std::shared_ptr<TaskMetrics>> tasks_ ABSL_GUARDED_BY(mu_);
  double connector_startup_attempts_ ABSL_GUARDED_BY(mu_) = 0;
  double connector_startup_successes_ ABSL_GUARDED_BY(mu_) = 0;
  double connector_startup_failures_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat connector_startup_results_ ABSL_GUARDED_BY(mu_){
      SampledStat::Kind::kFrequencies};
  double task_startup_attempts_ ABSL_GUARDED_BY(mu_) = 0;
  double task_startup_successes_ ABSL_GUARDED_BY(mu_) = 0;
  double task_startup_failures_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat task_startup_results_ ABSL_GUARDED_BY(mu_){
      SampledStat::Kind::kFrequencies};
  // Rebalances.
  std::string connect_protocol_ ABSL_GUARDED_BY(mu_);
  std::string leader_name_ ABSL_GUARDED_BY(mu_);
  int64_t epoch_ ABSL_GUARDED_BY(mu_) = -1;
  double completed_rebalances_ ABSL_GUARDED_BY(mu_) = 0;
  bool rebalancing_ ABSL_GUARDED_BY(mu_) = false;
  int64_t rebalance_started_ms_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<int64_t> last_rebalance_completed_ms_ ABSL_GUARDED_BY(mu_);
  int assigned_connectors_ ABSL_GUARDED_BY(mu_) = 0;
  int assigned_tasks_ ABSL_GUARDED_BY(mu_) = 0;
  mutable SampledStat rebalance_time_max_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kMax};
  mutable SampledStat rebalance_time_avg_ ABSL_GUARDED_BY(mu_){SampledStat::Kind::kAvg};
  std::vector<Collector> collectors_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, pid_t> plugin_hosts_ ABSL_GUARDED_BY(mu_);
  // Host starts per connector, kept after the host stops (restarts = starts - 1).
  std::map<std::string, int64_t> plugin_host_starts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::metrics

#endif  // SLUICE_SERVER_METRICS_WORKER_METRICS_H_
