#include "server/convert/json_converter.h"

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/convert/connect_exception.h"
#include "server/convert/converter.h"
#include "absl/strings/match.h"

namespace sluice::convert {
namespace {

std::unique_ptr<Converter> MakeJson(ConfigMap config = {}) {
  absl::StatusOr<std::unique_ptr<Converter>> c = CreateConverter("JsonConverter", config, false);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

std::string Write(Converter& c, const SchemaPtr& schema, const Value& value) {
  absl::StatusOr<std::optional<std::string>> out = c.FromConnectData("t", schema.get(), value);
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok() || !out->has_value()) return "<none>";
  return **out;
}

absl::Status WriteError(Converter& c, const SchemaPtr& schema, const Value& value) {
  return c.FromConnectData("t", schema.get(), value).status();
}

SchemaAndValue Read(Converter& c, std::string_view bytes) {
  absl::StatusOr<SchemaAndValue> r = c.ToConnectData("t", bytes);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : SchemaAndValue{};
}

absl::Status ReadError(Converter& c, std::string_view bytes) {
  return c.ToConnectData("t", bytes).status();
}

SchemaPtr OrderSchema() {
  return SchemaBuilder::Struct()
      .Name("com.example.Order")
      .Version(3)
      .Field("id", Schema::Int32())
      .Field("name", Schema::OptionalString())
      .Field("price", SchemaBuilder::Decimal(2).BuildOrDie())
      .Field("ts", SchemaBuilder::Timestamp().BuildOrDie())
      .Field("tags", SchemaBuilder::Array(Schema::String()).Optional().BuildOrDie())
      .Field("scores",
             SchemaBuilder::Map(Schema::String(), Schema::Float64()).Optional().BuildOrDie())
      .BuildOrDie();
}

Value OrderValue(const SchemaPtr& schema) {
  Struct order(schema);
  EXPECT_TRUE(order.Put("id", Value::Int32(1)).ok());
  EXPECT_TRUE(order.Put("name", Value::String("widget")).ok());
  EXPECT_TRUE(order.Put("price", Value::Bytes(std::string("\x04\xD2", 2))).ok());
  EXPECT_TRUE(order.Put("ts", Value::Int64(1700000000000)).ok());
  EXPECT_TRUE(
      order.Put("tags", Value::Array({Value::String("a"), Value::String("b")})).ok());
  EXPECT_TRUE(
      order.Put("scores", Value::Map({MapEntry{Value::String("x"), Value::Float64(1.5)}})).ok());
  return Value::FromStruct(std::move(order));
}

constexpr char kOrderJson[] =
    R"({"schema":{"type":"struct","fields":[)"
    R"({"type":"int32","optional":false,"field":"id"},)"
    R"({"type":"string","optional":true,"field":"name"},)"
    R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},)"
    R"({"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},)"
    R"({"type":"array","items":{"type":"string","optional":false},"optional":true,"field":"tags"},)"
    R"({"type":"map","keys":{"type":"string","optional":false},"values":{"type":"double","optional":false},"optional":true,"field":"scores"}],)"
    R"("optional":false,"name":"com.example.Order","version":3},)"
    R"("payload":{"id":1,"name":"widget","price":"BNI=","ts":1700000000000,"tags":["a","b"],"scores":{"x":1.5}}})";

TEST(JsonConverter, WritesTheReferenceOrderExampleByteForByte) {
  auto c = MakeJson();
  const SchemaPtr schema = OrderSchema();
  EXPECT_EQ(Write(*c, schema, OrderValue(schema)), kOrderJson);
}

TEST(JsonConverter, ReadsTheReferenceOrderExampleBack) {
  auto c = MakeJson();
  const SchemaPtr schema = OrderSchema();
  SchemaAndValue read = Read(*c, kOrderJson);
  ASSERT_NE(read.schema, nullptr);
  EXPECT_TRUE(read.schema->Equals(*schema));
  EXPECT_EQ(read.value, OrderValue(schema));
  // And writes it again identically.
  EXPECT_EQ(Write(*c, read.schema, read.value), kOrderJson);
}

