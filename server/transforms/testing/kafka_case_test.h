// Test support: the parameterized gtest that runs one Kafka case (kafka_cases.h). A test file
// instantiates it for its case file:
//
//   INSTANTIATE_KAFKA_CASES(InsertField, "insert_field.cases");
//
// which registers InsertField/KafkaCaseTest.MatchesKafka/<case name> for every case.
#ifndef SLUICE_SERVER_TRANSFORMS_TESTING_KAFKA_CASE_TEST_H_
#define SLUICE_SERVER_TRANSFORMS_TESTING_KAFKA_CASE_TEST_H_

#include <string>

#include <gtest/gtest.h>

#include "server/transforms/testing/kafka_cases.h"

namespace sluice::transforms::testing {

class KafkaCaseTest : public ::testing::TestWithParam<KafkaCase> {};

inline std::string KafkaCaseName(const ::testing::TestParamInfo<KafkaCase>& info) {
  return info.param.name;
}

}  // namespace sluice::transforms::testing

#define INSTANTIATE_KAFKA_CASES(prefix, file_name)                                      \
  using ::sluice::transforms::testing::KafkaCaseTest;                                   \
  INSTANTIATE_TEST_SUITE_P(                                                             \
      prefix, KafkaCaseTest,                                                            \
      ::testing::ValuesIn(::sluice::transforms::testing::KafkaCasesFrom(file_name)),    \
      ::sluice::transforms::testing::KafkaCaseName)

#endif  // SLUICE_SERVER_TRANSFORMS_TESTING_KAFKA_CASE_TEST_H_
