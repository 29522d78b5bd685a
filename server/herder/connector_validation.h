// Validating a connector's configuration as Kafka Connect does for create, update and validate
// (AbstractHerder.validateConnectorConfig): the framework's keys (ConnectorConfig,
// SinkConnectorConfig, SourceConnectorConfig; reference §5) enriched with the keys of every
// transform and predicate the config names (ConnectorConfig.enrich), the sink topic rules, the
// plugin's own keys and checks, then the settings of the converters the connector chooses and
// its client overrides. The result lists every key in Kafka Connect's order with its errors,
// which PUT .../config/validate shows and create/update turn into the 400 message.
#ifndef SLUICE_SERVER_HERDER_CONNECTOR_VALIDATION_H_
#define SLUICE_SERVER_HERDER_CONNECTOR_VALIDATION_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/worker_config.h"
#include "server/plugins/plugin_registry.h"
#include "sluice/sdk/config_def.h"

namespace sluice::herder {

// The framework's keys for a connector of `type`, in Kafka Connect's definition order.
ConfigDef FrameworkConfigDef(plugins::ConnectorType type);

// One entry of validate's "configs": a key's definition (none for a value whose key no
// definition names) and its validated value.
struct ValidationEntry {
  std::optional<ConfigKey> definition;
  ConfigValueResult value;
};

struct ValidatedConfig {
  const plugins::ConnectorPlugin* plugin = nullptr;
  // In Kafka Connect's order: values without a definition, the framework's keys with the
  // transform and predicate keys, the plugin's keys, then the client overrides and the
  // converters' own settings.
  std::vector<ValidationEntry> entries;
  std::vector<std::string> groups;  // each group once, in first-seen order
  int error_count = 0;              // Kafka Connect's count (see ValidateConnectorConfig)
};

// Validates `config`:
// - no connector.class: InvalidArgument "Connector config {k=v, ...} contains no connector type"
// - an unknown connector.class: Internal with the registry's "Failed to find any class ..."
//   message (Kafka Connect answers 500 there)
// - otherwise the entries; a plugin that cannot be asked gives its error.
// `null_keys` are keys the request gave as JSON null (the gateway passes them as "" in
// `config`): Kafka Connect parses them as null and adds "Null value can not be supplied as the
// configuration value." to whatever else their key reports.
// `worker` gives the worker's header converter and client override policy.
absl::StatusOr<ValidatedConfig> ValidateConnectorConfig(
    plugins::PluginRegistry& registry, const config::WorkerConfig& worker, const ConfigMap& config,
    const std::set<std::string>& null_keys = {});

// The 400 message for a config with errors (the multi-line template of reference §1.2).
std::string InvalidConfigMessage(const ValidatedConfig& validated);

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_CONNECTOR_VALIDATION_H_
