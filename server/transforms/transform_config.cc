#include "server/transforms/transform_config.h"

#include <map>

#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/convert/connect_exception.h"

#ifndef SLUICE_TRANSFORMS_VERSION
#define SLUICE_TRANSFORMS_VERSION "unknown"
#endif

namespace sluice::transforms {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

const std::string& TransformsVersion() {
  static const std::string* const kVersion = new std::string(SLUICE_TRANSFORMS_VERSION);
  return *kVersion;
}

absl::StatusOr<ParsedConfig> ParseTransformConfig(const ConfigDef& def, const ConfigMap& props) {
  // AbstractConfig parses key by key in definition order and throws at the first failure.
  std::map<std::string, ConfigValue> values;
  for (const ConfigKey& key : def.keys()) {
    ConfigValue value;
    auto it = props.find(key.name);
    if (it != props.end()) {
      absl::StatusOr<ConfigValue> parsed = ConfigDef::ParseValue(key, it->second);
      if (!parsed.ok()) return convert::ConfigError(std::string(parsed.status().message()));
      value = *std::move(parsed);
    } else if (key.default_value.has_value()) {
      absl::StatusOr<ConfigValue> parsed = ConfigDef::ParseValue(key, *key.default_value);
      if (!parsed.ok()) return convert::ConfigError(std::string(parsed.status().message()));
      value = *std::move(parsed);
    } else if (!key.null_default) {
      return convert::ConfigError(absl::StrCat("Missing required configuration \"", key.name,
                                               "\" which has no default value."));
    }
    if (key.validator) {
      absl::Status valid = key.validator(key.name, value);
      if (!valid.ok()) return convert::ConfigError(std::string(valid.message()));
    }
    values.emplace(key.name, std::move(value));
  }
  return ParsedConfig(std::move(values));
}

std::string InvalidConfigValueMessage(std::string_view name, std::string_view value,
                                      std::string_view message) {
  std::string out = absl::StrCat("Invalid value ", Av(value), " for configuration ", Av(name));
  if (!message.empty()) absl::StrAppend(&out, ": ", Av(message));
  return out;
}

std::string JavaListText(const std::vector<std::string>& items) {
  return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
}

ConfigValidator NonEmptyListValidator() {
  return [](const std::string& name, const ConfigValue& value) -> absl::Status {
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    if (list != nullptr && !list->empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(InvalidConfigValueMessage(
        name, list == nullptr ? "null" : JavaListText(*list), "Empty list"));
  };
}

ConfigKey ReplaceNullWithDefaultConfigKey() {
  ConfigKey key;
  key.name = std::string(kReplaceNullWithDefaultConfig);
  key.type = ConfigType::kBoolean;
  key.default_value = "true";
  key.importance = ConfigImportance::kMedium;
  key.documentation =
      "Whether to replace fields that have a default value and that are null to the default "
      "value. When set to true, the default value is used, otherwise null is used.";
  return key;
}

}  // namespace sluice::transforms
