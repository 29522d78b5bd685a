// The dead letter queue of one task (errors.deadletterqueue.*): Kafka Connect's
// DeadLetterQueueReporter. Every failure the task's ErrorHandler sees is produced to the DLQ
// topic, tolerated or not:
// - sink records as they were consumed: the original key, value and header bytes and the
//   original timestamp, no partition chosen;
// - (Sluice's addition) source records as the plugin gave them, written as schemaless JSON:
//   {"topic":...,"kafkaPartition":...,"key":...,"value":...,"timestamp":...,"headers":[...],
//    "sourcePartition":...,"sourceOffset":...}, with a null key.
// With errors.deadletterqueue.context.headers.enable, Kafka Connect's __connect.errors.* headers
// are added (reference §5.2). The topic is created when missing, with 1 partition and
// errors.deadletterqueue.topic.replication.factor.
//
// Delivery: reports are produced asynchronously; Flush waits until Kafka has acknowledged every
// one. The task runner flushes before it commits offsets, so an offset is never committed past
// a failed record whose DLQ copy is not durable.
//
// Thread-compatible: used by one task runner thread.
#ifndef SLUICE_SERVER_RUNTIME_DEAD_LETTER_QUEUE_H_
#define SLUICE_SERVER_RUNTIME_DEAD_LETTER_QUEUE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/config/connector_config.h"
#include "server/kafka/client.h"
#include "server/kafka/topic_admin.h"
#include "server/runtime/error_handler.h"

namespace sluice::runtime {

class DeadLetterQueueReporter final : public ErrorReporter {
 public:
  struct Options {
    std::string connector;
    int task = 0;
    const config::ErrorHandlingConfig* errors = nullptr;  // outlives the reporter
    // The DLQ producer's settings (bootstrap.servers, the worker's producer.*, the connector's
    // producer.override.*).
    ConfigMap producer_settings;
    // Creates the topic when missing; may be null (the topic must exist or be auto-created).
    kafka::TopicAdmin* admin = nullptr;
    absl::Duration admin_timeout = absl::Seconds(30);
    // Counts deadletterqueue-produce-requests / -failures; may be null.
    metrics::TaskMetrics* metrics = nullptr;
  };

  // Ensures the topic and creates the producer. Errors: the topic could not be created ("Could
  // not initialize dead letter queue with topic=<topic>: ..."), a bad producer setting.
  static absl::StatusOr<std::unique_ptr<DeadLetterQueueReporter>> Create(Options options);
  ~DeadLetterQueueReporter() override;

  void Report(const Failure& failure) override;

  // Waits up to `timeout` for every report to be acknowledged. Internal when one could not be
  // written ("Could not produce message to dead letter queue. topic=<topic>: ..."),
  // DeadlineExceeded when Kafka did not acknowledge them in time.
  absl::Status Flush(absl::Duration timeout);

  const std::string& topic() const { return topic_; }

 private:
  DeadLetterQueueReporter(Options options, kafka::KafkaHandle producer);
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);

  const Options options_;
  const std::string topic_;
  kafka::KafkaHandle producer_;
  absl::Status delivery_error_;  // the first failed report, kept until Flush returns it
};

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_DEAD_LETTER_QUEUE_H_
