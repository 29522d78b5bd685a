#include "server/convert/string_converter.h"

#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "server/convert/converter.h"

namespace sluice::convert {
namespace {

std::unique_ptr<Converter> MakeString(ConfigMap config = {}) {
  absl::StatusOr<std::unique_ptr<Converter>> c =
      CreateConverter("org.apache.kafka.connect.storage.StringConverter", config, false);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

std::optional<std::string> Write(Converter& c, const Schema* schema, const Value& value) {
  absl::StatusOr<std::optional<std::string>> out = c.FromConnectData("t", schema, value);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : std::nullopt;
}

TEST(StringConverter, WritesStringsAsTheyAre) {
  auto c = MakeString();
  EXPECT_EQ(Write(*c, Schema::String().get(), Value::String("h\xC3\xA9llo")), "h\xC3\xA9llo");
  EXPECT_EQ(Write(*c, nullptr, Value::String("")), "");
  EXPECT_EQ(Write(*c, Schema::OptionalString().get(), Value()), std::nullopt);
}

TEST(StringConverter, MovesAnOwnedStringOutAndConvertsAnythingElseAsBefore) {
  auto c = MakeString();
  const std::string line(100, 'x');  // longer than the small-string buffer: a heap buffer
  Value value = Value::String(line);
  const char* chars = value.string().data();
  absl::StatusOr<std::optional<std::string>> out =
      c->FromOwnedConnectData("t", Schema::String().get(), std::move(value));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(**out, line);
  EXPECT_EQ((*out)->data(), chars);  // the same buffer: moved, not copied
  Value number = Value::Int32(42);
  out = c->FromOwnedConnectData("t", Schema::Int32().get(), std::move(number));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(**out, "42");
  out = c->FromOwnedConnectData("t", nullptr, Value());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, std::nullopt);
}

TEST(StringConverter, WritesOtherValuesAsJavaToString) {
  auto c = MakeString();
  EXPECT_EQ(Write(*c, nullptr, Value::Int32(42)), "42");
  EXPECT_EQ(Write(*c, nullptr, Value::Int64(-5000000000)), "-5000000000");
  EXPECT_EQ(Write(*c, nullptr, Value::Float64(1e10)), "1.0E10");
  EXPECT_EQ(Write(*c, nullptr, Value::Float64(2.5)), "2.5");
  EXPECT_EQ(Write(*c, nullptr, Value::Float32(0.1f)), "0.1");
  EXPECT_EQ(Write(*c, nullptr, Value::Boolean(true)), "true");
  EXPECT_EQ(Write(*c, nullptr,
                  Value::Array({Value::Int32(1), Value::String("a"), Value::Null()})),
            "[1, a, null]");
  EXPECT_EQ(Write(*c, nullptr,
                  Value::Map({MapEntry{Value::String("k"), Value::Int32(1)},
                              MapEntry{Value::String("j"), Value::Array({})}})),
            "{k=1, j=[]}");
  const SchemaPtr dec = SchemaBuilder::Decimal(2).BuildOrDie();
  EXPECT_EQ(Write(*c, dec.get(), Value::Bytes(std::string("\x04\xD2", 2))), "12.34");

  const SchemaPtr schema = SchemaBuilder::Struct()
                               .Field("id", Schema::Int32())
                               .Field("note", Schema::OptionalString())
                               .Field("price", dec)
                               .BuildOrDie();
  Struct s(schema);
  ASSERT_TRUE(s.Put("id", Value::Int32(7)).ok());
  ASSERT_TRUE(s.Put("price", Value::Bytes(std::string("\xFB", 1))).ok());
  // Null fields are left out, as Struct.toString() does.
  EXPECT_EQ(Write(*c, schema.get(), Value::FromStruct(s)), "Struct{id=7,price=-0.05}");
}

TEST(StringConverter, WritesDatesAsJavaUtilDateToString) {
  // Kafka 3.9.1 on a UTC JVM: Date/Time/Timestamp values are java.util.Date objects.
  auto c = MakeString();
  EXPECT_EQ(Write(*c, SchemaBuilder::Date().BuildOrDie().get(), Value::Int32(19753)),
            "Wed Jan 31 00:00:00 UTC 2024");
  EXPECT_EQ(Write(*c, SchemaBuilder::Timestamp().BuildOrDie().get(), Value::Int64(1706704496789)),
            "Wed Jan 31 12:34:56 UTC 2024");
  EXPECT_EQ(Write(*c, nullptr, Value::Timestamp(-12219292800001)), "Thu Oct 04 23:59:59 UTC 1582");
}

TEST(StringConverter, ReadsAnyBytesAsAnOptionalString) {
  auto c = MakeString();
  absl::StatusOr<SchemaAndValue> r = c->ToConnectData("t", std::string_view("h\xC3\xA9llo"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->schema->Equals(*Schema::OptionalString()));
  EXPECT_EQ(r->value, Value::String("h\xC3\xA9llo"));

  absl::StatusOr<SchemaAndValue> null_read = c->ToConnectData("t", std::nullopt);
  ASSERT_TRUE(null_read.ok());
  EXPECT_TRUE(null_read->schema->Equals(*Schema::OptionalString()));
  EXPECT_TRUE(null_read->value.is_null());
}

TEST(StringConverter, ReplacesInvalidUtf8AsJavasDecoder) {
  auto c = MakeString();
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(c->ToConnectData("t", std::string_view("a\xFF" "b"))->value,
            Value::String("a" + replacement + "b"));
  // A truncated sequence is one replacement; a bad continuation byte is kept as its own char.
  EXPECT_EQ(c->ToConnectData("t", std::string_view("\xE2\x82"))->value, Value::String(replacement));
  EXPECT_EQ(c->ToConnectData("t", std::string_view("\xE2" "A"))->value,
            Value::String(replacement + "A"));
  // Surrogates encoded in UTF-8 are ill-formed: one replacement per byte.
  EXPECT_EQ(c->ToConnectData("t", std::string_view("\xED\xA0\x80"))->value,
            Value::String(replacement + replacement + replacement));
}

TEST(StringConverter, AcceptsOnlyUtf8) {
  EXPECT_TRUE(CreateConverter("String", {{"converter.encoding", "utf8"}}, true).ok());
  EXPECT_TRUE(CreateConverter("String", {{"converter.encoding", "UTF-8"}}, true).ok());
  absl::StatusOr<std::unique_ptr<Converter>> latin1 =
      CreateConverter("StringConverter", {{"converter.encoding", "ISO-8859-1"}}, false);
  EXPECT_EQ(latin1.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(latin1.status().message(),
            "Invalid value ISO-8859-1 for configuration converter.encoding: unsupported "
            "encoding; StringConverter supports only UTF-8");
}

}  // namespace
}  // namespace sluice::convert
