// The distributed herder: one worker of a Kafka Connect cluster. Kafka Connect's
// DistributedHerder. The workers of a group.id share three topics (connector and task configs,
// source offsets, statuses) and a group membership; each generation the group's leader assigns
// every connector and task to one worker, and each worker runs what it is given through its
// Worker, writes the statuses of what it runs, and follows the config topic.
//
//   DistributedHerder::Options options;  // the worker, stores, membership, ...
//   absl::StatusOr<std::unique_ptr<DistributedHerder>> herder = DistributedHerder::Create(options);
//   (*herder)->Start();   // joins the group; connectors start once the first assignment arrives
//   ... the REST/gRPC API calls the Herder methods from any thread ...
//   (*herder)->Shutdown();  // stops everything, leaves the group
//
// Threads. One herder thread does all the work that changes what runs here, as Java's tick
// thread does: it applies each assignment (stops what is revoked, catches up with the config
// topic, starts what is new), reacts to the config topic's updates (a connector's new config
// restarts it where it runs, a target state pauses, resumes or stops it, new task configs stop
// the connector's tasks until the rebalance they trigger assigns them again, an added or removed
// connector triggers a rebalance), processes restart requests, rotates the session key (leader),
// and runs the write requests of the API one at a time. The membership's thread only hands
// assignments over, except in on_join_prepare, where it waits for the herder thread to have
// stopped what earlier assignments revoked (so that what a worker reports in its metadata is
// what it runs: a task never runs on two workers).
//
// Requests. Reads (lists, configs, statuses, offsets) are answered at once from the stores. A
// write that only the leader may do answers NotLeader with Kafka Connect's message and the
// leader's URL on any other worker (the REST layer forwards it). Unlike Kafka Connect, no
// request answers 409 because a rebalance is under way: it waits, within its deadline
// (Options::request_timeout), for the rebalance to finish, and then answers DeadlineExceeded
// "Request timed out" if it has not.
//
// Thread-safe.
#ifndef SLUICE_SERVER_HERDER_DISTRIBUTED_HERDER_H_
#define SLUICE_SERVER_HERDER_DISTRIBUTED_HERDER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/config/distributed_config.h"
#include "server/distributed/assignor.h"
#include "server/distributed/connect_protocol.h"
#include "server/distributed/group_member.h"
#include "server/distributed/membership.h"
#include "server/distributed/rest_client.h"
#include "server/herder/connector_offsets.h"
#include "server/herder/connector_validation.h"
#include "server/herder/herder.h"
#include "server/kafka/topic_admin.h"
#include "server/plugins/plugin_registry.h"
#include "server/store/config_records.h"
#include "server/store/kafka_config_store.h"
#include "server/store/offset_store.h"
#include "server/store/status_store.h"
#include "server/worker/connector_host.h"
#include "server/worker/worker.h"

namespace sluice::herder {

class DistributedHerder final : public Herder, public worker::WorkerListener {
 public:
  struct Options {
    // The worker's settings (group, timeouts, signing keys, the shared WorkerConfig).
    const config::DistributedConfig* config = nullptr;
    std::string bootstrap_servers;
    // As Worker::Options.
    std::function<absl::Status(const std::string&)> ensure_topic;
    kafka::TopicAdminFactory topic_admin_factory;
    plugins::PluginRegistry* registry = nullptr;
    worker::ConnectorHosts* hosts = nullptr;
    // The three stores, started (read to their ends) before Start. The config store's update
    // listener must call OnConfigUpdate.
    store::KafkaConfigStore* config_store = nullptr;
    store::StatusStore* status_store = nullptr;
    store::OffsetStore* offsets = nullptr;
    // Waits until the status store's writes are acknowledged (before a rebalance, as Java flushes
    // its status store when work is revoked); optional.
    std::function<void()> flush_statuses;
    // Makes this worker's membership with the given callbacks (a distributed::GroupMember, or a
    // distributed::SoloMember on the embedded broker). Called once, by Start.
    std::function<std::unique_ptr<distributed::Membership>(distributed::GroupMemberCallbacks)>
        membership_factory;
    // This worker's advertised REST URL ("http://host:8083/"), sent in its group metadata.
    std::string advertised_url;
    // host:port, shown in statuses as worker_id.
    std::string worker_id;
    // How long a request may wait for a rebalance to finish (and for the leader to answer).
    absl::Duration request_timeout = absl::Seconds(90);
    // Requests to other workers (task configs to the leader).
    distributed::RestClientOptions rest_client;
    // Applies a cluster-wide logger level read from the config topic (KIP-976); optional.
    std::function<void(const std::string& logger_namespace, const std::string& level)>
        on_logger_level;
    // The clock (tests move it to check key rotation and scheduled rebalances).
    std::function<absl::Time()> now = [] { return absl::Now(); };
    // Kafka Connect's worker metrics, which the worker records into; may be null.
    metrics::WorkerMetrics* metrics = nullptr;
  };

