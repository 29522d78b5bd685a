// Typed connector configuration, as in Kafka's ConfigDef: each key has a type, an optional
// default (no default = required), a validator and documentation. The worker shows these
// definitions through GET /connector-plugins/{p}/config and uses them in validate.
//
//   sluice::ConfigDef def;
//   def.Define({.name = "topic", .type = sluice::ConfigType::kString,
//               .validator = sluice::validators::NonEmptyString(),
//               .importance = sluice::ConfigImportance::kHigh,
//               .documentation = "The topic to publish data to"});
//   absl::StatusOr<sluice::ParsedConfig> parsed = def.Parse(props);
//   std::string topic = parsed->GetString("topic");
//
// Thread-safety: a ConfigDef is immutable after its Define calls; ParsedConfig is a value type.
#ifndef SLUICE_SDK_CONFIG_DEF_H_
#define SLUICE_SDK_CONFIG_DEF_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice {

using ConfigMap = std::map<std::string, std::string>;

enum class ConfigType { kBoolean, kString, kInt, kShort, kLong, kDouble, kList, kClass, kPassword };
enum class ConfigImportance { kHigh, kMedium, kLow };
enum class ConfigWidth { kNone, kShort, kMedium, kLong };

// Kafka's names: "BOOLEAN", "STRING", ..., "HIGH", ..., "NONE", ...
std::string_view ConfigTypeName(ConfigType type);
std::string_view ConfigImportanceName(ConfigImportance importance);
std::string_view ConfigWidthName(ConfigWidth width);

// A parsed config value: null (absent with a null default), bool, int32 (INT, SHORT), int64
// (LONG), double, string (STRING, CLASS, PASSWORD) or a list of strings (LIST).
using ConfigValue =
    std::variant<std::monostate, bool, int32_t, int64_t, double, std::string,
                 std::vector<std::string>>;

// Kafka's ConfigDef.convertToString: a parsed value of `type` as validate shows it ("[hidden]"
// for a password, a list joined with ","); none for null.
std::optional<std::string> ConfigValueToString(const ConfigValue& value, ConfigType type);
// How Java's toString shows a parsed value inside "Invalid value <v> ..." messages (a list as
// "[a, b]", null as "null").
std::string JavaToString(const ConfigValue& value);
// Java's String.trim(): strips every character <= U+0020 from both ends.
std::string_view JavaTrim(std::string_view s);

// Returns OK, or InvalidArgument whose message is the error shown to the user, e.g.
// "Invalid value 0 for configuration tasks.max: Value must be at least 1".
using ConfigValidator =
    std::function<absl::Status(const std::string& name, const ConfigValue& value)>;

struct ConfigKey {
  std::string name;
  ConfigType type = ConfigType::kString;
  // Unset: no default, the key is required. Set to std::nullopt-in-string form is not possible;
  // use `null_default` for a default of null (an optional key).
  std::optional<std::string> default_value;
  bool null_default = false;
  ConfigValidator validator;
  std::string validator_doc;
  ConfigImportance importance = ConfigImportance::kMedium;
  std::string documentation;
  std::optional<std::string> group;
  int order_in_group = -1;
  ConfigWidth width = ConfigWidth::kNone;
  std::string display_name;  // empty: the key's name
  std::vector<std::string> dependents;
  std::vector<std::string> recommended_values;

  bool required() const { return !default_value.has_value() && !null_default; }
};

// The result of validating one key, as in Kafka's ConfigValue.
struct ConfigValueResult {
  std::string name;
  std::optional<std::string> value;  // the value as given, or the default; passwords hidden
  std::vector<std::string> recommended_values;
  std::vector<std::string> errors;
  bool visible = true;
};

class ParsedConfig {
 public:
  ParsedConfig() = default;
  explicit ParsedConfig(std::map<std::string, ConfigValue> values) : values_(std::move(values)) {}

  bool Has(std::string_view name) const;
  // REQUIRES: the key was defined with the matching type. Null values give "" / 0 / false / {}.
  std::string GetString(std::string_view name) const;
  std::optional<std::string> GetOptionalString(std::string_view name) const;
  int32_t GetInt(std::string_view name) const;
  int64_t GetLong(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  double GetDouble(std::string_view name) const;
  std::vector<std::string> GetList(std::string_view name) const;
  const std::map<std::string, ConfigValue>& values() const { return values_; }

 private:
  std::map<std::string, ConfigValue> values_;
};

class ConfigDef {
 public:
  // Adds a key. Defining the same name twice is a programmer error (CHECK).
  ConfigDef& Define(ConfigKey key);
  // Adds every key of `other` that this one does not define yet.
  ConfigDef& Merge(const ConfigDef& other);

  const std::vector<ConfigKey>& keys() const { return keys_; }
  const ConfigKey* Find(std::string_view name) const;

  // Parses every defined key of `props` (string -> typed), applying defaults and validators.
  // InvalidArgument lists every error, one per line.
  absl::StatusOr<ParsedConfig> Parse(const ConfigMap& props) const;
  // One result per defined key, in definition order, with the errors found for it (missing
  // required key, unparsable value, validator failure). Never fails as a whole.
  std::vector<ConfigValueResult> Validate(const ConfigMap& props) const;
  // The same, where the keys in `null_keys` were given with a null value (a JSON null): present,
  // but null, as Kafka's ConfigDef sees them (no parse error, no missing-key error; validators
  // see null).
  std::vector<ConfigValueResult> Validate(const ConfigMap& props,
                                          const std::set<std::string>& null_keys) const;

  // Parses one value as `type` (Kafka's ConfigDef.parseType rules: trimmed; booleans
  // case-insensitive true/false; lists split on ',' with items trimmed, "" = empty list).
  static absl::StatusOr<ConfigValue> ParseValue(const ConfigKey& key, std::string_view text);

 private:
  std::vector<ConfigKey> keys_;
};

namespace validators {
// "String must be non-empty"
ConfigValidator NonEmptyString();
// Kafka's ConfigDef.NonNullValidator: "entry must be non null" (a missing key's value is null).
ConfigValidator NonNull();
// Numeric range, inclusive; unset bound = open.
ConfigValidator Range(std::optional<double> min, std::optional<double> max);
ConfigValidator AtLeast(double min);
// The value must be one of `allowed` (case-sensitive unless `ignore_case`).
ConfigValidator OneOf(std::vector<std::string> allowed, bool ignore_case = false);
}  // namespace validators

}  // namespace sluice

#endif  // SLUICE_SDK_CONFIG_DEF_H_
