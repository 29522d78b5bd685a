#include "server/transforms/mask_field.h"

#include <gtest/gtest.h>

#include "server/transforms/testing/kafka_case_test.h"
#include "server/transforms/testing/record_text.h"

namespace sluice::transforms {
namespace {

// Record-level behaviour and config messages, as Kafka 3.9.1's MaskField printed them.
INSTANTIATE_KAFKA_CASES(MaskField, "mask_field.cases");

// Kafka masks a Decimal with BigDecimal.ZERO, whose scale is 0 whatever the schema's ("dec:0" from
// Kafka 3.9.1 for a scale-2 field, which Kafka's JsonConverter then refuses: "BigDecimal has
// mismatching scale value for given Decimal schema"); so does Sluice.
TEST(MaskField, DecimalIsMaskedToBigDecimalZero) {
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Field("dec", SchemaBuilder::Decimal(2).BuildOrDie())
                         .BuildOrDie();
  ConnectRecord record;
  record.topic = "t";
  record.value_schema = schema;
  record.value = *testing::ParseValueText("Struct{dec=dec:9.99}", schema);
  absl::StatusOr<std::unique_ptr<Transformation>> t =
      FindTransformation("org.apache.kafka.connect.transforms.MaskField$Value")
          ->create({{"fields", "dec"}});
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_TRUE((*t)->Apply(record).ok());
  EXPECT_EQ(testing::ValueText(record.value_schema.get(), record.value), "Struct{dec=dec:0}");
}

// Kafka puts new BigDecimal(replacement) as it is, at the replacement's own scale (a converter
// that writes it later refuses a scale other than the schema's).
TEST(MaskField, DecimalReplacementKeepsItsOwnScale) {
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Field("dec", SchemaBuilder::Decimal(2).BuildOrDie())
                         .BuildOrDie();
  for (const auto& [replacement, expected] :
       std::vector<std::pair<std::string, std::string>>{
           {"1.5", "Struct{dec=dec:1.5}"},
           {"-3", "Struct{dec=dec:-3}"},
           {"1.50", "Struct{dec=dec:1.50}"},
           {"1.255", "Struct{dec=dec:1.255}"}}) {
    ConnectRecord record;
    record.value_schema = schema;
    record.value = *testing::ParseValueText("Struct{dec=dec:9.99}", schema);
    absl::StatusOr<std::unique_ptr<Transformation>> t =
        FindTransformation("org.apache.kafka.connect.transforms.MaskField$Value")
            ->create({{"fields", "dec"}, {"replacement", replacement}});
    ASSERT_TRUE(t.ok()) << t.status();
    absl::StatusOr<bool> applied = (*t)->Apply(record);
    EXPECT_EQ(applied.ok() ? testing::ValueText(record.value_schema.get(), record.value)
                           : testing::ErrorText(applied.status()),
              expected)
        << replacement;
  }
}

}  // namespace
}  // namespace sluice::transforms
