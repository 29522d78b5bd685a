// Cast$Key / Cast$Value (org.apache.kafka.connect.transforms.Cast): casts fields, or the whole
// key or value, to another primitive type, with Java's conversions (narrowing of numbers,
// Byte.parseByte and friends for strings, Base64 for bytes, ISO text for dates).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "formats/base64.h"
#include "sluice/sdk/java_text.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "server/convert/java_hash_map.h"
#include "server/transforms/builtins.h"
#include "server/transforms/requirements.h"
#include "server/transforms/schema_cache.h"
#include "server/transforms/transform_config.h"
#include "server/transforms/simple_date_format.h"

namespace sluice::transforms {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }
std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

constexpr char kPurpose[] = "cast types";
constexpr char kSupportedInputs[] =
    "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]";
constexpr char kSupportedOutputs[] = "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]";
constexpr char kReplaceNullDoc[] =
    "Whether to replace fields that have a default value and that are null to the default value. "
    "When set to true, the default value is used, otherwise null is used.";

bool IsCastInput(SchemaType t) {
  switch (t) {
    case SchemaType::kArray:
    case SchemaType::kMap:
    case SchemaType::kStruct:
      return false;
    default:
      return true;
  }
}
bool IsCastOutput(SchemaType t) { return IsCastInput(t) && t != SchemaType::kBytes; }

// Schema.Type.valueOf(name.toUpperCase(Locale.ROOT)).
std::optional<SchemaType> SchemaTypeByJavaName(const std::string& upper) {
  static const SchemaType kAll[] = {
      SchemaType::kInt8,    SchemaType::kInt16,   SchemaType::kInt32,  SchemaType::kInt64,
      SchemaType::kFloat32, SchemaType::kFloat64, SchemaType::kBoolean, SchemaType::kString,
      SchemaType::kBytes,   SchemaType::kArray,   SchemaType::kMap,    SchemaType::kStruct};
  for (SchemaType t : kAll) {
    if (Av(convert::JavaTypeName(t)) == upper) return t;
  }
  return std::nullopt;
}

// java.lang.String.trim().
std::string JavaTrim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return std::string(s.substr(b, e - b));
}

// Cast.parseFieldTypes: field -> type, "" standing for Java's null key (the whole value).
struct Spec {
  std::map<std::string, SchemaType> casts;  // without the whole-value entry
  std::vector<std::string> cast_order;      // the casts' keys in Java HashMap order
  std::optional<SchemaType> whole_value;
};

absl::StatusOr<Spec> ParseSpec(const std::vector<std::string>& mappings) {
  Spec spec;
  std::vector<std::string> insertion_order;
  bool whole_value_cast = false;
  for (const std::string& mapping : mappings) {
    // String.split(":") drops trailing empty strings.
    std::vector<std::string> parts = absl::StrSplit(mapping, ':');
    while (!parts.empty() && parts.back().empty()) parts.pop_back();
    if (parts.empty()) parts.push_back("");
    if (parts.size() > 2) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid value [", absl::StrJoin(mappings, ", "),
                                                     "] for configuration renames: Invalid rename "
                                                     "mapping: ",
                                                     mapping));
    }
    const std::string type_text = JavaTrim(parts.size() == 1 ? parts[0] : parts[1]);
    const std::string upper = absl::AsciiStrToUpper(type_text);
    std::optional<SchemaType> type = SchemaTypeByJavaName(upper);
    if (!type.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value java.lang.IllegalArgumentException: No enum constant "
          "org.apache.kafka.connect.data.Schema.Type.",
          upper, " for configuration Invalid type found in casting spec: ", type_text));
    }
    if (!IsCastOutput(*type)) {
      return absl::InvalidArgumentError(
          absl::StrCat("Cast transformation does not support casting to ",
                       Av(convert::JavaTypeName(*type)), "; supported types are ", kSupportedOutputs));
    }
    if (parts.size() == 1) {
      spec.whole_value = type;
      whole_value_cast = true;
    } else {
      const std::string field = JavaTrim(parts[0]);
      if (spec.casts.find(field) == spec.casts.end()) insertion_order.push_back(field);
      spec.casts[field] = *type;
    }
  }
  if (whole_value_cast && mappings.size() > 1) {
    return absl::InvalidArgumentError(
        "Cast transformations that specify a type to cast the entire value to may only specify "
        "a single cast in their spec");
  }
  // Java keeps the spec in a HashMap<String, Schema.Type> and walks it in its order.
  std::vector<MapEntry> keys;
  for (const std::string& f : insertion_order) keys.push_back({Value::String(f), Value()});
  convert::OrderAsJavaHashMap(keys);
  for (const MapEntry& e : keys) spec.cast_order.push_back(e.key.string());
  return spec;
}

