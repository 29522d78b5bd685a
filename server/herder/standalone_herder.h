// The standalone herder: owns every connector of this worker, its config, its target state, the
// state of the connector and of each task, and what runs for it (one plugin host per connector,
// one task runner per task). Kafka Connect's StandaloneHerder, plus persistence of connector
// configs across restarts.
//
// Requests that change one connector run one at a time (its slot's lock); requests for different
// connectors run in parallel, and reads (status, config, lists) only take the state lock, so a
// plugin stuck in one connector's call holds up nothing else. Every plugin call has a deadline
// (sluice.plugin.call.timeout.ms). Status changes arrive from task runner threads and host
// reaper threads.
//
// Thread-safe.
#ifndef SLUICE_SERVER_HERDER_STANDALONE_HERDER_H_
#define SLUICE_SERVER_HERDER_STANDALONE_HERDER_H_

#include <deque>
#include <functional>
#include <thread>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/config/worker_config.h"
#include "server/herder/herder.h"
#include "server/herder/connector_offsets.h"
#include "server/herder/connector_validation.h"
#include "server/herder/restart_scheduler.h"
#include "server/kafka/client.h"
#include "server/kafka/topic_admin.h"
#include "server/config/connector_config.h"
#include "sluice/sdk/data.h"
#include "server/plugins/plugin_registry.h"
#include "server/runtime/task_runner.h"
#include "server/store/config_store.h"
#include "server/store/offset_store.h"
#include "server/store/status_store.h"
#include "server/worker/worker.h"

namespace sluice::herder {

class StandaloneHerder final : public Herder, public worker::WorkerListener {
 public:
  struct Options {
    const config::WorkerConfig* worker = nullptr;
    std::string bootstrap_servers;
    std::function<absl::Status(const std::string&)> ensure_topic;
    kafka::TopicAdminFactory topic_admin_factory;
    plugins::PluginRegistry* registry = nullptr;
    store::OffsetStore* offsets = nullptr;
    // Connector configs and target states (read at Create, written on every change) and the
    // task configs the connectors generate. The herder keeps its own view of them: in
    // standalone mode it is their only writer.
    store::ConfigStore* config_store = nullptr;
    store::StatusStore* status_store = nullptr;
    worker::ConnectorHosts* hosts = nullptr;  // where connectors run
    std::string worker_id;  // host:port, shown in statuses
    // Kafka Connect's worker metrics, which the worker records into; may be null.
    metrics::WorkerMetrics* metrics = nullptr;
  };

  // Takes the config store's connectors (without starting them).
  static absl::StatusOr<std::unique_ptr<StandaloneHerder>> Create(Options options);
  ~StandaloneHerder() override;

  // Starts every loaded connector according to its target state.
  void StartAll();
  // Stops everything (statuses become UNASSIGNED); configs stay stored. Idempotent.
  void Shutdown() ABSL_LOCKS_EXCLUDED(events_mu_, mu_);

  // Every connector name, sorted.
  std::vector<std::string> ConnectorNames() const override ABSL_LOCKS_EXCLUDED(mu_);

  // POST /connectors. Errors, with Kafka Connect's messages: InvalidArgument (name mismatch,
  // no connector type, invalid config, bad initial state), Internal (unknown connector class;
  // REST 500), AlreadyExists.
  // `null_keys`: keys given as JSON null (see ValidateConnectorConfig).
  absl::StatusOr<ConnectorInfo> CreateConnector(std::string name, ConfigMap config,
                                                std::optional<std::string> initial_state,
                                                const std::set<std::string>& null_keys = {})
      override ABSL_LOCKS_EXCLUDED(mu_);
  // PUT /connectors/{name}/config: create or replace; a replace restarts the connector and
  // keeps its target state.
  // Create, put, patch, resume and restart start the connector; when its plugin does not answer
  // a call within the plugin call timeout, the connector is FAILED and the request answers
  // DeadlineExceeded "Request timed out: ..." (Kafka Connect answers a request that takes too
  // long with 500 "Request timed out").
  absl::StatusOr<PutResult> PutConnectorConfig(const std::string& name, ConfigMap config,
                                               const std::set<std::string>& null_keys = {})
      override ABSL_LOCKS_EXCLUDED(mu_);
  // PATCH /connectors/{name}/config: nullopt values remove keys. NotFound when unknown.
  absl::StatusOr<ConnectorInfo> PatchConnectorConfig(
      const std::string& name, const std::map<std::string, std::optional<std::string>>& patch)
      override ABSL_LOCKS_EXCLUDED(mu_);
  // DELETE /connectors/{name}. NotFound "Connector {name} not found".
  absl::Status DeleteConnector(const std::string& name) override ABSL_LOCKS_EXCLUDED(mu_);

