// Expected values come from Kafka 3.9.1's org.apache.kafka.connect.transforms.InsertHeader,
// applied to a SourceRecord with one header, on a UTC JVM.
#include "server/transforms/insert_header.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/convert/connect_exception.h"
#include "server/transforms/builtins.h"

namespace sluice::transforms {
namespace {

ConnectRecord SampleRecord() {
  ConnectRecord r;
  r.topic = "t";
  r.kafka_partition = 0;
  r.value = Value::String("v");
  r.timestamp = 1;
  r.headers.push_back(Header{"first", Schema::String(), Value::String("x")});
  return r;
}

ConnectRecord Apply(const std::string& literal) {
  absl::StatusOr<std::unique_ptr<InsertHeader>> t =
      InsertHeader::Create({{"header", "h"}, {"value.literal", literal}});
  EXPECT_TRUE(t.ok()) << t.status();
  ConnectRecord r = SampleRecord();
  if (t.ok()) {
    absl::StatusOr<bool> kept = (*t)->Apply(r);
    EXPECT_TRUE(kept.ok() && *kept);
  }
  return r;
}

TEST(InsertHeader, AppendsTheLiteralReadWithValuesTypeInference) {
  ConnectRecord r = Apply("42");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].key, "first");
  EXPECT_EQ(r.headers[1].key, "h");
  EXPECT_EQ(r.headers[1].schema, Schema::Int8());
  EXPECT_EQ(r.headers[1].value, Value::Int8(42));
  EXPECT_EQ(r.value, Value::String("v"));  // the rest of the record is untouched

  r = Apply("hello world");
  EXPECT_EQ(r.headers[1].schema, Schema::String());
  EXPECT_EQ(r.headers[1].value, Value::String("hello world"));

  r = Apply("[1, 2]");
  EXPECT_EQ(r.headers[1].schema->type(), SchemaType::kArray);
  EXPECT_EQ(r.headers[1].value, Value::Array({Value::Int8(1), Value::Int8(2)}));

  r = Apply("2024-01-31");
  EXPECT_EQ(r.headers[1].schema->name(), kDateLogicalName);
  EXPECT_EQ(r.headers[1].value, Value::Int32(19753));

  r = Apply(R"({"a":1})");
  EXPECT_EQ(r.headers[1].schema->type(), SchemaType::kMap);
  EXPECT_EQ(r.headers[1].value, Value::Map({{Value::String("a"), Value::Int8(1)}}));

  // "null" is a null header (null schema, null value); "" an empty string.
  r = Apply("null");
  EXPECT_EQ(r.headers[1].schema, nullptr);
  EXPECT_TRUE(r.headers[1].value.is_null());
  r = Apply("");
  EXPECT_EQ(r.headers[1].schema, Schema::String());
  EXPECT_EQ(r.headers[1].value, Value::String(""));
}

TEST(InsertHeader, AddsTheHeaderAgainOnEveryRecord) {
  absl::StatusOr<std::unique_ptr<InsertHeader>> t =
      InsertHeader::Create({{"header", "h"}, {"value.literal", "1"}});
  ASSERT_TRUE(t.ok());
  ConnectRecord r = SampleRecord();
  ASSERT_TRUE((*t)->Apply(r).ok());
  ASSERT_TRUE((*t)->Apply(r).ok());
  std::vector<std::string> keys;
  for (const Header& h : r.headers) keys.push_back(h.key);
  EXPECT_THAT(keys, ::testing::ElementsAre("first", "h", "h"));
}

TEST(InsertHeader, RequiresBothKeysWithKafkasConfigException) {
  absl::StatusOr<std::unique_ptr<InsertHeader>> t = InsertHeader::Create({{"value.literal", "1"}});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.status().message(),
            "Missing required configuration \"header\" which has no default value.");
  EXPECT_EQ(convert::JavaExceptionClass(t.status()), convert::kConfigExceptionClass);
  t = InsertHeader::Create({{"header", "h"}});
  EXPECT_EQ(t.status().message(),
            "Missing required configuration \"value.literal\" which has no default value.");
}

TEST(InsertHeader, RefusesALiteralSluiceCannotHold) {
  // Kafka 3.9.1 keeps [12:00:00.000Z, 2024-01-01] as a list of java.util.Date under a Date
  // schema, one of them with a time of day; Sluice's Date is whole days.
  absl::StatusOr<std::unique_ptr<InsertHeader>> t =
      InsertHeader::Create({{"header", "h"}, {"value.literal", "[12:00:00.000Z, 2024-01-01]"}});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(convert::JavaExceptionClass(t.status()), convert::kConfigExceptionClass);
  EXPECT_THAT(std::string(t.status().message()),
              ::testing::StartsWith("Invalid value [12:00:00.000Z, 2024-01-01] for configuration "
                                    "value.literal: Sluice cannot represent"));
}

TEST(InsertHeaderClasses, DescribesTheClassAsKafkaDoes) {
  std::vector<TransformationClass> classes = InsertHeaderClasses();
  ASSERT_EQ(classes.size(), 1u);
  const TransformationClass& c = classes[0];
  EXPECT_EQ(c.class_name, "org.apache.kafka.connect.transforms.InsertHeader");
  EXPECT_FALSE(c.version.empty());
  ASSERT_EQ(c.config.keys().size(), 2u);
  EXPECT_EQ(c.config.keys()[0].name, "header");
  EXPECT_TRUE(c.config.keys()[0].required());
  EXPECT_EQ(c.config.keys()[0].importance, ConfigImportance::kHigh);
  EXPECT_EQ(c.config.keys()[0].documentation, "The name of the header.");
  EXPECT_EQ(c.config.keys()[1].name, "value.literal");
  EXPECT_EQ(c.config.keys()[1].documentation,
            "The literal value that is to be set as the header value on all records.");
  // Created through the class, with the transform's own keys among the others Kafka passes.
  absl::StatusOr<std::unique_ptr<Transformation>> t =
      c.create({{"type", "org.apache.kafka.connect.transforms.InsertHeader"},
                {"header", "h"},
                {"value.literal", "true"}});
  ASSERT_TRUE(t.ok()) << t.status();
  ConnectRecord r = SampleRecord();
  ASSERT_TRUE((*t)->Apply(r).ok());
  EXPECT_EQ(r.headers.back().value, Value::Boolean(true));
}

}  // namespace
}  // namespace sluice::transforms
