#include "formats/base64.h"

#include <gtest/gtest.h>

namespace sluice::formats {
namespace {

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
