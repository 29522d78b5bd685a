#include "server/transforms/simple_config.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"

namespace sluice::transforms {
namespace {

std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace

absl::StatusOr<ParsedConfig> ParseSimpleConfig(const ConfigDef& def, const ConfigMap& props) {
  std::map<std::string, ConfigValue> values;
  for (const ConfigKey& key : def.keys()) {
    ConfigValue value;
    auto it = props.find(key.name);
    if (it != props.end()) {
      absl::StatusOr<ConfigValue> parsed = ConfigDef::ParseValue(key, it->second);
      if (!parsed.ok()) return convert::ConfigError(Sv(parsed.status().message()));
      value = *std::move(parsed);
    } else if (key.default_value.has_value()) {
      absl::StatusOr<ConfigValue> parsed = ConfigDef::ParseValue(key, *key.default_value);
      if (!parsed.ok()) return convert::ConfigError(Sv(parsed.status().message()));
      value = *std::move(parsed);
    } else if (!key.null_default) {
      return convert::ConfigError(absl::StrCat("Missing required configuration \"", key.name,
                                               "\" which has no default value."));
    }
    if (key.validator) {
      absl::Status valid = key.validator(key.name, value);
      if (!valid.ok()) return convert::ConfigError(Sv(valid.message()));
    }
    values.emplace(key.name, std::move(value));
  }
  return ParsedConfig(std::move(values));
}

}  // namespace sluice::transforms