// A value as the Java object Cast sees: numbers keep their Java class.
struct BigDecimalValue {
  std::string unscaled;  // big-endian two's complement
  int32_t scale;
};

// ---- Java's number conversions ----

int32_t DoubleToInt(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  if (d <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(d);
}
int64_t DoubleToLong(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (d <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// BigDecimal.longValue(): the low 64 bits of the integer part.
int64_t BigDecimalLongValue(const BigDecimalValue& d) {
  const std::string text = JavaBigDecimalToString(d.unscaled, d.scale);
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  std::string digits;
  int64_t point = -1;
  int64_t exponent = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      point = static_cast<int64_t>(digits.size());
    } else if (c == 'E') {
      exponent = std::strtoll(text.c_str() + i + 1, nullptr, 10);
      break;
    } else {
      digits.push_back(c);
    }
  }
  if (point < 0) point = static_cast<int64_t>(digits.size());
  const int64_t int_digits = point + exponent;  // digits before the decimal point
  uint64_t acc = 0;
  for (int64_t k = 0; k < int_digits; ++k) {
    const int digit = k < static_cast<int64_t>(digits.size()) ? digits[k] - '0' : 0;
    acc = acc * 10 + static_cast<uint64_t>(digit);
  }
  if (negative) acc = 0 - acc;
  return static_cast<int64_t>(acc);
}
double BigDecimalDoubleValue(const BigDecimalValue& d) {
  return std::strtod(JavaBigDecimalToString(d.unscaled, d.scale).c_str(), nullptr);
}
float BigDecimalFloatValue(const BigDecimalValue& d) {
  return std::strtof(JavaBigDecimalToString(d.unscaled, d.scale).c_str(), nullptr);
}

// A java.lang.Number.
using JavaNumber = std::variant<int64_t, float, double, BigDecimalValue>;

int64_t LongValue(const JavaNumber& n) {
  if (const auto* i = std::get_if<int64_t>(&n)) return *i;
  if (const auto* f = std::get_if<float>(&n)) return DoubleToLong(*f);
  if (const auto* d = std::get_if<double>(&n)) return DoubleToLong(*d);
  return BigDecimalLongValue(std::get<BigDecimalValue>(n));
}
int32_t IntValue(const JavaNumber& n) {
  if (const auto* f = std::get_if<float>(&n)) return DoubleToInt(*f);
  if (const auto* d = std::get_if<double>(&n)) return DoubleToInt(*d);
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(LongValue(n))));
}
double DoubleValue(const JavaNumber& n) {
  if (const auto* i = std::get_if<int64_t>(&n)) return static_cast<double>(*i);
  if (const auto* f = std::get_if<float>(&n)) return *f;
  if (const auto* d = std::get_if<double>(&n)) return *d;
  return BigDecimalDoubleValue(std::get<BigDecimalValue>(n));
}
float FloatValue(const JavaNumber& n) {
  if (const auto* i = std::get_if<int64_t>(&n)) return static_cast<float>(*i);
  if (const auto* f = std::get_if<float>(&n)) return *f;
  if (const auto* d = std::get_if<double>(&n)) return static_cast<float>(*d);
  return BigDecimalFloatValue(std::get<BigDecimalValue>(n));
}

// ---- Java's string parsing ----

