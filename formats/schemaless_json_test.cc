#include "formats/schemaless_json.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

namespace sluice::formats {
namespace {

Value Widget() {
  const SchemaPtr schema = SchemaBuilder::Struct()
                               .Name("com.example.Widget")
                               .Field("id", Schema::Int32())
                               .Field("name", Schema::OptionalString())
                               .Field("price", SchemaBuilder::Decimal(2).BuildOrDie())
                               .Field("tags", SchemaBuilder::Array(Schema::String()).BuildOrDie())
                               .BuildOrDie();
  Struct widget(schema);
  EXPECT_TRUE(widget.Put("id", Value::Int32(1)).ok());
  EXPECT_TRUE(widget.Put("name", Value::String("widget")).ok());
  EXPECT_TRUE(widget.Put("price", Value::Bytes(std::string("\x04\xD2", 2))).ok());
  EXPECT_TRUE(widget.Put("tags", Value::Array({Value::String("a"), Value::String("b")})).ok());
  return Value::FromStruct(std::move(widget));
}

TEST(SerializeSchemaless, WritesOffsetsAsTheInternalConverter) {
  EXPECT_EQ(SerializeSchemaless(Value::Map({MapEntry{Value::String("filename"),
                                                     Value::String("/tmp/in.txt")}})),
            R"({"filename":"/tmp/in.txt"})");
  EXPECT_EQ(SerializeSchemaless(Value::Array(
                {Value::String("conn"),
                 Value::Map({MapEntry{Value::String("position"), Value::Int64(42)}})})),
            R"(["conn",{"position":42}])");
  EXPECT_EQ(SerializeSchemaless(Value()), "null");
}

TEST(SerializeSchemaless, WritesAStructFieldByFieldAndADateAsMillis) {
  EXPECT_EQ(SerializeSchemaless(Widget()),
            R"({"id":1,"name":"widget","price":"BNI=","tags":["a","b"]})");
  EXPECT_EQ(SerializeSchemaless(Value::Timestamp(1700000000000)), "1700000000000");
}

TEST(AppendSchemalessJson, RefusesStructsAndDatesAsKafkasConverterDoes) {
  std::string out;
  EXPECT_EQ(AppendSchemalessJson(Widget(), StructsAndDates::kRefuse, &out).message(),
            "Mismatching schema.");
  EXPECT_EQ(AppendSchemalessJson(Value::Array({Value::Timestamp(0)}), StructsAndDates::kRefuse,
                                 &out)
                .message(),
            "Java class class java.util.Date does not have corresponding schema type.");
}

TEST(AppendSchemalessJson, WritesMapsAsObjectsOrTuplesAndQuotesNonFiniteFloats) {
  std::string out;
  ASSERT_TRUE(AppendSchemalessJson(
                  Value::Map({MapEntry{Value::String("k"), Value::Float64(HUGE_VAL)},
                              MapEntry{Value::String("j"), Value::Float32(1.5f)},
                              MapEntry{Value::String("k"), Value::Bytes("\x01\x02")}}),
                  StructsAndDates::kRefuse, &out)
                  .ok());
  // A repeated key keeps its first position and its last value, as Jackson's ObjectNode.
  EXPECT_EQ(out, R"({"k":"AQI=","j":1.5})");
  out.clear();
  ASSERT_TRUE(
      AppendSchemalessJson(Value::Map({MapEntry{Value::Int8(1), Value::Float64(-HUGE_VAL)}}),
                           StructsAndDates::kRefuse, &out)
          .ok());
  EXPECT_EQ(out, R"([[1,"-Infinity"]])");
}

TEST(ParseSchemaless, ReadsWhatSerializeSchemalessWrites) {
  const Value offset = Value::Map({MapEntry{Value::String("position"), Value::Int64(42)},
                                   MapEntry{Value::String("ratio"), Value::Float64(0.5)}});
  absl::StatusOr<Value> back = ParseSchemaless(SerializeSchemaless(offset));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, offset);
  EXPECT_TRUE(ParseSchemaless("")->is_null());
}

TEST(ParseSchemaless, InfersTypesAndOrdersObjectsAsAJavaHashMap) {
  absl::StatusOr<Value> read = ParseSchemaless(R"({"i":007,"f":1.0,"a":[true,null,"s"]})");
  ASSERT_TRUE(read.ok()) << read.status();
  // Kafka 3.9.1's JsonConverter (schemas.enable=false) reads this as
  // {a=[true, null, s], f=1.0, i=7}: a HashMap, iterated by bucket.
  EXPECT_EQ(*read, Value::Map({
                       MapEntry{Value::String("a"), Value::Array({Value::Boolean(true),
                                                                  Value::Null(),
                                                                  Value::String("s")})},
                       MapEntry{Value::String("f"), Value::Float64(1.0)},
                       MapEntry{Value::String("i"), Value::Int64(7)},
                   }));
}

TEST(ParseSchemaless, RejectsMalformedJsonWithTheConvertersMessage) {
  absl::StatusOr<Value> read = ParseSchemaless("{");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(std::string(read.status().message()).starts_with(kJsonReadErrorPrefix))
      << read.status();
}

}  // namespace
}  // namespace sluice::formats
