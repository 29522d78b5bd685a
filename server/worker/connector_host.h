// What the worker asks of the plugin host that runs one connector: the connector instance's
// lifecycle calls, its task configs, its events, its tasks' runners, and the host's own life.
// Free of protobuf and gRPC types, so that the worker and the herders above it are tested
// against fakes (server/worker/testing/fake_connector_host.h); PluginConnectorHosts is the real
// thing, one sluice-plugin-host process per connector (DESIGN.md §2).
#ifndef SLUICE_SERVER_WORKER_CONNECTOR_HOST_H_
#define SLUICE_SERVER_WORKER_CONNECTOR_HOST_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/plugins/plugin_registry.h"
#include "server/runtime/task_runner.h"
#include "server/store/offset_store.h"
#include "sluice/sdk/config_def.h"

namespace sluice::worker {

// An event a running connector instance raises on its own.
struct ConnectorEvent {
  enum class Kind {
    kReconfigure,  // ConnectorContext.requestTaskReconfiguration
    kFailure,      // ConnectorContext.raiseError
  };
  Kind kind = Kind::kReconfigure;
  std::string message;  // kFailure: the error and its trace
};

// Stops delivering events when destroyed (and waits for a callback under way).
class EventSubscription {
 public:
  virtual ~EventSubscription() = default;
};

// The task configs a connector instance generated.
struct GeneratedTasks {
  std::string task_class;
  std::vector<ConfigMap> configs;
};

// One connector's plugin host. Calls that talk to the plugin return, besides OK:
// DeadlineExceeded when it did not answer within `timeout`, FailedPrecondition when there is
// nothing to act on (StopConnector without a running instance), and any other code with the
// plugin's (or the transport's) message when the call failed.
//
// Thread-safe.
class ConnectorHost {
 public:
  virtual ~ConnectorHost() = default;

  virtual absl::Status StartConnector(const std::string& class_name, const std::string& name,
                                      const ConfigMap& config, absl::Duration timeout) = 0;
  virtual absl::StatusOr<GeneratedTasks> TaskConfigs(int max_tasks, absl::Duration timeout) = 0;
  virtual absl::Status StopConnector(absl::Duration timeout) = 0;

  // Delivers the connector's events to `callback` (on the host's thread; it must not block)
  // until the subscription is destroyed or the host goes away. The same subscription answers
  // the connector's reads of stored source offsets (SourceConnectorContext's
  // offsetStorageReader) from `offsets`: none are found when it is null (sink connectors).
  virtual std::unique_ptr<EventSubscription> SubscribeEvents(
      std::function<void(const ConnectorEvent&)> callback, store::OffsetStore* offsets) = 0;

  // A runner for one task of this host's connector. `options` has everything but the
  // connection to the host, which this fills in. `offsets`: a source task's offset store.
  virtual std::unique_ptr<runtime::TaskRunner> NewTaskRunner(runtime::TaskRunnerOptions options,
                                                             plugins::ConnectorType type,
                                                             store::OffsetStore* offsets) = 0;

  // How the host ended (e.g. "Plugin host for connector 'x' (pid N) was killed by signal 11
  // ..."), once it has; nullopt while it runs.
  virtual std::optional<std::string> ExitDescription() const = 0;
  // `callback` runs once when the host exits (at once if it has), on another thread.
  virtual void OnExit(std::function<void(const std::string& description)> callback) = 0;
  // Asks the host to shut down, waits up to `grace`, then kills it. Idempotent.
  virtual void Stop(absl::Duration grace) = 0;
  // The host's process id while it runs (its metrics); nullopt when it has no process.
  virtual std::optional<pid_t> Pid() const { return std::nullopt; }
  // What the host uses now; nullopt when it has no process or has exited.
  virtual std::optional<plugins::HostUsage> Usage() const { return std::nullopt; }
  // The sandbox policy the host runs under (its limits); nullopt when it has no process.
  virtual std::optional<plugins::SandboxPolicy> Policy() const { return std::nullopt; }
};

// Starts connector hosts. Thread-safe.
class ConnectorHosts {
 public:
  virtual ~ConnectorHosts() = default;
  // A host for connector `name` of `plugin` with `config` (resolved; its sandbox policy comes
  // from it), ready for calls.
  virtual absl::StatusOr<std::unique_ptr<ConnectorHost>> Start(
      const plugins::ConnectorPlugin& plugin, const std::string& name,
      const ConfigMap& config) = 0;
  // Whether a host started for `running` (resolved) would run under the same sandbox policy
  // with `next`: when not, a reconfigured connector needs a new host (Landlock's grants, for
  // one, are fixed when the host starts).
  virtual bool SameSandbox(const plugins::ConnectorPlugin& /*plugin*/,
                           const ConfigMap& /*running*/, const ConfigMap& /*next*/) const {
    return true;
  }
};

// The real hosts: sluice-plugin-host processes started by the plugin registry, spoken to over
// the plugin protocol (sluice.plugin.v1).
class PluginConnectorHosts final : public ConnectorHosts {
 public:
  // REQUIRES: `registry` outlives this.
  // `limits_of` gives the sandbox ceilings of a connector's host (its tenant's); none when empty.
  explicit PluginConnectorHosts(
      plugins::PluginRegistry* registry,
      std::function<plugins::SandboxLimits(const std::string& connector)> limits_of = nullptr)
      : registry_(registry), limits_of_(std::move(limits_of)) {}
  absl::StatusOr<std::unique_ptr<ConnectorHost>> Start(const plugins::ConnectorPlugin& plugin,
                                                       const std::string& name,
                                                       const ConfigMap& config) override;
  bool SameSandbox(const plugins::ConnectorPlugin& plugin, const ConfigMap& running,
                   const ConfigMap& next) const override;

  // Starts the host of connector `name` of `plugin` with `config` now, while its config is still
  // being validated (sluiced's command-line connectors): a later Start for `name` takes it when
  // its plugin, sandbox policy and limits are the same, and waits for it if it is still
  // starting. Exactly the host Start would have made; it runs no connector until Start hands it
  // over. Hosts that no Start took are stopped by StopUnclaimed.
  void Prestart(const plugins::ConnectorPlugin& plugin, const std::string& name,
                const ConfigMap& config);
  // Stops the prestarted hosts that no Start took.
  void StopUnclaimed();
  ~PluginConnectorHosts() override { StopUnclaimed(); }

 private:
  struct Prestarted {
    std::string plugin_dir;
    ConfigMap config;
    plugins::SandboxLimits limits;
    bool ready = false;
    absl::StatusOr<std::unique_ptr<plugins::PluginProcess>> process =
        absl::UnavailableError("starting");
  };
  // The limits of connector `name`'s host.
  plugins::SandboxLimits LimitsOf(const std::string& name) const {
    return limits_of_ ? limits_of_(name) : plugins::SandboxLimits{};
  }

  plugins::PluginRegistry* const registry_;
  const std::function<plugins::SandboxLimits(const std::string& connector)> limits_of_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Prestarted>> prestarted_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::worker

#endif  // SLUICE_SERVER_WORKER_CONNECTOR_HOST_H_
