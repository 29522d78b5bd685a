// Internal to server/kafka: the plumbing of one librdkafka admin call (a client with the
// caller's connection settings, a result queue, options with a timeout), shared by the consumer
// group and topic calls.
//
// Thread-compatible: one call, one thread.
#ifndef SLUICE_SERVER_KAFKA_ADMIN_CALL_H_
#define SLUICE_SERVER_KAFKA_ADMIN_CALL_H_

#include <memory>

#include <librdkafka/rdkafka.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/kafka/client.h"

namespace sluice::kafka {

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using Queue = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using Event = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using AdminOptions = std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

// The timeout as librdkafka's milliseconds, kept within 1 ms .. 1 h.
int Millis(absl::Duration d);

// A client for admin calls, with the caller's connection settings. A consumer handle accepts
// the consumer settings callers pass; without group.id it joins nothing.
absl::StatusOr<KafkaHandle> NewAdminClient(ConfigMap settings);

// Everything one admin call needs: a client, a result queue and options with the timeout.
struct AdminCall {
  KafkaHandle rk;
  Queue queue;
  AdminOptions options;
  int timeout_ms = 0;

  static absl::StatusOr<AdminCall> Create(const ConfigMap& settings, rd_kafka_admin_op_t op,
                                          absl::Duration timeout);
  // The result event; DeadlineExceeded when none came, the request-level error otherwise.
  absl::StatusOr<Event> Wait(absl::string_view what);
};

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_ADMIN_CALL_H_
