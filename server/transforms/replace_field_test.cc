#include "server/transforms/replace_field.h"

#include <gtest/gtest.h>

#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// Record-level behaviour and config messages, as Kafka 3.9.1's ReplaceField printed them.
INSTANTIATE_KAFKA_CASES(ReplaceField, "replace_field.cases");

}  // namespace
}  // namespace sluice::transforms
