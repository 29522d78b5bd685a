#include "server/kafka/embedded_broker.h"

#include "absl/strings/str_cat.h"
#include "server/kafka/errors.h"

namespace sluice::kafka {

absl::StatusOr<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::Start(const Options& options) {
  absl::StatusOr<rd_kafka_conf_t*> conf =
      NewConf({{"client.id", "sluice-embedded-broker"}, {"log_level", "3"}});
  if (!conf.ok()) return conf.status();
  absl::StatusOr<KafkaHandle> handle = NewClient(RD_KAFKA_PRODUCER, *conf);
  if (!handle.ok()) return handle.status();
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle->get(), options.brokers);
  if (cluster == nullptr) {
    return absl::InternalError("Could not start the embedded Kafka broker (librdkafka mock cluster)");
  }
  auto broker = std::unique_ptr<EmbeddedBroker>(new EmbeddedBroker(*std::move(handle), cluster));
  return broker;
}

EmbeddedBroker::EmbeddedBroker(KafkaHandle handle, rd_kafka_mock_cluster_t* cluster)
    : handle_(std::move(handle)),
      cluster_(cluster),
      bootstrap_servers_(rd_kafka_mock_cluster_bootstraps(cluster)) {}

absl::Status EmbeddedBroker::EnsureTopic(const std::string& topic, int partitions) {
  return CreateTopic(topic, partitions).status();
}

absl::StatusOr<bool> EmbeddedBroker::CreateTopic(const std::string& topic, int partitions) {
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, /*replication_factor=*/1);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return false;
  return ToStatus(err, absl::StrCat("Creating topic ", topic, " on the embedded broker"));
}

EmbeddedBroker::~EmbeddedBroker() { rd_kafka_mock_cluster_destroy(cluster_); }

}  // namespace sluice::kafka
