// The embedded broker: librdkafka's mock cluster, started in-process when the worker has no
// bootstrap.servers. It speaks the real Kafka protocol on a loopback port, so the worker's
// clients (and kcat) use it as any broker. It keeps data in memory only, about 5 MiB per
// partition, and answers produce, fetch, metadata and consumer groups but no admin calls: topics
// are created automatically on first use.
//
// Thread-safe; the broker runs on librdkafka's own threads until the object is destroyed.
#ifndef SLUICE_SERVER_KAFKA_EMBEDDED_BROKER_H_
#define SLUICE_SERVER_KAFKA_EMBEDDED_BROKER_H_

#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "absl/status/statusor.h"
#include "server/kafka/client.h"

namespace sluice::kafka {

class EmbeddedBroker {
 public:
  struct Options {
    int brokers = 1;
  };

  static absl::StatusOr<std::unique_ptr<EmbeddedBroker>> Start(const Options& options);
  ~EmbeddedBroker();

  // "127.0.0.1:port[,...]": what clients use as bootstrap.servers.
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }
  // Creates `topic` with `partitions` partitions unless it exists. The mock broker would
  // auto-create a topic with 4 partitions on first use; a real broker's default is
  // num.partitions=1, which keeps a file's lines in order. Clients call this before they first
  // touch a topic. Thread-safe.
  absl::Status EnsureTopic(const std::string& topic, int partitions = 1);
  // Creates `topic` with `partitions` partitions: true when created, false when it existed.
  absl::StatusOr<bool> CreateTopic(const std::string& topic, int partitions);

  // For fault-injection tests.
  rd_kafka_mock_cluster_t* cluster() const { return cluster_; }

 private:
  EmbeddedBroker(KafkaHandle handle, rd_kafka_mock_cluster_t* cluster);

  KafkaHandle handle_;  // owns the mock cluster's threads; destroyed after cluster_
  rd_kafka_mock_cluster_t* cluster_;
  std::string bootstrap_servers_;
};

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_EMBEDDED_BROKER_H_