TEST(JsonConverter, WritesOnlyThePayloadWithoutSchemas) {
  auto c = MakeJson({{"schemas.enable", "false"}});
  const SchemaPtr schema = OrderSchema();
  EXPECT_EQ(Write(*c, schema, OrderValue(schema)),
            R"({"id":1,"name":"widget","price":"BNI=","ts":1700000000000,"tags":["a","b"],"scores":{"x":1.5}})");
}

TEST(JsonConverter, RoundTripsEveryPrimitiveType) {
  auto c = MakeJson();
  struct Case {
    SchemaPtr schema;
    Value value;
    std::string json;
  };
  const std::vector<Case> cases = {
      {Schema::Int8(), Value::Int8(-8), R"({"schema":{"type":"int8","optional":false},"payload":-8})"},
      {Schema::Int16(), Value::Int16(300), R"({"schema":{"type":"int16","optional":false},"payload":300})"},
      {Schema::Int32(), Value::Int32(-70000), R"({"schema":{"type":"int32","optional":false},"payload":-70000})"},
      {Schema::Int64(), Value::Int64(INT64_MIN),
       R"({"schema":{"type":"int64","optional":false},"payload":-9223372036854775808})"},
      {Schema::Float32(), Value::Float32(0.1f), R"({"schema":{"type":"float","optional":false},"payload":0.1})"},
      {Schema::Float64(), Value::Float64(1e10),
       R"({"schema":{"type":"double","optional":false},"payload":1.0E10})"},
      {Schema::Float64(), Value::Float64(1.5e-5),
       R"({"schema":{"type":"double","optional":false},"payload":1.5E-5})"},
      // Float/Double.toString as JDK 17 prints them (JDK 19+: -2.75E10, 1.0E23).
      {Schema::Float32(), Value::Float32(-2.75e10f),
       R"({"schema":{"type":"float","optional":false},"payload":-2.74999992E10})"},
      {Schema::Float64(), Value::Float64(1e23),
       R"({"schema":{"type":"double","optional":false},"payload":9.999999999999999E22})"},
      {Schema::Boolean(), Value::Boolean(true),
       R"({"schema":{"type":"boolean","optional":false},"payload":true})"},
      {Schema::OptionalString(), Value::String("h\xC3\xA9llo"),
       "{\"schema\":{\"type\":\"string\",\"optional\":true},\"payload\":\"h\xC3\xA9llo\"}"},
      {Schema::Bytes(), Value::Bytes(std::string("\x00\xFF\x10", 3)),
       R"({"schema":{"type":"bytes","optional":false},"payload":"AP8Q"})"},
  };
  for (const Case& tc : cases) {
    EXPECT_EQ(Write(*c, tc.schema, tc.value), tc.json);
    SchemaAndValue back = Read(*c, tc.json);
    ASSERT_NE(back.schema, nullptr) << tc.json;
    EXPECT_TRUE(back.schema->Equals(*tc.schema)) << tc.json;
    EXPECT_EQ(back.value, tc.value) << tc.json;
  }
}

TEST(JsonConverter, EscapesStringsAsJackson) {
  auto c = MakeJson({{"schemas.enable", "false"}});
  EXPECT_EQ(Write(*c, Schema::String(), Value::String("a\"b\\c\n\t\r\b\f\x01\x1f/\x7f")),
            "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001F/\x7f\"");
  SchemaAndValue back = Read(*c, "\"\\u0041\\u00e9\\/\"");
  EXPECT_EQ(back.value, Value::String("A\xC3\xA9/"));
}

// Jackson quotes non-finite numbers; Kafka reads a quoted one back with floatValue()/doubleValue()
// of a text node, which is 0 (Kafka 3.9.1 reads "Infinity" under a double schema as 0.0).
TEST(JsonConverter, WritesNonFiniteFloatsAsStringsAndReadsThemAsZero) {
  auto c = MakeJson({{"schemas.enable", "false"}});
  EXPECT_EQ(Write(*c, Schema::Float64(), Value::Float64(std::nan(""))), "\"NaN\"");
  EXPECT_EQ(Write(*c, Schema::Float32(), Value::Float32(-HUGE_VALF)), "\"-Infinity\"");
  EXPECT_EQ(Write(*c, nullptr, Value::Float64(HUGE_VAL)), "\"Infinity\"");
  auto with_schema = MakeJson();
  SchemaAndValue back =
      Read(*with_schema, R"({"schema":{"type":"double","optional":false},"payload":"Infinity"})");
  EXPECT_EQ(back.value, Value::Float64(0.0));
}

