#include <gtest/gtest.h>

#include "server/transforms/drop_headers.h"
#include "server/transforms/filter.h"
#include "server/transforms/header_from.h"
#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// Filter, DropHeaders and HeaderFrom, as Kafka 3.9.1's classes printed them.
INSTANTIATE_KAFKA_CASES(FilterAndHeaders, "filter_and_headers.cases");

}  // namespace
}  // namespace sluice::transforms