  // PUT /connectors/{name}/pause and /resume: the target state, persisted. As in Kafka Connect,
  // pausing stops the connector instance and pauses its tasks (they stay in their plugin host,
  // keep their partitions and are neither polled nor put to); statuses become PAUSED. Resuming
  // starts the connector instance again and resumes the tasks, or replaces them when the
  // connector now generates different task configs; FAILED instances stay FAILED (restart them).
  // Resuming a STOPPED connector starts it. NotFound "Unknown connector {name}".
  absl::Status PauseConnector(const std::string& name) override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status ResumeConnector(const std::string& name) override ABSL_LOCKS_EXCLUDED(mu_);
  // PUT /connectors/{name}/stop: stops everything and drops the task configs (status STOPPED).
  // Kafka Connect's standalone worker answers an unknown name with 500
  // "No connector `{name}` configured" (Internal here).
  absl::Status StopConnector(const std::string& name) override ABSL_LOCKS_EXCLUDED(mu_);

  // POST /connectors/{name}/restart. The connector is restarted if !only_failed or it FAILED; a
  // task if include_tasks and (!only_failed or it FAILED). NotFound "Connector {name} not found"
  // (plain restart) or "Unknown connector: {name}" (with options), as Kafka Connect's
  // standalone worker says.
  absl::StatusOr<RestartResult> RestartConnector(const std::string& name, bool include_tasks,
                                                 bool only_failed)
      override ABSL_LOCKS_EXCLUDED(mu_);
  // POST /connectors/{name}/tasks/{task}/restart. NotFound "Connector {name} not found" /
  // "Task {name}-{task} not found".
  absl::Status RestartTask(const std::string& name, int task) override ABSL_LOCKS_EXCLUDED(mu_);

  // GET /connectors/{name}/offsets for a source connector: every partition this connector has
  // an offset for, as JSON texts of the partition and offset maps. NotFound "Connector {name}
  // not found".
  absl::StatusOr<std::vector<PartitionOffsetJson>> GetSourceOffsets(const std::string& name) const
      override;
  // GET /connectors/{name}/offsets for a sink connector: the committed offsets of its consumer
  // group connect-{name} for the topics it consumes.
  absl::StatusOr<std::vector<kafka::CommittedOffset>> GetSinkOffsets(const std::string& name) const
      override ABSL_LOCKS_EXCLUDED(mu_);
  // PATCH / DELETE /connectors/{name}/offsets (KIP-875). REQUIRES nothing; checks that the
  // connector exists (NotFound "Connector {name} not found") and is STOPPED (FailedPrecondition
  // with Kafka Connect's message). For a source, `offsets` holds partition maps and offset maps
  // (nullopt offset = reset that partition); for a sink, the next offset to consume per
  // partition (nullopt = delete the partition's committed offset). `reset_all` (DELETE) ignores
  // `offsets` and resets every partition: a source's known partitions, a sink's whole consumer
  // group (deleted; on the embedded broker, which cannot delete groups, each partition is
  // committed at the offset the next run would start from without one).
  //
  // As in Kafka Connect, the connector is asked first (its AlterOffsets, on a fresh instance);
  // if it refuses, nothing is written and its message is the error (Unknown: REST 500). Then the
  // offsets are written, and the success message says whether the connector altered what it
  // manages itself. Other errors, with Kafka Connect's messages (Internal: REST 500): the sink
  // group still has members, or Kafka failed.
  absl::StatusOr<std::string> AlterSourceOffsets(
      const std::string& name,
      const std::vector<std::pair<sluice::Value, std::optional<sluice::Value>>>& offsets,
      bool reset_all) override;
  absl::StatusOr<std::string> ModifySinkOffsets(const std::string& name,
                                                const SinkOffsetChanges& offsets, bool reset_all)
      override;
  // The connector's type ("source", "sink" or "unknown"); NotFound when unknown.
  absl::StatusOr<std::string> ConnectorType(const std::string& name) const
      override ABSL_LOCKS_EXCLUDED(mu_);

