#include "server/kafka/client_override_policy.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "sluice/sdk/java_text.h"
#include "server/convert/java_hash_map.h"

namespace sluice::kafka {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

using convert::JavaHashMapCapacity;

// Reorders `keys` (in insertion order) as a HashMap of `capacity` iterates them.
void AsJavaHashMap(std::vector<std::string>& keys, JavaHashMapCapacity capacity) {
  std::vector<MapEntry> entries;
  entries.reserve(keys.size());
  for (std::string& k : keys) entries.push_back({Value::String(std::move(k)), Value::Null()});
  convert::OrderAsJavaHashMap(entries, capacity);
  keys.clear();
  for (const MapEntry& e : entries) keys.push_back(e.key.string());
}

bool Allowed(OverridePolicy policy, std::string_view key) {
  switch (policy) {
    case OverridePolicy::kAll: return true;
    case OverridePolicy::kNone: return false;
    case OverridePolicy::kPrincipal:
      // PrincipalConnectorClientConfigOverridePolicy's ALLOWED_CONFIG.
      return key == "sasl.jaas.config" || key == "sasl.mechanism" || key == "security.protocol";
  }
  return false;
}

std::string PolicyError(OverridePolicy policy, std::string_view key) {
  return absl::StrCat("The '", Av(OverridePolicyName(policy)), "' policy does not allow '",
                      Av(key), "' to be overridden in the connector configuration.");
}

}  // namespace

std::string_view OverridePolicyName(OverridePolicy policy) {
  switch (policy) {
    case OverridePolicy::kAll: return "All";
    case OverridePolicy::kNone: return "None";
    case OverridePolicy::kPrincipal: return "Principal";
  }
  return "All";
}

std::string_view ClientOverridePrefix(ClientType type) {
  switch (type) {
    case ClientType::kProducer: return "producer.override.";
    case ClientType::kConsumer: return "consumer.override.";
    case ClientType::kAdmin: return "admin.override.";
  }
  return "";
}

std::vector<std::string> OverrideKeysInJavaOrder(const ConfigMap& config, std::string_view prefix,
                                                 bool through_client_map) {
  // The connector config, in the order Sluice has it (Kafka Connect's starts as the request's
  // JSON order; only keys that collide in every table below keep that order).
  std::vector<std::string> keys;
  for (const auto& [k, v] : config) keys.push_back(k);
  const size_t n = keys.size();
  // ConfigTransformer.transform: new HashMap<>(configs).
  AsJavaHashMap(keys, JavaHashMapCapacity::CopyOf(n));
  // AbstractConfig: Utils.castToStringObjectMap (new HashMap<>(size)), resolveConfigVariables
  // (new HashMap<>() then putAll) and ResolvingMap (new HashMap<>(resolved)).
  AsJavaHashMap(keys, JavaHashMapCapacity::WithInitialCapacity(n));
  AsJavaHashMap(keys, JavaHashMapCapacity::CopyOf(n));
  AsJavaHashMap(keys, JavaHashMapCapacity::CopyOf(n));
  // originalsWithPrefix: Utils.entriesWithPrefix (new HashMap<>(), keys longer than the prefix,
  // stripped), then a RecordingMap that putAll's them.
  std::vector<std::string> stripped;
  for (const std::string& k : keys) {
    if (k.size() > prefix.size() && absl::StartsWith(k, Av(prefix))) {
      stripped.push_back(k.substr(prefix.size()));
    }
  }
  AsJavaHashMap(stripped, JavaHashMapCapacity::Default());
  AsJavaHashMap(stripped, JavaHashMapCapacity::CopyOf(stripped.size()));
  // validateClientOverrides: new HashMap<>(), put one by one.
  if (through_client_map) AsJavaHashMap(stripped, JavaHashMapCapacity::Default());
  return stripped;
}

absl::StatusOr<std::vector<ClientOverrideEntry>> ValidateClientOverrides(
    ClientType type, OverridePolicy policy, const ConfigMap& connector_config,
    const std::set<std::string>& null_keys) {
  const std::string prefix(ClientOverridePrefix(type));
  const ConfigDef& def = JavaClientConfigDef(type);
  // Kafka Connect parses the values in the order of originalsWithPrefix (the first bad one
  // throws), then the policy walks the HashMap it put them in.
  std::map<std::string, ClientOverrideEntry> parsed;
  for (const std::string& key : OverrideKeysInJavaOrder(connector_config, prefix, false)) {
    ClientOverrideEntry entry;
    entry.key = key;
    entry.definition = def.Find(key);
    const std::string full = prefix + key;
    if (!null_keys.contains(full)) {
      const std::string& raw = connector_config.at(full);
      if (entry.definition != nullptr) {
        absl::StatusOr<ConfigValue> value = ParseJavaClientValue(*entry.definition, raw);
        if (!value.ok()) return value.status();
        entry.value = ConfigValueToString(*value, entry.definition->type);
      } else {
        entry.value = raw;
      }
    }
    if (!Allowed(policy, key)) entry.errors.push_back(PolicyError(policy, key));
    parsed.emplace(key, std::move(entry));
  }
  std::vector<ClientOverrideEntry> out;
  for (const std::string& key : OverrideKeysInJavaOrder(connector_config, prefix, true)) {
    out.push_back(std::move(parsed.at(key)));
  }
  return out;
}

absl::Status CheckClientOverrides(ClientType type, OverridePolicy policy,
                                  const ConfigMap& connector_config) {
  const std::string prefix(ClientOverridePrefix(type));
  // ConfigValue.toString of each refused key, in the order of originalsWithPrefix; the value is
  // the text as given.
  std::vector<std::string> refused;
  for (const std::string& key : OverrideKeysInJavaOrder(connector_config, prefix, false)) {
    if (Allowed(policy, key)) continue;
    refused.push_back(absl::StrCat("[", key, ",", connector_config.at(prefix + key), ",[],[",
                                   PolicyError(policy, key), "],true]"));
  }
  if (refused.empty()) return absl::OkStatus();
  return convert::JavaError(
      absl::StatusCode::kFailedPrecondition, convert::kConnectExceptionClass,
      absl::StrCat("Client Config Overrides not allowed [", absl::StrJoin(refused, ", "), "]"));
}

}  // namespace sluice::kafka
