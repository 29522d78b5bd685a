#include "server/convert/primitive_converters.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"

namespace sluice::convert {
namespace {

using Type = PrimitiveConverter::Type;

struct TypeInfo {
  std::string_view type_name;      // NumberConverter's typeName
  std::string_view java_class;     // the class the serializer takes
  Value::Kind kind;                // the Connect value of that class
  size_t size;                     // bytes on the wire
  std::string_view deserializer;   // in the size message ("IntegerDeserializer", "Deserializer")
};

const TypeInfo& Info(Type type) {
  static const TypeInfo kInfo[] = {
      {"boolean", "java.lang.Boolean", Value::Kind::kBoolean, 1, "BooleanDeserializer"},
      {"short", "java.lang.Short", Value::Kind::kInt16, 2, "ShortDeserializer"},
      {"integer", "java.lang.Integer", Value::Kind::kInt32, 4, "IntegerDeserializer"},
      {"long", "java.lang.Long", Value::Kind::kInt64, 8, "LongDeserializer"},
      // FloatDeserializer and DoubleDeserializer say "Deserializer" in their message.
      {"float", "java.lang.Float", Value::Kind::kFloat32, 4, "Deserializer"},
      {"double", "java.lang.Double", Value::Kind::kFloat64, 8, "Deserializer"},
  };
  return kInfo[static_cast<int>(type)];
}

const SchemaPtr& OptionalSchema(Type type) {
  switch (type) {
    case Type::kBoolean:
      return Schema::OptionalBoolean();
    case Type::kShort:
      return Schema::OptionalInt16();
    case Type::kInteger:
      return Schema::OptionalInt32();
    case Type::kLong:
      return Schema::OptionalInt64();
    case Type::kFloat:
      return Schema::OptionalFloat32();
    case Type::kDouble:
      return Schema::OptionalFloat64();
  }
  return Schema::OptionalBoolean();
}

std::string BigEndian(uint64_t v, size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    out[size - 1 - i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

uint64_t ReadBigEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

// Whether the Java object is a java.lang.Number (NumberConverter's first cast).
bool IsJavaNumber(std::string_view java_class) {
  static constexpr std::string_view kNumbers[] = {
      "class java.lang.Byte",  "class java.lang.Short",  "class java.lang.Integer",
      "class java.lang.Long",  "class java.lang.Float",  "class java.lang.Double",
      "class java.math.BigDecimal"};
  for (std::string_view n : kNumbers) {
    if (n == java_class) return true;
  }
  return false;
}

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

const ConfigDef& PrimitiveConverterConfigDef() {
  static const ConfigDef* const kDef = [] {
    auto* def = new ConfigDef();
    def->Define(ConverterTypeConfigKey());
    return def;
  }();
  return *kDef;
}

std::optional<Type> PrimitiveConverter::TypeOfClass(std::string_view class_name) {
  if (class_name == kBooleanConverterClass) return Type::kBoolean;
  if (class_name == kShortConverterClass) return Type::kShort;
  if (class_name == kIntegerConverterClass) return Type::kInteger;
  if (class_name == kLongConverterClass) return Type::kLong;
  if (class_name == kFloatConverterClass) return Type::kFloat;
  if (class_name == kDoubleConverterClass) return Type::kDouble;
  return std::nullopt;
}

absl::StatusOr<std::optional<std::string>> PrimitiveConverter::FromConnectData(
    std::string_view topic, const Schema* schema, const Value& value) {
  const TypeInfo& info = Info(type_);
  if (type_ == Type::kBoolean) {
    if (schema != nullptr && schema->type() != SchemaType::kBoolean) {
      const std::string_view t = JavaTypeName(schema->type());
      return DataError(absl::StrCat("Invalid schema type for BooleanConverter: ",
                                    Av(t)));
    }
    if (value.is_null()) return std::optional<std::string>();
    if (value.kind() != Value::Kind::kBoolean) {
      const std::string_view cls = JavaClassNameOf(schema, value);
      return DataError(absl::StrCat("BooleanConverter is not compatible with objects of type ",
                                    Av(cls)));
    }
    return std::optional<std::string>(std::string(1, value.boolean() ? '\x01' : '\x00'));
  }
  if (value.is_null()) return std::optional<std::string>();
  if (value.kind() != info.kind || JavaClassNameOf(schema, value) != JavaClassName(info.kind)) {
    const std::string_view cls = JavaClassNameOf(schema, value);
    const std::string_view target = IsJavaNumber(cls) ? info.java_class : "java.lang.Number";
    return DataError(
        absl::StrCat("Failed to serialize to ",
                     Av(info.type_name), " (was ",
                     Av(cls), "): "),
        JavaClassCastText(schema, value, target));
  }
  switch (type_) {
    case Type::kShort:
    case Type::kInteger:
    case Type::kLong:
      return std::optional<std::string>(
          BigEndian(static_cast<uint64_t>(value.integer()), info.size));
    case Type::kFloat: {
      // Float.floatToRawIntBits.
      const float f = static_cast<float>(value.floating());
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      return std::optional<std::string>(BigEndian(bits, 4));
    }
    case Type::kDouble: {
      // Double.doubleToLongBits: every NaN is the canonical one.
      const double d = value.floating();
      uint64_t bits = 0x7ff8000000000000ULL;
      if (d == d) std::memcpy(&bits, &d, sizeof(bits));
      return std::optional<std::string>(BigEndian(bits, 8));
    }
    case Type::kBoolean:
      break;
  }
  return absl::InternalError("unhandled primitive type");
}

absl::StatusOr<SchemaAndValue> PrimitiveConverter::ToConnectData(
    std::string_view topic, std::optional<std::string_view> bytes) {
  const TypeInfo& info = Info(type_);
  const SchemaPtr& schema = OptionalSchema(type_);
  if (!bytes.has_value()) return SchemaAndValue{schema, Value::Null()};
  const std::string message =
      absl::StrCat("Failed to deserialize ",
                   Av(info.type_name), ": ");
  if (bytes->size() != info.size) {
    return DataError(message,
                     absl::StrCat(Av(kSerializationExceptionClass), ": Size of data received by ",
                                  Av(info.deserializer), " is not ", info.size));
  }
  const uint64_t raw = ReadBigEndian(*bytes);
  switch (type_) {
    case Type::kBoolean:
      if (raw > 1) {
        return DataError(message, absl::StrCat(Av(kSerializationExceptionClass),
                                  ": Unexpected byte received by BooleanDeserializer: ",
                                  static_cast<int>(static_cast<int8_t>(raw))));
      }
      return SchemaAndValue{schema, Value::Boolean(raw == 1)};
    case Type::kShort:
      return SchemaAndValue{schema, Value::Int16(static_cast<int16_t>(raw))};
    case Type::kInteger:
      return SchemaAndValue{schema, Value::Int32(static_cast<int32_t>(raw))};
    case Type::kLong:
      return SchemaAndValue{schema, Value::Int64(static_cast<int64_t>(raw))};
    case Type::kFloat: {
      const uint32_t bits = static_cast<uint32_t>(raw);
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      return SchemaAndValue{schema, Value::Float32(f)};
    }
    case Type::kDouble: {
      double d;
      std::memcpy(&d, &raw, sizeof(d));
      return SchemaAndValue{schema, Value::Float64(d)};
    }
  }
  return absl::InternalError("unhandled primitive type");
}

}  // namespace sluice::convert
