// The Connect data model: schemas, values, structs, validation and the Decimal helpers.
#include "sluice/sdk/data.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "sluice/sdk/internal/check.h"

namespace sluice {
namespace {

// Debian's Abseil has its own string_view type, distinct from std::string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Java's Schema.Type names, used in error messages ("INT32").
std::string UpperTypeName(SchemaType type) {
  return absl::AsciiStrToUpper(Sv(SchemaTypeName(type)));
}

std::string_view KindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull: return "NULL";
    case Value::Kind::kBoolean: return "BOOLEAN";
    case Value::Kind::kInt8: return "INT8";
    case Value::Kind::kInt16: return "INT16";
    case Value::Kind::kInt32: return "INT32";
    case Value::Kind::kInt64: return "INT64";
    case Value::Kind::kFloat32: return "FLOAT32";
    case Value::Kind::kFloat64: return "FLOAT64";
    case Value::Kind::kString: return "STRING";
    case Value::Kind::kBytes: return "BYTES";
    case Value::Kind::kArray: return "ARRAY";
    case Value::Kind::kMap: return "MAP";
    case Value::Kind::kStruct: return "STRUCT";
    case Value::Kind::kTimestamp: return "TIMESTAMP";
  }
  return "UNKNOWN";
}

// The value kind that carries a schema type.
Value::Kind KindFor(SchemaType type) {
  switch (type) {
    case SchemaType::kInt8: return Value::Kind::kInt8;
    case SchemaType::kInt16: return Value::Kind::kInt16;
    case SchemaType::kInt32: return Value::Kind::kInt32;
    case SchemaType::kInt64: return Value::Kind::kInt64;
    case SchemaType::kFloat32: return Value::Kind::kFloat32;
    case SchemaType::kFloat64: return Value::Kind::kFloat64;
    case SchemaType::kBoolean: return Value::Kind::kBoolean;
    case SchemaType::kString: return Value::Kind::kString;
    case SchemaType::kBytes: return Value::Kind::kBytes;
    case SchemaType::kArray: return Value::Kind::kArray;
    case SchemaType::kMap: return Value::Kind::kMap;
    case SchemaType::kStruct: return Value::Kind::kStruct;
  }
  return Value::Kind::kNull;
}

bool SchemaPtrEquals(const SchemaPtr& a, const SchemaPtr& b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) return false;
  return a->Equals(*b);
}

