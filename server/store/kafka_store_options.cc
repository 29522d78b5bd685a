#include "server/store/kafka_store_options.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/kafka/client_configs.h"

namespace sluice::store {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Java's String.trim().isEmpty(): only characters up to U+0020.
bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) > 0x20) return false;
  }
  return true;
}

// The ConfigException each store's configure() throws for a missing topic name.
std::string_view MissingTopicMessage(kafka::InternalTopic purpose) {
  switch (purpose) {
    case kafka::InternalTopic::kConfig: return "Must specify topic for connector configuration.";
    case kafka::InternalTopic::kOffsets: return "Offset storage topic must be specified";
    case kafka::InternalTopic::kStatus: return "Must specify topic for connector status.";
  }
  return "";
}

}  // namespace

std::string ClientIdBase(const ConfigMap& worker_settings) {
  auto group = worker_settings.find("group.id");
  std::string base = group == worker_settings.end() ? "connect" : group->second;
  auto client = worker_settings.find("client.id");
  if (client != worker_settings.end() && !IsBlank(client->second)) {
    absl::StrAppend(&base, "-", client->second);
  }
  return base + "-";
}

absl::StatusOr<std::unique_ptr<kafka::KafkaLog>> OpenStoreLog(const KafkaStoreOptions& options,
                                                              StoreLogSpec spec,
                                                              absl::Duration timeout) {
  if (IsBlank(options.topic)) {
    return absl::InvalidArgumentError(std::string(MissingTopicMessage(spec.purpose)));
  }
  const absl::Time deadline = absl::Now() + timeout;
  const std::string client_id = absl::StrCat(options.client_id_base, Av(spec.client_id_suffix));

  if (options.topic_creation.has_value()) {
    const KafkaStoreTopic& creation = *options.topic_creation;
    ConfigMap admin = creation.admin_settings;
    admin["client.id"] = client_id;
    kafka::InternalTopicSpec topic{
        .name = options.topic,
        .partitions = spec.purpose == kafka::InternalTopic::kConfig ? 1 : creation.partitions,
        .replication_factor = creation.replication_factor,
        .settings = creation.topic_settings};
    absl::StatusOr<kafka::TopicAdmin::Outcome> ensured =
        kafka::EnsureInternalTopic(admin, spec.purpose, topic, deadline - absl::Now());
    if (!ensured.ok()) return ensured.status();
  }

  kafka::KafkaLog::Options log_options;
  log_options.topic = options.topic;
  log_options.consumer_settings = options.consumer_settings;
  log_options.consumer_settings["client.id"] = client_id;
  ConfigMap producer = options.producer_settings;
  producer["client.id"] = client_id;
  kafka::ApplyLibrdkafkaSettings(spec.forced_producer_settings, producer);
  log_options.producer_settings = std::move(producer);
  log_options.on_record = std::move(spec.on_record);
  absl::StatusOr<std::unique_ptr<kafka::KafkaLog>> log =
      kafka::KafkaLog::Create(std::move(log_options));
  if (!log.ok()) return log.status();
  absl::Status started = (*log)->Start(deadline - absl::Now());
  if (!started.ok()) return started;
  return log;
}

}  // namespace sluice::store
