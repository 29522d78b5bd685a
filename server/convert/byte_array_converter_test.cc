#include "server/convert/byte_array_converter.h"

#include <memory>
#include <optional>
#include <string>

#include "server/convert/connect_exception.h"
#include <gtest/gtest.h>

#include "server/convert/converter.h"

namespace sluice::convert {
namespace {

std::unique_ptr<Converter> MakeByteArray() {
  absl::StatusOr<std::unique_ptr<Converter>> c = CreateConverter("ByteArray", {}, true);
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

TEST(ByteArrayConverter, PassesBytesThrough) {
  auto c = MakeByteArray();
  const std::string raw("\x00\xFF{\"a\":1}", 9);
  absl::StatusOr<std::optional<std::string>> out =
      c->FromConnectData("t", Schema::Bytes().get(), Value::Bytes(raw));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, raw);
  out = c->FromConnectData("t", nullptr, Value::Bytes(raw));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, raw);
  out = c->FromConnectData("t", Schema::OptionalBytes().get(), Value());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, std::nullopt);

  absl::StatusOr<SchemaAndValue> read = c->ToConnectData("t", std::string_view(raw));
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->schema->Equals(*Schema::OptionalBytes()));
  EXPECT_EQ(read->value, Value::Bytes(raw));
  read = c->ToConnectData("t", std::nullopt);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->schema->Equals(*Schema::OptionalBytes()));
  EXPECT_TRUE(read->value.is_null());
}

TEST(ByteArrayConverter, MovesOwnedBytesOutAndLeavesRefusedValuesIntact) {
  auto c = MakeByteArray();
  const std::string raw(64, '\x01');
  Value value = Value::Bytes(raw);
  const char* bytes = value.bytes().data();
  absl::StatusOr<std::optional<std::string>> out =
      c->FromOwnedConnectData("t", Schema::Bytes().get(), std::move(value));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(**out, raw);
  EXPECT_EQ((*out)->data(), bytes);
  Value text = Value::String("abc");
  out = c->FromOwnedConnectData("t", nullptr, std::move(text));
  EXPECT_FALSE(out.ok());
  EXPECT_EQ(text, Value::String("abc"));  // refused: left as it was
  Value refused = Value::Bytes(raw);
  out = c->FromOwnedConnectData("t", Schema::String().get(), std::move(refused));
  EXPECT_FALSE(out.ok());
  EXPECT_EQ(refused, Value::Bytes(raw));
}

TEST(ByteArrayConverter, RejectsOtherSchemasAndValues) {
  auto c = MakeByteArray();
  absl::Status s = c->FromConnectData("t", Schema::String().get(), Value::String("x")).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Invalid schema type for ByteArrayConverter: STRING");
  s = c->FromConnectData("t", nullptr, Value::String("x")).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "ByteArrayConverter is not compatible with objects of type class java.lang.String");
  s = c->FromConnectData("t", Schema::Bytes().get(), Value::Int32(1)).status();
  EXPECT_EQ(s.message(),
            "ByteArrayConverter is not compatible with objects of type class java.lang.Integer");
  // A Decimal is a java.math.BigDecimal in Kafka Connect (Kafka 3.9.1's message).
  SchemaPtr decimal = SchemaBuilder::Decimal(2).BuildOrDie();
  s = c->FromConnectData("t", decimal.get(), Value::Bytes("\x01")).status();
  EXPECT_EQ(s.message(),
            "ByteArrayConverter is not compatible with objects of type class java.math.BigDecimal");
  EXPECT_EQ(JavaExceptionClass(s), kDataExceptionClass);
}

}  // namespace
}  // namespace sluice::convert
