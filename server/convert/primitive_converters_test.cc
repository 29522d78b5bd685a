// Expected values come from Kafka 3.9.1's org.apache.kafka.connect.converters.{Boolean, Short,
// Integer, Long, Float, Double}Converter, called as converters and as header converters.
#include "server/convert/primitive_converters.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "server/convert/connect_exception.h"
#include "server/convert/header_converter.h"

namespace sluice::convert {
namespace {

std::unique_ptr<Converter> Make(std::string_view name) {
  absl::StatusOr<std::unique_ptr<Converter>> c = CreateConverter(name, {}, /*is_key=*/false);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : nullptr;
}

std::string Hex(const absl::StatusOr<std::optional<std::string>>& b) {
  if (!b.ok()) return "error";
  if (!b->has_value()) return "null";
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : **b) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

TEST(PrimitiveConverters, AreListedAsConvertersWithTheirAliases) {
  for (const char* name : {"BooleanConverter", "Boolean", "ShortConverter", "Short", "Integer",
                           "Long", "Float", "Double",
                           "org.apache.kafka.connect.converters.DoubleConverter"}) {
    EXPECT_TRUE(CreateConverter(name, {}, false).ok()) << name;
  }
  size_t found = 0;
  for (const ConverterClass& c : BuiltinConverters()) {
    if (PrimitiveConverter::TypeOfClass(c.class_name).has_value()) {
      ++found;
      ASSERT_EQ(c.config.keys().size(), 1u);
      EXPECT_EQ(c.config.keys()[0].name, "converter.type");
    }
  }
  EXPECT_EQ(found, 6u);
}

TEST(PrimitiveConverters, WriteBigEndianFixedWidthValues) {
  EXPECT_EQ(Hex(Make("Boolean")->FromConnectData("t", nullptr, Value::Boolean(true))), "01");
  EXPECT_EQ(Hex(Make("Boolean")->FromConnectData("t", nullptr, Value::Boolean(false))), "00");
  EXPECT_EQ(Hex(Make("Short")->FromConnectData("t", nullptr, Value::Int16(7))), "0007");
  EXPECT_EQ(Hex(Make("Short")->FromConnectData("t", nullptr, Value::Int16(-2))), "fffe");
  EXPECT_EQ(Hex(Make("Integer")->FromConnectData("t", nullptr, Value::Int32(7))), "00000007");
  EXPECT_EQ(Hex(Make("Long")->FromConnectData("t", nullptr, Value::Int64(7))),
            "0000000000000007");
  EXPECT_EQ(Hex(Make("Float")->FromConnectData("t", nullptr, Value::Float32(1.5f))), "3fc00000");
  EXPECT_EQ(Hex(Make("Float")->FromConnectData("t", nullptr, Value::Float32(std::nanf("")))),
            "7fc00000");
  EXPECT_EQ(Hex(Make("Double")->FromConnectData("t", nullptr, Value::Float64(1.5))),
            "3ff8000000000000");
  EXPECT_EQ(Hex(Make("Double")->FromConnectData("t", nullptr, Value::Float64(std::nan("")))),
            "7ff8000000000000");
  // A null value is a null (tombstone), whatever the converter.
  for (const char* name : {"Boolean", "Short", "Integer", "Long", "Float", "Double"}) {
    EXPECT_EQ(Hex(Make(name)->FromConnectData("t", nullptr, Value())), "null") << name;
  }
  // The number converters ignore the schema.
  EXPECT_EQ(Hex(Make("Integer")->FromConnectData("t", Schema::String().get(), Value::Int32(7))),
            "00000007");
}

TEST(PrimitiveConverters, RefuseOtherTypesWithKafkasMessagesAndCauses) {
  absl::StatusOr<std::optional<std::string>> s =
      Make("Boolean")->FromConnectData("t", Schema::String().get(), Value::String("x"));
  EXPECT_EQ(s.status().message(), "Invalid schema type for BooleanConverter: STRING");
  EXPECT_EQ(JavaExceptionClass(s.status()), kDataExceptionClass);
  s = Make("Boolean")->FromConnectData("t", nullptr, Value::Int16(7));
  EXPECT_EQ(s.status().message(),
            "BooleanConverter is not compatible with objects of type class java.lang.Short");

  s = Make("Short")->FromConnectData("t", nullptr, Value::Int32(7));
  EXPECT_EQ(s.status().message(), "Failed to serialize to short (was class java.lang.Integer): ");
  EXPECT_EQ(JavaExceptionCause(s.status()),
            "java.lang.ClassCastException: class java.lang.Integer cannot be cast to class "
            "java.lang.Short (java.lang.Integer and java.lang.Short are in module java.base of "
            "loader 'bootstrap')");
  s = Make("Integer")->FromConnectData("t", nullptr, Value::String("x"));
  EXPECT_EQ(s.status().message(), "Failed to serialize to integer (was class java.lang.String): ");
  EXPECT_EQ(JavaExceptionCause(s.status()),
            "java.lang.ClassCastException: class java.lang.String cannot be cast to class "
            "java.lang.Number (java.lang.String and java.lang.Number are in module java.base of "
            "loader 'bootstrap')");
  SchemaPtr st = SchemaBuilder::Struct().Field("a", Schema::Int32()).BuildOrDie();
  s = Make("Double")->FromConnectData("t", st.get(), Value::FromStruct(Struct(st)));
  EXPECT_EQ(s.status().message(),
            "Failed to serialize to double (was class org.apache.kafka.connect.data.Struct): ");
  EXPECT_EQ(JavaExceptionCause(s.status()),
            "java.lang.ClassCastException: class org.apache.kafka.connect.data.Struct cannot be "
            "cast to class java.lang.Number (org.apache.kafka.connect.data.Struct is in unnamed "
            "module of loader 'app'; java.lang.Number is in module java.base of loader "
            "'bootstrap')");
  // A Date is a java.util.Date, a Decimal a java.math.BigDecimal.
  SchemaPtr date = SchemaBuilder::Date().BuildOrDie();
  s = Make("Integer")->FromConnectData("t", date.get(), Value::Int32(1));
  EXPECT_EQ(s.status().message(), "Failed to serialize to integer (was class java.util.Date): ");
  SchemaPtr decimal = SchemaBuilder::Decimal(1).BuildOrDie();
  s = Make("Float")->FromConnectData("t", decimal.get(), Value::Bytes("\x0f"));
  EXPECT_EQ(s.status().message(), "Failed to serialize to float (was class java.math.BigDecimal): ");
  EXPECT_EQ(JavaExceptionCause(s.status()),
            "java.lang.ClassCastException: class java.math.BigDecimal cannot be cast to class "
            "java.lang.Float (java.math.BigDecimal and java.lang.Float are in module java.base "
            "of loader 'bootstrap')");
}

TEST(PrimitiveConverters, ReadOptionalSchemasAndRefuseBytesOfTheWrongSize) {
  absl::StatusOr<SchemaAndValue> v = Make("Integer")->ToConnectData("t", std::string("\0\0\0\7", 4));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->schema, Schema::OptionalInt32());
  EXPECT_EQ(v->value, Value::Int32(7));
  v = Make("Float")->ToConnectData("t", std::string("\x3f\xc0\0\0", 4));
  EXPECT_EQ(v->value, Value::Float32(1.5f));
  v = Make("Double")->ToConnectData("t", std::string("\x3f\xf8\0\0\0\0\0\0", 8));
  EXPECT_EQ(v->value, Value::Float64(1.5));
  v = Make("Short")->ToConnectData("t", std::string("\xff\xfe", 2));
  EXPECT_EQ(v->value, Value::Int16(-2));
  v = Make("Long")->ToConnectData("t", std::nullopt);
  EXPECT_EQ(v->schema, Schema::OptionalInt64());
  EXPECT_TRUE(v->value.is_null());
  v = Make("Boolean")->ToConnectData("t", std::string("\x01", 1));
  EXPECT_EQ(v->value, Value::Boolean(true));

