// Expected values come from Kafka 3.9.1's org.apache.kafka.connect.data.Values, run on JDK 17
// with user.timezone=UTC. testdata/values_parse_string.tsv holds, for ~1800 inputs (hand-picked
// cases and random ones), what Values.parseString returned (schema and value, described below)
// and what Values.convertToString printed for that result. It was made by a small Java program
// that reads each input (Java string escapes), calls both and prints one line:
//   <input>\t<schema>\t<value>\t<convertToString>   (or <input>\tnull for a null result)
// Schemas: INT8 ... FLOAT64, STRING, BOOLEAN, INT32:Date, INT32:Time, INT64:Timestamp,
// BYTES:Decimal(<scale>), ARRAY<e>, MAP<k,v>, "null" for no schema, "?" when optional.
// Values: b:/s:/i:/l: for Byte/Short/Integer/Long, f:/d: and the hex of the float's bits,
// true/false, "escaped string", date:<epoch millis> for java.util.Date, dec:<unscaled>e<scale>
// for BigDecimal, [a,b] for lists and {k=v} for maps. The few inputs whose result Sluice cannot
// represent (a BigDecimal in a list or map without a Decimal schema, or with another scale than
// its schema's) are left out of the file; RefusesWhatSluicesEncodingsCannotHold covers them.
#include "server/convert/values.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/convert/connect_exception.h"
#include "sluice/sdk/java_text.h"

namespace sluice::convert {
namespace {

using ::testing::HasSubstr;

// ---- The description format of the golden file --------------------------------------------

// Java string escapes (the inputs are written as Java would read them).
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char n = s[++i];
    switch (n) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'u': {
        unsigned code = 0;
        for (int k = 0; k < 4; ++k) code = code * 16 + std::stoi(std::string(1, s[i + 1 + k]), nullptr, 16);
        i += 4;
        out.push_back(static_cast<char>(code));  // only control characters are escaped
        break;
      }
      default:
        out.push_back(n);
    }
  }
  return out;
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string DescribeSchema(const Schema* schema) {
  if (schema == nullptr) return "null";
  std::string out = absl::AsciiStrToUpper(std::string(SchemaTypeName(schema->type())));
  if (!schema->name().empty()) {
    const std::string& name = schema->name();
    out += ":" + name.substr(name.rfind('.') + 1);
    if (name == kDecimalLogicalName) {
      out += "(" + schema->parameters().at(std::string(kDecimalScaleParameter)) + ")";
    }
  }
  if (schema->type() == SchemaType::kArray) {
    out += "<" + DescribeSchema(schema->value_schema().get()) + ">";
  }
  if (schema->type() == SchemaType::kMap) {
    out += "<" + DescribeSchema(schema->key_schema().get()) + "," +
           DescribeSchema(schema->value_schema().get()) + ">";
  }
  if (schema->optional()) out += "?";
  return out;
}

std::string DescribeValue(const Schema* schema, const Value& v) {
  const std::string name = schema != nullptr ? schema->name() : "";
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBoolean:
      return v.boolean() ? "true" : "false";
    case Value::Kind::kInt8:
      return absl::StrCat("b:", v.integer());
    case Value::Kind::kInt16:
      return absl::StrCat("s:", v.integer());
    case Value::Kind::kInt32:
      if (name == kDateLogicalName) return absl::StrCat("date:", v.integer() * 86400000);
      if (name == kTimeLogicalName) return absl::StrCat("date:", v.integer());
      return absl::StrCat("i:", v.integer());
    case Value::Kind::kInt64:
      if (name == kTimestampLogicalName) return absl::StrCat("date:", v.integer());
      return absl::StrCat("l:", v.integer());
    case Value::Kind::kFloat32: {
      const float f = static_cast<float>(v.floating());
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%x", bits);
      return absl::StrCat("f:", buf);
    }
    case Value::Kind::kFloat64: {
      const double d = v.floating();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof(bits));
      char buf[24];
      std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(bits));
      return absl::StrCat("d:", buf);
    }
    case Value::Kind::kString:
      return "\"" + Escape(v.string()) + "\"";
    case Value::Kind::kTimestamp:
      return absl::StrCat("date:", v.timestamp_millis());
    case Value::Kind::kBytes:
      if (name == kDecimalLogicalName) {
        return absl::StrCat("dec:", JavaBigDecimalToString(v.bytes(), 0), "e",
                            schema->parameters().at(std::string(kDecimalScaleParameter)));
      }
      return "bytes:?";
    case Value::Kind::kArray: {
      const Schema* element = schema != nullptr && schema->type() == SchemaType::kArray
                                  ? schema->value_schema().get()
                                  : nullptr;
      std::string out = "[";
      for (size_t i = 0; i < v.array().size(); ++i) {
        if (i > 0) out += ",";
        out += DescribeValue(element, v.array()[i]);
      }
      return out + "]";
    }
    case Value::Kind::kMap: {
      const bool is_map = schema != nullptr && schema->type() == SchemaType::kMap;
      std::string out = "{";
      for (size_t i = 0; i < v.map().size(); ++i) {
        if (i > 0) out += ",";
        out += DescribeValue(is_map ? schema->key_schema().get() : nullptr, v.map()[i].key) +
               "=" + DescribeValue(is_map ? schema->value_schema().get() : nullptr,
                                   v.map()[i].value);
      }
      return out + "}";
    }
    case Value::Kind::kStruct:
      return "struct";
  }
  return "?";
}

