#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server/transforms/plugin_aliases.h"
#include "server/transforms/transform_config.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {
namespace {

constexpr char kPackage[] = "org.apache.kafka.connect.transforms.";

std::vector<std::string> Names(const std::vector<TransformationClass>& classes) {
  std::vector<std::string> names;
  for (const auto& c : classes) names.push_back(c.class_name);
  return names;
}

TEST(Registry, ListsTransformationsSortedByClassName) {
  const std::vector<std::string> names = Names(BuiltinTransformations());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  const std::set<std::string> all(names.begin(), names.end());
  EXPECT_EQ(all.size(), names.size());
  for (const char* c :
       {"DropHeaders", "ExtractField$Key", "ExtractField$Value", "Filter", "Flatten$Key",
        "Flatten$Value", "HeaderFrom$Key", "HeaderFrom$Value", "HoistField$Key",
        "HoistField$Value", "InsertField$Key", "InsertField$Value", "MaskField$Key",
        "MaskField$Value", "ReplaceField$Key", "ReplaceField$Value", "SetSchemaMetadata$Key",
        "SetSchemaMetadata$Value", "ValueToKey"}) {
    EXPECT_EQ(all.count(std::string(kPackage) + c), 1u) << c;
  }
}

TEST(Registry, ListsPredicatesSortedByClassName) {
  std::vector<std::string> names;
  for (const auto& c : BuiltinPredicates()) names.push_back(c.class_name);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* c : {"HasHeaderKey", "RecordIsTombstone"}) {
    EXPECT_EQ(std::count(names.begin(), names.end(),
                         std::string(kPackage) + "predicates." + c),
              1)
        << c;
  }
}

TEST(Registry, EveryClassReportsTheProjectVersion) {
  EXPECT_NE(TransformsVersion(), "unknown");
  EXPECT_FALSE(TransformsVersion().empty());
  for (const auto& c : BuiltinTransformations()) EXPECT_EQ(c.version, TransformsVersion());
  for (const auto& c : BuiltinPredicates()) EXPECT_EQ(c.version, TransformsVersion());
}

TEST(Registry, FindsClassesByFullName) {
  const TransformationClass* t = FindTransformation(std::string(kPackage) + "InsertField$Value");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->class_name, std::string(kPackage) + "InsertField$Value");
  const PredicateClass* p = FindPredicate(std::string(kPackage) + "predicates.HasHeaderKey");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->class_name, std::string(kPackage) + "predicates.HasHeaderKey");
  EXPECT_EQ(FindTransformation(std::string(kPackage) + "InsertField"), nullptr);
  EXPECT_EQ(FindTransformation("org.example.Nope"), nullptr);
}

// Kafka 3.9.1's worker (its DelegatingClassLoader) resolves exactly these of the names below:
// "Key" and "Value" (Class.getSimpleName of every $Key/$Value variant) name many classes and
// are dropped; "InsertField" and "InsertField$Value" are no aliases.
TEST(Registry, AcceptsKafkasAliases) {
  for (const char* alias : {"DropHeaders", "Filter", "ValueToKey"}) {
    const TransformationClass* t = FindTransformation(alias);
    ASSERT_NE(t, nullptr) << alias;
    EXPECT_EQ(t->class_name, std::string(kPackage) + alias);
  }
  for (const char* alias : {"HasHeaderKey", "RecordIsTombstone"}) {
    const PredicateClass* p = FindPredicate(alias);
    ASSERT_NE(p, nullptr) << alias;
    EXPECT_EQ(p->class_name, std::string(kPackage) + "predicates." + alias);
  }
  for (const char* name : {"Key", "Value", "InsertField", "InsertField$Value", "Field"}) {
    EXPECT_EQ(FindTransformation(name), nullptr) << name;
  }
  // An alias names a class of one kind only.
  EXPECT_EQ(FindTransformation("HasHeaderKey"), nullptr);
  EXPECT_EQ(FindPredicate("ValueToKey"), nullptr);
}

TEST(Registry, ClassesWithoutKeysHaveAnEmptyConfigAndConfigure) {
  const TransformationClass* filter = FindTransformation("Filter");
  ASSERT_NE(filter, nullptr);
  EXPECT_TRUE(filter->config.keys().empty());
  // The worker passes the transform's own prefix-stripped keys, "type" included.
  EXPECT_TRUE(filter->create({{"type", filter->class_name}, {"negate", "true"}}).ok());
  const PredicateClass* tombstone = FindPredicate("RecordIsTombstone");
  ASSERT_NE(tombstone, nullptr);
  EXPECT_TRUE(tombstone->config.keys().empty());
  EXPECT_TRUE(tombstone->create({{"type", tombstone->class_name}}).ok());
}

TEST(PluginAliases, SimpleNameOfANestedClassIsTheInnerName) {
  EXPECT_EQ(JavaSimpleName("org.apache.kafka.connect.transforms.InsertField$Value"), "Value");
  EXPECT_EQ(JavaSimpleName("org.apache.kafka.connect.transforms.Filter"), "Filter");
  EXPECT_EQ(JavaSimpleName("Plain"), "Plain");
}

TEST(PluginAliases, PrunesTheLastTypeSuffixUnlessTheNameStartsWithIt) {
  const std::map<std::string, std::string> aliases = ComputePluginAliases({
      {"a.FooTransformation", "Transformation"},
      {"a.TransformationBar", "Transformation"},
      {"b.MyTransformationXTransformationY", "Transformation"},
      {"c.JsonConverter", "Converter"},
      {"c.JsonConverter", "HeaderConverter"},
  });
  EXPECT_EQ(aliases, (std::map<std::string, std::string>{
                         {"Foo", "a.FooTransformation"},
                         {"FooTransformation", "a.FooTransformation"},
                         {"TransformationBar", "a.TransformationBar"},
                         {"MyTransformationX", "b.MyTransformationXTransformationY"},
                         {"MyTransformationXTransformationY", "b.MyTransformationXTransformationY"},
                         {"Json", "c.JsonConverter"},
                         {"JsonConverter", "c.JsonConverter"},
                     }));
}

TEST(PluginAliases, DropsAnAliasThatNamesTwoClasses) {
  const std::map<std::string, std::string> aliases = ComputePluginAliases({
      {"x.Cast$Key", "Transformation"},
      {"x.Flatten$Key", "Transformation"},
      {"x.Foo", "Transformation"},
      {"y.Foo", "Predicate"},
  });
  EXPECT_TRUE(aliases.empty());
}

}  // namespace
}  // namespace sluice::transforms
