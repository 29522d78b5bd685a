// Expected values come from Kafka 3.9.1's classes on a JVM whose time zone is UTC (small Java
// programs printing Struct.toString, List.toString, java.util.Date.toString, SimpleDateFormat,
// BigDecimal.toString, Float/Double.toString).
#include "sluice/sdk/java_text.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace sluice {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(JavaDoubleToString, MatchesJavaLayoutAndShortestDigits) {
  EXPECT_EQ(JavaDoubleToString(1.0), "1.0");
  EXPECT_EQ(JavaDoubleToString(-1.5), "-1.5");
  EXPECT_EQ(JavaDoubleToString(100.0), "100.0");
  EXPECT_EQ(JavaDoubleToString(1234567.0), "1234567.0");
  EXPECT_EQ(JavaDoubleToString(9999999.0), "9999999.0");
  EXPECT_EQ(JavaDoubleToString(1.0E7), "1.0E7");
  EXPECT_EQ(JavaDoubleToString(123456789.0), "1.23456789E8");
  EXPECT_EQ(JavaDoubleToString(1.0E10), "1.0E10");
  EXPECT_EQ(JavaDoubleToString(0.001), "0.001");
  EXPECT_EQ(JavaDoubleToString(0.0015), "0.0015");
  EXPECT_EQ(JavaDoubleToString(1.0E-4), "1.0E-4");
  EXPECT_EQ(JavaDoubleToString(1.5E-5), "1.5E-5");
  EXPECT_EQ(JavaDoubleToString(0.1), "0.1");
  EXPECT_EQ(JavaDoubleToString(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(JavaDoubleToString(2.0 / 3), "0.6666666666666666");
  EXPECT_EQ(JavaDoubleToString(2e23), "2.0E23");
  EXPECT_EQ(JavaDoubleToString(1e23), "1.0E23");
  EXPECT_EQ(JavaDoubleToString(9007199254740993.0), "9.007199254740992E15");
  EXPECT_EQ(JavaDoubleToString(DBL_MAX), "1.7976931348623157E308");
  EXPECT_EQ(JavaDoubleToString(DBL_MIN), "2.2250738585072014E-308");
  // One-digit shortest values print the closer two-digit decimal (Java's rule).
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::denorm_min()), "4.9E-324");
  EXPECT_EQ(JavaDoubleToString(2 * std::numeric_limits<double>::denorm_min()), "9.9E-324");
  EXPECT_EQ(JavaDoubleToString(0.0), "0.0");
  EXPECT_EQ(JavaDoubleToString(-0.0), "-0.0");
  EXPECT_EQ(JavaDoubleToString(std::nan("")), "NaN");
  EXPECT_EQ(JavaDoubleToString(HUGE_VAL), "Infinity");
  EXPECT_EQ(JavaDoubleToString(-HUGE_VAL), "-Infinity");
}

TEST(JavaFloatToString, MatchesJavaLayoutAndShortestDigits) {
  EXPECT_EQ(JavaFloatToString(1.0f), "1.0");
  EXPECT_EQ(JavaFloatToString(0.1f), "0.1");
  EXPECT_EQ(JavaFloatToString(3.14159f), "3.14159");
  EXPECT_EQ(JavaFloatToString(0.001f), "0.001");
  EXPECT_EQ(JavaFloatToString(1.5e-5f), "1.5E-5");
  EXPECT_EQ(JavaFloatToString(9999999.0f), "9999999.0");
  EXPECT_EQ(JavaFloatToString(1.0e7f), "1.0E7");
  EXPECT_EQ(JavaFloatToString(16777216.0f), "1.6777216E7");
  EXPECT_EQ(JavaFloatToString(FLT_MAX), "3.4028235E38");
  EXPECT_EQ(JavaFloatToString(std::numeric_limits<float>::denorm_min()), "1.4E-45");
  EXPECT_EQ(JavaFloatToString(-0.0f), "-0.0");
  EXPECT_EQ(JavaFloatToString(std::nanf("")), "NaN");
}

TEST(JavaBigDecimalToString, MatchesJavaBigDecimalToString) {
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0x04, 0xD2}), 2), "12.34");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0xFB}), 2), "-0.05");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0x01}), 10), "1E-10");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0x01}), 6), "0.000001");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0x01}), 7), "1E-7");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0x0C}), -2), "1.2E+3");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0x00}), 2), "0.00");
  EXPECT_EQ(JavaBigDecimalToString("", 0), "0");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0x01, 0, 0, 0, 0, 0, 0, 0, 0}), 0), "18446744073709551616");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0xFF, 0, 0, 0, 0, 0, 0, 0, 0}), 0), "-18446744073709551616");
  EXPECT_EQ(JavaBigDecimalToString(Bytes({0x3B, 0x9A, 0xCA, 0x00}), 0), "1000000000");
}

