// Building librdkafka clients for the worker and its tasks: one place that turns a config map
// into an rd_kafka_t, so every producer and consumer gets the worker's settings, Kafka Connect's
// forced defaults, and the user's overrides in the same order.
#ifndef SLUICE_SERVER_KAFKA_CLIENT_H_
#define SLUICE_SERVER_KAFKA_CLIENT_H_

#include <memory>
#include <cstdint>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sluice/sdk/config_def.h"

namespace sluice::kafka {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
// Owns a librdkafka handle; destroying it stops its threads.
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// Applies `settings` (in map order) to a new conf. InvalidArgument naming the key for a setting
// librdkafka rejects. The caller owns the returned conf until it passes it to rd_kafka_new.
absl::StatusOr<rd_kafka_conf_t*> NewConf(const ConfigMap& settings);

// Creates a client of `type` from `conf` (taking ownership of it, also on error).
absl::StatusOr<KafkaHandle> NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf);

// One message for Produce: the arguments rd_kafka_producev takes as RD_KAFKA_V_* macros, named.
struct ProduceArgs {
  const char* topic = nullptr;
  int32_t partition = RD_KAFKA_PARTITION_UA;
  const void* key = nullptr;  // null: no key
  size_t key_size = 0;
  const void* value = nullptr;  // null: a tombstone
  size_t value_size = 0;
  int64_t timestamp = 0;  // 0: the producer's clock
  rd_kafka_headers_t* headers = nullptr;  // librdkafka owns them once Produce succeeds
  void* opaque = nullptr;  // the delivery report's msg_opaque
};

// rd_kafka_producev(producer, <args>, RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY)) through
// rd_kafka_produceva: the RD_KAFKA_V_* macros type-check their arguments with GNU statement
// expressions, which -Wpedantic rejects under Clang. Same error codes as rd_kafka_producev
// (RD_KAFKA_RESP_ERR__QUEUE_FULL when the local queue is full).
rd_kafka_resp_err_t Produce(rd_kafka_t* producer, const ProduceArgs& args);

// The cluster id, asked of the brokers within `timeout`. Unavailable when no broker answered.
// `security`: librdkafka settings of how to connect (security.protocol, ssl.*, sasl.*).
absl::StatusOr<std::string> FetchClusterId(const std::string& bootstrap_servers,
                                           absl::Duration timeout,
                                           const ConfigMap& security = {});

struct CommittedOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;  // the next offset the group will consume
};

// The offsets consumer group `group` has committed for the partitions of `topics` and, when
// `topics_regex` is not empty, of every topic whose whole name it matches (a sink's
// topics.regex; internal "__" topics excluded, as consumers exclude them). Partitions without a
// committed offset are left out. Asks with OffsetFetch, so it works on brokers that answer no
// admin calls (the embedded one). Unavailable when Kafka does not answer in time;
// InvalidArgument for a regex that does not compile. `security` as for FetchClusterId.
absl::StatusOr<std::vector<CommittedOffset>> FetchCommittedOffsets(
    const std::string& bootstrap_servers, const std::string& group,
    const std::vector<std::string>& topics, absl::Duration timeout,
    const std::string& topics_regex = "", const ConfigMap& security = {});

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_CLIENT_H_
