#include "sluice/sdk/data.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice {
namespace {

using ::testing::HasSubstr;

SchemaPtr OrderSchema() {
  return SchemaBuilder::Struct()
      .Name("com.example.Order")
      .Field("id", Schema::Int32())
      .Field("name", Schema::OptionalString())
      .Field("qty", SchemaBuilder(SchemaType::kInt64).Default(Value::Int64(1)).BuildOrDie())
      .BuildOrDie();
}

TEST(Schema, PredefinedSchemasAreSharedAndTyped) {
  EXPECT_EQ(Schema::Int32().get(), Schema::Int32().get());
  EXPECT_EQ(Schema::Int32()->type(), SchemaType::kInt32);
  EXPECT_FALSE(Schema::Int32()->optional());
  EXPECT_TRUE(Schema::OptionalBytes()->optional());
  EXPECT_EQ(Schema::OptionalBytes()->type(), SchemaType::kBytes);
  EXPECT_EQ(SchemaTypeName(SchemaType::kFloat64), "float64");
  EXPECT_TRUE(IsPrimitive(SchemaType::kString));
  EXPECT_FALSE(IsPrimitive(SchemaType::kMap));
}

TEST(Schema, LogicalTypesCarryKafkaNamesAndVersions) {
  SchemaPtr decimal = SchemaBuilder::Decimal(2).BuildOrDie();
  EXPECT_EQ(decimal->type(), SchemaType::kBytes);
  EXPECT_EQ(decimal->name(), "org.apache.kafka.connect.data.Decimal");
  EXPECT_EQ(decimal->version(), 1);
  EXPECT_EQ(decimal->parameters().at("scale"), "2");
  SchemaPtr date = SchemaBuilder::Date().BuildOrDie();
  EXPECT_EQ(date->type(), SchemaType::kInt32);
  EXPECT_EQ(date->name(), kDateLogicalName);
  EXPECT_EQ(SchemaBuilder::Time().BuildOrDie()->type(), SchemaType::kInt32);
  SchemaPtr ts = SchemaBuilder::Timestamp().BuildOrDie();
  EXPECT_EQ(ts->type(), SchemaType::kInt64);
  EXPECT_EQ(ts->name(), kTimestampLogicalName);
  EXPECT_EQ(ts->version(), 1);
}

TEST(SchemaBuilder, RejectsInconsistentSchemas) {
  absl::StatusOr<SchemaPtr> dup =
      SchemaBuilder::Struct().Field("a", Schema::Int32()).Field("a", Schema::Int64()).Build();
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dup.status().message(), "Cannot create field because of field name duplication a");

  absl::StatusOr<SchemaPtr> field_on_int =
      SchemaBuilder(SchemaType::kInt32).Field("a", Schema::Int32()).Build();
  EXPECT_EQ(field_on_int.status().message(), "Cannot create fields on type INT32");

  absl::StatusOr<SchemaPtr> bad_default =
      SchemaBuilder(SchemaType::kInt32).Default(Value::String("x")).Build();
  EXPECT_EQ(bad_default.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_default.status().message(),
            "Invalid default value: Invalid value for schema type INT32: got STRING");
}

TEST(SchemaBuilder, BuildsIndependentCopies) {
  SchemaBuilder b = SchemaBuilder::Struct().Field("a", Schema::Int32());
  SchemaPtr first = b.BuildOrDie();
  b.Field("b", Schema::Int32());
  SchemaPtr second = b.BuildOrDie();
  EXPECT_EQ(first->fields().size(), 1u);
  ASSERT_EQ(second->fields().size(), 2u);
  EXPECT_EQ(second->fields()[1].index, 1);
  EXPECT_FALSE(first->Equals(*second));
}

TEST(Schema, EqualsIsStructural) {
  EXPECT_TRUE(OrderSchema()->Equals(*OrderSchema()));
  SchemaPtr other = SchemaBuilder::Struct()
                        .Name("com.example.Order")
                        .Field("id", Schema::Int64())
                        .BuildOrDie();
  EXPECT_FALSE(OrderSchema()->Equals(*other));
  EXPECT_TRUE(SchemaBuilder::Map(Schema::String(), Schema::Int32())
                  .BuildOrDie()
                  ->Equals(*SchemaBuilder::Map(Schema::String(), Schema::Int32()).BuildOrDie()));
  EXPECT_FALSE(SchemaBuilder::Decimal(2).BuildOrDie()->Equals(
      *SchemaBuilder::Decimal(3).BuildOrDie()));
}