  absl::StatusOr<ConnectorInfo> GetConnectorInfo(const std::string& name) const
      override ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<ConfigMap> GetConnectorConfig(const std::string& name) const
      override ABSL_LOCKS_EXCLUDED(mu_);
  // NotFound "No status found for connector {name}".
  absl::StatusOr<ConnectorStatus> GetConnectorStatus(const std::string& name) const
      override ABSL_LOCKS_EXCLUDED(mu_);
  // NotFound "No status found for task {name}-{task}".
  absl::StatusOr<InstanceStatus> GetTaskStatus(const std::string& name, int task) const
      override ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::vector<TaskInfo>> GetTasks(const std::string& name) const
      override ABSL_LOCKS_EXCLUDED(mu_);

  // worker::WorkerListener
  void OnConnectorRunning(const std::string& name) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnConnectorFailed(const std::string& name, const std::string& trace) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void OnTaskRunning(const runtime::TaskId& id) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnTaskFailed(const runtime::TaskId& id, const std::string& trace) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void OnTaskStopped(const runtime::TaskId& id) override ABSL_LOCKS_EXCLUDED(mu_);
  void OnTopicUsed(const runtime::TaskId& id, const std::string& topic) override
      ABSL_LOCKS_EXCLUDED(mu_);

  // GET /connectors/{name}/topics: the topics the connector's tasks used, sorted. Like Kafka
  // Connect, an unknown name just has none.
  std::vector<std::string> GetActiveTopics(const std::string& name) const
      override ABSL_LOCKS_EXCLUDED(mu_);
  // PUT /connectors/{name}/topics/reset: forgets them.
  void ResetActiveTopics(const std::string& name) override ABSL_LOCKS_EXCLUDED(mu_);

  // GET /sluice/connectors/{name}/resources.
  absl::StatusOr<ConnectorResources> GetConnectorResources(const std::string& name) const
      override ABSL_LOCKS_EXCLUDED(mu_);

  // Kafka Connect's standalone worker takes neither: Unimplemented with its messages.
  absl::Status PutTaskConfigs(
      const std::string& name, const std::vector<ConfigMap>& configs,
      const std::optional<distributed::RequestSignature>& signature) override;
  absl::Status FenceZombies(
      const std::string& name,
      const std::optional<distributed::RequestSignature>& signature) override;

 private:
  struct Connector {
    std::string name;
    ConfigMap config;
    store::TargetState target = store::TargetState::kStarted;
    std::string type = "unknown";
    std::vector<ConfigMap> task_configs;
    // Bumped whenever the runtime is stopped on purpose, so that the old host's exit is not
    // reported as a failure.
    uint64_t generation = 0;
  };

  explicit StandaloneHerder(Options options)
      : options_(std::move(options)),
        offsets_({.worker = options_.worker,
                  .bootstrap_servers = options_.bootstrap_servers,
                  .registry = options_.registry,
                  .offsets = options_.offsets}) {}