absl::Status NumberFormat(std::string_view value_text, std::string_view cause) {
  return convert::DataError(
      absl::StrCat("Value (", Av(value_text), ") was out of range for requested data type"),
      absl::StrCat("java.lang.NumberFormatException: ", Av(cause)));
}
std::string ForInputString(std::string_view s) {
  return absl::StrCat("For input string: \"", Av(s), "\"");
}

// Long.parseLong / Integer.parseInt in range [min, max].
absl::StatusOr<int64_t> ParseJavaInteger(const std::string& s, int64_t min, int64_t max,
                                         bool range_message) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return NumberFormat(s, ForInputString(s));
  // Accumulated in a double beyond 2^63 is enough to know it is out of range.
  uint64_t acc = 0;
  bool huge = false;
  for (; i < s.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) {
      return NumberFormat(s, ForInputString(s));
    }
    if (acc > (std::numeric_limits<uint64_t>::max() - 9) / 10) huge = true;
    if (!huge) acc = acc * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (huge || acc > limit) return NumberFormat(s, ForInputString(s));
  const int64_t v = negative ? static_cast<int64_t>(0 - acc) : static_cast<int64_t>(acc);
  // Byte and Short parse as int, then check their own range with a message of their own.
  const int64_t int_min = range_message ? std::numeric_limits<int32_t>::min() : min;
  const int64_t int_max = range_message ? std::numeric_limits<int32_t>::max() : max;
  if (v < int_min || v > int_max) return NumberFormat(s, ForInputString(s));
  if (v < min || v > max) {
    return NumberFormat(s, absl::StrCat("Value out of range. Value:\"", s, "\" Radix:10"));
  }
  return v;
}

// Double.parseDouble / Float.parseFloat: FloatingDecimal's grammar.
absl::StatusOr<double> ParseJavaFloating(const std::string& original, bool as_float) {
  const std::string s = JavaTrim(original);
  if (s.empty()) return NumberFormat(original, "empty String");
  size_t i = 0;
  bool negative = false;
  if (s[i] == '+' || s[i] == '-') negative = s[i++] == '-';
  const std::string body = s.substr(i);
  const double sign = negative ? -1.0 : 1.0;
  if (body == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (body == "Infinity") return sign * std::numeric_limits<double>::infinity();
  std::string number = body;
  if (!number.empty() && std::string("fFdD").find(number.back()) != std::string::npos) {
    number.pop_back();
  }
  bool valid = false;
  if (number.size() > 2 && number[0] == '0' && (number[1] == 'x' || number[1] == 'X')) {
    // Hexadecimal: 0x<hex>[.<hex>]p<exp>, the exponent required.
    size_t k = 2;
    size_t hex_digits = 0;
    while (k < number.size() && absl::ascii_isxdigit(static_cast<unsigned char>(number[k]))) {
      ++k;
      ++hex_digits;
    }
    if (k < number.size() && number[k] == '.') {
      ++k;
      while (k < number.size() && absl::ascii_isxdigit(static_cast<unsigned char>(number[k]))) {
        ++k;
        ++hex_digits;
      }
    }
    if (hex_digits > 0 && k < number.size() && (number[k] == 'p' || number[k] == 'P')) {
      ++k;
      if (k < number.size() && (number[k] == '+' || number[k] == '-')) ++k;
      const size_t exp_start = k;
      while (k < number.size() && absl::ascii_isdigit(static_cast<unsigned char>(number[k]))) ++k;
      valid = k > exp_start && k == number.size();
    }
  } else {
    size_t k = 0;
    size_t digits = 0;
    while (k < number.size() && absl::ascii_isdigit(static_cast<unsigned char>(number[k]))) {
      ++k;
      ++digits;
    }
    if (k < number.size() && number[k] == '.') {
      ++k;
      while (k < number.size() && absl::ascii_isdigit(static_cast<unsigned char>(number[k]))) {
        ++k;
        ++digits;
      }
    }
    valid = digits > 0;
    if (valid && k < number.size() && (number[k] == 'e' || number[k] == 'E')) {
      ++k;
      if (k < number.size() && (number[k] == '+' || number[k] == '-')) ++k;
      const size_t exp_start = k;
      while (k < number.size() && absl::ascii_isdigit(static_cast<unsigned char>(number[k]))) ++k;
      valid = k > exp_start;
    }
    valid = valid && k == number.size();
  }
  if (!valid) return NumberFormat(original, ForInputString(original));
  if (as_float) return sign * static_cast<double>(std::strtof(number.c_str(), nullptr));
  return sign * std::strtod(number.c_str(), nullptr);
}

// ---- Cast.castValueToType ----

// Values.dateFormatFor(date).format(date) in UTC.
std::string IsoDateText(int64_t millis) {
  const char* pattern = millis < 86400000          ? "HH:mm:ss.SSS'Z'"
                        : millis % 86400000 == 0 ? "yyyy-MM-dd"
                                                 : "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
  return SimpleDateFormat::Create(pattern)->Format(millis);
}

std::optional<SchemaType> SchemaTypeOfValue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBoolean: return SchemaType::kBoolean;
    case Value::Kind::kInt8: return SchemaType::kInt8;
    case Value::Kind::kInt16: return SchemaType::kInt16;
    case Value::Kind::kInt32: return SchemaType::kInt32;
    case Value::Kind::kInt64: return SchemaType::kInt64;
    case Value::Kind::kFloat32: return SchemaType::kFloat32;
    case Value::Kind::kFloat64: return SchemaType::kFloat64;
    case Value::Kind::kString: return SchemaType::kString;
    case Value::Kind::kBytes: return SchemaType::kBytes;
    case Value::Kind::kArray: return SchemaType::kArray;
    case Value::Kind::kMap: return SchemaType::kMap;
    case Value::Kind::kStruct: return SchemaType::kStruct;
    default: return std::nullopt;
  }
}

