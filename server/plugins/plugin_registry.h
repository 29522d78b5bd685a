// The plugins on plugin.path and the connector classes they provide.
//
// At start-up the registry finds every plugin directory (a directory holding
// sluice-plugin.json, either named in plugin.path or directly under a plugin.path entry; or,
// directly under an entry, Kafka Connect's layout: a directory of jars or an uber jar, a Java
// plugin, plugin_host::ConnectLayoutManifest) and
// learns what it provides: from the describe cache (describe_cache.h) when the plugin's files
// are unchanged since it was last described, else by starting a host for it and asking it to
// Describe itself (all such plugins at once). A plugin that cannot be described is logged and
// left out, as Kafka Connect does with a broken plugin jar.
//
// Validate and alterOffsets requests go to the plugin's validation host, never to a host that
// runs a connector. It is started on the first such request (or is the host that just described
// the plugin) and stopped once it has been idle for `validation_idle_timeout`. A plugin has two:
// one with the default policy, and one that may use the network, for configs whose own policy
// grants it (`sluice.sandbox.network=true`): a database connector's validate connects to its
// database, as in Kafka Connect, and must not fail only because validation ran offline.
//
// Thread-safe.
#ifndef SLUICE_SERVER_PLUGINS_PLUGIN_REGISTRY_H_
#define SLUICE_SERVER_PLUGINS_PLUGIN_REGISTRY_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/config/connector_config.h"
#include "server/plugins/describe_cache.h"
#include "server/plugins/plugin_process.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"

namespace sluice::plugins {

using ConnectorType = config::ConnectorType;
using config::ConnectorTypeName;  // "source" / "sink"

struct ConnectorPlugin {
  std::string class_name;
  std::vector<std::string> aliases;
  ConnectorType type = ConnectorType::kSource;
  std::string version;
  std::vector<ConfigKey> config;  // the connector's own keys, in definition order
  std::string plugin_name;
  std::string plugin_dir;
  // Config keys whose values are paths the connector reads (false) or writes (true): the
  // manifest's sandbox.paths for this class; the sandbox grants exactly those.
  PathKeys path_keys;
  // Whether the plugin runs in a JVM, and the manifest's heap (the sandbox policy follows it).
  RuntimeTraits runtime;
};

class PluginRegistry {
 public:
  struct Options {
    std::vector<std::string> plugin_path;
    std::string host_binary;
    std::string socket_dir;
    absl::Duration call_timeout = absl::Seconds(30);
    // sluice.sandbox.*; with `enabled`, Create probes what the machine offers (the host's
    // --probe, the cgroups) and logs each protection that is missing.
    SandboxSettings sandbox;
    // Where Describe answers are cached (sluice.plugin.describe.cache.dir); empty: no cache.
    std::string describe_cache_dir;
    // A validation host unused for this long is stopped (the next request starts it again);
    // absl::InfiniteDuration(): kept until the registry goes.
    absl::Duration validation_idle_timeout = absl::Minutes(1);
  };

  // The worker's default describe cache directory: $XDG_CACHE_HOME/sluice/plugins, else
  // $HOME/.cache/sluice/plugins; empty when neither is set.
  static std::string DefaultDescribeCacheDir();

  // Scans and describes. Fails only for a plugin.path entry that does not exist.
  static absl::StatusOr<std::unique_ptr<PluginRegistry>> Create(Options options);
  ~PluginRegistry();

  // The connector class named `name`: its full class name, a declared alias, its simple class
  // name, or the simple name without a "Connector" suffix. Null when none matches.
  const ConnectorPlugin* Find(std::string_view name) const;
  // Every connector class, sorted by class name.
  const std::vector<ConnectorPlugin>& connectors() const { return connectors_; }
  // Kafka Connect's 500 message for an unknown connector.class.
  std::string UnknownClassMessage(absl::string_view name) const;

  // Starts `plugin`'s validation host unless it runs, so that a validation expected soon (the
  // connectors on sluiced's command line) does not wait for it. A host that fails to start is
  // left for that validation to report.
  void StartValidationHost(const ConnectorPlugin& plugin);

  // The process id of `plugin`'s validation host (the one with the network when `network`)
  // while one runs.
  std::optional<pid_t> ValidationHostPid(const ConnectorPlugin& plugin,
                                         bool network = false) const;

  // Validates `config` against the plugin's own definitions and checks (plugin Validate), on
  // the plugin's validation host (restarted if it died). One entry per key of the plugin's
  // config. DeadlineExceeded when the plugin does not answer within the call timeout.
  absl::StatusOr<std::vector<ConfigValueResult>> Validate(const ConnectorPlugin& plugin,
                                                          const ConfigMap& config);

  // Kafka Connect's Connector.alterOffsets (KIP-875), asked of a fresh instance of the class on
  // the plugin's validation host. Returns what the connector answered; false when the plugin
  // does not implement the call (no "alter_offsets" capability). Errors, with Kafka Connect's
  // messages: the connector's own rejection, message unchanged (Unknown: Kafka Connect answers
  // 500 for a connector's exception); Internal "Failed to modify offsets for connector {name}
  // because it doesn't support external modification of offsets" when the connector reports
  // Unimplemented; DeadlineExceeded "Timed out while calling the 'alterOffsets' method for
  // {source|sink} connector {name}" after the call timeout (the host is then replaced).
  absl::StatusOr<bool> AlterSourceOffsets(const ConnectorPlugin& plugin,
                                          const std::string& connector_name,
                                          const ConfigMap& config,
                                          const SourceOffsetChanges& offsets);
  absl::StatusOr<bool> AlterSinkOffsets(const ConnectorPlugin& plugin,
                                        const std::string& connector_name,
                                        const ConfigMap& config, const SinkOffsetChanges& offsets);

