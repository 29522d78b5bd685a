#include "server/transforms/hoist_field.h"

#include <gtest/gtest.h>

#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// Record-level behaviour and config messages, as Kafka 3.9.1's HoistField printed them.
INSTANTIATE_KAFKA_CASES(HoistField, "hoist_field.cases");

}  // namespace
}  // namespace sluice::transforms
