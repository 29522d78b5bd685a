// TimestampConverter$Key / $Value (org.apache.kafka.connect.transforms.TimestampConverter):
// converts a timestamp field, or the whole key or value, between Unix epoch numbers, formatted
// strings (SimpleDateFormat, UTC) and Connect's Date, Time and Timestamp.
//
// Kafka Connect carries Date/Time/Timestamp as java.util.Date. In Sluice a schemaless one is
// Value::Timestamp(millis) and a schema'd one its int32/int64 encoding under the logical schema.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "server/convert/java_hash_map.h"
#include "server/transforms/builtins.h"
#include "server/transforms/requirements.h"
#include "server/transforms/schema_cache.h"
#include "server/transforms/transform_config.h"
#include "server/transforms/simple_date_format.h"

namespace sluice::transforms {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }
std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

constexpr char kPurpose[] = "converting timestamp formats";
constexpr int64_t kMillisPerDay = 86400000;

enum class Kind { kString, kUnix, kDate, kTime, kTimestamp };
enum class Precision { kSeconds, kMillis, kMicros, kNanos };

std::optional<Kind> KindByName(std::string_view name) {
  if (name == "string") return Kind::kString;
  if (name == "unix") return Kind::kUnix;
  if (name == "Date") return Kind::kDate;
  if (name == "Time") return Kind::kTime;
  if (name == "Timestamp") return Kind::kTimestamp;
  return std::nullopt;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// TimeUnit's conversions: toward zero when dividing, saturating when multiplying.
int64_t Saturate(int64_t v, int64_t factor) {
  if (v > std::numeric_limits<int64_t>::max() / factor) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min() / factor) return std::numeric_limits<int64_t>::min();
  return v * factor;
}

std::string SchemaText(const Schema& schema) {
  const std::string type(convert::JavaTypeName(schema.type()));
  if (!schema.name().empty()) return absl::StrCat("Schema{", schema.name(), ":", type, "}");
  return absl::StrCat("Schema{", type, "}");
}

absl::Status ConnectError(std::string_view message) {
  return convert::JavaError(absl::StatusCode::kInvalidArgument, convert::kConnectExceptionClass,
                            message);
}

struct Options {
  std::string field;
  Kind target;
  std::optional<SimpleDateFormat> format;
  Precision precision;
  bool replace_null_with_default;
};

class TimestampConverter final : public Transformation {
 public:
  TimestampConverter(bool key, Options options) : key_(key), o_(std::move(options)) {}

  absl::StatusOr<bool> Apply(ConnectRecord& record) override {
    SchemaPtr& schema = key_ ? record.key_schema : record.value_schema;
    Value& value = key_ ? record.key : record.value;
    if (schema == nullptr) {
      absl::StatusOr<Value> updated = ApplySchemaless(value);
      if (!updated.ok()) return updated.status();
      value = *std::move(updated);
      return true;
    }
    if (o_.field.empty()) {
      absl::StatusOr<Kind> from = KindFromSchema(*schema);
      if (!from.ok()) return from.status();
      absl::StatusOr<Value> converted = Convert(value, *from);
      if (!converted.ok()) return converted.status();
      schema = TypeSchema(o_.target, schema->optional());
      value = *std::move(converted);
      return true;
    }
    if (!value.is_null()) {
      absl::StatusOr<const Struct*> s = RequireStruct(value, kPurpose);
      if (!s.ok()) return s.status();
    }
    absl::StatusOr<SchemaPtr> updated_schema = UpdatedSchema(schema);
    if (!updated_schema.ok()) return updated_schema.status();
    if (!value.is_null()) {
      absl::StatusOr<Value> updated = ApplyToStruct(value.struct_value(), *updated_schema);
      if (!updated.ok()) return updated.status();
      value = *std::move(updated);
    }
    schema = *updated_schema;
    return true;
  }

 private:
  static SchemaPtr TypeSchema(Kind kind, bool optional) {
    switch (kind) {
      case Kind::kString: return optional ? Schema::OptionalString() : Schema::String();
      case Kind::kUnix: return optional ? Schema::OptionalInt64() : Schema::Int64();
      case Kind::kDate: {
        static const SchemaPtr required = SchemaBuilder::Date().BuildOrDie();
        static const SchemaPtr opt = SchemaBuilder::Date().Optional().BuildOrDie();
        return optional ? opt : required;
      }
      case Kind::kTime: {
        static const SchemaPtr required = SchemaBuilder::Time().BuildOrDie();
        static const SchemaPtr opt = SchemaBuilder::Time().Optional().BuildOrDie();
        return optional ? opt : required;
      }
      case Kind::kTimestamp: {
        static const SchemaPtr required = SchemaBuilder::Timestamp().BuildOrDie();
        static const SchemaPtr opt = SchemaBuilder::Timestamp().Optional().BuildOrDie();
        return optional ? opt : required;
      }
    }
    return nullptr;
  }

