// Expected bytes, hashes and reader state come from Kafka 3.9.1: a throwaway Java program ran
// connect-json's JsonConverter (isKey=true, schemas.enable=false, as the worker's offset writer
// does) on [connector, partition], kafka-clients' Utils.murmur2 and Utils.toPositive, and fed
// the records below to KafkaOffsetBackingStore's consumer callback.
#include "server/store/offset_records.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/json_tree.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::store {
namespace {

Value S(std::string s) { return Value::String(std::move(s)); }
Value M(std::vector<std::pair<std::string, Value>> entries) {
  std::vector<MapEntry> out;
  for (auto& [k, v] : entries) out.push_back({S(k), std::move(v)});
  return Value::Map(std::move(out));
}

struct KeyCase {
  std::string connector;
  Value partition;  // in the order the Java LinkedHashMap was built
  std::string key;
  int32_t murmur2;
  int32_t partition_of_25;
  int32_t partition_of_5;
};

TEST(OffsetRecords, KeysAndTheirPartitionsAreJavas) {
  const std::vector<Value> partitions = {
      M({{"filename", S("/data/test.txt")}}),
      M({{"topic", S("t")}, {"partition", Value::Int32(0)}, {"cluster", S("A")}}),
      M({{"cluster", S("A")}, {"partition", Value::Int32(0)}, {"topic", S("t")}}),
      M({{"k\"\\", S("v\n\001")},
         {"i", Value::Int32(2147483647)},
         {"l", Value::Int64(-9007199254740993)},
         {"d", Value::Float64(1.5)},
         {"e", Value::Float64(1.0e21)},
         {"f", Value::Float32(0.1f)},
         {"b", Value::Boolean(true)},
         {"n", Value::Null()}}),
      M({}),
      M({{"a", Value::Int64(1)}}),
  };
  // {connector, key bytes, murmur2, % 25, % 5} as Java printed them.
  const std::vector<std::tuple<std::string, std::string, int32_t, int32_t, int32_t>> expected = {
  {"local-file-source", "[\"local-file-source\",{\"filename\":\"/data/test.txt\"}]", -387546060, 13, 3},
  {"mm2", "[\"mm2\",{\"topic\":\"t\",\"partition\":0,\"cluster\":\"A\"}]", 1190095647, 22, 2},
  {"mm2", "[\"mm2\",{\"cluster\":\"A\",\"partition\":0,\"topic\":\"t\"}]", -961055733, 15, 0},
  {"cé 😀", "[\"cé \\uD83D\\uDE00\",{\"k\\\"\\\\\":\"v\\n\\u0001\",\"i\":2147483647,\"l\":-9007199254740993,\"d\":1.5,\"e\":1.0E21,\"f\":0.1,\"b\":true,\"n\":null}]", -968478811, 12, 2},
  {"", "[\"\",{}]", 228465263, 13, 3},
  {"x", "[\"x\",{\"a\":1}]", 961341603, 3, 3},
  };
  ASSERT_EQ(partitions.size(), expected.size());
  for (size_t i = 0; i < partitions.size(); ++i) {
    const auto& [connector, key, hash, p25, p5] = expected[i];
    SCOPED_TRACE(key);
    EXPECT_EQ(EncodeOffsetKey(connector, partitions[i]), key);
    EXPECT_EQ(Murmur2(key), hash);
    EXPECT_EQ(DefaultPartition(key, 25), p25);
    EXPECT_EQ(DefaultPartition(key, 5), p5);
    std::optional<OffsetKey> decoded = DecodeOffsetKey(key);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->connector, connector);
  }
}

TEST(OffsetRecords, Murmur2AndDefaultPartitionAreJavas) {
  // {UTF-8 text, murmur2, % 25, % 5}
  const std::vector<std::tuple<std::string, int32_t, int32_t, int32_t>> cases = {
  {"", 275646681, 6, 1},
  {"a", -1563381124, 24, 4},
  {"ab", 316155434, 9, 4},
  {"abc", 479470107, 7, 2},
  {"abcd", -1323649548, 0, 0},
  {"abcde", 461995741, 16, 1},
  {"status-connector-my-conn", -786855528, 20, 0},
  {"status-task-my-conn-3", -1301091128, 20, 0},
  {"status-topic-connect-test:connector-local-file-sink", -1749355642, 6, 1},
  {"connector-my-conn", -1086602963, 10, 0},
  {"café ✓", -2092661293, 5, 0},
  {"ÿÿÿÿÿÿÿ", 832462057, 7, 2},
  };
  for (const auto& [text, hash, p25, p5] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Murmur2(text), hash);
    EXPECT_EQ(DefaultPartition(text, 25), p25);
    EXPECT_EQ(DefaultPartition(text, 5), p5);
  }
}

TEST(OffsetRecords, DecodeIgnoresWhatJavasReaderIgnores) {
  EXPECT_EQ(DecodeOffsetKey(std::nullopt), std::nullopt);
  for (std::string key : {"not json", "", "\"str\"", "{\"a\":1}", "[5,{}]", "[\"d\",null]",
                          "[\"d\",[]]", "[\"d\",{},3]", "[\"d\"]"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(DecodeOffsetKey(key), std::nullopt);
  }
  std::optional<OffsetKey> key = DecodeOffsetKey(std::string("[\"a\",{\"file\":\"x\",\"b\":1}]"));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->connector, "a");
  // The HashMap's order, and integers read as Longs.
  EXPECT_EQ(key->partition, M({{"b", Value::Int64(1)}, {"file", S("x")}}));
}