// The value's logical meaning under `schema`: epoch millis for Date/Time/Timestamp.
std::optional<int64_t> LogicalDateMillis(const Schema* schema, const Value& v) {
  if (schema == nullptr || !v.is_integer()) return std::nullopt;
  if (schema->name() == kDateLogicalName) return v.integer() * 86400000;
  if (schema->name() == kTimeLogicalName || schema->name() == kTimestampLogicalName) {
    return v.integer();
  }
  return std::nullopt;
}

absl::StatusOr<Value> CastValueToType(const Schema* schema, const Value& value,
                                      SchemaType target) {
  if (value.is_null()) return Value();
  std::optional<SchemaType> inferred =
      schema != nullptr ? std::optional<SchemaType>(schema->type()) : SchemaTypeOfValue(value);
  if (!inferred.has_value()) {
    return convert::DataError(absl::StrCat("Cast transformation was passed a value of type ",
                                           Av(convert::JavaClassName(value.kind())),
                                           " which is not supported by Connect's data API"));
  }
  if (!IsCastInput(*inferred)) {
    return convert::DataError(absl::StrCat("Cast transformation does not support casting from ",
                                           Av(convert::JavaTypeName(*inferred)),
                                           "; supported types are ", kSupportedInputs));
  }
  const bool decimal = schema != nullptr && schema->name() == kDecimalLogicalName &&
                       value.kind() == Value::Kind::kBytes;
  if (target == SchemaType::kString) {
    if (std::optional<int64_t> millis = LogicalDateMillis(schema, value)) {
      return Value::String(IsoDateText(*millis));
    }
    if (decimal) {
      auto it = schema->parameters().find(std::string(kDecimalScaleParameter));
      const int32_t scale = value.decimal_scale().value_or(
          it == schema->parameters().end() ? 0 : std::atoi(it->second.c_str()));
      return Value::String(JavaBigDecimalToString(value.bytes(), scale));
    }
    switch (value.kind()) {
      case Value::Kind::kBoolean: return Value::String(value.boolean() ? "true" : "false");
      case Value::Kind::kInt8:
      case Value::Kind::kInt16:
      case Value::Kind::kInt32:
      case Value::Kind::kInt64: return Value::String(std::to_string(value.integer()));
      case Value::Kind::kFloat32:
        return Value::String(JavaFloatToString(static_cast<float>(value.floating())));
      case Value::Kind::kFloat64: return Value::String(JavaDoubleToString(value.floating()));
      case Value::Kind::kString: return value;
      case Value::Kind::kBytes: return Value::String(formats::Base64Encode(value.bytes()));
      default: break;
    }
    return convert::DataError(absl::StrCat("Unexpected type in Cast transformation: ",
                                           Av(convert::JavaClassName(value.kind()))));
  }
  // The Java object: a Number, a Boolean, a String or something else.
  std::optional<JavaNumber> number;
  if (decimal) {
    auto it = schema->parameters().find(std::string(kDecimalScaleParameter));
    const int32_t scale = value.decimal_scale().value_or(
        it == schema->parameters().end() ? 0 : std::atoi(it->second.c_str()));
    number = BigDecimalValue{value.bytes(), scale};
  } else if (value.is_integer()) {
    number = value.integer();
  } else if (value.kind() == Value::Kind::kFloat32) {
    number = static_cast<float>(value.floating());
  } else if (value.kind() == Value::Kind::kFloat64) {
    number = value.floating();
  }
  if (number.has_value()) {
    switch (target) {
      case SchemaType::kInt8: return Value::Int8(static_cast<int8_t>(IntValue(*number)));
      case SchemaType::kInt16: return Value::Int16(static_cast<int16_t>(IntValue(*number)));
      case SchemaType::kInt32: return Value::Int32(IntValue(*number));
      case SchemaType::kInt64: return Value::Int64(LongValue(*number));
      case SchemaType::kFloat32: return Value::Float32(FloatValue(*number));
      case SchemaType::kFloat64: return Value::Float64(DoubleValue(*number));
      case SchemaType::kBoolean: return Value::Boolean(LongValue(*number) != 0);
      default: break;
    }
  } else if (value.kind() == Value::Kind::kBoolean) {
    const bool b = value.boolean();
    switch (target) {
      case SchemaType::kInt8: return Value::Int8(b ? 1 : 0);
      case SchemaType::kInt16: return Value::Int16(b ? 1 : 0);
      case SchemaType::kInt32: return Value::Int32(b ? 1 : 0);
      case SchemaType::kInt64: return Value::Int64(b ? 1 : 0);
      case SchemaType::kFloat32: return Value::Float32(b ? 1.f : 0.f);
      case SchemaType::kFloat64: return Value::Float64(b ? 1. : 0.);
      case SchemaType::kBoolean: return value;
      default: break;
    }
  } else if (value.kind() == Value::Kind::kString) {
    const std::string& s = value.string();
    switch (target) {
      case SchemaType::kInt8: {
        absl::StatusOr<int64_t> v = ParseJavaInteger(s, -128, 127, true);
        if (!v.ok()) return v.status();
        return Value::Int8(static_cast<int8_t>(*v));
      }
      case SchemaType::kInt16: {
        absl::StatusOr<int64_t> v = ParseJavaInteger(s, -32768, 32767, true);
        if (!v.ok()) return v.status();
        return Value::Int16(static_cast<int16_t>(*v));
      }
      case SchemaType::kInt32: {
        absl::StatusOr<int64_t> v = ParseJavaInteger(s, std::numeric_limits<int32_t>::min(),
                                                     std::numeric_limits<int32_t>::max(), false);
        if (!v.ok()) return v.status();
        return Value::Int32(static_cast<int32_t>(*v));
      }
      case SchemaType::kInt64: {
        absl::StatusOr<int64_t> v = ParseJavaInteger(s, std::numeric_limits<int64_t>::min(),
                                                     std::numeric_limits<int64_t>::max(), false);
        if (!v.ok()) return v.status();
        return Value::Int64(*v);
      }
      case SchemaType::kFloat32: {
        absl::StatusOr<double> v = ParseJavaFloating(s, true);
        if (!v.ok()) return v.status();
        return Value::Float32(static_cast<float>(*v));
      }
      case SchemaType::kFloat64: {
        absl::StatusOr<double> v = ParseJavaFloating(s, false);
        if (!v.ok()) return v.status();
        return Value::Float64(*v);
      }
      case SchemaType::kBoolean:
        return Value::Boolean(absl::AsciiStrToLower(s) == "true");
      default: break;
    }
  }
  return convert::DataError(absl::StrCat("Unexpected type in Cast transformation: ",
                                         Av(convert::JavaClassName(value.kind()))));
}

