// Configuration pieces the built-in transforms share: parsing a transform's keys as Kafka's
// SimpleConfig does (the first error, as a ConfigException), the validators Kafka's transforms
// define for themselves, and the `replace.null.with.default` key of Kafka 3.9.
//
//   absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(MaskFieldConfigDef(), props);
//   // ConfigException "Invalid value [] for configuration fields: Empty list"
//
// Thread-safe: pure functions; the validators returned are immutable.
#ifndef SLUICE_SERVER_TRANSFORMS_TRANSFORM_CONFIG_H_
#define SLUICE_SERVER_TRANSFORMS_TRANSFORM_CONFIG_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"

namespace sluice::transforms {

// The version every built-in transformation and predicate reports (SLUICE_TRANSFORMS_VERSION,
// the project's version).
const std::string& TransformsVersion();

// new SimpleConfig(def, props): the parsed keys, or Kafka's ConfigException for the first key (in
// definition order) that is missing, does not parse, or fails its validator.
absl::StatusOr<ParsedConfig> ParseTransformConfig(const ConfigDef& def, const ConfigMap& props);

// Kafka's ConfigException(name, value, message) text: "Invalid value <value> for configuration
// <name>: <message>" (without ": <message>" when `message` is empty).
std::string InvalidConfigValueMessage(std::string_view name, std::string_view value,
                                      std::string_view message);

// Java's List.toString() of a LIST value: "[a, b]".
std::string JavaListText(const std::vector<std::string>& items);

// Kafka's transforms.util.NonEmptyListValidator: "Invalid value [] for configuration <name>:
// Empty list" (and "Invalid value null ..." for null).
ConfigValidator NonEmptyListValidator();
inline constexpr std::string_view kNonEmptyListValidatorDoc = "non-empty list";
// ConfigDef.NonEmptyString's toString.
inline constexpr std::string_view kNonEmptyStringValidatorDoc = "non-empty string";

// The `replace.null.with.default` key (BOOLEAN, default true, MEDIUM) with Kafka 3.9's
// documentation.
inline constexpr std::string_view kReplaceNullWithDefaultConfig = "replace.null.with.default";
ConfigKey ReplaceNullWithDefaultConfigKey();

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_TRANSFORM_CONFIG_H_
