// Connector configs and target states that outlive a restart of a standalone worker (Sluice's
// addition: Kafka Connect's standalone mode keeps REST-created connectors in memory only).
#ifndef SLUICE_SERVER_STORE_CONNECTOR_STORE_H_
#define SLUICE_SERVER_STORE_CONNECTOR_STORE_H_

#include <memory>
#include <optional>
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

struct StoredConnector {
  std::string name;
  ConfigMap config;
  TargetState target_state = TargetState::kStarted;
};

// Implementations are thread-safe.
class ConnectorStore {
 public:
  virtual ~ConnectorStore() = default;
  // Every stored connector, in name order.
  virtual absl::StatusOr<std::vector<StoredConnector>> Load() = 0;
  // Replaces the stored set with `connectors` and returns once it is durable.
  virtual absl::Status Save(const std::vector<StoredConnector>& connectors) = 0;
};

// JSON file, replaced atomically on every Save:
// {"format":"sluice-connectors-v1","connectors":[{"name":..,"config":{..},"target_state":..}]}
class FileConnectorStore final : public ConnectorStore {
 public:
  explicit FileConnectorStore(std::string path) : path_(std::move(path)) {}
  // InvalidArgument for a file that exists but is corrupt.
  absl::StatusOr<std::vector<StoredConnector>> Load() override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Save(const std::vector<StoredConnector>& connectors) override
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const std::string path_;
  absl::Mutex mu_;
};

class MemoryConnectorStore final : public ConnectorStore {
 public:
  absl::StatusOr<std::vector<StoredConnector>> Load() override ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Save(const std::vector<StoredConnector>& connectors) override
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  std::vector<StoredConnector> connectors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_CONNECTOR_STORE_H_
