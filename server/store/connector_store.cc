#include "server/store/connector_store.h"

#include <algorithm>

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

absl::StatusOr<std::vector<StoredConnector>> FileConnectorStore::Load() {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::optional<std::string>> content = ReadFileIfExists(path_);
  if (!content.ok()) return content.status();
  std::vector<StoredConnector> out;
  if (!content->has_value()) return out;
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
  for (const Value& entry : connectors->array()) {
    const Value* name = entry.kind() == Value::Kind::kMap ? entry.Find("name") : nullptr;
    const Value* config = name != nullptr ? entry.Find("config") : nullptr;
    const Value* state = name != nullptr ? entry.Find("target_state") : nullptr;
    if (name == nullptr || name->kind() != Value::Kind::kString || config == nullptr ||
        config->kind() != Value::Kind::kMap || state == nullptr ||
        state->kind() != Value::Kind::kString || !ParseTargetState(state->string())) {
      return corrupt("an entry lacks name, config or target_state");
    }
    StoredConnector c;
    c.name = name->string();
    c.target_state = *ParseTargetState(state->string());
    for (const MapEntry& kv : config->map()) {
      if (kv.key.kind() != Value::Kind::kString || kv.value.kind() != Value::Kind::kString) {
        return corrupt(absl::StrCat("connector ", c.name, " has a non-string config entry"));
      }
      c.config[kv.key.string()] = kv.value.string();
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const StoredConnector& a, const StoredConnector& b) { return a.name < b.name; });
  return out;
}

absl::Status FileConnectorStore::Save(const std::vector<StoredConnector>& connectors) {
  absl::MutexLock lock(&mu_);
  std::vector<Value> items;
  for (const StoredConnector& c : connectors) {
    std::vector<MapEntry> config;
    for (const auto& [k, v] : c.config) config.push_back({S(k), S(v)});
    items.push_back(Value::Map({{S("name"), S(c.name)},
                                {S("config"), Value::Map(std::move(config))},
                                {S("target_state"), S(TargetStateName(c.target_state))}}));
  }
  std::string content = formats::SerializeSchemaless(
      Value::Map({{S("format"), S(kFormat)}, {S("connectors"), Value::Array(std::move(items))}}));
  if (absl::Status s = WriteFileAtomically(path_, content); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("Saving connector configs: ", s.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredConnector>> MemoryConnectorStore::Load() {
  absl::MutexLock lock(&mu_);
  return connectors_;
}

absl::Status MemoryConnectorStore::Save(const std::vector<StoredConnector>& connectors) {
  absl::MutexLock lock(&mu_);
  connectors_ = connectors;
  return absl::OkStatus();
}

}  // namespace sluice::store
