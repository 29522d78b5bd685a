#include "server/transforms/insert_field.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "server/convert/connect_exception.h"
#include "server/transforms/testing/kafka_case_test.h"

namespace sluice::transforms {
namespace {

// Record-level behaviour and config messages, as Kafka 3.9.1's InsertField printed them.
INSTANTIATE_KAFKA_CASES(InsertField, "insert_field.cases");

TEST(InsertField, StaticFieldWithoutValueIsRefused) {
  absl::StatusOr<std::unique_ptr<Transformation>> t =
      FindTransformation("org.apache.kafka.connect.transforms.InsertField$Value")
          ->create({{"static.field", "origin"}});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(convert::JavaExceptionClass(t.status()), convert::kConfigExceptionClass);
  // Kafka ends the message with its InsertionSpec object's identity hash, which differs per run
  // ("...InsertField$InsertionSpec@6073f712" from Kafka 3.9.1); the rest is Kafka's.
  EXPECT_TRUE(absl::StartsWith(
      t.status().message(),
      "Invalid value null for configuration static.value: No value specified for static field: "
      "org.apache.kafka.connect.transforms.InsertField$InsertionSpec@"))
      << t.status();
}

}  // namespace
}  // namespace sluice::transforms