// `location` follows Kafka Connect's wording: "" for a top-level value, `field: "id"`,
// `element of array field: "ids"`, ...
absl::Status ValidateAt(const Schema& schema, const Value& value, const std::string& location) {
  if (value.is_null()) {
    if (schema.optional()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("Invalid value: null used for required ",
                                                   location.empty() ? "value" : location,
                                                   ", schema type: ", UpperTypeName(schema.type())));
  }
  if (value.kind() != KindFor(schema.type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid value for schema type ", UpperTypeName(schema.type()), ": got ",
        Sv(KindName(value.kind())), location.empty() ? "" : " for ", location));
  }
  const std::string where = location.empty() ? "value" : location;
  switch (schema.type()) {
    case SchemaType::kStruct: {
      const Struct& s = value.struct_value();
      if (s.schema().get() != &schema && !s.schema()->Equals(schema)) {
        return absl::InvalidArgumentError(absl::StrCat("Struct schemas do not match",
                                                       location.empty() ? "" : " for ", location));
      }
      return s.Validate();
    }
    case SchemaType::kArray: {
      if (schema.value_schema() == nullptr) return absl::OkStatus();  // any elements
      const std::string element = absl::StrCat("element of array ", where);
      for (const Value& item : value.array()) {
        absl::Status s = ValidateAt(*schema.value_schema(), item, element);
        if (!s.ok()) return s;
      }
      return absl::OkStatus();
    }
    case SchemaType::kMap: {
      // A null key or value schema accepts anything there.
      const std::string key_loc = absl::StrCat("key of map ", where);
      const std::string value_loc = absl::StrCat("value of map ", where);
      for (const MapEntry& e : value.map()) {
        if (schema.key_schema() != nullptr) {
          absl::Status s = ValidateAt(*schema.key_schema(), e.key, key_loc);
          if (!s.ok()) return s;
        }
        if (schema.value_schema() != nullptr) {
          absl::Status s = ValidateAt(*schema.value_schema(), e.value, value_loc);
          if (!s.ok()) return s;
        }
      }
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

const Value& NullValue() {
  static const Value* const kNull = new Value();
  return *kNull;
}

// ---- arbitrary-length unsigned integers as big-endian base-256 digit strings ---------------

// Divides `mag` (big-endian bytes) by `divisor` in place; returns the remainder.
uint32_t DivideInPlace(std::vector<uint8_t>& mag, uint32_t divisor) {
  uint64_t rem = 0;
  for (uint8_t& b : mag) {
    uint64_t cur = (rem << 8) | b;
    b = static_cast<uint8_t>(cur / divisor);
    rem = cur % divisor;
  }
  return static_cast<uint32_t>(rem);
}

bool IsZero(const std::vector<uint8_t>& mag) {
  return std::all_of(mag.begin(), mag.end(), [](uint8_t b) { return b == 0; });
}

void NegateTwosComplement(std::vector<uint8_t>& bytes) {
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(~b);
  for (size_t i = bytes.size(); i-- > 0;) {
    if (++bytes[i] != 0) break;
  }
}

}  // namespace

std::string_view SchemaTypeName(SchemaType type) {
  switch (type) {
    case SchemaType::kInt8: return "int8";
    case SchemaType::kInt16: return "int16";
    case SchemaType::kInt32: return "int32";
    case SchemaType::kInt64: return "int64";
    case SchemaType::kFloat32: return "float32";
    case SchemaType::kFloat64: return "float64";
    case SchemaType::kBoolean: return "boolean";
    case SchemaType::kString: return "string";
    case SchemaType::kBytes: return "bytes";
    case SchemaType::kArray: return "array";
    case SchemaType::kMap: return "map";
    case SchemaType::kStruct: return "struct";
  }
  return "unknown";
}

bool IsPrimitive(SchemaType type) {
  return type != SchemaType::kArray && type != SchemaType::kMap && type != SchemaType::kStruct;
}

// ---- Schema ---------------------------------------------------------------------------------

const Field* Schema::FindField(std::string_view name) const {
  for (const Field& f : fields_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool Schema::Equals(const Schema& other) const {
  if (this == &other) return true;
  if (type_ != other.type_ || optional_ != other.optional_ || name_ != other.name_ ||
      version_ != other.version_ || doc_ != other.doc_ || parameters_ != other.parameters_) {
    return false;
  }
  if (fields_.size() != other.fields_.size()) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field& a = fields_[i];
    const Field& b = other.fields_[i];
    if (a.name != b.name || a.index != b.index || !SchemaPtrEquals(a.schema, b.schema)) {
      return false;
    }
  }
  if (!SchemaPtrEquals(key_schema_, other.key_schema_) ||
      !SchemaPtrEquals(value_schema_, other.value_schema_)) {
    return false;
  }
  if ((default_value_ == nullptr) != (other.default_value_ == nullptr)) return false;
  return default_value_ == nullptr || *default_value_ == *other.default_value_;
}

#define SLUICE_PREDEFINED_SCHEMA(Fn, type, optional)                   \
  const SchemaPtr& Schema::Fn() {                                      \
    static const SchemaPtr* const kSchema = [] {                       \
      SchemaBuilder b(type);                                           \
      if (optional) b.Optional();                                      \
      return new SchemaPtr(b.BuildOrDie());                            \
    }();                                                               \
    return *kSchema;                                                   \
  }

SLUICE_PREDEFINED_SCHEMA(Int8, SchemaType::kInt8, false)
SLUICE_PREDEFINED_SCHEMA(Int16, SchemaType::kInt16, false)
SLUICE_PREDEFINED_SCHEMA(Int32, SchemaType::kInt32, false)
SLUICE_PREDEFINED_SCHEMA(Int64, SchemaType::kInt64, false)
SLUICE_PREDEFINED_SCHEMA(Float32, SchemaType::kFloat32, false)
SLUICE_PREDEFINED_SCHEMA(Float64, SchemaType::kFloat64, false)
SLUICE_PREDEFINED_SCHEMA(Boolean, SchemaType::kBoolean, false)
SLUICE_PREDEFINED_SCHEMA(String, SchemaType::kString, false)
SLUICE_PREDEFINED_SCHEMA(Bytes, SchemaType::kBytes, false)
SLUICE_PREDEFINED_SCHEMA(OptionalInt8, SchemaType::kInt8, true)
SLUICE_PREDEFINED_SCHEMA(OptionalInt16, SchemaType::kInt16, true)
SLUICE_PREDEFINED_SCHEMA(OptionalInt32, SchemaType::kInt32, true)
SLUICE_PREDEFINED_SCHEMA(OptionalInt64, SchemaType::kInt64, true)
SLUICE_PREDEFINED_SCHEMA(OptionalFloat32, SchemaType::kFloat32, true)
SLUICE_PREDEFINED_SCHEMA(OptionalFloat64, SchemaType::kFloat64, true)
SLUICE_PREDEFINED_SCHEMA(OptionalBoolean, SchemaType::kBoolean, true)
SLUICE_PREDEFINED_SCHEMA(OptionalString, SchemaType::kString, true)
SLUICE_PREDEFINED_SCHEMA(OptionalBytes, SchemaType::kBytes, true)

#undef SLUICE_PREDEFINED_SCHEMA

// ---- SchemaBuilder --------------------------------------------------------------------------

SchemaBuilder::SchemaBuilder(SchemaType type) : schema_(new Schema()) { schema_->type_ = type; }

SchemaBuilder SchemaBuilder::Array(SchemaPtr value_schema) {
  SchemaBuilder b(SchemaType::kArray);
  b.schema_->value_schema_ = std::move(value_schema);
  return b;
}

SchemaBuilder SchemaBuilder::Map(SchemaPtr key_schema, SchemaPtr value_schema) {
  SchemaBuilder b(SchemaType::kMap);
  b.schema_->key_schema_ = std::move(key_schema);
  b.schema_->value_schema_ = std::move(value_schema);
  return b;
}

namespace {

// Stands, inside a builder, for an element, key or value schema that is null on purpose
// (ArrayOfNull and friends); Build() turns it into null. A plain null there is a mistake, which
// Build() reports.
const SchemaPtr& NullChildMarker() {
  static const SchemaPtr* const kMarker =
      new SchemaPtr(SchemaBuilder(SchemaType::kString).BuildOrDie());
  return *kMarker;
}

}  // namespace

SchemaBuilder SchemaBuilder::ArrayOfNull() { return Array(NullChildMarker()); }
SchemaBuilder SchemaBuilder::MapOfNull() { return Map(NullChildMarker(), NullChildMarker()); }
SchemaBuilder SchemaBuilder::MapWithNullKeys(SchemaPtr value_schema) {
  return Map(NullChildMarker(), std::move(value_schema));
}
SchemaBuilder SchemaBuilder::MapWithNullValues(SchemaPtr key_schema) {
  return Map(std::move(key_schema), NullChildMarker());
}

SchemaBuilder SchemaBuilder::Decimal(int32_t scale) {
  SchemaBuilder b(SchemaType::kBytes);
  b.Name(std::string(kDecimalLogicalName))
      .Version(1)
      .Parameter(std::string(kDecimalScaleParameter), std::to_string(scale));
  return b;
}

SchemaBuilder SchemaBuilder::Date() {
  SchemaBuilder b(SchemaType::kInt32);
  b.Name(std::string(kDateLogicalName)).Version(1);
  return b;
}

SchemaBuilder SchemaBuilder::Time() {
  SchemaBuilder b(SchemaType::kInt32);
  b.Name(std::string(kTimeLogicalName)).Version(1);
  return b;
}

SchemaBuilder SchemaBuilder::Timestamp() {
  SchemaBuilder b(SchemaType::kInt64);
  b.Name(std::string(kTimestampLogicalName)).Version(1);
  return b;
}

SchemaBuilder& SchemaBuilder::Optional() {
  schema_->optional_ = true;
  return *this;
}

SchemaBuilder& SchemaBuilder::Name(std::string name) {
  schema_->name_ = std::move(name);
  return *this;
}

SchemaBuilder& SchemaBuilder::Version(int32_t version) {
  schema_->version_ = version;
  return *this;
}

SchemaBuilder& SchemaBuilder::Doc(std::string doc) {
  schema_->doc_ = std::move(doc);
  return *this;
}

SchemaBuilder& SchemaBuilder::Parameter(std::string key, std::string value) {
  schema_->parameters_[std::move(key)] = std::move(value);
  return *this;
}

SchemaBuilder& SchemaBuilder::Default(Value value) {
  schema_->default_value_ = std::make_shared<const Value>(std::move(value));
  return *this;
}

SchemaBuilder& SchemaBuilder::Field(std::string name, SchemaPtr schema) {
  const int index = static_cast<int>(schema_->fields_.size());
  schema_->fields_.push_back(sluice::Field{std::move(name), index, std::move(schema)});
  return *this;
}

absl::StatusOr<SchemaPtr> SchemaBuilder::Build() const {
  auto built = std::shared_ptr<Schema>(new Schema(*schema_));
  if (!built->fields_.empty() && built->type_ != SchemaType::kStruct) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot create fields on type ", UpperTypeName(built->type_)));
  }
  for (size_t i = 0; i < built->fields_.size(); ++i) {
    const sluice::Field& f = built->fields_[i];
    if (f.schema == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("fieldSchema for field ", f.name, " cannot be null."));
    }
    for (size_t j = 0; j < i; ++j) {
      if (built->fields_[j].name == f.name) {
        return absl::InvalidArgumentError(
            absl::StrCat("Cannot create field because of field name duplication ", f.name));
      }
    }
  }
  if (built->type_ == SchemaType::kArray && built->value_schema_ == nullptr) {
    return absl::InvalidArgumentError("An ARRAY schema needs a value schema");
  }
  if (built->type_ == SchemaType::kMap &&
      (built->key_schema_ == nullptr || built->value_schema_ == nullptr)) {
    return absl::InvalidArgumentError("A MAP schema needs a key schema and a value schema");
  }
  if (built->type_ != SchemaType::kArray && built->type_ != SchemaType::kMap &&
      (built->key_schema_ != nullptr || built->value_schema_ != nullptr)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Only ARRAY and MAP schemas have element schemas, not ", UpperTypeName(built->type_)));
  }
  // (Only containers can hold the marker, which is a STRING schema built here.)
  if (built->type_ == SchemaType::kArray || built->type_ == SchemaType::kMap) {
    if (built->key_schema_ == NullChildMarker()) built->key_schema_ = nullptr;
    if (built->value_schema_ == NullChildMarker()) built->value_schema_ = nullptr;
  }
  if (built->default_value_ != nullptr) {
    // Checked against the schema as it would be without its default.
    std::shared_ptr<const Value> def = std::move(built->default_value_);
    built->default_value_ = nullptr;
    absl::Status valid = ValidateValue(built.get(), *def);
    if (!valid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid default value: ", valid.message()));
    }
    built->default_value_ = std::move(def);
  }
  return SchemaPtr(std::move(built));
}