  // timestampTypeFromSchema.
  static absl::StatusOr<Kind> KindFromSchema(const Schema& schema) {
    if (schema.name() == kTimestampLogicalName) return Kind::kTimestamp;
    if (schema.name() == kDateLogicalName) return Kind::kDate;
    if (schema.name() == kTimeLogicalName) return Kind::kTime;
    if (schema.type() == SchemaType::kString) return Kind::kString;
    if (schema.type() == SchemaType::kInt64) return Kind::kUnix;
    return ConnectError(absl::StrCat("Schema ", SchemaText(schema),
                                     " does not correspond to a known timestamp type format"));
  }

  // The translator's toRaw: epoch millis of a value of `from`, as Java's java.util.Date. With a
  // schema, Date/Time/Timestamp values arrive as their encodings.
  absl::StatusOr<int64_t> ToRaw(const Value& v, Kind from, bool schemaless) const {
    switch (from) {
      case Kind::kString: {
        if (v.kind() != Value::Kind::kString) {
          return convert::DataError(
              absl::StrCat("Expected string timestamp to be a String, but found ",
                           Av(convert::JavaClassName(v.kind()))));
        }
        if (!o_.format.has_value()) {
          return convert::JavaError(
              absl::StatusCode::kInvalidArgument, "java.lang.NullPointerException",
              "Cannot invoke \"java.text.SimpleDateFormat.parse(String)\" because "
              "\"config.format\" is null");
        }
        absl::StatusOr<int64_t> millis = o_.format->Parse(v.string());
        if (!millis.ok()) {
          return convert::DataError(
              absl::StrCat("Could not parse timestamp: value (", v.string(),
                           ") does not match pattern (", o_.format->pattern(), ")"),
              absl::StrCat("java.text.ParseException: ", millis.status().message()));
        }
        return *millis;
      }
      case Kind::kUnix: {
        if (v.kind() != Value::Kind::kInt64) {
          return convert::DataError(
              absl::StrCat("Expected Unix timestamp to be a Long, but found ",
                           Av(convert::JavaClassName(v.kind()))));
        }
        const int64_t t = v.integer();
        switch (o_.precision) {
          case Precision::kSeconds: return Saturate(t, 1000);
          case Precision::kMicros: return t / 1000;
          case Precision::kNanos: return t / 1000000;
          case Precision::kMillis: return t;
        }
        return t;
      }
      case Kind::kDate:
      case Kind::kTime:
      case Kind::kTimestamp: {
        const char* what = from == Kind::kDate ? "Date" : from == Kind::kTime ? "Time" : "Timestamp";
        if (schemaless) {
          if (v.kind() != Value::Kind::kTimestamp) {
            return convert::DataError(absl::StrCat("Expected ", what,
                                                   " to be a java.util.Date, but found ",
                                                   Av(convert::JavaClassName(v.kind()))));
          }
          return v.timestamp_millis();
        }
        if (!v.is_integer()) {
          return convert::DataError(absl::StrCat("Expected ", what,
                                                 " to be a java.util.Date, but found ",
                                                 Av(convert::JavaClassName(v.kind()))));
        }
        return from == Kind::kDate ? v.integer() * kMillisPerDay : v.integer();
      }
    }
    return absl::InternalError("unknown timestamp kind");
  }

  // The translator's toType; `schemaless` picks java.util.Date or the logical encoding.
  Value ToType(int64_t millis, bool schemaless) const {
    switch (o_.target) {
      case Kind::kString: return Value::String(o_.format->Format(millis));
      case Kind::kUnix:
        switch (o_.precision) {
          case Precision::kSeconds: return Value::Int64(millis / 1000);
          case Precision::kMicros: return Value::Int64(Saturate(millis, 1000));
          case Precision::kNanos: return Value::Int64(Saturate(millis, 1000000));
          case Precision::kMillis: return Value::Int64(millis);
        }
        return Value::Int64(millis);
      case Kind::kDate: {
        const int64_t days = FloorDiv(millis, kMillisPerDay);
        return schemaless ? Value::Timestamp(days * kMillisPerDay)
                          : Value::Int32(static_cast<int32_t>(days));
      }
      case Kind::kTime: {
        const int64_t of_day = millis - FloorDiv(millis, kMillisPerDay) * kMillisPerDay;
        return schemaless ? Value::Timestamp(of_day) : Value::Int32(static_cast<int32_t>(of_day));
      }
      case Kind::kTimestamp:
        return schemaless ? Value::Timestamp(millis) : Value::Int64(millis);
    }
    return Value();
  }