// SchemaUtil.copySchemaBasics(source, builder) onto a builder of another type.
SchemaBuilder CopyBasicsOnto(const Schema& source, SchemaBuilder builder) {
  if (!source.name().empty()) builder.Name(source.name());
  if (source.version().has_value()) builder.Version(*source.version());
  if (!source.doc().empty()) builder.Doc(source.doc());
  for (const auto& [k, v] : source.parameters()) builder.Parameter(k, v);
  return builder;
}

absl::Status SchemaBuildError(const absl::Status& status) {
  return convert::DataError(Sv(status.message()));
}

class Cast final : public Transformation {
 public:
  Cast(bool key, Spec spec, bool replace_null_with_default)
      : key_(key), spec_(std::move(spec)), replace_null_with_default_(replace_null_with_default) {}

  absl::StatusOr<bool> Apply(ConnectRecord& record) override {
    SchemaPtr& schema = key_ ? record.key_schema : record.value_schema;
    Value& value = key_ ? record.key : record.value;
    if (value.is_null()) return true;
    if (schema == nullptr) {
      absl::StatusOr<Value> updated = ApplySchemaless(value);
      if (!updated.ok()) return updated.status();
      value = *std::move(updated);
      return true;
    }
    absl::StatusOr<SchemaPtr> updated_schema = UpdatedSchema(schema);
    if (!updated_schema.ok()) return updated_schema.status();
    if (spec_.whole_value.has_value()) {
      absl::StatusOr<Value> cast = CastValueToType(schema.get(), value, *spec_.whole_value);
      if (!cast.ok()) return cast.status();
      schema = *updated_schema;
      value = *std::move(cast);
      return true;
    }
    absl::StatusOr<const Struct*> in = RequireStruct(value, kPurpose);
    if (!in.ok()) return in.status();
    Struct out(*updated_schema);
    const std::vector<Field>& fields = (*in)->schema()->fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      const Field& field = fields[i];
      Value original = replace_null_with_default_ ? (*in)->Get(field.name) : (*in)->values()[i];
      auto it = spec_.casts.find(field.name);
      Value next = std::move(original);
      if (it != spec_.casts.end()) {
        absl::StatusOr<Value> cast = CastValueToType(field.schema.get(), next, it->second);
        if (!cast.ok()) return cast.status();
        next = *std::move(cast);
      }
      absl::Status put = out.Put(field.name, std::move(next));
      if (!put.ok()) return convert::DataError(Sv(put.message()));
    }
    schema = *updated_schema;
    value = Value::FromStruct(std::move(out));
    return true;
  }

 private:
  absl::StatusOr<Value> ApplySchemaless(const Value& value) {
    if (spec_.whole_value.has_value()) return CastValueToType(nullptr, value, *spec_.whole_value);
    absl::StatusOr<const std::vector<MapEntry>*> map = RequireMap(value, kPurpose);
    if (!map.ok()) return map.status();
    // new HashMap<>(value), then put each cast in the spec's HashMap order.
    std::vector<MapEntry> entries = **map;
    for (const std::string& field : spec_.cast_order) {
      const Value* original = value.Find(field);
      absl::StatusOr<Value> cast = CastValueToType(
          nullptr, original == nullptr ? Value() : *original, spec_.casts.at(field));
      if (!cast.ok()) return cast.status();
      bool replaced = false;
      for (MapEntry& e : entries) {
        if (e.key.kind() == Value::Kind::kString && e.key.string() == field) {
          e.value = *cast;
          replaced = true;
          break;
        }
      }
      if (!replaced) entries.push_back({Value::String(field), *std::move(cast)});
    }
    convert::OrderAsJavaHashMap(entries, convert::JavaHashMapCapacity::CopyOf((*map)->size()));
    return Value::Map(std::move(entries));
  }

  static SchemaBuilder BuilderFor(SchemaType type) { return SchemaBuilder(type); }

  absl::StatusOr<SchemaPtr> UpdatedSchema(const SchemaPtr& schema) {
    if (SchemaPtr cached = cache_.Get(schema)) return cached;
    SchemaBuilder builder(SchemaType::kStruct);
    SchemaType type = SchemaType::kStruct;
    if (spec_.whole_value.has_value()) {
      type = *spec_.whole_value;
      builder = CopyBasicsOnto(*schema, SchemaBuilder(type));
    } else {
      builder = CopyBasicsOnto(*schema, SchemaBuilder::Struct());
      for (const Field& field : schema->fields()) {
        auto it = spec_.casts.find(field.name);
        if (it == spec_.casts.end()) {
          builder.Field(field.name, field.schema);
          continue;
        }
        SchemaBuilder field_builder(it->second);
        if (field.schema->optional()) field_builder.Optional();
        if (field.schema->default_value() != nullptr) {
          absl::StatusOr<Value> d =
              CastValueToType(field.schema.get(), *field.schema->default_value(), it->second);
          if (!d.ok()) return d.status();
          field_builder.Default(*std::move(d));
        }
        absl::StatusOr<SchemaPtr> built = field_builder.Build();
        if (!built.ok()) return SchemaBuildError(built.status());
        builder.Field(field.name, *built);
      }
    }
    if (schema->optional()) builder.Optional();
    if (schema->default_value() != nullptr) {
      absl::StatusOr<Value> d = CastValueToType(schema.get(), *schema->default_value(), type);
      if (!d.ok()) return d.status();
      builder.Default(*std::move(d));
    }
    absl::StatusOr<SchemaPtr> built = builder.Build();
    if (!built.ok()) return SchemaBuildError(built.status());
    cache_.Put(schema, *built);
    return *built;
  }

  const bool key_;
  const Spec spec_;
  const bool replace_null_with_default_;
  SchemaCache cache_;
};

