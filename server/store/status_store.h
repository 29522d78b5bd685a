// Connector and task statuses, and the topics each connector's tasks used: Kafka Connect's
// StatusBackingStore. Writers are the workers that run the instances; any worker reads all.
//
// Implementations: MemoryStatusStore (standalone; tests), and the Kafka status topic
// (distributed mode), whose writes are asynchronous: a Put returns at once, and a Get returns
// what this worker last wrote or read.
#ifndef SLUICE_SERVER_STORE_STATUS_STORE_H_
#define SLUICE_SERVER_STORE_STATUS_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sluice::store {

// Kafka Connect's connector and task states (AbstractStatus.State). DESTROYED is never shown:
// writing it is a removal (a tombstone in the status topic).
enum class State { kUnassigned, kRunning, kPaused, kFailed, kDestroyed, kRestarting, kStopped };
std::string_view StateName(State state);
std::optional<State> ParseState(std::string_view name);

struct InstanceStatus {
  State state = State::kUnassigned;
  std::string worker_id;
  std::optional<std::string> trace;
  // The worker group's generation when it was written (0 in standalone mode).
  int32_t generation = 0;
};

// Kafka Connect's putSafe rule: whether `next` may replace `current`. It may unless `current`
// was written by another worker in a later generation.
bool MayReplace(const std::optional<InstanceStatus>& current, const InstanceStatus& next);

// Implementations are thread-safe, and never call back into their callers.
class StatusStore {
 public:
  virtual ~StatusStore() = default;

  virtual void PutConnector(const std::string& connector, const InstanceStatus& status) = 0;
  // Writes unless MayReplace says no (Kafka Connect writes UNASSIGNED and FAILED this way).
  virtual void PutConnectorSafe(const std::string& connector, const InstanceStatus& status) = 0;
  virtual void PutTask(const std::string& connector, int task, const InstanceStatus& status) = 0;
  virtual void PutTaskSafe(const std::string& connector, int task,
                           const InstanceStatus& status) = 0;
  virtual std::optional<InstanceStatus> GetConnector(const std::string& connector) const = 0;
  virtual std::optional<InstanceStatus> GetTask(const std::string& connector, int task) const = 0;
  // Every task of the connector that has a status, by task number.
  virtual std::map<int, InstanceStatus> GetTasks(const std::string& connector) const = 0;
  // Removes the connector's status and its tasks' (DESTROYED).
  virtual void RemoveConnector(const std::string& connector) = 0;
  virtual void RemoveTask(const std::string& connector, int task) = 0;

  // Active topic tracking (KIP-558).
  // Task `task` of the connector used `topic` for the first time.
  virtual void PutTopic(const std::string& connector, const std::string& topic, int task) = 0;
  virtual std::set<std::string> GetTopics(const std::string& connector) const = 0;
  virtual void RemoveTopics(const std::string& connector) = 0;
  // Every connector with a status (Kafka Connect's StatusBackingStore.connectors()).
  virtual std::vector<std::string> Connectors() const = 0;
};

class MemoryStatusStore final : public StatusStore {
 public:
  void PutConnector(const std::string& connector, const InstanceStatus& status) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void PutConnectorSafe(const std::string& connector, const InstanceStatus& status) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void PutTask(const std::string& connector, int task, const InstanceStatus& status) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void PutTaskSafe(const std::string& connector, int task, const InstanceStatus& status) override
      ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<InstanceStatus> GetConnector(const std::string& connector) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<InstanceStatus> GetTask(const std::string& connector, int task) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  std::map<int, InstanceStatus> GetTasks(const std::string& connector) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  void RemoveConnector(const std::string& connector) override ABSL_LOCKS_EXCLUDED(mu_);
  void RemoveTask(const std::string& connector, int task) override ABSL_LOCKS_EXCLUDED(mu_);
  void PutTopic(const std::string& connector, const std::string& topic, int task) override
      ABSL_LOCKS_EXCLUDED(mu_);
  std::set<std::string> GetTopics(const std::string& connector) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  void RemoveTopics(const std::string& connector) override ABSL_LOCKS_EXCLUDED(mu_);
  std::vector<std::string> Connectors() const override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, InstanceStatus> connectors_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, int>, InstanceStatus> tasks_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::set<std::string>> topics_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_STATUS_STORE_H_
