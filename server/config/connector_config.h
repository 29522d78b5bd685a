// A connector's configuration, typed: Kafka Connect's ConnectorConfig, SinkConnectorConfig and
// SourceConnectorConfig (reference §5). The herder validates a config (with Kafka Connect's
// messages) and then parses it once into a ConnectorConfig; everything downstream (task runners,
// the record pipeline, the clients) reads these fields, never the string map again. The map stays
// available as `raw`: it is what the connector's plugin is given.
//
//   absl::StatusOr<ConnectorConfig> config = ConnectorConfig::Parse(raw, ConnectorType::kSink,
//                                                                   worker);
//   for (const TransformSpec& t : config->transforms) ...
//
// Thread-compatible value type.
#ifndef SLUICE_SERVER_CONFIG_CONNECTOR_CONFIG_H_
#define SLUICE_SERVER_CONFIG_CONNECTOR_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/config/worker_config.h"
#include "sluice/sdk/config_def.h"

namespace sluice::config {

enum class ConnectorType { kSource, kSink };
std::string_view ConnectorTypeName(ConnectorType type);  // "source" / "sink"

// One entry of `transforms`: transforms.<alias>.type and the keys under transforms.<alias>.
struct TransformSpec {
  std::string alias;
  std::string class_name;  // as given (a full class name or an alias)
  // Every key under "transforms.<alias>." with that prefix removed (type, predicate and negate
  // included), as Kafka Connect configures the transformation.
  ConfigMap config;
  // transforms.<alias>.predicate / .negate: the transform runs only when negate XOR the
  // predicate's test is true.
  std::optional<std::string> predicate;
  bool negate = false;
};

// One entry of `predicates`.
struct PredicateSpec {
  std::string alias;
  std::string class_name;
  ConfigMap config;  // the keys under "predicates.<alias>." with the prefix removed
};

enum class ErrorTolerance { kNone, kAll };

// errors.* (KIP-298), and for sinks errors.deadletterqueue.* (sources too in Sluice).
struct ErrorHandlingConfig {
  // errors.retry.timeout; absl::InfiniteDuration() for -1 (retry forever); zero: no retries.
  absl::Duration retry_timeout = absl::ZeroDuration();
  absl::Duration retry_delay_max = absl::Milliseconds(60000);
  ErrorTolerance tolerance = ErrorTolerance::kNone;
  bool log_enable = false;
  bool log_include_messages = false;
  // errors.deadletterqueue.topic.name, trimmed; empty: no dead letter queue.
  std::string dlq_topic;
  int16_t dlq_replication_factor = 3;
  bool dlq_context_headers = false;
};

// A converter the connector chooses instead of the worker's: key.converter=... with its
// key.converter.* keys (prefix removed).
struct ConverterOverride {
  std::string class_name;
  ConfigMap config;
};

// One topic creation group (KIP-158), the implicit "default" group last.
struct TopicCreationGroup {
  std::string name;
  // Regexes on the whole topic name (Java syntax); exclusion wins. The default group includes
  // every topic.
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  int32_t partitions = -1;           // -1: the broker's default
  int16_t replication_factor = -1;   // -1: the broker's default
  ConfigMap topic_configs;           // any other topic.creation.<group>.<key>
};

struct ConnectorConfig {
  std::string name;
  std::string connector_class;
  ConnectorType type = ConnectorType::kSource;
  int32_t tasks_max = 1;
  bool tasks_max_enforce = true;
  std::optional<ConverterOverride> key_converter;
  std::optional<ConverterOverride> value_converter;
  std::optional<ConverterOverride> header_converter;
  std::vector<TransformSpec> transforms;   // in `transforms` order, aliases unique
  std::vector<PredicateSpec> predicates;   // in `predicates` order
  ErrorHandlingConfig errors;
  // Client settings the connector overrides (producer.override.*, ... with the prefix removed),
  // in the Java clients' names (server/kafka/client_configs.h translates them). Validation and
  // the task runners check them against the worker's connector.client.config.override.policy.
  ConfigMap producer_overrides;
  ConfigMap consumer_overrides;
  ConfigMap admin_overrides;

  // Sinks: topics (trimmed, empty entries dropped) or topics.regex.
  std::vector<std::string> topics;
  std::string topics_regex;

  // Sources: topic creation groups, in the order a topic is matched against them (the groups of
  // topic.creation.groups, then "default"). Empty when topic creation is off: the worker's
  // topic.creation.enable is false or the connector has no topic.creation.* key.
  std::vector<TopicCreationGroup> topic_creation;

  // Sluice's watchdog deadlines and automatic restarts (supervision_config.h).
  SupervisionConfig supervision;

  ConfigMap raw;  // the config as stored, given to the plugin

  // Parses a config that validation accepted. InvalidArgument, with Kafka Connect's message,
  // for a value that does not parse (possible for a config stored by an older version).
  static absl::StatusOr<ConnectorConfig> Parse(const ConfigMap& raw, ConnectorType type,
                                               const WorkerConfig& worker);

  // The transform spec of `alias`, or null.
  const PredicateSpec* FindPredicate(std::string_view alias) const;
};

// The aliases of a list key (`transforms`, `predicates`, `topic.creation.groups`): Kafka's LIST
// parsing (split on ',', trimmed, empty entries dropped), duplicates kept.
std::vector<std::string> ConfigList(const ConfigMap& config, const std::string& key);

// The keys under `prefix`, with the prefix removed.
ConfigMap ConfigWithPrefix(const ConfigMap& config, std::string_view prefix);

}  // namespace sluice::config

#endif  // SLUICE_SERVER_CONFIG_CONNECTOR_CONFIG_H_
