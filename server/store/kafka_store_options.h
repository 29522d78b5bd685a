// What distributed mode's three Kafka-backed stores (KafkaConfigStore, KafkaStatusStore,
// KafkaOffsetStore) share: where their topic is, how their clients are named and configured, and
// how a store opens its topic as Kafka Connect's KafkaTopicBasedBackingStore does (create the
// topic when missing, check it when present, then read it to the end).
//
//   KafkaStoreOptions options{
//       .topic = "connect-configs",
//       .client_id_base = ClientIdBase(worker_settings),   // "connect-cluster-"
//       .consumer_settings = consumer->librdkafka,         // kafka::ToLibrdkafka(kConsumer, ..)
//       .producer_settings = producer->librdkafka,         // kafka::ToLibrdkafka(kProducer, ..)
//       .topic_creation = KafkaStoreTopic{.admin_settings = admin->librdkafka,
//                                         .replication_factor = 3,
//                                         .topic_settings = InternalTopicSettings(..)}};
//
// Thread-safe: plain values and functions without shared state.
#ifndef SLUICE_SERVER_STORE_KAFKA_STORE_OPTIONS_H_
#define SLUICE_SERVER_STORE_KAFKA_STORE_OPTIONS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/kafka/internal_topics.h"
#include "server/kafka/kafka_log.h"
#include "sluice/sdk/config_def.h"

namespace sluice::store {

// How a store creates its topic when missing (kafka::EnsureInternalTopic).
struct KafkaStoreTopic {
  // librdkafka settings of the admin client (bootstrap.servers, security); the store sets
  // client.id to its own client id, as Kafka Connect's stores do.
  ConfigMap admin_settings;
  // The worker's <x>.storage.partitions; -1: the broker's default. The config topic always has 1.
  int32_t partitions = -1;
  // The worker's <x>.storage.replication.factor; -1: the broker's default.
  int16_t replication_factor = -1;
  // kafka::InternalTopicSettings(worker_settings, topic): extra topic configs.
  ConfigMap topic_settings;
};

struct KafkaStoreOptions {
  std::string topic;
  // ConnectUtils.clientIdBase: "<group.id>-", or "<group.id>-<client.id>-" when the worker sets
  // client.id (see ClientIdBase). The store's clients are "<base>configs", "<base>offsets" or
  // "<base>statuses".
  std::string client_id_base;
  // librdkafka settings of the store's reader and writer, built by the caller from the worker's
  // settings through kafka::ToLibrdkafka. client.id is replaced by the store's, and the settings
  // Kafka Connect forces for each store are applied over these (see each store).
  ConfigMap consumer_settings;
  ConfigMap producer_settings;
  // nullopt: the topic exists already and is not checked, as on the embedded broker, whose mock
  // answers neither CreateTopics nor DescribeConfigs (create it there with
  // EmbeddedBroker::CreateTopic first).
  std::optional<KafkaStoreTopic> topic_creation;
};

// Kafka Connect's ConnectUtils.clientIdBase(worker): group.id (or "connect" without one), then
// "-<client.id>" when client.id is set and not blank, then "-".
std::string ClientIdBase(const ConfigMap& worker_settings);

// What a store hands OpenStoreLog.
struct StoreLogSpec {
  kafka::InternalTopic purpose = kafka::InternalTopic::kConfig;
  // "configs", "offsets" or "statuses".
  std::string_view client_id_suffix;
  // librdkafka settings the store forces on its writer, over options.producer_settings.
  ConfigMap forced_producer_settings;
  kafka::KafkaLog::RecordCallback on_record;
};

// Opens a store's topic as KafkaBasedLog.start does for Kafka Connect's stores: ensures the
// topic (unless options.topic_creation is nullopt), creates the log with the store's client id,
// reads the topic to its end and leaves the log following it. All within `timeout`.
// Errors: EnsureInternalTopic's (with Kafka Connect's messages), KafkaLog::Create's and
// KafkaLog::Start's; InvalidArgument for an empty topic name (Kafka Connect's ConfigException
// texts: "Must specify topic for connector configuration.", "Offset storage topic must be
// specified", "Must specify topic for connector status.").
absl::StatusOr<std::unique_ptr<kafka::KafkaLog>> OpenStoreLog(const KafkaStoreOptions& options,
                                                              StoreLogSpec spec,
                                                              absl::Duration timeout);

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_KAFKA_STORE_OPTIONS_H_