TEST(JsonConverter, RoundTripsLogicalTypes) {
  auto c = MakeJson();
  const SchemaPtr date = SchemaBuilder::Date().BuildOrDie();
  const SchemaPtr time = SchemaBuilder::Time().BuildOrDie();
  const SchemaPtr ts = SchemaBuilder::Timestamp().BuildOrDie();
  const SchemaPtr dec = SchemaBuilder::Decimal(3).BuildOrDie();
  const std::string date_json =
      R"({"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":19000})";
  EXPECT_EQ(Write(*c, date, Value::Int32(19000)), date_json);
  EXPECT_EQ(Read(*c, date_json).value, Value::Int32(19000));
  const std::string time_json =
      R"({"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":3600000})";
  EXPECT_EQ(Write(*c, time, Value::Int32(3600000)), time_json);
  EXPECT_EQ(Read(*c, time_json).value, Value::Int32(3600000));
  const std::string ts_json =
      R"({"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":-1})";
  EXPECT_EQ(Write(*c, ts, Value::Int64(-1)), ts_json);
  EXPECT_EQ(Read(*c, ts_json).value, Value::Int64(-1));
  // -1.234 at scale 3: unscaled -1234 = 0xFB2E. A non-minimal encoding is normalised as
  // BigInteger.toByteArray() would.
  const std::string dec_json =
      R"({"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"3"}},"payload":"+y4="})";
  EXPECT_EQ(Write(*c, dec, Value::Bytes(std::string("\xFF\xFB\x2E", 3))), dec_json);
  EXPECT_EQ(Read(*c, dec_json).value, Value::Bytes(std::string("\xFB\x2E", 2)));
}

TEST(JsonConverter, WritesAndReadsNumericDecimals) {
  auto c = MakeJson({{"decimal.format", "numeric"}});
  const SchemaPtr dec = SchemaBuilder::Decimal(2).BuildOrDie();
  const std::string json =
      R"({"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":12.34})";
  EXPECT_EQ(Write(*c, dec, Value::Bytes(std::string("\x04\xD2", 2))), json);
  EXPECT_EQ(Read(*c, json).value, Value::Bytes(std::string("\x04\xD2", 2)));
  EXPECT_EQ(Write(*c, dec, Value::Bytes(std::string("\xFB", 1))).substr(json.size() - 6),
            "-0.05}");
  // A number keeps its own scale, as the BigDecimal Jackson reads (12.3 is 123 at scale 1); base64
  // is accepted on read too.
  auto base64 = MakeJson();
  EXPECT_EQ(Read(*base64,
                 R"({"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"payload":12.3})")
                .value,
            Value::Decimal(std::string("\x7B", 1), 1));
  EXPECT_EQ(ReadError(*base64,
                      R"({"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}},"payload":true})")
                .message(),
            "Invalid type for Decimal, underlying representation should be numeric or bytes but "
            "was BOOLEAN");
  EXPECT_EQ(ReadError(*base64,
                      R"({"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal"},"payload":"BNI="})")
                .message(),
            "Invalid Decimal schema: scale parameter not found.");
}

TEST(JsonConverter, RejectsLogicalValuesOfTheWrongShape) {
  auto c = MakeJson();
  EXPECT_EQ(WriteError(*c, SchemaBuilder::Time().BuildOrDie(), Value::Int32(86400001)).message(),
            "Kafka Connect Time type should not have any date fields set to non-zero values.");
  EXPECT_EQ(WriteError(*c, SchemaBuilder::Decimal(2).BuildOrDie(), Value::String("1")).message(),
            "Invalid type for Decimal, expected BigDecimal but was class java.lang.String");
  EXPECT_EQ(ReadError(*c,
                      R"({"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":1.5})")
                .message(),
            "Invalid type for Date, underlying representation should be integer but was NUMBER");
  EXPECT_EQ(ReadError(*c,
                      R"({"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"},"payload":"x"})")
                .message(),
            "Invalid type for Timestamp, underlying representation should be integral but was "
            "STRING");
}