  // REQUIRES: the pointers in `options` outlive the herder.
  static absl::StatusOr<std::unique_ptr<DistributedHerder>> Create(Options options);
  ~DistributedHerder() override;

  // Starts the herder thread and joins the group. Once only.
  void Start() ABSL_LOCKS_EXCLUDED(mu_);
  // Stops every connector and task here (statuses UNASSIGNED), leaves the group and stops the
  // herder thread. Requests still waiting answer Unavailable. Idempotent.
  void Shutdown() ABSL_LOCKS_EXCLUDED(mu_);

  // The config store's update listener (Java's ConfigUpdateListener). Thread-safe, does not
  // block: the herder thread acts on it.
  void OnConfigUpdate(const store::ConfigUpdate& update) ABSL_LOCKS_EXCLUDED(mu_);

  // What this worker knows of the group, for logs and tests.
  struct GroupView {
    int32_t generation = -1;
    std::string member_id;
    bool leader = false;
    std::string leader_url;
    // What runs here (the cooperative protocols' running assignment).
    std::vector<std::string> connectors;
    std::vector<distributed::ConnectorTaskId> tasks;
    // Whether the last assignment was applied and no rebalance is pending.
    bool resolved = false;
    // Requests queued for the herder thread.
    size_t waiting_requests = 0;
  };
  GroupView View() const ABSL_LOCKS_EXCLUDED(mu_);

