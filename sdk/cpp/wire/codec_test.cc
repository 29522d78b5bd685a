#include "sdk/cpp/wire/codec.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::wire {
namespace {

using ::testing::ElementsAre;

// Encodes `value` with `schema` and decodes it again, as across a stream.
Value RoundTrip(const SchemaPtr& schema, const Value& value) {
  pb::Value proto;
  ValueToProto(value, &proto);
  std::string bytes = proto.SerializeAsString();
  pb::Value parsed;
  EXPECT_TRUE(parsed.ParseFromString(bytes));
  absl::StatusOr<Value> decoded = ValueFromProto(parsed, schema);
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.ok() ? *decoded : Value();
}

SchemaPtr SchemaRoundTrip(const Schema& schema) {
  pb::Schema proto;
  SchemaToProto(schema, &proto);
  absl::StatusOr<SchemaPtr> decoded = SchemaFromProto(proto);
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.ok() ? *decoded : nullptr;
}

TEST(Codec, PrimitivesRoundTripWithTheirSchemaWidth) {
  struct Case {
    SchemaPtr schema;
    Value value;
  };
  const std::vector<Case> cases = {
      {Schema::Int8(), Value::Int8(-128)},
      {Schema::Int16(), Value::Int16(32767)},
      {Schema::Int32(), Value::Int32(-5)},
      {Schema::Int64(), Value::Int64(1LL << 62)},
      {Schema::Float32(), Value::Float32(1.25f)},
      {Schema::Float64(), Value::Float64(-2.5e300)},
      {Schema::Boolean(), Value::Boolean(true)},
      {Schema::String(), Value::String("héllo")},
      {Schema::Bytes(), Value::Bytes(std::string("\0\xff", 2))},
      {Schema::OptionalString(), Value()},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RoundTrip(c.schema, c.value), c.value) << SchemaTypeName(c.schema->type());
    SchemaPtr schema = SchemaRoundTrip(*c.schema);
    ASSERT_NE(schema, nullptr);
    EXPECT_TRUE(schema->Equals(*c.schema));
  }
}

TEST(Codec, LogicalTypesKeepNameVersionAndParameters) {
  for (const SchemaPtr& s : {SchemaBuilder::Decimal(4).BuildOrDie(), SchemaBuilder::Date().BuildOrDie(),
                             SchemaBuilder::Time().BuildOrDie(),
                             SchemaBuilder::Timestamp().Optional().BuildOrDie()}) {
    SchemaPtr back = SchemaRoundTrip(*s);
    ASSERT_NE(back, nullptr);
    EXPECT_TRUE(back->Equals(*s)) << s->name();
  }
  SchemaPtr decimal = SchemaBuilder::Decimal(2).BuildOrDie();
  Value v = Value::Bytes(*DecimalFromString("-12.34", 2));
  EXPECT_EQ(DecimalToString(RoundTrip(decimal, v).bytes(), 2), "-12.34");
  EXPECT_EQ(RoundTrip(SchemaBuilder::Date().BuildOrDie(), Value::Int32(19000)), Value::Int32(19000));
  EXPECT_EQ(RoundTrip(SchemaBuilder::Timestamp().BuildOrDie(), Value::Int64(1700000000000)),
            Value::Int64(1700000000000));
}

