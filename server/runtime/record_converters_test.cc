#include "server/runtime/record_converters.h"

#include "gtest/gtest.h"

namespace sluice::runtime {
namespace {

config::WorkerConfig Worker() {
  config::WorkerConfig w;
  w.key_converter = {"org.apache.kafka.connect.storage.StringConverter", {}};
  w.value_converter = {"org.apache.kafka.connect.json.JsonConverter", {{"schemas.enable", "true"}}};
  return w;
}

TEST(RecordConverters, UsesTheWorkersConvertersByDefault) {
  absl::StatusOr<RecordConverters> c = RecordConverters::Create(Worker(), {});
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<std::optional<std::string>> bytes =
      c->value->FromConnectData("t", Schema::String().get(), Value::String("hi"));
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(**bytes, R"({"schema":{"type":"string","optional":false},"payload":"hi"})");
  EXPECT_EQ(c->tolerance, ErrorTolerance::kNone);
}

TEST(RecordConverters, ConnectorConfigOverridesTheWorker) {
  absl::StatusOr<RecordConverters> c = RecordConverters::Create(
      Worker(), {{"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
                 {"value.converter.schemas.enable", "false"},
                 {"errors.tolerance", "all"}});
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<std::optional<std::string>> bytes =
      c->value->FromConnectData("t", Schema::String().get(), Value::String("hi"));
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(**bytes, R"("hi")");
  EXPECT_EQ(c->tolerance, ErrorTolerance::kAll);
}

TEST(RecordConverters, RejectsUnknownConverterAndTolerance) {
  absl::Status bad = RecordConverters::Create(Worker(), {{"key.converter", "com.example.Nope"}}).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message().substr(0, 58),
            "Invalid value com.example.Nope for configuration key.conve");
  absl::Status tolerance = RecordConverters::Create(Worker(), {{"errors.tolerance", "some"}}).status();
  EXPECT_EQ(tolerance.message(),
            "Invalid value some for configuration errors.tolerance: String must be one of: none, all");
}

TEST(RecordConverters, HeadersTravelAsText) {
  EXPECT_EQ(HeaderToBytes({"h", Schema::String(), Value::String("x")}), "x");
  EXPECT_EQ(HeaderToBytes({"h", Schema::Int32(), Value::Int32(42)}), "42");
  EXPECT_EQ(HeaderToBytes({"h", nullptr, Value()}), std::nullopt);
  Header back = HeaderFromBytes("h", std::string_view("42"));
  EXPECT_EQ(back.value, Value::String("42"));
  EXPECT_TRUE(HeaderFromBytes("h", std::nullopt).value.is_null());
}

}  // namespace
}  // namespace sluice::runtime