TEST(Value, KindsAccessorsAndEquality) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_EQ(Value::Int8(-3).integer(), -3);
  EXPECT_EQ(Value::Int64(1LL << 40).integer(), 1LL << 40);
  EXPECT_TRUE(Value::Int16(2).is_integer());
  EXPECT_FLOAT_EQ(Value::Float32(1.5f).floating(), 1.5);
  EXPECT_EQ(Value::String("s").string(), "s");
  EXPECT_EQ(Value::Bytes(std::string("\0\1", 2)).bytes(), std::string("\0\1", 2));
  EXPECT_TRUE(Value::Boolean(true).boolean());

  EXPECT_EQ(Value::Int32(1), Value::Int32(1));
  EXPECT_NE(Value::Int32(1), Value::Int64(1));  // Integer is not Long
  EXPECT_NE(Value::String("a"), Value::Bytes("a"));
  EXPECT_EQ(Value::Float64(std::nan("")), Value::Float64(std::nan("")));
  EXPECT_EQ(Value::Array({Value::Int32(1), Value()}), Value::Array({Value::Int32(1), Value()}));
  EXPECT_NE(Value::Array({Value::Int32(1)}), Value::Array({Value::Int32(2)}));
}

TEST(Value, MapKeepsOrderAndFindsStringKeys) {
  Value m = Value::Map({MapEntry{Value::String("b"), Value::Int32(2)},
                        MapEntry{Value::String("a"), Value::Int32(1)},
                        MapEntry{Value::Int32(7), Value::String("seven")}});
  ASSERT_EQ(m.map().size(), 3u);
  EXPECT_EQ(m.map()[0].key, Value::String("b"));
  ASSERT_NE(m.Find("a"), nullptr);
  EXPECT_EQ(*m.Find("a"), Value::Int32(1));
  EXPECT_EQ(m.Find("missing"), nullptr);
  EXPECT_EQ(Value::Int32(1).Find("a"), nullptr);
  Value copy = m;
  EXPECT_EQ(&copy.map(), &m.map());  // shared on copy
  EXPECT_EQ(copy, m);
}

TEST(Struct, PutValidatesAgainstTheFieldSchema) {
  Struct order(OrderSchema());
  EXPECT_TRUE(order.Put("id", Value::Int32(7)).ok());
  absl::Status wrong = order.Put("id", Value::String("7"));
  EXPECT_EQ(wrong.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.message(), "Invalid value for schema type INT32: got STRING for field: \"id\"");
  absl::Status null_required = order.Put("id", Value());
  EXPECT_EQ(null_required.message(),
            "Invalid value: null used for required field: \"id\", schema type: INT32");
  absl::Status unknown = order.Put("nope", Value::Int32(1));
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(), "nope is not a valid field name");
  EXPECT_EQ(order.Get("id"), Value::Int32(7));
}

TEST(Struct, GetFallsBackToDefaultsAndValidateNamesMissingField) {
  Struct order(OrderSchema());
  EXPECT_EQ(order.Get("qty"), Value::Int64(1));
  EXPECT_TRUE(order.Get("name").is_null());
  EXPECT_TRUE(order.Get("unknown").is_null());
  absl::Status missing = order.Validate();
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.message(),
            "Invalid value: null used for required field: \"id\", schema type: INT32");
  ASSERT_TRUE(order.Put("id", Value::Int32(1)).ok());
  EXPECT_TRUE(order.Validate().ok());
}

TEST(SchemaBuilder, ArrayOfNullAndMapOfNullHaveNullChildSchemasThatAcceptAnything) {
  SchemaPtr array = SchemaBuilder::ArrayOfNull().BuildOrDie();
  EXPECT_EQ(array->type(), SchemaType::kArray);
  EXPECT_EQ(array->value_schema(), nullptr);
  EXPECT_TRUE(ValidateValue(array.get(), Value::Array({Value::Int8(1), Value::String("a")})).ok());
  SchemaPtr map = SchemaBuilder::MapWithNullValues(Schema::String()).BuildOrDie();
  EXPECT_EQ(map->value_schema(), nullptr);
  EXPECT_TRUE(
      ValidateValue(map.get(), Value::Map({MapEntry{Value::String("k"), Value::Int8(1)}})).ok());
  EXPECT_FALSE(
      ValidateValue(map.get(), Value::Map({MapEntry{Value::Int8(1), Value::Int8(1)}})).ok());
  EXPECT_EQ(SchemaBuilder::MapOfNull().BuildOrDie()->key_schema(), nullptr);
  EXPECT_TRUE(SchemaBuilder::ArrayOfNull().BuildOrDie()->Equals(*array));
  // A null element schema given by mistake is still an error.
  EXPECT_FALSE(SchemaBuilder::Array(nullptr).Build().ok());
}