  // ---- Herder ----
  std::vector<std::string> ConnectorNames() const override;
  absl::StatusOr<ConnectorInfo> CreateConnector(std::string name, ConfigMap config,
                                                std::optional<std::string> initial_state,
                                                const std::set<std::string>& null_keys = {})
      override;
  absl::StatusOr<PutResult> PutConnectorConfig(const std::string& name, ConfigMap config,
                                               const std::set<std::string>& null_keys = {})
      override;
  absl::StatusOr<ConnectorInfo> PatchConnectorConfig(
      const std::string& name,
      const std::map<std::string, std::optional<std::string>>& patch) override;
  absl::Status DeleteConnector(const std::string& name) override;
  absl::Status PauseConnector(const std::string& name) override;
  absl::Status ResumeConnector(const std::string& name) override;
  absl::Status StopConnector(const std::string& name) override;
  absl::StatusOr<RestartResult> RestartConnector(const std::string& name, bool include_tasks,
                                                 bool only_failed) override;
  absl::Status RestartTask(const std::string& name, int task) override;
  absl::StatusOr<std::vector<PartitionOffsetJson>> GetSourceOffsets(
      const std::string& name) const override;
  absl::StatusOr<std::vector<kafka::CommittedOffset>> GetSinkOffsets(
      const std::string& name) const override;
  absl::StatusOr<std::string> AlterSourceOffsets(
      const std::string& name,
      const std::vector<std::pair<sluice::Value, std::optional<sluice::Value>>>& offsets,
      bool reset_all) override;
  absl::StatusOr<std::string> ModifySinkOffsets(const std::string& name,
                                                const SinkOffsetChanges& offsets,
                                                bool reset_all) override;
  absl::StatusOr<std::string> ConnectorType(const std::string& name) const override;
  absl::StatusOr<ConnectorInfo> GetConnectorInfo(const std::string& name) const override;
  absl::StatusOr<ConfigMap> GetConnectorConfig(const std::string& name) const override;
  absl::StatusOr<ConnectorStatus> GetConnectorStatus(const std::string& name) const override;
  absl::StatusOr<InstanceStatus> GetTaskStatus(const std::string& name,
                                               int task) const override;
  absl::StatusOr<std::vector<TaskInfo>> GetTasks(const std::string& name) const override;
  std::vector<std::string> GetActiveTopics(const std::string& name) const override;
  // What this worker runs of the connector, and the automatic restarts this worker made of it.
  absl::StatusOr<ConnectorResources> GetConnectorResources(const std::string& name) const
      override;
  void ResetActiveTopics(const std::string& name) override;
  absl::Status PutTaskConfigs(
      const std::string& name, const std::vector<ConfigMap>& configs,
      const std::optional<distributed::RequestSignature>& signature) override;
  absl::Status FenceZombies(
      const std::string& name,
      const std::optional<distributed::RequestSignature>& signature) override;
  // Writes logger-cluster-{namespace}; every worker applies it when it reads it.
  absl::StatusOr<bool> SetClusterLoggerLevel(const std::string& logger_namespace,
                                             const std::string& level) override;

  // ---- worker::WorkerListener ----
  void OnConnectorRunning(const std::string& name) override;
  void OnConnectorFailed(const std::string& name, const std::string& trace) override;
  void OnTaskRunning(const runtime::TaskId& id) override;
  void OnTaskFailed(const runtime::TaskId& id, const std::string& trace) override;
  void OnTaskStopped(const runtime::TaskId& id) override;
  void OnTopicUsed(const runtime::TaskId& id, const std::string& topic) override;

 private:
  explicit DistributedHerder(Options options);

  // A write request, run on the herder thread once the rebalance is resolved.
  struct Request {
    std::function<void()> run;
    absl::Time not_before = absl::InfinitePast();  // for retries with backoff
    bool internal = false;  // the herder's own (not waiting on a client)
  };
  // Runs `body` on the herder thread once this worker is in a resolved generation and returns
  // its result; DeadlineExceeded "Request timed out" after request_timeout, Unavailable when
  // shutting down.
  absl::Status RunOnHerderThread(std::function<absl::Status()> body) ABSL_LOCKS_EXCLUDED(mu_);
  void Enqueue(Request request) ABSL_LOCKS_EXCLUDED(mu_);

  // The herder thread.
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // Applies the pending assignment (Java's handleRebalanceCompleted + startWork).
  void HandleAssignment(const distributed::MemberAssignment& received) ABSL_LOCKS_EXCLUDED(mu_);
  void StopRevoked(const std::vector<std::string>& connectors,
                   const std::vector<distributed::ConnectorTaskId>& tasks)
      ABSL_LOCKS_EXCLUDED(mu_);
  void HandleConfigUpdates() ABSL_LOCKS_EXCLUDED(mu_);
  void MaybeRotateSessionKey() ABSL_LOCKS_EXCLUDED(mu_);
  void ProcessRestartRequests() ABSL_LOCKS_EXCLUDED(mu_);
  void ApplyRestart(const store::RestartRequest& request) ABSL_LOCKS_EXCLUDED(mu_);
  // Reads the config topic to its end (worker.sync.timeout.ms) and takes a new snapshot.
  bool RefreshSnapshot() ABSL_LOCKS_EXCLUDED(mu_);

