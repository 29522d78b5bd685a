// Creating topics for the worker's tasks: a source connector's topics under Kafka Connect's
// topic creation rules (KIP-158) and a dead letter queue topic. Kafka Connect creates them with
// the admin API; the embedded broker has no admin API (librdkafka 2.0.2's mock cluster), so there
// topics are created through the mock's own call, which takes a partition count only.
//
//   absl::StatusOr<std::unique_ptr<TopicAdmin>> admin = NewKafkaTopicAdmin(settings);
//   absl::StatusOr<TopicAdmin::Outcome> o = (*admin)->Create({"orders", 3, -1, {}});
//
// Thread-safety: implementations are thread-safe.
#ifndef SLUICE_SERVER_KAFKA_TOPIC_ADMIN_H_
#define SLUICE_SERVER_KAFKA_TOPIC_ADMIN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sluice/sdk/config_def.h"

namespace sluice::kafka {

class EmbeddedBroker;

struct NewTopic {
  std::string name;
  int32_t partitions = -1;          // -1: the broker's num.partitions
  int16_t replication_factor = -1;  // -1: the broker's default.replication.factor
  ConfigMap configs;                // topic configs (cleanup.policy, ...)
};

class TopicAdmin {
 public:
  enum class Outcome { kCreated, kExisted };

  virtual ~TopicAdmin() = default;
  // Creates `topic` unless it exists. Errors: the broker's refusal (e.g. PermissionDenied for
  // missing authorisation, InvalidArgument for a bad replication factor or topic config),
  // DeadlineExceeded when Kafka does not answer within `timeout`.
  virtual absl::StatusOr<Outcome> Create(const NewTopic& topic, absl::Duration timeout) = 0;
};

// Through the admin API of a real broker, with `settings` (bootstrap.servers, security, and the
// connector's admin.* / admin.override.* settings).
absl::StatusOr<std::unique_ptr<TopicAdmin>> NewKafkaTopicAdmin(const ConfigMap& settings);

// Through the embedded broker's mock cluster: partitions as asked (-1 gives 1, a real broker's
// default num.partitions), replication factor and topic configs ignored (the mock keeps one
// in-memory replica and no topic configs; logged once per topic). REQUIRES: `broker` outlives it.
std::unique_ptr<TopicAdmin> NewEmbeddedTopicAdmin(EmbeddedBroker* broker);

// How a task gets its admin client: from the settings of its admin client (a real broker) or
// for the embedded broker. Thread-safe.
using TopicAdminFactory =
    std::function<absl::StatusOr<std::unique_ptr<TopicAdmin>>(const ConfigMap& settings)>;

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_TOPIC_ADMIN_H_
