// The test every testdata/*.cases case runs: Sluice's class on the case's inputs prints what
// Kafka 3.9.1's class printed (the case's `expect` lines).
#include "server/transforms/testing/kafka_case_test.h"

#include <algorithm>

namespace sluice::transforms::testing {
namespace {

TEST_P(KafkaCaseTest, MatchesKafka) {
  const KafkaCase& c = GetParam();
  ASSERT_FALSE(c.expected.empty()) << c.file << ":" << c.line << " has no expect line";
  const std::vector<std::string> actual = RunKafkaCase(c);
  for (size_t i = 0; i < std::max(actual.size(), c.expected.size()); ++i) {
    SCOPED_TRACE(::testing::Message() << c.file << ":" << c.line << " " << c.name << ", output "
                                    << i);
    EXPECT_EQ(i < actual.size() ? actual[i] : "<none>",
              i < c.expected.size() ? c.expected[i] : "<none>");
  }
}

}  // namespace
}  // namespace sluice::transforms::testing
