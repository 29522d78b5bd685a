// A connector's offsets, read and changed on behalf of a herder (KIP-875): a source connector's
// partitions and offsets in the offset store, a sink connector's committed offsets in its
// consumer group. What Kafka Connect's Worker does for GET, PATCH and DELETE
// /connectors/{name}/offsets; the herders (standalone, distributed) decide whether the request
// may run (the connector exists, is STOPPED, this worker is the one to do it) and hand over the
// connector's config.
//
// Thread-safe.
#ifndef SLUICE_SERVER_HERDER_CONNECTOR_OFFSETS_H_
#define SLUICE_SERVER_HERDER_CONNECTOR_OFFSETS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/config/worker_config.h"
#include "server/herder/herder.h"
#include "server/kafka/consumer_groups.h"
#include "server/plugins/plugin_registry.h"
#include "server/store/offset_store.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/data.h"

namespace sluice::herder {

// Kafka Connect's answer to an offsets change of a connector that is not STOPPED (or still has
// tasks).
std::string NotStoppedForOffsetsMessage(const std::string& name);

class ConnectorOffsets {
 public:
  struct Options {
    const config::WorkerConfig* worker = nullptr;
    std::string bootstrap_servers;
    plugins::PluginRegistry* registry = nullptr;
    store::OffsetStore* offsets = nullptr;  // source connectors' offsets
  };
  // REQUIRES: the pointers outlive this.
  explicit ConnectorOffsets(Options options) : options_(std::move(options)) {}

  // The connector plugin of `config`'s connector.class; Internal with Kafka Connect's message
  // when no plugin provides it.
  absl::StatusOr<const plugins::ConnectorPlugin*> Plugin(const ConfigMap& config) const;

  // Every partition the source connector `name` has an offset for, as JSON texts.
  std::vector<PartitionOffsetJson> SourceOffsets(const std::string& name) const;
  // The committed offsets of the sink connector's consumer group (connect-{name}, or its
  // consumer.override.group.id) for the topics it consumes.
  absl::StatusOr<std::vector<kafka::CommittedOffset>> SinkOffsets(const std::string& name,
                                                                  const ConfigMap& config) const;

  // PATCH / DELETE for a source connector: `offsets` holds partition maps and offset maps
  // (nullopt offset = reset that partition); `reset_all` ignores them and resets every known
  // partition. The connector is asked first (its AlterOffsets, on a fresh instance); if it
  // refuses, nothing is written and its message is the error (Unknown: REST 500). Returns Kafka
  // Connect's success message.
  absl::StatusOr<std::string> AlterSource(
      const std::string& name, const ConfigMap& config,
      const std::vector<std::pair<sluice::Value, std::optional<sluice::Value>>>& offsets,
      bool reset_all) const;
  // PATCH / DELETE for a sink connector: the next offset to consume per partition (nullopt =
  // delete the partition's committed offset); `reset_all` deletes the whole consumer group (on
  // the embedded broker, which cannot delete groups, each partition is committed at the offset
  // the next run would start from without one). As for sources, the connector is asked first.
  // Errors with Kafka Connect's messages (Internal: REST 500): the group still has members,
  // Kafka failed, the connector's client overrides are not allowed.
  absl::StatusOr<std::string> ModifySink(const std::string& name, const ConfigMap& config,
                                         const SinkOffsetChanges& offsets, bool reset_all) const;

 private:
  // The Kafka settings of the sink connector `config`'s consumers: Kafka Connect's defaults
  // (group.id connect-{name}, auto.offset.reset earliest), the worker's consumer.*, then the
  // connector's consumer.override.*, translated to librdkafka's names; as the sink task runner
  // layers them. As Kafka Connect's Worker does for the offsets operations, the connector's
  // admin and consumer overrides are first checked against the override policy: Internal with
  // the Worker's "Client Config Overrides not allowed ..." message (Kafka Connect answers 500).
  // InvalidArgument for a setting that does not translate.
  absl::StatusOr<ConfigMap> SinkConsumerSettings(const std::string& name,
                                                 const ConfigMap& config) const;
  // Writes sink offsets on the embedded broker, which takes commits for a group it knows only
  // from a member (see server/kafka/consumer_groups.h): joins the group and commits `offsets`,
  // a nullopt one at the offset a consumer without a committed offset would start from.
  absl::Status CommitSinkOffsetsAsMember(const ConfigMap& settings, const std::string& group,
                                         const SinkOffsetChanges& offsets) const;

  const Options options_;
};

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_CONNECTOR_OFFSETS_H_
