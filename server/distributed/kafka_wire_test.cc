#include "server/distributed/kafka_wire.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/distributed/test_hex.h"

namespace sluice::distributed {
namespace {

using ::sluice::distributed::testing::Hex;
using ::sluice::distributed::testing::Unhex;
using ::testing::HasSubstr;

TEST(WireWriter, WritesIntegersBigEndian) {
  WireWriter w;
  w.Int8(-2);
  w.Int16(0x1234);
  w.Int32(-1);
  w.Int64(0x0102030405060708);
  absl::StatusOr<std::string> bytes = std::move(w).Finish();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(Hex(*bytes), "fe1234ffffffff0102030405060708");
}

TEST(WireWriter, WritesStringsAndBytesWithTheirLengthsAndNullAsMinusOne) {
  WireWriter w;
  w.String("s", "ab");
  w.NullableString("n", std::nullopt);
  w.NullableString("n", std::string("é"));
  w.Bytes("b", std::string("\0\1", 2));
  w.NullableBytes("nb", std::nullopt);
  w.ArrayCount("a", 3);
  w.NullArray();
  absl::StatusOr<std::string> bytes = std::move(w).Finish();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(Hex(*bytes),
            "00026162"
            "ffff"
            "0002c3a9"
            "000000020001"
            "ffffffff"
            "00000003"
            "ffffffff");
}

TEST(WireWriter, RefusesAStringLongerThanAnInt16WithKafkasMessage) {
  WireWriter w;
  w.String("connector", std::string(32768, 'x'));
  w.Int8(1);  // ignored after the error
  absl::StatusOr<std::string> bytes = std::move(w).Finish();
  EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bytes.status().message(),
            "Error writing field 'connector': String length 32768 is larger than the maximum "
            "string length.");
}

TEST(WireWriter, AcceptsAStringOfExactlyTheMaximumLength) {
  WireWriter w;
  w.String("s", std::string(32767, 'x'));
  absl::StatusOr<std::string> bytes = std::move(w).Finish();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(bytes->size(), 2u + 32767u);
  EXPECT_EQ(Hex(bytes->substr(0, 2)), "7fff");
}

TEST(WireReader, ReadsBackWhatTheWriterWrote) {
  WireWriter w;
  w.Int8(-2);
  w.Int16(-300);
  w.Int32(123456789);
  w.Int64(-9876543210);
  w.String("s", "héllo");
  w.NullableString("ns", std::nullopt);
  w.NullableString("ns", std::string(""));
  w.Bytes("b", std::string("\xff\x00", 2));
  w.NullableBytes("nb", std::nullopt);
  w.ArrayCount("a", 1);
  w.NullArray();
  const std::string bytes = *std::move(w).Finish();

  WireReader r(bytes);
  EXPECT_EQ(r.Int8("a"), -2);
  EXPECT_EQ(r.Int16("a"), -300);
  EXPECT_EQ(r.Int32("a"), 123456789);
  EXPECT_EQ(r.Int64("a"), -9876543210);
  EXPECT_EQ(r.String("a"), "héllo");
  EXPECT_EQ(r.NullableString("a"), std::nullopt);
  EXPECT_EQ(r.NullableString("a"), std::optional<std::string>(""));
  EXPECT_EQ(r.Bytes("a"), std::string("\xff\x00", 2));
  EXPECT_EQ(r.NullableBytes("a"), std::nullopt);
  EXPECT_EQ(r.ArrayCount("a"), 1);
  EXPECT_EQ(r.NullableArrayCount("a"), std::nullopt);
  EXPECT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(WireReader, ReportsATruncatedIntegerAsJavasBufferUnderflow) {
  const std::string bytes = Unhex("000000");
  WireReader r(bytes);
  EXPECT_EQ(r.Int32("generation_id"), 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "Error reading field 'generation_id': java.nio.BufferUnderflowException");
  EXPECT_EQ(r.position(), 0u);
}

TEST(WireReader, KeepsTheFirstErrorAndReadsNothingAfterIt) {
  const std::string bytes = Unhex("00056162");
  WireReader r(bytes);
  EXPECT_EQ(r.String("url"), "");
  const size_t position = r.position();
  EXPECT_EQ(r.Int8("next"), 0);
  EXPECT_EQ(r.String("next"), "");
  EXPECT_EQ(r.position(), position);
  EXPECT_EQ(r.status().message(),
            "Error reading field 'url': Error reading string of length 5, only 2 bytes available");
}

TEST(WireReader, ExplainsEachMalformedLengthAsKafkaDoes) {
  struct Case {
    const char* hex;
    std::string (*read)(WireReader&);
    const char* message;
  };
  const Case cases[] = {
      {"8001", [](WireReader& r) { return r.String("url"); },
       "Error reading field 'url': String length -32767 cannot be negative"},
      {"00056162", [](WireReader& r) { return r.String("url"); },
       "Error reading field 'url': Error reading string of length 5, only 2 bytes available"},
      {"00", [](WireReader& r) { return r.String("url"); },
       "Error reading field 'url': java.nio.BufferUnderflowException"},
      {"0003aa", [](WireReader& r) { return r.NullableString("s").value_or("null"); },
       "Error reading field 's': Error reading string of length 3, only 1 bytes available"},
      {"fffffffe", [](WireReader& r) { return r.Bytes("metadata"); },
       "Error reading field 'metadata': Bytes size -2 cannot be negative"},
      {"0000000aaabb", [](WireReader& r) { return r.Bytes("metadata"); },
       "Error reading field 'metadata': Error reading bytes of size 10, only 2 bytes available"},
      {"0000000aaabb", [](WireReader& r) { return r.NullableBytes("allocation").value_or(""); },
       "Error reading field 'allocation': Error reading bytes of size 10, only 2 bytes "
       "available"},
      {"ffffffff", [](WireReader& r) { return std::to_string(r.ArrayCount("members")); },
       "Error reading field 'members': Array size -1 cannot be negative"},
      {"7f000000", [](WireReader& r) { return std::to_string(r.ArrayCount("members")); },
       "Error reading field 'members': Error reading array of size 2130706432, only 0 bytes "
       "available"},
      {"00000002aa",
       [](WireReader& r) { return std::to_string(r.NullableArrayCount("revoked").value_or(-9)); },
       "Error reading field 'revoked': Error reading array of size 2, only 1 bytes available"},
  };
  for (const Case& c : cases) {
    const std::string bytes = Unhex(c.hex);
    WireReader r(bytes);
    c.read(r);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.hex;
    EXPECT_EQ(r.status().message(), c.message) << c.hex;
  }
}

TEST(WireReader, TakesAnyNegativeLengthOfANullableFieldAsNull) {
  const std::string bytes = Unhex("fff0" "80000000" "fffffffe");
  WireReader r(bytes);
  EXPECT_EQ(r.NullableString("s"), std::nullopt);
  EXPECT_EQ(r.NullableBytes("b"), std::nullopt);
  EXPECT_EQ(r.NullableArrayCount("a"), std::nullopt);
  EXPECT_TRUE(r.ok()) << r.status();
}

TEST(WireReader, PrefixesErrorsInsideAStructWithItsField) {
  const std::string bytes = Unhex("0001" "61" "ffffffff");
  WireReader r(bytes);
  r.EnterStruct("assignment");
  r.String("connector");
  r.ArrayCount("tasks");
  r.ExitStruct();
  EXPECT_EQ(r.status().message(),
            "Error reading field 'assignment': Error reading field 'tasks': Array size -1 cannot "
            "be negative");
}

TEST(RequestHeader, WritesVersion1AsKafkaDoes) {
  // Kafka 3.9.1's RequestHeader(API_VERSIONS, 0, "sluice-worker", 1), and with a null client id.
  WireWriter w;
  WriteRequestHeaderV1(w, RequestHeader{ApiKey::kApiVersions, 0, 1, "sluice-worker"});
  EXPECT_EQ(Hex(*std::move(w).Finish()), "0012000000000001000d736c756963652d776f726b6572");
  WireWriter null_client;
  WriteRequestHeaderV1(null_client, RequestHeader{ApiKey::kApiVersions, 0, 1, std::nullopt});
  EXPECT_EQ(Hex(*std::move(null_client).Finish()), "0012000000000001ffff");
}

TEST(ResponseHeader, SplitsTheCorrelationIdFromTheBody) {
  const std::string payload = Unhex("0000000700000064001b");
  absl::StatusOr<ResponseFrame> frame = ParseResponseHeaderV0(payload);
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->correlation_id, 7);
  EXPECT_EQ(Hex(frame->body), "00000064001b");
}

TEST(ResponseHeader, RefusesAPayloadShorterThanTheHeader) {
  absl::StatusOr<ResponseFrame> frame = ParseResponseHeaderV0(Unhex("000000"));
  EXPECT_EQ(frame.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(frame.status().message(),
            "response header v0: Error reading field 'correlation_id': "
            "java.nio.BufferUnderflowException");
}

TEST(Framing, PrefixesThePayloadWithItsSize) {
  EXPECT_EQ(Hex(*SizePrefixed(Unhex("abcd"))), "00000002abcd");
  EXPECT_EQ(Hex(*SizePrefixed("")), "00000000");
}

TEST(Framing, FindsACompleteFrameAndWaitsForAnIncompleteOne) {
  const std::string stream = Unhex("00000002abcd" "000000");
  absl::StatusOr<std::optional<std::string_view>> first = NextFrame(stream, 100);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ(Hex(**first), "abcd");

  for (size_t n = 0; n < 6; ++n) {
    absl::StatusOr<std::optional<std::string_view>> partial =
        NextFrame(std::string_view(stream).substr(0, n), 100);
    ASSERT_TRUE(partial.ok()) << partial.status();
    EXPECT_FALSE(partial->has_value()) << n;
  }
  absl::StatusOr<std::optional<std::string_view>> rest =
      NextFrame(std::string_view(stream).substr(6), 100);
  ASSERT_TRUE(rest.ok());
  EXPECT_FALSE(rest->has_value());
}

TEST(Framing, RefusesANegativeOrOversizedFrame) {
  absl::StatusOr<std::optional<std::string_view>> negative = NextFrame(Unhex("ffffffff"), 100);
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(negative.status().message(), HasSubstr("size = -1"));
  absl::StatusOr<std::optional<std::string_view>> large = NextFrame(Unhex("00000065"), 100);
  EXPECT_EQ(large.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(large.status().message(), HasSubstr("size = 101 larger than 100"));
}

}  // namespace
}  // namespace sluice::distributed
