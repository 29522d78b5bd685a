#include "server/runtime/record_pipeline.h"

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"

namespace sluice::runtime {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr std::string_view kSinkTaskClass = "org.apache.kafka.connect.sink.SinkTask";
constexpr std::string_view kWorkerSourceTaskClass =
    "org.apache.kafka.connect.runtime.WorkerSourceTask";

// The canonical class name of a converter given by name or alias.
std::string ConverterClassName(std::string_view name) {
  for (const convert::ConverterClass& c : convert::BuiltinConverters()) {
    if (c.class_name == name) return c.class_name;
    for (const std::string& a : c.aliases) {
      if (a == name) return c.class_name;
    }
  }
  return std::string(name);
}

std::string HeaderConverterClassName(std::string_view name) {
  for (const convert::HeaderConverterClass& c : convert::BuiltinHeaderConverters()) {
    if (c.class_name == name) return c.class_name;
    for (const std::string& a : c.aliases) {
      if (a == name) return c.class_name;
    }
  }
  return std::string(name);
}

// How Kafka Connect reports a task whose setup threw: ConnectException wrapping the cause, whose
// toString() is the message.
// What a transformation's or predicate's configure() raises: Kafka Connect wraps it in
// ConnectException(cause), whose message is the cause's toString(), so the trace reads
// "ConnectException: <cause class>: <message>", where it happened, then the cause.
absl::Status SetupError(std::string_view what, const absl::Status& cause) {
  const std::string text = convert::JavaExceptionText(cause);
  return absl::Status(cause.code(), absl::StrCat(Av(convert::kConnectExceptionClass), ": ", text,
                                                 "\n\t", Av(what), "\nCaused by: ", text));
}

std::optional<std::string_view> Bytes(const void* data, size_t size) {
  if (data == nullptr) return std::nullopt;
  return std::string_view(static_cast<const char*>(data), size);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecordPipeline>> RecordPipeline::Create(Options options) {
  auto pipeline = std::unique_ptr<RecordPipeline>(new RecordPipeline(std::move(options)));
  RecordPipeline& p = *pipeline;
  const config::ConnectorConfig& connector = *p.options_.connector_config;
  const config::WorkerConfig& worker = *p.options_.worker;

  // Converters: the connector's own (with only its key.converter.* keys), else the worker's.
  auto make_converter = [&](const std::optional<config::ConverterOverride>& own,
                            const config::ConverterSetting& fallback, const char* key,
                            bool is_key, ConverterSlot& slot) -> absl::Status {
    const std::string& cls = own.has_value() ? own->class_name : fallback.class_name;
    const ConfigMap& props = own.has_value() ? own->config : fallback.config;
    absl::StatusOr<std::unique_ptr<convert::Converter>> c =
        convert::CreateConverter(cls, props, is_key);
    if (!c.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid value ", cls, " for configuration ",
                                                     key, ": ", c.status().message()));
    }
    slot.converter = *std::move(c);
    slot.class_name = ConverterClassName(cls);
    return absl::OkStatus();
  };
  if (absl::Status s = make_converter(connector.key_converter, worker.key_converter,
                                      "key.converter", true, p.key_);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = make_converter(connector.value_converter, worker.value_converter,
                                      "value.converter", false, p.value_);
      !s.ok()) {
    return s;
  }
  {
    const std::string& cls = connector.header_converter.has_value()
                                 ? connector.header_converter->class_name
                                 : worker.header_converter.class_name;
    const ConfigMap& props = connector.header_converter.has_value()
                                 ? connector.header_converter->config
                                 : worker.header_converter.config;
    absl::StatusOr<std::unique_ptr<convert::HeaderConverter>> h =
        convert::CreateHeaderConverter(cls, props);
    if (!h.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", cls, " for configuration header.converter: ", h.status().message()));
    }
    p.header_converter_ = *std::move(h);
    p.header_converter_class_ = HeaderConverterClassName(cls);
  }