TEST(OffsetRecords, JavaValueEqualsIgnoresMapOrderButNotNumberTypes) {
  EXPECT_TRUE(JavaValueEquals(M({{"a", S("1")}, {"b", S("2")}}), M({{"b", S("2")}, {"a", S("1")}})));
  EXPECT_FALSE(JavaValueEquals(M({{"a", Value::Int64(1)}}), M({{"a", Value::Float64(1.0)}})));
  EXPECT_FALSE(JavaValueEquals(Value::Float64(0.0), Value::Float64(-0.0)));
  EXPECT_TRUE(JavaValueEquals(Value::Float64(0.0 / 0.0), Value::Float64(-(0.0 / 0.0))));
  EXPECT_FALSE(JavaValueEquals(M({{"a", S("1")}}), M({{"a", S("1")}, {"b", S("2")}})));
}

// Java's toString() of what the JsonConverter reads.
std::string JavaText(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBoolean: return v.boolean() ? "true" : "false";
    case Value::Kind::kString: return v.string();
    case Value::Kind::kFloat64: {
      std::string out;
      formats::AppendJsonDouble(v.floating(), &out);
      return out;
    }
    case Value::Kind::kArray: {
      std::vector<std::string> parts;
      for (const Value& e : v.array()) parts.push_back(JavaText(e));
      return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
    }
    case Value::Kind::kMap: {
      std::vector<std::string> parts;
      for (const MapEntry& e : v.map()) parts.push_back(absl::StrCat(JavaText(e.key), "=", JavaText(e.value)));
      return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
    }
    default: return absl::StrCat(v.integer());
  }
}

// Fed in order to Kafka 3.9.1's KafkaOffsetBackingStore consumer callback; the text is what its
// connectorPartitions() and data then held.
TEST(OffsetTopicState, AppliesRecordsAsKafkaOffsetBackingStore) {
  const std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> records =
 {
  {"[\"a\",{\"file\":\"x\",\"b\":1}]", "{\"position\":1}"},
  {"[\"a\",{\"b\":1,\"file\":\"x\"}]", "{\"position\":2}"},
  {"[\"a\",{\"file\":\"y\"}]", "{\"position\":3}"},
  {"[\"a\",{\"file\":\"y\"}]", std::nullopt},
  {"[\"b\",{\"file\":\"z\"}]", std::nullopt},
  {"[\"c\",{\"n\":1.0}]", "{}"},
  {"[\"c\",{\"n\":1}]", "{}"},
  {"[\"c\",{\"n\":-0.0}]", "{}"},
  {"[\"c\",{\"n\":0.0}]", "{}"},
  {"[\"c\",{\"n\":[1,{\"x\":2}]}]", "{}"},
  {"[\"c\",{\"n\":[1,{\"x\":2}]}]", "{\"again\":1}"},
  {"[\"d\",null]", "{}"},
  {"[\"d\",[]]", "{}"},
  {"[\"d\",{}, 3]", "{}"},
  {"[5,{}]", "{}"},
  {"{\"a\":1}", "{}"},
  {"\"str\"", "{}"},
  {"not json", "{}"},
  {"", "{}"},
  {std::nullopt, "{\"nullkey\":1}"},
  {"[\"e\",{}]", "not json either"},
 };
  OffsetTopicState state;
  for (const auto& [key, value] : records) state.Apply(key, value);
  std::string out;
  for (std::string c : {"a", "b", "c", "d", "e", "x"}) {
    std::vector<std::string> partitions;
    for (const Value& p : state.ConnectorPartitions(c)) partitions.push_back(JavaText(p));
    std::sort(partitions.begin(), partitions.end());
    absl::StrAppend(&out, "partitions ", c, ": [", absl::StrJoin(partitions, ", "), "]\n");
  }
  std::map<std::string, std::string> data = state.Entries();
  if (std::optional<std::string> v = state.Get(std::nullopt); v.has_value()) data["<null>"] = *v;
  EXPECT_EQ(state.size(), data.size());
  for (const auto& [k, v] : data) absl::StrAppend(&out, "data ", k, " = ", v, "\n");
  const std::string expected =
R"(partitions a: [{b=1, file=x}]
partitions b: []
partitions c: [{n=0.0}, {n=1.0}, {n=1}, {n=[1, {x=2}]}]
partitions d: []
partitions e: [{}]
partitions x: []
data  = {}
data "str" = {}
data <null> = {"nullkey":1}
data ["a",{"b":1,"file":"x"}] = {"position":2}
data ["a",{"file":"x","b":1}] = {"position":1}
data ["c",{"n":-0.0}] = {}
data ["c",{"n":0.0}] = {}
data ["c",{"n":1.0}] = {}
data ["c",{"n":1}] = {}
data ["c",{"n":[1,{"x":2}]}] = {"again":1}
data ["d",[]] = {}
data ["d",null] = {}
data ["d",{}, 3] = {}
data ["e",{}] = not json either
data [5,{}] = {}
data not json = {}
data {"a":1} = {}
)";
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace sluice::store
