#include "server/herder/connector_offsets.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "formats/schemaless_json.h"
#include "server/kafka/client_configs.h"
#include "server/kafka/client_override_policy.h"
#include "server/store/offset_records.h"

namespace sluice::herder {

namespace {

// Kafka Connect's success message (Worker.completeModifyOffsetsCallback): whether the
// connector said it altered what it manages itself, and whether this was a reset.
std::string OffsetsMessage(bool altered_by_connector, bool reset) {
  const char* done = reset ? "reset" : "altered";
  if (altered_by_connector) {
    return absl::StrCat("The offsets for this connector have been ", done, " successfully");
  }
  return absl::StrCat("The Connect framework-managed offsets for this connector have been ", done,
                      " successfully. However, if this connector manages offsets externally, "
                      "they will need to be manually ",
                      done, " in the system that the connector uses.");
}

// Kafka Connect's answer when the sink's consumer group still has members.
std::string GroupHasMembersMessage(const std::string& name, bool reset) {
  const char* what = reset ? "reset" : "alter";
  return absl::StrCat(
      "Failed to ", what, " consumer group offsets for connector ", name,
      " either because its tasks haven't stopped completely yet or the connector was resumed "
      "before the request to ",
      what,
      " its offsets could be successfully completed. If the connector is in a stopped state, "
      "this operation can be safely retried. If it doesn't eventually succeed, the Connect "
      "cluster may need to be restarted to get rid of the zombie sink tasks.");
}

// How long the Kafka side of an offsets request may take.
constexpr absl::Duration kOffsetsKafkaTimeout = absl::Seconds(30);

}  // namespace

std::string NotStoppedForOffsetsMessage(const std::string& name) {
  return absl::StrCat(
      "Connectors must be in the STOPPED state before their offsets can be modified. This can be "
      "done for the specified connector by issuing a 'PUT' request to the '/connectors/",
      name, "/stop' endpoint");
}

absl::StatusOr<const plugins::ConnectorPlugin*> ConnectorOffsets::Plugin(
    const ConfigMap& config) const {
  auto cls = config.find("connector.class");
  const std::string class_name = cls == config.end() ? "" : cls->second;
  const plugins::ConnectorPlugin* plugin = options_.registry->Find(class_name);
  if (plugin == nullptr) {
    return absl::InternalError(options_.registry->UnknownClassMessage(class_name));
  }
  return plugin;
}

absl::StatusOr<ConfigMap> ConnectorOffsets::SinkConsumerSettings(const std::string& name,
                                                                 const ConfigMap& config) const {
  // Worker.sinkConnectorOffsets / modifySinkConnectorOffsets build the admin settings, then the
  // consumer settings; each checks the policy.
  for (kafka::ClientType type : {kafka::ClientType::kAdmin, kafka::ClientType::kConsumer}) {
    absl::Status allowed =
        kafka::CheckClientOverrides(type, options_.worker->client_override_policy, config);
    if (!allowed.ok()) return absl::InternalError(allowed.message());
  }
  absl::StatusOr<kafka::ClientSettings> settings = kafka::ConnectorClientSettings(
      kafka::ClientType::kConsumer,
      {{"bootstrap.servers", options_.bootstrap_servers},
       {"group.id", absl::StrCat("connect-", name)},
       {"auto.offset.reset", "earliest"}},
      options_.worker->consumer_overrides, config::ConfigWithPrefix(config, "consumer.override."));
  if (!settings.ok()) return settings.status();
  return std::move(settings->librdkafka);
}

absl::StatusOr<std::string> ConnectorOffsets::AlterSource(
    const std::string& name, const ConfigMap& config,
    const std::vector<std::pair<Value, std::optional<Value>>>& offsets, bool reset_all) const {
  absl::StatusOr<const plugins::ConnectorPlugin*> plugin = Plugin(config);
  if (!plugin.ok()) return plugin.status();

  SourceOffsetChanges changes;
  if (reset_all) {
    for (const PartitionOffsetJson& o : SourceOffsets(name)) {
      absl::StatusOr<Value> partition = formats::ParseSchemaless(o.partition);
      if (!partition.ok()) return partition.status();
      changes.push_back({*std::move(partition), std::nullopt});
    }
  } else {
    for (const auto& [partition, offset] : offsets) changes.push_back({partition, offset});
  }

  // The connector first: if it refuses, nothing is written.
  absl::StatusOr<bool> altered =
      options_.registry->AlterSourceOffsets(**plugin, name, config, changes);
  if (!altered.ok()) {
    spdlog::error("Failed to modify offsets for source connector {}: {}", name,
                  std::string(altered.status().message()));
    return altered.status();
  }

  std::vector<store::OffsetWrite> writes;
  for (const SourceOffsetChange& change : changes) {
    std::string key = store::EncodeOffsetKey(name, change.partition);
    if (change.offset.has_value()) {
      writes.emplace_back(std::move(key), formats::SerializeSchemaless(*change.offset));
    } else {
      writes.emplace_back(std::move(key), std::nullopt);
    }
  }
  if (!writes.empty()) {
    if (absl::Status s = options_.offsets->Write(writes); !s.ok()) return s;
  }
  return OffsetsMessage(*altered, reset_all);
}

absl::StatusOr<std::string> ConnectorOffsets::ModifySink(const std::string& name,
                                                         const ConfigMap& config,
                                                         const SinkOffsetChanges& offsets,
                                                         bool reset_all) const {
  absl::StatusOr<const plugins::ConnectorPlugin*> plugin = Plugin(config);
  if (!plugin.ok()) return plugin.status();
  absl::StatusOr<ConfigMap> consumer_settings = SinkConsumerSettings(name, config);
  if (!consumer_settings.ok()) return consumer_settings.status();
  const ConfigMap& settings = *consumer_settings;
  const std::string group = settings.at("group.id");

  SinkOffsetChanges changes = offsets;
  if (reset_all) {
    changes.clear();
    absl::StatusOr<std::vector<kafka::CommittedOffset>> existing = SinkOffsets(name, config);
    if (!existing.ok()) {
      spdlog::error("Failed to list offsets prior to resetting offsets for sink connector {}: {}",
                    name, std::string(existing.status().message()));
      return absl::InternalError(absl::StrCat(
          "Failed to list offsets prior to resetting offsets for sink connector ", name));
    }
    for (const kafka::CommittedOffset& o : *existing) {
      changes[{o.topic, o.partition}] = std::nullopt;
    }
  }

  // The connector first: if it refuses, nothing is written.
  absl::StatusOr<bool> altered =
      options_.registry->AlterSinkOffsets(**plugin, name, config, changes);
  if (!altered.ok()) {
    spdlog::error("Failed to modify offsets for sink connector {}: {}", name,
                  std::string(altered.status().message()));
    return altered.status();
  }

  absl::Status written;
  if (!options_.worker->bootstrap_servers.has_value()) {
    // The embedded broker has no admin calls for groups (and librdkafka aborts when they are
    // tried on a broker without them), so the offsets are committed by a member.
    written = CommitSinkOffsetsAsMember(settings, group, changes);
  } else if (reset_all) {
    written = kafka::DeleteConsumerGroup(settings, group, kOffsetsKafkaTimeout);
  } else {
    std::vector<kafka::CommittedOffset> to_commit;
    std::vector<TopicPartition> to_delete;
    for (const auto& [tp, offset] : changes) {
      if (offset.has_value()) {
        to_commit.push_back({tp.topic, tp.partition, *offset});
      } else {
        to_delete.push_back(tp);
      }
    }
    if (!to_commit.empty()) {
      written = kafka::AlterConsumerGroupOffsets(settings, group, to_commit, kOffsetsKafkaTimeout);
    }
    if (written.ok() && !to_delete.empty()) {
      written =
          kafka::DeleteConsumerGroupOffsets(settings, group, to_delete, kOffsetsKafkaTimeout);
    }
  }
  if (!written.ok()) {
    spdlog::error("Failed to {} consumer group offsets for sink connector {} (group {}): {}",
                  reset_all ? "reset" : "alter", name, group, std::string(written.message()));
    if (written.code() == absl::StatusCode::kFailedPrecondition) {
      return absl::InternalError(GroupHasMembersMessage(name, reset_all));
    }
    return absl::InternalError(
        reset_all
            ? absl::StrCat("Failed to reset consumer group offsets for sink connector ", name)
            : absl::StrCat("Failed to alter consumer group offsets for connector ", name));
  }
  return OffsetsMessage(*altered, reset_all);
}

absl::Status ConnectorOffsets::CommitSinkOffsetsAsMember(const ConfigMap& settings,
                                                         const std::string& group,
                                                         const SinkOffsetChanges& offsets) const {
  const absl::Time deadline = absl::Now() + kOffsetsKafkaTimeout;
  const std::string reset_policy = settings.at("auto.offset.reset");
  std::vector<kafka::CommittedOffset> commits;
  for (const auto& [tp, offset] : offsets) {
    if (offset.has_value()) {
      commits.push_back({tp.topic, tp.partition, *offset});
      continue;
    }
    // No committed offset cannot be restored here (nor can a group be deleted): commit where
    // the next run would start without one.
    absl::StatusOr<int64_t> start =
        kafka::StartingOffset(settings, tp, reset_policy, deadline - absl::Now());
    if (!start.ok()) return start.status();
    commits.push_back({tp.topic, tp.partition, *start});
  }
  return kafka::CommitOffsetsAsMember(settings, group, commits,
                                      std::max(absl::Seconds(1), deadline - absl::Now()));
}

absl::StatusOr<std::vector<kafka::CommittedOffset>> ConnectorOffsets::SinkOffsets(
    const std::string& name, const ConfigMap& config) const {
  std::vector<std::string> topics;
  if (auto t = config.find("topics"); t != config.end()) {
    for (absl::string_view topic : absl::StrSplit(t->second, ',')) {
      topic = absl::StripAsciiWhitespace(topic);
      if (!topic.empty()) topics.emplace_back(topic);
    }
  }
  absl::StatusOr<ConfigMap> settings = SinkConsumerSettings(name, config);
  if (!settings.ok()) return settings.status();
  const std::string group = settings->at("group.id");
  std::string regex;
  if (auto r = config.find("topics.regex"); r != config.end()) regex = r->second;
  return kafka::FetchCommittedOffsets(options_.bootstrap_servers, group, topics,
                                      kOffsetsKafkaTimeout, regex, *settings);
}

std::vector<PartitionOffsetJson> ConnectorOffsets::SourceOffsets(const std::string& name) const {
  std::vector<PartitionOffsetJson> out;
  for (const auto& [key, value] : options_.offsets->All()) {
    std::optional<store::OffsetKey> parsed = store::DecodeOffsetKey(key);
    if (!parsed.has_value() || parsed->connector != name) {
      continue;  // another connector's, or not a Kafka Connect offset key
    }
    out.push_back({formats::SerializeSchemaless(parsed->partition), value});
  }
  return out;
}

}  // namespace sluice::herder
