#include "server/transforms/map_entries_builder.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/transforms/testing/record_text.h"

namespace sluice::transforms {
namespace {

// The expected orders are what java.util.HashMap / LinkedHashMap iterate on JDK 17 after the
// same operations (printed by a Java program in the same text form).

std::vector<MapEntry> Greek() {
  std::vector<MapEntry> entries;
  for (const char* k : {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
                        "iota", "kappa", "lambda", "mu", "nu"}) {
    entries.push_back({Value::String(k), Value::Int32(static_cast<int32_t>(std::string(k).size()))});
  }
  return entries;
}

std::string Text(MapEntriesBuilder map) {
  return testing::ValueText(nullptr, Value::Map(std::move(map).Finish()));
}

TEST(MapEntriesBuilder, CopyThenPutRemoveAndPutBackAsHashMap) {
  MapEntriesBuilder map = MapEntriesBuilder::HashMapCopyOf(Greek());
  map.Put(Value::String("omega"), Value::Int32(0));
  map.Remove(Value::String("gamma"));
  map.Put(Value::String("gamma"), Value::Int32(1));
  map.Put(Value::String("alpha"), Value::Int32(2));
  EXPECT_EQ(Text(std::move(map)),
            "{\"zeta\"=4, \"iota\"=4, \"nu\"=2, \"delta\"=5, \"mu\"=2, \"theta\"=5, \"omega\"=0, "
            "\"epsilon\"=7, \"lambda\"=6, \"eta\"=3, \"alpha\"=2, \"kappa\"=5, \"beta\"=4, "
            "\"gamma\"=1}");
}

TEST(MapEntriesBuilder, GrowsFromASmallInitialCapacity) {
  MapEntriesBuilder map =
      MapEntriesBuilder::HashMap(convert::JavaHashMapCapacity::WithInitialCapacity(0));
  map.Put(Value::String("x"), Value::Int32(1));
  map.Put(Value::String("y"), Value::Int32(2));
  map.Put(Value::String("z"), Value::Int32(3));
  EXPECT_EQ(Text(std::move(map)), "{\"x\"=1, \"y\"=2, \"z\"=3}");
}

TEST(MapEntriesBuilder, IntegerKeys) {
  MapEntriesBuilder map = MapEntriesBuilder::HashMap(convert::JavaHashMapCapacity::Default());
  for (int32_t k : {17, 1, 33, -5, 100000}) map.Put(Value::Int32(k), Value::Boolean(true));
  EXPECT_EQ(Text(std::move(map)), "{17=true, 1=true, 33=true, 100000=true, -5=true}");
}

TEST(MapEntriesBuilder, MixedKeysIncludingNull) {
  std::vector<MapEntry> source = {{Value::Int64(1), Value::Int32(1)},
                                  {Value::String("1"), Value::Int32(2)},
                                  {Value::Boolean(true), Value::Int32(3)},
                                  {Value(), Value::Int32(4)},
                                  {Value::Float64(2.5), Value::Int32(5)}};
  EXPECT_EQ(Text(MapEntriesBuilder::HashMapCopyOf(source)),
            "{null=4, 1L=1, \"1\"=2, 2.5d=5, true=3}");
}

TEST(MapEntriesBuilder, TableDoesNotShrinkAfterRemovals) {
  MapEntriesBuilder map = MapEntriesBuilder::HashMapCopyOf(Greek());
  for (const MapEntry& e : Greek()) {
    if (e.key.string().size() > 3) map.Remove(e.key);
  }
  map.Put(Value::String("zz"), Value::Int32(9));
  EXPECT_EQ(map.size(), 4u);
  EXPECT_EQ(Text(std::move(map)), "{\"zz\"=9, \"nu\"=2, \"mu\"=2, \"eta\"=3}");
}

TEST(MapEntriesBuilder, LinkedHashMapKeepsFirstPlaceOfAnOverwrittenKey) {
  MapEntriesBuilder map = MapEntriesBuilder::LinkedHashMap();
  map.Put(Value::String("z"), Value::Int32(1));
  map.Put(Value::String("a"), Value::Int32(2));
  map.Put(Value::String("z"), Value::Int32(3));
  ASSERT_NE(map.Get(Value::String("z")), nullptr);
  EXPECT_EQ(*map.Get(Value::String("z")), Value::Int32(3));
  EXPECT_EQ(map.Get(Value::String("q")), nullptr);
  EXPECT_EQ(Text(std::move(map)), "{\"z\"=3, \"a\"=2}");
}

}  // namespace
}  // namespace sluice::transforms
