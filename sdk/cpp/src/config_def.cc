// ConfigDef: typed connector configuration with Kafka's parsing and validation rules
// (org.apache.kafka.common.config.ConfigDef).
#include "sluice/sdk/config_def.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sluice/sdk/internal/check.h"
#include "sluice/sdk/java_text.h"

namespace sluice {
namespace {

// Debian's Abseil has its own string_view type, distinct from std::string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }


// Regex \s: [ \t\n\x0B\f\r].
std::string_view RegexWhitespaceTrim(std::string_view s) {
  auto ws = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
  };
  size_t b = 0;
  size_t e = s.size();
  while (b < e && ws(s[b])) ++b;
  while (e > b && ws(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// Java's Integer/Short/Long.parseLong rules: an optional sign, then decimal digits only.
std::optional<int64_t> ParseJavaInteger(std::string_view s, int64_t min, int64_t max) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return std::nullopt;
  // Accumulate negatively so that the minimum of int64 fits.
  int64_t acc = 0;
  for (; i < s.size(); ++i) {
    if (!absl::ascii_isdigit(s[i])) return std::nullopt;
    const int digit = s[i] - '0';
    if (acc < (std::numeric_limits<int64_t>::min() + digit) / 10) return std::nullopt;
    acc = acc * 10 - digit;
  }
  if (!negative) {
    if (acc == std::numeric_limits<int64_t>::min()) return std::nullopt;
    acc = -acc;
  }
  if (acc < min || acc > max) return std::nullopt;
  return acc;
}

// Java's Double.parseDouble for the forms people write: decimal and scientific notation, an
// optional f/F/d/D suffix, "NaN" and "Infinity".
std::optional<double> ParseJavaDouble(std::string_view s) {
  bool negative = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (body == "Infinity") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (!body.empty() && (body.back() == 'f' || body.back() == 'F' || body.back() == 'd' ||
                        body.back() == 'D')) {
    body.remove_suffix(1);
  }
  if (body.empty() || !(absl::ascii_isdigit(body[0]) || body[0] == '.')) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ptr != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Java rounds to infinity or zero rather than failing.
    v = std::numeric_limits<double>::infinity();
    const bool tiny = absl::StrContains(absl::AsciiStrToLower(Sv(body)), "e-");
    if (tiny) v = 0;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

// A bound of Range as Java prints a Number: integral bounds without a fraction.
std::string NumberToString(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
    return std::to_string(static_cast<int64_t>(d));
  }
  return JavaDoubleToString(d);
}


absl::Status InvalidValue(std::string_view name, std::string_view value, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("Invalid value ", Sv(value), " for configuration ", Sv(name), ": ", Sv(why)));
}

std::string MissingRequired(std::string_view name) {
  return absl::StrCat("Missing required configuration \"", Sv(name), "\" which has no default value.");
}

// The value of `key` in `props`, its default, or null; errors are appended to `errors`.
// Returns whether a value (possibly null) was produced to hand to the validator.
ConfigValue ResolveValue(const ConfigKey& key, const ConfigMap& props,
                         std::vector<std::string>& errors) {
  auto it = props.find(key.name);
  if (it != props.end()) {
    absl::StatusOr<ConfigValue> parsed = ConfigDef::ParseValue(key, it->second);
    if (parsed.ok()) return *std::move(parsed);
    errors.emplace_back(parsed.status().message());
    return std::monostate();
  }
  if (key.default_value.has_value()) {
    absl::StatusOr<ConfigValue> parsed = ConfigDef::ParseValue(key, *key.default_value);
    if (parsed.ok()) return *std::move(parsed);
    errors.push_back(absl::StrCat("Invalid default value for configuration ", key.name, ": ",
                                  parsed.status().message()));
    return std::monostate();
  }
  if (!key.null_default) errors.push_back(MissingRequired(key.name));
  return std::monostate();
}

}  // namespace

std::string_view JavaTrim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

std::string JavaToString(const ConfigValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int32_t i) const { return std::to_string(i); }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return JavaDoubleToString(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::string>& l) const {
      return absl::StrCat("[", absl::StrJoin(l, ", "), "]");
    }
  };
  return std::visit(Visitor{}, value);
}

std::optional<std::string> ConfigValueToString(const ConfigValue& value, ConfigType type) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  if (type == ConfigType::kPassword) return "[hidden]";
  if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
    return absl::StrJoin(*list, ",");
  }
  return JavaToString(value);
}

std::string_view ConfigTypeName(ConfigType type) {
  switch (type) {
    case ConfigType::kBoolean: return "BOOLEAN";
    case ConfigType::kString: return "STRING";
    case ConfigType::kInt: return "INT";
    case ConfigType::kShort: return "SHORT";
    case ConfigType::kLong: return "LONG";
    case ConfigType::kDouble: return "DOUBLE";
    case ConfigType::kList: return "LIST";
    case ConfigType::kClass: return "CLASS";
    case ConfigType::kPassword: return "PASSWORD";
  }
  return "UNKNOWN";
}