TEST(Codec, NestedStructArrayMapRoundTrip) {
  SchemaPtr item = SchemaBuilder::Struct()
                       .Name("com.example.Item")
                       .Doc("an item")
                       .Field("sku", Schema::String())
                       .Field("qty", SchemaBuilder(SchemaType::kInt32).Default(Value::Int32(1)).BuildOrDie())
                       .BuildOrDie();
  SchemaPtr order =
      SchemaBuilder::Struct()
          .Name("com.example.Order")
          .Version(3)
          .Field("id", Schema::Int64())
          .Field("items", SchemaBuilder::Array(item).BuildOrDie())
          .Field("tags", SchemaBuilder::Map(Schema::String(), Schema::OptionalInt16()).BuildOrDie())
          .Field("note", Schema::OptionalString())
          .BuildOrDie();
  SchemaPtr order_back = SchemaRoundTrip(*order);
  ASSERT_NE(order_back, nullptr);
  EXPECT_TRUE(order_back->Equals(*order));
  EXPECT_EQ(order_back->fields()[1].schema->value_schema()->fields()[1].schema->default_value()
                ->integer(),
            1);

  Struct i1(item);
  ASSERT_TRUE(i1.Put("sku", Value::String("A")).ok());
  ASSERT_TRUE(i1.Put("qty", Value::Int32(2)).ok());
  Struct i2(item);
  ASSERT_TRUE(i2.Put("sku", Value::String("B")).ok());  // qty left to its default
  Struct o(order);
  ASSERT_TRUE(o.Put("id", Value::Int64(9)).ok());
  ASSERT_TRUE(o.Put("items", Value::Array({Value::FromStruct(i1), Value::FromStruct(i2)})).ok());
  ASSERT_TRUE(o.Put("tags", Value::Map({MapEntry{Value::String("x"), Value::Int16(5)},
                                        MapEntry{Value::String("y"), Value()}}))
                  .ok());
  Value v = Value::FromStruct(o);
  Value back = RoundTrip(order, v);
  EXPECT_EQ(back, v);
  // Decoded against the other end's copy of the schema, too.
  Value back2 = RoundTrip(order_back, v);
  EXPECT_EQ(back2.struct_value().Get("id"), Value::Int64(9));
  EXPECT_EQ(back2.struct_value().Get("items").array()[1].struct_value().Get("qty"),
            Value::Int32(1));
  // The raw-pointer form copies the schema, so the value outlives the caller's pointer.
  pb::Value proto;
  ValueToProto(v, &proto);
  absl::StatusOr<Value> raw = ValueFromProto(proto, order.get());
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, v);
}

TEST(Codec, SchemalessValuesBecomeInt64AndKeepMapEntries) {
  Value v = Value::Map({MapEntry{Value::String("position"), Value::Int32(30)},
                        MapEntry{Value::String("list"), Value::Array({Value::Boolean(false),
                                                                      Value::Float32(0.5f)})},
                        MapEntry{Value::Int8(1), Value()}});
  Value back = RoundTrip(nullptr, v);
  ASSERT_EQ(back.map().size(), 3u);
  EXPECT_EQ(*back.Find("position"), Value::Int64(30));
  EXPECT_EQ(*back.Find("list"), Value::Array({Value::Boolean(false), Value::Float32(0.5f)}));
  EXPECT_EQ(back.map()[2].key, Value::Int64(1));
  EXPECT_TRUE(back.map()[2].value.is_null());
}

TEST(Codec, ValuesThatDoNotFitTheSchemaAreRejected) {
  pb::Value big;
  big.set_int_value(300);
  EXPECT_EQ(ValueFromProto(big, Schema::Int8().get()).status().message(),
            "Value 300 does not fit schema type INT8");
  pb::Value text;
  text.set_string_value("x");
  EXPECT_EQ(ValueFromProto(text, Schema::Int32().get()).status().message(),
            "Invalid value for schema type INT32: got STRING");
  pb::Value null;
  null.set_null_value(true);
  // A null under a required schema travels as it is (Kafka Connect's records allow it).
  absl::StatusOr<Value> required = ValueFromProto(null, Schema::String().get());
  ASSERT_TRUE(required.ok()) << required.status();
  EXPECT_TRUE(required->is_null());
  pb::Value s;
  s.mutable_struct_value()->add_fields()->set_int_value(1);
  EXPECT_EQ(ValueFromProto(s, nullptr).status().message(), "A struct value needs a schema");
  SchemaPtr two = SchemaBuilder::Struct()
                      .Field("a", Schema::Int32())
                      .Field("b", Schema::Int32())
                      .BuildOrDie();
  EXPECT_EQ(ValueFromProto(s, two).status().message(),
            "Struct value has 1 fields, its schema has 2");
  SchemaPtr one = SchemaBuilder::Struct().Field("a", Schema::Int8()).BuildOrDie();
  s.mutable_struct_value()->mutable_fields(0)->set_int_value(1000);
  EXPECT_EQ(ValueFromProto(s, one).status().message(),
            "field \"a\": Value 1000 does not fit schema type INT8");
}