  // The transform chain, each with its own predicate instance (Kafka Connect's
  // ConnectorConfig.transformationStages).
  for (const config::TransformSpec& spec : connector.transforms) {
    Stage stage;
    stage.alias = spec.alias;
    stage.label = absl::StrCat("transform '", spec.alias, "'");
    stage.cls = transforms::FindTransformation(spec.class_name);
    if (stage.cls == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", spec.class_name, " for configuration transforms.", spec.alias,
          ".type: Class ", spec.class_name, " could not be found."));
    }
    ConfigMap props = spec.config;
    props.erase("predicate");
    props.erase("negate");
    absl::StatusOr<std::unique_ptr<transforms::Transformation>> t = stage.cls->create(props);
    if (!t.ok()) return SetupError(absl::StrCat("Configuring ", stage.label), t.status());
    stage.transformation = *std::move(t);
    if (spec.predicate.has_value()) {
      const config::PredicateSpec* p_spec = connector.FindPredicate(*spec.predicate);
      const transforms::PredicateClass* p_cls =
          p_spec == nullptr ? nullptr : transforms::FindPredicate(p_spec->class_name);
      if (p_cls == nullptr) {
        return convert::ConfigError(absl::StrCat(
            "The predicate '", *spec.predicate, "' of ", stage.label,
            " is not defined: set predicates.", *spec.predicate,
            ".type to a predicate class and list it in predicates"));
      }
      absl::StatusOr<std::unique_ptr<transforms::Predicate>> pred = p_cls->create(p_spec->config);
      if (!pred.ok()) {
        return SetupError(absl::StrCat("Configuring predicate '", *spec.predicate, "'"),
                          pred.status());
      }
      stage.predicate = *std::move(pred);
      stage.negate = spec.negate;
    }
    p.stages_.push_back(std::move(stage));
  }

  // The error handler and its reporters: the log, then the dead letter queue.
  std::vector<std::unique_ptr<ErrorReporter>> reporters;
  const config::ErrorHandlingConfig& errors = connector.errors;
  const std::string task = absl::StrCat(p.options_.connector, "-", p.options_.task);
  if (errors.log_enable) reporters.push_back(NewLogReporter(task, errors));
  if (!errors.dlq_topic.empty()) {
    DeadLetterQueueReporter::Options dlq;
    dlq.connector = p.options_.connector;
    dlq.task = p.options_.task;
    dlq.errors = &errors;
    dlq.producer_settings = p.options_.dlq_producer_settings;
    dlq.admin = p.options_.dlq_admin;
    dlq.metrics = p.options_.metrics;
    absl::StatusOr<std::unique_ptr<DeadLetterQueueReporter>> reporter =
        DeadLetterQueueReporter::Create(std::move(dlq));
    if (!reporter.ok()) return reporter.status();
    p.dlq_ = reporter->get();
    reporters.push_back(*std::move(reporter));
  }
  p.keep_originals_ = !errors.dlq_topic.empty() || (errors.log_enable && errors.log_include_messages);
  p.errors_ = std::make_unique<ErrorHandler>(task, errors, std::move(reporters),
                                             p.options_.stop, p.options_.retry_sleeper);
  p.errors_->set_metrics(p.options_.metrics);
  return pipeline;
}

absl::StatusOr<bool> RecordPipeline::Transform(transforms::ConnectRecord& record,
                                               const OriginalRecord& original) {
  for (Stage& stage : stages_) {
    const StageContext context{runtime::Stage::kTransformation, stage.cls->class_name, stage.label};
    ErrorHandler::Outcome<bool> kept = errors_->Execute<bool>(
        context, original, [&]() -> absl::StatusOr<bool> {
          if (stage.predicate != nullptr) {
            absl::StatusOr<bool> test = stage.predicate->Test(record);
            if (!test.ok()) return test.status();
            if (*test == stage.negate) return true;  // the transform does not apply
          }
          return stage.transformation->Apply(record);
        });
    if (!kept.ok()) return kept.status();
    if (!kept->has_value() || !**kept) return false;
  }
  return true;
}