  // convertTimestamp with a known source kind (schema'd).
  absl::StatusOr<Value> Convert(const Value& v, Kind from) const {
    if (v.is_null()) return Value();
    absl::StatusOr<int64_t> raw = ToRaw(v, from, /*schemaless=*/false);
    if (!raw.ok()) return raw.status();
    return ToType(*raw, /*schemaless=*/false);
  }

  // convertTimestamp inferring the source kind from the Java object (schemaless).
  absl::StatusOr<Value> ConvertInferred(const Value& v) const {
    if (v.is_null()) return Value();
    Kind from;
    if (v.kind() == Value::Kind::kTimestamp) {
      from = Kind::kTimestamp;
    } else if (v.kind() == Value::Kind::kInt64) {
      from = Kind::kUnix;
    } else if (v.kind() == Value::Kind::kString) {
      from = Kind::kString;
    } else {
      return convert::DataError(absl::StrCat("TimestampConverter does not support ",
                                             Av(convert::JavaClassName(v.kind())),
                                             " objects as timestamps"));
    }
    absl::StatusOr<int64_t> raw = ToRaw(v, from, /*schemaless=*/true);
    if (!raw.ok()) return raw.status();
    return ToType(*raw, /*schemaless=*/true);
  }

  absl::StatusOr<Value> ApplySchemaless(const Value& value) const {
    if (value.is_null() || o_.field.empty()) return ConvertInferred(value);
    absl::StatusOr<const std::vector<MapEntry>*> map = RequireMap(value, kPurpose);
    if (!map.ok()) return map.status();
    const Value* original = value.Find(o_.field);
    absl::StatusOr<Value> converted = ConvertInferred(original == nullptr ? Value() : *original);
    if (!converted.ok()) return converted.status();
    // new HashMap<>(value), then put(field, converted).
    std::vector<MapEntry> entries = **map;
    bool replaced = false;
    for (MapEntry& e : entries) {
      if (e.key.kind() == Value::Kind::kString && e.key.string() == o_.field) {
        e.value = *converted;
        replaced = true;
        break;
      }
    }
    if (!replaced) entries.push_back({Value::String(o_.field), *std::move(converted)});
    convert::OrderAsJavaHashMap(entries, convert::JavaHashMapCapacity::CopyOf((*map)->size()));
    return Value::Map(std::move(entries));
  }

  absl::StatusOr<Value> ApplyToStruct(const Struct& in, const SchemaPtr& updated_schema) const {
    Struct out(updated_schema);
    const std::vector<Field>& fields = in.schema()->fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      const Field& field = fields[i];
      Value v = o_.replace_null_with_default ? in.Get(field.name) : in.values()[i];
      if (field.name == o_.field) {
        absl::StatusOr<Kind> from = KindFromSchema(*field.schema);
        if (!from.ok()) return from.status();
        absl::StatusOr<Value> converted = Convert(v, *from);
        if (!converted.ok()) return converted.status();
        v = *std::move(converted);
      }
      absl::Status put = out.Put(field.name, std::move(v));
      if (!put.ok()) return convert::DataError(Sv(put.message()));
    }
    return Value::FromStruct(std::move(out));
  }

  absl::StatusOr<SchemaPtr> UpdatedSchema(const SchemaPtr& schema) {
    if (SchemaPtr cached = cache_.Get(schema)) return cached;
    SchemaBuilder builder = SchemaBuilder::Struct();
    if (!schema->name().empty()) builder.Name(schema->name());
    if (schema->version().has_value()) builder.Version(*schema->version());
    if (!schema->doc().empty()) builder.Doc(schema->doc());
    for (const auto& [k, v] : schema->parameters()) builder.Parameter(k, v);
    for (const Field& field : schema->fields()) {
      if (field.name == o_.field) {
        builder.Field(field.name, TypeSchema(o_.target, field.schema->optional()));
      } else {
        builder.Field(field.name, field.schema);
      }
    }
    if (schema->optional()) builder.Optional();
    if (schema->default_value() != nullptr &&
        schema->default_value()->kind() == Value::Kind::kStruct) {
      absl::StatusOr<SchemaPtr> without_default = builder.Build();
      if (!without_default.ok()) return convert::DataError(Sv(without_default.status().message()));
      absl::StatusOr<Value> d =
          ApplyToStruct(schema->default_value()->struct_value(), *without_default);
      if (!d.ok()) return d.status();
      builder.Default(*std::move(d));
    }
    absl::StatusOr<SchemaPtr> built = builder.Build();
    if (!built.ok()) return convert::DataError(Sv(built.status().message()));
    cache_.Put(schema, *built);
    return *built;
  }

  const bool key_;
  const Options o_;
  SchemaCache cache_;
};