TEST(Codec, MalformedSchemasAreRejected) {
  pb::Schema none;
  EXPECT_EQ(SchemaFromProto(none).status().code(), absl::StatusCode::kInvalidArgument);
  pb::Schema bad_default;
  bad_default.set_type(pb::Schema::TYPE_INT32);
  bad_default.mutable_default_value()->set_string_value("x");
  EXPECT_EQ(SchemaFromProto(bad_default).status().message(),
            "Invalid default value: Invalid value for schema type INT32: got STRING");
}

TEST(Codec, NullElementSchemasRoundTrip) {
  // An ARRAY or MAP without element schemas (SchemaBuilder::ArrayOfNull and friends, made by
  // Values.parseString for "[]", "{}" and mixed elements) crosses the wire as it is.
  for (const SchemaPtr& schema :
       {SchemaBuilder::ArrayOfNull().BuildOrDie(), SchemaBuilder::MapOfNull().BuildOrDie(),
        SchemaBuilder::MapWithNullValues(Schema::String()).BuildOrDie(),
        SchemaBuilder::MapWithNullKeys(Schema::Int8()).BuildOrDie()}) {
    pb::Schema proto;
    SchemaToProto(*schema, &proto);
    absl::StatusOr<SchemaPtr> back = SchemaFromProto(proto);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE((*back)->Equals(*schema));
    EXPECT_EQ((*back)->value_schema() == nullptr, schema->value_schema() == nullptr);
    EXPECT_EQ((*back)->key_schema() == nullptr, schema->key_schema() == nullptr);
  }
  pb::Schema array;
  array.set_type(pb::Schema::TYPE_ARRAY);
  absl::StatusOr<SchemaPtr> any = SchemaFromProto(array);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ((*any)->value_schema(), nullptr);
}

SourceRecord SampleSourceRecord(const SchemaPtr& value_schema, std::string line, int64_t pos) {
  SourceRecord r;
  r.source_partition = Value::Map({MapEntry{Value::String("filename"), Value::String("in.txt")}});
  r.source_offset = Value::Map({MapEntry{Value::String("position"), Value::Int64(pos)}});
  r.topic = "lines";
  r.value_schema = value_schema;
  r.value = Value::String(std::move(line));
  r.headers.push_back(Header{"h", Schema::Int32(), Value::Int32(7)});
  r.timestamp_ms = 1234;
  return r;
}

TEST(Codec, SourceRecordsSendEachSchemaOncePerEncoder) {
  SchemaEncoder encoder;
  pb::SourceBatch batch;
  SourceRecordToProto(SampleSourceRecord(Schema::String(), "a", 2), 1, encoder, &batch);
  SourceRecordToProto(SampleSourceRecord(Schema::String(), "b", 4), 2, encoder, &batch);
  // STRING (value) and INT32 (header), once each; the null key schema is id 0.
  ASSERT_EQ(batch.schemas_size(), 2);
  EXPECT_EQ(batch.schemas(0).id(), 1u);
  EXPECT_EQ(batch.schemas(1).id(), 2u);
  EXPECT_EQ(batch.records(0).key().schema_id(), 0u);
  EXPECT_EQ(batch.records(1).value().schema_id(), 1u);

  pb::SourceBatch next;
  SourceRecordToProto(SampleSourceRecord(Schema::String(), "c", 6), 3, encoder, &next);
  EXPECT_EQ(next.schemas_size(), 0);

  SchemaDecoder decoder;
  ASSERT_TRUE(decoder.Add(batch.schemas()).ok());
  ASSERT_TRUE(decoder.Add(next.schemas()).ok());
  absl::StatusOr<SourceRecord> r = SourceRecordFromProto(next.records(0), decoder);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->topic, "lines");
  EXPECT_EQ(r->value, Value::String("c"));
  ASSERT_NE(r->value_schema, nullptr);
  EXPECT_EQ(r->value_schema->type(), SchemaType::kString);
  EXPECT_EQ(r->key_schema, nullptr);
  EXPECT_TRUE(r->key.is_null());
  EXPECT_EQ(*r->source_offset.Find("position"), Value::Int64(6));
  EXPECT_EQ(*r->source_partition.Find("filename"), Value::String("in.txt"));
  EXPECT_FALSE(r->partition.has_value());
  EXPECT_EQ(r->timestamp_ms, 1234);
  ASSERT_EQ(r->headers.size(), 1u);
  EXPECT_EQ(r->headers[0].key, "h");
  EXPECT_EQ(r->headers[0].value, Value::Int32(7));
}

