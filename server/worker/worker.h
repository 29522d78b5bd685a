// The worker: runs the connectors and tasks a herder gives this process. Kafka Connect's Worker.
// For each connector it holds a plugin host (ConnectorHost), the connector instance in it, and
// one task runner per task; it reports what happens to them (connector running or failed, task
// running, failed or stopped, topics used) to its WorkerListener, and knows nothing of target
// states, stores or other workers: that is the herder's policy (StandaloneHerder,
// DistributedHerder).
//
// Thread-safety: calls for one connector must not overlap (the herder serialises them, one
// connector at a time); calls for different connectors may run in parallel.
#ifndef SLUICE_SERVER_WORKER_WORKER_H_
#define SLUICE_SERVER_WORKER_WORKER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/config/connector_config.h"
#include "server/config/worker_config.h"
#include "server/kafka/topic_admin.h"
#include "server/metrics/worker_metrics.h"
#include "server/plugins/plugin_registry.h"
#include "server/runtime/task_runner.h"
#include "server/store/offset_store.h"
#include "server/worker/connector_host.h"

namespace sluice::worker {

// What the worker reports, on whatever thread it happens (request threads, task threads, host
// monitor threads). Implementations are thread-safe and do not block.
class WorkerListener : public runtime::TaskStatusListener {
 public:
  // The connector instance started.
  virtual void OnConnectorRunning(const std::string& name) = 0;
  // The connector could not be started or failed in a call; `trace` says why.
  virtual void OnConnectorFailed(const std::string& name, const std::string& trace) = 0;
};

// Kafka Connect's TooManyTasksException message.
std::string TooManyTasksMessage(const std::string& name, size_t tasks, int max_tasks);

// What a connector's plugin host on this worker uses, and the limits it runs under.
struct HostResources {
  plugins::HostUsage usage;
  plugins::SandboxPolicy policy;
};

class Worker {
 public:
  struct Options {
    const config::WorkerConfig* worker = nullptr;
    std::string bootstrap_servers;
    // See runtime::TaskRunnerOptions.
    std::function<absl::Status(const std::string&)> ensure_topic;
    kafka::TopicAdminFactory topic_admin_factory;
    plugins::PluginRegistry* registry = nullptr;  // connector classes
    ConnectorHosts* hosts = nullptr;
    store::OffsetStore* offsets = nullptr;  // source tasks' offsets
    WorkerListener* listener = nullptr;
    // Kafka Connect's worker, connector and task metrics; may be null (no metrics).
    metrics::WorkerMetrics* metrics = nullptr;
    // How often the hosts' usage is checked against their limits (a WARN at 90% of one); zero:
    // never.
    absl::Duration usage_check_interval = absl::Seconds(5);
  };

