#include "server/kafka/internal_topics.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <vector>

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_hash_map.h"
#include "server/kafka/admin_call.h"
#include "server/kafka/errors.h"

namespace sluice::kafka {
namespace {

constexpr std::string_view kCleanupPolicy = "cleanup.policy";
constexpr std::string_view kCompact = "compact";
constexpr std::string_view kKafkaTimeoutExceptionClass =
    "org.apache.kafka.common.errors.TimeoutException";
// Kafka's retry.backoff.ms default, between two attempts at creating a topic.
constexpr absl::Duration kDefaultRetryBackoff = absl::Milliseconds(100);

// Abseil 20220623's string_view is not std::string_view: StrCat takes the one, our interfaces and
// fmt the other.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }
std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
};
struct ConfigResourceDeleter {
  void operator()(rd_kafka_ConfigResource_t* r) const { rd_kafka_ConfigResource_destroy(r); }
};

// bootstrap.servers as Kafka Connect's TopicAdmin prints it in its messages.
std::string BootstrapServers(const ConfigMap& settings) {
  for (const char* key : {"bootstrap.servers", "metadata.broker.list"}) {
    auto it = settings.find(key);
    if (it != settings.end()) return it->second;
  }
  return "<unknown>";
}

absl::Duration RetryBackoff(const ConfigMap& settings) {
  auto it = settings.find("retry.backoff.ms");
  int64_t ms = 0;
  if (it != settings.end() && absl::SimpleAtoi(it->second, &ms) && ms >= 0) {
    return absl::Milliseconds(ms);
  }
  return kDefaultRetryBackoff;
}

// Whether a Status from an admin call means Kafka did not answer in time.
bool TimedOut(const absl::Status& s) {
  return s.code() == absl::StatusCode::kDeadlineExceeded ||
         s.code() == absl::StatusCode::kUnavailable;
}

// The text of a per-topic error: the broker's message when it sent one, else librdkafka's.
std::string ErrorText(rd_kafka_resp_err_t err, const char* detail) {
  if (detail != nullptr && *detail != '\0') return detail;
  return rd_kafka_err2str(err);
}

// One CreateTopics attempt's result.
struct CreateAttempt {
  enum class Result { kCreated, kExisted, kCannotCreate, kRetriable, kFailed };
  Result result = Result::kFailed;
  absl::Status error;  // for kRetriable and kFailed
};

CreateAttempt CreateOnce(const ConfigMap& admin_settings, const InternalTopicSpec& spec,
                         int32_t partitions, absl::Duration timeout) {
  const std::string& name = spec.name;
  const std::string failed =
      absl::StrCat("Error while attempting to create/find topic(s) '", name, "'");
  const std::string timed_out = absl::StrCat(
      "Timed out while checking for or creating topic(s) '", name,
      "'. This could indicate a connectivity issue, unavailable topic partitions, or if this is "
      "your first use of the topic it may have taken too long to create.");
  auto connect_error = [](absl::StatusCode code, const std::string& message,
                          std::string_view cause) {
    return convert::JavaError(code, convert::kConnectExceptionClass, message, cause);
  };

  absl::StatusOr<AdminCall> call =
      AdminCall::Create(admin_settings, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
  if (!call.ok()) return {CreateAttempt::Result::kFailed, call.status()};
  char errstr[512];
  std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter> request(rd_kafka_NewTopic_new(
      name.c_str(), partitions, spec.replication_factor, errstr, sizeof(errstr)));
  if (request == nullptr) {
    return {CreateAttempt::Result::kFailed,
            connect_error(absl::StatusCode::kInvalidArgument, failed, errstr)};
  }
  // The extra settings first, then cleanup.policy over whatever they said (Kafka Connect's
  // NewTopicBuilder: config(settings), then compacted()).
  ConfigMap configs = spec.settings;
  configs[std::string(kCleanupPolicy)] = std::string(kCompact);
  for (const auto& [k, v] : configs) {
    if (rd_kafka_NewTopic_set_config(request.get(), k.c_str(), v.c_str()) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      return {CreateAttempt::Result::kFailed,
              connect_error(absl::StatusCode::kInvalidArgument, failed,
                            absl::StrCat("bad topic config ", k))};
    }
  }
  rd_kafka_NewTopic_t* requests[] = {request.get()};
  rd_kafka_CreateTopics(call->rk.get(), requests, 1, call->options.get(), call->queue.get());
  absl::StatusOr<Event> event = call->Wait(absl::StrCat("Creating topic ", name));
  if (!event.ok()) {
    if (TimedOut(event.status())) {
      return {CreateAttempt::Result::kRetriable,
              connect_error(absl::StatusCode::kDeadlineExceeded, timed_out,
                            Sv(event.status().message()))};
    }
    return {CreateAttempt::Result::kFailed,
            connect_error(event.status().code(), failed, Sv(event.status().message()))};
  }
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(
      rd_kafka_event_CreateTopics_result(event->get()), &count);
  if (count == 0) {
    return {CreateAttempt::Result::kFailed,
            connect_error(absl::StatusCode::kInternal, failed, "Kafka returned no result")};
  }
  const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[0]);
  const std::string text = ErrorText(err, rd_kafka_topic_result_error_string(results[0]));
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return {CreateAttempt::Result::kCreated, absl::OkStatus()};
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
      return {CreateAttempt::Result::kExisted, absl::OkStatus()};
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      spdlog::debug(
          "Not able to create topic '{}' on the brokers at {} ({}). Falling back to assume the "
          "topic exists or will be auto-created by the broker.",
          name, BootstrapServers(admin_settings), text);
      return {CreateAttempt::Result::kCannotCreate, absl::OkStatus()};
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
      return {CreateAttempt::Result::kFailed,
              connect_error(absl::StatusCode::kInvalidArgument,
                            absl::StrCat("Unable to create topic(s) '", name, "': ", text),
                            absl::StrCat("org.apache.kafka.common.errors."
                                         "InvalidConfigurationException: ",
                                         text))};
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
      return {CreateAttempt::Result::kRetriable,
              connect_error(absl::StatusCode::kDeadlineExceeded, timed_out, text)};
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
      // Retried: brokers may still be joining the cluster.
      return {CreateAttempt::Result::kRetriable,
              connect_error(absl::StatusCode::kInvalidArgument, failed, text)};
    default: {
      absl::Status mapped = ToStatus(err, "");
      return {CreateAttempt::Result::kFailed, connect_error(mapped.code(), failed, text)};
    }
  }
}