SchemaPtr SchemaBuilder::BuildOrDie() const {
  absl::StatusOr<SchemaPtr> built = Build();
  SLUICE_CHECK(built.ok(), built.status().ToString().c_str());
  return *std::move(built);
}

// ---- Value ----------------------------------------------------------------------------------

Value::Value() : i_(0) {}

Value Value::Boolean(bool v) {
  Value out;
  out.kind_ = Kind::kBoolean;
  out.b_ = v;
  return out;
}

#define SLUICE_INTEGER_VALUE(Fn, ctype)  \
  Value Value::Fn(ctype v) {             \
    Value out;                           \
    out.kind_ = Kind::k##Fn;             \
    out.i_ = v;                          \
    return out;                          \
  }
SLUICE_INTEGER_VALUE(Int8, int8_t)
SLUICE_INTEGER_VALUE(Int16, int16_t)
SLUICE_INTEGER_VALUE(Int32, int32_t)
SLUICE_INTEGER_VALUE(Int64, int64_t)
#undef SLUICE_INTEGER_VALUE

Value Value::Float32(float v) {
  Value out;
  out.kind_ = Kind::kFloat32;
  out.d_ = v;
  return out;
}

Value Value::Float64(double v) {
  Value out;
  out.kind_ = Kind::kFloat64;
  out.d_ = v;
  return out;
}

