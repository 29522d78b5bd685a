#include "sdk/cpp/wire/nesting.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sdk/cpp/wire/codec.h"

namespace sluice::wire {
namespace {

using ::testing::HasSubstr;

// A pb::Value of arrays nested `levels` deep: Value{array{Value{array{...}}}}, a string inside.
// Each array level is two messages (Value, ArrayValue).
std::string NestedArrays(int levels) {
  pb::Value root;
  pb::Value* v = &root;
  for (int i = 0; i < levels; ++i) v = v->mutable_array_value()->add_items();
  v->set_string_value("bottom");
  return root.SerializeAsString();
}

// A source batch message holding one record whose value nests `levels` Connect maps or structs.
std::string SourceMessageWithDepth(int levels, bool structs) {
  SchemaPtr schema = Schema::String();
  Value value = Value::String("bottom");
  for (int i = 0; i < levels; ++i) {
    if (structs) {
      SchemaPtr outer = SchemaBuilder::Struct().Name("Level").Field("d", schema).BuildOrDie();
      Struct s(outer);
      EXPECT_TRUE(s.Put("d", value).ok());
      value = Value::FromStruct(std::move(s));
      schema = outer;
    } else {
      value = Value::Map({MapEntry{Value::String("d"), value}});
    }
  }
  SourceRecord record;
  record.topic = "t";
  record.value_schema = structs ? schema : nullptr;
  record.value = value;
  pb::SourcePluginMessage message;
  SchemaEncoder schemas;
  SourceRecordToProto(record, 1, schemas, message.mutable_batch());
  return message.SerializeAsString();
}

TEST(NestedMessageDepth, CountsLevelsBelowTheOutermostMessage) {
  EXPECT_EQ(*NestedMessageDepth(*pb::Value::descriptor(), NestedArrays(0)), 0);
  EXPECT_EQ(*NestedMessageDepth(*pb::Value::descriptor(), NestedArrays(1)), 2);
  EXPECT_EQ(*NestedMessageDepth(*pb::Value::descriptor(), NestedArrays(3)), 6);
}

TEST(NestedMessageDepth, MeasuresDepthsFarBeyondProtobufsLimit) {
  EXPECT_EQ(*NestedMessageDepth(*pb::Value::descriptor(), NestedArrays(20000)), 40000);
}

TEST(NestedMessageDepth, AgreesWithProtobufOnTheLimit) {
  // 50 array levels: 100 nested messages, the most protobuf parses; one more level is refused.
  pb::Value parsed;
  ASSERT_EQ(*NestedMessageDepth(*pb::Value::descriptor(), NestedArrays(50)), 100);
  EXPECT_TRUE(parsed.ParseFromString(NestedArrays(50)));
  std::string deeper = NestedArrays(51);
  ASSERT_EQ(*NestedMessageDepth(*pb::Value::descriptor(), deeper), 102);
  EXPECT_FALSE(parsed.ParseFromString(deeper));
  EXPECT_EQ(MaxNestedMessageDepth(), 100);
}

TEST(NestedMessageDepth, RefusesMalformedBytes) {
  std::string bytes = NestedArrays(3);
  absl::StatusOr<int> truncated =
      NestedMessageDepth(*pb::Value::descriptor(), bytes.substr(0, bytes.size() - 3));
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(truncated.status().message(),
              HasSubstr("not a valid sluice.plugin.v1.Value message"));
  EXPECT_FALSE(NestedMessageDepth(*pb::Value::descriptor(), std::string("\x42\x05\x01", 3)).ok());
}

// The limits the description states, in Connect data on a source stream: maps and structs at the
// deepest level the worker still reads, and one level more.
TEST(DescribeUnreadableMessage, StatesTheConnectNestingTheProtocolCarries) {
  pb::SourcePluginMessage parsed;
  EXPECT_TRUE(parsed.ParseFromString(SourceMessageWithDepth(32, /*structs=*/false)));
  EXPECT_FALSE(parsed.ParseFromString(SourceMessageWithDepth(33, /*structs=*/false)));
  EXPECT_TRUE(parsed.ParseFromString(SourceMessageWithDepth(48, /*structs=*/true)));
  const std::string too_deep = SourceMessageWithDepth(49, /*structs=*/true);
  EXPECT_FALSE(parsed.ParseFromString(too_deep));
  EXPECT_EQ(DescribeUnreadableMessage(*pb::SourcePluginMessage::descriptor(), too_deep),
            "its messages nest 102 levels deep and protobuf reads at most 100, so the plugin "
            "protocol carries Connect data nested at most about 48 levels deep as structs or "
            "arrays, 32 as maps");
}

TEST(DescribeUnreadableMessage, SaysWhenTheBytesAreNotWireFormat) {
  const std::string garbage("\x0a\x7f\x01", 3);
  EXPECT_THAT(DescribeUnreadableMessage(*pb::SourcePluginMessage::descriptor(), garbage),
              HasSubstr("not a valid sluice.plugin.v1.SourcePluginMessage message"));
}

// The depth SinkRecordNestedDepth predicts is the depth of the Put batch the codec encodes.
int EncodedPutDepth(const SinkRecord& record) {
  pb::SinkWorkerMessage message;
  SchemaEncoder schemas;
  SinkRecordToProto(record, schemas, message.mutable_put());
  absl::StatusOr<int> depth =
      NestedMessageDepth(*pb::SinkWorkerMessage::descriptor(), message.SerializeAsString());
  EXPECT_TRUE(depth.ok()) << depth.status();
  return depth.value_or(-1);
}

Value NestedMaps(int levels, bool deep_keys) {
  Value v = Value::String("bottom");
  for (int i = 0; i < levels; ++i) {
    v = deep_keys ? Value::Map({MapEntry{v, Value::Int32(1)}})
                  : Value::Map({MapEntry{Value::String("d"), v}});
  }
  return v;
}

TEST(SinkRecordNestedDepth, MatchesTheEncodedBatch) {
  SinkRecord flat;
  flat.topic = "t";
  flat.value_schema = Schema::String();
  flat.value = Value::String("x");
  EXPECT_EQ(SinkRecordNestedDepth(flat), EncodedPutDepth(flat));

  SinkRecord maps = flat;
  maps.value_schema = nullptr;
  maps.value = Value::Map({MapEntry{Value::String("a"), Value::Array({NestedMaps(5, false)})},
                           MapEntry{Value::String("b"), Value::Map({})}});
  EXPECT_EQ(SinkRecordNestedDepth(maps), EncodedPutDepth(maps));
  maps.key = NestedMaps(7, /*deep_keys=*/true);
  EXPECT_EQ(SinkRecordNestedDepth(maps), EncodedPutDepth(maps));

  // A struct schema deeper than its value (the inner struct is null), with a parameter and a
  // default; and a header that nests deeper than the key and value.
  SchemaPtr inner = SchemaBuilder::Struct().Name("Inner").Optional()
                        .Field("m", SchemaBuilder::Map(Schema::String(),
                                                       SchemaBuilder::Array(Schema::Int32())
                                                           .BuildOrDie())
                                        .BuildOrDie())
                        .BuildOrDie();
  SchemaPtr outer = SchemaBuilder::Struct().Name("Outer").Parameter("p", "1")
                        .Field("id", SchemaBuilder(SchemaType::kInt64).Default(Value::Int64(0))
                                         .BuildOrDie())
                        .Field("inner", inner).BuildOrDie();
  Struct value(outer);
  ASSERT_TRUE(value.Put("id", Value::Int64(7)).ok());
  SinkRecord structs = flat;
  structs.value_schema = outer;
  structs.value = Value::FromStruct(value);
  EXPECT_EQ(SinkRecordNestedDepth(structs), EncodedPutDepth(structs));
  structs.headers.push_back(Header{"h", nullptr, NestedMaps(9, false)});
  EXPECT_EQ(SinkRecordNestedDepth(structs), EncodedPutDepth(structs));
}

TEST(SinkRecordNestedDepth, IsSafeFarBeyondTheLimit) {
  SinkRecord deep;
  deep.topic = "t";
  deep.value = NestedMaps(100000, false);
  EXPECT_EQ(SinkRecordNestedDepth(deep), 3 + 1 + 3 * 100000);
}

}  // namespace
}  // namespace sluice::wire
