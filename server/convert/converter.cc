#include "server/convert/converter.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/convert/byte_array_converter.h"
#include "server/convert/connect_exception.h"
#include "server/convert/json_converter.h"
#include "server/convert/primitive_converters.h"
#include "server/convert/string_converter.h"

#ifndef SLUICE_CONVERT_VERSION
#define SLUICE_CONVERT_VERSION "unknown"
#endif

namespace sluice::convert {

ConfigKey ConverterTypeConfigKey() {
  ConfigKey key;
  key.name = "converter.type";
  key.type = ConfigType::kString;
  key.validator = validators::OneOf({"key", "value", "header"});
  key.validator_doc = "[key, value, header]";
  key.importance = ConfigImportance::kLow;
  key.documentation = "How this converter will be used.";
  return key;
}

const std::vector<ConverterClass>& BuiltinConverters() {
  // Sorted by class name, as Kafka Connect lists plugins.
  static const std::vector<ConverterClass>* const kClasses = new std::vector<ConverterClass>{
      {std::string(kBooleanConverterClass),
       {"BooleanConverter", "Boolean"},
       SLUICE_CONVERT_VERSION,
       PrimitiveConverterConfigDef()},
      {std::string(kByteArrayConverterClass),
       {"ByteArrayConverter", "ByteArray"},
       SLUICE_CONVERT_VERSION,
       ByteArrayConverterConfigDef()},
      {std::string(kDoubleConverterClass),
       {"DoubleConverter", "Double"},
       SLUICE_CONVERT_VERSION,
       PrimitiveConverterConfigDef()},
      {std::string(kFloatConverterClass),
       {"FloatConverter", "Float"},
       SLUICE_CONVERT_VERSION,
       PrimitiveConverterConfigDef()},
      {std::string(kIntegerConverterClass),
       {"IntegerConverter", "Integer"},
       SLUICE_CONVERT_VERSION,
       PrimitiveConverterConfigDef()},
      {std::string(kLongConverterClass),
       {"LongConverter", "Long"},
       SLUICE_CONVERT_VERSION,
       PrimitiveConverterConfigDef()},
      {std::string(kShortConverterClass),
       {"ShortConverter", "Short"},
       SLUICE_CONVERT_VERSION,
       PrimitiveConverterConfigDef()},
      {std::string(kJsonConverterClass),
       {"JsonConverter", "Json"},
       SLUICE_CONVERT_VERSION,
       JsonConverterConfigDef()},
      {std::string(kStringConverterClass),
       {"StringConverter", "String"},
       SLUICE_CONVERT_VERSION,
       StringConverterConfigDef()},
  };
  return *kClasses;
}

absl::StatusOr<std::unique_ptr<Converter>> CreateConverter(std::string_view class_name,
                                                           const ConfigMap& config, bool is_key) {
  const ConverterClass* found = nullptr;
  for (const ConverterClass& c : BuiltinConverters()) {
    bool match = c.class_name == class_name;
    for (const std::string& alias : c.aliases) match |= alias == class_name;
    if (match) {
      found = &c;
      break;
    }
  }
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat("Could not find converter class ",
                                            std::string(class_name)));
  }
  if (found->class_name == kJsonConverterClass) {
    absl::StatusOr<std::unique_ptr<JsonConverter>> c = JsonConverter::Create(config, is_key);
    if (!c.ok()) return ConfigError(std::string(c.status().message()));
    return std::unique_ptr<Converter>(*std::move(c));
  }
  if (found->class_name == kStringConverterClass) {
    absl::StatusOr<std::unique_ptr<StringConverter>> c = StringConverter::Create(config, is_key);
    if (!c.ok()) return ConfigError(std::string(c.status().message()));
    return std::unique_ptr<Converter>(*std::move(c));
  }
  // ByteArrayConverter and the primitive converters have no settings of their own;
  // converter.type is set from is_key.
  ConfigMap props = config;
  props["converter.type"] = is_key ? "key" : "value";
  if (absl::StatusOr<ParsedConfig> parsed = found->config.Parse(props); !parsed.ok()) {
    return ConfigError(std::string(parsed.status().message()));
  }
  if (std::optional<PrimitiveConverter::Type> type =
          PrimitiveConverter::TypeOfClass(found->class_name)) {
    return std::unique_ptr<Converter>(std::make_unique<PrimitiveConverter>(*type));
  }
  return std::unique_ptr<Converter>(std::make_unique<ByteArrayConverter>());
}

}  // namespace sluice::convert
