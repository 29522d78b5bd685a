#include "server/transforms/flatten.h"

#include <gtest/gtest.h>

#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// Record-level behaviour and config messages, as Kafka 3.9.1's Flatten printed them.
INSTANTIATE_KAFKA_CASES(Flatten, "flatten.cases");

}  // namespace
}  // namespace sluice::transforms
