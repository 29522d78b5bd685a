// The per-task record pipeline: everything the worker does to a record between the plugin's
// stream and librdkafka, under one ErrorHandler (DESIGN §2: converters, transforms, predicates,
// error handling and the dead letter queue run once, in the worker).
//
//   source:  SourceRecord --transforms(+predicates)--> header converter, key converter,
//            value converter --> ProducerRecord (bytes)
//   sink:    consumed bytes --key converter, value converter, header converter--> SinkRecord
//            --transforms(+predicates)--> SinkRecord handed to the plugin
//
// Each stage runs under the task's ErrorHandler (retries, errors.tolerance, the error log, the
// dead letter queue). A record a transform drops, or whose failure is tolerated, comes out as
// nullopt; a failure that is not tolerated is the task's failure, with a trace naming the stage,
// the transform alias or converter class, the record and the Java exception.
//
// Thread-compatible: owned and used by one task runner thread.
#ifndef SLUICE_SERVER_RUNTIME_RECORD_PIPELINE_H_
#define SLUICE_SERVER_RUNTIME_RECORD_PIPELINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/config/connector_config.h"
#include "server/config/worker_config.h"
#include "server/convert/converter.h"
#include "server/convert/header_converter.h"
#include "server/kafka/topic_admin.h"
#include "server/runtime/dead_letter_queue.h"
#include "server/runtime/error_handler.h"
#include "server/transforms/transformation.h"
#include "sluice/sdk/records.h"

namespace sluice::runtime {

// A source record converted for the producer.
struct ProducerRecord {
  std::string topic;
  std::optional<int32_t> partition;
  std::optional<std::string> key;    // nullopt: a null key
  std::optional<std::string> value;  // nullopt: a null value (tombstone)
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::optional<int64_t> timestamp;
};

class RecordPipeline {
 public:
  struct Options {
    std::string connector;
    int task = 0;
    const config::ConnectorConfig* connector_config = nullptr;  // outlives the pipeline
    const config::WorkerConfig* worker = nullptr;                // outlives the pipeline
    // For the dead letter queue, when the connector has one: its producer's settings and the
    // admin client that creates its topic (may be null).
    ConfigMap dlq_producer_settings;
    kafka::TopicAdmin* dlq_admin = nullptr;
    // Notified when the task stops: ends retries (outlives the pipeline; may be null).
    absl::Notification* stop = nullptr;
    // Tests: how the error handler waits between retries.
    ErrorHandler::Sleeper retry_sleeper;
    // The task's metrics (error handling, dead letter queue); may be null.
    metrics::TaskMetrics* metrics = nullptr;
  };

  // Builds the converters, the transform chain (Transformation.configure of each, with its
  // predicate), the error handler and its reporters. Errors, as Kafka Connect reports them when a
  // task starts: an unknown class, a ConfigException of a transform or converter
  // ("org.apache.kafka.common.config.ConfigException: ..."), a DLQ topic that cannot be created.
  static absl::StatusOr<std::unique_ptr<RecordPipeline>> Create(Options options);

  // Source: transforms, then the header, key and value converters. nullopt: the record was
  // dropped (by a transform, or a tolerated failure; its DLQ copy is on its way).
  absl::StatusOr<std::optional<ProducerRecord>> ProcessSource(SourceRecord record);

  // Sink: the key, value and header converters, then the transforms. `message` must stay valid
  // until the plugin has answered the batch (errant records refer to it).
  absl::StatusOr<std::optional<SinkRecord>> ProcessSink(const rd_kafka_message_t& message);

  // A record the sink plugin reported as errant (stage TASK_PUT): to the error log and the DLQ
  // with its original bytes; OK when tolerated, else the task's failure. `error` is the plugin's
  // message.
  absl::Status ReportErrant(const rd_kafka_message_t& original, std::string_view error);
  // The same for an errant record whose consumed original is gone (reported after its batch
  // was answered): as Kafka Connect does, the record is converted back to bytes with the task's
  // converters for the DLQ.
  absl::Status ReportErrant(const SinkRecord& record, std::string_view error);

  // A failure to produce a source record (stage KAFKA_PRODUCE), as librdkafka reported it
  // (Kafka Connect's producerSendFailed for a send that failed in the producer's callback): with
  // errors.tolerance=all it is reported (error log, dead letter queue) and OK is returned, the
  // record is skipped; otherwise nothing is reported and the task's failure is returned:
  // "org.apache.kafka.connect.errors.ConnectException: Unrecoverable exception from producer
  // send callback" caused by `error` (its Java exception text).
  absl::Status ReportProduceFailure(const SourceRecord* original, const absl::Status& error);

  // Waits until every report to the dead letter queue is durable. OK without a DLQ.
  absl::Status FlushReports(absl::Duration timeout);

  bool has_transforms() const { return !stages_.empty(); }
  // Whether a failed source record needs its original kept (a DLQ or a log with messages).
  bool keeps_source_originals() const { return keep_originals_; }

 private:
  struct Stage {
    std::string alias;
    std::string label;  // "transform '<alias>'"
    const transforms::TransformationClass* cls = nullptr;
    std::unique_ptr<transforms::Transformation> transformation;
    std::unique_ptr<transforms::Predicate> predicate;  // may be null
    bool negate = false;
  };
  struct ConverterSlot {
    std::unique_ptr<convert::Converter> converter;
    std::string class_name;  // the Java class name, for reports
  };

  explicit RecordPipeline(Options options) : options_(std::move(options)) {}

 public:
  // Records (and bytes of their serialized keys and values) that came out of the converters
  // and out of the transform chain since the last call, for the task's stage metrics: plain
  // counters on the runner thread, handed to the metrics once per batch.
  struct StageCounts {
    int64_t converted_records = 0;
    int64_t converted_bytes = 0;
    int64_t transformed_records = 0;
  };
  StageCounts TakeStageCounts() { return std::exchange(stage_counts_, StageCounts{}); }

 private:

  // Runs the transform chain on `record`; false when dropped (or failed and tolerated).
  absl::StatusOr<bool> Transform(transforms::ConnectRecord& record,
                                 const OriginalRecord& original);

  Options options_;
  std::vector<Stage> stages_;
  ConverterSlot key_;
  ConverterSlot value_;
  std::unique_ptr<convert::HeaderConverter> header_converter_;
  std::string header_converter_class_;
  DeadLetterQueueReporter* dlq_ = nullptr;  // owned by errors_
  std::unique_ptr<ErrorHandler> errors_;
  bool keep_originals_ = false;
  StageCounts stage_counts_;
};

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_RECORD_PIPELINE_H_
