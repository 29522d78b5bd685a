#include "server/convert/string_converter.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "formats/java_format.h"
#include "simdjson.h"

namespace sluice::convert {

using formats::BigDecimalToString;
using formats::JavaDoubleToString;
using formats::JavaFloatToString;

namespace {

constexpr char kConverterType[] = "converter.type";
constexpr char kEncoding[] = "converter.encoding";

bool IsUtf8Name(const std::string& encoding) {
  const std::string upper = absl::AsciiStrToUpper(encoding);
  return upper == "UTF-8" || upper == "UTF8";
}

void AppendReplacement(std::string* out) { out->append("\xEF\xBF\xBD"); }

// Decodes as Java's UTF-8 decoder with REPLACE: each maximal ill-formed subpart becomes U+FFFD.
std::string ReplaceInvalidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    size_t len = 0;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      AppendReplacement(&out);
      ++i;
      continue;
    }
    size_t k = 1;
    for (; k < len && i + k < s.size(); ++k) {
      const auto c = static_cast<uint8_t>(s[i + k]);
      const uint8_t min = k == 1 ? lo : 0x80;
      const uint8_t max = k == 1 ? hi : 0xBF;
      if (c < min || c > max) break;
    }
    if (k == len) {
      out.append(s.data() + i, len);
    } else {
      AppendReplacement(&out);
    }
    i += k;
  }
  return out;
}

void AppendJavaString(const Schema* schema, const Value& value, std::string* out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out->append("null");
      return;
    case Value::Kind::kBoolean:
      out->append(value.boolean() ? "true" : "false");
      return;
    case Value::Kind::kInt8:
    case Value::Kind::kInt16:
    case Value::Kind::kInt32:
    case Value::Kind::kInt64:
      absl::StrAppend(out, value.integer());
      return;
    case Value::Kind::kFloat32:
      out->append(JavaFloatToString(static_cast<float>(value.floating())));
      return;
    case Value::Kind::kFloat64:
      out->append(JavaDoubleToString(value.floating()));
      return;
    case Value::Kind::kString:
      out->append(value.string());
      return;
    case Value::Kind::kTimestamp:
      out->append(JavaDateToString(value.timestamp_millis()));
      return;
    case Value::Kind::kBytes: {
      if (schema != nullptr && schema->type() == SchemaType::kBytes &&
          schema->name() == kDecimalLogicalName) {
        auto it = schema->parameters().find(std::string(kDecimalScaleParameter));
        int32_t scale = 0;
        if (it != schema->parameters().end() && absl::SimpleAtoi(it->second, &scale)) {
          out->append(BigDecimalToString(value.bytes(), scale));
          return;
        }
      }
      out->append(value.bytes());
      return;
    }
    case Value::Kind::kArray: {
      const Schema* element_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out->push_back('[');
      bool first = true;
      for (const Value& element : value.array()) {
        if (!first) out->append(", ");
        first = false;
        AppendJavaString(element_schema, element, out);
      }
      out->push_back(']');
      return;
    }
    case Value::Kind::kMap: {
      const Schema* key_schema = schema != nullptr ? schema->key_schema().get() : nullptr;
      const Schema* value_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out->push_back('{');
      bool first = true;
      for (const MapEntry& entry : value.map()) {
        if (!first) out->append(", ");
        first = false;
        AppendJavaString(key_schema, entry.key, out);
        out->push_back('=');
        AppendJavaString(value_schema, entry.value, out);
      }
      out->push_back('}');
      return;
    }
    case Value::Kind::kStruct: {
      const Struct& s = value.struct_value();
      const std::vector<Field>& fields = s.schema()->fields();
      out->append("Struct{");
      bool first = true;
      for (size_t i = 0; i < fields.size() && i < s.values().size(); ++i) {
        if (s.values()[i].is_null()) continue;
        if (!first) out->push_back(',');
        first = false;
        out->append(fields[i].name);
        out->push_back('=');
        AppendJavaString(fields[i].schema.get(), s.values()[i], out);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

const ConfigDef& StringConverterConfigDef() {
  static const ConfigDef* const kDef = [] {
    auto* def = new ConfigDef();
    def->Define(ConverterTypeConfigKey());
    {
      ConfigKey key;
      key.name = kEncoding;
      key.type = ConfigType::kString;
      key.default_value = "UTF-8";
      key.importance = ConfigImportance::kHigh;
      key.documentation =
          "The name of the Java character set to use for encoding strings as byte arrays.";
      key.width = ConfigWidth::kMedium;
      key.display_name = "Encoding";
      def->Define(std::move(key));
    }
    return def;
  }();
  return *kDef;
}

std::string ValueToJavaString(const Schema* schema, const Value& value) {
  std::string out;
  AppendJavaString(schema, value, &out);
  return out;
}

absl::StatusOr<std::unique_ptr<StringConverter>> StringConverter::Create(const ConfigMap& config,
                                                                         bool is_key) {
  ConfigMap props = config;
  props[kConverterType] = is_key ? "key" : "value";
  absl::StatusOr<ParsedConfig> parsed = StringConverterConfigDef().Parse(props);
  if (!parsed.ok()) return parsed.status();
  const std::string encoding = parsed->GetString(kEncoding);
  if (!IsUtf8Name(encoding)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid value ", encoding, " for configuration ", kEncoding,
        ": unsupported encoding; StringConverter supports only UTF-8"));
  }
  return std::make_unique<StringConverter>();
}

absl::StatusOr<std::optional<std::string>> StringConverter::FromConnectData(
    std::string_view topic, const Schema* schema, const Value& value) {
  if (value.is_null()) return std::optional<std::string>();
  if (value.kind() == Value::Kind::kString) return std::optional<std::string>(value.string());
  return std::optional<std::string>(ValueToJavaString(schema, value));
}

absl::StatusOr<SchemaAndValue> StringConverter::ToConnectData(
    std::string_view topic, std::optional<std::string_view> bytes) {
  if (!bytes.has_value()) return SchemaAndValue{Schema::OptionalString(), Value::Null()};
  if (simdjson::validate_utf8(bytes->data(), bytes->size())) {
    return SchemaAndValue{Schema::OptionalString(), Value::String(std::string(*bytes))};
  }
  return SchemaAndValue{Schema::OptionalString(), Value::String(ReplaceInvalidUtf8(*bytes))};
}

}  // namespace sluice::convert
