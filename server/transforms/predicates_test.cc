#include <gtest/gtest.h>

#include "server/transforms/has_header_key.h"
#include "server/transforms/record_is_tombstone.h"
#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// HasHeaderKey and RecordIsTombstone, as Kafka 3.9.1's predicates printed them.
INSTANTIATE_KAFKA_CASES(Predicates, "predicates.cases");

}  // namespace
}  // namespace sluice::transforms