absl::StatusOr<std::optional<ProducerRecord>> RecordPipeline::ProcessSource(SourceRecord record) {
  std::optional<SourceRecord> kept_original;
  if (keep_originals_) kept_original = record;
  const OriginalRecord original{nullptr, kept_original.has_value() ? &*kept_original : nullptr};

  transforms::ConnectRecord r;
  r.topic = std::move(record.topic);
  r.kafka_partition = record.partition;
  r.key_schema = std::move(record.key_schema);
  r.key = std::move(record.key);
  r.value_schema = std::move(record.value_schema);
  r.value = std::move(record.value);
  r.timestamp = record.timestamp_ms;
  r.headers = std::move(record.headers);
  if (!stages_.empty()) {
    absl::StatusOr<bool> kept = Transform(r, original);
    if (!kept.ok()) return kept.status();
    if (!*kept) return std::nullopt;
  }
  ++stage_counts_.transformed_records;

  ProducerRecord out;
  using Headers = std::vector<std::pair<std::string, std::optional<std::string>>>;
  if (!r.headers.empty()) {
    ErrorHandler::Outcome<Headers> headers = errors_->Execute<Headers>(
        {runtime::Stage::kHeaderConverter, header_converter_class_, "the header converter"},
        original, [&]() -> absl::StatusOr<Headers> {
          Headers converted;
          converted.reserve(r.headers.size());
          for (const Header& h : r.headers) {
            absl::StatusOr<std::optional<std::string>> bytes =
                header_converter_->FromConnectHeader(r.topic, h.key, h.schema.get(), h.value);
            if (!bytes.ok()) return bytes.status();
            converted.emplace_back(h.key, *std::move(bytes));
          }
          return converted;
        });
    if (!headers.ok()) return headers.status();
    if (!headers->has_value()) return std::nullopt;
    out.headers = **std::move(headers);
  }
  using Bytes = std::optional<std::string>;
  ErrorHandler::Outcome<Bytes> key = errors_->Execute<Bytes>(
      {runtime::Stage::kKeyConverter, key_.class_name, "the key converter"}, original,
      [&] {
        return key_.converter->FromOwnedConnectData(r.topic, r.key_schema.get(), std::move(r.key));
      });
  if (!key.ok()) return key.status();
  if (!key->has_value()) return std::nullopt;
  ErrorHandler::Outcome<Bytes> value = errors_->Execute<Bytes>(
      {runtime::Stage::kValueConverter, value_.class_name, "the value converter"}, original,
      [&] {
        return value_.converter->FromOwnedConnectData(r.topic, r.value_schema.get(),
                                                      std::move(r.value));
      });
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;

  if (r.timestamp.has_value() && *r.timestamp < 0) {
    // ConnectUtils.checkAndConvertTimestamp: outside the error handler, the task fails.
    return absl::InvalidArgumentError(
        absl::StrCat("org.apache.kafka.common.InvalidRecordException: Invalid record timestamp ",
                     *r.timestamp));
  }
  ++stage_counts_.converted_records;
  stage_counts_.converted_bytes += static_cast<int64_t>(
      ((*key)->has_value() ? (*key)->value().size() : 0) +
      ((*value)->has_value() ? (*value)->value().size() : 0));
  out.topic = std::move(r.topic);
  out.partition = r.kafka_partition;
  out.key = **std::move(key);
  out.value = **std::move(value);
  out.timestamp = r.timestamp;
  return out;
}

