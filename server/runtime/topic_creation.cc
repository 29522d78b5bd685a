#include "server/runtime/topic_creation.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sluice::runtime {
namespace {

// The group's regexes (Java syntax, run on RE2).
absl::StatusOr<std::vector<transforms::JavaPattern>> Compile(
    const std::vector<std::string>& patterns, const std::string& key) {
  std::vector<transforms::JavaPattern> out;
  for (const std::string& p : patterns) {
    absl::StatusOr<transforms::JavaPattern> re = transforms::JavaPattern::Compile(p);
    if (!re.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid value ", p, " for configuration ",
                                                     key, ": ", re.status().message()));
    }
    out.push_back(*std::move(re));
  }
  return out;
}

bool AnyFullMatch(const std::vector<transforms::JavaPattern>& regexes, const std::string& s) {
  for (const transforms::JavaPattern& re : regexes) {
    if (re.FullMatch(s)) return true;
  }
  return false;
}

}  // namespace

TopicCreation::TopicCreation(TopicCreation&&) noexcept = default;
TopicCreation& TopicCreation::operator=(TopicCreation&&) noexcept = default;
TopicCreation::~TopicCreation() = default;

absl::StatusOr<TopicCreation> TopicCreation::Create(
    const std::vector<config::TopicCreationGroup>& groups) {
  TopicCreation t;
  t.configs_ = groups;
  for (const config::TopicCreationGroup& g : t.configs_) {
    Group group;
    group.config = &g;
    const std::string prefix = absl::StrCat("topic.creation.", g.name, ".");
    absl::StatusOr<std::vector<transforms::JavaPattern>> include =
        Compile(g.include, prefix + "include");
    if (!include.ok()) return include.status();
    absl::StatusOr<std::vector<transforms::JavaPattern>> exclude =
        Compile(g.exclude, prefix + "exclude");
    if (!exclude.ok()) return exclude.status();
    group.include = *std::move(include);
    group.exclude = *std::move(exclude);
    t.groups_.push_back(std::move(group));
  }
  return t;
}

const config::TopicCreationGroup& TopicCreation::GroupFor(const std::string& topic) const {
  for (const Group& g : groups_) {
    if (g.config->name == "default") continue;
    if (AnyFullMatch(g.include, topic) && !AnyFullMatch(g.exclude, topic)) return *g.config;
  }
  return configs_.back();  // "default", always last
}

kafka::NewTopic TopicCreation::NewTopicFor(const std::string& topic) const {
  const config::TopicCreationGroup& g = GroupFor(topic);
  return kafka::NewTopic{topic, g.partitions, g.replication_factor, g.topic_configs};
}

std::string DescribeNewTopic(const kafka::NewTopic& topic) {
  std::vector<std::string> configs;
  for (const auto& [k, v] : topic.configs) configs.push_back(absl::StrCat(k, "=", v));
  return absl::StrCat("(name=", topic.name, ", numPartitions=",
                      topic.partitions < 0 ? "default" : absl::StrCat(topic.partitions),
                      ", replicationFactor=",
                      topic.replication_factor < 0 ? "default"
                                                   : absl::StrCat(topic.replication_factor),
                      ", replicasAssignments=null, configs={", absl::StrJoin(configs, ", "), "})");
}

}  // namespace sluice::runtime