  // Starts a dedicated host for one connector of `plugin` with `config` (resolved) and
  // completes the handshake. The host's sandbox follows the connector's policy
  // (sandbox_policy.h) within the tenant's `limits`; FailedPrecondition naming each problem when
  // the policy asks for more than its ceilings or for what this machine cannot enforce.
  absl::StatusOr<std::unique_ptr<PluginProcess>> StartHost(const ConnectorPlugin& plugin,
                                                           const std::string& label,
                                                           const ConfigMap& config = {},
                                                           SandboxLimits limits = {});

  // Whether connectors of `plugin` with configs `a` and `b` (resolved) get the same sandbox
  // policy, errors included.
  bool SameSandbox(const ConnectorPlugin& plugin, const ConfigMap& a, const ConfigMap& b) const;
  // The errors of `config`'s sandbox policy, by key (validate shows them).
  PolicyErrors SandboxErrors(const ConnectorPlugin& plugin, const ConfigMap& config) const;
  // What this machine enforces (GET /sluice/sandbox).
  const SandboxSupport& sandbox_support() const { return support_; }

  const Options& options() const { return options_; }

 private:
  explicit PluginRegistry(Options options) : options_(std::move(options)) {}
  // Probes the machine (sandbox enabled) and fills support_.
  void ProbeSandbox();
  // Options for a host of `plugin_dir` under `policy`.
  PluginProcessOptions HostOptions(const std::string& plugin_dir, const std::string& label,
                                   SandboxPolicy policy) const;
  // The runtime of the plugin at `plugin_dir` (its manifest; a plain default if unreadable).
  RuntimeTraits RuntimeOf(const std::string& plugin_dir) const;
  // What one plugin directory provides, and the host that described it (null when the answer
  // came from the cache).
  struct Described {
    std::vector<ConnectorPlugin> connectors;
    std::unique_ptr<PluginProcess> host;
    std::set<std::string> capabilities;
  };
  absl::StatusOr<Described> Describe(const std::string& plugin_dir) const;
  // One validation host per plugin directory, with the capabilities its handshake named. Each
  // serves one call at a time, under its own lock: a plugin stuck in a call holds up only
  // calls to the same plugin, for at most the call timeout.
  struct ValidationHost {
    absl::Mutex mu;
    std::unique_ptr<PluginProcess> process ABSL_GUARDED_BY(mu);
    std::set<std::string> capabilities ABSL_GUARDED_BY(mu);
    absl::Time last_used ABSL_GUARDED_BY(mu);
  };
  // The validation host entry of `plugin`'s directory, the one that may use the network when
  // `network`. REQUIRES: the plugin came from Find.
  ValidationHost& ValidationHostOf(const ConnectorPlugin& plugin, bool network) const;
  // Whether validating `config` needs the validation host with the network: its own policy
  // grants the network (and the worker allows it).
  bool ValidatesWithNetwork(const ConnectorPlugin& plugin, const ConfigMap& config) const;
  // The host's process, started (with its handshake) if it is not running.
  absl::StatusOr<PluginProcess*> StartedLocked(ValidationHost& host, const std::string& plugin_dir,
                                               bool network)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(host.mu);
  // Sends `request` (class, name and config filled in here) to the validation host.
  absl::StatusOr<bool> AlterOffsets(const ConnectorPlugin& plugin,
                                    const std::string& connector_name, const ConfigMap& config,
                                    sluice::plugin::v1::AlterOffsetsRequest request);

  const Options options_;
  SandboxSupport support_;                   // immutable after Create
  std::vector<ConnectorPlugin> connectors_;  // immutable after Create
  std::map<std::string, size_t, std::less<>> by_name_;  // every accepted name -> index

  // Filled by Create, never changed after (the entries' contents have their own locks). Keyed
  // by ValidationKey: two per plugin directory.
  std::map<std::string, std::unique_ptr<ValidationHost>> validation_hosts_;

  // Stops validation hosts idle for longer than options_.validation_idle_timeout, until
  // stopping_. Runs on idle_stopper_.
  void StopIdleValidationHosts();
  absl::Mutex stopper_mu_;
  bool stopping_ ABSL_GUARDED_BY(stopper_mu_) = false;
  std::thread idle_stopper_;  // started by Create when hosts are stopped when idle
};

// Handshake with a freshly started host: FailedPrecondition when it speaks another protocol
// version. `capabilities`, when not null, receives the host's (e.g. "alter_offsets").
absl::Status Handshake(PluginProcess& process, absl::Duration timeout,
                       std::set<std::string>* capabilities = nullptr);

}  // namespace sluice::plugins

#endif  // SLUICE_SERVER_PLUGINS_PLUGIN_REGISTRY_H_