struct DateCase {
  int64_t millis;
  const char* to_string;  // java.util.Date.toString()
  const char* fields;     // SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS") in UTC
};

std::string FormatFields(const JavaCalendarFields& f) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d.%03d",
                static_cast<long long>(f.year_of_era()), f.month, f.day, f.hour, f.minute,
                f.second, f.millisecond);
  return buf;
}

TEST(JavaUtcCalendarFields, MatchesGregorianCalendarWithItsJulianCutover) {
  const DateCase kCases[] = {
      {0, "Thu Jan 01 00:00:00 UTC 1970", "1970-01-01T00:00:00.000"},
      {1, "Thu Jan 01 00:00:00 UTC 1970", "1970-01-01T00:00:00.001"},
      {-1, "Wed Dec 31 23:59:59 UTC 1969", "1969-12-31T23:59:59.999"},
      {86399999, "Thu Jan 01 23:59:59 UTC 1970", "1970-01-01T23:59:59.999"},
      {86400000, "Fri Jan 02 00:00:00 UTC 1970", "1970-01-02T00:00:00.000"},
      {1706704496789, "Wed Jan 31 12:34:56 UTC 2024", "2024-01-31T12:34:56.789"},
      {1706659200000, "Wed Jan 31 00:00:00 UTC 2024", "2024-01-31T00:00:00.000"},
      {-12219292800000, "Fri Oct 15 00:00:00 UTC 1582", "1582-10-15T00:00:00.000"},
      {-12219292800001, "Thu Oct 04 23:59:59 UTC 1582", "1582-10-04T23:59:59.999"},
      {-12219379200000, "Thu Oct 04 00:00:00 UTC 1582", "1582-10-04T00:00:00.000"},
      {-12218860800000, "Wed Oct 20 00:00:00 UTC 1582", "1582-10-20T00:00:00.000"},
      {-62135596800000, "Mon Jan 03 00:00:00 UTC 1", "0001-01-03T00:00:00.000"},
      {-62135596800001, "Sun Jan 02 23:59:59 UTC 1", "0001-01-02T23:59:59.999"},
      {-62135769600000, "Sat Jan 01 00:00:00 UTC 1", "0001-01-01T00:00:00.000"},
      {-62167392000000, "Thu Jan 01 00:00:00 UTC 1", "0001-01-01T00:00:00.000"},
      {-62198928000000, "Wed Jan 01 00:00:00 UTC 2", "0002-01-01T00:00:00.000"},
      {-100000000000000, "Thu Feb 26 14:13:20 UTC 1200", "1200-02-26T14:13:20.000"},
      {253402300799999, "Fri Dec 31 23:59:59 UTC 9999", "9999-12-31T23:59:59.999"},
      {253402300800000, "Sat Jan 01 00:00:00 UTC 10000", "10000-01-01T00:00:00.000"},
      {8640000000000000, "Sat Sep 13 00:00:00 UTC 275760", "275760-09-13T00:00:00.000"},
      {-8640000000000000, "Tue Nov 20 00:00:00 UTC 271817", "271817-11-20T00:00:00.000"},
      {std::numeric_limits<int64_t>::max(), "Sun Aug 17 07:12:55 UTC 292278994",
       "292278994-08-17T07:12:55.807"},
      {std::numeric_limits<int64_t>::min(), "Sun Dec 02 16:47:04 UTC 292269055",
       "292269055-12-02T16:47:04.192"},
      {951782400000, "Tue Feb 29 00:00:00 UTC 2000", "2000-02-29T00:00:00.000"},
      {951868800000, "Wed Mar 01 00:00:00 UTC 2000", "2000-03-01T00:00:00.000"},
      {-2208988800000, "Mon Jan 01 00:00:00 UTC 1900", "1900-01-01T00:00:00.000"},
      {4102444800000, "Fri Jan 01 00:00:00 UTC 2100", "2100-01-01T00:00:00.000"},
      {-30610224000000, "Wed Dec 27 00:00:00 UTC 999", "0999-12-27T00:00:00.000"},
      {-30578688000000, "Thu Dec 26 00:00:00 UTC 1000", "1000-12-26T00:00:00.000"},
      {1000000000000000, "Fri Sep 27 01:46:40 UTC 33658", "33658-09-27T01:46:40.000"},
      {-1000000000000000, "Tue Nov 16 22:13:20 UTC 29720", "29720-11-16T22:13:20.000"},
      {123456789012, "Thu Nov 29 21:33:09 UTC 1973", "1973-11-29T21:33:09.012"},
      {-123456789012, "Wed Feb 02 02:26:50 UTC 1966", "1966-02-02T02:26:50.988"},
  };
  for (const DateCase& c : kCases) {
    EXPECT_EQ(JavaDateToString(c.millis), c.to_string) << c.millis;
    EXPECT_EQ(FormatFields(JavaUtcCalendarFields(c.millis)), c.fields) << c.millis;
  }
  // 1 BC and 2 BC are years 0 and -1.
  EXPECT_EQ(JavaUtcCalendarFields(-62167392000000).year, 0);
  EXPECT_EQ(JavaUtcCalendarFields(-62198928000000).year, -1);
}

