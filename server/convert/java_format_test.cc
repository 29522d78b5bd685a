#include "server/convert/java_format.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace sluice::convert {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
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

}  // namespace
}  // namespace sluice::convert