Value Value::String(std::string v) {
  Value out;
  out.kind_ = Kind::kString;
  out.s_ = std::move(v);
  return out;
}

Value Value::Bytes(std::string v) {
  Value out;
  out.kind_ = Kind::kBytes;
  out.s_ = std::move(v);
  return out;
}

Value Value::Decimal(std::string unscaled_big_endian, int32_t scale) {
  Value out;
  out.kind_ = Kind::kBytes;
  out.s_ = std::move(unscaled_big_endian);
  out.has_scale_ = true;
  out.i_ = scale;
  return out;
}

std::optional<int32_t> Value::decimal_scale() const {
  if (kind_ != Kind::kBytes || !has_scale_) return std::nullopt;
  return static_cast<int32_t>(i_);
}

Value Value::Timestamp(int64_t epoch_millis) {
  Value out;
  out.kind_ = Kind::kTimestamp;
  out.i_ = epoch_millis;
  return out;
}

Value Value::Array(std::vector<Value> items) {
  Value out;
  out.kind_ = Kind::kArray;
  out.array_ = std::make_shared<const std::vector<Value>>(std::move(items));
  return out;
}

Value Value::Map(std::vector<MapEntry> entries) {
  Value out;
  out.kind_ = Kind::kMap;
  out.map_ = std::make_shared<const std::vector<MapEntry>>(std::move(entries));
  return out;
}