TEST(JavaToString, PrintsAStructAsStructToString) {
  SchemaPtr inner = SchemaBuilder::Struct()
                        .Name("Inner")
                        .Field("x", Schema::OptionalInt32())
                        .Field("y", Schema::OptionalString())
                        .BuildOrDie();
  SchemaPtr schema =
      SchemaBuilder::Struct()
          .Name("Order")
          .Field("id", Schema::Int32())
          .Field("name", Schema::OptionalString())
          .Field("price", SchemaBuilder::Decimal(2).BuildOrDie())
          .Field("day", SchemaBuilder::Date().BuildOrDie())
          .Field("at", SchemaBuilder::Time().BuildOrDie())
          .Field("ts", SchemaBuilder::Timestamp().BuildOrDie())
          .Field("f", Schema::Float32())
          .Field("d", Schema::Float64())
          .Field("tags", SchemaBuilder::Array(Schema::String()).BuildOrDie())
          .Field("scores", SchemaBuilder::Map(Schema::String(), Schema::Float64()).BuildOrDie())
          .Field("inner", inner)
          .Field("dflt", SchemaBuilder(SchemaType::kInt64).Default(Value::Int64(7)).BuildOrDie())
          .Field("big", SchemaBuilder::Decimal(-3).BuildOrDie())
          .BuildOrDie();
  Struct in(inner);
  ASSERT_TRUE(in.Put("y", Value::String("why")).ok());
  Struct s(schema);
  ASSERT_TRUE(s.Put("id", Value::Int32(1)).ok());
  ASSERT_TRUE(s.Put("price", Value::Bytes(Bytes({0x04, 0xD2}))).ok());
  ASSERT_TRUE(s.Put("day", Value::Int32(19753)).ok());
  ASSERT_TRUE(s.Put("at", Value::Int32(45296789)).ok());
  ASSERT_TRUE(s.Put("ts", Value::Int64(1706704496789)).ok());
  ASSERT_TRUE(s.Put("f", Value::Float32(0.1f)).ok());
  ASSERT_TRUE(s.Put("d", Value::Float64(1e10)).ok());
  ASSERT_TRUE(s.Put("tags", Value::Array({Value::String("a"), Value::String("b")})).ok());
  ASSERT_TRUE(s.Put("scores", Value::Map({{Value::String("x"), Value::Float64(1.5)},
                                          {Value::String("y"), Value::Float64(-0.0)}}))
                  .ok());
  ASSERT_TRUE(s.Put("inner", Value::FromStruct(in)).ok());
  ASSERT_TRUE(s.Put("big", Value::Bytes(Bytes({0x0C}))).ok());
  EXPECT_EQ(JavaToString(schema.get(), Value::FromStruct(s)),
            "Struct{id=1,price=12.34,day=Wed Jan 31 00:00:00 UTC 2024,at=Thu Jan 01 12:34:56 UTC "
            "1970,ts=Wed Jan 31 12:34:56 UTC 2024,f=0.1,d=1.0E10,tags=[a, b],scores={x=1.5, "
            "y=-0.0},inner=Struct{y=why},big=1.2E+4}");
}

TEST(JavaToString, PrintsSchemalessValuesAsTheirJavaObjects) {
  EXPECT_EQ(JavaToString(nullptr, Value::Array({Value::Int32(1), Value(), Value::String("x"),
                                                Value::Float32(2.5f), Value::Timestamp(0)})),
            "[1, null, x, 2.5, Thu Jan 01 00:00:00 UTC 1970]");
  EXPECT_EQ(JavaToString(nullptr, Value()), "null");
  EXPECT_EQ(JavaToString(nullptr, Value::Boolean(false)), "false");
  EXPECT_EQ(JavaToString(nullptr, Value::Int64(-7)), "-7");
  EXPECT_EQ(JavaToString(nullptr, Value::Float64(std::nan(""))), "NaN");
  EXPECT_EQ(JavaToString(nullptr, Value::Map({{Value::String("k"), Value::Int8(1)},
                                              {Value::Int16(2), Value::Array({})}})),
            "{k=1, 2=[]}");
  // Bytes are copied as they are (Java prints the array's identity, "[B@...").
  EXPECT_EQ(JavaToString(nullptr, Value::Bytes("raw")), "raw");
  // Without a schema an int32 is an Integer, whatever it counts.
  EXPECT_EQ(JavaToString(nullptr, Value::Int32(19753)), "19753");
}

}  // namespace
}  // namespace sluice