TEST(Codec, ASourcePartitionRepeatedInABatchIsSentOnce) {
  SchemaEncoder encoder;
  pb::SourceBatch batch;
  const SourceRecord first = SampleSourceRecord(Schema::String(), "a", 2);
  const SourceRecord second = SampleSourceRecord(Schema::String(), "b", 4);
  SourceRecord other = SampleSourceRecord(Schema::String(), "c", 6);
  other.source_partition = Value::Map({MapEntry{Value::String("filename"), Value::String("x")}});
  SourceRecordToProto(first, 1, encoder, &batch, nullptr);
  SourceRecordToProto(second, 2, encoder, &batch, &first);
  SourceRecordToProto(other, 3, encoder, &batch, &second);
  EXPECT_FALSE(batch.records(0).same_source_partition());
  EXPECT_TRUE(batch.records(0).has_source_partition());
  EXPECT_TRUE(batch.records(1).same_source_partition());
  EXPECT_FALSE(batch.records(1).has_source_partition());
  EXPECT_FALSE(batch.records(2).same_source_partition());
  EXPECT_TRUE(batch.records(2).has_source_partition());

  // The decoder leaves the partition to the caller, which has the batch; the offset is the
  // record's own.
  SchemaDecoder decoder;
  ASSERT_TRUE(decoder.Add(batch.schemas()).ok());
  absl::StatusOr<SourceRecord> r = SourceRecordFromProto(batch.records(1), decoder);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->source_partition.is_null());
  EXPECT_EQ(*r->source_offset.Find("position"), Value::Int64(4));
}

TEST(Codec, UnknownSchemaIdsAreErrors) {
  SchemaDecoder decoder;
  EXPECT_EQ(decoder.Get(0)->get(), nullptr);
  EXPECT_EQ(decoder.Get(5).status().message(), "unknown schema id 5");
  pb::SourceRecord record;
  record.mutable_value()->set_schema_id(9);
  record.mutable_value()->mutable_value()->set_string_value("x");
  absl::StatusOr<SourceRecord> r = SourceRecordFromProto(record, decoder);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "value: unknown schema id 9");

  google::protobuf::RepeatedPtrField<pb::SchemaDefinition> defs;
  defs.Add()->set_id(0);
  EXPECT_EQ(decoder.Add(defs).message(), "schema definition with id 0");
  defs.Clear();
  pb::SchemaDefinition* d = defs.Add();
  d->set_id(1);
  d->mutable_schema()->set_type(pb::Schema::TYPE_INT32);
  ASSERT_TRUE(decoder.Add(defs).ok());
  ASSERT_TRUE(decoder.Add(defs).ok());  // the same definition again is harmless
  d->mutable_schema()->set_type(pb::Schema::TYPE_INT64);
  EXPECT_EQ(decoder.Add(defs).message(), "schema id 1 is defined twice, differently");
}

TEST(Codec, SinkRecordsRoundTrip) {
  SchemaEncoder encoder;
  pb::SinkBatch batch;
  SinkRecord in;
  in.topic = "t";
  in.partition = 3;
  in.offset = 42;
  in.key_schema = Schema::OptionalString();
  in.key = Value::String("k");
  in.value = Value::Bytes("raw");  // schemaless
  in.timestamp_ms = 99;
  in.timestamp_type = TimestampType::kLogAppendTime;
  SinkRecordToProto(in, encoder, &batch);
  SchemaDecoder decoder;
  ASSERT_TRUE(decoder.Add(batch.schemas()).ok());
  absl::StatusOr<SinkRecord> out = SinkRecordFromProto(batch.records(0), decoder);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->topic, "t");
  EXPECT_EQ(out->partition, 3);
  EXPECT_EQ(out->offset, 42);
  EXPECT_TRUE(out->key_schema->Equals(*Schema::OptionalString()));
  EXPECT_EQ(out->key, Value::String("k"));
  EXPECT_EQ(out->value_schema, nullptr);
  EXPECT_EQ(out->value, Value::Bytes("raw"));
  EXPECT_EQ(out->timestamp_ms, 99);
  EXPECT_EQ(out->timestamp_type, TimestampType::kLogAppendTime);
}