  // The membership's callbacks.
  distributed::WorkerMetadata Metadata() ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::map<std::string, distributed::ConnectAssignment>> Assign(
      const distributed::LeaderInput& in) ABSL_LOCKS_EXCLUDED(mu_);
  void OnAssignment(const distributed::MemberAssignment& assignment) ABSL_LOCKS_EXCLUDED(mu_);
  void OnJoinPrepare() ABSL_LOCKS_EXCLUDED(mu_);

  // Work on the herder thread.
  void StartConnector(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  void StopConnectorHere(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  bool StartTask(const distributed::ConnectorTaskId& id) ABSL_LOCKS_EXCLUDED(mu_);
  void StopTaskHere(const distributed::ConnectorTaskId& id) ABSL_LOCKS_EXCLUDED(mu_);
  // Starts the connector's plugin host when it has none. False (the failure reported) if it
  // cannot.
  bool EnsureHost(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // Whether the last EnsureHost for `name` started a new host (one that has the connector's
  // config of now).
  bool NewHost(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // Stops the host when nothing of the connector runs here any more.
  void MaybeStopHost(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  void OnHostExit(const std::string& name, uint64_t host_generation, const std::string& trace)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Asks the running connector for task configs and publishes them when they changed
  // (reconfigureConnectorTasksWithRetry): the leader writes them, a follower sends them to the
  // leader, with exponential backoff on failure.
  void ReconfigureConnector(const std::string& name, int attempt) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status PublishTaskConfigs(const std::string& name, const std::vector<ConfigMap>& tasks)
      ABSL_LOCKS_EXCLUDED(mu_);
  void ApplyTargetState(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

  // Request helpers (herder thread).
  bool IsLeader() const ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status NotLeaderError(std::string_view message) const ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<ValidatedConfig> Validate(const ConfigMap& config,
                                           const std::set<std::string>& null_keys);
  absl::StatusOr<PutResult> DoPutConnectorConfig(const std::string& name, ConfigMap config,
                                                 std::optional<store::TargetState> target,
                                                 bool allow_replace,
                                                 const std::set<std::string>& null_keys);
  absl::Status CheckSignature(const std::optional<distributed::RequestSignature>& signature) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // NotFound / FailedPrecondition unless the connector is STOPPED with no tasks (leader only).
  absl::StatusOr<ConfigMap> StoppedForOffsets(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs `change` on the herder thread with the connector's config once StoppedForOffsets
  // allows it; its answer is the request's.
  absl::StatusOr<std::string> ChangeOffsets(
      const std::string& name,
      const std::function<absl::StatusOr<std::string>(const ConfigMap&)>& change);

  InstanceStatus Status(State state, std::optional<std::string> trace) const
      ABSL_LOCKS_EXCLUDED(mu_);
  bool OwnsConnector(const std::string& name) const ABSL_LOCKS_EXCLUDED(mu_);
  bool OwnsTask(const std::string& name, int task) const ABSL_LOCKS_EXCLUDED(mu_);
  std::string TypeOf(const ConfigMap& config) const;

  const Options options_;
  distributed::RestClient rest_client_;
  ConnectorOffsets offsets_;
  std::unique_ptr<worker::Worker> worker_;
  std::unique_ptr<distributed::Membership> membership_;
  // Only the membership's thread uses it (its assign callback).
  std::unique_ptr<distributed::Assignor> assignor_;
  distributed::ConnectProtocolCompatibility protocol_setting_;

  mutable absl::Mutex mu_;
  absl::CondVar wake_;  // with mu_: the herder thread's work, and requests waiting for it
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;

  // From the membership.
  std::deque<distributed::MemberAssignment> assignments_ ABSL_GUARDED_BY(mu_);
  // Assignments handed over and not yet applied (on_join_prepare waits for 0).
  int pending_assignments_ ABSL_GUARDED_BY(mu_) = 0;
  // The eager protocol's join: everything here stops first (on_join_prepare waits for it).
  bool revoke_all_ ABSL_GUARDED_BY(mu_) = false;
  // The leader's view of who runs what after its last assignment (advertised URLs), for
  // requests only the owner can serve.
  std::map<std::string, std::string> connector_owners_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, int>, std::string> task_owners_ ABSL_GUARDED_BY(mu_);
  // The snapshot the metadata reported, for the leader's assignor.
  store::ClusterConfigState metadata_snapshot_ ABSL_GUARDED_BY(mu_);

  // The last assignment received (cumulative: what this worker should run).
  std::optional<distributed::MemberAssignment> assignment_ ABSL_GUARDED_BY(mu_);
  distributed::ConnectProtocolCompatibility protocol_ ABSL_GUARDED_BY(mu_);
  int32_t generation_ ABSL_GUARDED_BY(mu_) = -1;
  // What runs here: the running assignment.
  std::set<std::string> running_connectors_ ABSL_GUARDED_BY(mu_);
  std::set<std::pair<std::string, int>> running_tasks_ ABSL_GUARDED_BY(mu_);
  // The config each task running here was started with (as stored, variables unresolved).
  std::map<std::pair<std::string, int>, ConfigMap> task_started_with_ ABSL_GUARDED_BY(mu_);
  // Connectors whose instance is started here (not paused, stopped or failed to start).
  std::set<std::string> instances_ ABSL_GUARDED_BY(mu_);
  // Connectors with a plugin host here, with the host's generation (bumped when it is stopped on
  // purpose, so that its exit is not reported as a failure).
  std::map<std::string, uint64_t> hosts_ ABSL_GUARDED_BY(mu_);
  uint64_t next_host_generation_ ABSL_GUARDED_BY(mu_) = 1;
  std::set<std::string> new_hosts_ ABSL_GUARDED_BY(mu_);
  // Tasks stopped for new task configs, started again once a rebalance assigns them.
  std::set<std::pair<std::string, int>> tasks_to_restart_ ABSL_GUARDED_BY(mu_);
  bool resolved_ ABSL_GUARDED_BY(mu_) = false;
  // A rebalance is needed (connector added or removed, task configs committed).
  bool needs_rebalance_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time scheduled_rebalance_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();

  // The herder thread's view of the config topic (Java's configState).
  store::ClusterConfigState snapshot_ ABSL_GUARDED_BY(mu_);
  // Config updates heard and not yet handled.
  std::set<std::string> connector_updates_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> target_state_updates_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> task_config_updates_ ABSL_GUARDED_BY(mu_);
  bool restart_requests_pending_ ABSL_GUARDED_BY(mu_) = false;

  std::optional<store::SessionKey> session_key_ ABSL_GUARDED_BY(mu_);

  std::deque<Request> requests_ ABSL_GUARDED_BY(mu_);

  // Task configs on their way to the leader, sent by one thread so that the herder thread never
  // waits on another worker.
  struct Forward {
    std::string connector;
    std::vector<ConfigMap> tasks;
    int attempt = 0;
  };
  void RunForwarder() ABSL_LOCKS_EXCLUDED(mu_);
  std::deque<Forward> forwards_ ABSL_GUARDED_BY(mu_);
  std::thread forwarder_;

  // Automatic restarts (sluice.restart.*): each worker restarts what it runs of a connector that
  // failed, as it applies a restart request (ApplyRestart with onlyFailed and includeTasks),
  // on the herder thread. Created by Create, stopped first by Shutdown.
  std::unique_ptr<RestartScheduler> restarts_;
  std::set<std::string> auto_restarts_ ABSL_GUARDED_BY(mu_);
  // The connector's restart policy, from the config topic's view.
  config::RestartPolicy RestartPolicyOf(const std::string& name) const;

  // Connector events queued by the worker's hosts, handled on the herder thread.
  std::deque<std::pair<std::string, worker::ConnectorEvent>> events_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_DISTRIBUTED_HERDER_H_