TEST(JsonConverter, WritesMapsWithNonStringKeysAsPairs) {
  auto c = MakeJson();
  const SchemaPtr schema = SchemaBuilder::Map(Schema::Int32(), Schema::String()).BuildOrDie();
  const Value value = Value::Map({MapEntry{Value::Int32(1), Value::String("a")},
                                  MapEntry{Value::Int32(2), Value::String("b")}});
  const std::string json =
      R"({"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":false},"optional":false},"payload":[[1,"a"],[2,"b"]]})";
  EXPECT_EQ(Write(*c, schema, value), json);
  EXPECT_EQ(Read(*c, json).value, value);
  EXPECT_EQ(ReadError(*c,
                      R"({"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}},"payload":[[1]]})")
                .message(),
            "Found invalid map entry, expected length 2 but found :1");
  EXPECT_EQ(ReadError(*c,
                      R"({"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"string"}},"payload":{"1":"a"}})")
                .message(),
            "Maps with non-string fields should be encoded as JSON array of tuples, but found "
            "OBJECT");
}

TEST(JsonConverter, InfersTypesWhenWritingWithoutSchema) {
  auto c = MakeJson();
  const Value value = Value::Map({
      MapEntry{Value::String("i"), Value::Int32(1)},
      MapEntry{Value::String("l"), Value::Int64(5000000000)},
      MapEntry{Value::String("f"), Value::Float32(1.5f)},
      MapEntry{Value::String("d"), Value::Float64(0.1)},
      MapEntry{Value::String("b"), Value::Bytes("\x01\x02")},
      MapEntry{Value::String("a"), Value::Array({Value::Boolean(false), Value::Null()})},
      MapEntry{Value::String("m"), Value::Map({MapEntry{Value::Int8(1), Value::String("x")}})},
  });
  EXPECT_EQ(Write(*c, nullptr, value),
            R"({"schema":null,"payload":{"i":1,"l":5000000000,"f":1.5,"d":0.1,"b":"AQI=","a":[false,null],"m":[[1,"x"]]}})");
  auto plain = MakeJson({{"schemas.enable", "false"}});
  EXPECT_EQ(Write(*plain, nullptr, Value::String("x")), "\"x\"");
  // Java cannot write a Struct without its schema.
  EXPECT_EQ(WriteError(*plain, nullptr, OrderValue(OrderSchema())).message(),
            "Mismatching schema.");
}

TEST(JsonConverter, InfersTypesWhenReadingWithoutSchema) {
  auto c = MakeJson({{"schemas.enable", "false"}});
  SchemaAndValue read =
      Read(*c, R"({"i":007,"f":1.0,"e":1e2,"s":"x","b":true,"n":null,"a":[1,[2]],"o":{"k":-3}})");
  EXPECT_EQ(read.schema, nullptr);
  // In java.util.HashMap order (Kafka 3.9.1 prints {a=[1, [2]], b=true, s=x, e=100.0, f=1.0,
  // i=7, n=null, o={k=-3}}).
  const Value expected = Value::Map({
      MapEntry{Value::String("a"),
               Value::Array({Value::Int64(1), Value::Array({Value::Int64(2)})})},
      MapEntry{Value::String("b"), Value::Boolean(true)},
      MapEntry{Value::String("s"), Value::String("x")},
      MapEntry{Value::String("e"), Value::Float64(100.0)},
      MapEntry{Value::String("f"), Value::Float64(1.0)},
      MapEntry{Value::String("i"), Value::Int64(7)},
      MapEntry{Value::String("n"), Value::Null()},
      MapEntry{Value::String("o"), Value::Map({MapEntry{Value::String("k"), Value::Int64(-3)}})},
  });
  EXPECT_EQ(read.value, expected);
  // A repeated key keeps its first position and its last value, as Jackson's ObjectNode.
  EXPECT_EQ(Read(*c, R"({"a":1,"b":2,"a":3})").value,
            Value::Map({MapEntry{Value::String("a"), Value::Int64(3)},
                        MapEntry{Value::String("b"), Value::Int64(2)}}));
  // An envelope with "schema": null is schemaless too.
  auto enveloped = MakeJson();
  EXPECT_EQ(Read(*enveloped, R"({"schema":null,"payload":[1.5]})").value,
            Value::Array({Value::Float64(1.5)}));
}