Value Value::FromStruct(Struct s) {
  Value out;
  out.kind_ = Kind::kStruct;
  out.struct_ = std::make_shared<const Struct>(std::move(s));
  return out;
}

bool Value::is_integer() const {
  return kind_ == Kind::kInt8 || kind_ == Kind::kInt16 || kind_ == Kind::kInt32 ||
         kind_ == Kind::kInt64;
}

bool Value::boolean() const {
  SLUICE_CHECK(kind_ == Kind::kBoolean, "Value::boolean() on a non-BOOLEAN value");
  return b_;
}

int64_t Value::integer() const {
  SLUICE_CHECK(is_integer(), "Value::integer() on a non-integer value");
  return i_;
}

double Value::floating() const {
  SLUICE_CHECK(kind_ == Kind::kFloat32 || kind_ == Kind::kFloat64,
               "Value::floating() on a non-float value");
  return d_;
}

const std::string& Value::string() const {
  SLUICE_CHECK(kind_ == Kind::kString, "Value::string() on a non-STRING value");
  return s_;
}

const std::string& Value::bytes() const {
  SLUICE_CHECK(kind_ == Kind::kBytes, "Value::bytes() on a non-BYTES value");
  return s_;
}

std::string Value::ReleaseString() {
  SLUICE_CHECK(kind_ == Kind::kString || kind_ == Kind::kBytes,
               "Value::ReleaseString() on a value that is neither STRING nor BYTES");
  std::string out = std::move(s_);
  s_.clear();
  kind_ = Kind::kNull;
  has_scale_ = false;
  return out;
}

