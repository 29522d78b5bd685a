#include "server/transforms/mask_field.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "server/convert/java_hash_map.h"
#include "server/transforms/builtins.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/map_entries_builder.h"
#include "server/transforms/requirements.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr std::string_view kPurpose = "mask fields";
constexpr char kFields[] = "fields";
constexpr char kReplacement[] = "replacement";

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// A number as java.math.BigDecimal(String) reads it: unscaled digits and a scale.
struct JavaDecimal {
  bool negative = false;
  std::string digits;  // at least one, leading zeros kept
  int64_t scale = 0;   // value = digits * 10^-scale
};

// new BigDecimal(text): an optional sign, digits with an optional point (at least one digit),
// an optional exponent; nullopt where Java throws NumberFormatException.
std::optional<JavaDecimal> ParseJavaDecimal(std::string_view text) {
  JavaDecimal d;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) d.negative = text[i++] == '-';
  int64_t fraction_digits = 0;
  for (; i < text.size() && absl::ascii_isdigit(text[i]); ++i) d.digits += text[i];
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && absl::ascii_isdigit(text[i]); ++i) {
      d.digits += text[i];
      ++fraction_digits;
    }
  }
  if (d.digits.empty()) return std::nullopt;
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
    if (i == text.size()) return std::nullopt;
    for (; i < text.size() && absl::ascii_isdigit(text[i]); ++i) {
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > std::numeric_limits<int32_t>::max()) return std::nullopt;
    }
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  d.scale = fraction_digits - exponent;
  if (d.scale < std::numeric_limits<int32_t>::min() || d.scale > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return d;
}

// BigDecimal.longValue(): the integer part, truncated, in its low 64 bits.
int64_t LongValue(const JavaDecimal& d) {
  uint64_t v = 0;
  const size_t keep = d.scale <= 0 ? d.digits.size()
                                   : (static_cast<uint64_t>(d.scale) >= d.digits.size()
                                          ? 0
                                          : d.digits.size() - static_cast<size_t>(d.scale));
  for (size_t i = 0; i < keep; ++i) v = v * 10 + static_cast<uint64_t>(d.digits[i] - '0');
  // 10^64 is a multiple of 2^64, so more zeros than that leave nothing in the low bits.
  for (int64_t z = 0; d.scale < 0 && z < std::min<int64_t>(-d.scale, 64); ++z) v *= 10;
  if (d.negative) v = ~v + 1;
  return static_cast<int64_t>(v);
}

// BigDecimal.doubleValue(): correctly rounded, as strtod is.
double DoubleValue(const JavaDecimal& d) {
  if (d.digits.find_first_not_of('0') == std::string::npos) return 0.0;  // BigDecimal has no -0
  const std::string text = absl::StrCat(d.negative ? "-" : "", d.digits, "e", -d.scale);
  return std::strtod(text.c_str(), nullptr);
}

bool IsLogical(const Schema* schema, std::string_view name) {
  return schema != nullptr && schema->name() == name;
}

// The Java class of the object Kafka Connect carries for `value` under `schema`.
std::string_view JavaClassFor(const Value& value, const Schema* schema) {
  if (IsLogical(schema, kDecimalLogicalName)) return "class java.math.BigDecimal";
  if (IsLogical(schema, kDateLogicalName) || IsLogical(schema, kTimeLogicalName) ||
      IsLogical(schema, kTimestampLogicalName)) {
    return "class java.util.Date";
  }
  return convert::JavaClassName(value.kind());
}

int32_t DecimalScale(const Schema& schema) {
  auto it = schema.parameters().find(std::string(kDecimalScaleParameter));
  return it == schema.parameters().end() ? 0 : std::atoi(it->second.c_str());
}

}  // namespace