std::string_view ConfigImportanceName(ConfigImportance importance) {
  switch (importance) {
    case ConfigImportance::kHigh: return "HIGH";
    case ConfigImportance::kMedium: return "MEDIUM";
    case ConfigImportance::kLow: return "LOW";
  }
  return "UNKNOWN";
}

std::string_view ConfigWidthName(ConfigWidth width) {
  switch (width) {
    case ConfigWidth::kNone: return "NONE";
    case ConfigWidth::kShort: return "SHORT";
    case ConfigWidth::kMedium: return "MEDIUM";
    case ConfigWidth::kLong: return "LONG";
  }
  return "UNKNOWN";
}

// ---- ParsedConfig ---------------------------------------------------------------------------

namespace {

template <typename T>
const T* GetTyped(const std::map<std::string, ConfigValue>& values, std::string_view name) {
  auto it = values.find(std::string(name));
  if (it == values.end() || std::holds_alternative<std::monostate>(it->second)) return nullptr;
  const T* v = std::get_if<T>(&it->second);
  SLUICE_CHECK(v != nullptr, "ParsedConfig getter does not match the key's type");
  return v;
}

}  // namespace

bool ParsedConfig::Has(std::string_view name) const {
  return values_.find(std::string(name)) != values_.end();
}

std::string ParsedConfig::GetString(std::string_view name) const {
  const std::string* v = GetTyped<std::string>(values_, name);
  return v == nullptr ? std::string() : *v;
}

std::optional<std::string> ParsedConfig::GetOptionalString(std::string_view name) const {
  const std::string* v = GetTyped<std::string>(values_, name);
  if (v == nullptr) return std::nullopt;
  return *v;
}

int32_t ParsedConfig::GetInt(std::string_view name) const {
  const int32_t* v = GetTyped<int32_t>(values_, name);
  return v == nullptr ? 0 : *v;
}

int64_t ParsedConfig::GetLong(std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it != values_.end()) {
    if (const auto* i = std::get_if<int32_t>(&it->second)) return *i;
  }
  const int64_t* v = GetTyped<int64_t>(values_, name);
  return v == nullptr ? 0 : *v;
}

bool ParsedConfig::GetBool(std::string_view name) const {
  const bool* v = GetTyped<bool>(values_, name);
  return v != nullptr && *v;
}

double ParsedConfig::GetDouble(std::string_view name) const {
  const double* v = GetTyped<double>(values_, name);
  return v == nullptr ? 0.0 : *v;
}

std::vector<std::string> ParsedConfig::GetList(std::string_view name) const {
  const auto* v = GetTyped<std::vector<std::string>>(values_, name);
  return v == nullptr ? std::vector<std::string>() : *v;
}

// ---- ConfigDef ------------------------------------------------------------------------------

ConfigDef& ConfigDef::Define(ConfigKey key) {
  SLUICE_CHECK(Find(key.name) == nullptr, "ConfigDef::Define: key defined twice");
  keys_.push_back(std::move(key));
  return *this;
}

ConfigDef& ConfigDef::Merge(const ConfigDef& other) {
  for (const ConfigKey& key : other.keys_) {
    if (Find(key.name) == nullptr) keys_.push_back(key);
  }
  return *this;
}

