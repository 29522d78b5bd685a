#include "formats/java_format.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace sluice::formats {
namespace {

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

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(BigDecimalToString, MatchesJavaBigDecimalToString) {
  EXPECT_EQ(BigDecimalToString(Bytes({0x04, 0xD2}), 2), "12.34");
  EXPECT_EQ(BigDecimalToString(Bytes({0xFB}), 2), "-0.05");
  EXPECT_EQ(BigDecimalToString(Bytes({0x01}), 10), "1E-10");
  EXPECT_EQ(BigDecimalToString(Bytes({0x01}), 6), "0.000001");
  EXPECT_EQ(BigDecimalToString(Bytes({0x01}), 7), "1E-7");
  EXPECT_EQ(BigDecimalToString(Bytes({0x0C}), -2), "1.2E+3");
  EXPECT_EQ(BigDecimalToString(Bytes({0x00}), 2), "0.00");
  EXPECT_EQ(BigDecimalToString("", 0), "0");
  EXPECT_EQ(BigDecimalToString(Bytes({0x01, 0, 0, 0, 0, 0, 0, 0, 0}), 0), "18446744073709551616");
  EXPECT_EQ(BigDecimalToString(Bytes({0xFF, 0, 0, 0, 0, 0, 0, 0, 0}), 0), "-18446744073709551616");
  EXPECT_EQ(BigDecimalToString(Bytes({0x3B, 0x9A, 0xCA, 0x00}), 0), "1000000000");
}

TEST(DecimalTextToUnscaled, ScalesExactlyOrFails) {
  EXPECT_EQ(*DecimalTextToUnscaled("12.34", 2), Bytes({0x04, 0xD2}));
  EXPECT_EQ(*DecimalTextToUnscaled("12.3", 2), Bytes({0x04, 0xCE}));
  EXPECT_EQ(*DecimalTextToUnscaled("1.2E+3", 0), Bytes({0x04, 0xB0}));
  EXPECT_EQ(*DecimalTextToUnscaled("12.300", 2), Bytes({0x04, 0xCE}));
  EXPECT_EQ(*DecimalTextToUnscaled("-0.05", 2), Bytes({0xFB}));
  EXPECT_EQ(*DecimalTextToUnscaled("0", 5), Bytes({0x00}));
  EXPECT_EQ(*DecimalTextToUnscaled("128", 0), Bytes({0x00, 0x80}));
  EXPECT_EQ(*DecimalTextToUnscaled("-128", 0), Bytes({0x80}));
  EXPECT_EQ(*DecimalTextToUnscaled("-129", 0), Bytes({0xFF, 0x7F}));
  EXPECT_EQ(*DecimalTextToUnscaled("007", 0), Bytes({0x07}));
  absl::StatusOr<std::string> lossy = DecimalTextToUnscaled("12.345", 2);
  ASSERT_FALSE(lossy.ok());
  EXPECT_EQ(lossy.status().message(),
            "Decimal value 12.345 has more fractional digits than the schema's scale 2");
  EXPECT_EQ(DecimalTextToUnscaled("1e999999", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MinimalTwosComplement, StripsRedundantSignBytes) {
  EXPECT_EQ(MinimalTwosComplement(Bytes({0x00, 0x04, 0xD2})), Bytes({0x04, 0xD2}));
  EXPECT_EQ(MinimalTwosComplement(Bytes({0x00, 0x80})), Bytes({0x00, 0x80}));
  EXPECT_EQ(MinimalTwosComplement(Bytes({0xFF, 0xFF, 0x80})), Bytes({0x80}));
  EXPECT_EQ(MinimalTwosComplement(""), Bytes({0x00}));
}

TEST(Base64, EncodesWithPaddingAndDecodesStrictly) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("\x01"), "AQ==");
  EXPECT_EQ(Base64Encode("\x01\x02"), "AQI=");
  EXPECT_EQ(Base64Encode("\x04\xD2"), "BNI=");
  EXPECT_EQ(Base64Encode("\xFB\xFF\xBF"), "+/+/");
  EXPECT_EQ(*Base64Decode("BNI="), "\x04\xD2");
  EXPECT_EQ(*Base64Decode("+/+/"), "\xFB\xFF\xBF");
  EXPECT_EQ(*Base64Decode(""), "");
  EXPECT_FALSE(Base64Decode("BNI").has_value());
  EXPECT_FALSE(Base64Decode("B*I=").has_value());
  EXPECT_FALSE(Base64Decode("BNI=AQ==").has_value());
}

}  // namespace
}  // namespace sluice::formats
