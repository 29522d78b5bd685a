#include "server/runtime/dead_letter_queue.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "formats/schemaless_json.h"
#include "server/convert/connect_exception.h"
#include "server/kafka/errors.h"

namespace sluice::runtime {
namespace {

constexpr char kHeaderPrefix[] = "__connect.errors.";

void AddHeader(rd_kafka_headers_t* headers, std::string_view name,
               const std::optional<std::string>& value) {
  const std::string key = absl::StrCat(kHeaderPrefix, absl::string_view(name.data(), name.size()));
  rd_kafka_header_add(headers, key.data(), static_cast<ssize_t>(key.size()),
                      value.has_value() ? value->data() : nullptr,
                      value.has_value() ? value->size() : 0);
}

// What Throwable.printStackTrace writes, less the frames a C++ worker does not have: the
// exception's line, then its cause's.
std::string StackTraceText(const absl::Status& error) {
  std::string text = absl::StrCat(convert::JavaExceptionText(error), "\n");
  if (std::string cause = convert::JavaExceptionCause(error); !cause.empty()) {
    absl::StrAppend(&text, "Caused by: ", cause, "\n");
  }
  return text;
}

// A source record as schemaless JSON (the DLQ value Sluice writes for sources).
std::string SourceRecordJson(const SourceRecord& r) {
  std::vector<Value> headers;
  for (const Header& h : r.headers) {
    headers.push_back(Value::Map({{Value::String("key"), Value::String(h.key)},
                                  {Value::String("value"), h.value}}));
  }
  auto optional_int = [](const auto& v) -> Value {
    return v.has_value() ? Value::Int64(*v) : Value();
  };
  Value record = Value::Map({
      {Value::String("topic"), Value::String(r.topic)},
      {Value::String("kafkaPartition"), optional_int(r.partition)},
      {Value::String("key"), r.key},
      {Value::String("value"), r.value},
      {Value::String("timestamp"), optional_int(r.timestamp_ms)},
      {Value::String("headers"), Value::Array(std::move(headers))},
      {Value::String("sourcePartition"), r.source_partition},
      {Value::String("sourceOffset"), r.source_offset},
  });
  return formats::SerializeSchemaless(record);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DeadLetterQueueReporter>> DeadLetterQueueReporter::Create(
    Options options) {
  const std::string topic = options.errors->dlq_topic;
  if (options.admin != nullptr) {
    kafka::NewTopic new_topic;
    new_topic.name = topic;
    new_topic.partitions = 1;
    new_topic.replication_factor = options.errors->dlq_replication_factor;
    absl::StatusOr<kafka::TopicAdmin::Outcome> created =
        options.admin->Create(new_topic, options.admin_timeout);
    if (!created.ok()) {
      return absl::Status(created.status().code(),
                          absl::StrCat("Could not initialize dead letter queue with topic=",
                                       topic, ": ", created.status().message()));
    }
    if (*created == kafka::TopicAdmin::Outcome::kCreated) {
      spdlog::info("Created dead letter queue topic {} (1 partition, replication factor {})",
                   topic, options.errors->dlq_replication_factor);
    }
  }
  ConfigMap settings = options.producer_settings;
  settings.try_emplace("client.id",
                       absl::StrCat("connector-dlq-producer-", options.connector, "-", options.task));
  absl::StatusOr<rd_kafka_conf_t*> conf = kafka::NewConf(settings);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_dr_msg_cb(*conf, &DeadLetterQueueReporter::OnDelivery);
  // The opaque is set once the reporter exists: librdkafka only calls back from rd_kafka_poll,
  // which runs on the reporter's thread after construction.
  absl::StatusOr<kafka::KafkaHandle> producer = kafka::NewClient(RD_KAFKA_PRODUCER, *conf);
  if (!producer.ok()) return producer.status();
  return std::unique_ptr<DeadLetterQueueReporter>(
      new DeadLetterQueueReporter(std::move(options), *std::move(producer)));
}

DeadLetterQueueReporter::DeadLetterQueueReporter(Options options, kafka::KafkaHandle producer)
    : options_(std::move(options)), topic_(options_.errors->dlq_topic),
      producer_(std::move(producer)) {}

DeadLetterQueueReporter::~DeadLetterQueueReporter() {
  if (producer_ != nullptr) {
    rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(producer_.get(), 0);
  }
}

void DeadLetterQueueReporter::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message,
                                         void* opaque) {
  auto* self = static_cast<DeadLetterQueueReporter*>(message->_private);
  (void)opaque;
  if (self == nullptr || message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  if (message->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
      message->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
    return;
  }
  spdlog::error("Could not produce message to dead letter queue. topic={}: {}", self->topic_,
                rd_kafka_err2str(message->err));
  if (self->options_.metrics != nullptr) {
    self->options_.metrics->RecordDeadLetterQueueProduceFailed();
  }
  if (self->delivery_error_.ok()) {
    self->delivery_error_ = absl::InternalError(
        absl::StrCat("Could not produce message to dead letter queue. topic=", self->topic_, ": ",
                     rd_kafka_err2str(message->err)));
  }
}

void DeadLetterQueueReporter::Report(const Failure& failure) {
  const config::ErrorHandlingConfig& errors = *options_.errors;
  const rd_kafka_message_t* consumed = failure.original.consumed;
  const SourceRecord* source = failure.original.source;
  const RebuiltRecord* rebuilt = failure.original.rebuilt;
  if (consumed == nullptr && source == nullptr && rebuilt == nullptr) return;  // nothing to write

  rd_kafka_headers_t* headers = nullptr;
  const void* key = nullptr;
  size_t key_size = 0;
  const void* value = nullptr;
  size_t value_size = 0;
  int64_t timestamp = 0;
  std::string source_json;
  if (consumed != nullptr) {
    key = consumed->key;
    key_size = consumed->key_len;
    value = consumed->payload;
    value_size = consumed->len;
    rd_kafka_headers_t* original_headers = nullptr;
    if (rd_kafka_message_headers(consumed, &original_headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        original_headers != nullptr) {
      headers = rd_kafka_headers_copy(original_headers);
    }
    rd_kafka_timestamp_type_t type;
    const int64_t ts = rd_kafka_message_timestamp(consumed, &type);
    if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts >= 0) timestamp = ts;
  } else if (rebuilt != nullptr) {
    if (rebuilt->key.has_value()) {
      key = rebuilt->key->data();
      key_size = rebuilt->key->size();
    }
    if (rebuilt->value.has_value()) {
      value = rebuilt->value->data();
      value_size = rebuilt->value->size();
    }
    headers = rd_kafka_headers_new(rebuilt->headers.size() + 10);
    for (const auto& [k, v] : rebuilt->headers) {
      rd_kafka_header_add(headers, k.data(), static_cast<ssize_t>(k.size()),
                          v.has_value() ? v->data() : nullptr, v.has_value() ? v->size() : 0);
    }
    if (rebuilt->timestamp.has_value() && *rebuilt->timestamp >= 0) timestamp = *rebuilt->timestamp;
  } else {
    source_json = SourceRecordJson(*source);
    value = source_json.data();
    value_size = source_json.size();
  }
  if (headers == nullptr) headers = rd_kafka_headers_new(errors.dlq_context_headers ? 10 : 0);
  if (options_.metrics != nullptr) options_.metrics->RecordDeadLetterQueueProduceRequest();

  if (errors.dlq_context_headers) {
    if (consumed != nullptr) {
      AddHeader(headers, "topic", std::string(rd_kafka_topic_name(consumed->rkt)));
      AddHeader(headers, "partition", absl::StrCat(consumed->partition));
      AddHeader(headers, "offset", absl::StrCat(consumed->offset));
    } else if (rebuilt != nullptr) {
      AddHeader(headers, "topic", rebuilt->topic);
      AddHeader(headers, "partition", absl::StrCat(rebuilt->partition));
      AddHeader(headers, "offset", absl::StrCat(rebuilt->offset));
    } else {
      AddHeader(headers, "topic", source->topic);
      if (source->partition.has_value()) {
        AddHeader(headers, "partition", absl::StrCat(*source->partition));
      }
    }
    AddHeader(headers, "connector.name", options_.connector);
    AddHeader(headers, "task.id", absl::StrCat(options_.task));
    AddHeader(headers, "stage", std::string(StageName(failure.context.stage)));
    AddHeader(headers, "class.name", std::string(failure.context.executing_class));
    AddHeader(headers, "exception.class.name", convert::JavaExceptionClass(failure.error));
    AddHeader(headers, "exception.message",
              failure.error.message().empty()
                  ? std::nullopt
                  : std::optional<std::string>(std::string(failure.error.message())));
    AddHeader(headers, "exception.stacktrace", StackTraceText(failure.error));
  }

  while (true) {
    rd_kafka_resp_err_t err = kafka::Produce(producer_.get(), {.topic = topic_.c_str(),
                                                               .key = key,
                                                               .key_size = key_size,
                                                               .value = value,
                                                               .value_size = value_size,
                                                               .timestamp = timestamp,
                                                               .headers = headers,
                                                               .opaque = this});
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;  // librdkafka owns `headers` now
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer_.get(), 50);
      continue;
    }
    rd_kafka_headers_destroy(headers);
    spdlog::error("Could not produce message to dead letter queue. topic={}: {}", topic_,
                  rd_kafka_err2str(err));
    if (options_.metrics != nullptr) options_.metrics->RecordDeadLetterQueueProduceFailed();
    if (delivery_error_.ok()) {
      delivery_error_ = absl::InternalError(
          absl::StrCat("Could not produce message to dead letter queue. topic=", topic_, ": ",
                       rd_kafka_err2str(err)));
    }
    break;
  }
  rd_kafka_poll(producer_.get(), 0);
}

absl::Status DeadLetterQueueReporter::Flush(absl::Duration timeout) {
  rd_kafka_resp_err_t err =
      rd_kafka_flush(producer_.get(), static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  rd_kafka_poll(producer_.get(), 0);
  if (!delivery_error_.ok()) return delivery_error_;
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    return absl::DeadlineExceededError(
        absl::StrCat("Records for the dead letter queue topic ", topic_,
                     " were not acknowledged by Kafka within ", absl::FormatDuration(timeout)));
  }
  return absl::OkStatus();
}

}  // namespace sluice::runtime
