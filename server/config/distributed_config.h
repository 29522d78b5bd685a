// The distributed worker's configuration, typed: the keys of Kafka Connect's DistributedConfig
// (reference §4.2: the group, the three internal topics of §3.5, inter-worker request signing,
// the worker's own Kafka clients) around the WorkerConfig keys it shares with standalone mode.
//
//   absl::StatusOr<DistributedConfig> config = ParseDistributedConfig(props);
//   if (config.ok()) status = CheckSupported(*config);
//
// ParseDistributedConfig validates exactly as Kafka Connect 3.9's DistributedConfig does: every
// key of its ConfigDef (WorkerConfig's keys, then DistributedConfig's) in definition order with
// Java's types, defaults and validators, then the checks of its constructor; the first problem
// is the error, with Java's ConfigException message. Only then come Sluice's own checks of the
// shared keys (ParseWorkerConfig). CheckSupported is separate: it refuses what Kafka Connect
// accepts but Sluice cannot do yet.
//
// Thread-compatible value types; the functions are thread-safe.
#ifndef SLUICE_SERVER_CONFIG_DISTRIBUTED_CONFIG_H_
#define SLUICE_SERVER_CONFIG_DISTRIBUTED_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/config/worker_config.h"
#include "sluice/sdk/config_def.h"

namespace sluice::config {

// exactly.once.source.support.
enum class ExactlyOnceSourceSupport { kDisabled, kPreparing, kEnabled };

// One internal topic: config.storage.*, offset.storage.* or status.storage.*.
struct InternalTopicSettings {
  std::string topic;  // <prefix>topic (required; Kafka Connect accepts "")
  // <prefix>partitions; -1 = the broker's default. The config topic always has 1 (Kafka Connect
  // ignores config.storage.partitions, whatever its value).
  int32_t partitions = 1;
  // <prefix>replication.factor; -1 = the broker's default.
  int16_t replication_factor = 3;
  // The other "<prefix><topic-config>" settings, prefix stripped and values as given, which
  // Kafka Connect passes on when it creates the topic (its topicSettings(prefix)): every key
  // but topic, partitions, replication.factor and cleanup.policy (always compact).
  ConfigMap topic_configs;
};

struct DistributedConfig {
  // The keys shared with standalone mode, as ParseWorkerConfig(props, kDistributed) reads them.
  WorkerConfig worker;

  std::string group_id;  // group.id (required; Kafka Connect accepts "")
  InternalTopicSettings config_storage{.partitions = 1};
  InternalTopicSettings offset_storage{.partitions = 25};
  InternalTopicSettings status_storage{.partitions = 5};

  // Group membership. Kafka Connect does not range-check these (a negative value parses).
  absl::Duration session_timeout = absl::Seconds(10);      // session.timeout.ms
  absl::Duration heartbeat_interval = absl::Seconds(3);    // heartbeat.interval.ms
  absl::Duration rebalance_timeout = absl::Minutes(1);     // rebalance.timeout.ms
  absl::Duration worker_sync_timeout = absl::Seconds(3);   // worker.sync.timeout.ms
  absl::Duration worker_unsync_backoff = absl::Minutes(5);  // worker.unsync.backoff.ms
  // scheduled.rebalance.max.delay.ms, >= 0. Sluice's default is 30 s (Kafka Connect's: 5 min).
  absl::Duration scheduled_rebalance_max_delay = absl::Seconds(30);
  // connect.protocol, lower-cased: "eager", "compatible" or "sessioned" (Kafka Connect matches
  // the setting ignoring case; distributed::ParseConnectProtocolSetting takes this name).
  std::string connect_protocol = "sessioned";
  ExactlyOnceSourceSupport exactly_once_source_support = ExactlyOnceSourceSupport::kDisabled;

