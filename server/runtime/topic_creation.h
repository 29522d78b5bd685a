// Kafka Connect's topic creation for source tasks (KIP-158): which group of
// topic.creation.<group>.* settings a new topic is created with. The groups are tried in the
// order topic.creation.groups lists them; the first whose `include` regexes match the whole
// topic name and whose `exclude` regexes do not decides; "default" takes every other topic.
//
// Thread-compatible (immutable after Create).
#ifndef SLUICE_SERVER_RUNTIME_TOPIC_CREATION_H_
#define SLUICE_SERVER_RUNTIME_TOPIC_CREATION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/connector_config.h"
#include "server/kafka/topic_admin.h"
#include "server/transforms/java_regex.h"

namespace sluice::runtime {

class TopicCreation {
 public:
  // `groups` as ConnectorConfig::topic_creation gives them (empty: topic creation is off).
  // InvalidArgument for a regex that does not compile.
  static absl::StatusOr<TopicCreation> Create(const std::vector<config::TopicCreationGroup>& groups);
  TopicCreation(TopicCreation&&) noexcept;
  TopicCreation& operator=(TopicCreation&&) noexcept;
  ~TopicCreation();

  bool enabled() const { return !groups_.empty(); }
  // The group a new topic named `topic` is created with. REQUIRES: enabled().
  const config::TopicCreationGroup& GroupFor(const std::string& topic) const;
  // The topic to create for `topic` under its group's settings.
  kafka::NewTopic NewTopicFor(const std::string& topic) const;

 private:
  struct Group {
    const config::TopicCreationGroup* config = nullptr;
    std::vector<transforms::JavaPattern> include;
    std::vector<transforms::JavaPattern> exclude;
  };
  TopicCreation() = default;

  std::vector<config::TopicCreationGroup> configs_;
  std::vector<Group> groups_;
};

// Kafka's NewTopic.toString(), for messages: "(name=t, numPartitions=3, replicationFactor=1,
// replicasAssignments=null, configs={cleanup.policy=compact})".
std::string DescribeNewTopic(const kafka::NewTopic& topic);

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_TOPIC_CREATION_H_
