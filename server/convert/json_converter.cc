#include "server/convert/json_converter.h"

#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "formats/base64.h"
#include "formats/schemaless_json.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "server/convert/java_hash_map.h"

namespace sluice::convert {

using formats::AppendJsonDouble;
using formats::AppendJsonFloat;
using formats::AppendJsonNode;
using formats::AppendJsonObject;
using formats::AppendJsonString;
using formats::AppendSchemalessJson;
using formats::Base64Decode;
using formats::Base64Encode;
using formats::FromSchemalessJson;
using formats::JsonNode;
using formats::JsonNodeTypeName;
using formats::StructsAndDates;

namespace {

constexpr char kSchemasEnable[] = "schemas.enable";
constexpr char kSchemasCacheSize[] = "schemas.cache.size";
constexpr char kDecimalFormat[] = "decimal.format";
constexpr char kReplaceNullWithDefault[] = "replace.null.with.default";
constexpr char kConverterType[] = "converter.type";

constexpr char kEnvelopeError[] =
    "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not "
    "contain additional fields. If you are trying to deserialize plain JSON data, set "
    "schemas.enable=false in your converter configuration.";

// Debian's Abseil has its own string_view; StrCat takes it, not std::string_view.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string_view JsonTypeName(SchemaType type) {
  switch (type) {
    case SchemaType::kInt8:
      return "int8";
    case SchemaType::kInt16:
      return "int16";
    case SchemaType::kInt32:
      return "int32";
    case SchemaType::kInt64:
      return "int64";
    case SchemaType::kFloat32:
      return "float";
    case SchemaType::kFloat64:
      return "double";
    case SchemaType::kBoolean:
      return "boolean";
    case SchemaType::kString:
      return "string";
    case SchemaType::kBytes:
      return "bytes";
    case SchemaType::kArray:
      return "array";
    case SchemaType::kMap:
      return "map";
    case SchemaType::kStruct:
      return "struct";
  }
  return "";
}

std::optional<SchemaType> SchemaTypeFromJsonName(std::string_view name) {
  static const std::pair<std::string_view, SchemaType> kNames[] = {
      {"boolean", SchemaType::kBoolean}, {"int8", SchemaType::kInt8},
      {"int16", SchemaType::kInt16},     {"int32", SchemaType::kInt32},
      {"int64", SchemaType::kInt64},     {"float", SchemaType::kFloat32},
      {"double", SchemaType::kFloat64},  {"bytes", SchemaType::kBytes},
      {"string", SchemaType::kString},   {"array", SchemaType::kArray},
      {"map", SchemaType::kMap},         {"struct", SchemaType::kStruct},
  };
  for (const auto& [n, t] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

enum class Logical { kNone, kDecimal, kDate, kTime, kTimestamp };

// The logical type of a schema, recognised by name on its base type.
Logical LogicalOf(const Schema& schema) {
  if (schema.name().empty()) return Logical::kNone;
  const std::string& name = schema.name();
  if (name == kDecimalLogicalName && schema.type() == SchemaType::kBytes) return Logical::kDecimal;
  if (name == kDateLogicalName && schema.type() == SchemaType::kInt32) return Logical::kDate;
  if (name == kTimeLogicalName && schema.type() == SchemaType::kInt32) return Logical::kTime;
  if (name == kTimestampLogicalName && schema.type() == SchemaType::kInt64) {
    return Logical::kTimestamp;
  }
  return Logical::kNone;
}

absl::StatusOr<int32_t> DecimalScale(const Schema& schema) {
  auto it = schema.parameters().find(std::string(kDecimalScaleParameter));
  if (it == schema.parameters().end()) {
    return DataError("Invalid Decimal schema: scale parameter not found.");
  }
  int32_t scale = 0;
  if (!absl::SimpleAtoi(it->second, &scale) || it->second.empty() ||
      absl::ascii_isspace(static_cast<unsigned char>(it->second.front())) ||
      absl::ascii_isspace(static_cast<unsigned char>(it->second.back()))) {
    return DataError(
        absl::StrCat("Invalid scale parameter found in Decimal schema: For input string: \"",
                     it->second, "\""));
  }
  return scale;
}

bool SameSchema(const Schema& a, const Schema& b) { return &a == &b || a.Equals(b); }

// Writes Connect data as JSON (JsonConverter.convertToJson).
class PayloadWriter {
 public:
  explicit PayloadWriter(const JsonConverterOptions& options) : options_(options) {}

  absl::Status Write(const Schema* schema, const Value& value, std::string* out) const {
    if (schema == nullptr) {
      // Kafka's converter refuses a Struct or a java.util.Date without a schema (DataException).
      absl::Status written = AppendSchemalessJson(value, StructsAndDates::kRefuse, out);
      if (!written.ok()) {
        return DataError(std::string_view(written.message().data(), written.message().size()));
      }
      return absl::OkStatus();
    }
    if (value.is_null()) {
      if (schema->default_value() != nullptr && options_.replace_null_with_default) {
        return Write(schema, *schema->default_value(), out);
      }
      if (schema->optional()) {
        out->append("null");
        return absl::OkStatus();
      }
      return DataError(
          "Conversion error: null value for field that is required and has no default value");
    }
    switch (LogicalOf(*schema)) {
      case Logical::kNone:
        break;
      case Logical::kDecimal:
        return WriteDecimal(*schema, value, out);
      case Logical::kDate:
        return WriteTimeLike("Date", Value::Kind::kInt32, value, out);
      case Logical::kTime:
        if (value.kind() == Value::Kind::kInt32 &&
            (value.integer() < 0 || value.integer() > 86400000)) {
          return DataError(
              "Kafka Connect Time type should not have any date fields set to non-zero values.");
        }
        return WriteTimeLike("Time", Value::Kind::kInt32, value, out);
      case Logical::kTimestamp:
        return WriteTimeLike("Timestamp", Value::Kind::kInt64, value, out);
    }

    const SchemaType type = schema->type();
    auto expect = [&](Value::Kind kind) -> absl::Status {
      if (value.kind() == kind) return absl::OkStatus();
      return DataError(absl::StrCat("Invalid type for ", Av(JavaTypeName(schema->type())), ": ",
                                    Av(JavaClassName(value.kind()))));
    };
    switch (type) {
      case SchemaType::kInt8:
      case SchemaType::kInt16:
      case SchemaType::kInt32:
      case SchemaType::kInt64: {
        static constexpr Value::Kind kKinds[] = {Value::Kind::kInt8, Value::Kind::kInt16,
                                                 Value::Kind::kInt32, Value::Kind::kInt64};
        if (absl::Status s = expect(kKinds[static_cast<int>(type) - static_cast<int>(SchemaType::kInt8)]);
            !s.ok()) {
          return s;
        }
        absl::StrAppend(out, value.integer());
        return absl::OkStatus();
      }
      case SchemaType::kFloat32:
        if (absl::Status s = expect(Value::Kind::kFloat32); !s.ok()) return s;
        AppendJsonFloat(static_cast<float>(value.floating()), out);
        return absl::OkStatus();
      case SchemaType::kFloat64:
        if (absl::Status s = expect(Value::Kind::kFloat64); !s.ok()) return s;
        AppendJsonDouble(value.floating(), out);
        return absl::OkStatus();
      case SchemaType::kBoolean:
        if (absl::Status s = expect(Value::Kind::kBoolean); !s.ok()) return s;
        out->append(value.boolean() ? "true" : "false");
        return absl::OkStatus();
      case SchemaType::kString:
        if (absl::Status s = expect(Value::Kind::kString); !s.ok()) return s;
        AppendJsonString(value.string(), out);
        return absl::OkStatus();
      case SchemaType::kBytes:
        if (absl::Status s = expect(Value::Kind::kBytes); !s.ok()) return s;
        out->push_back('"');
        out->append(Base64Encode(value.bytes()));
        out->push_back('"');
        return absl::OkStatus();
      case SchemaType::kArray: {
        if (absl::Status s = expect(Value::Kind::kArray); !s.ok()) return s;
        const Schema* element_schema = schema->value_schema().get();
        out->push_back('[');
        bool first = true;
        for (const Value& element : value.array()) {
          if (!first) out->push_back(',');
          first = false;
          if (absl::Status s = Write(element_schema, element, out); !s.ok()) return s;
        }
        out->push_back(']');
        return absl::OkStatus();
      }
      case SchemaType::kMap:
        if (absl::Status s = expect(Value::Kind::kMap); !s.ok()) return s;
        return WriteMap(*schema, value, out);
      case SchemaType::kStruct:
        return WriteStruct(*schema, value, out);
    }
    return absl::InternalError("unhandled schema type");
  }

 private:
  absl::Status WriteDecimal(const Schema& schema, const Value& value, std::string* out) const {
    if (value.kind() != Value::Kind::kBytes) {
      return DataError(absl::StrCat(
          "Invalid type for Decimal, expected BigDecimal but was ", Av(JavaClassName(value.kind()))));
    }
    absl::StatusOr<int32_t> scale = DecimalScale(schema);
    if (!scale.ok()) return scale.status();
    if (std::optional<int32_t> own = value.decimal_scale(); own.has_value() && *own != *scale) {
      // Decimal.fromLogical refuses a BigDecimal whose scale is not the schema's.
      return DataError("BigDecimal has mismatching scale value for given Decimal schema");
    }
    if (options_.decimal_format == DecimalFormat::kNumeric) {
      out->append(JavaBigDecimalToString(value.bytes(), *scale));
    } else {
      out->push_back('"');
      out->append(Base64Encode(MinimalTwosComplement(value.bytes())));
      out->push_back('"');
    }
    return absl::OkStatus();
  }

  static absl::Status WriteTimeLike(std::string_view logical, Value::Kind kind, const Value& value,
                                    std::string* out) {
    if (value.kind() != kind) {
      return DataError(absl::StrCat("Invalid type for ", Av(logical),
                                                     ", expected ", Av(logical), " but was ",
                                                     Av(JavaClassName(value.kind()))));
    }
    absl::StrAppend(out, value.integer());
    return absl::OkStatus();
  }

  // The object key a map key becomes (Jackson's asText() of the converted key).
  absl::StatusOr<std::string> KeyText(const Schema* key_schema, const Value& key) const {
    if (key.is_null()) {
      std::string text;
      if (absl::Status s = Write(key_schema, key, &text); !s.ok()) return s;
      if (text == "null") return text;
      // A default: its text without the JSON quotes.
      if (key_schema->default_value()->kind() == Value::Kind::kString) {
        return key_schema->default_value()->string();
      }
      return text;
    }
    if (key.kind() != Value::Kind::kString) {
      return DataError(
          absl::StrCat("Invalid type for STRING: ", Av(JavaClassName(key.kind()))));
    }
    return key.string();
  }

  absl::Status WriteMap(const Schema& schema, const Value& value, std::string* out) const {
    const std::vector<MapEntry>& entries = value.map();
    const Schema* key_schema = schema.key_schema().get();
    const Schema* value_schema = schema.value_schema().get();
    if (key_schema == nullptr) {
      // A MAP schema without a key schema (SchemaBuilder::MapOfNull, from Values): Java's
      // converter dereferences it.
      return JavaError(absl::StatusCode::kInvalidArgument, "java.lang.NullPointerException",
                       "Cannot invoke \"org.apache.kafka.connect.data.Schema.type()\" because "
                       "the return value of \"org.apache.kafka.connect.data.Schema.keySchema()"
                       "\" is null");
    }
    if (key_schema->type() != SchemaType::kString) {
      out->push_back('[');
      bool first = true;
      for (const MapEntry& e : entries) {
        if (!first) out->push_back(',');
        first = false;
        out->push_back('[');
        if (absl::Status s = Write(key_schema, e.key, out); !s.ok()) return s;
        out->push_back(',');
        if (absl::Status s = Write(value_schema, e.value, out); !s.ok()) return s;
        out->push_back(']');
      }
      out->push_back(']');
      return absl::OkStatus();
    }

    std::vector<std::string> keys;
    keys.reserve(entries.size());
    for (const MapEntry& e : entries) {
      absl::StatusOr<std::string> key = KeyText(key_schema, e.key);
      if (!key.ok()) return key.status();
      keys.push_back(*std::move(key));
    }
    return AppendJsonObject(
        keys, [&](size_t i, std::string* o) { return Write(value_schema, entries[i].value, o); },
        out);
  }

  absl::Status WriteStruct(const Schema& schema, const Value& value, std::string* out) const {
    if (value.kind() != Value::Kind::kStruct) {
      return DataError(
          absl::StrCat("Invalid type for STRUCT: ",
                       Av(JavaClassName(value.kind()))));
    }
    const Struct& s = value.struct_value();
    if (!SameSchema(*s.schema(), schema)) {
      return DataError("Mismatching schema.");
    }
    const std::vector<Field>& fields = schema.fields();
    out->push_back('{');
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendJsonString(fields[i].name, out);
      out->push_back(':');
      static const Value* const kNull = new Value();
      const Value& field_value = i < s.values().size() ? s.values()[i] : *kNull;
      if (absl::Status st = Write(fields[i].schema.get(), field_value, out); !st.ok()) return st;
    }
    out->push_back('}');
    return absl::OkStatus();
  }

  const JsonConverterOptions& options_;
};

absl::Status AppendSchemaJson(const PayloadWriter& writer, const Schema* schema,
                              const std::string* field_name, std::string* out) {
  if (schema == nullptr) {
    out->append("null");
    return absl::OkStatus();
  }
  out->append("{\"type\":\"");
  out->append(JsonTypeName(schema->type()));
  out->push_back('"');
  switch (schema->type()) {
    case SchemaType::kArray:
      out->append(",\"items\":");
      if (absl::Status s = AppendSchemaJson(writer, schema->value_schema().get(), nullptr, out);
          !s.ok()) {
        return s;
      }
      break;
    case SchemaType::kMap:
      out->append(",\"keys\":");
      if (absl::Status s = AppendSchemaJson(writer, schema->key_schema().get(), nullptr, out);
          !s.ok()) {
        return s;
      }
      out->append(",\"values\":");
      if (absl::Status s = AppendSchemaJson(writer, schema->value_schema().get(), nullptr, out);
          !s.ok()) {
        return s;
      }
      break;
    case SchemaType::kStruct: {
      out->append(",\"fields\":[");
      bool first = true;
      for (const Field& field : schema->fields()) {
        if (!first) out->push_back(',');
        first = false;
        if (absl::Status s = AppendSchemaJson(writer, field.schema.get(), &field.name, out);
            !s.ok()) {
          return s;
        }
      }
      out->push_back(']');
      break;
    }
    default:
      break;
  }
  out->append(schema->optional() ? ",\"optional\":true" : ",\"optional\":false");
  if (!schema->name().empty()) {
    out->append(",\"name\":");
    AppendJsonString(schema->name(), out);
  }
  if (schema->version().has_value()) absl::StrAppend(out, ",\"version\":", *schema->version());
  if (!schema->doc().empty()) {
    out->append(",\"doc\":");
    AppendJsonString(schema->doc(), out);
  }
  if (!schema->parameters().empty()) {
    out->append(",\"parameters\":{");
    bool first = true;
    for (const auto& [key, value] : schema->parameters()) {
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(key, out);
      out->push_back(':');
      AppendJsonString(value, out);
    }
    out->push_back('}');
  }
  if (schema->default_value() != nullptr) {
    out->append(",\"default\":");
    if (absl::Status s = writer.Write(schema, *schema->default_value(), out); !s.ok()) return s;
  }
  if (field_name != nullptr) {
    out->append(",\"field\":");
    AppendJsonString(*field_name, out);
  }
  out->push_back('}');
  return absl::OkStatus();
}

// Object.equals between the Java objects two Connect values stand for (map keys).
bool JavaEquals(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kFloat32: {
      // Float.equals compares floatToIntBits: NaN equals NaN, 0.0 differs from -0.0.
      const float x = static_cast<float>(a.floating());
      const float y = static_cast<float>(b.floating());
      return (std::isnan(x) && std::isnan(y)) || (x == y && std::signbit(x) == std::signbit(y));
    }
    case Value::Kind::kFloat64: {
      const double x = a.floating();
      const double y = b.floating();
      return (std::isnan(x) && std::isnan(y)) || (x == y && std::signbit(x) == std::signbit(y));
    }
    case Value::Kind::kBytes:
      return false;  // byte[] equality is identity
    case Value::Kind::kArray: {
      if (a.array().size() != b.array().size()) return false;
      for (size_t i = 0; i < a.array().size(); ++i) {
        if (!JavaEquals(a.array()[i], b.array()[i])) return false;
      }
      return true;
    }
    case Value::Kind::kMap: {
      if (a.map().size() != b.map().size()) return false;
      for (const MapEntry& e : a.map()) {
        bool found = false;
        for (const MapEntry& o : b.map()) {
          if (JavaEquals(e.key, o.key)) {
            found = JavaEquals(e.value, o.value);
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

// Map.put: a key already present keeps its entry and takes the new value.
void PutAsJavaMap(std::vector<MapEntry>& entries, Value key, Value value) {
  for (MapEntry& e : entries) {
    if (JavaEquals(e.key, key)) {
      e.value = std::move(value);
      return;
    }
  }
  entries.push_back(MapEntry{std::move(key), std::move(value)});
}

}  // namespace

const ConfigDef& JsonConverterConfigDef() {
  static const ConfigDef* const kDef = [] {
    auto* def = new ConfigDef();
    def->Define(ConverterTypeConfigKey());
    {
      ConfigKey key;
      key.name = kSchemasEnable;
      key.type = ConfigType::kBoolean;
      key.default_value = "true";
      key.importance = ConfigImportance::kHigh;
      key.documentation = "Include schemas within each of the serialized values and keys.";
      key.group = "Schemas";
      key.order_in_group = 0;
      key.width = ConfigWidth::kMedium;
      key.display_name = "Enable Schemas";
      def->Define(std::move(key));
    }
    {
      ConfigKey key;
      key.name = kSchemasCacheSize;
      key.type = ConfigType::kInt;
      key.default_value = "1000";
      key.importance = ConfigImportance::kHigh;
      key.documentation =
          "The maximum number of schemas that can be cached in this converter instance.";
      key.group = "Schemas";
      key.order_in_group = 1;
      key.width = ConfigWidth::kMedium;
      key.display_name = "Schema Cache Size";
      def->Define(std::move(key));
    }
    {
      ConfigKey key;
      key.name = kDecimalFormat;
      key.type = ConfigType::kString;
      key.default_value = "BASE64";
      key.validator = validators::OneOf({"BASE64", "NUMERIC"}, /*ignore_case=*/true);
      key.validator_doc = "(case insensitive) [BASE64, NUMERIC]";
      key.importance = ConfigImportance::kLow;
      key.documentation =
          "Controls which format this converter will serialize decimals in. This value is case "
          "insensitive and can be either 'BASE64' (default) or 'NUMERIC'";
      key.group = "Serialization";
      key.order_in_group = 0;
      key.width = ConfigWidth::kMedium;
      key.display_name = "Decimal Format";
      def->Define(std::move(key));
    }
    {
      ConfigKey key;
      key.name = kReplaceNullWithDefault;
      key.type = ConfigType::kBoolean;
      key.default_value = "true";
      key.importance = ConfigImportance::kLow;
      key.documentation =
          "Whether to replace fields that have a default value and that are null to the default "
          "value. When set to true, the default value is used, otherwise null is used.";
      key.group = "Serialization";
      key.order_in_group = 1;
      key.width = ConfigWidth::kMedium;
      key.display_name = "Replace null with default";
      def->Define(std::move(key));
    }
    return def;
  }();
  return *kDef;
}

JsonConverter::JsonConverter(JsonConverterOptions options) : options_(options) {}

absl::StatusOr<std::unique_ptr<JsonConverter>> JsonConverter::Create(const ConfigMap& config,
                                                                     bool is_key) {
  ConfigMap props = config;
  props[kConverterType] = is_key ? "key" : "value";
  absl::StatusOr<ParsedConfig> parsed = JsonConverterConfigDef().Parse(props);
  if (!parsed.ok()) return parsed.status();
  JsonConverterOptions options;
  options.schemas_enable = parsed->GetBool(kSchemasEnable);
  options.schemas_cache_size = parsed->GetInt(kSchemasCacheSize);
  options.decimal_format = absl::AsciiStrToUpper(parsed->GetString(kDecimalFormat)) == "NUMERIC"
                               ? DecimalFormat::kNumeric
                               : DecimalFormat::kBase64;
  options.replace_null_with_default = parsed->GetBool(kReplaceNullWithDefault);
  return std::make_unique<JsonConverter>(options);
}

absl::Status JsonConverter::AppendPayload(const Schema* schema, const Value& value,
                                          std::string* out) const {
  return PayloadWriter(options_).Write(schema, value, out);
}

absl::Status JsonConverter::AppendSchema(const Schema* schema, std::string* out) const {
  return AppendSchemaJson(PayloadWriter(options_), schema, nullptr, out);
}

absl::StatusOr<std::optional<std::string>> JsonConverter::FromConnectData(std::string_view topic,
                                                                          const Schema* schema,
                                                                          const Value& value) {
  if (schema == nullptr && value.is_null()) return std::optional<std::string>();
  std::string out;
  if (options_.schemas_enable) {
    out.append("{\"schema\":");
    if (absl::Status s = AppendSchema(schema, &out); !s.ok()) return s;
    out.append(",\"payload\":");
    if (absl::Status s = AppendPayload(schema, value, &out); !s.ok()) return s;
    out.push_back('}');
  } else {
    if (absl::Status s = AppendPayload(schema, value, &out); !s.ok()) return s;
  }
  return std::optional<std::string>(std::move(out));
}

absl::StatusOr<SchemaAndValue> JsonConverter::ToConnectData(
    std::string_view topic, std::optional<std::string_view> bytes) {
  if (!bytes.has_value()) return SchemaAndValue{nullptr, Value::Null()};
  absl::StatusOr<JsonNode> json = parser_.Parse(*bytes);
  if (!json.ok()) {
    // Kafka's whole message is the prefix; the parser's reason is in its cause (a
    // SerializationException wrapping Jackson's exception; here simdjson's reason).
    return DataError(formats::kJsonReadErrorPrefix,
                     absl::StrCat(Av(kSerializationExceptionClass), ": ", json.status().message()));
  }
  const JsonNode* payload = &*json;
  SchemaPtr schema;
  if (options_.schemas_enable) {
    const JsonNode* schema_node = json->Get("schema");
    payload = json->Get("payload");
    if (json->type != JsonNode::Type::kObject || json->members.size() != 2 ||
        schema_node == nullptr || payload == nullptr) {
      return DataError(kEnvelopeError);
    }
    absl::StatusOr<SchemaPtr> s = AsConnectSchema(*schema_node);
    if (!s.ok()) return s.status();
    schema = *std::move(s);
  }
  absl::StatusOr<Value> value = ConvertToConnect(schema, payload);
  if (!value.ok()) return value.status();
  return SchemaAndValue{std::move(schema), *std::move(value)};
}

absl::StatusOr<SchemaPtr> JsonConverter::AsConnectSchema(const JsonNode& json_schema) {
  if (json_schema.type == JsonNode::Type::kNull) return SchemaPtr();
  const bool caching = options_.schemas_cache_size > 0;
  std::string key;
  if (caching) {
    AppendJsonNode(json_schema, &key);
    auto it = schema_index_.find(key);
    if (it != schema_index_.end()) {
      schema_lru_.splice(schema_lru_.begin(), schema_lru_, it->second);
      return it->second->second;
    }
  }
  absl::StatusOr<SchemaPtr> schema = BuildConnectSchema(json_schema);
  if (!schema.ok() || !caching) return schema;
  schema_lru_.emplace_front(key, *schema);
  schema_index_.emplace(std::move(key), schema_lru_.begin());
  while (schema_lru_.size() > static_cast<size_t>(options_.schemas_cache_size)) {
    schema_index_.erase(schema_lru_.back().first);
    schema_lru_.pop_back();
  }
  return schema;
}

absl::StatusOr<SchemaPtr> JsonConverter::BuildConnectSchema(const JsonNode& json_schema) {
  const JsonNode* type_node = json_schema.Get("type");
  if (type_node == nullptr || type_node->type != JsonNode::Type::kString) {
    return DataError("Schema must contain 'type' field");
  }
  const std::optional<SchemaType> type = SchemaTypeFromJsonName(type_node->text);
  if (!type.has_value()) {
    return DataError(absl::StrCat("Unknown schema type: ", type_node->text));
  }

  SchemaPtr key_schema;
  SchemaPtr value_schema;
  std::vector<std::pair<std::string, SchemaPtr>> fields;
  switch (*type) {
    case SchemaType::kArray: {
      const JsonNode* items = json_schema.Get("items");
      if (items == nullptr || items->type == JsonNode::Type::kNull) {
        return DataError("Array schema did not specify the element type");
      }
      absl::StatusOr<SchemaPtr> s = BuildConnectSchema(*items);
      if (!s.ok()) return s.status();
      value_schema = *std::move(s);
      break;
    }
    case SchemaType::kMap: {
      const JsonNode* keys = json_schema.Get("keys");
      if (keys == nullptr || keys->type == JsonNode::Type::kNull) {
        return DataError("Map schema did not specify the key type");
      }
      const JsonNode* values = json_schema.Get("values");
      if (values == nullptr || values->type == JsonNode::Type::kNull) {
        return DataError("Map schema did not specify the value type");
      }
      absl::StatusOr<SchemaPtr> k = BuildConnectSchema(*keys);
      if (!k.ok()) return k.status();
      absl::StatusOr<SchemaPtr> v = BuildConnectSchema(*values);
      if (!v.ok()) return v.status();
      key_schema = *std::move(k);
      value_schema = *std::move(v);
      break;
    }
    case SchemaType::kStruct: {
      const JsonNode* field_nodes = json_schema.Get("fields");
      if (field_nodes == nullptr || field_nodes->type != JsonNode::Type::kArray) {
        return DataError("Struct schema's \"fields\" argument is not an array.");
      }
      for (const JsonNode& field : field_nodes->items) {
        const JsonNode* name = field.Get("field");
        if (name == nullptr || name->type != JsonNode::Type::kString) {
          return DataError("Struct schema's field name not specified properly");
        }
        absl::StatusOr<SchemaPtr> s = BuildConnectSchema(field);
        if (!s.ok()) return s.status();
        fields.emplace_back(name->text, *std::move(s));
      }
      break;
    }
    default:
      break;
  }

  const JsonNode* optional = json_schema.Get("optional");
  const JsonNode* name = json_schema.Get("name");
  const JsonNode* version = json_schema.Get("version");
  const JsonNode* doc = json_schema.Get("doc");
  const JsonNode* params = json_schema.Get("parameters");
  if (params != nullptr && params->type == JsonNode::Type::kObject) {
    for (const auto& [k, v] : params->members) {
      if (v.type != JsonNode::Type::kString) {
        return DataError("Schema parameters must have string values.");
      }
    }
  }
  // Everything but the default; called twice when there is one, since the default is read
  // with the schema it belongs to.
  auto make_builder = [&] {
    SchemaBuilder builder = *type == SchemaType::kArray ? SchemaBuilder::Array(value_schema)
                            : *type == SchemaType::kMap
                                ? SchemaBuilder::Map(key_schema, value_schema)
                                : SchemaBuilder(*type);
    for (const auto& [field_name, field_schema] : fields) builder.Field(field_name, field_schema);
    if (optional != nullptr && optional->type == JsonNode::Type::kBoolean && optional->boolean) {
      builder.Optional();
    }
    if (name != nullptr && name->type == JsonNode::Type::kString) builder.Name(name->text);
    if (version != nullptr && version->IsIntegral()) {
      builder.Version(static_cast<int32_t>(version->LongValue()));
    }
    if (doc != nullptr && doc->type == JsonNode::Type::kString) builder.Doc(doc->text);
    if (params != nullptr && params->type == JsonNode::Type::kObject) {
      for (const auto& [k, v] : params->members) builder.Parameter(k, v.text);
    }
    return builder;
  };

  const JsonNode* default_node = json_schema.Get("default");
  if (default_node == nullptr) return make_builder().Build();
  absl::StatusOr<SchemaPtr> without_default = make_builder().Build();
  if (!without_default.ok()) return without_default.status();
  absl::StatusOr<Value> default_value = ConvertToConnect(*without_default, default_node);
  if (!default_value.ok()) return default_value.status();
  if (default_value->is_null()) return without_default;
  SchemaBuilder builder = make_builder();
  builder.Default(*std::move(default_value));
  return builder.Build();
}

absl::StatusOr<Value> JsonConverter::ConvertToConnect(const SchemaPtr& schema,
                                                      const JsonNode* json) const {
  if (schema == nullptr) return json == nullptr ? Value::Null() : FromSchemalessJson(*json);
  const SchemaType type = schema->type();
  if (json == nullptr || json->is_null_or_missing()) {
    if (schema->default_value() != nullptr && options_.replace_null_with_default) {
      return *schema->default_value();
    }
    if (schema->optional()) return Value::Null();
    return DataError(
        absl::StrCat("Invalid null value for required ", Av(JavaTypeName(type)), " field"));
  }

  switch (LogicalOf(*schema)) {
    case Logical::kNone:
      break;
    case Logical::kDecimal: {
      absl::StatusOr<int32_t> scale = DecimalScale(*schema);
      if (!scale.ok()) return scale.status();
      if (json->type == JsonNode::Type::kNumber) {
        // JsonNode.decimalValue(): the number as written, with its own scale (12.3 stays 12.3
        // under a scale-2 schema; Kafka Connect does not rescale it).
        absl::StatusOr<JavaBigDecimal> decimal = JavaBigDecimalFromText(json->text);
        if (!decimal.ok()) return decimal.status();
        if (decimal->scale == *scale) return Value::Bytes(std::move(decimal->unscaled));
        return Value::Decimal(std::move(decimal->unscaled), decimal->scale);
      }
      if (json->type == JsonNode::Type::kString) {
        std::optional<std::string> bytes = Base64Decode(json->text);
        if (!bytes.has_value() || bytes->empty()) {
          return DataError("Invalid bytes for Decimal field");
        }
        return Value::Bytes(MinimalTwosComplement(*bytes));
      }
      return DataError(absl::StrCat(
          "Invalid type for Decimal, underlying representation should be numeric or bytes but "
          "was ",
          Av(JsonNodeTypeName(json->type))));
    }
    case Logical::kDate:
    case Logical::kTime: {
      if (!json->IsInt()) {
        return DataError(absl::StrCat(
            "Invalid type for ", LogicalOf(*schema) == Logical::kDate ? "Date" : "Time",
            ", underlying representation should be integer but was ",
            Av(JsonNodeTypeName(json->type))));
      }
      return Value::Int32(static_cast<int32_t>(json->LongValue()));
    }
    case Logical::kTimestamp:
      if (!json->IsIntegral()) {
        return DataError(absl::StrCat(
            "Invalid type for Timestamp, underlying representation should be integral but was ",
            Av(JsonNodeTypeName(json->type))));
      }
      return Value::Int64(json->LongValue());
  }

  // Kafka Connect reads each type with Jackson's JsonNode accessors and does not check the node's
  // type first, so a node of another type reads as what the accessor gives it: 0 for a number
  // (also a quoted "NaN"), false for a boolean, null for a string or bytes; an array's elements
  // are an object's member values, and nothing for any other node.
  switch (type) {
    case SchemaType::kBoolean:
      return Value::Boolean(json->type == JsonNode::Type::kBoolean && json->boolean);
    case SchemaType::kInt8:
    case SchemaType::kInt16:
    case SchemaType::kInt32:
    case SchemaType::kInt64: {
      const int64_t v = json->type == JsonNode::Type::kNumber ? json->LongValue() : 0;
      if (type == SchemaType::kInt8) return Value::Int8(static_cast<int8_t>(v));
      if (type == SchemaType::kInt16) return Value::Int16(static_cast<int16_t>(v));
      if (type == SchemaType::kInt32) return Value::Int32(static_cast<int32_t>(v));
      return Value::Int64(v);
    }
    case SchemaType::kFloat32:
      return Value::Float32(json->type == JsonNode::Type::kNumber ? json->FloatValue() : 0.0f);
    case SchemaType::kFloat64:
      return Value::Float64(json->type == JsonNode::Type::kNumber ? json->DoubleValue() : 0.0);
    case SchemaType::kString:
      if (json->type != JsonNode::Type::kString) return Value::Null();
      return Value::String(json->text);
    case SchemaType::kBytes: {
      if (json->type != JsonNode::Type::kString) return Value::Null();
      std::optional<std::string> bytes = Base64Decode(json->text);
      if (!bytes.has_value()) return DataError("Invalid bytes field");
      return Value::Bytes(*std::move(bytes));
    }
    case SchemaType::kArray: {
      const SchemaPtr& element_schema = schema->value_schema();
      std::vector<Value> items;
      auto add = [&](const JsonNode& item) -> absl::Status {
        absl::StatusOr<Value> v = ConvertToConnect(element_schema, &item);
        if (!v.ok()) return v.status();
        items.push_back(*std::move(v));
        return absl::OkStatus();
      };
      if (json->type == JsonNode::Type::kArray) {
        items.reserve(json->items.size());
        for (const JsonNode& item : json->items) {
          if (absl::Status s = add(item); !s.ok()) return s;
        }
      } else if (json->type == JsonNode::Type::kObject) {
        items.reserve(json->members.size());
        for (const auto& [name, item] : json->members) {
          if (absl::Status s = add(item); !s.ok()) return s;
        }
      }
      return Value::Array(std::move(items));
    }
    case SchemaType::kMap: {
      const SchemaPtr& key_schema = schema->key_schema();
      const SchemaPtr& value_schema = schema->value_schema();
      std::vector<MapEntry> entries;
      if (key_schema->type() == SchemaType::kString) {
        if (json->type != JsonNode::Type::kObject) {
          return DataError(
              absl::StrCat("Maps with string fields should be encoded as JSON objects, but found ",
                           Av(JsonNodeTypeName(json->type))));
        }
        entries.reserve(json->members.size());
        for (const auto& [k, node] : json->members) {
          absl::StatusOr<Value> v = ConvertToConnect(value_schema, &node);
          if (!v.ok()) return v.status();
          entries.push_back(MapEntry{Value::String(k), *std::move(v)});
        }
      } else {
        if (json->type != JsonNode::Type::kArray) {
          return DataError(absl::StrCat(
              "Maps with non-string fields should be encoded as JSON array of tuples, but found ",
              Av(JsonNodeTypeName(json->type))));
        }
        entries.reserve(json->items.size());
        for (const JsonNode& entry : json->items) {
          if (entry.type != JsonNode::Type::kArray) {
            return DataError(
                absl::StrCat("Found invalid map entry instead of array tuple: ",
                             Av(JsonNodeTypeName(entry.type))));
          }
          if (entry.items.size() != 2) {
            return DataError(absl::StrCat(
                "Found invalid map entry, expected length 2 but found :", entry.items.size()));
          }
          absl::StatusOr<Value> k = ConvertToConnect(key_schema, &entry.items[0]);
          if (!k.ok()) return k.status();
          absl::StatusOr<Value> v = ConvertToConnect(value_schema, &entry.items[1]);
          if (!v.ok()) return v.status();
          PutAsJavaMap(entries, *std::move(k), *std::move(v));
        }
      }
      // Kafka builds a HashMap: the entries come out in its iteration order.
      OrderAsJavaHashMap(entries, JavaHashMapCapacity::Default());
      return Value::Map(std::move(entries));
    }
    case SchemaType::kStruct: {
      if (json->type != JsonNode::Type::kObject) {
        return DataError(
            absl::StrCat("Structs should be encoded as JSON objects, but found ",
                         Av(JsonNodeTypeName(json->type))));
      }
      Struct result(schema);
      for (const Field& field : schema->fields()) {
        absl::StatusOr<Value> v = ConvertToConnect(field.schema, json->Get(field.name));
        if (!v.ok()) return v.status();
        // A required field read as null (a string field holding a number) fails as Struct.put.
        if (v->is_null() && field.schema->optional()) continue;
        if (absl::Status s = result.Put(field.name, *std::move(v)); !s.ok()) return s;
      }
      return Value::FromStruct(std::move(result));
    }
  }
  return absl::InternalError("unhandled schema type");
}

}  // namespace sluice::convert