absl::StatusOr<std::optional<SinkRecord>> RecordPipeline::ProcessSink(
    const rd_kafka_message_t& m) {
  const OriginalRecord original{&m, nullptr};
  const std::string_view topic = rd_kafka_topic_name(m.rkt);
  ErrorHandler::Outcome<convert::SchemaAndValue> key = errors_->Execute<convert::SchemaAndValue>(
      {runtime::Stage::kKeyConverter, key_.class_name, "the key converter"}, original,
      [&] { return key_.converter->ToConnectData(topic, Bytes(m.key, m.key_len)); });
  if (!key.ok()) return key.status();
  if (!key->has_value()) return std::nullopt;
  ErrorHandler::Outcome<convert::SchemaAndValue> value = errors_->Execute<convert::SchemaAndValue>(
      {runtime::Stage::kValueConverter, value_.class_name, "the value converter"}, original,
      [&] { return value_.converter->ToConnectData(topic, Bytes(m.payload, m.len)); });
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::nullopt;
  ++stage_counts_.converted_records;
  stage_counts_.converted_bytes += static_cast<int64_t>(m.key_len + m.len);

  transforms::ConnectRecord r;
  rd_kafka_headers_t* raw_headers = nullptr;
  if (rd_kafka_message_headers(&m, &raw_headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
      raw_headers != nullptr && rd_kafka_header_cnt(raw_headers) > 0) {
    ErrorHandler::Outcome<std::vector<Header>> headers = errors_->Execute<std::vector<Header>>(
        {runtime::Stage::kHeaderConverter, header_converter_class_, "the header converter"},
        original, [&]() -> absl::StatusOr<std::vector<Header>> {
          std::vector<Header> converted;
          converted.reserve(rd_kafka_header_cnt(raw_headers));
          const char* name;
          const void* data;
          size_t size;
          for (size_t i = 0;
               rd_kafka_header_get_all(raw_headers, i, &name, &data, &size) ==
               RD_KAFKA_RESP_ERR_NO_ERROR;
               ++i) {
            absl::StatusOr<convert::SchemaAndValue> v =
                header_converter_->ToConnectHeader(topic, name, Bytes(data, size));
            if (!v.ok()) return v.status();
            converted.push_back(Header{name, std::move(v->schema), std::move(v->value)});
          }
          return converted;
        });
    if (!headers.ok()) return headers.status();
    if (!headers->has_value()) return std::nullopt;
    r.headers = **std::move(headers);
  }

  r.topic = std::string(topic);
  r.kafka_partition = m.partition;
  r.kafka_offset = m.offset;
  r.key_schema = std::move((*key)->schema);
  r.key = std::move((*key)->value);
  r.value_schema = std::move((*value)->schema);
  r.value = std::move((*value)->value);
  rd_kafka_timestamp_type_t ts_type;
  const int64_t ts = rd_kafka_message_timestamp(&m, &ts_type);
  if (ts_type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
    r.timestamp_type = ts_type == RD_KAFKA_TIMESTAMP_CREATE_TIME ? TimestampType::kCreateTime
                                                                 : TimestampType::kLogAppendTime;
    if (ts >= 0) r.timestamp = ts;  // -1 is Kafka's "no timestamp"
  }
  if (!stages_.empty()) {
    absl::StatusOr<bool> kept = Transform(r, original);
    if (!kept.ok()) return kept.status();
    if (!*kept) return std::nullopt;
  }
  ++stage_counts_.transformed_records;

  SinkRecord out;
  out.topic = std::move(r.topic);
  out.partition = r.kafka_partition.value_or(m.partition);
  out.offset = r.kafka_offset.value_or(m.offset);
  out.key_schema = std::move(r.key_schema);
  out.key = std::move(r.key);
  out.value_schema = std::move(r.value_schema);
  out.value = std::move(r.value);
  out.headers = std::move(r.headers);
  out.timestamp_ms = r.timestamp;
  out.timestamp_type = r.timestamp_type;
  return out;
}

absl::Status RecordPipeline::ReportErrant(const rd_kafka_message_t& original,
                                          std::string_view error) {
  return errors_->Failed(
      Failure{{runtime::Stage::kTaskPut, kSinkTaskClass, "the sink task"},
              convert::JavaError(absl::StatusCode::kUnknown, convert::kConnectExceptionClass, error),
              OriginalRecord{&original, nullptr}});
}

absl::Status RecordPipeline::ReportErrant(const SinkRecord& record, std::string_view error) {
  RebuiltRecord rebuilt;
  rebuilt.topic = record.topic;
  rebuilt.partition = record.partition;
  rebuilt.offset = record.offset;
  rebuilt.timestamp = record.timestamp_ms;
  // As Kafka Connect's WorkerErrantRecordReporter does for a record it cannot trace back: the
  // task's converters turn it back into bytes (a record they cannot convert goes without them).
  if (absl::StatusOr<std::optional<std::string>> k =
          key_.converter->FromConnectData(record.topic, record.key_schema.get(), record.key);
      k.ok()) {
    rebuilt.key = *std::move(k);
  }
  if (absl::StatusOr<std::optional<std::string>> v =
          value_.converter->FromConnectData(record.topic, record.value_schema.get(), record.value);
      v.ok()) {
    rebuilt.value = *std::move(v);
  }
  for (const Header& h : record.headers) {
    absl::StatusOr<std::optional<std::string>> b =
        header_converter_->FromConnectHeader(record.topic, h.key, h.schema.get(), h.value);
    rebuilt.headers.emplace_back(h.key, b.ok() ? *std::move(b) : std::nullopt);
  }
  OriginalRecord original;
  original.rebuilt = &rebuilt;
  return errors_->Failed(Failure{
      {runtime::Stage::kTaskPut, kSinkTaskClass, "the sink task"},
      convert::JavaError(absl::StatusCode::kUnknown, convert::kConnectExceptionClass, error),
      original});
}

absl::Status RecordPipeline::ReportProduceFailure(const SourceRecord* original,
                                                  const absl::Status& error) {
  if (errors_->tolerates_all()) {
    return errors_->Failed(Failure{{runtime::Stage::kKafkaProduce, kWorkerSourceTaskClass, ""},
                                   error, OriginalRecord{nullptr, original}});
  }
  // WorkerSourceTask keeps the exception and fails the task with it before the next send; the
  // error handler does not see it.
  return absl::Status(error.code(),
                      absl::StrCat(Av(convert::kConnectExceptionClass),
                                   ": Unrecoverable exception from producer send callback\n"
                                   "Caused by: ",
                                   convert::JavaExceptionText(error)));
}

absl::Status RecordPipeline::FlushReports(absl::Duration timeout) {
  if (dlq_ == nullptr) return absl::OkStatus();
  return dlq_->Flush(timeout);
}

}  // namespace sluice::runtime