// The topic's cleanup policies as Kafka Connect's TopicAdmin.topicCleanupPolicy reads them, in
// the order Java's HashSet of them iterates (which its message prints); empty when they could
// not be read. Errors as Kafka Connect's describeTopicConfigs raises them.
absl::StatusOr<std::vector<std::string>> CleanupPolicies(const ConfigMap& admin_settings,
                                                         const std::string& name,
                                                         absl::Duration timeout) {
  const std::string bootstrap = BootstrapServers(admin_settings);
  const std::string timed_out = absl::StrCat(
      "Timed out while waiting to describe topic config for topic '", name, "' on brokers at ",
      bootstrap);
  const std::string failed = absl::StrCat(
      "Error while attempting to describe topic config for topic '", name, "' on brokers at ",
      bootstrap);
  absl::StatusOr<AdminCall> call =
      AdminCall::Create(admin_settings, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout);
  if (!call.ok()) return call.status();
  std::unique_ptr<rd_kafka_ConfigResource_t, ConfigResourceDeleter> resource(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str()));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  rd_kafka_DescribeConfigs(call->rk.get(), resources, 1, call->options.get(),
                           call->queue.get());
  absl::StatusOr<Event> event = call->Wait(absl::StrCat("Describing the configs of topic ", name));
  if (!event.ok()) {
    if (TimedOut(event.status())) {
      return convert::JavaError(absl::StatusCode::kUnavailable, convert::kRetriableExceptionClass,
                                timed_out, Sv(event.status().message()));
    }
    return convert::JavaError(event.status().code(), convert::kConnectExceptionClass, failed,
                              Sv(event.status().message()));
  }
  size_t count = 0;
  const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(event->get()), &count);
  if (count == 0) return std::vector<std::string>();
  const rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(described[0]);
  const std::string text = ErrorText(err, rd_kafka_ConfigResource_error_string(described[0]));
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      break;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      spdlog::debug("Topic '{}' does not exist on the brokers at {}", name, bootstrap);
      return std::vector<std::string>();
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
      spdlog::debug("Not able to describe the config of topic '{}' on brokers at {}: {}", name,
                    bootstrap, text);
      return std::vector<std::string>();
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
      return convert::JavaError(absl::StatusCode::kUnavailable, convert::kRetriableExceptionClass,
                                timed_out, text);
    default:
      return convert::JavaError(ToStatus(err, "").code(), convert::kConnectExceptionClass,
                                failed, text);
  }
  size_t entries = 0;
  const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(described[0], &entries);
  std::vector<MapEntry> policies;  // as a HashSet<String>: keys only, first occurrence kept
  for (size_t i = 0; i < entries; ++i) {
    if (kCleanupPolicy != rd_kafka_ConfigEntry_name(configs[i])) continue;
    const char* value = rd_kafka_ConfigEntry_value(configs[i]);
    if (value == nullptr) break;
    std::set<std::string> seen;
    for (absl::string_view piece : absl::StrSplit(value, ',')) {
      std::string policy = absl::AsciiStrToLower(absl::StripAsciiWhitespace(piece));
      if (policy.empty() || !seen.insert(policy).second) continue;
      policies.push_back(MapEntry{Value::String(std::move(policy)), Value()});
    }
    break;
  }
  // Collectors.toSet() collects into a new HashSet<>().
  convert::OrderAsJavaHashMap(policies, convert::JavaHashMapCapacity::Default());
  std::vector<std::string> out;
  for (const MapEntry& e : policies) out.push_back(e.key.string());
  return out;
}