const ConfigKey* ConfigDef::Find(std::string_view name) const {
  for (const ConfigKey& key : keys_) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

absl::StatusOr<ConfigValue> ConfigDef::ParseValue(const ConfigKey& key, std::string_view text) {
  const std::string_view trimmed = JavaTrim(text);
  auto not_a_number = [&] {
    return InvalidValue(key.name, text, absl::StrCat("Not a number of type ", Sv(ConfigTypeName(key.type))));
  };
  switch (key.type) {
    case ConfigType::kBoolean:
      if (absl::EqualsIgnoreCase(Sv(trimmed), "true")) return ConfigValue(true);
      if (absl::EqualsIgnoreCase(Sv(trimmed), "false")) return ConfigValue(false);
      return InvalidValue(key.name, text, "Expected value to be either true or false");
    case ConfigType::kString:
    case ConfigType::kClass:
    case ConfigType::kPassword:
      return ConfigValue(std::string(trimmed));
    case ConfigType::kInt: {
      auto v = ParseJavaInteger(trimmed, std::numeric_limits<int32_t>::min(),
                                std::numeric_limits<int32_t>::max());
      if (!v.has_value()) return not_a_number();
      return ConfigValue(static_cast<int32_t>(*v));
    }
    case ConfigType::kShort: {
      auto v = ParseJavaInteger(trimmed, std::numeric_limits<int16_t>::min(),
                                std::numeric_limits<int16_t>::max());
      if (!v.has_value()) return not_a_number();
      return ConfigValue(static_cast<int32_t>(*v));
    }
    case ConfigType::kLong: {
      auto v = ParseJavaInteger(trimmed, std::numeric_limits<int64_t>::min(),
                                std::numeric_limits<int64_t>::max());
      if (!v.has_value()) return not_a_number();
      return ConfigValue(*v);
    }
    case ConfigType::kDouble: {
      auto v = ParseJavaDouble(trimmed);
      if (!v.has_value()) return not_a_number();
      return ConfigValue(*v);
    }
    case ConfigType::kList: {
      std::vector<std::string> items;
      if (trimmed.empty()) return ConfigValue(std::move(items));
      for (absl::string_view item : absl::StrSplit(Sv(trimmed), ',')) {
        items.emplace_back(RegexWhitespaceTrim(std::string_view(item.data(), item.size())));
      }
      return ConfigValue(std::move(items));
    }
  }
  return absl::InternalError("unknown config type");
}

absl::StatusOr<ParsedConfig> ConfigDef::Parse(const ConfigMap& props) const {
  std::map<std::string, ConfigValue> values;
  std::vector<std::string> errors;
  for (const ConfigKey& key : keys_) {
    const size_t errors_before = errors.size();
    ConfigValue value = ResolveValue(key, props, errors);
    if (errors.size() != errors_before) continue;
    if (key.validator) {
      absl::Status valid = key.validator(key.name, value);
      if (!valid.ok()) {
        errors.emplace_back(valid.message());
        continue;
      }
    }
    values.emplace(key.name, std::move(value));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
  return ParsedConfig(std::move(values));
}

std::vector<ConfigValueResult> ConfigDef::Validate(const ConfigMap& props) const {
  return Validate(props, {});
}

std::vector<ConfigValueResult> ConfigDef::Validate(const ConfigMap& props,
                                                   const std::set<std::string>& null_keys) const {
  std::vector<ConfigValueResult> results;
  results.reserve(keys_.size());
  for (const ConfigKey& key : keys_) {
    ConfigValueResult result;
    result.name = key.name;
    result.recommended_values = key.recommended_values;
    ConfigValue value = null_keys.contains(key.name) ? ConfigValue(std::monostate())
                                                     : ResolveValue(key, props, result.errors);
    // As Kafka does, the validator also sees the null left by a value that did not parse.
    if (key.validator) {
      absl::Status valid = key.validator(key.name, value);
      if (!valid.ok()) result.errors.emplace_back(valid.message());
    }
    result.value = ConfigValueToString(value, key.type);
    results.push_back(std::move(result));
  }
  return results;
}

// ---- validators -----------------------------------------------------------------------------

namespace validators {

ConfigValidator NonEmptyString() {
  return [](const std::string& name, const ConfigValue& value) -> absl::Status {
    const auto* s = std::get_if<std::string>(&value);
    if (s != nullptr && s->empty()) return InvalidValue(name, "", "String must be non-empty");
    return absl::OkStatus();
  };
}

ConfigValidator NonNull() {
  return [](const std::string& name, const ConfigValue& value) -> absl::Status {
    if (std::holds_alternative<std::monostate>(value)) {
      return InvalidValue(name, "null", "entry must be non null");
    }
    return absl::OkStatus();
  };
}

ConfigValidator Range(std::optional<double> min, std::optional<double> max) {
  return [min, max](const std::string& name, const ConfigValue& value) -> absl::Status {
    double n = 0;
    if (std::holds_alternative<std::monostate>(value)) {
      return InvalidValue(name, "null", "Value must be non-null");
    } else if (const auto* i = std::get_if<int32_t>(&value)) {
      n = *i;
    } else if (const auto* l = std::get_if<int64_t>(&value)) {
      n = static_cast<double>(*l);
    } else if (const auto* d = std::get_if<double>(&value)) {
      n = *d;
    } else {
      return InvalidValue(name, JavaToString(value), "Value must be a number");
    }
    if (min.has_value() && n < *min) {
      return InvalidValue(name, JavaToString(value),
                          absl::StrCat("Value must be at least ", NumberToString(*min)));
    }
    if (max.has_value() && n > *max) {
      return InvalidValue(name, JavaToString(value),
                          absl::StrCat("Value must be no more than ", NumberToString(*max)));
    }
    return absl::OkStatus();
  };
}

ConfigValidator AtLeast(double min) { return Range(min, std::nullopt); }

ConfigValidator OneOf(std::vector<std::string> allowed, bool ignore_case) {
  return [allowed = std::move(allowed), ignore_case](const std::string& name,
                                                      const ConfigValue& value) -> absl::Status {
    auto check = [&](const std::optional<std::string>& s) -> absl::Status {
      for (const std::string& a : allowed) {
        if (s.has_value() && (ignore_case ? absl::EqualsIgnoreCase(a, *s) : a == *s)) {
          return absl::OkStatus();
        }
      }
      return InvalidValue(name, s.has_value() ? *s : "null",
                          absl::StrCat(ignore_case ? "String must be one of (case insensitive): "
                                                   : "String must be one of: ",
                                       absl::StrJoin(allowed, ", ")));
    };
    // A list must hold only allowed values (Kafka's ValidList).
    if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
      for (const std::string& item : *list) {
        absl::Status s = check(item);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    if (const auto* s = std::get_if<std::string>(&value)) return check(*s);
    return check(std::nullopt);
  };
}

}  // namespace validators
}  // namespace sluice
