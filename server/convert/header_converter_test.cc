// Expected values come from Kafka 3.9.1 (SimpleHeaderConverter, JsonConverter, StringConverter
// and ByteArrayConverter configured with converter.type=header, and the plugin list and aliases
// of org.apache.kafka.connect.runtime.isolation.Plugins), run on a UTC JVM.
#include "server/convert/header_converter.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/convert/connect_exception.h"

namespace sluice::convert {
namespace {

using ::testing::ElementsAre;

std::unique_ptr<HeaderConverter> Make(std::string_view name, const ConfigMap& config = {}) {
  absl::StatusOr<std::unique_ptr<HeaderConverter>> c = CreateHeaderConverter(name, config);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : nullptr;
}

std::string Bytes(const absl::StatusOr<std::optional<std::string>>& b) {
  if (!b.ok()) return "error: " + std::string(b.status().message());
  return b->has_value() ? **b : "null";
}

TEST(BuiltinHeaderConverters, ListsKafkasHeaderConvertersInItsOrder) {
  std::vector<std::string> names;
  for (const HeaderConverterClass& c : BuiltinHeaderConverters()) names.push_back(c.class_name);
  EXPECT_THAT(names, ElementsAre("org.apache.kafka.connect.converters.BooleanConverter",
                                 "org.apache.kafka.connect.converters.ByteArrayConverter",
                                 "org.apache.kafka.connect.converters.DoubleConverter",
                                 "org.apache.kafka.connect.converters.FloatConverter",
                                 "org.apache.kafka.connect.converters.IntegerConverter",
                                 "org.apache.kafka.connect.converters.LongConverter",
                                 "org.apache.kafka.connect.converters.ShortConverter",
                                 "org.apache.kafka.connect.json.JsonConverter",
                                 "org.apache.kafka.connect.storage.SimpleHeaderConverter",
                                 "org.apache.kafka.connect.storage.StringConverter"));
}

TEST(CreateHeaderConverter, ResolvesClassNamesAndKafkasAliases) {
  // Kafka's aliases: the simple name, and the simple name without the plugin type's suffix
  // ("Converter" as a converter, "HeaderConverter" as a header converter).
  for (const char* name :
       {"org.apache.kafka.connect.storage.SimpleHeaderConverter", "SimpleHeaderConverter",
        "Simple", "Json", "JsonConverter", "String", "StringConverter", "ByteArray", "Boolean",
        "Double", "Float", "Integer", "Long", "Short", "ShortConverter"}) {
    EXPECT_TRUE(CreateHeaderConverter(name, {}).ok()) << name;
  }
  absl::StatusOr<std::unique_ptr<HeaderConverter>> missing =
      CreateHeaderConverter("SimpleHeader", {});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Could not find header converter class SimpleHeader");
}

TEST(CreateHeaderConverter, RefusesABadConfigWithAConfigException) {
  absl::StatusOr<std::unique_ptr<HeaderConverter>> c =
      CreateHeaderConverter("Json", {{"schemas.enable", "maybe"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JavaExceptionClass(c.status()), kConfigExceptionClass);
}

TEST(SimpleHeaderConverter, WritesValuesAsValuesText) {
  std::unique_ptr<HeaderConverter> c = Make("SimpleHeaderConverter");
  SchemaPtr st = SchemaBuilder::Struct()
                     .Name("S")
                     .Field("a", Schema::Int32())
                     .Field("b", Schema::OptionalString())
                     .BuildOrDie();
  Struct s(st);
  ASSERT_TRUE(s.Put("a", Value::Int32(1)).ok());
  ASSERT_TRUE(s.Put("b", Value::String("x")).ok());
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", st.get(), Value::FromStruct(s))),
            R"({"a":1,"b":"x"})");
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", Schema::Int32().get(), Value::Int32(42))), "42");
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", nullptr, Value())), "null");  // a null header
  SchemaPtr decimal = SchemaBuilder::Decimal(2).BuildOrDie();
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", decimal.get(),
                                       Value::Bytes(std::string("\x04\xD2", 2)))),
            "12.34");
  SchemaPtr ts = SchemaBuilder::Timestamp().BuildOrDie();
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", ts.get(), Value::Int64(1706704496789))),
            "2024-01-31T12:34:56.789Z");
}

