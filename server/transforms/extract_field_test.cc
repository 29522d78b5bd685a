#include "server/transforms/extract_field.h"

#include <gtest/gtest.h>

#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// Record-level behaviour and config messages, as Kafka 3.9.1's ExtractField printed them.
INSTANTIATE_KAFKA_CASES(ExtractField, "extract_field.cases");

}  // namespace
}  // namespace sluice::transforms

namespace sluice::transforms {
namespace {

// The steps Kafka 3.9.1's SingleFieldPath reads from V2 paths (its path(), printed by a Java
// program).
TEST(SingleFieldPath, ReadsV2Paths) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"a.b.c", {"a", "b", "c"}},
      {"a.`b.c`.d", {"a", "b.c", "d"}},
      {"`a\\`.b`", {"a`.b"}},
      {"`a`b`.c", {"a`b", "c"}},
      {"a.", {"a", ""}},
      {"a..b", {"a", "", "b"}},
      {".a", {"", "a"}},
      {"``", {""}},
      {"`a.b`", {"a.b"}},
      {"a`b.c", {"a`b", "c"}},
      {"`a\\`b`.c", {"a\\`b", "c"}},
      {"\xC3\xA9.`\xC3\xBC.x`", {"\xC3\xA9", "\xC3\xBC.x"}},
  };
  for (const auto& [path, steps] : cases) {
    absl::StatusOr<SingleFieldPath> p = SingleFieldPath::Parse(path, FieldSyntaxVersion::kV2);
    ASSERT_TRUE(p.ok()) << path << ": " << p.status();
    EXPECT_EQ(p->steps(), steps) << path;
  }
}

TEST(SingleFieldPath, V1IsOneStep) {
  absl::StatusOr<SingleFieldPath> p = SingleFieldPath::Parse("a.`b`", FieldSyntaxVersion::kV1);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->steps(), std::vector<std::string>{"a.`b`"});
}

}  // namespace
}  // namespace sluice::transforms