TEST(JsonConverter, ReadsMapsInJavaHashMapOrder) {
  // Kafka 3.9.1 reads objects and MAP payloads into HashMaps; writing them back follows the
  // HashMap's order, not the JSON's.
  auto plain = MakeJson({{"schemas.enable", "false"}});
  const std::string big =
      R"({"zeta":1,"alpha":2,"mike":3,"bravo":4,"x-ray":5,"charlie":6,"delta":7,"echo":8,)"
      R"("foxtrot":9,"golf":10,"hotel":11,"india":12,"juliet":13,"kilo":14})";
  SchemaAndValue read = Read(*plain, big);
  EXPECT_EQ(Write(*plain, nullptr, read.value),
            R"({"zeta":1,"x-ray":5,"mike":3,"foxtrot":9,"delta":7,"echo":8,"india":12,)"
            R"("bravo":4,"golf":10,"juliet":13,"kilo":14,"alpha":2,"hotel":11,"charlie":6})");
  EXPECT_EQ(Write(*plain, nullptr, Read(*plain, R"({"name":"widget","id":1,"price":12.5})").value),
            R"({"price":12.5,"name":"widget","id":1})");
  // Non-string keys: a repeated key keeps its entry and takes the last value (HashMap.put).
  auto enveloped = MakeJson();
  const std::string pairs =
      R"({"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":)"
      R"("string","optional":false},"optional":false},"payload":[[30,"a"],[1,"b"],[17,"c"],)"
      R"([1,"d"],[-5,"e"]]})";
  SchemaAndValue map = Read(*enveloped, pairs);
  EXPECT_EQ(Write(*enveloped, map.schema, map.value),
            R"({"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":)"
            R"("string","optional":false},"optional":false},"payload":[[1,"d"],[17,"c"],[-5,"e"],)"
            R"([30,"a"]]})");
}

TEST(JsonConverter, WritesContainersWithoutElementSchemasAsKafkaDoes) {
  // Values.parseString's schemas for [1, "a"], {"a": null} and {} (Kafka 3.9.1).
  auto c = MakeJson();
  EXPECT_EQ(Write(*c, SchemaBuilder::ArrayOfNull().BuildOrDie(),
                  Value::Array({Value::Int8(1), Value::String("a")})),
            R"({"schema":{"type":"array","items":null,"optional":false},"payload":[1,"a"]})");
  EXPECT_EQ(Write(*c, SchemaBuilder::MapWithNullValues(Schema::String()).BuildOrDie(),
                  Value::Map({{Value::String("a"), Value()}})),
            R"({"schema":{"type":"map","keys":{"type":"string","optional":false},"values":null,)"
            R"("optional":false},"payload":{"a":null}})");
  absl::Status npe = WriteError(*c, SchemaBuilder::MapOfNull().BuildOrDie(), Value::Map({}));
  EXPECT_EQ(JavaExceptionClass(npe), "java.lang.NullPointerException");
  EXPECT_EQ(npe.message(),
            "Cannot invoke \"org.apache.kafka.connect.data.Schema.type()\" because the return "
            "value of \"org.apache.kafka.connect.data.Schema.keySchema()\" is null");
}