constexpr char kReplaceNullDoc[] =
    "Whether to replace fields that have a default value and that are null to the default value. "
    "When set to true, the default value is used, otherwise null is used.";

ConfigDef TimestampConverterConfigDef() {
  ConfigDef def;
  def.Define({.name = "field",
              .type = ConfigType::kString,
              .default_value = "",
              .importance = ConfigImportance::kHigh,
              .documentation =
                  "The field containing the timestamp, or empty if the entire value is a "
                  "timestamp"});
  def.Define({.name = "target.type",
              .type = ConfigType::kString,
              .validator = validators::OneOf({"string", "unix", "Date", "Time", "Timestamp"}),
              .validator_doc = "[string, unix, Date, Time, Timestamp]",
              .importance = ConfigImportance::kHigh,
              .documentation =
                  "The desired timestamp representation: string, unix, Date, Time, or Timestamp"});
  def.Define({.name = "format",
              .type = ConfigType::kString,
              .default_value = "",
              .importance = ConfigImportance::kMedium,
              .documentation =
                  "A SimpleDateFormat-compatible format for the timestamp. Used to generate the "
                  "output when type=string or used to parse the input if the input is a string."});
  def.Define({.name = "unix.precision",
              .type = ConfigType::kString,
              .default_value = "milliseconds",
              .validator = validators::OneOf(
                  {"nanoseconds", "microseconds", "milliseconds", "seconds"}),
              .validator_doc = "[nanoseconds, microseconds, milliseconds, seconds]",
              .importance = ConfigImportance::kLow,
              .documentation =
                  "The desired Unix precision for the timestamp: seconds, milliseconds, "
                  "microseconds, or nanoseconds. Used to generate the output when type=unix or "
                  "used to parse the input if the input is a Long.Note: This SMT will cause "
                  "precision loss during conversions from, and to, values with sub-millisecond "
                  "components."});
  def.Define({.name = "replace.null.with.default",
              .type = ConfigType::kBoolean,
              .default_value = "true",
              .importance = ConfigImportance::kMedium,
              .documentation = kReplaceNullDoc});
  return def;
}

// Utils.isBlank: null, or only whitespace (Character.isWhitespace, ASCII here).
bool IsBlank(const std::string& s) {
  for (char c : s) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

TransformationClass TimestampConverterClass(bool key) {
  TransformationClass c;
  c.class_name = key ? "org.apache.kafka.connect.transforms.TimestampConverter$Key"
                     : "org.apache.kafka.connect.transforms.TimestampConverter$Value";
  c.version = SLUICE_TRANSFORMS_VERSION;
  c.config = TimestampConverterConfigDef();
  c.create = [key](const ConfigMap& props) -> absl::StatusOr<std::unique_ptr<Transformation>> {
    absl::StatusOr<ParsedConfig> config = ParseTransformConfig(TimestampConverterConfigDef(), props);
    if (!config.ok()) return config.status();
    Options o;
    o.field = config->GetString("field");
    o.target = *KindByName(config->GetString("target.type"));
    const std::string pattern = config->GetString("format");
    const std::string precision = config->GetString("unix.precision");
    o.precision = precision == "seconds"        ? Precision::kSeconds
                  : precision == "microseconds" ? Precision::kMicros
                  : precision == "nanoseconds"  ? Precision::kNanos
                                                : Precision::kMillis;
    o.replace_null_with_default = config->GetBool("replace.null.with.default");
    if (o.target == Kind::kString && IsBlank(pattern)) {
      return convert::ConfigError(
          "TimestampConverter requires format option to be specified when using string "
          "timestamps");
    }
    if (!IsBlank(pattern)) {
      absl::StatusOr<SimpleDateFormat> format = SimpleDateFormat::Create(pattern);
      if (!format.ok()) {
        // new ConfigException(message, cause): "Invalid value <cause> for configuration <msg>".
        return convert::ConfigError(absl::StrCat(
            "Invalid value java.lang.IllegalArgumentException: ", format.status().message(),
            " for configuration TimestampConverter requires a SimpleDateFormat-compatible "
            "pattern for string timestamps: ",
            pattern));
      }
      o.format = *std::move(format);
    }
    return std::unique_ptr<Transformation>(new TimestampConverter(key, std::move(o)));
  };
  return c;
}

}  // namespace

std::vector<TransformationClass> TimestampConverterClasses() {
  return {TimestampConverterClass(true), TimestampConverterClass(false)};
}

}  // namespace sluice::transforms
