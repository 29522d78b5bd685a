// Kafka client settings as Kafka Connect users write them, for Sluice's librdkafka clients.
//
// Kafka Connect users configure the clients of connectors with the Java clients' property names:
// the worker's `producer.*`, `consumer.*` and `admin.*`, and per connector `producer.override.*`,
// `consumer.override.*` and `admin.override.*` (reference §4.1, §5.1). Sluice's clients are
// librdkafka, whose names and semantics differ in places (delivery.timeout.ms is librdkafka's
// message.timeout.ms, buffer.memory counts bytes where queue.buffering.max.kbytes counts KiB,
// credentials come from sasl.jaas.config instead of sasl.username, ...). This module holds:
// - the Java clients' configuration definitions of Kafka 3.9.1 (generated from Kafka's jars by
//   tools/gen-client-configs), which validate shows for override keys, and
// - the one translation from Java settings to librdkafka settings, used wherever a client is
//   built from user settings.
//
//   absl::StatusOr<ClientSettings> s = ConnectorClientSettings(
//       ClientType::kConsumer, {{"bootstrap.servers", servers}, {"group.id", "connect-c"}},
//       worker.consumer_overrides, connector.consumer_overrides);
//   for (const IgnoredClientSetting& i : s->ignored) spdlog::warn(...);
//   NewConf(s->librdkafka);
//
// Thread-safe: pure functions (they read key store files named in SSL settings).
#ifndef SLUICE_SERVER_KAFKA_CLIENT_CONFIGS_H_
#define SLUICE_SERVER_KAFKA_CLIENT_CONFIGS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"

namespace sluice::kafka {

enum class ClientType { kProducer, kConsumer, kAdmin };

// "producer", "consumer", "admin".
std::string_view ClientTypeName(ClientType type);

// The Java client's configuration definition in Kafka 3.9.1 (ProducerConfig.configDef(),
// ConsumerConfig.configDef(), AdminClientConfig.configDef()): every key in definition order with
// its type, default (as Kafka prints it), importance, documentation and group metadata.
// Validators are not included. The reference lives forever.
const ConfigDef& JavaClientConfigDef(ClientType type);

// Kafka's ConfigDef.parseType for a value given for `key` (a key of a Java client's ConfigDef):
// the parsed value, or InvalidArgument with Kafka's ConfigException message ("Invalid value abc
// for configuration linger.ms: Not a number of type LONG"). A CLASS value is taken when it is a
// well-formed Java class name, since Sluice cannot load Java classes (Kafka answers "Class X
// could not be found." for a class that is not on the worker's class path).
absl::StatusOr<ConfigValue> ParseJavaClientValue(const ConfigKey& key, std::string_view text);

// A Java client setting that Sluice's clients do without (as a Java client ignores a key it does
// not know), and why.
struct IgnoredClientSetting {
  std::string key;
  std::string reason;
};

// Kafka Connect's default for max.poll.records: the most records a sink task gets in one put.
inline constexpr int kDefaultMaxPollRecords = 500;

struct ClientSettings {
  // librdkafka properties.
  ConfigMap librdkafka;
  // max.poll.records (consumers), which the sink runner applies itself: the most records it
  // hands to the task in one batch.
  int max_poll_records = kDefaultMaxPollRecords;
  std::vector<IgnoredClientSetting> ignored;
};

// Translates Java client settings of a `type` client to librdkafka settings:
// - a key the Java client defines is parsed by its type as Kafka does (an unparsable value gives
//   InvalidArgument with Kafka's ConfigException message, "Invalid value abc for configuration
//   linger.ms: Not a number of type LONG"), then passes under the same name when librdkafka's
//   property means the same, is renamed and converted where it does not (delivery.timeout.ms ->
//   message.timeout.ms, buffer.memory -> queue.buffering.max.kbytes, sasl.jaas.config ->
//   sasl.username / sasl.password, SSL key and trust stores -> librdkafka's PEM and PKCS#12
//   settings, ...), is applied by the worker (max.poll.records), or is ignored when librdkafka
//   has no equivalent (serializers, interceptors, metrics reporters, ...);
// - any other key that librdkafka knows passes as it is (librdkafka property names are accepted
//   too); a key neither knows is ignored, as Java clients ignore unknown keys.
// InvalidArgument, naming the Java key, for a value librdkafka refuses after translation, for a
// sasl.jaas.config that cannot be parsed or names a login module librdkafka cannot stand in for,
// and for a key or trust store Sluice cannot read (a JKS key store, a missing file, a wrong
// password). When a Java key and a librdkafka name set the same property, the Java key wins.
absl::StatusOr<ClientSettings> ToLibrdkafka(ClientType type, const ConfigMap& java_settings);

// Sets `overrides` on `base`, where setting a property under one of its librdkafka names
// replaces it under the others (acks and request.required.acks, linger.ms and
// queue.buffering.max.ms, bootstrap.servers and metadata.broker.list, ...).
void ApplyLibrdkafkaSettings(const ConfigMap& overrides, ConfigMap& base);

// The settings of a connector's client, as Kafka Connect's Worker builds them: `defaults` (the
// worker's librdkafka settings for this kind of client), then the worker's Java settings
// (`worker`, e.g. its producer.* map with the prefix stripped) and the connector's
// (`connector`, its producer.override.* map) merged key by key, the connector's winning, and
// translated with ToLibrdkafka. Errors as ToLibrdkafka's.
absl::StatusOr<ClientSettings> ConnectorClientSettings(ClientType type, ConfigMap defaults,
                                                       const ConfigMap& worker,
                                                       const ConfigMap& connector);

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_CLIENT_CONFIGS_H_