TEST(JsonConverter, HandlesNullsAsJava) {
  auto c = MakeJson();
  auto plain = MakeJson({{"schemas.enable", "false"}});
  // Null schema and null value: a tombstone, with or without the envelope.
  absl::StatusOr<std::optional<std::string>> tombstone = c->FromConnectData("t", nullptr, Value());
  ASSERT_TRUE(tombstone.ok());
  EXPECT_FALSE(tombstone->has_value());
  ASSERT_TRUE(plain->FromConnectData("t", nullptr, Value()).ok());
  EXPECT_FALSE(plain->FromConnectData("t", nullptr, Value())->has_value());
  // A null value with an optional schema.
  EXPECT_EQ(Write(*c, Schema::OptionalString(), Value()),
            R"({"schema":{"type":"string","optional":true},"payload":null})");
  EXPECT_EQ(Write(*plain, Schema::OptionalString(), Value()), "null");
  // A required schema without default.
  EXPECT_EQ(WriteError(*c, Schema::String(), Value()).message(),
            "Conversion error: null value for field that is required and has no default value");
  // Null bytes read as (null, null).
  absl::StatusOr<SchemaAndValue> null_read = c->ToConnectData("t", std::nullopt);
  ASSERT_TRUE(null_read.ok());
  EXPECT_EQ(null_read->schema, nullptr);
  EXPECT_TRUE(null_read->value.is_null());
  // Empty bytes: nothing to read without the envelope, a missing envelope with it.
  EXPECT_TRUE(Read(*plain, "").value.is_null());
  EXPECT_EQ(ReadError(*c, " ").code(), absl::StatusCode::kInvalidArgument);
  // A required field missing from the payload.
  EXPECT_EQ(ReadError(*c, R"({"schema":{"type":"struct","fields":[{"type":"string","field":"a"}]},"payload":{}})")
                .message(),
            "Invalid null value for required STRING field");
}

TEST(JsonConverter, ReplacesNullsWithDefaultsUnlessDisabled) {
  const SchemaPtr field_schema =
      SchemaBuilder(SchemaType::kInt32).Optional().Default(Value::Int32(7)).BuildOrDie();
  const SchemaPtr schema = SchemaBuilder::Struct().Field("n", field_schema).BuildOrDie();
  Struct s(schema);
  const Value value = Value::FromStruct(s);
  auto c = MakeJson({{"schemas.enable", "false"}});
  EXPECT_EQ(Write(*c, schema, value), R"({"n":7})");
  auto keep_null =
      MakeJson({{"schemas.enable", "false"}, {"replace.null.with.default", "false"}});
  EXPECT_EQ(Write(*keep_null, schema, value), R"({"n":null})");

  auto reader = MakeJson();
  const std::string json =
      R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":true,"default":7,"field":"n"}],"optional":false},"payload":{"n":null}})";
  SchemaAndValue read = Read(*reader, json);
  ASSERT_NE(read.schema, nullptr);
  EXPECT_TRUE(read.schema->Equals(*schema));
  EXPECT_EQ(read.value.struct_value().values()[0], Value::Int32(7));
  auto reader_keep = MakeJson({{"replace.null.with.default", "false"}});
  EXPECT_TRUE(Read(*reader_keep, json).value.struct_value().values()[0].is_null());
}

TEST(JsonConverter, WritesEverySchemaAttribute) {
  auto c = MakeJson();
  const SchemaPtr schema = SchemaBuilder(SchemaType::kString)
                               .Optional()
                               .Name("n")
                               .Version(2)
                               .Doc("d \"q\"")
                               .Parameter("a", "1")
                               .Parameter("b", "2")
                               .Default(Value::String("dv"))
                               .BuildOrDie();
  const std::string json =
      R"({"schema":{"type":"string","optional":true,"name":"n","version":2,"doc":"d \"q\"","parameters":{"a":"1","b":"2"},"default":"dv"},"payload":"x"})";
  EXPECT_EQ(Write(*c, schema, Value::String("x")), json);
  SchemaAndValue read = Read(*c, json);
  ASSERT_NE(read.schema, nullptr);
  EXPECT_TRUE(read.schema->Equals(*schema));
}

TEST(JsonConverter, CachesSchemasReadFromEnvelopes) {
  auto c = MakeJson();
  SchemaAndValue a = Read(*c, kOrderJson);
  SchemaAndValue b = Read(*c, kOrderJson);
  EXPECT_EQ(a.schema.get(), b.schema.get());
  auto uncached = MakeJson({{"schemas.cache.size", "0"}});
  EXPECT_NE(Read(*uncached, kOrderJson).schema.get(), Read(*uncached, kOrderJson).schema.get());
}