ConfigDef MaskFieldConfigDef() {
  ConfigDef def;
  ConfigKey fields;
  fields.name = kFields;
  fields.type = ConfigType::kList;
  fields.validator = NonEmptyListValidator();
  fields.validator_doc = std::string(kNonEmptyListValidatorDoc);
  fields.importance = ConfigImportance::kHigh;
  fields.documentation = "Names of fields to mask.";
  def.Define(std::move(fields));
  ConfigKey replacement;
  replacement.name = kReplacement;
  replacement.type = ConfigType::kString;
  replacement.null_default = true;
  replacement.validator = validators::NonEmptyString();
  replacement.validator_doc = std::string(kNonEmptyStringValidatorDoc);
  replacement.importance = ConfigImportance::kLow;
  replacement.documentation =
      "Custom value replacement, that will be applied to all 'fields' values (numeric or "
      "non-empty string values only).";
  def.Define(std::move(replacement));
  def.Define(ReplaceNullWithDefaultConfigKey());
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> MaskField::Create(const ConfigMap& config,
                                                                 RecordPart part) {
  static const ConfigDef* const kDef = new ConfigDef(MaskFieldConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<MaskField> t(new MaskField(part));
  const std::vector<std::string> fields = parsed->GetList(kFields);
  // new HashSet<>(list): a HashMap of max(size / .75 + 1, 16) buckets.
  const size_t capacity =
      std::max<size_t>(static_cast<size_t>(static_cast<float>(fields.size()) / .75f) + 1, 16);
  MapEntriesBuilder set =
      MapEntriesBuilder::HashMap(convert::JavaHashMapCapacity::WithInitialCapacity(capacity));
  for (const std::string& f : fields) set.Put(Value::String(f), Value());
  for (const MapEntry& e : std::move(set).Finish()) {
    t->fields_in_set_order_.push_back(e.key.string());
  }
  t->fields_.insert(fields.begin(), fields.end());
  t->replacement_ = parsed->GetOptionalString(kReplacement);
  t->replace_null_with_default_ = parsed->GetBool(kReplaceNullWithDefaultConfig);
  return std::unique_ptr<Transformation>(std::move(t));
}

absl::StatusOr<bool> MaskField::Apply(ConnectRecord& record) {
  Value& value = PartValue(record, part_);
  if (PartSchema(record, part_) == nullptr) {
    absl::StatusOr<const std::vector<MapEntry>*> map = RequireMap(value, kPurpose);
    if (!map.ok()) return map.status();
    MapEntriesBuilder updated = MapEntriesBuilder::HashMapCopyOf(**map);
    for (const std::string& field : fields_in_set_order_) {
      const Value* original = value.Find(field);
      absl::StatusOr<Value> masked = Masked(original == nullptr ? Value() : *original, nullptr);
      if (!masked.ok()) return masked.status();
      updated.Put(Value::String(field), *std::move(masked));
    }
    value = Value::Map(std::move(updated).Finish());
    return true;
  }
  absl::StatusOr<const Struct*> in = RequireStruct(value, kPurpose);
  if (!in.ok()) return in.status();
  Struct out((*in)->schema());
  for (const Field& field : (*in)->schema()->fields()) {
    const Value& original = GetField(**in, field, replace_null_with_default_);
    absl::StatusOr<Value> v = original;
    if (fields_.count(field.name) != 0) v = Masked(original, field.schema.get());
    if (!v.ok()) return v.status();
    absl::Status put = PutField(out, field.name, *std::move(v));
    if (!put.ok()) return put;
  }
  value = Value::FromStruct(std::move(out));
  return true;
}

absl::StatusOr<Value> MaskField::Masked(const Value& value, const Schema* schema) const {
  if (value.is_null()) return Value();
  const bool is_decimal = IsLogical(schema, kDecimalLogicalName);
  const bool is_date = IsLogical(schema, kDateLogicalName) || IsLogical(schema, kTimeLogicalName) ||
                       IsLogical(schema, kTimestampLogicalName);
  if (!replacement_.has_value()) {
    // The type's empty value. (A Date/Time/Timestamp becomes the epoch, whose encoding is 0; a
    // Decimal becomes BigDecimal.ZERO, whose unscaled value is 0 at any scale.)
    switch (value.kind()) {
      case Value::Kind::kBoolean: return Value::Boolean(false);
      case Value::Kind::kInt8: return Value::Int8(0);
      case Value::Kind::kInt16: return Value::Int16(0);
      case Value::Kind::kInt32: return Value::Int32(0);
      case Value::Kind::kInt64: return Value::Int64(0);
      case Value::Kind::kFloat32: return Value::Float32(0);
      case Value::Kind::kFloat64: return Value::Float64(0);
      case Value::Kind::kString: return Value::String("");
      case Value::Kind::kTimestamp: return Value::Timestamp(0);
      case Value::Kind::kArray: return Value::Array({});
      case Value::Kind::kMap: return Value::Map({});
      case Value::Kind::kBytes:
        // BigDecimal.ZERO has scale 0 whatever the schema's (Kafka Connect then prints "0" and
        // its JsonConverter refuses the mismatching scale).
        if (is_decimal) {
          return DecimalScale(*schema) == 0 ? Value::Bytes(std::string(1, '\0'))
                                            : Value::Decimal(std::string(1, '\0'), 0);
        }
        break;
      default:
        break;
    }
    return convert::DataError(
        absl::StrCat("Cannot mask value of type: ", Av(JavaClassFor(value, schema))));
  }
  const std::string& text = *replacement_;
  if (is_decimal) {
    std::optional<JavaDecimal> d = ParseJavaDecimal(text);
    if (!d.has_value()) {
      return convert::DataError(
          absl::StrCat("Unable to convert ", text, " (class java.lang.String) to number"));
    }
    // new BigDecimal(replacement): the replacement's own scale.
    absl::StatusOr<std::string> unscaled =
        DecimalFromString(absl::StrCat(d->negative ? "-" : "", d->digits), 0);
    if (!unscaled.ok()) {
      return convert::DataError(
          absl::StrCat("Unable to convert ", text, " (class java.lang.String) to number"));
    }
    if (d->scale == DecimalScale(*schema)) return Value::Bytes(*std::move(unscaled));
    return Value::Decimal(*std::move(unscaled), d->scale);
  }
  const bool numeric = !is_date && (value.is_integer() || value.kind() == Value::Kind::kFloat32 ||
                                    value.kind() == Value::Kind::kFloat64);
  if (numeric) {
    std::optional<JavaDecimal> d = ParseJavaDecimal(text);
    if (!d.has_value()) {
      return convert::DataError(
          absl::StrCat("Unable to convert ", text, " (class java.lang.String) to a number"));
    }
    switch (value.kind()) {
      case Value::Kind::kInt8: return Value::Int8(static_cast<int8_t>(LongValue(*d)));
      case Value::Kind::kInt16: return Value::Int16(static_cast<int16_t>(LongValue(*d)));
      case Value::Kind::kInt32: return Value::Int32(static_cast<int32_t>(LongValue(*d)));
      case Value::Kind::kInt64: return Value::Int64(LongValue(*d));
      case Value::Kind::kFloat32: return Value::Float32(static_cast<float>(DoubleValue(*d)));
      default: return Value::Float64(DoubleValue(*d));
    }
  }
  if (value.kind() == Value::Kind::kString) return Value::String(text);
  return convert::DataError(absl::StrCat("Cannot mask value of type ",
                                         Av(JavaClassFor(value, schema)),
                                         " with custom replacement."));
}

std::vector<TransformationClass> MaskFieldClasses() {
  return KeyValueClasses(kMaskFieldClass, MaskFieldConfigDef(), &MaskField::Create);
}

}  // namespace sluice::transforms