// The partition count of `name`; 0 when the topic cannot be found.
absl::StatusOr<int> PartitionCount(const ConfigMap& admin_settings, const std::string& name,
                                   absl::Duration timeout) {
  absl::StatusOr<KafkaHandle> rk = NewAdminClient(admin_settings);
  if (!rk.ok()) return rk.status();
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk->get(), name.c_str(), nullptr);
  const struct rd_kafka_metadata* metadata = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk->get(), 0, topic, &metadata, Millis(timeout));
  rd_kafka_topic_destroy(topic);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return ToStatus(err, absl::StrCat("Reading the partitions of topic ", name));
  }
  int partitions = 0;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& found = metadata->topics[t];
    if (name == found.topic && found.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      partitions = found.partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  return partitions;
}

}  // namespace

std::string_view TopicSettingName(InternalTopic topic) {
  switch (topic) {
    case InternalTopic::kConfig:
      return "config.storage.topic";
    case InternalTopic::kOffsets:
      return "offset.storage.topic";
    case InternalTopic::kStatus:
      return "status.storage.topic";
  }
  return "";
}

std::string_view TopicPurpose(InternalTopic topic) {
  switch (topic) {
    case InternalTopic::kConfig:
      return "connector configurations";
    case InternalTopic::kOffsets:
      return "source connector offsets";
    case InternalTopic::kStatus:
      return "connector and task statuses";
  }
  return "";
}

ConfigMap InternalTopicSettings(const ConfigMap& worker_settings, InternalTopic topic) {
  std::string_view name = TopicSettingName(topic);
  const std::string prefix(name.substr(0, name.size() - std::string_view("topic").size()));
  ConfigMap out;
  for (const auto& [key, value] : worker_settings) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    std::string setting = key.substr(prefix.size());
    if (setting == "partitions" && topic == InternalTopic::kConfig) {
      spdlog::warn("Ignoring '{}partitions={}' setting, since config topic partitions is always 1",
                   prefix, value);
    }
    if (setting == kCleanupPolicy) {
      spdlog::warn("Ignoring '{}cleanup.policy={}' setting, since compaction is always used",
                   prefix, value);
      continue;
    }
    if (setting == "topic" || setting == "replication.factor" || setting == "partitions") continue;
    out.emplace(std::move(setting), value);
  }
  return out;
}

