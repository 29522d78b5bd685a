// Connector configs, target states and task configs: Kafka Connect's ConfigBackingStore. The
// herder reads a snapshot and writes through the Put/Remove calls; each returns once the write
// is durable (for the store's notion of durable).
//
// Implementations: MemoryConfigStore (tests), FileConfigStore (standalone: connector configs and
// target states outlive a restart, Sluice's addition; Kafka Connect's standalone mode keeps
// REST-created connectors in memory only), and the Kafka config topic (distributed mode).
#ifndef SLUICE_SERVER_STORE_CONFIG_STORE_H_
#define SLUICE_SERVER_STORE_CONFIG_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "sluice/sdk/config_def.h"

namespace sluice::store {

// Kafka Connect's target states (what the user asked for, not what runs).
enum class TargetState { kStarted, kPaused, kStopped };
std::string_view TargetStateName(TargetState state);  // "STARTED", "PAUSED", "STOPPED"
std::optional<TargetState> ParseTargetState(std::string_view name);

// What the store holds at one point: Kafka Connect's ClusterConfigState.
struct ClusterConfigState {
  // The position in the store's log this snapshot reflects (the config topic's offset); -1 for
  // stores without one.
  int64_t offset = -1;
  std::map<std::string, ConfigMap> connectors;
  // One per connector; a connector written without one is STARTED.
  std::map<std::string, TargetState> target_states;
  // The committed task configs of each connector that has any (task 0, 1, ...).
  std::map<std::string, std::vector<ConfigMap>> task_configs;
  // Connectors whose task configs were written incompletely: the leader regenerates them.
  std::set<std::string> inconsistent;
};

// Implementations are thread-safe.
class ConfigStore {
 public:
  virtual ~ConfigStore() = default;
  virtual ClusterConfigState Snapshot() const = 0;
  // Creates or replaces a connector's config; `target`, when given, is written with it (first,
  // as Kafka Connect does).
  virtual absl::Status PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                          std::optional<TargetState> target) = 0;
  // Removes the connector's config and target state (its task configs go with it).
  virtual absl::Status RemoveConnectorConfig(const std::string& name) = 0;
  // Replaces the connector's task configs (an empty list: no tasks).
  virtual absl::Status PutTaskConfigs(const std::string& name,
                                      const std::vector<ConfigMap>& tasks) = 0;
  virtual absl::Status PutTargetState(const std::string& name, TargetState state) = 0;
};

// In memory only.
class MemoryConfigStore final : public ConfigStore {
 public:
  MemoryConfigStore() = default;
  explicit MemoryConfigStore(ClusterConfigState initial) : state_(std::move(initial)) {}

  ClusterConfigState Snapshot() const override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                  std::optional<TargetState> target) override
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status RemoveConnectorConfig(const std::string& name) override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status PutTaskConfigs(const std::string& name, const std::vector<ConfigMap>& tasks) override
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status PutTargetState(const std::string& name, TargetState state) override
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  ClusterConfigState state_ ABSL_GUARDED_BY(mu_);
};

// Connector configs and target states in a JSON file, replaced atomically (write, fsync,
// rename) on every change:
// {"format":"sluice-connectors-v1","connectors":[{"name":..,"config":{..},"target_state":..}]}
// Task configs are kept in memory: a standalone worker generates them again when it starts its
// connectors.
class FileConfigStore final : public ConfigStore {
 public:
  // Loads the file if it exists. InvalidArgument for a file that exists but is corrupt.
  static absl::StatusOr<std::unique_ptr<FileConfigStore>> Open(std::string path);

  ClusterConfigState Snapshot() const override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                  std::optional<TargetState> target) override
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status RemoveConnectorConfig(const std::string& name) override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status PutTaskConfigs(const std::string& name, const std::vector<ConfigMap>& tasks) override
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status PutTargetState(const std::string& name, TargetState state) override
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit FileConfigStore(std::string path) : path_(std::move(path)) {}
  // Writes `next` (its connectors and target states) to the file, then makes it the state.
  absl::Status Commit(ClusterConfigState next) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  mutable absl::Mutex mu_;
  ClusterConfigState state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_CONFIG_STORE_H_
