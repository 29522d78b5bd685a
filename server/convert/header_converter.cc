#include "server/convert/header_converter.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/convert/byte_array_converter.h"
#include "server/convert/connect_exception.h"
#include "server/convert/json_converter.h"
#include "server/convert/primitive_converters.h"
#include "server/convert/string_converter.h"
#include "server/convert/values.h"

#ifndef SLUICE_CONVERT_VERSION
#define SLUICE_CONVERT_VERSION "unknown"
#endif

namespace sluice::convert {
namespace {

constexpr char kConverterType[] = "converter.type";

// SimpleHeaderConverter: values as text (Values.convertToString), read back with Values'
// type inference; text that does not parse comes back as its bytes.
class SimpleHeaderConverter final : public HeaderConverter {
 public:
  absl::StatusOr<std::optional<std::string>> FromConnectHeader(std::string_view topic,
                                                               std::string_view header_key,
                                                               const Schema* schema,
                                                               const Value& value) override {
    if (value.is_null()) return std::optional<std::string>();
    return std::optional<std::string>(ConvertToString(schema, value));
  }

  absl::StatusOr<SchemaAndValue> ToConnectHeader(std::string_view topic,
                                                 std::string_view header_key,
                                                 std::optional<std::string_view> bytes) override {
    if (!bytes.has_value()) return SchemaAndValue{nullptr, Value::Null()};
    absl::StatusOr<SchemaAndValue> parsed = ParseString(*bytes);
    // Kafka logs "Failed to deserialize value for header ..., so using byte array" and keeps
    // the bytes, whatever went wrong.
    if (!parsed.ok()) return SchemaAndValue{Schema::Bytes(), Value::Bytes(std::string(*bytes))};
    return *std::move(parsed);
  }
};

// A Converter that is also a HeaderConverter in Kafka Connect, whose header methods are its
// fromConnectData and toConnectData.
class ConverterAsHeaderConverter final : public HeaderConverter {
 public:
  explicit ConverterAsHeaderConverter(std::unique_ptr<Converter> converter)
      : converter_(std::move(converter)) {}

  absl::StatusOr<std::optional<std::string>> FromConnectHeader(std::string_view topic,
                                                               std::string_view header_key,
                                                               const Schema* schema,
                                                               const Value& value) override {
    return converter_->FromConnectData(topic, schema, value);
  }

  absl::StatusOr<SchemaAndValue> ToConnectHeader(std::string_view topic,
                                                 std::string_view header_key,
                                                 std::optional<std::string_view> bytes) override {
    return converter_->ToConnectData(topic, bytes);
  }

 private:
  std::unique_ptr<Converter> converter_;
};

const ConfigDef& EmptyConfigDef() {
  static const ConfigDef* const kDef = new ConfigDef();
  return *kDef;
}

const HeaderConverterClass* FindClass(std::string_view name) {
  for (const HeaderConverterClass& c : BuiltinHeaderConverters()) {
    if (c.class_name == name) return &c;
    for (const std::string& alias : c.aliases) {
      if (alias == name) return &c;
    }
  }
  return nullptr;
}

}  // namespace

const std::vector<HeaderConverterClass>& BuiltinHeaderConverters() {
  // Sorted by class name, as Kafka Connect lists plugins. The aliases are those Kafka Connect
  // computes over all its plugins: each class's simple name, and that name without its
  // plugin type's suffix ("Converter" for a Converter, "HeaderConverter" for a header
  // converter), so JsonConverter is also "Json" here.
  static const std::vector<HeaderConverterClass>* const kClasses =
      new std::vector<HeaderConverterClass>{
          {std::string(kBooleanConverterClass), {"BooleanConverter", "Boolean"},
           SLUICE_CONVERT_VERSION, PrimitiveConverterConfigDef()},
          {std::string(kByteArrayConverterClass), {"ByteArrayConverter", "ByteArray"},
           SLUICE_CONVERT_VERSION, ByteArrayConverterConfigDef()},
          {std::string(kDoubleConverterClass), {"DoubleConverter", "Double"},
           SLUICE_CONVERT_VERSION, PrimitiveConverterConfigDef()},
          {std::string(kFloatConverterClass), {"FloatConverter", "Float"},
           SLUICE_CONVERT_VERSION, PrimitiveConverterConfigDef()},
          {std::string(kIntegerConverterClass), {"IntegerConverter", "Integer"},
           SLUICE_CONVERT_VERSION, PrimitiveConverterConfigDef()},
          {std::string(kLongConverterClass), {"LongConverter", "Long"}, SLUICE_CONVERT_VERSION,
           PrimitiveConverterConfigDef()},
          {std::string(kShortConverterClass), {"ShortConverter", "Short"},
           SLUICE_CONVERT_VERSION, PrimitiveConverterConfigDef()},
          {std::string(kJsonConverterClass), {"JsonConverter", "Json"}, SLUICE_CONVERT_VERSION,
           JsonConverterConfigDef()},
          {std::string(kSimpleHeaderConverterClass), {"SimpleHeaderConverter", "Simple"},
           SLUICE_CONVERT_VERSION, EmptyConfigDef()},
          {std::string(kStringConverterClass), {"StringConverter", "String"},
           SLUICE_CONVERT_VERSION, StringConverterConfigDef()},
      };
  return *kClasses;
}

absl::StatusOr<std::unique_ptr<HeaderConverter>> CreateHeaderConverter(
    std::string_view class_name, const ConfigMap& config) {
  const HeaderConverterClass* found = FindClass(class_name);
  if (found == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("Could not find header converter class ", std::string(class_name)));
  }
  if (found->class_name == kSimpleHeaderConverterClass) {
    // SimpleHeaderConverter has no settings (its configure ignores everything).
    return std::unique_ptr<HeaderConverter>(std::make_unique<SimpleHeaderConverter>());
  }
  ConfigMap props = config;
  props[kConverterType] = "header";
  if (absl::StatusOr<ParsedConfig> parsed = found->config.Parse(props); !parsed.ok()) {
    return ConfigError(std::string(parsed.status().message()));
  }
  // The converters read their own keys; as header converters they are not key converters.
  absl::StatusOr<std::unique_ptr<Converter>> converter =
      CreateConverter(found->class_name, config, /*is_key=*/false);
  if (!converter.ok()) return converter.status();
  return std::unique_ptr<HeaderConverter>(
      std::make_unique<ConverterAsHeaderConverter>(*std::move(converter)));
}

}  // namespace sluice::convert
