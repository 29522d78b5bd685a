#include "server/transforms/set_schema_metadata.h"

#include <gtest/gtest.h>

#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// Record-level behaviour and config messages, as Kafka 3.9.1's SetSchemaMetadata printed them.
INSTANTIATE_KAFKA_CASES(SetSchemaMetadata, "set_schema_metadata.cases");

}  // namespace
}  // namespace sluice::transforms