TEST(ParseString, MatchesKafkaOnEveryInputOfTheGoldenFile) {
  std::ifstream in(SLUICE_CONVERT_TESTDATA "/values_parse_string.tsv");
  ASSERT_TRUE(in.good());
  std::string line;
  int lines = 0;
  int mismatches = 0;
  while (std::getline(in, line)) {
    ++lines;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    ASSERT_GE(cols.size(), 2u) << line;
    const std::string input = Unescape(cols[0]);
    absl::StatusOr<SchemaAndValue> parsed = ParseString(input);
    std::string got;
    if (!parsed.ok()) {
      got = absl::StrCat("ERROR ", parsed.status().ToString());
    } else if (parsed->schema == nullptr && parsed->value.is_null()) {
      got = "null";
    } else {
      got = absl::StrCat(DescribeSchema(parsed->schema.get()), "\t",
                         DescribeValue(parsed->schema.get(), parsed->value), "\t",
                         Escape(ConvertToString(parsed->schema.get(), parsed->value)));
    }
    std::string want = cols[1];
    for (size_t i = 2; i < cols.size(); ++i) want += "\t" + cols[i];
    if (got != want && ++mismatches <= 40) {
      ADD_FAILURE() << "input [" << cols[0] << "]\n  Kafka:  " << want << "\n  Sluice: " << got;
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(lines, 1500);
}

// ---- parseString, one behaviour at a time (Kafka 3.9.1) -------------------------------------

SchemaAndValue Parse(std::string_view text) {
  absl::StatusOr<SchemaAndValue> parsed = ParseString(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : SchemaAndValue{};
}

TEST(ParseString, NarrowsIntegersToTheSmallestType) {
  EXPECT_EQ(Parse("127").value, Value::Int8(127));
  EXPECT_EQ(Parse("-128").value, Value::Int8(-128));
  EXPECT_EQ(Parse("128").value, Value::Int16(128));
  EXPECT_EQ(Parse("-32769").value, Value::Int32(-32769));
  EXPECT_EQ(Parse("2147483648").value, Value::Int64(2147483648));
  EXPECT_EQ(Parse("9223372036854775807").value, Value::Int64(9223372036854775807));
  EXPECT_EQ(Parse("1.0").value, Value::Int8(1));  // a whole number, whatever its scale
  EXPECT_EQ(Parse("1e2").value, Value::Int8(100));
  EXPECT_EQ(Parse("-0.0").value, Value::Int8(0));
  EXPECT_EQ(Parse("٣").value, Value::Int8(3));  // Character.isDigit takes every script's digits
}

TEST(ParseString, ReadsOtherNumbersAsFloatDoubleOrDecimal) {
  EXPECT_EQ(Parse("1.5").value, Value::Float32(1.5f));
  EXPECT_EQ(Parse("1e-400").value, Value::Float32(0.0f));  // has a scale: FLOAT32, even at 0
  EXPECT_EQ(Parse("1e39").value, Value::Float64(1e39));    // too big for a float
  EXPECT_EQ(Parse("1e19").value, Value::Float32(1e19f));   // beyond a long, with a scale
  SchemaAndValue big = Parse("9223372036854775808");       // beyond a long, scale 0: Decimal
  EXPECT_EQ(DescribeSchema(big.schema.get()), "BYTES:Decimal(0)");
  EXPECT_EQ(JavaBigDecimalToString(big.value.bytes(), 0), "9223372036854775808");
  SchemaAndValue huge = Parse("1e400");
  EXPECT_EQ(DescribeSchema(huge.schema.get()), "BYTES:Decimal(-400)");
  EXPECT_EQ(ConvertToString(huge.schema.get(), huge.value), "1E+400");
}

TEST(ParseString, ReadsIsoDatesTimesAndTimestampsLeniently) {
  SchemaAndValue date = Parse("2024-01-31");
  EXPECT_EQ(date.schema->name(), kDateLogicalName);
  EXPECT_EQ(date.value, Value::Int32(19753));
  EXPECT_EQ(Parse("2024-02-30").value, Value::Int32(19783));  // March 1st
  EXPECT_EQ(Parse("2024-1-1ab").value, Value::Int32(19723));  // the rest is ignored
  SchemaAndValue time = Parse("12:34:56.789Z");
  EXPECT_EQ(time.schema->name(), kTimeLogicalName);
  EXPECT_EQ(time.value, Value::Int32(45296789));
  SchemaAndValue ts = Parse("2024-01-31T12:34:56.789Z");
  EXPECT_EQ(ts.schema->name(), kTimestampLogicalName);
  EXPECT_EQ(ts.value, Value::Int64(1706704496789));
  // Before 1582-10-15 the calendar is Julian.
  EXPECT_EQ(Parse("1582-10-04").value, Value::Int32(-141428));
}

TEST(ParseString, ReadsArraysAndMapsWithACommonSchema) {
  SchemaAndValue list = Parse("[1, 1000]");
  EXPECT_EQ(DescribeSchema(list.schema.get()), "ARRAY<INT16>");
  EXPECT_EQ(list.value, Value::Array({Value::Int16(1), Value::Int16(1000)}));
  SchemaAndValue mixed = Parse("[1, \"a\"]");
  EXPECT_EQ(DescribeSchema(mixed.schema.get()), "ARRAY<null>");
  EXPECT_EQ(mixed.value, Value::Array({Value::Int8(1), Value::String("a")}));
  SchemaAndValue map = Parse("{\"b\": 1, \"a\": 2.5}");
  EXPECT_EQ(DescribeSchema(map.schema.get()), "MAP<STRING,FLOAT32>");
  // A LinkedHashMap: the text's order.
  EXPECT_EQ(map.value, Value::Map({{Value::String("b"), Value::Float32(1)},
                                   {Value::String("a"), Value::Float32(2.5f)}}));
  EXPECT_EQ(DescribeSchema(Parse("[]").schema.get()), "ARRAY<null>");
  EXPECT_EQ(DescribeSchema(Parse("{}").schema.get()), "MAP<null,null>");
  EXPECT_EQ(DescribeSchema(Parse("{\"a\": null}").schema.get()), "MAP<STRING,null>");
}

TEST(ParseString, FallsBackToTheWholeTextAsAString) {
  for (const char* text : {"[1, null, 2]", "[a, b]", "[1", "{\"a\"}", "true,", "hello world",
                           "\"quoted\"", "12 abc"}) {
    SchemaAndValue v = Parse(text);
    EXPECT_EQ(v.schema, Schema::String()) << text;
    EXPECT_EQ(v.value, Value::String(text)) << text;
  }
  EXPECT_EQ(Parse("").value, Value::String(""));
  EXPECT_EQ(Parse("   ").value, Value::String("   "));
}

TEST(ParseString, StopsAfterTheFirstValueAtTheTopLevel) {
  // Values does not check that the whole text was read.
  EXPECT_EQ(Parse("1,2,3").value, Value::Int8(1));
  EXPECT_EQ(Parse("1:2").value, Value::Int8(1));
}

TEST(ParseString, TheNullLiteralIsANullSchemaAndValue) {
  SchemaAndValue v = Parse(" null ");
  EXPECT_EQ(v.schema, nullptr);
  EXPECT_TRUE(v.value.is_null());
}

TEST(ParseString, KeepsEscapesInQuotedStrings) {
  // Backslashes only protect delimiters from the tokenizer; they stay in the text.
  SchemaAndValue v = Parse(R"(["a\"b", "c\,d"])");
  EXPECT_EQ(v.value, Value::Array({Value::String(R"(a\"b)"), Value::String(R"(c\,d)")}));
}

TEST(ParseString, ReadsInvalidUtf8AsJavaDecodesIt) {
  EXPECT_EQ(Parse("a\xff").value, Value::String("a\xEF\xBF\xBD"));
}

TEST(ParseString, RefusesWhatSluicesEncodingsCannotHold) {
  // Java keeps a java.util.Date with a time of day in a list whose schema became Date (the
  // merge of Time and Date); Sluice's Date is whole days.
  absl::StatusOr<SchemaAndValue> v = ParseString("[12:00:00.000Z, 2024-01-01]");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(JavaExceptionClass(v.status()), kDataExceptionClass);
  EXPECT_THAT(v.status().message(), HasSubstr("Sluice cannot represent"));
  // A Time of 999 hours does not fit Sluice's 32-bit milliseconds.
  EXPECT_FALSE(ParseString("999999:0:0.0Z").ok());
  // A BigDecimal beside values of another type has no schema to carry its scale.
  EXPECT_FALSE(ParseString("[1e400, \"a\"]").ok());
  EXPECT_FALSE(ParseString("{1e400: 1, \"a\": 2}").ok());
  // Decimals of different scales share the last one's schema, each keeping its own scale, as
  // in Java (Kafka 3.9.1: ARRAY<Decimal(0)> of 1E+400 and 12345678901234567890).
  absl::StatusOr<SchemaAndValue> mixed = ParseString("[1e400, 12345678901234567890]");
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  EXPECT_EQ(DescribeSchema(mixed->schema.get()), "ARRAY<BYTES:Decimal(0)>");
  EXPECT_EQ(ConvertToString(mixed->schema.get(), mixed->value), "[1E+400,12345678901234567890]");
  // The same scale is fine.
  absl::StatusOr<SchemaAndValue> same = ParseString("[1e400, 2e400]");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(DescribeSchema(same->schema.get()), "ARRAY<BYTES:Decimal(-400)>");
  EXPECT_EQ(ConvertToString(same->schema.get(), same->value), "[1E+400,2E+400]");
}

TEST(ParseString, TooDeepANestingFailsAsJavaOverflowsItsStack) {
  const std::string deep = std::string(201, '[') + std::string(201, ']');
  absl::StatusOr<SchemaAndValue> v = ParseString(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(JavaExceptionClass(v.status()), "java.lang.StackOverflowError");
  EXPECT_TRUE(ParseString(std::string(100, '[') + std::string(100, ']')).ok());
}

// ---- convertToString ----------------------------------------------------------------------

TEST(ConvertToString, WritesValuesAsValuesPrintsThem) {
  EXPECT_EQ(ConvertToString(nullptr, Value::String("plain \"text\"")), "plain \"text\"");
  EXPECT_EQ(ConvertToString(nullptr, Value::Array({Value::String("a\"b\\c"), Value::Int32(1),
                                                   Value(), Value::Boolean(true)})),
            R"(["a\"b\\c",1,null,true])");
  EXPECT_EQ(ConvertToString(nullptr, Value::Map({{Value::String("k"), Value::Float64(1e10)},
                                                 {Value::Int64(2), Value::Float32(0.1f)}})),
            R"({"k":1.0E10,2:0.1})");
  // Bytes are base64, quoted inside a collection.
  EXPECT_EQ(ConvertToString(nullptr, Value::Bytes("hi")), "aGk=");
  EXPECT_EQ(ConvertToString(nullptr, Value::Array({Value::Bytes("hi")})), R"(["aGk="])");
  // A schemaless java.util.Date takes the pattern its instant calls for.
  EXPECT_EQ(ConvertToString(nullptr, Value::Timestamp(45296789)), "12:34:56.789Z");
  EXPECT_EQ(ConvertToString(nullptr, Value::Timestamp(1706659200000)), "2024-01-31");
  EXPECT_EQ(ConvertToString(nullptr, Value::Timestamp(1706704496789)),
            "2024-01-31T12:34:56.789Z");
  // Dates before 1970 are "less than a day": Java prints their time of day.
  EXPECT_EQ(ConvertToString(nullptr, Value::Timestamp(-86400000)), "00:00:00.000Z");
}

TEST(ConvertToString, UsesTheSchemaForLogicalTypes) {
  SchemaPtr date = SchemaBuilder::Date().BuildOrDie();
  SchemaPtr timestamp = SchemaBuilder::Timestamp().BuildOrDie();
  SchemaPtr decimal = SchemaBuilder::Decimal(2).BuildOrDie();
  EXPECT_EQ(ConvertToString(date.get(), Value::Int32(19753)), "2024-01-31");
  // The epoch day is 0 ms, "less than a day": a time, as in Java.
  EXPECT_EQ(ConvertToString(date.get(), Value::Int32(0)), "00:00:00.000Z");
  EXPECT_EQ(ConvertToString(timestamp.get(), Value::Int64(1706659200000)), "2024-01-31");
  EXPECT_EQ(ConvertToString(decimal.get(), Value::Bytes(std::string("\x04\xD2", 2))), "12.34");
  SchemaPtr list = SchemaBuilder::Array(decimal).BuildOrDie();
  EXPECT_EQ(ConvertToString(list.get(), Value::Array({Value::Bytes(std::string("\xFB", 1))})),
            "[-0.05]");
}

TEST(ConvertToString, WritesStructsAsObjectsWithEveryFieldAndDefaults) {
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Field("name", Schema::String())
                         .Field("note", Schema::OptionalString())
                         .Field("n", SchemaBuilder(SchemaType::kInt32).Default(Value::Int32(7)).BuildOrDie())
                         .Field("when", SchemaBuilder::Date().BuildOrDie())
                         .BuildOrDie();
  Struct s(schema);
  ASSERT_TRUE(s.Put("name", Value::String("x\"y")).ok());
  ASSERT_TRUE(s.Put("when", Value::Int32(19753)).ok());
  // Kafka 3.9.1: {"name":"x\"y","note":null,"n":7,"when":2024-01-31}
  EXPECT_EQ(ConvertToString(schema.get(), Value::FromStruct(s)),
            R"({"name":"x\"y","note":null,"n":7,"when":2024-01-31})");
}

// ---- inferSchema --------------------------------------------------------------------------

TEST(InferSchema, InfersFromTheJavaTypeOfTheValue) {
  EXPECT_EQ(InferSchema(Value::Int16(1)), Schema::Int16());
  EXPECT_EQ(InferSchema(Value::String("x")), Schema::String());
  EXPECT_EQ(InferSchema(Value::Bytes("x")), Schema::Bytes());
  EXPECT_EQ(InferSchema(Value()), nullptr);
  EXPECT_EQ(InferSchema(Value::Timestamp(0)), nullptr);
  EXPECT_EQ(InferSchema(Value::Array({})), nullptr);
  EXPECT_EQ(InferSchema(Value::Array({Value::Int8(1), Value::String("a")})), nullptr);
  EXPECT_EQ(DescribeSchema(InferSchema(Value::Array({Value::Int8(1), Value()})).get()),
            "ARRAY<INT8?>");
  EXPECT_EQ(DescribeSchema(InferSchema(Value::Array({Value::Array({Value::Int8(1)})})).get()),
            "ARRAY<ARRAY<null>>");
  EXPECT_EQ(DescribeSchema(
                InferSchema(Value::Map({{Value::String("k"), Value::Float64(1)}})).get()),
            "MAP<STRING,FLOAT64>");
  SchemaPtr st = SchemaBuilder::Struct().Field("a", Schema::Int8()).BuildOrDie();
  EXPECT_EQ(InferSchema(Value::FromStruct(Struct(st))), st);
}

}  // namespace
}  // namespace sluice::convert
