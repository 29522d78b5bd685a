// librdkafka's statistics (statistics.interval.ms: a JSON document per client every interval,
// parsed here, never per message), turned into the Java clients' metrics that Strimzi's rules
// render (kafka_producer_* / kafka_consumer_*: connection-count, incoming-/outgoing-byte-total,
// the fetch manager's per-partition records-lag) and Sluice's own (producer queue, broker
// round-trip times).
#ifndef SLUICE_SERVER_METRICS_KAFKA_CLIENT_STATS_H_
#define SLUICE_SERVER_METRICS_KAFKA_CLIENT_STATS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/metrics/exposition.h"

namespace sluice::metrics {

struct KafkaClientStats {
  std::string client_id;
  std::string type;             // "producer" or "consumer"
  double connection_count = 0;  // brokers whose connection is UP
  double tx_bytes = 0;          // sent to brokers
  double rx_bytes = 0;          // received from brokers
  double msg_cnt = 0;           // producer: messages in the local queue
  double msg_size = 0;          // producer: their bytes
  struct Broker {
    std::string name;  // "host:port/nodeid"
    double rtt_avg_seconds = 0;
    double rtt_p99_seconds = 0;
  };
  std::vector<Broker> brokers;  // brokers with round-trip samples
  struct PartitionLag {
    std::string topic;
    int32_t partition = 0;
    int64_t lag = 0;
  };
  std::vector<PartitionLag> lags;  // consumer: partitions with a known lag
};

// Reads librdkafka's statistics JSON. InvalidArgument when it is not JSON.
absl::StatusOr<KafkaClientStats> ParseKafkaStatistics(std::string_view json);

// Appends the samples of `stats` to `families`, adding the families it lacks.
void AddKafkaClientFamilies(const KafkaClientStats& stats, std::vector<MetricFamily>& families);

}  // namespace sluice::metrics

#endif  // SLUICE_SERVER_METRICS_KAFKA_CLIENT_STATS_H_
