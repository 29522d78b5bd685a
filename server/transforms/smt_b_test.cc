// Expected values come from running Kafka 3.9.1's own transforms (connect-transforms-3.9.1.jar)
// on the same records, on OpenJDK 17 in UTC.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sluice/sdk/java_text.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "server/transforms/builtins.h"

namespace sluice::transforms {
namespace {

const TransformationClass& Find(const std::vector<TransformationClass>& classes,
                                std::string_view name) {
  for (const TransformationClass& c : classes) {
    if (c.class_name == name) return c;
  }
  static TransformationClass none;
  ADD_FAILURE() << "no class " << name;
  return none;
}

std::unique_ptr<Transformation> Make(const std::vector<TransformationClass>& classes,
                                     std::string_view name, const ConfigMap& config) {
  absl::StatusOr<std::unique_ptr<Transformation>> t = Find(classes, name).create(config);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *std::move(t) : nullptr;
}

// How the Java probe printed a value: "<simple class name>:<toString>".
std::string Show(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kInt8: return absl::StrCat("Byte:", v.integer());
    case Value::Kind::kInt16: return absl::StrCat("Short:", v.integer());
    case Value::Kind::kInt32: return absl::StrCat("Integer:", v.integer());
    case Value::Kind::kInt64: return absl::StrCat("Long:", v.integer());
    case Value::Kind::kFloat32:
      return "Float:" + JavaFloatToString(static_cast<float>(v.floating()));
    case Value::Kind::kFloat64: return "Double:" + JavaDoubleToString(v.floating());
    case Value::Kind::kBoolean: return v.boolean() ? "Boolean:true" : "Boolean:false";
    case Value::Kind::kString: return "String:" + v.string();
    case Value::Kind::kBytes: return "bytes";
    case Value::Kind::kTimestamp: return absl::StrCat("Date(", v.timestamp_millis(), ")");
    default: return "?";
  }
}

std::string ShowError(const absl::Status& s) {
  std::string cls = convert::JavaExceptionClass(s);
  cls = cls.substr(cls.rfind('.') + 1);
  std::string out = absl::StrCat(cls, ": ", s.message());
  const std::string cause = convert::JavaExceptionCause(s);
  if (!cause.empty()) absl::StrAppend(&out, " | cause ", cause);
  return out;
}

ConnectRecord ValueRecord(SchemaPtr schema, Value value) {
  ConnectRecord r;
  r.topic = "t";
  r.kafka_partition = 0;
  r.value_schema = std::move(schema);
  r.value = std::move(value);
  return r;
}

TEST(Cast, CastsEverySchemalessPrimitiveToEveryTypeAsJava) {
  const std::vector<std::string> expected = {
      "cast Byte:-5 -> int8 = Byte:-5",
      "cast Byte:-5 -> int16 = Short:-5",
      "cast Byte:-5 -> int32 = Integer:-5",
      "cast Byte:-5 -> int64 = Long:-5",
      "cast Byte:-5 -> float32 = Float:-5.0",
      "cast Byte:-5 -> float64 = Double:-5.0",
      "cast Byte:-5 -> boolean = Boolean:true",
      "cast Byte:-5 -> string = String:-5",
      "cast Short:300 -> int8 = Byte:44",
      "cast Short:300 -> int16 = Short:300",
      "cast Short:300 -> int32 = Integer:300",
      "cast Short:300 -> int64 = Long:300",
      "cast Short:300 -> float32 = Float:300.0",
      "cast Short:300 -> float64 = Double:300.0",
      "cast Short:300 -> boolean = Boolean:true",
      "cast Short:300 -> string = String:300",
      "cast Integer:70000 -> int8 = Byte:112",
      "cast Integer:70000 -> int16 = Short:4464",
      "cast Integer:70000 -> int32 = Integer:70000",
      "cast Integer:70000 -> int64 = Long:70000",
      "cast Integer:70000 -> float32 = Float:70000.0",
      "cast Integer:70000 -> float64 = Double:70000.0",
      "cast Integer:70000 -> boolean = Boolean:true",
      "cast Integer:70000 -> string = String:70000",
      "cast Long:5000000000 -> int8 = Byte:0",
      "cast Long:5000000000 -> int16 = Short:-3584",
      "cast Long:5000000000 -> int32 = Integer:705032704",
      "cast Long:5000000000 -> int64 = Long:5000000000",
      "cast Long:5000000000 -> float32 = Float:5.0E9",
      "cast Long:5000000000 -> float64 = Double:5.0E9",
      "cast Long:5000000000 -> boolean = Boolean:true",
      "cast Long:5000000000 -> string = String:5000000000",
      "cast Float:1.5 -> int8 = Byte:1",
      "cast Float:1.5 -> int16 = Short:1",
      "cast Float:1.5 -> int32 = Integer:1",
      "cast Float:1.5 -> int64 = Long:1",
      "cast Float:1.5 -> float32 = Float:1.5",
      "cast Float:1.5 -> float64 = Double:1.5",
      "cast Float:1.5 -> boolean = Boolean:true",
      "cast Float:1.5 -> string = String:1.5",
      "cast Double:-2.75E10 -> int8 = Byte:0",
      "cast Double:-2.75E10 -> int16 = Short:0",
      "cast Double:-2.75E10 -> int32 = Integer:-2147483648",
      "cast Double:-2.75E10 -> int64 = Long:-27500000000",
      // The same float, as JDK 17 prints it (JDK 19+ prints "-2.75E10").
      "cast Double:-2.75E10 -> float32 = Float:-2.74999992E10",
      "cast Double:-2.75E10 -> float64 = Double:-2.75E10",
      "cast Double:-2.75E10 -> boolean = Boolean:true",
      "cast Double:-2.75E10 -> string = String:-2.75E10",
      "cast Boolean:true -> int8 = Byte:1",
      "cast Boolean:true -> int16 = Short:1",
      "cast Boolean:true -> int32 = Integer:1",
      "cast Boolean:true -> int64 = Long:1",
      "cast Boolean:true -> float32 = Float:1.0",
      "cast Boolean:true -> float64 = Double:1.0",
      "cast Boolean:true -> boolean = Boolean:true",
      "cast Boolean:true -> string = String:true",
      "cast String:42 -> int8 = Byte:42",
      "cast String:42 -> int16 = Short:42",
      "cast String:42 -> int32 = Integer:42",
      "cast String:42 -> int64 = Long:42",
      "cast String:42 -> float32 = Float:42.0",
      "cast String:42 -> float64 = Double:42.0",
      "cast String:42 -> boolean = Boolean:false",
      "cast String:42 -> string = String:42",
      "cast String:-7 -> int8 = Byte:-7",
      "cast String:-7 -> int16 = Short:-7",
      "cast String:-7 -> int32 = Integer:-7",
      "cast String:-7 -> int64 = Long:-7",
      "cast String:-7 -> float32 = Float:-7.0",
      "cast String:-7 -> float64 = Double:-7.0",
      "cast String:-7 -> boolean = Boolean:false",
      "cast String:-7 -> string = String:-7",
      "cast String:3.5 -> int8 = DataException: Value (3.5) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"3.5\"",
      "cast String:3.5 -> int16 = DataException: Value (3.5) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"3.5\"",
      "cast String:3.5 -> int32 = DataException: Value (3.5) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"3.5\"",
      "cast String:3.5 -> int64 = DataException: Value (3.5) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"3.5\"",
      "cast String:3.5 -> float32 = Float:3.5",
      "cast String:3.5 -> float64 = Double:3.5",
      "cast String:3.5 -> boolean = Boolean:false",
      "cast String:3.5 -> string = String:3.5",
      "cast String:abc -> int8 = DataException: Value (abc) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"abc\"",
      "cast String:abc -> int16 = DataException: Value (abc) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"abc\"",
      "cast String:abc -> int32 = DataException: Value (abc) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"abc\"",
      "cast String:abc -> int64 = DataException: Value (abc) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"abc\"",
      "cast String:abc -> float32 = DataException: Value (abc) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"abc\"",
      "cast String:abc -> float64 = DataException: Value (abc) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"abc\"",
      "cast String:abc -> boolean = Boolean:false",
      "cast String:abc -> string = String:abc",
      "cast String:true -> int8 = DataException: Value (true) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"true\"",
      "cast String:true -> int16 = DataException: Value (true) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"true\"",
      "cast String:true -> int32 = DataException: Value (true) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"true\"",
      "cast String:true -> int64 = DataException: Value (true) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"true\"",
      "cast String:true -> float32 = DataException: Value (true) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"true\"",
      "cast String:true -> float64 = DataException: Value (true) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"true\"",
      "cast String:true -> boolean = Boolean:true",
      "cast String:true -> string = String:true",
      "cast String:1e3 -> int8 = DataException: Value (1e3) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"1e3\"",
      "cast String:1e3 -> int16 = DataException: Value (1e3) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"1e3\"",
      "cast String:1e3 -> int32 = DataException: Value (1e3) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"1e3\"",
      "cast String:1e3 -> int64 = DataException: Value (1e3) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \"1e3\"",
      "cast String:1e3 -> float32 = Float:1000.0",
      "cast String:1e3 -> float64 = Double:1000.0",
      "cast String:1e3 -> boolean = Boolean:false",
      "cast String:1e3 -> string = String:1e3",
      "cast String: 2.5  -> int8 = DataException: Value ( 2.5 ) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \" 2.5 \"",
      "cast String: 2.5  -> int16 = DataException: Value ( 2.5 ) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \" 2.5 \"",
      "cast String: 2.5  -> int32 = DataException: Value ( 2.5 ) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \" 2.5 \"",
      "cast String: 2.5  -> int64 = DataException: Value ( 2.5 ) was out of range for requested data type | cause java.lang.NumberFormatException: For input string: \" 2.5 \"",
      "cast String: 2.5  -> float32 = Float:2.5",
      "cast String: 2.5  -> float64 = Double:2.5",
      "cast String: 2.5  -> boolean = Boolean:false",
      "cast String: 2.5  -> string = String: 2.5 ",
      "cast String:300 -> int8 = DataException: Value (300) was out of range for requested data type | cause java.lang.NumberFormatException: Value out of range. Value:\"300\" Radix:10",
      "cast String:300 -> int16 = Short:300",
      "cast String:300 -> int32 = Integer:300",
      "cast String:300 -> int64 = Long:300",
      "cast String:300 -> float32 = Float:300.0",
      "cast String:300 -> float64 = Double:300.0",
      "cast String:300 -> boolean = Boolean:false",
      "cast String:300 -> string = String:300",
      "cast bytes -> int8 = DataException: Unexpected type in Cast transformation: class [B",
      "cast bytes -> int16 = DataException: Unexpected type in Cast transformation: class [B",
      "cast bytes -> int32 = DataException: Unexpected type in Cast transformation: class [B",
      "cast bytes -> int64 = DataException: Unexpected type in Cast transformation: class [B",
      "cast bytes -> float32 = DataException: Unexpected type in Cast transformation: class [B",
      "cast bytes -> float64 = DataException: Unexpected type in Cast transformation: class [B",
      "cast bytes -> boolean = DataException: Unexpected type in Cast transformation: class [B",
      "cast bytes -> string = String:AQID",
  };
  const std::vector<Value> inputs = {
      Value::Int8(-5),          Value::Int16(300),       Value::Int32(70000),
      Value::Int64(5000000000), Value::Float32(1.5f),    Value::Float64(-2.75e10),
      Value::Boolean(true),     Value::String("42"),     Value::String("-7"),
      Value::String("3.5"),     Value::String("abc"),    Value::String("true"),
      Value::String("1e3"),     Value::String(" 2.5 "),  Value::String("300"),
      Value::Bytes(std::string("\x01\x02\x03", 3))};
  const char* targets[] = {"int8", "int16", "int32", "int64", "float32", "float64", "boolean",
                           "string"};
  size_t line = 0;
  for (const Value& input : inputs) {
    for (const char* target : targets) {
      std::unique_ptr<Transformation> cast =
          Make(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Value", {{"spec", target}});
      ConnectRecord r = ValueRecord(nullptr, input);
      absl::StatusOr<bool> kept = cast->Apply(r);
      const std::string got =
          absl::StrCat("cast ", Show(input), " -> ", target, " = ",
                       kept.ok() ? Show(r.value) : ShowError(kept.status()));
      ASSERT_LT(line, expected.size());
      EXPECT_EQ(got, expected[line]);
      ++line;
    }
  }
}

TEST(Cast, RefusesValuesConnectHasNoTypeFor) {
  std::unique_ptr<Transformation> cast =
      Make(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Value", {{"spec", "int32"}});
  ConnectRecord r = ValueRecord(nullptr, Value::Timestamp(5));
  EXPECT_EQ(ShowError(cast->Apply(r).status()),
            "DataException: Cast transformation was passed a value of type class java.util.Date "
            "which is not supported by Connect's data API");
  r = ValueRecord(nullptr, Value::Array({Value::Int32(1)}));
  EXPECT_EQ(ShowError(cast->Apply(r).status()),
            "DataException: Cast transformation does not support casting from ARRAY; supported "
            "types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]");
}

TEST(Cast, CastsLogicalTypesAsJava) {
  struct Case {
    SchemaPtr schema;
    Value value;
    const char* spec;
    const char* shown;
  };
  const SchemaPtr timestamp = SchemaBuilder::Timestamp().BuildOrDie();
  const SchemaPtr date = SchemaBuilder::Date().BuildOrDie();
  const SchemaPtr time = SchemaBuilder::Time().BuildOrDie();
  const SchemaPtr decimal = SchemaBuilder::Decimal(2).BuildOrDie();
  const std::string minus_1234("\xfb\x2e", 2);  // -1234, scale 2: -12.34
  const Case cases[] = {
      {timestamp, Value::Int64(1700000000123), "string", "String:2023-11-14T22:13:20.123Z"},
      {date, Value::Int32(19675), "string", "String:2023-11-14"},
      {time, Value::Int32(45000123), "string", "String:12:30:00.123Z"},
      {timestamp, Value::Int64(-1), "string", "String:23:59:59.999Z"},
      {timestamp, Value::Int64(1700000000123), "int64", "Long:1700000000123"},
      {date, Value::Int32(19675), "int32", "Integer:19675"},
      {decimal, Value::Bytes(minus_1234), "string", "String:-12.34"},
      {decimal, Value::Bytes(minus_1234), "int32", "Integer:-12"},
      {decimal, Value::Bytes(minus_1234), "float64", "Double:-12.34"},
  };
  for (const Case& c : cases) {
    std::unique_ptr<Transformation> cast =
        Make(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Value", {{"spec", c.spec}});
    ConnectRecord r = ValueRecord(c.schema, c.value);
    ASSERT_TRUE(cast->Apply(r).ok());
    EXPECT_EQ(Show(r.value), c.shown) << c.spec;
    // Java keeps the logical name on the whole-value cast's schema.
    EXPECT_EQ(r.value_schema->name(), c.schema->name());
  }
  std::unique_ptr<Transformation> cast =
      Make(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Value", {{"spec", "int8"}});
  ConnectRecord r = ValueRecord(Schema::Bytes(), Value::Bytes("\x01"));
  EXPECT_EQ(ShowError(cast->Apply(r).status()),
            "DataException: Unexpected type in Cast transformation: class [B");
}

TEST(Cast, CastsSchemalessMapFieldsIntoAJavaHashMap) {
  std::unique_ptr<Transformation> cast =
      Make(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Value",
           {{"spec", "zeta:int32,alpha:string,missing:int8,b:boolean"}});
  ConnectRecord r = ValueRecord(nullptr, Value::Map({{Value::String("zeta"), Value::String("1")},
                                                     {Value::String("alpha"), Value::Int32(2)},
                                                     {Value::String("b"), Value::Float64(3.5)}}));
  ASSERT_TRUE(cast->Apply(r).ok());
  // Java: {zeta=1, missing=null, b=true, alpha=2}
  const std::vector<MapEntry>& m = r.value.map();
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].key.string(), "zeta");
  EXPECT_EQ(m[0].value, Value::Int32(1));
  EXPECT_EQ(m[1].key.string(), "missing");
  EXPECT_TRUE(m[1].value.is_null());
  EXPECT_EQ(m[2].key.string(), "b");
  EXPECT_EQ(m[2].value, Value::Boolean(true));
  EXPECT_EQ(m[3].key.string(), "alpha");
  EXPECT_EQ(m[3].value, Value::String("2"));
}

TEST(Cast, CastsStructFieldsAndTheirDefaults) {
  const SchemaPtr schema =
      SchemaBuilder::Struct()
          .Name("rec")
          .Field("a", Schema::Int32())
          .Field("b", SchemaBuilder(SchemaType::kString).Optional().Default(Value::String("9"))
                          .BuildOrDie())
          .Field("c", Schema::Float64())
          .BuildOrDie();
  Struct s(schema);
  ASSERT_TRUE(s.Put("a", Value::Int32(7)).ok());
  ASSERT_TRUE(s.Put("c", Value::Float64(2.5)).ok());
  for (const char* replace : {"true", "false"}) {
    std::unique_ptr<Transformation> cast =
        Make(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Value",
             {{"spec", "a:string,b:int64"}, {"replace.null.with.default", replace}});
    ConnectRecord r = ValueRecord(schema, Value::FromStruct(s));
    ASSERT_TRUE(cast->Apply(r).ok());
    // Java: Struct{a=7,b=9,c=2.5} (default used) / Struct{a=7,c=2.5}; b's schema is an INT64
    // with default 9; the struct keeps its name.
    EXPECT_EQ(r.value_schema->name(), "rec");
    EXPECT_EQ(r.value_schema->FindField("a")->schema->type(), SchemaType::kString);
    EXPECT_EQ(*r.value_schema->FindField("b")->schema->default_value(), Value::Int64(9));
    const Struct& out = r.value.struct_value();
    EXPECT_EQ(out.values()[0], Value::String("7"));
    EXPECT_EQ(out.values()[1], std::string(replace) == "true" ? Value::Int64(9) : Value());
    EXPECT_EQ(out.values()[2], Value::Float64(2.5));
  }
}

TEST(Cast, RefusesBadSpecsWithKafkasMessages) {
  struct Case {
    const char* spec;
    const char* message;
  };
  const Case cases[] = {
      {"", "Must specify at least one field to cast."},
      {"a:b:c", "Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c"},
      {"foo",
       "Invalid value java.lang.IllegalArgumentException: No enum constant "
       "org.apache.kafka.connect.data.Schema.Type.FOO for configuration Invalid type found in "
       "casting spec: foo"},
      {"a:", "Invalid value java.lang.IllegalArgumentException: No enum constant "
             "org.apache.kafka.connect.data.Schema.Type.A for configuration Invalid type found "
             "in casting spec: a"},
      {"bytes", "Cast transformation does not support casting to BYTES; supported types are "
                "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"},
      {"int8,a:int16", "Cast transformations that specify a type to cast the entire value to may "
                       "only specify a single cast in their spec"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::unique_ptr<Transformation>> t =
        Find(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Key").create({{"spec", c.spec}});
    ASSERT_FALSE(t.ok()) << c.spec;
    EXPECT_EQ(convert::JavaExceptionClass(t.status()), convert::kConfigExceptionClass);
    EXPECT_EQ(t.status().message(), c.message);
  }
  absl::StatusOr<std::unique_ptr<Transformation>> t =
      Find(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Key").create({});
  EXPECT_EQ(t.status().message(),
            "Missing required configuration \"spec\" which has no default value.");
  EXPECT_TRUE(Find(CastClasses(), "org.apache.kafka.connect.transforms.Cast$Key")
                  .create({{"spec", " a : INT8 "}})
                  .ok());
}

std::unique_ptr<Transformation> Converter(const ConfigMap& config) {
  return Make(TimestampConverterClasses(),
              "org.apache.kafka.connect.transforms.TimestampConverter$Value", config);
}

TEST(TimestampConverter, ConvertsSchemalessValuesAsJava) {
  struct Case {
    ConfigMap config;
    Value input;
    const char* shown;
  };
  const Case cases[] = {
      {{{"target.type", "string"}, {"format", "yyyy-MM-dd HH:mm"}}, Value::Int64(1700000000123),
       "String:2023-11-14 22:13"},
      {{{"target.type", "unix"}}, Value::Timestamp(1700000000123), "Long:1700000000123"},
      {{{"target.type", "Date"}}, Value::Int64(1700000000123), "Date(1699920000000)"},
      {{{"target.type", "Time"}}, Value::Int64(1700000000123), "Date(80000123)"},
      {{{"target.type", "Timestamp"}, {"format", "yyyy-MM-dd"}}, Value::String("2023-11-14"),
       "Date(1699920000000)"},
      {{{"target.type", "unix"}, {"unix.precision", "seconds"}}, Value::Timestamp(-1500),
       "Long:-1"},
      {{{"target.type", "Timestamp"}, {"unix.precision", "microseconds"}}, Value::Int64(-1500),
       "Date(-1)"},
  };
  for (const Case& c : cases) {
    std::unique_ptr<Transformation> t = Converter(c.config);
    ConnectRecord r = ValueRecord(nullptr, c.input);
    ASSERT_TRUE(t->Apply(r).ok());
    EXPECT_EQ(Show(r.value), c.shown);
  }
}

TEST(TimestampConverter, FailsAsJava) {
  struct Case {
    ConfigMap config;
    SchemaPtr schema;
    Value input;
    const char* error;
  };
  const Case cases[] = {
      {{{"target.type", "unix"}, {"format", "yyyy-MM-dd"}}, nullptr, Value::String("2023/11/14"),
       "DataException: Could not parse timestamp: value (2023/11/14) does not match pattern "
       "(yyyy-MM-dd) | cause java.text.ParseException: Unparseable date: \"2023/11/14\""},
      {{{"target.type", "unix"}}, nullptr, Value::Int32(5),
       "DataException: TimestampConverter does not support class java.lang.Integer objects as "
       "timestamps"},
      {{{"target.type", "unix"}}, Schema::Int32(), Value::Int32(5),
       "ConnectException: Schema Schema{INT32} does not correspond to a known timestamp type "
       "format"},
      {{{"target.type", "unix"}}, Schema::OptionalInt32(), Value(),
       "ConnectException: Schema Schema{INT32} does not correspond to a known timestamp type "
       "format"},
  };
  for (const Case& c : cases) {
    std::unique_ptr<Transformation> t = Converter(c.config);
    ConnectRecord r = ValueRecord(c.schema, c.input);
    EXPECT_EQ(ShowError(t->Apply(r).status()), c.error);
  }
}

TEST(TimestampConverter, ConvertsWithSchemasToLogicalTypes) {
  std::unique_ptr<Transformation> t = Converter({{"target.type", "Date"}});
  ConnectRecord r = ValueRecord(SchemaBuilder::Timestamp().BuildOrDie(), Value::Int64(-1));
  ASSERT_TRUE(t->Apply(r).ok());
  // Java: Date(-86400000), schema INT32 org.apache.kafka.connect.data.Date, required.
  EXPECT_EQ(r.value, Value::Int32(-1));
  EXPECT_EQ(r.value_schema->name(), kDateLogicalName);
  EXPECT_FALSE(r.value_schema->optional());

  t = Converter({{"target.type", "Time"}});
  r = ValueRecord(Schema::OptionalInt64(), Value::Int64(-1));
  ASSERT_TRUE(t->Apply(r).ok());
  EXPECT_EQ(r.value, Value::Int32(86399999));
  EXPECT_EQ(r.value_schema->name(), kTimeLogicalName);
  EXPECT_TRUE(r.value_schema->optional());

  const SchemaPtr schema = SchemaBuilder::Struct()
                               .Field("id", Schema::Int32())
                               .Field("ts", Schema::OptionalInt64())
                               .BuildOrDie();
  Struct s(schema);
  ASSERT_TRUE(s.Put("id", Value::Int32(1)).ok());
  ASSERT_TRUE(s.Put("ts", Value::Int64(1700000000123)).ok());
  t = Converter({{"target.type", "Timestamp"}, {"field", "ts"}});
  r = ValueRecord(schema, Value::FromStruct(s));
  ASSERT_TRUE(t->Apply(r).ok());
  EXPECT_EQ(r.value.struct_value().values()[1], Value::Int64(1700000000123));
  EXPECT_EQ(r.value_schema->FindField("ts")->schema->name(), kTimestampLogicalName);
  EXPECT_TRUE(r.value_schema->FindField("ts")->schema->optional());
  // A null struct stays null, under the converted schema.
  r = ValueRecord(schema, Value());
  ASSERT_TRUE(t->Apply(r).ok());
  EXPECT_TRUE(r.value.is_null());
  EXPECT_EQ(r.value_schema->FindField("ts")->schema->name(), kTimestampLogicalName);
}

TEST(TimestampConverter, ConvertsASchemalessFieldIntoAJavaHashMap) {
  std::unique_ptr<Transformation> t =
      Converter({{"target.type", "string"}, {"field", "ts"}, {"format", "yyyyMMdd"}});
  ConnectRecord r = ValueRecord(nullptr, Value::Map({{Value::String("ts"), Value::Int64(1700000000123)},
                                                     {Value::String("other"), Value::String("x")},
                                                     {Value::String("id"), Value::Int32(1)}}));
  ASSERT_TRUE(t->Apply(r).ok());
  // Java: {other=x, id=1, ts=20231114}
  const std::vector<MapEntry>& m = r.value.map();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].key.string(), "other");
  EXPECT_EQ(m[1].key.string(), "id");
  EXPECT_EQ(m[2].key.string(), "ts");
  EXPECT_EQ(m[2].value, Value::String("20231114"));
}

TEST(TimestampConverter, RefusesBadConfigsWithKafkasMessages) {
  struct Case {
    ConfigMap config;
    const char* message;
  };
  const Case cases[] = {
      {{}, "Missing required configuration \"target.type\" which has no default value."},
      {{{"target.type", "foo"}},
       "Invalid value foo for configuration target.type: String must be one of: string, unix, "
       "Date, Time, Timestamp"},
      {{{"target.type", "string"}},
       "TimestampConverter requires format option to be specified when using string timestamps"},
      {{{"target.type", "string"}, {"format", "  "}},
       "TimestampConverter requires format option to be specified when using string timestamps"},
      {{{"target.type", "unix"}, {"format", "yyyyq"}},
       "Invalid value java.lang.IllegalArgumentException: Illegal pattern character 'q' for "
       "configuration TimestampConverter requires a SimpleDateFormat-compatible pattern for "
       "string timestamps: yyyyq"},
      {{{"target.type", "unix"}, {"unix.precision", "hours"}},
       "Invalid value hours for configuration unix.precision: String must be one of: "
       "nanoseconds, microseconds, milliseconds, seconds"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::unique_ptr<Transformation>> t =
        Find(TimestampConverterClasses(),
             "org.apache.kafka.connect.transforms.TimestampConverter$Key")
            .create(c.config);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().message(), c.message);
  }
}

TEST(TimestampRouter, RewritesTheTopicFromItsTimestamp) {
  std::unique_ptr<Transformation> t =
      Make(TimestampRouterClasses(), "org.apache.kafka.connect.transforms.TimestampRouter",
           {{"topic.format", "${topic}_${timestamp}_${topic}"},
            {"timestamp.format", "yyyy-MM-dd'T'HH"}});
  ConnectRecord r = ValueRecord(nullptr, Value());
  r.topic = "orders";
  r.timestamp = -1;
  ASSERT_TRUE(t->Apply(r).ok());
  EXPECT_EQ(r.topic, "orders_1969-12-31T23_orders");
}

TEST(TimestampRouter, FailsAsJava) {
  std::unique_ptr<Transformation> t =
      Make(TimestampRouterClasses(), "org.apache.kafka.connect.transforms.TimestampRouter", {});
  ConnectRecord r;
  r.topic = "orders";
  r.kafka_partition = 2;
  r.key_schema = Schema::String();
  r.key = Value::String("k");
  r.value = Value::Int32(5);
  EXPECT_EQ(ShowError(t->Apply(r).status()),
            "DataException: Timestamp missing on record: SourceRecord{sourcePartition=null, "
            "sourceOffset=null} ConnectRecord{topic='orders', kafkaPartition=2, key=k, "
            "keySchema=Schema{STRING}, value=5, valueSchema=null, timestamp=null, "
            "headers=ConnectHeaders(headers=)}");
  r.kafka_offset = 17;
  EXPECT_EQ(ShowError(t->Apply(r).status()),
            "DataException: Timestamp missing on record: SinkRecord{kafkaOffset=17, "
            "timestampType=NoTimestampType, originalTopic=orders, originalKafkaPartition=2, "
            "originalKafkaOffset=17} ConnectRecord{topic='orders', kafkaPartition=2, key=k, "
            "keySchema=Schema{STRING}, value=5, valueSchema=null, timestamp=null, "
            "headers=ConnectHeaders(headers=)}");
  // Java makes the SimpleDateFormat on first use.
  t = Make(TimestampRouterClasses(), "org.apache.kafka.connect.transforms.TimestampRouter",
           {{"timestamp.format", "yyyyq"}});
  r.timestamp = 0;
  EXPECT_EQ(ShowError(t->Apply(r).status()),
            "IllegalArgumentException: Illegal pattern character 'q'");
}

TEST(RegexRouter, RoutesTopicsThatMatchWhole) {
  std::unique_ptr<Transformation> t =
      Make(RegexRouterClasses(), "org.apache.kafka.connect.transforms.RegexRouter",
           {{"regex", "(.*)-(\\d+)"}, {"replacement", "$2.$1"}});
  ConnectRecord r = ValueRecord(nullptr, Value());
  r.topic = "orders-42";
  ASSERT_TRUE(t->Apply(r).ok());
  EXPECT_EQ(r.topic, "42.orders");
  r.topic = "orders";
  ASSERT_TRUE(t->Apply(r).ok());
  EXPECT_EQ(r.topic, "orders");

  t = Make(RegexRouterClasses(), "org.apache.kafka.connect.transforms.RegexRouter",
           {{"regex", "(.*)"}, {"replacement", "$2"}});
  EXPECT_EQ(ShowError(t->Apply(r).status()), "IndexOutOfBoundsException: No group 2");
}

TEST(RegexRouter, RefusesBadConfigsWithKafkasMessages) {
  const std::vector<TransformationClass> classes = RegexRouterClasses();
  const TransformationClass& c = Find(classes, "org.apache.kafka.connect.transforms.RegexRouter");
  EXPECT_EQ(c.create({{"regex", "a"}}).status().message(),
            "Missing required configuration \"replacement\" which has no default value.");
  EXPECT_EQ(c.create({{"regex", "(a"}, {"replacement", "x"}}).status().message(),
            "Invalid value (a for configuration regex: Invalid regex: Unclosed group near index "
            "2\n(a");
  EXPECT_EQ(c.config.Find("regex")->validator_doc, "valid regex");
}

TEST(TopicNameMatches, MatchesWholeTopicNames) {
  std::vector<PredicateClass> classes = TopicNameMatchesClasses();
  ASSERT_EQ(classes.size(), 1u);
  EXPECT_EQ(classes[0].class_name,
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
  absl::StatusOr<std::unique_ptr<Predicate>> p = classes[0].create({{"pattern", "ord.*"}});
  ASSERT_TRUE(p.ok());
  ConnectRecord r;
  r.topic = "orders";
  EXPECT_TRUE(*(*p)->Test(r));
  r.topic = "xorders";
  EXPECT_FALSE(*(*p)->Test(r));
  EXPECT_EQ(classes[0].create({{"pattern", ""}}).status().message(),
            "Invalid value  for configuration pattern: String must be non-empty");
  EXPECT_EQ(classes[0].config.Find("pattern")->validator_doc, "non-empty string, valid regex");
}

}  // namespace
}  // namespace sluice::transforms
