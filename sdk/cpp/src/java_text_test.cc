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

// Float.toString / Double.toString as JDK 17 prints them (the JVM Kafka Connect 3.9 runs on),
// captured from OpenJDK 17.0.21. Where JDK 19+ prints otherwise, its text is in a comment.
// Several rows pin a step of JDK 17's algorithm that decides the digits (integers printed from
// their integer value, Java's long arithmetic overflowing, ties, the exponent estimate, a
// rounding carry), found by comparing with JDK 17 on millions of values.
struct DoubleCase {
  double value;
  const char* java;
};

TEST(JavaDoubleToString, PrintsWhatJdk17Prints) {
  const DoubleCase cases[] = {
      {1.0, "1.0"},
      {-1.5, "-1.5"},
      {100.0, "100.0"},
      {1234567.0, "1234567.0"},
      {9999999.0, "9999999.0"},
      {1.0E7, "1.0E7"},
      {123456789.0, "1.23456789E8"},
      {1.0E10, "1.0E10"},
      {0.001, "0.001"},
      {0.0015, "0.0015"},
      {1.0E-4, "1.0E-4"},
      {1.5E-5, "1.5E-5"},
      {0.1, "0.1"},
      {0.3, "0.3"},
      {4.35, "4.35"},
      {123456.789, "123456.789"},
      {3.141592653589793, "3.141592653589793"},
      {0.3333333333333333, "0.3333333333333333"},
      {0.6666666666666666, "0.6666666666666666"},
      {1.0E-10, "1.0E-10"},
      {2.5E-300, "2.5E-300"},  // big-integer arithmetic
      {1.0E22, "1.0E22"},
      {1.0E23, "9.999999999999999E22"},  // JDK 19+: 1.0E23
      {2.0E23, "1.9999999999999998E23"},  // JDK 19+: 2.0E23
      {8.41E21, "8.409999999999999E21"},  // JDK 19+: 8.41E21
      {1.0E24, "1.0E24"},
      {9007199254740993.0, "9.007199254740992E15"},
      {9.223372036854776E18, "9.223372036854776E18"},
      {2.82879384806159E17, "2.82879384806159008E17"},  // an integer below 2^63: all its digits
      {1.387364135037754E18, "1.38736413503775411E18"},
      {3.160701594026542E17, "3.1607015940265421E17"},
      {-1.0000000000000002E17, "-1.00000000000000016E17"},
      {7.949576960518762E14, "7.949576960518762E14"},  // a tie on the last digit
      {0.0039062499999999996, "0.0039062499999999996"},  // the half ulp overflows Java's long
      {-0.0027810694178833817, "-0.0027810694178833817"},
      {0.9999999999999999, "0.9999999999999999"},  // decimal exponent estimated one too high
      {9999999.999996826, "9999999.999996826"},
      {9.999999999999998E-4, "9.999999999999998E-4"},
      {9.999999999996346E-4, "9.999999999996346E-4"},
      {2.9802322387695312E-8, "2.9802322387695312E-8"},
      {1.0E-277, "1.0E-277"},  // first digit 0 rounded up
      {-1.0E228, "-1.0E228"},
      {2.781342323134002E-309, "2.781342323134002E-309"},  // subnormal; JDK 19+: 2.781342323134E-309
      {1.7976931348623157E308, "1.7976931348623157E308"},
      {2.2250738585072014E-308, "2.2250738585072014E-308"},
      {4.9E-324, "4.9E-324"},
      {1.0E-323, "1.0E-323"},  // JDK 19+: 9.9E-324
      {1.0E-322, "1.0E-322"},  // JDK 19+: 9.9E-323
      {1.6E-322, "1.58E-322"},  // JDK 19+: 1.6E-322
      {1.0E-321, "1.0E-321"},  // rounding carries out of the first digit
      {0.0, "0.0"},
      {-0.0, "-0.0"},
  };
  for (const DoubleCase& c : cases) {
    EXPECT_EQ(JavaDoubleToString(c.value), c.java) << c.java;
    std::string appended = "x=";
    AppendJavaDoubleToString(c.value, appended);
    EXPECT_EQ(appended, std::string("x=") + c.java);
  }
  EXPECT_EQ(JavaDoubleToString(std::numeric_limits<double>::denorm_min()), "4.9E-324");
  EXPECT_EQ(JavaDoubleToString(2 * std::numeric_limits<double>::denorm_min()), "1.0E-323");
  EXPECT_EQ(JavaDoubleToString(DBL_MAX), "1.7976931348623157E308");
  EXPECT_EQ(JavaDoubleToString(DBL_MIN), "2.2250738585072014E-308");
  EXPECT_EQ(JavaDoubleToString(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(JavaDoubleToString(std::nan("")), "NaN");
  EXPECT_EQ(JavaDoubleToString(-std::nan("")), "NaN");
  EXPECT_EQ(JavaDoubleToString(HUGE_VAL), "Infinity");
  EXPECT_EQ(JavaDoubleToString(-HUGE_VAL), "-Infinity");
}

struct FloatCase {
  float value;
  const char* java;
};

TEST(JavaFloatToString, PrintsWhatJdk17Prints) {
  const FloatCase cases[] = {
      {1.0f, "1.0"},
      {0.1f, "0.1"},
      {1.5f, "1.5"},
      {3.14159f, "3.14159"},
      {0.001f, "0.001"},
      {1.5E-5f, "1.5E-5"},
      {9999999.0f, "9999999.0"},
      {1.0E7f, "1.0E7"},
      {1.6777216E7f, "1.6777216E7"},
      {123456.79f, "123456.79"},
      {1.0E-10f, "1.0E-10"},
      {9.007199E15f, "9.0071993E15"},  // JDK 19+: 9.007199E15
      {-2.75E10f, "-2.74999992E10"},  // JDK 19+: -2.75E10
      {-2.1474836E9f, "-2.14748365E9"},  // JDK 19+: -2.1474836E9
      {2.2531205E10f, "2.25312051E10"},  // JDK 19+: 2.2531205E10
      {7.31125E7f, "7.3112496E7"},  // JDK 19+: 7.31125E7
      {1.0747223E8f, "1.07472232E8"},  // JDK 19+: 1.0747223E8
      {5.297673E9f, "5.2976732E9"},  // JDK 19+: 5.297673E9
      {8.8817837E-16f, "8.8817837E-16"},  // the half ulp overflows Java's long
      {4.4408926E-16f, "4.4408926E-16"},
      {2.4414062E-4f, "2.4414062E-4"},  // a tie on the last digit
      {9.988552E-16f, "9.988552E-16"},  // decimal exponent estimated one too high
      {1.0E-14f, "1.0E-14"},  // first digit 0 rounded up
      {9.944316E-39f, "9.944316E-39"},  // big-integer arithmetic
      {1.17549435E-38f, "1.17549435E-38"},
      {3.4028235E38f, "3.4028235E38"},
      {1.4E-45f, "1.4E-45"},
      {2.8E-45f, "2.8E-45"},
      {1.0E-43f, "1.0E-43"},
      {-0.0f, "-0.0"},
  };
  for (const FloatCase& c : cases) {
    EXPECT_EQ(JavaFloatToString(c.value), c.java) << c.java;
    std::string appended = "x=";
    AppendJavaFloatToString(c.value, appended);
    EXPECT_EQ(appended, std::string("x=") + c.java);
  }
  EXPECT_EQ(JavaFloatToString(FLT_MAX), "3.4028235E38");
  EXPECT_EQ(JavaFloatToString(std::numeric_limits<float>::denorm_min()), "1.4E-45");
  EXPECT_EQ(JavaFloatToString(std::nanf("")), "NaN");
  EXPECT_EQ(JavaFloatToString(HUGE_VALF), "Infinity");
  EXPECT_EQ(JavaFloatToString(-HUGE_VALF), "-Infinity");
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
