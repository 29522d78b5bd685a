#include "server/store/status_store.h"

namespace sluice::store {

std::string_view StateName(State state) {
  switch (state) {
    case State::kUnassigned: return "UNASSIGNED";
    case State::kRunning: return "RUNNING";
    case State::kPaused: return "PAUSED";
    case State::kFailed: return "FAILED";
    case State::kDestroyed: return "DESTROYED";
    case State::kRestarting: return "RESTARTING";
    case State::kStopped: return "STOPPED";
  }
  return "UNASSIGNED";
}

std::optional<State> ParseState(std::string_view name) {
  for (State s : {State::kUnassigned, State::kRunning, State::kPaused, State::kFailed,
                  State::kDestroyed, State::kRestarting, State::kStopped}) {
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

bool MayReplace(const std::optional<InstanceStatus>& current, const InstanceStatus& next) {
  return !current.has_value() || current->worker_id == next.worker_id ||
         current->generation <= next.generation;
}

void MemoryStatusStore::PutConnector(const std::string& connector, const InstanceStatus& status) {
  absl::MutexLock lock(&mu_);
  connectors_[connector] = status;
}

void MemoryStatusStore::PutConnectorSafe(const std::string& connector,
                                         const InstanceStatus& status) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(connector);
  if (it == connectors_.end()) {
    connectors_.emplace(connector, status);
  } else if (MayReplace(it->second, status)) {
    it->second = status;
  }
}

void MemoryStatusStore::PutTask(const std::string& connector, int task,
                                const InstanceStatus& status) {
  absl::MutexLock lock(&mu_);
  tasks_[{connector, task}] = status;
}

void MemoryStatusStore::PutTaskSafe(const std::string& connector, int task,
                                    const InstanceStatus& status) {
  absl::MutexLock lock(&mu_);
  auto it = tasks_.find({connector, task});
  if (it == tasks_.end()) {
    tasks_.emplace(std::make_pair(connector, task), status);
  } else if (MayReplace(it->second, status)) {
    it->second = status;
  }
}

std::optional<InstanceStatus> MemoryStatusStore::GetConnector(const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(connector);
  if (it == connectors_.end()) return std::nullopt;
  return it->second;
}

std::optional<InstanceStatus> MemoryStatusStore::GetTask(const std::string& connector,
                                                         int task) const {
  absl::MutexLock lock(&mu_);
  auto it = tasks_.find({connector, task});
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

std::map<int, InstanceStatus> MemoryStatusStore::GetTasks(const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  std::map<int, InstanceStatus> out;
  for (auto it = tasks_.lower_bound({connector, INT32_MIN});
       it != tasks_.end() && it->first.first == connector; ++it) {
    out.emplace(it->first.second, it->second);
  }
  return out;
}

void MemoryStatusStore::RemoveConnector(const std::string& connector) {
  absl::MutexLock lock(&mu_);
  connectors_.erase(connector);
  tasks_.erase(tasks_.lower_bound({connector, INT32_MIN}),
               tasks_.upper_bound({connector, INT32_MAX}));
}

void MemoryStatusStore::RemoveTask(const std::string& connector, int task) {
  absl::MutexLock lock(&mu_);
  tasks_.erase({connector, task});
}

void MemoryStatusStore::PutTopic(const std::string& connector, const std::string& topic,
                                 int task) {
  absl::MutexLock lock(&mu_);
  topics_[connector].insert(topic);
}

std::set<std::string> MemoryStatusStore::GetTopics(const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  auto it = topics_.find(connector);
  return it == topics_.end() ? std::set<std::string>() : it->second;
}

std::vector<std::string> MemoryStatusStore::Connectors() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [name, status] : connectors_) out.push_back(name);
  return out;
}

void MemoryStatusStore::RemoveTopics(const std::string& connector) {
  absl::MutexLock lock(&mu_);
  topics_.erase(connector);
}

}  // namespace sluice::store