TEST(JsonConverter, RequiresTheEnvelopeWhenSchemasAreEnabled) {
  auto c = MakeJson();
  const std::string message =
      "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not "
      "contain additional fields. If you are trying to deserialize plain JSON data, set "
      "schemas.enable=false in your converter configuration.";
  for (const char* json : {R"({"a":1})", R"({"schema":null})", R"({"schema":null,"payload":1,"x":2})",
                           "[1]", "1"}) {
    absl::Status s = ReadError(*c, json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_EQ(s.message(), message) << json;
  }
}

TEST(JsonConverter, ReportsMalformedJson) {
  auto c = MakeJson({{"schemas.enable", "false"}});
  for (const char* json : {"{", "{\"a\":}", "[1,]", "tru", "1 2", "\"unterminated", "[1.]"}) {
    absl::Status s = ReadError(*c, json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << json;
    // Kafka's message is the prefix alone; the parser's reason is in the cause (Jackson's there,
    // simdjson's here).
    EXPECT_EQ(s.message(),
              "Converting byte[] to Kafka Connect data failed due to serialization error: ");
    EXPECT_EQ(JavaExceptionClass(s), kDataExceptionClass);
    EXPECT_TRUE(absl::StartsWith(JavaExceptionCause(s),
                                 "org.apache.kafka.common.errors.SerializationException: "))
        << JavaExceptionCause(s);
  }
}

TEST(JsonConverter, ReportsBadSchemas) {
  auto c = MakeJson();
  EXPECT_EQ(ReadError(*c, R"({"schema":{"type":"float32"},"payload":1})").message(),
            "Unknown schema type: float32");
  EXPECT_EQ(ReadError(*c, R"({"schema":{"optional":true},"payload":1})").message(),
            "Schema must contain 'type' field");
  EXPECT_EQ(ReadError(*c, R"({"schema":{"type":"array"},"payload":[]})").message(),
            "Array schema did not specify the element type");
  EXPECT_EQ(ReadError(*c, R"({"schema":{"type":"struct","fields":{}},"payload":{}})").message(),
            "Struct schema's \"fields\" argument is not an array.");
  EXPECT_EQ(ReadError(*c, R"({"schema":{"type":"struct","fields":[{"type":"int8"}]},"payload":{}})")
                .message(),
            "Struct schema's field name not specified properly");
  EXPECT_EQ(ReadError(*c, R"({"schema":{"type":"int8","parameters":{"a":1}},"payload":1})").message(),
            "Schema parameters must have string values.");
}

TEST(JsonConverter, ReportsValuesThatDoNotFitTheirSchema) {
  auto c = MakeJson();
  EXPECT_EQ(WriteError(*c, Schema::Int32(), Value::String("x")).message(),
            "Invalid type for INT32: class java.lang.String");
  EXPECT_EQ(WriteError(*c, Schema::Int32(), Value::Int64(1)).message(),
            "Invalid type for INT32: class java.lang.Long");
  const SchemaPtr other = SchemaBuilder::Struct().Field("x", Schema::Int8()).BuildOrDie();
  EXPECT_EQ(WriteError(*c, other, OrderValue(OrderSchema())).message(), "Mismatching schema.");
  EXPECT_EQ(ReadError(*c, R"({"schema":{"type":"struct","fields":[]},"payload":[1]})").message(),
            "Structs should be encoded as JSON objects, but found ARRAY");
  EXPECT_EQ(ReadError(*c, R"({"schema":{"type":"bytes"},"payload":"not base64!"})").message(),
            "Invalid bytes field");
}

// Kafka reads a payload with Jackson's accessor for the schema's type, whatever the node is; the
// expected values are what Kafka 3.9.1's JsonConverter returns for the same JSON.
TEST(JsonConverter, ReadsANodeOfAnotherTypeAsJacksonsAccessorsDo) {
  auto c = MakeJson();
  auto read = [&](const char* type, const char* payload) {
    return Read(*c, absl::StrCat(R"({"schema":{"type":")", type, R"("},"payload":)", payload, "}"))
        .value;
  };
  EXPECT_EQ(read("int32", R"("x")"), Value::Int32(0));
  EXPECT_EQ(read("int8", "true"), Value::Int8(0));
  EXPECT_EQ(read("int64", "[1,2]"), Value::Int64(0));
  EXPECT_EQ(read("double", R"("NaN")"), Value::Float64(0.0));
  EXPECT_EQ(read("float", R"({"a":1})"), Value::Float32(0.0f));
  EXPECT_EQ(read("boolean", "1"), Value::Boolean(false));
  EXPECT_EQ(read("boolean", R"("true")"), Value::Boolean(false));
  EXPECT_TRUE(read("string", "1.9").is_null());
  EXPECT_TRUE(read("bytes", "{}").is_null());
  EXPECT_EQ(read("string", R"("AQI=")"), Value::String("AQI="));
  EXPECT_EQ(Read(*c, R"({"schema":{"type":"array","items":{"type":"int32"}},"payload":{"a":1,"b":2}})")
                .value,
            Value::Array({Value::Int32(1), Value::Int32(2)}));
  EXPECT_EQ(Read(*c, R"({"schema":{"type":"array","items":{"type":"int32"}},"payload":5})").value,
            Value::Array({}));
  EXPECT_EQ(
      ReadError(*c,
                R"({"schema":{"type":"struct","fields":[{"field":"s","type":"string"}]},"payload":{"s":5}})")
          .message(),
      "Invalid value: null used for required field: \"s\", schema type: STRING");
}

TEST(JsonConverter, ReadsIntegersAsJavaNarrowsThem) {
  auto c = MakeJson();
  // (byte) intValue(): the low bits.
  EXPECT_EQ(Read(*c, R"({"schema":{"type":"int8"},"payload":300})").value, Value::Int8(44));
  EXPECT_EQ(Read(*c, R"({"schema":{"type":"int32"},"payload":2.9})").value, Value::Int32(2));
  EXPECT_EQ(Read(*c, R"({"schema":{"type":"int64"},"payload":18446744073709551617})").value,
            Value::Int64(1));
  EXPECT_EQ(Read(*c, R"({"schema":{"type":"float"},"payload":0.1})").value, Value::Float32(0.1f));
}

TEST(CreateConverter, ResolvesClassNamesAndAliases) {
  for (const char* name : {"org.apache.kafka.connect.json.JsonConverter", "JsonConverter", "Json",
                           "org.apache.kafka.connect.storage.StringConverter", "StringConverter",
                           "String", "org.apache.kafka.connect.converters.ByteArrayConverter",
                           "ByteArrayConverter", "ByteArray"}) {
    absl::StatusOr<std::unique_ptr<Converter>> c = CreateConverter(name, {}, true);
    EXPECT_TRUE(c.ok()) << name << ": " << c.status();
  }
  absl::StatusOr<std::unique_ptr<Converter>> missing = CreateConverter("AvroConverter", {}, false);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Could not find converter class AvroConverter");
  EXPECT_EQ(CreateConverter("Json", {{"decimal.format", "HEX"}}, false).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateConverter("Json", {{"schemas.enable", "maybe"}}, false).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BuiltinConverters, ListsKafkasConvertersInItsOrderWithTheirConfigs) {
  const std::vector<ConverterClass>& classes = BuiltinConverters();
  std::vector<std::string> names;
  for (const ConverterClass& c : classes) names.push_back(c.class_name);
  // As Kafka 3.9.1's Plugins.converters() lists them.
  EXPECT_EQ(names, (std::vector<std::string>{
                       "org.apache.kafka.connect.converters.BooleanConverter",
                       "org.apache.kafka.connect.converters.ByteArrayConverter",
                       "org.apache.kafka.connect.converters.DoubleConverter",
                       "org.apache.kafka.connect.converters.FloatConverter",
                       "org.apache.kafka.connect.converters.IntegerConverter",
                       "org.apache.kafka.connect.converters.LongConverter",
                       "org.apache.kafka.connect.converters.ShortConverter",
                       "org.apache.kafka.connect.json.JsonConverter",
                       "org.apache.kafka.connect.storage.StringConverter"}));
  const ConverterClass* json = nullptr;
  for (const ConverterClass& c : classes) {
    if (c.class_name == "org.apache.kafka.connect.json.JsonConverter") json = &c;
  }
  ASSERT_NE(json, nullptr);
  std::vector<std::string> keys;
  for (const ConfigKey& k : json->config.keys()) keys.push_back(k.name);
  EXPECT_EQ(keys, (std::vector<std::string>{"converter.type", "schemas.enable",
                                            "schemas.cache.size", "decimal.format",
                                            "replace.null.with.default"}));
}

}  // namespace
}  // namespace sluice::convert
