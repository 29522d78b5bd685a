#include "server/convert/string_converter.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/convert/java_format.h"
#include "sluice/sdk/java_text.h"

namespace sluice::convert {
namespace {

constexpr char kConverterType[] = "converter.type";
constexpr char kEncoding[] = "converter.encoding";

bool IsUtf8Name(const std::string& encoding) {
  const std::string upper = absl::AsciiStrToUpper(encoding);
  return upper == "UTF-8" || upper == "UTF8";
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
  return std::optional<std::string>(JavaToString(schema, value));
}

absl::StatusOr<std::optional<std::string>> StringConverter::FromOwnedConnectData(
    std::string_view topic, const Schema* schema, Value&& value) {
  if (value.kind() == Value::Kind::kString) return std::optional<std::string>(value.ReleaseString());
  return FromConnectData(topic, schema, value);
}

absl::StatusOr<SchemaAndValue> StringConverter::ToConnectData(
    std::string_view topic, std::optional<std::string_view> bytes) {
  if (!bytes.has_value()) return SchemaAndValue{Schema::OptionalString(), Value::Null()};
  return SchemaAndValue{Schema::OptionalString(), Value::String(ReplaceInvalidUtf8(*bytes))};
}

}  // namespace sluice::convert