TEST(SimpleHeaderConverter, ReadsTextWithValuesTypeInference) {
  std::unique_ptr<HeaderConverter> c = Make("Simple");
  absl::StatusOr<SchemaAndValue> n = c->ToConnectHeader("t", "h", "42");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->schema, Schema::Int8());
  EXPECT_EQ(n->value, Value::Int8(42));
  absl::StatusOr<SchemaAndValue> s = c->ToConnectHeader("t", "h", "hello");
  EXPECT_EQ(s->value, Value::String("hello"));
  absl::StatusOr<SchemaAndValue> list = c->ToConnectHeader("t", "h", "[1, 2]");
  EXPECT_EQ(list->schema->type(), SchemaType::kArray);
  EXPECT_EQ(list->value, Value::Array({Value::Int8(1), Value::Int8(2)}));
  absl::StatusOr<SchemaAndValue> map = c->ToConnectHeader("t", "h", R"({"a": true})");
  EXPECT_EQ(map->value, Value::Map({{Value::String("a"), Value::Boolean(true)}}));
  absl::StatusOr<SchemaAndValue> date = c->ToConnectHeader("t", "h", "2024-01-31");
  EXPECT_EQ(date->schema->name(), kDateLogicalName);
  EXPECT_EQ(date->value, Value::Int32(19753));
  absl::StatusOr<SchemaAndValue> null = c->ToConnectHeader("t", "h", std::nullopt);
  EXPECT_EQ(null->schema, nullptr);
  EXPECT_TRUE(null->value.is_null());
}

TEST(SimpleHeaderConverter, FallsBackToTheBytesWhenTheTextCannotBeRead) {
  std::unique_ptr<HeaderConverter> c = Make("Simple");
  // Kafka 3.9.1 overflows its stack on 20000 nested arrays (on a 1 MB thread stack, from about
  // 1700) and returns the bytes; Sluice gives up at a fixed depth.
  const std::string deep = std::string(20000, '[') + std::string(20000, ']');
  absl::StatusOr<SchemaAndValue> v = c->ToConnectHeader("t", "h", deep);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->schema, Schema::Bytes());
  EXPECT_EQ(v->value, Value::Bytes(deep));
}

TEST(JsonConverterAsHeaderConverter, WritesTheEnvelopeWhenSchemasAreEnabled) {
  std::unique_ptr<HeaderConverter> c = Make("Json");
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", Schema::Int32().get(), Value::Int32(42))),
            R"({"schema":{"type":"int32","optional":false},"payload":42})");
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", nullptr, Value::String("x"))),
            R"({"schema":null,"payload":"x"})");
  absl::StatusOr<SchemaAndValue> back =
      c->ToConnectHeader("t", "h", R"({"schema":{"type":"int32","optional":false},"payload":42})");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->value, Value::Int32(42));
  std::unique_ptr<HeaderConverter> bare = Make("Json", {{"schemas.enable", "false"}});
  EXPECT_EQ(Bytes(bare->FromConnectHeader("t", "h", Schema::Int32().get(), Value::Int32(42))),
            "42");
}

TEST(StringConverterAsHeaderConverter, WritesToStringAndReadsAnOptionalString) {
  std::unique_ptr<HeaderConverter> c = Make("org.apache.kafka.connect.storage.StringConverter");
  SchemaPtr st = SchemaBuilder::Struct()
                     .Field("a", Schema::Int32())
                     .Field("b", Schema::OptionalString())
                     .BuildOrDie();
  Struct s(st);
  ASSERT_TRUE(s.Put("a", Value::Int32(1)).ok());
  ASSERT_TRUE(s.Put("b", Value::String("x")).ok());
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", st.get(), Value::FromStruct(s))),
            "Struct{a=1,b=x}");
  absl::StatusOr<SchemaAndValue> back = c->ToConnectHeader("t", "h", "42");
  EXPECT_EQ(back->schema, Schema::OptionalString());
  EXPECT_EQ(back->value, Value::String("42"));
}

TEST(ByteArrayConverterAsHeaderConverter, PassesBytesThrough) {
  std::unique_ptr<HeaderConverter> c = Make("ByteArray");
  EXPECT_EQ(Bytes(c->FromConnectHeader("t", "h", nullptr, Value::Bytes("\x01\x02"))),
            "\x01\x02");
  absl::StatusOr<std::optional<std::string>> bad =
      c->FromConnectHeader("t", "h", Schema::String().get(), Value::String("x"));
  EXPECT_EQ(bad.status().message(), "Invalid schema type for ByteArrayConverter: STRING");
  absl::StatusOr<SchemaAndValue> back = c->ToConnectHeader("t", "h", "\x01");
  EXPECT_EQ(back->schema, Schema::OptionalBytes());
}

}  // namespace
}  // namespace sluice::convert
