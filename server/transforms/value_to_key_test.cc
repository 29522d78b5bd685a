#include "server/transforms/value_to_key.h"

#include <gtest/gtest.h>

#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// Record-level behaviour and config messages, as Kafka 3.9.1's ValueToKey printed them.
INSTANTIATE_KAFKA_CASES(ValueToKey, "value_to_key.cases");

}  // namespace
}  // namespace sluice::transforms
