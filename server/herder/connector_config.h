// The framework's connector configuration (Kafka Connect's ConnectorConfig, SinkConnectorConfig,
// SourceConnectorConfig; reference §5): the keys every connector has, with their groups and
// orders as validate shows them, and the validation that create, update and validate share.
#ifndef SLUICE_SERVER_HERDER_CONNECTOR_CONFIG_H_
#define SLUICE_SERVER_HERDER_CONNECTOR_CONFIG_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/plugins/plugin_registry.h"
#include "sluice/sdk/config_def.h"

namespace sluice::herder {

// The framework's keys for a connector of `type`, in Kafka Connect's definition order.
ConfigDef FrameworkConfigDef(plugins::ConnectorType type);

struct ValidatedConfig {
  const plugins::ConnectorPlugin* plugin = nullptr;
  // Framework keys first, then the plugin's own keys.
  std::vector<ConfigKey> definitions;
  // One result per definition, in the same order.
  std::vector<ConfigValueResult> results;
  int error_count = 0;
};

// Validates `config` as Kafka Connect does for create, update and validate:
// - no connector.class: InvalidArgument "Connector config {k=v, ...} contains no connector type"
// - an unknown connector.class: Internal with the registry's "Failed to find any class ..."
//   message (Kafka Connect answers 500 there)
// - otherwise the per-key results (framework checks, sink topics rules, converter classes, and
//   the plugin's own Validate); a plugin that cannot be asked gives its error.
// `null_keys` are keys the request gave as JSON null (the gateway passes them as "" in
// `config`): each gets Kafka Connect's "Null value can not be supplied as the configuration
// value." instead of whatever else its value would have caused.
absl::StatusOr<ValidatedConfig> ValidateConnectorConfig(
    plugins::PluginRegistry& registry, const ConfigMap& config,
    const std::set<std::string>& null_keys = {});

// The 400 message for a config with errors (the multi-line template of reference §1.2).
std::string InvalidConfigMessage(const ValidatedConfig& validated);

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_CONNECTOR_CONFIG_H_
