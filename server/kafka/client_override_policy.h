// Kafka Connect's connector client config override policies (the worker's
// connector.client.config.override.policy): which producer.override.*, consumer.override.* and
// admin.override.* keys a connector may set. All allows every key, None none, Principal only
// sasl.jaas.config, sasl.mechanism and security.protocol.
//
// Kafka Connect applies a policy twice: validate lists each override key with the Java client's
// definition and the policy's error (AbstractHerder.validateClientOverrides), and the Worker
// refuses to start a task whose overrides the policy does not allow
// (Worker.connectorClientConfigOverrides). Both see the keys in the iteration order of the
// java.util.HashMaps Kafka Connect copies the connector config through, which this module
// reproduces, so that entries and messages list the keys as Kafka Connect does.
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_KAFKA_CLIENT_OVERRIDE_POLICY_H_
#define SLUICE_SERVER_KAFKA_CLIENT_OVERRIDE_POLICY_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/config/worker_config.h"
#include "server/kafka/client_configs.h"
#include "sluice/sdk/config_def.h"

namespace sluice::kafka {

using OverridePolicy = config::WorkerConfig::OverridePolicy;

// "All", "None", "Principal".
std::string_view OverridePolicyName(OverridePolicy policy);

// "producer.override.", "consumer.override.", "admin.override.".
std::string_view ClientOverridePrefix(ClientType type);

// One override key as validate lists it.
struct ClientOverrideEntry {
  std::string key;  // without the prefix, e.g. "max.poll.records"
  // The Java client's definition of `key`, or null when the client does not define it. Points
  // into JavaClientConfigDef(type).
  const ConfigKey* definition = nullptr;
  // The value as Kafka Connect shows it: parsed by the definition's type and printed as
  // ConfigDef.convertToString prints it ("[hidden]" for passwords, lists joined with ","), or
  // the text as given for an undefined key; none for a null value.
  std::optional<std::string> value;
  // The policy's refusal: "The 'None' policy does not allow 'max.poll.records' to be
  // overridden in the connector configuration."
  std::vector<std::string> errors;
};

// The override keys of `type` in `connector_config` (keys under ClientOverridePrefix(type);
// those in `null_keys` were given a null value), in the order Kafka Connect's policy returns
// them, each checked by `policy`. InvalidArgument with Kafka's ConfigException message ("Invalid
// value abc for configuration max.poll.records: Not a number of type INT") when a value does not
// parse as its key's type, which Kafka Connect raises from validate instead of listing entries.
absl::StatusOr<std::vector<ClientOverrideEntry>> ValidateClientOverrides(
    ClientType type, OverridePolicy policy, const ConfigMap& connector_config,
    const std::set<std::string>& null_keys = {});

// Whether a task may start with the overrides of `type` in `connector_config`: OK, or
// FailedPrecondition with the message of the ConnectException Kafka Connect's Worker throws,
// "Client Config Overrides not allowed [[key,value,[],[<policy error>],true], ...]".
absl::Status CheckClientOverrides(ClientType type, OverridePolicy policy,
                                  const ConfigMap& connector_config);

// The Java HashMap iteration order of the keys under `prefix` of `config` (prefix stripped)
// after the copies Kafka Connect makes of a connector config on its way to
// AbstractConfig.originalsWithPrefix (`through_client_map` adds the HashMap
// AbstractHerder.validateClientOverrides copies them into). Exposed for tests.
std::vector<std::string> OverrideKeysInJavaOrder(const ConfigMap& config, std::string_view prefix,
                                                 bool through_client_map);

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_CLIENT_OVERRIDE_POLICY_H_
