#include "server/metrics/kafka_client_stats.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "formats/json_tree.h"
#include "server/metrics/worker_metrics.h"

namespace sluice::metrics {

namespace {

using formats::JsonNode;

double Number(const JsonNode* node) {
  return node != nullptr && node->type == JsonNode::Type::kNumber ? node->DoubleValue() : 0;
}

std::string Text(const JsonNode* node) {
  return node != nullptr && node->type == JsonNode::Type::kString ? node->text : "";
}

MetricFamily& FamilyOf(std::vector<MetricFamily>& families, std::string_view name,
                       std::string_view help, MetricType type) {
  for (MetricFamily& family : families) {
    if (family.name == name) return family;
  }
  families.push_back(MetricFamily{std::string(name), std::string(help), type, {}});
  return families.back();
}

}  // namespace

absl::StatusOr<KafkaClientStats> ParseKafkaStatistics(std::string_view json) {
  formats::JsonParser parser;
  absl::StatusOr<JsonNode> root = parser.Parse(json);
  if (!root.ok()) return root.status();
  KafkaClientStats stats;
  stats.client_id = Text(root->Get("client_id"));
  stats.type = Text(root->Get("type"));
  stats.tx_bytes = Number(root->Get("tx_bytes"));
  stats.rx_bytes = Number(root->Get("rx_bytes"));
  stats.msg_cnt = Number(root->Get("msg_cnt"));
  stats.msg_size = Number(root->Get("msg_size"));
  if (const JsonNode* brokers = root->Get("brokers");
      brokers != nullptr && brokers->type == JsonNode::Type::kObject) {
    for (const auto& [name, broker] : brokers->members) {
      if (Text(broker.Get("state")) == "UP") stats.connection_count += 1;
      const JsonNode* rtt = broker.Get("rtt");
      if (Number(broker.Get("nodeid")) < 0 || rtt == nullptr || Number(rtt->Get("cnt")) <= 0) {
        continue;
      }
      // librdkafka's round-trip times are in microseconds.
      stats.brokers.push_back({name, Number(rtt->Get("avg")) / 1e6, Number(rtt->Get("p99")) / 1e6});
    }
  }
  if (const JsonNode* topics = root->Get("topics");
      topics != nullptr && topics->type == JsonNode::Type::kObject) {
    for (const auto& [topic, t] : topics->members) {
      const JsonNode* partitions = t.Get("partitions");
      if (partitions == nullptr || partitions->type != JsonNode::Type::kObject) continue;
      for (const auto& [id, p] : partitions->members) {
        int32_t partition = 0;
        if (!absl::SimpleAtoi(id, &partition) || partition < 0) continue;  // -1: unassigned
        const JsonNode* lag = p.Get("consumer_lag");
        if (lag == nullptr || lag->type != JsonNode::Type::kNumber || lag->LongValue() < 0) {
          continue;
        }
        stats.lags.push_back({topic, partition, lag->LongValue()});
      }
    }
  }
  return stats;
}

void AddKafkaClientFamilies(const KafkaClientStats& stats, std::vector<MetricFamily>& families) {
  if (stats.type != "producer" && stats.type != "consumer") return;
  const std::string& type = stats.type;
  // Label values as the exporter takes them from the MBean names (JmxSanitize).
  const std::string client_id = JmxSanitize(stats.client_id);
  const Labels client = {{"clientid", client_id}};
  // Java's <type>-metrics group, through the rule kafka.(.+)<type=(.+)-metrics, client-id=(.*)>.
  const std::string help = absl::StrCat("Kafka ", type, " JMX metric type ", type);
  FamilyOf(families, absl::StrCat("kafka_", type, "_connection_count"), help, MetricType::kGauge)
      .samples.push_back({client, stats.connection_count});
  FamilyOf(families, absl::StrCat("kafka_", type, "_outgoing_byte_total"), help,
           MetricType::kCounter)
      .samples.push_back({client, stats.tx_bytes});
  FamilyOf(families, absl::StrCat("kafka_", type, "_incoming_byte_total"), help,
           MetricType::kCounter)
      .samples.push_back({client, stats.rx_bytes});
  if (type == "producer") {
    FamilyOf(families, "sluice_kafka_producer_queue_messages",
             "Messages in the producer's local queue (librdkafka's msg_cnt).", MetricType::kGauge)
        .samples.push_back({client, stats.msg_cnt});
    FamilyOf(families, "sluice_kafka_producer_queue_bytes",
             "Bytes of the messages in the producer's local queue (librdkafka's msg_size).",
             MetricType::kGauge)
        .samples.push_back({client, stats.msg_size});
  }
  for (const KafkaClientStats::Broker& broker : stats.brokers) {
    const Labels labels = {{"clientid", client_id}, {"broker", broker.name}};
    FamilyOf(families, "sluice_kafka_broker_rtt_avg_seconds",
             "Average round-trip time of the client's requests to the broker (librdkafka's "
             "rtt.avg), in seconds.",
             MetricType::kGauge)
        .samples.push_back({labels, broker.rtt_avg_seconds});
    FamilyOf(families, "sluice_kafka_broker_rtt_p99_seconds",
             "99th percentile round-trip time of the client's requests to the broker "
             "(librdkafka's rtt.p99), in seconds.",
             MetricType::kGauge)
        .samples.push_back({labels, broker.rtt_p99_seconds});
  }
  for (const KafkaClientStats::PartitionLag& lag : stats.lags) {
    // consumer-fetch-manager-metrics records-lag, per partition.
    FamilyOf(families, "kafka_consumer_fetch_manager_records_lag",
             "Kafka Consumer JMX metric type consumer-fetch-manager-metrics", MetricType::kGauge)
        .samples.push_back({{{"clientid", client_id},
                             {"topic", JmxSanitize(lag.topic)},
                             {"partition", absl::StrCat(lag.partition)}},
                            static_cast<double>(lag.lag)});
  }
}

}  // namespace sluice::metrics
