// Distributed mode's three internal topics (config, offsets, status), created and checked as
// Kafka Connect's stores do when they start (reference §3.5): a missing topic is created
// compacted with the worker's partitions, replication factor and extra topic settings; an
// existing one must be compacted only (cleanup.policy=compact), and the config topic must have
// exactly one partition. A worker that finds otherwise refuses to start with Kafka Connect's
// ConfigException text, so a user sees the same message from Sluice as from Java.
//
//   absl::StatusOr<TopicAdmin::Outcome> o = EnsureInternalTopic(
//       admin_settings, InternalTopic::kStatus,
//       {.name = "connect-status", .partitions = 5, .replication_factor = 3,
//        .settings = InternalTopicSettings(worker_settings, InternalTopic::kStatus)},
//       absl::Seconds(60));
//
// Thread-safe: functions with no shared state (each call uses a client of its own).
#ifndef SLUICE_SERVER_KAFKA_INTERNAL_TOPICS_H_
#define SLUICE_SERVER_KAFKA_INTERNAL_TOPICS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/kafka/topic_admin.h"
#include "sluice/sdk/config_def.h"

namespace sluice::kafka {

enum class InternalTopic { kConfig, kOffsets, kStatus };

// The worker setting that names the topic: "config.storage.topic", "offset.storage.topic",
// "status.storage.topic".
std::string_view TopicSettingName(InternalTopic topic);

// What the topic holds, in Kafka Connect's messages (the stores' getTopicPurpose()):
// "connector configurations", "source connector offsets", "connector and task statuses".
std::string_view TopicPurpose(InternalTopic topic);

// The extra topic configs the worker's settings give for `topic` (Kafka Connect's
// DistributedConfig.configStorageTopicSettings() and its offset / status siblings): every
// "config.storage.<x>" (resp. "offset.storage.", "status.storage.") setting as "<x>", without
// topic, partitions and replication.factor, which are the worker's own settings, and without
// cleanup.policy, which is always compact (a warning is logged for it, and for
// config.storage.partitions, as Kafka Connect logs them).
ConfigMap InternalTopicSettings(const ConfigMap& worker_settings, InternalTopic topic);

struct InternalTopicSpec {
  std::string name;
  int32_t partitions = -1;          // -1: the broker's num.partitions; always 1 for kConfig
  int16_t replication_factor = -1;  // -1: the broker's default.replication.factor
  ConfigMap settings;               // extra topic configs; cleanup.policy is set to compact
};

// Needs a broker that answers CreateTopics and DescribeConfigs: the embedded broker answers
// neither (a call times out waiting for a controller), and its topics are made with
// EmbeddedBroker::CreateTopic instead.
//
// Creates `spec` compacted unless it exists; when it exists (also when another worker created
// it a moment before), checks its cleanup.policy through DescribeConfigs and, for kConfig, its
// partition count. `admin_settings` are librdkafka settings of the worker's admin client
// (bootstrap.servers, security, client.id). Kafka Connect's fallbacks are kept: a broker or
// principal that may not create topics makes this go on as if the topic existed, and one that
// may not describe topic configs (or a topic that cannot be found) leaves the cleanup policy
// unchecked (logged). Creation is tried again while Kafka times out or cannot yet place the
// replicas, until `timeout`.
//
// Errors, with Kafka Connect's messages:
// - InvalidArgument (a ConfigException) when the existing topic's cleanup.policy is anything but
//   compact ("Topic 'x' supplied via the 'status.storage.topic' property is required to have
//   'cleanup.policy=compact' to guarantee consistency and durability of connector and task
//   statuses, but found the topic currently has 'cleanup.policy=delete'. ...") or the config
//   topic has more than one partition ("Topic 'x' supplied via the 'config.storage.topic'
//   property is required to have a single partition in order to guarantee consistency of
//   connector configurations, but found 2 partitions.");
// - InvalidArgument (a ConnectException) when the broker refuses a topic config ("Unable to
//   create topic(s) 'x': Unknown topic config name: foo");
// - DeadlineExceeded when creation was still failing for a retriable reason at `timeout`: Kafka's
//   TimeoutException "Timeout expired while trying to create topic(s)" when the deadline passed
//   between attempts, else the last attempt's error (a ConnectException "Timed out while checking
//   for or creating topic(s) 'x'. ..." when Kafka did not answer in time); Unavailable (a
//   RetriableException) when describing the topic's configs timed out;
// - Internal or the mapped librdkafka code (a ConnectException, "Error while attempting to
//   create/find topic(s) 'x'") for any other refusal, with the broker's reason as the cause.
absl::StatusOr<TopicAdmin::Outcome> EnsureInternalTopic(const ConfigMap& admin_settings,
                                                        InternalTopic topic,
                                                        const InternalTopicSpec& spec,
                                                        absl::Duration timeout);

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_INTERNAL_TOPICS_H_
