// The herder: what the control-plane API asks of a worker, in domain types. Kafka Connect's
// Herder. StandaloneHerder (one worker, configs in a file) and DistributedHerder (a group of
// workers sharing Kafka topics) are its two policies; the API layer (server/api) knows only
// this interface.
//
// Errors are absl::Status codes the API layer maps to REST status codes
// (server/api/status_mapping.h), with Kafka Connect's messages: NotFound 404, AlreadyExists 409,
// InvalidArgument 400, FailedPrecondition 400 (offsets of a connector that is not stopped),
// DeadlineExceeded 500 "Request timed out", Internal and Unknown 500, Unavailable 503. A worker
// that cannot serve a write but knows who can answers NotLeader or RebalanceNeeded
// (request_target.h), which the REST layer forwards as Kafka Connect does.
//
// Implementations are thread-safe.
#ifndef SLUICE_SERVER_HERDER_HERDER_H_
#define SLUICE_SERVER_HERDER_HERDER_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/distributed/request_signature.h"
#include "server/herder/request_target.h"
#include "server/herder/restart_scheduler.h"
#include "server/kafka/consumer_groups.h"
#include "server/store/status_store.h"
#include "server/worker/worker.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/data.h"

namespace sluice::herder {

// Kafka Connect's connector and task states, and one instance's status.
using store::InstanceStatus;
using store::State;
using store::StateName;

struct ConnectorStatus {
  std::string name;
  InstanceStatus connector;
  std::map<int, InstanceStatus> tasks;  // only tasks that have reported
  std::string type;                     // "source", "sink" or "unknown"
};

// Sluice's GET /sluice/connectors/{name}/resources: what the connector's plugin host on this
// worker uses, the limits it runs under, and the automatic restarts made for it.
struct ConnectorResources {
  std::string name;
  std::string worker_id;
  std::optional<worker::HostResources> host;  // none: no host runs here for it
  bool restart_enabled = false;
  std::map<int, RestartCounts> restarts;  // kConnectorInstance: the connector instance
};

struct ConnectorInfo {
  std::string name;
  ConfigMap config;
  std::vector<int> tasks;
  std::string type;
};

struct TaskInfo {
  int task = 0;
  ConfigMap config;
};

struct PutResult {
  ConnectorInfo info;
  bool created = false;
};

struct RestartResult {
  // Set when include_tasks or only_failed was asked for: the status as it was when the restart
  // was accepted, with every restarted instance shown RESTARTING.
  std::optional<ConnectorStatus> status;
};

// One source partition's offset, as JSON texts of the partition and offset maps.
struct PartitionOffsetJson {
  std::string partition;  // e.g. {"filename":"/data/in.txt"}
  std::string offset;     // e.g. {"position":30}
};

class Herder {
 public:
  virtual ~Herder() = default;

  // Every connector name, sorted.
  virtual std::vector<std::string> ConnectorNames() const = 0;

  // POST /connectors. InvalidArgument (name mismatch, no connector type, invalid config, bad
  // initial state), Internal (unknown connector class), AlreadyExists. `null_keys`: keys given
  // as JSON null (see ValidateConnectorConfig).
  virtual absl::StatusOr<ConnectorInfo> CreateConnector(
      std::string name, ConfigMap config, std::optional<std::string> initial_state,
      const std::set<std::string>& null_keys = {}) = 0;
  // PUT /connectors/{name}/config: create or replace; a replace restarts the connector and
  // keeps its target state. DeadlineExceeded "Request timed out: ..." when the connector's
  // plugin does not answer in time.
  virtual absl::StatusOr<PutResult> PutConnectorConfig(
      const std::string& name, ConfigMap config, const std::set<std::string>& null_keys = {}) = 0;
  // PATCH /connectors/{name}/config: nullopt values remove keys. NotFound when unknown.
  virtual absl::StatusOr<ConnectorInfo> PatchConnectorConfig(
      const std::string& name,
      const std::map<std::string, std::optional<std::string>>& patch) = 0;
  // DELETE /connectors/{name}. NotFound "Connector {name} not found".
  virtual absl::Status DeleteConnector(const std::string& name) = 0;

  // PUT /connectors/{name}/pause, /resume and /stop: the connector's target state.
  virtual absl::Status PauseConnector(const std::string& name) = 0;
  virtual absl::Status ResumeConnector(const std::string& name) = 0;
  virtual absl::Status StopConnector(const std::string& name) = 0;
  // POST /connectors/{name}/restart. The connector is restarted if !only_failed or it FAILED;
  // a task if include_tasks and (!only_failed or it FAILED).
  virtual absl::StatusOr<RestartResult> RestartConnector(const std::string& name,
                                                         bool include_tasks,
                                                         bool only_failed) = 0;
  // POST /connectors/{name}/tasks/{task}/restart.
  virtual absl::Status RestartTask(const std::string& name, int task) = 0;

