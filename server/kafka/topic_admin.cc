#include "server/kafka/topic_admin.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "server/kafka/admin_call.h"
#include "server/kafka/embedded_broker.h"
#include "server/kafka/errors.h"

namespace sluice::kafka {
namespace {

struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
};

class KafkaTopicAdmin final : public TopicAdmin {
 public:
  explicit KafkaTopicAdmin(ConfigMap settings) : settings_(std::move(settings)) {}

  absl::StatusOr<Outcome> Create(const NewTopic& topic, absl::Duration timeout) override {
    const std::string what = absl::StrCat("Creating topic ", topic.name);
    absl::StatusOr<AdminCall> call =
        AdminCall::Create(settings_, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
    if (!call.ok()) return call.status();
    char errstr[512];
    std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter> request(rd_kafka_NewTopic_new(
        topic.name.c_str(), topic.partitions, topic.replication_factor, errstr, sizeof(errstr)));
    if (request == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": ", errstr));
    }
    for (const auto& [k, v] : topic.configs) {
      if (rd_kafka_NewTopic_set_config(request.get(), k.c_str(), v.c_str()) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": bad topic config ", k));
      }
    }
    rd_kafka_NewTopic_t* requests[] = {request.get()};
    rd_kafka_CreateTopics(call->rk.get(), requests, 1, call->options.get(), call->queue.get());
    absl::StatusOr<Event> event = call->Wait(what);
    if (!event.ok()) return event.status();
    size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(
        rd_kafka_event_CreateTopics_result(event->get()), &count);
    for (size_t i = 0; i < count; ++i) {
      rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Outcome::kCreated;
      if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return Outcome::kExisted;
      absl::Status s = ToStatus(err, what);
      const char* detail = rd_kafka_topic_result_error_string(results[i]);
      if (detail != nullptr && *detail != '\0') {
        return absl::Status(s.code(), absl::StrCat(s.message(), " (", detail, ")"));
      }
      return s;
    }
    return absl::InternalError(absl::StrCat(what, ": Kafka returned no result"));
  }

 private:
  const ConfigMap settings_;
};

class EmbeddedTopicAdmin final : public TopicAdmin {
 public:
  explicit EmbeddedTopicAdmin(EmbeddedBroker* broker) : broker_(broker) {}

  absl::StatusOr<Outcome> Create(const NewTopic& topic, absl::Duration) override {
    if (topic.replication_factor > 1 || !topic.configs.empty()) {
      spdlog::warn(
          "Creating topic {} on the embedded broker: it keeps one in-memory replica and no topic "
          "configs, so replication factor {} and {} topic config(s) are not applied",
          topic.name, topic.replication_factor, topic.configs.size());
    }
    absl::StatusOr<bool> created =
        broker_->CreateTopic(topic.name, topic.partitions > 0 ? topic.partitions : 1);
    if (!created.ok()) return created.status();
    return *created ? Outcome::kCreated : Outcome::kExisted;
  }

 private:
  EmbeddedBroker* const broker_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TopicAdmin>> NewKafkaTopicAdmin(const ConfigMap& settings) {
  ConfigMap s = settings;
  s.try_emplace("client.id", "sluice-topic-admin");
  return std::make_unique<KafkaTopicAdmin>(std::move(s));
}

std::unique_ptr<TopicAdmin> NewEmbeddedTopicAdmin(EmbeddedBroker* broker) {
  return std::make_unique<EmbeddedTopicAdmin>(broker);
}

}  // namespace sluice::kafka