const std::vector<Value>& Value::array() const {
  SLUICE_CHECK(kind_ == Kind::kArray, "Value::array() on a non-ARRAY value");
  return *array_;
}

const std::vector<MapEntry>& Value::map() const {
  SLUICE_CHECK(kind_ == Kind::kMap, "Value::map() on a non-MAP value");
  return *map_;
}

const Struct& Value::struct_value() const {
  SLUICE_CHECK(kind_ == Kind::kStruct, "Value::struct_value() on a non-STRUCT value");
  return *struct_;
}

int64_t Value::timestamp_millis() const {
  SLUICE_CHECK(kind_ == Kind::kTimestamp, "Value::timestamp_millis() on a non-TIMESTAMP value");
  return i_;
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kMap) return nullptr;
  for (const MapEntry& e : *map_) {
    if (e.key.kind_ == Kind::kString && e.key.s_ == key) return &e.value;
  }
  return nullptr;
}

bool Value::operator==(const Value& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::kNull:
      return true;
    case Kind::kBoolean:
      return b_ == other.b_;
    case Kind::kInt8:
    case Kind::kInt16:
    case Kind::kInt32:
    case Kind::kInt64:
    case Kind::kTimestamp:
      return i_ == other.i_;
    case Kind::kFloat32:
    case Kind::kFloat64:
      // As Java's Float.equals / Double.equals: NaN equals NaN.
      return d_ == other.d_ || (std::isnan(d_) && std::isnan(other.d_));
    case Kind::kString:
      return s_ == other.s_;
    case Kind::kBytes:
      return s_ == other.s_ && decimal_scale() == other.decimal_scale();
    case Kind::kArray:
      return array_ == other.array_ || *array_ == *other.array_;
    case Kind::kMap:
      return map_ == other.map_ || *map_ == *other.map_;
    case Kind::kStruct:
      return struct_ == other.struct_ || *struct_ == *other.struct_;
  }
  return false;
}

// ---- Struct ---------------------------------------------------------------------------------

Struct::Struct(SchemaPtr schema) : schema_(std::move(schema)) {
  SLUICE_CHECK(schema_ != nullptr && schema_->type() == SchemaType::kStruct,
               "Struct needs a STRUCT schema");
  values_.resize(schema_->fields().size());
}

absl::Status Struct::Put(std::string_view field, Value value) {
  const Field* f = schema_->FindField(field);
  if (f == nullptr) {
    return absl::NotFoundError(absl::StrCat(Sv(field), " is not a valid field name"));
  }
  absl::Status valid = ValidateAt(*f->schema, value, absl::StrCat("field: \"", f->name, "\""));
  if (!valid.ok()) return valid;
  values_[f->index] = std::move(value);
  return absl::OkStatus();
}

const Value& Struct::Get(std::string_view field) const {
  const Field* f = schema_->FindField(field);
  if (f == nullptr) return NullValue();
  const Value& v = values_[f->index];
  if (v.is_null() && f->schema->default_value() != nullptr) return *f->schema->default_value();
  return v;
}