TEST(Codec, ConfigKeysRoundTripIncludingNullDefaults) {
  ConfigKey topic;
  topic.name = "topic";
  topic.importance = ConfigImportance::kHigh;
  topic.documentation = "The topic";
  topic.validator_doc = "non-empty string";
  ConfigKey file;
  file.name = "file";
  file.null_default = true;
  ConfigKey batch;
  batch.name = "batch.size";
  batch.type = ConfigType::kInt;
  batch.default_value = "2000";
  batch.group = "Common";
  batch.order_in_group = 2;
  batch.width = ConfigWidth::kShort;
  batch.display_name = "Batch size";
  batch.dependents = {"x"};
  batch.recommended_values = {"1", "2"};
  for (const ConfigKey& key : {topic, file, batch}) {
    pb::ConfigKeyDefinition proto;
    ConfigKeyToProto(key, &proto);
    pb::ConfigKeyDefinition parsed;
    ASSERT_TRUE(parsed.ParseFromString(proto.SerializeAsString()));
    ConfigKey back = ConfigKeyFromProto(parsed);
    EXPECT_EQ(back.name, key.name);
    EXPECT_EQ(back.type, key.type);
    EXPECT_EQ(back.default_value, key.default_value);
    EXPECT_EQ(back.null_default, key.null_default) << key.name;
    EXPECT_EQ(back.required(), key.required()) << key.name;
    EXPECT_EQ(back.importance, key.importance);
    EXPECT_EQ(back.documentation, key.documentation);
    EXPECT_EQ(back.group, key.group);
    EXPECT_EQ(back.order_in_group, key.order_in_group);
    EXPECT_EQ(back.width, key.width);
    EXPECT_EQ(back.display_name, key.display_name.empty() ? key.name : key.display_name);
    EXPECT_EQ(back.dependents, key.dependents);
    EXPECT_EQ(back.validator_doc, key.validator_doc);
    EXPECT_EQ(back.recommended_values, key.recommended_values);
  }
}

TEST(Codec, ConfigValueResultsAndOffsetsRoundTrip) {
  ConfigValueResult result;
  result.name = "topic";
  result.errors = {"Missing required configuration \"topic\" which has no default value."};
  result.recommended_values = {"a"};
  result.visible = false;
  pb::ConfigValueResult proto;
  ConfigValueResultToProto(result, &proto);
  ConfigValueResult back = ConfigValueResultFromProto(proto);
  EXPECT_EQ(back.name, "topic");
  EXPECT_EQ(back.value, std::nullopt);
  EXPECT_THAT(back.errors, ElementsAre(result.errors[0]));
  EXPECT_THAT(back.recommended_values, ElementsAre("a"));
  EXPECT_FALSE(back.visible);
  result.value = "";
  ConfigValueResultToProto(result, &proto);
  EXPECT_EQ(ConfigValueResultFromProto(proto).value, "");

  TopicPartitionOffsets offsets = {{TopicPartition{"a", 0}, 10}, {TopicPartition{"b", 2}, 5}};
  google::protobuf::RepeatedPtrField<pb::TopicPartitionOffset> p;
  TopicPartitionOffsetsToProto(offsets, &p);
  ASSERT_EQ(p.size(), 2);
  EXPECT_EQ(p[1].topic(), "b");
  EXPECT_EQ(p[1].partition(), 2);
  EXPECT_EQ(p[1].offset(), 5);
  EXPECT_EQ(TopicPartitionOffsetsFromProto(p), offsets);
}

}  // namespace
}  // namespace sluice::wire