  // Inter-worker request signing (sessioned protocol). Algorithm names are kept as given, as
  // Kafka Connect keeps them: the signature algorithm is compared with the verification list
  // as written, while a JVM resolves each name ignoring case and by OID alias
  // (CanonicalHmacAlgorithm gives the algorithm a name denotes).
  std::string inter_worker_key_generation_algorithm = "HmacSHA256";
  // inter.worker.key.size in bits; unset = the algorithm's default (CanonicalHmacAlgorithm's
  // default_key_bits).
  std::optional<int32_t> inter_worker_key_size;
  absl::Duration inter_worker_key_ttl = absl::Hours(1);  // inter.worker.key.ttl.ms, >= 0
  std::string inter_worker_signature_algorithm = "HmacSHA256";
  std::vector<std::string> inter_worker_verification_algorithms = {"HmacSHA256"};

  // The worker's own Kafka clients (group membership, the internal topics). The security
  // settings themselves (ssl.*, sasl.*) stay in worker.raw, for kafka::ToLibrdkafka.
  std::string client_id;                                  // client.id
  absl::Duration metadata_max_age = absl::Minutes(5);     // metadata.max.age.ms
  int32_t send_buffer_bytes = 128 * 1024;                 // -1 = the OS default
  int32_t receive_buffer_bytes = 32 * 1024;               // -1 = the OS default
  absl::Duration reconnect_backoff = absl::Milliseconds(50);
  // reconnect.backoff.max.ms; when only reconnect.backoff.ms is given, Kafka's clients take
  // that value here too (no exponential backoff), and so does this field.
  absl::Duration reconnect_backoff_max = absl::Seconds(1);
  absl::Duration socket_connection_setup_timeout = absl::Seconds(10);
  absl::Duration socket_connection_setup_timeout_max = absl::Seconds(30);
  absl::Duration retry_backoff = absl::Milliseconds(100);
  absl::Duration retry_backoff_max = absl::Seconds(1);
  absl::Duration request_timeout = absl::Seconds(40);
  absl::Duration connections_max_idle = absl::Minutes(9);  // negative: never close idle ones
  // security.protocol, upper-cased: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.
  std::string security_protocol = "PLAINTEXT";
  // metadata.recovery.strategy, lower-cased: "none" or "rebootstrap".
  std::string metadata_recovery_strategy = "none";

  // Kafka Connect's transactionalLeaderEnabled(): the leader writes the config topic with a
  // transactional producer (preparing and enabled).
  bool transactional_leader_enabled() const {
    return exactly_once_source_support != ExactlyOnceSourceSupport::kDisabled;
  }
};

// Parses and validates a connect-distributed.properties. InvalidArgument with Kafka Connect
// 3.9's ConfigException message for the first problem in its order, e.g.
//   Missing required configuration "group.id" which has no default value.
//   Invalid value 0 for configuration config.storage.replication.factor: Replication factor
//     must be positive and not larger than ...
// then the messages of ParseWorkerConfig's own checks.
absl::StatusOr<DistributedConfig> ParseDistributedConfig(const ConfigMap& props);

// Refuses, with Sluice's own wording, a configuration Kafka Connect accepts but Sluice cannot
// run: Unimplemented for exactly.once.source.support other than disabled; InvalidArgument for
// an inter.worker.key.size of which no key can be made (Kafka Connect's key generator accepts
// it at start-up and fails when the leader first makes a key).
absl::Status CheckSupported(const DistributedConfig& config);

// An HMAC algorithm Sluice implements for inter-worker request signing.
struct HmacAlgorithm {
  std::string_view name;     // the JCA name: "HmacSHA256"
  std::string_view digest;   // OpenSSL's digest name: "SHA256"
  int32_t default_key_bits;  // the size of the JVM KeyGenerator's keys when none is set
};

// The algorithm `name` denotes as a JVM's providers resolve it (ignoring case, and by the OID
// aliases: "hmacsha256", "1.2.840.113549.2.9" and "OID.1.2.840.113549.2.9" all denote
// HmacSHA256), among HmacSHA1, HmacSHA256, HmacSHA384 and HmacSHA512; nullopt for any other
// name.
std::optional<HmacAlgorithm> CanonicalHmacAlgorithm(std::string_view name);

}  // namespace sluice::config

#endif  // SLUICE_SERVER_CONFIG_DISTRIBUTED_CONFIG_H_