absl::StatusOr<TopicAdmin::Outcome> EnsureInternalTopic(const ConfigMap& admin_settings,
                                                        InternalTopic topic,
                                                        const InternalTopicSpec& spec,
                                                        absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  const int32_t partitions = topic == InternalTopic::kConfig ? 1 : spec.partitions;
  const absl::Duration backoff = RetryBackoff(admin_settings);
  spdlog::debug("Creating Connect internal topic for {}", TopicPurpose(topic));

  // Kafka Connect's TopicAdmin.createTopicsWithRetry: a retriable failure before the deadline
  // is followed by a pause and another attempt; one after it is the answer; a deadline that
  // passes during the pause gives Kafka's TimeoutException.
  CreateAttempt attempt;
  while (true) {
    attempt = CreateOnce(admin_settings, spec, partitions,
                         std::max(deadline - absl::Now(), absl::Milliseconds(1)));
    if (attempt.result != CreateAttempt::Result::kRetriable) break;
    if (absl::Now() >= deadline) return attempt.error;
    spdlog::info("'{}' topic creation failed due to '{}', retrying, {}ms remaining", spec.name,
                 Sv(attempt.error.message()),
                 absl::ToInt64Milliseconds(deadline - absl::Now()));
    absl::SleepFor(std::min(backoff, deadline - absl::Now()));
    if (absl::Now() >= deadline) {
      return convert::JavaError(absl::StatusCode::kDeadlineExceeded, kKafkaTimeoutExceptionClass,
                                "Timeout expired while trying to create topic(s)");
    }
  }
  switch (attempt.result) {
    case CreateAttempt::Result::kFailed:
      return attempt.error;
    case CreateAttempt::Result::kCreated:
      spdlog::info("Created topic {} (partitions {}, replication factor {}) on brokers at {}",
                   spec.name, partitions, spec.replication_factor,
                   BootstrapServers(admin_settings));
      return TopicAdmin::Outcome::kCreated;
    default:
      break;  // it existed, or it could not be created here: check what is there
  }

  const std::string_view setting = TopicSettingName(topic);
  const std::string_view purpose = TopicPurpose(topic);
  const absl::Duration left = std::max(deadline - absl::Now(), absl::Milliseconds(1));
  absl::StatusOr<std::vector<std::string>> policies =
      CleanupPolicies(admin_settings, spec.name, left);
  if (!policies.ok()) return policies.status();
  if (policies->empty()) {
    spdlog::info(
        "Unable to use admin client to verify the cleanup policy of '{}' topic is '{}', either "
        "because the broker is an older version or because the Kafka principal used for Connect "
        "internal topics does not have the required permission to describe topic "
        "configurations.",
        spec.name, kCompact);
  } else if (*policies != std::vector<std::string>{std::string(kCompact)}) {
    return convert::ConfigError(absl::StrCat(
        "Topic '", spec.name, "' supplied via the '", Av(setting),
        "' property is required to have 'cleanup.policy=compact' to guarantee consistency and "
        "durability of ",
        Av(purpose), ", but found the topic currently has 'cleanup.policy=",
        absl::StrJoin(*policies, ","), "'. Continuing would likely result in eventually losing ",
        Av(purpose),
        " and problems restarting this Connect cluster in the future. Change the '", Av(setting),
        "' property in the Connect worker configurations to use a topic with "
        "'cleanup.policy=compact'."));
  }

  if (topic == InternalTopic::kConfig) {
    absl::StatusOr<int> count = PartitionCount(
        admin_settings, spec.name, std::max(deadline - absl::Now(), absl::Milliseconds(1)));
    if (!count.ok()) return count.status();
    if (*count > 1) {
      return convert::ConfigError(absl::StrCat(
          "Topic '", spec.name, "' supplied via the '", Av(setting),
          "' property is required to have a single partition in order to guarantee consistency "
          "of connector configurations, but found ",
          *count, " partitions."));
    }
  }
  return TopicAdmin::Outcome::kExisted;
}

}  // namespace sluice::kafka