TEST(ValidateValue, ChecksNestedContainersAndStructs) {
  SchemaPtr array = SchemaBuilder::Array(Schema::Int32()).BuildOrDie();
  EXPECT_TRUE(ValidateValue(array.get(), Value::Array({Value::Int32(1)})).ok());
  absl::Status bad_item = ValidateValue(array.get(), Value::Array({Value::Int64(1)}));
  EXPECT_EQ(bad_item.message(),
            "Invalid value for schema type INT32: got INT64 for element of array value");

  SchemaPtr map = SchemaBuilder::Map(Schema::String(), Schema::OptionalInt32()).BuildOrDie();
  EXPECT_TRUE(ValidateValue(map.get(), Value::Map({MapEntry{Value::String("k"), Value()}})).ok());
  absl::Status bad_key =
      ValidateValue(map.get(), Value::Map({MapEntry{Value::Int32(1), Value::Int32(1)}}));
  EXPECT_EQ(bad_key.message(),
            "Invalid value for schema type STRING: got INT32 for key of map value");

  EXPECT_TRUE(ValidateValue(nullptr, Value::String("anything")).ok());
  EXPECT_EQ(ValidateValue(Schema::Int32().get(), Value::String("x")).message(),
            "Invalid value for schema type INT32: got STRING");
  EXPECT_EQ(ValidateValue(Schema::Int32().get(), Value()).message(),
            "Invalid value: null used for required value, schema type: INT32");
  EXPECT_TRUE(ValidateValue(Schema::OptionalInt32().get(), Value()).ok());

  Struct order(OrderSchema());
  ASSERT_TRUE(order.Put("id", Value::Int32(1)).ok());
  SchemaPtr outer = SchemaBuilder::Struct().Field("order", OrderSchema()).BuildOrDie();
  Struct o(outer);
  EXPECT_TRUE(o.Put("order", Value::FromStruct(order)).ok());
  SchemaPtr other = SchemaBuilder::Struct().Field("id", Schema::Int32()).BuildOrDie();
  Struct wrong(other);
  ASSERT_TRUE(wrong.Put("id", Value::Int32(1)).ok());
  EXPECT_EQ(o.Put("order", Value::FromStruct(wrong)).message(),
            "Struct schemas do not match for field: \"order\"");
}

TEST(Decimal, RoundTripsArbitraryLengthTwosComplement) {
  struct Case {
    std::string text;
    int32_t scale;
    std::string bytes;
  };
  const Case cases[] = {
      {"0.00", 2, std::string(1, '\0')},
      {"1.23", 2, "\x7b"},
      {"-1.23", 2, "\x85"},
      {"1.28", 2, std::string("\x00\x80", 2)},
      {"-1.28", 2, "\x80"},
      {"-1.29", 2, "\xff\x7f"},
      {"255", 0, std::string("\x00\xff", 2)},
      {"-0.005", 3, "\xfb"},
      // 2^80, beyond any built-in integer.
      {"1208925819614629174706176", 0, std::string("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 11)},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> bytes = DecimalFromString(c.text, c.scale);
    ASSERT_TRUE(bytes.ok()) << c.text << ": " << bytes.status();
    EXPECT_EQ(*bytes, c.bytes) << c.text;
    EXPECT_EQ(DecimalToString(c.bytes, c.scale), c.text);
  }
}

TEST(Decimal, RescalesAndRejectsLostDigits) {
  EXPECT_EQ(DecimalToString(*DecimalFromString("1.5", 3), 3), "1.500");
  EXPECT_EQ(DecimalToString(*DecimalFromString("1.50e1", 1), 1), "15.0");
  EXPECT_EQ(DecimalToString(*DecimalFromString("+2", 0), 0), "2");
  EXPECT_EQ(DecimalToString(*DecimalFromString("1.230", 2), 2), "1.23");
  EXPECT_EQ(DecimalToString("\x0c", -2), "1200");
  absl::StatusOr<std::string> lost = DecimalFromString("1.234", 2);
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(lost.status().message(),
            "Invalid decimal \"1.234\": more digits after the point than the scale 2");
  EXPECT_EQ(DecimalFromString("abc", 2).status().message(), "Invalid decimal \"abc\": no digits");
  EXPECT_EQ(DecimalFromString("1.2x", 2).status().message(),
            "Invalid decimal \"1.2x\": unexpected character");
}

}  // namespace
}  // namespace sluice