absl::Status Struct::Validate() const {
  for (const Field& f : schema_->fields()) {
    const Value& v = values_[f.index];
    if (v.is_null() && (f.schema->optional() || f.schema->default_value() != nullptr)) continue;
    absl::Status s = ValidateAt(*f.schema, v, absl::StrCat("field: \"", f.name, "\""));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

bool Struct::operator==(const Struct& other) const {
  return SchemaPtrEquals(schema_, other.schema_) && values_ == other.values_;
}

absl::Status ValidateValue(const Schema* schema, const Value& value) {
  if (schema == nullptr) return absl::OkStatus();
  return ValidateAt(*schema, value, "");
}

// ---- Decimal --------------------------------------------------------------------------------

std::string DecimalToString(const std::string& unscaled_big_endian, int32_t scale) {
  std::vector<uint8_t> mag(unscaled_big_endian.begin(), unscaled_big_endian.end());
  const bool negative = !mag.empty() && (mag[0] & 0x80) != 0;
  if (negative) NegateTwosComplement(mag);
  // Base 10^9 chunks, least significant first.
  std::vector<uint32_t> chunks;
  while (!IsZero(mag)) chunks.push_back(DivideInPlace(mag, 1000000000u));
  std::string digits;
  if (chunks.empty()) {
    digits = "0";
  } else {
    digits = std::to_string(chunks.back());
    for (size_t i = chunks.size() - 1; i-- > 0;) {
      std::string part = std::to_string(chunks[i]);
      digits.append(9 - part.size(), '0');
      digits += part;
    }
  }
  std::string out = negative ? "-" : "";
  if (scale <= 0) {
    out += digits;
    if (digits != "0") out.append(static_cast<size_t>(-static_cast<int64_t>(scale)), '0');
    return out;
  }
  const size_t s = static_cast<size_t>(scale);
  if (digits.size() <= s) digits.insert(0, s - digits.size() + 1, '0');
  out += digits.substr(0, digits.size() - s);
  out += '.';
  out += digits.substr(digits.size() - s);
  return out;
}

absl::StatusOr<std::string> DecimalFromString(std::string_view text, int32_t scale) {
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid decimal \"", Sv(text), "\": ", Sv(why)));
  };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;
  int64_t exponent = 0;
  bool any_digit = false;
  for (; i < text.size() && absl::ascii_isdigit(text[i]); ++i, any_digit = true) {
    digits += text[i];
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && absl::ascii_isdigit(text[i]); ++i, any_digit = true) {
      digits += text[i];
      --exponent;
    }
  }
  if (!any_digit) return invalid("no digits");
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    if (i == text.size()) return invalid("no digits in the exponent");
    int64_t e = 0;
    for (; i < text.size() && absl::ascii_isdigit(text[i]); ++i) {
      e = e * 10 + (text[i] - '0');
      if (e > 100000) return invalid("exponent out of range");
    }
    exponent += exp_negative ? -e : e;
  }
  if (i != text.size()) return invalid("unexpected character");
  // unscaled = digits * 10^(exponent + scale)
  const int64_t shift = exponent + scale;
  if (shift > 100000) return invalid("exponent out of range");
  if (shift >= 0) {
    digits.append(static_cast<size_t>(shift), '0');
  } else {
    const size_t drop = static_cast<size_t>(-shift);
    const size_t keep = digits.size() > drop ? digits.size() - drop : 0;
    if (digits.find_first_not_of('0', keep) != std::string::npos) {
      return invalid(absl::StrCat("more digits after the point than the scale ", scale));
    }
    digits.resize(keep);
  }
  // Decimal digits -> big-endian magnitude.
  std::vector<uint8_t> mag;
  for (char c : digits) {
    uint32_t carry = static_cast<uint32_t>(c - '0');
    for (size_t j = mag.size(); j-- > 0;) {
      uint32_t cur = mag[j] * 10u + carry;
      mag[j] = static_cast<uint8_t>(cur & 0xff);
      carry = cur >> 8;
    }
    while (carry != 0) {
      mag.insert(mag.begin(), static_cast<uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  // Leading zero bytes from zero digits.
  while (!mag.empty() && mag[0] == 0) mag.erase(mag.begin());
  if (mag.empty()) return std::string(1, '\0');
  if (mag[0] & 0x80) mag.insert(mag.begin(), 0);
  if (negative) {
    NegateTwosComplement(mag);
    // Minimal two's complement form, as Java's BigInteger.toByteArray().
    while (mag.size() > 1 && mag[0] == 0xff && (mag[1] & 0x80) != 0) mag.erase(mag.begin());
  }
  return std::string(mag.begin(), mag.end());
}

}  // namespace sluice