  // GET /connectors/{name}/offsets of a source connector: every partition it has an offset
  // for. NotFound "Connector {name} not found".
  virtual absl::StatusOr<std::vector<PartitionOffsetJson>> GetSourceOffsets(
      const std::string& name) const = 0;
  // GET /connectors/{name}/offsets of a sink connector: the committed offsets of its consumer
  // group for the topics it consumes.
  virtual absl::StatusOr<std::vector<kafka::CommittedOffset>> GetSinkOffsets(
      const std::string& name) const = 0;
  // PATCH / DELETE /connectors/{name}/offsets (KIP-875). NotFound unless the connector exists,
  // FailedPrecondition unless it is STOPPED (Kafka Connect's messages). For a source, `offsets`
  // holds partition maps and offset maps (nullopt offset = reset that partition); for a sink,
  // the next offset to consume per partition (nullopt = delete it). `reset_all` (DELETE)
  // ignores `offsets` and resets every partition. The connector is asked first (its
  // AlterOffsets); if it refuses, nothing is written and its message is the error (Unknown).
  // Returns Kafka Connect's success message.
  virtual absl::StatusOr<std::string> AlterSourceOffsets(
      const std::string& name,
      const std::vector<std::pair<sluice::Value, std::optional<sluice::Value>>>& offsets,
      bool reset_all) = 0;
  virtual absl::StatusOr<std::string> ModifySinkOffsets(const std::string& name,
                                                        const SinkOffsetChanges& offsets,
                                                        bool reset_all) = 0;

  // The connector's type ("source", "sink" or "unknown"); NotFound when unknown.
  virtual absl::StatusOr<std::string> ConnectorType(const std::string& name) const = 0;
  virtual absl::StatusOr<ConnectorInfo> GetConnectorInfo(const std::string& name) const = 0;
  virtual absl::StatusOr<ConfigMap> GetConnectorConfig(const std::string& name) const = 0;
  // NotFound "No status found for connector {name}".
  virtual absl::StatusOr<ConnectorStatus> GetConnectorStatus(const std::string& name) const = 0;
  // NotFound "No status found for task {name}-{task}".
  virtual absl::StatusOr<InstanceStatus> GetTaskStatus(const std::string& name,
                                                       int task) const = 0;
  virtual absl::StatusOr<std::vector<TaskInfo>> GetTasks(const std::string& name) const = 0;

  // GET /connectors/{name}/topics: the topics the connector's tasks used, sorted. Like Kafka
  // Connect, an unknown name just has none.
  virtual std::vector<std::string> GetActiveTopics(const std::string& name) const = 0;
  // PUT /connectors/{name}/topics/reset: forgets them.
  virtual void ResetActiveTopics(const std::string& name) = 0;

  // GET /sluice/connectors/{name}/resources (Sluice's). NotFound "Connector {name} not found".
  virtual absl::StatusOr<ConnectorResources> GetConnectorResources(
      const std::string& name) const = 0;

  // Internal endpoints (Kafka Connect's InternalConnectResource): requests workers of one
  // cluster send each other. `signature` is the request's KIP-507 signature over the body as
  // received, nullopt when it carried none; a herder that checks signatures answers Kafka
  // Connect's InvalidArgument "Internal request missing required signature" (400),
  // PermissionDenied "Internal request contained invalid signature." (403), ...
  //
  // PUT /admin/loggers/{namespace}?scope=cluster (KIP-976): sets the level on every worker of
  // the cluster. Returns false when this herder's cluster is this worker alone (standalone): the
  // caller then sets it here. A distributed herder writes it to the config topic, whence every
  // worker (this one too) applies it.
  virtual absl::StatusOr<bool> SetClusterLoggerLevel(const std::string& logger_namespace,
                                                     const std::string& level) {
    return false;
  }

  // POST /connectors/{name}/tasks: a follower's task configs for its connector, for the leader
  // to write. A herder that does not take them answers Unimplemented with Kafka Connect's
  // message (the REST answer is 500, as Java's UnsupportedOperationException is).
  virtual absl::Status PutTaskConfigs(
      const std::string& name, const std::vector<ConfigMap>& configs,
      const std::optional<distributed::RequestSignature>& signature) = 0;
  // PUT /connectors/{name}/fence: fence the earlier task generations of an exactly-once source
  // connector (KIP-618) before its new tasks start. Unimplemented as above where unsupported.
  virtual absl::Status FenceZombies(
      const std::string& name, const std::optional<distributed::RequestSignature>& signature) = 0;
};

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_HERDER_H_
