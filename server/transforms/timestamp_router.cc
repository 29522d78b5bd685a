// TimestampRouter (org.apache.kafka.connect.transforms.TimestampRouter): the topic becomes
// topic.format with ${topic} and ${timestamp} replaced, the record's timestamp formatted with
// timestamp.format (SimpleDateFormat, UTC).
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "sluice/sdk/java_text.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "server/convert/string_converter.h"
#include "server/transforms/builtins.h"
#include "server/transforms/transform_config.h"
#include "server/transforms/simple_date_format.h"

namespace sluice::transforms {
namespace {

std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

std::string SchemaText(const Schema* schema) {
  if (schema == nullptr) return "null";
  const std::string type(convert::JavaTypeName(schema->type()));
  if (!schema->name().empty()) return absl::StrCat("Schema{", schema->name(), ":", type, "}");
  return absl::StrCat("Schema{", type, "}");
}

// ConnectRecord.toString() (with SinkRecord's prefix for sink records). A source record's
// partition and offset are not visible to transforms in Sluice, so they print as null.
std::string RecordText(const ConnectRecord& r) {
  std::string headers = "ConnectHeaders(headers=";
  if (!r.headers.empty()) {
    headers += "[";
    for (size_t i = 0; i < r.headers.size(); ++i) {
      if (i > 0) headers += ", ";
      const Header& h = r.headers[i];
      absl::StrAppend(&headers, "ConnectHeader(key=", h.key, ", value=",
                      JavaToString(h.schema.get(), h.value),
                      ", schema=", SchemaText(h.schema.get()), ")");
    }
    headers += "]";
  }
  headers += ")";
  std::string base = absl::StrCat(
      "ConnectRecord{topic='", r.topic, "', kafkaPartition=",
      r.kafka_partition.has_value() ? std::to_string(*r.kafka_partition) : "null",
      ", key=", r.key.is_null() ? "null" : JavaToString(r.key_schema.get(), r.key),
      ", keySchema=", SchemaText(r.key_schema.get()), ", value=",
      r.value.is_null() ? "null" : JavaToString(r.value_schema.get(), r.value),
      ", valueSchema=", SchemaText(r.value_schema.get()), ", timestamp=",
      r.timestamp.has_value() ? std::to_string(*r.timestamp) : "null", ", headers=", headers,
      "}");
  if (r.is_sink()) {
    const char* type = r.timestamp_type == TimestampType::kCreateTime      ? "CreateTime"
                       : r.timestamp_type == TimestampType::kLogAppendTime ? "LogAppendTime"
                                                                           : "NoTimestampType";
    // Sluice's record does not keep the topic, partition and offset it was consumed with apart
    // from the current ones; they differ only after a transform reroutes the record.
    return absl::StrCat("SinkRecord{kafkaOffset=", *r.kafka_offset, ", timestampType=", type,
                        ", originalTopic=", r.topic, ", originalKafkaPartition=",
                        r.kafka_partition.has_value() ? std::to_string(*r.kafka_partition) : "null",
                        ", originalKafkaOffset=", *r.kafka_offset, "} ", base);
  }
  return absl::StrCat("SourceRecord{sourcePartition=null, sourceOffset=null} ", base);
}

class TimestampRouter final : public Transformation {
 public:
  TimestampRouter(std::string topic_format, absl::StatusOr<SimpleDateFormat> timestamp_format)
      : topic_format_(std::move(topic_format)), timestamp_format_(std::move(timestamp_format)) {}

  absl::StatusOr<bool> Apply(ConnectRecord& record) override {
    if (!record.timestamp.has_value()) {
      return convert::DataError(absl::StrCat("Timestamp missing on record: ", RecordText(record)));
    }
    // Java builds the SimpleDateFormat on first use, so a bad pattern fails here.
    if (!timestamp_format_.ok()) {
      return convert::JavaError(absl::StatusCode::kInvalidArgument,
                                "java.lang.IllegalArgumentException",
                                Sv(timestamp_format_.status().message()));
    }
    const std::string formatted = timestamp_format_->Format(*record.timestamp);
    std::string topic = absl::StrReplaceAll(topic_format_, {{"${topic}", record.topic}});
    record.topic = absl::StrReplaceAll(topic, {{"${timestamp}", formatted}});
    return true;
  }

 private:
  const std::string topic_format_;
  const absl::StatusOr<SimpleDateFormat> timestamp_format_;
};

ConfigDef TimestampRouterConfigDef() {
  ConfigDef def;
  def.Define({.name = "topic.format",
              .type = ConfigType::kString,
              .default_value = "${topic}-${timestamp}",
              .importance = ConfigImportance::kHigh,
              .documentation = "Format string which can contain <code>${topic}</code> and "
                               "<code>${timestamp}</code> as placeholders for the topic and "
                               "timestamp, respectively."});
  def.Define({.name = "timestamp.format",
              .type = ConfigType::kString,
              .default_value = "yyyyMMdd",
              .importance = ConfigImportance::kHigh,
              .documentation = "Format string for the timestamp that is compatible with "
                               "<code>java.text.SimpleDateFormat</code>."});
  return def;
}

}  // namespace

std::vector<TransformationClass> TimestampRouterClasses() {
  TransformationClass c;
  c.class_name = "org.apache.kafka.connect.transforms.TimestampRouter";
  c.version = SLUICE_TRANSFORMS_VERSION;
  c.config = TimestampRouterConfigDef();
  c.create = [](const ConfigMap& props) -> absl::StatusOr<std::unique_ptr<Transformation>> {
    absl::StatusOr<ParsedConfig> config = ParseTransformConfig(TimestampRouterConfigDef(), props);
    if (!config.ok()) return config.status();
    return std::unique_ptr<Transformation>(
        new TimestampRouter(config->GetString("topic.format"),
                            SimpleDateFormat::Create(config->GetString("timestamp.format"))));
  };
  return {std::move(c)};
}

}  // namespace sluice::transforms
