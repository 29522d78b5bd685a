#include "server/store/config_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "formats/schemaless_json.h"
#include "server/store/atomic_file.h"

namespace sluice::store {
namespace {

constexpr std::string_view kFormat = "sluice-connectors-v1";

Value S(std::string_view s) { return Value::String(std::string(s)); }

}  // namespace

std::string_view TargetStateName(TargetState state) {
  switch (state) {
    case TargetState::kStarted: return "STARTED";
    case TargetState::kPaused: return "PAUSED";
    case TargetState::kStopped: return "STOPPED";
  }
  return "STARTED";
}

std::optional<TargetState> ParseTargetState(std::string_view name) {
  if (name == "STARTED") return TargetState::kStarted;
  if (name == "PAUSED") return TargetState::kPaused;
  if (name == "STOPPED") return TargetState::kStopped;
  return std::nullopt;
}

namespace {

// The changes, shared by the stores.
void ApplyConnectorConfig(ClusterConfigState& state, const std::string& name,
                          const ConfigMap& config, std::optional<TargetState> target) {
  state.connectors[name] = config;
  if (target.has_value()) {
    state.target_states[name] = *target;
  } else {
    state.target_states.try_emplace(name, TargetState::kStarted);
  }
}

void ApplyRemoval(ClusterConfigState& state, const std::string& name) {
  state.connectors.erase(name);
  state.target_states.erase(name);
  state.task_configs.erase(name);
  state.inconsistent.erase(name);
}

void ApplyTaskConfigs(ClusterConfigState& state, const std::string& name,
                      const std::vector<ConfigMap>& tasks) {
  if (tasks.empty()) {
    state.task_configs.erase(name);
  } else {
    state.task_configs[name] = tasks;
  }
  state.inconsistent.erase(name);
}

}  // namespace

ClusterConfigState MemoryConfigStore::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

absl::Status MemoryConfigStore::PutConnectorConfig(const std::string& name,
                                                   const ConfigMap& config,
                                                   std::optional<TargetState> target) {
  absl::MutexLock lock(&mu_);
  ApplyConnectorConfig(state_, name, config, target);
  return absl::OkStatus();
}

absl::Status MemoryConfigStore::RemoveConnectorConfig(const std::string& name) {
  absl::MutexLock lock(&mu_);
  ApplyRemoval(state_, name);
  return absl::OkStatus();
}

absl::Status MemoryConfigStore::PutTaskConfigs(const std::string& name,
                                               const std::vector<ConfigMap>& tasks) {
  absl::MutexLock lock(&mu_);
  ApplyTaskConfigs(state_, name, tasks);
  return absl::OkStatus();
}

absl::Status MemoryConfigStore::PutTargetState(const std::string& name, TargetState state) {
  absl::MutexLock lock(&mu_);
  state_.target_states[name] = state;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<FileConfigStore>> FileConfigStore::Open(std::string path) {
  auto store = std::unique_ptr<FileConfigStore>(new FileConfigStore(std::move(path)));
  const std::string& path_ = store->path_;
  absl::StatusOr<std::optional<std::string>> content = ReadFileIfExists(path_);
  if (!content.ok()) return content.status();
  if (!content->has_value()) return store;
  auto corrupt = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("Connector store ", path_, " is corrupt: ", why));
  };
  absl::StatusOr<Value> root = formats::ParseSchemaless(**content);
  if (!root.ok()) return corrupt(root.status().message());
  const Value* format = root->kind() == Value::Kind::kMap ? root->Find("format") : nullptr;
  if (format == nullptr || format->kind() != Value::Kind::kString ||
      format->string() != kFormat) {
    return corrupt("no \"format\":\"sluice-connectors-v1\"");
  }
  const Value* connectors = root->Find("connectors");
  if (connectors == nullptr || connectors->kind() != Value::Kind::kArray) {
    return corrupt("no \"connectors\" array");
  }
  ClusterConfigState state;
  for (const Value& entry : connectors->array()) {
    const Value* name = entry.kind() == Value::Kind::kMap ? entry.Find("name") : nullptr;
    const Value* config = name != nullptr ? entry.Find("config") : nullptr;
    const Value* target = name != nullptr ? entry.Find("target_state") : nullptr;
    if (name == nullptr || name->kind() != Value::Kind::kString || config == nullptr ||
        config->kind() != Value::Kind::kMap || target == nullptr ||
        target->kind() != Value::Kind::kString || !ParseTargetState(target->string())) {
      return corrupt("an entry lacks name, config or target_state");
    }
    ConfigMap c;
    for (const MapEntry& kv : config->map()) {
      if (kv.key.kind() != Value::Kind::kString || kv.value.kind() != Value::Kind::kString) {
        return corrupt(
            absl::StrCat("connector ", name->string(), " has a non-string config entry"));
      }
      c[kv.key.string()] = kv.value.string();
    }
    ApplyConnectorConfig(state, name->string(), c, ParseTargetState(target->string()));
  }
  absl::MutexLock lock(&store->mu_);
  store->state_ = std::move(state);
  return store;
}

absl::Status FileConfigStore::Commit(ClusterConfigState next) {
  std::vector<Value> items;
  for (const auto& [name, config] : next.connectors) {
    std::vector<MapEntry> entries;
    for (const auto& [k, v] : config) entries.push_back({S(k), S(v)});
    auto target = next.target_states.find(name);
    items.push_back(Value::Map(
        {{S("name"), S(name)},
         {S("config"), Value::Map(std::move(entries))},
         {S("target_state"), S(TargetStateName(target == next.target_states.end()
                                                   ? TargetState::kStarted
                                                   : target->second))}}));
  }
  std::string content = formats::SerializeSchemaless(
      Value::Map({{S("format"), S(kFormat)}, {S("connectors"), Value::Array(std::move(items))}}));
  if (absl::Status s = WriteFileAtomically(path_, content); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("Saving connector configs: ", s.message()));
  }
  state_ = std::move(next);
  return absl::OkStatus();
}

ClusterConfigState FileConfigStore::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

absl::Status FileConfigStore::PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                                 std::optional<TargetState> target) {
  absl::MutexLock lock(&mu_);
  ClusterConfigState next = state_;
  ApplyConnectorConfig(next, name, config, target);
  return Commit(std::move(next));
}

absl::Status FileConfigStore::RemoveConnectorConfig(const std::string& name) {
  absl::MutexLock lock(&mu_);
  ClusterConfigState next = state_;
  ApplyRemoval(next, name);
  return Commit(std::move(next));
}

absl::Status FileConfigStore::PutTaskConfigs(const std::string& name,
                                             const std::vector<ConfigMap>& tasks) {
  // Not in the file: nothing to write.
  absl::MutexLock lock(&mu_);
  ApplyTaskConfigs(state_, name, tasks);
  return absl::OkStatus();
}

absl::Status FileConfigStore::PutTargetState(const std::string& name, TargetState state) {
  absl::MutexLock lock(&mu_);
  ClusterConfigState next = state_;
  next.target_states[name] = state;
  return Commit(std::move(next));
}

}  // namespace sluice::store