ConfigDef CastConfigDef() {
  ConfigDef def;
  def.Define({.name = "spec",
              .type = ConfigType::kList,
              .validator = [](const std::string&, const ConfigValue& v) -> absl::Status {
                const auto* list = std::get_if<std::vector<std::string>>(&v);
                if (list == nullptr || list->empty()) {
                  return absl::InvalidArgumentError("Must specify at least one field to cast.");
                }
                return ParseSpec(*list).status();
              },
              .validator_doc = "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>",
              .importance = ConfigImportance::kHigh,
              .documentation =
                  "List of fields and the type to cast them to of the form field1:type,field2:type "
                  "to cast fields of Maps or Structs. A single type to cast the entire value. "
                  "Valid types are int8, int16, int32, int64, float32, float64, boolean, and "
                  "string. Note that binary fields can only be cast to string."});
  def.Define({.name = "replace.null.with.default",
              .type = ConfigType::kBoolean,
              .default_value = "true",
              .importance = ConfigImportance::kMedium,
              .documentation = kReplaceNullDoc});
  return def;
}

TransformationClass CastClass(bool key) {
  TransformationClass c;
  c.class_name = key ? "org.apache.kafka.connect.transforms.Cast$Key"
                     : "org.apache.kafka.connect.transforms.Cast$Value";
  c.version = SLUICE_TRANSFORMS_VERSION;
  c.config = CastConfigDef();
  c.create = [key](const ConfigMap& props) -> absl::StatusOr<std::unique_ptr<Transformation>> {
    absl::StatusOr<ParsedConfig> config = ParseTransformConfig(CastConfigDef(), props);
    if (!config.ok()) return config.status();
    absl::StatusOr<Spec> spec = ParseSpec(config->GetList("spec"));
    if (!spec.ok()) return convert::ConfigError(Sv(spec.status().message()));
    return std::unique_ptr<Transformation>(
        new Cast(key, *std::move(spec), config->GetBool("replace.null.with.default")));
  };
  return c;
}

}  // namespace

std::vector<TransformationClass> CastClasses() { return {CastClass(true), CastClass(false)}; }

}  // namespace sluice::transforms
