#include "formats/base64.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

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

// The expected values and messages of the JavaBase64 tests were printed by java.util.Base64 on
// Java 17 for the same inputs.
std::string TestKey() {
  std::string key;
  for (int i = 0; i < 32; ++i) key += static_cast<char>(i * 7 + 1);
  return key;
}

TEST(JavaBase64, DecodesAndFailsAsJavaUtilBase64) {
  struct Case {
    std::string in;
    std::optional<size_t> decoded_size;  // nullopt: an error
    std::string message;
  };
  const Case cases[] = {
      {"", 0, ""},
      {"abc", 2, ""},
      {"ab==", 1, ""},
      {"YWJ", 2, ""},
      {"YQ", 1, ""},
      {"a", std::nullopt, "Input byte[] should at least have 2 bytes for base64 bytes"},
      {"Y", std::nullopt, "Input byte[] should at least have 2 bytes for base64 bytes"},
      {"!!!!", std::nullopt, "Illegal base64 character 21"},
      {"YWJj=", std::nullopt, "Input byte array has wrong 4-byte ending unit"},
      {"YW Jj", std::nullopt, "Illegal base64 character 20"},
      {"YQ=", std::nullopt, "Input byte array has wrong 4-byte ending unit"},
      {"YWJjZA==x", std::nullopt, "Input byte array has incorrect ending byte at 8"},
      {"YWJjZA=", std::nullopt, "Input byte array has wrong 4-byte ending unit"},
      {"-_8=", std::nullopt, "Illegal base64 character 2d"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> d = JavaBase64Decode(c.in);
    if (c.decoded_size.has_value()) {
      ASSERT_TRUE(d.ok()) << c.in << ": " << d.status();
      EXPECT_EQ(d->size(), *c.decoded_size) << c.in;
    } else {
      EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << c.in;
      EXPECT_EQ(d.status().message(), c.message) << c.in;
    }
  }
  EXPECT_EQ(*JavaBase64Decode("YWJjZA=="), "abcd");
  EXPECT_EQ(*JavaBase64Decode(Base64Encode(TestKey())), TestKey());
  EXPECT_EQ(Base64Encode(TestKey()), "AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09o=");
}

TEST(JavaBase64, NamesANonAsciiByteAsASignedJavaByte) {
  // Integer.toString((byte) 0xE9, 16)
  EXPECT_EQ(JavaBase64Decode("YW\xE9j").status().message(), "Illegal base64 character -17");
}

}  // namespace
}  // namespace sluice::formats