  v = Make("Integer")->ToConnectData("t", std::string("\x01", 1));
  EXPECT_EQ(v.status().message(), "Failed to deserialize integer: ");
  EXPECT_EQ(JavaExceptionCause(v.status()),
            "org.apache.kafka.common.errors.SerializationException: Size of data received by "
            "IntegerDeserializer is not 4");
  v = Make("Double")->ToConnectData("t", "");
  EXPECT_EQ(v.status().message(), "Failed to deserialize double: ");
  EXPECT_EQ(JavaExceptionCause(v.status()),
            "org.apache.kafka.common.errors.SerializationException: Size of data received by "
            "Deserializer is not 8");
  v = Make("Boolean")->ToConnectData("t", std::string("\xff", 1));
  EXPECT_EQ(v.status().message(), "Failed to deserialize boolean: ");
  EXPECT_EQ(JavaExceptionCause(v.status()),
            "org.apache.kafka.common.errors.SerializationException: Unexpected byte received by "
            "BooleanDeserializer: -1");
}

TEST(PrimitiveConverters, AreHeaderConvertersToo) {
  absl::StatusOr<std::unique_ptr<HeaderConverter>> c = CreateHeaderConverter("Long", {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(Hex((*c)->FromConnectHeader("t", "h", nullptr, Value::Int64(7))), "0000000000000007");
  absl::StatusOr<SchemaAndValue> v = (*c)->ToConnectHeader("t", "h", std::string(8, '\0'));
  EXPECT_EQ(v->value, Value::Int64(0));
}

}  // namespace
}  // namespace sluice::convert