  // REQUIRES: the pointers in `options` outlive the worker.
  explicit Worker(Options options);
  // REQUIRES: every connector was stopped (StopConnectorHost).
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts a plugin host for connector `name` with `config` (its connector.class found, its
  // config parsed), without starting the connector instance. `on_exit` runs when the host dies
  // (not after StopConnectorHost), `on_event` for each event the connector raises; both on
  // other threads, and must not block. On failure the connector is reported FAILED (unknown
  // class with Kafka Connect's message, invalid config, host that did not start) and the error
  // returned.
  absl::Status StartConnectorHost(const std::string& name, const ConfigMap& config,
                                  std::function<void(const std::string& trace)> on_exit,
                                  std::function<void(const ConnectorEvent&)> on_event)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Whether `name` has a host that has not exited.
  bool HostAlive(const std::string& name) const ABSL_LOCKS_EXCLUDED(mu_);
  // Whether `name`'s host runs under the sandbox policy `config` asks for (false without a
  // host): a reconfigured connector keeps its host only then.
  bool HostFits(const std::string& name, const ConfigMap& config) const ABSL_LOCKS_EXCLUDED(mu_);
  // The plugin of `name`'s host; null when it has none.
  const plugins::ConnectorPlugin* PluginOf(const std::string& name) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Stops every task (sharing task.shutdown.graceful.timeout.ms; the host is killed when one
  // does not stop in time), the connector instance, and the host. Nothing is reported for
  // them. A no-op without a host.
  void StopConnectorHost(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

  // The calls below REQUIRE a host for `name` (StartConnectorHost succeeded, and
  // StopConnectorHost was not called since). Plugin calls have sluice.plugin.call.timeout.ms;
  // a failed call reports the connector FAILED and returns DeadlineExceeded "Request timed
  // out: ..." when the plugin did not answer in time (the herder then stops the host), Aborted
  // otherwise.

  // Starts the connector instance (reported RUNNING) and asks it for its task configs: Kafka
  // Connect's startConnector and connectorTaskConfigs.
  absl::StatusOr<std::vector<ConfigMap>> StartConnector(const std::string& name)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The running instance's task configs, with Kafka Connect's checks (more than tasks.max
  // fails the connector under tasks.max.enforce, else warns) and the framework keys each task
  // config carries (task.class; a sink's topics / topics.regex).
  absl::StatusOr<std::vector<ConfigMap>> ConnectorTaskConfigs(const std::string& name)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Stops and starts the connector instance (reported RUNNING).
  absl::Status RestartConnector(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // Stops the connector instance; failures are logged. The tasks go on.
  void StopConnector(const std::string& name, absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  // A new config for the connector, for the next StartConnector: the running instance is
  // stopped first. InvalidArgument (and nothing changes) when the config does not parse for
  // the host's plugin. Running tasks keep the config they were started with.
  absl::Status ReplaceConnectorConfig(const std::string& name, const ConfigMap& config)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Starts a runner for task `task` with `task_config`, one of `task_count` task configs, paused
  // or not. As Kafka Connect's Worker.startTask, a task of a set larger than tasks.max (with
  // tasks.max.enforce) does not start: it is reported FAILED and the result is false.
  bool StartTask(const std::string& name, int task, const ConfigMap& task_config,
                 size_t task_count, bool paused) ABSL_LOCKS_EXCLUDED(mu_);
  // Stops one task's runner (killing the host if it does not stop in time). A no-op for a task
  // that does not run.
  void StopTask(const std::string& name, int task) ABSL_LOCKS_EXCLUDED(mu_);
  // The tasks that have runners, in order.
  std::vector<int> Tasks(const std::string& name) const ABSL_LOCKS_EXCLUDED(mu_);
  // Pauses every task and waits up to `timeout` for them to act on it (Kafka Connect's PAUSED
  // target state: a paused source task is not polled, a paused sink task's partitions are
  // paused). Returns the tasks that did not pause in time (they pause when they can).
  std::vector<int> PauseTasks(const std::string& name, absl::Duration timeout)
      ABSL_LOCKS_EXCLUDED(mu_);
  void ResumeTasks(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

  // What `name`'s plugin host uses and its limits; nullopt without a running host. Thread-safe,
  // unlike the calls above it may overlap anything.
  std::optional<HostResources> ResourcesOf(const std::string& name) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Logs a WARN for each host at 90% or more of a limit (memory, processes), once per crossing
  // (again after it fell below 80%). The usage thread calls it every usage_check_interval.
  void CheckUsage() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // What runs for one connector. Touched only by the (serialised) calls for that connector.
  struct Runtime {
    std::unique_ptr<ConnectorHost> host;
    std::map<int, std::unique_ptr<runtime::TaskRunner>> runners;
    const plugins::ConnectorPlugin* plugin = nullptr;
    // The config as stored (raw: ${...} variables unresolved) and as the instance starts with
    // it (resolved through the worker's config providers).
    ConfigMap raw_config;
    ConfigMap config;
    // The same, parsed once; shared with the task runners.
    std::shared_ptr<const config::ConnectorConfig> parsed;
    // The connector instance's events; reset first when the runtime stops.
    std::unique_ptr<EventSubscription> events;
  };

  // `config` with its ${provider:path:key} variables resolved (the worker's config providers).
  absl::StatusOr<ConfigMap> Resolve(const ConfigMap& config) const;
  // The runtime of `name`. REQUIRES: it has one.
  Runtime& RuntimeOf(const std::string& name) const ABSL_LOCKS_EXCLUDED(mu_);
  // A failed plugin call: the connector is reported FAILED; DeadlineExceeded "Request timed
  // out: ..." for a timeout, Aborted otherwise.
  absl::Status PluginCallFailure(const std::string& name, absl::string_view call,
                                 const absl::Status& status);

  const Options options_;
  // Times the task calls of every runner (declared first: it outlives their watches).
  runtime::TaskWatchdog watchdog_;
  mutable absl::Mutex mu_;  // the map, not the runtimes in it
  std::map<std::string, std::unique_ptr<Runtime>> runtimes_ ABSL_GUARDED_BY(mu_);
  // The limits each connector's host is near (CheckUsage): "memory", "processes".
  std::map<std::string, std::set<std::string>> near_limits_ ABSL_GUARDED_BY(mu_);
  absl::Mutex usage_mu_;
  bool usage_stop_ ABSL_GUARDED_BY(usage_mu_) = false;
  std::thread usage_thread_;  // runs CheckUsage; joined by the destructor
};

}  // namespace sluice::worker

#endif  // SLUICE_SERVER_WORKER_WORKER_H_
