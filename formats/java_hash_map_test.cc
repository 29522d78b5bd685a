#include "formats/java_hash_map.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sluice::formats {
namespace {

std::vector<std::string> Keys(const std::vector<MapEntry>& entries) {
  std::vector<std::string> keys;
  for (const MapEntry& e : entries) keys.push_back(e.key.string());
  return keys;
}

std::vector<MapEntry> Entries(const std::vector<std::string>& keys) {
  std::vector<MapEntry> entries;
  for (const std::string& k : keys) entries.push_back({Value::String(k), Value::Int32(1)});
  return entries;
}

TEST(JavaStringHashCode, MatchesJava) {
  EXPECT_EQ(JavaStringHashCode(""), 0);
  EXPECT_EQ(JavaStringHashCode("a"), 97);
  EXPECT_EQ(JavaStringHashCode("hello"), 99162322);
  EXPECT_EQ(JavaStringHashCode("card_number"), 578603864);  // "card_number".hashCode()
  // Non-ASCII text hashes its UTF-16 units: "é" is U+00E9, "😀" the pair D83D DE00.
  EXPECT_EQ(JavaStringHashCode("\xc3\xa9"), 0xE9);
  EXPECT_EQ(JavaStringHashCode("\xf0\x9f\x98\x80"), 0xD83D * 31 + 0xDE00);
}

TEST(JavaHashCode, BoxedPrimitives) {
  EXPECT_EQ(JavaHashCode(Value::Boolean(true)), 1231);
  EXPECT_EQ(JavaHashCode(Value::Int32(-7)), -7);
  EXPECT_EQ(JavaHashCode(Value::Int64(1LL << 40)), 256);
  EXPECT_EQ(JavaHashCode(Value::Float64(1.0)), 1072693248);  // Double.valueOf(1.0).hashCode()
  EXPECT_FALSE(JavaHashCode(Value::Bytes("x")).has_value());
}

TEST(OrderAsJavaHashMap, IteratesBucketsInIndexOrder) {
  // new HashMap<>() with put("b"), put("a"), put("c") iterates a, b, c (buckets 1, 2, 3).
  std::vector<MapEntry> entries = Entries({"b", "a", "c"});
  OrderAsJavaHashMap(entries);
  EXPECT_EQ(Keys(entries), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(OrderAsJavaHashMap, KeepsInsertionOrderWithinABucket) {
  // "Aa" and "BB" have the same hashCode (2112): they stay in insertion order.
  std::vector<MapEntry> entries = Entries({"BB", "Aa"});
  OrderAsJavaHashMap(entries);
  EXPECT_EQ(Keys(entries), (std::vector<std::string>{"BB", "Aa"}));
}

TEST(OrderAsJavaHashMap, GrowsTheTableAsJavaDoes) {
  // "a" (97) and "q" (113) share bucket 1 of 16 but not of 32; thirteen keys make 32 buckets.
  std::vector<std::string> keys = {"q", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
  std::vector<MapEntry> twelve = Entries(keys);
  OrderAsJavaHashMap(twelve);
  EXPECT_EQ(Keys(twelve)[0], "q");
  EXPECT_EQ(Keys(twelve)[1], "a");
  keys.push_back("l");
  std::vector<MapEntry> thirteen = Entries(keys);
  OrderAsJavaHashMap(thirteen);
  EXPECT_EQ(Keys(thirteen)[0], "a");
  EXPECT_EQ(Keys(thirteen).back(), "q");
}

TEST(JavaHashMapCapacity, CopyOfSizesForTheEntries) {
  EXPECT_EQ(JavaHashMapCapacity::CopyOf(1).initial_buckets, 2u);    // 1/0.75+1 = 2.33 -> 2
  EXPECT_EQ(JavaHashMapCapacity::CopyOf(12).initial_buckets, 32u);  // 17 -> 32
  EXPECT_EQ(JavaHashMapCapacity::WithInitialCapacity(3).initial_buckets, 4u);
  // With 2 buckets, "a" (97, bucket 1) comes after "b" (98, bucket 0).
  std::vector<MapEntry> entries = Entries({"a", "b"});
  OrderAsJavaHashMap(entries, JavaHashMapCapacity::CopyOf(2));  // 2/0.75+1 = 3.67 -> 4 buckets
  EXPECT_EQ(Keys(entries), (std::vector<std::string>{"a", "b"}));
  entries = Entries({"a", "b"});
  OrderAsJavaHashMap(entries, JavaHashMapCapacity::WithInitialCapacity(1));  // grows to 4
  EXPECT_EQ(Keys(entries), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace sluice::formats