  // One connector's operation lock: every call to the worker for the connector is made with it
  // held. Slots are never removed, so that every request for a name, before and after a delete,
  // serialises on the same lock.
  struct Slot {
    absl::Mutex mu;
  };
  // The slot of `name`, created when missing.
  std::shared_ptr<Slot> SlotFor(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

  absl::StatusOr<ValidatedConfig> Validate(const ConfigMap& config,
                                           const std::set<std::string>& null_keys);
  // Starts the connector as its target state says. DeadlineExceeded when a plugin call timed
  // out (the connector is then FAILED); other failures only show in the status.
  absl::Status StartRuntime(const std::string& name, Slot& slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu) ABSL_LOCKS_EXCLUDED(mu_);
  void StopRuntime(const std::string& name, Slot& slot, State final_state)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu) ABSL_LOCKS_EXCLUDED(mu_);
  // Sets the target state and persists it. NotFound `not_found` when the name is unknown.
  absl::Status SetTarget(const std::string& name, store::TargetState target,
                         const std::string& not_found) ABSL_LOCKS_EXCLUDED(mu_);
  // Starts task `task` of the connector's task configs on its running host (Worker::StartTask),
  // paused when the connector is. REQUIRES: the connector's slot lock; the worker has its host.
  bool StartTask(const std::string& name, int task) ABSL_LOCKS_EXCLUDED(mu_);
  // Starts the connector instance on the running host and asks it for task configs; replaces
  // the tasks when they changed, else resumes them. DeadlineExceeded as StartRuntime.
  absl::Status ResumeRuntime(const std::string& name, Slot& slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu) ABSL_LOCKS_EXCLUDED(mu_);
  // Stops every task runner and starts one per config of `tasks` (which become the connector's
  // task configs).
  void ReplaceTasks(const std::string& name, Slot& slot, std::vector<ConfigMap> tasks)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu) ABSL_LOCKS_EXCLUDED(mu_);
  // A new config for a started connector whose host runs: the connector instance restarts with
  // it; the tasks are replaced when the config or their configs changed, and keep running when
  // the connector fails to start or to generate task configs (Kafka Connect's
  // StandaloneHerder.putConnectorConfig). DeadlineExceeded as StartRuntime.
  absl::Status ReconfigureRuntime(const std::string& name, Slot& slot, bool config_changed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu) ABSL_LOCKS_EXCLUDED(mu_);
  // What a request answers for a failed start: a timeout (its host is stopped and the error
  // returned); anything else is OK, as the failure shows in the connector's status.
  absl::Status RequestAnswer(const std::string& name, Slot& slot, const absl::Status& failure)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu);
  // What an offsets change works with: the connector's config.
  struct OffsetsTarget {
    ConfigMap config;
  };
  // NotFound / FailedPrecondition unless `name` exists and is STOPPED with no tasks.
  absl::StatusOr<OffsetsTarget> StoppedForOffsets(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // A status written by this worker.
  InstanceStatus Status(State state, std::optional<std::string> trace) const;
  void SetConnectorStatus(const std::string& name, State state, std::optional<std::string> trace)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Forgets the connector's task statuses.
  void ClearTaskStatuses(const std::string& name);
  // Sets each of the connector's task statuses that is not FAILED to `state`.
  void SetTaskStatusesUnlessFailed(const std::string& name, State state,
                                   const std::optional<std::string>& trace);
  void FailConnector(const std::string& name, const std::string& trace) ABSL_LOCKS_EXCLUDED(mu_);
  // Whether the connector instance's status is FAILED.
  bool ConnectorFailed(const std::string& name) const ABSL_LOCKS_EXCLUDED(mu_);
  ConnectorInfo InfoLocked(const Connector& c) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void OnHostExit(const std::string& name, uint64_t generation, const std::string& trace)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The connector's restart policy (sluice.restart.*). REQUIRES: it exists.
  config::RestartPolicy RestartPolicyLocked(const Connector& c) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Connector events (task reconfiguration requests, raised errors) are queued by the runtime's
  // reader and handled one at a time on events_thread_, which takes the connector's lock like
  // any request; an event of an earlier generation of the runtime is dropped.
  struct PendingEvent {
    std::string connector;
    uint64_t generation = 0;
    worker::ConnectorEvent event;
  };
  void QueueEvent(PendingEvent event) ABSL_LOCKS_EXCLUDED(events_mu_);
  void RunEvents() ABSL_LOCKS_EXCLUDED(events_mu_);
  void HandleEvent(const PendingEvent& event) ABSL_LOCKS_EXCLUDED(mu_);
  // Kafka Connect's requestTaskReconfiguration: asks the running connector for its task configs
  // again and, where they changed, replaces those tasks (removes tasks past the new count, starts
  // new ones); unchanged tasks keep running.
  void ReconfigureTasks(const std::string& name, Slot& slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu) ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  const ConnectorOffsets offsets_;
  std::unique_ptr<worker::Worker> worker_;  // created by Create, with this as its listener
  // Automatic restarts (sluice.restart.*): created by Create, stopped first by Shutdown.
  std::unique_ptr<RestartScheduler> restarts_;

  mutable absl::Mutex mu_;  // the state below; never held across a call into a plugin
  std::map<std::string, std::shared_ptr<Slot>> slots_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, Connector> connectors_ ABSL_GUARDED_BY(mu_);

  absl::Mutex events_mu_;
  std::deque<PendingEvent> events_ ABSL_GUARDED_BY(events_mu_);
  bool events_stop_ ABSL_GUARDED_BY(events_mu_) = false;
  std::thread events_thread_;  // started by Create, joined by Shutdown
};

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_STANDALONE_HERDER_H_
