#include "server/metrics/sampled_stat.h"

#include <cmath>

#include <gtest/gtest.h>

namespace sluice::metrics {
namespace {

// The expected values were printed by Kafka 3.9.1's own Rate, Avg, Max and Frequencies
// (org.apache.kafka.common.metrics.stats, default MetricConfig) fed the same values at the
// same times.
constexpr int64_t kT0 = 1'000'000;

TEST(SampledStatTest, RateIsTheWindowedSumPerSecondOverAtLeastOneWindow) {
  SampledStat rate(SampledStat::Kind::kSum);
  rate.Record(5, kT0);
  rate.Record(3, kT0 + 1000);
  EXPECT_DOUBLE_EQ(rate.Rate(kT0 + 2000), 0.25);
  rate.Record(10, kT0 + 31000);
  EXPECT_DOUBLE_EQ(rate.Rate(kT0 + 31000), 0.5806451612903226);
  EXPECT_DOUBLE_EQ(rate.Rate(kT0 + 61000), 0.3333333333333333);
  EXPECT_DOUBLE_EQ(rate.Rate(kT0 + 95000), 0.0);
}

TEST(SampledStatTest, AvgAndMaxForgetSamplesTwoWindowsOld) {
  SampledStat avg(SampledStat::Kind::kAvg);
  SampledStat max(SampledStat::Kind::kMax);
  EXPECT_TRUE(std::isnan(avg.Measure(kT0)));
  EXPECT_TRUE(std::isnan(max.Measure(kT0)));
  for (auto [value, at] : {std::pair<double, int64_t>{4, 0}, {10, 40000}, {7, 50000}}) {
    avg.Record(value, kT0 + at);
    max.Record(value, kT0 + at);
  }
  EXPECT_DOUBLE_EQ(avg.Measure(kT0 + 50000), 7.0);
  EXPECT_DOUBLE_EQ(max.Measure(kT0 + 50000), 10.0);
  EXPECT_DOUBLE_EQ(avg.Measure(kT0 + 70000), 8.5);
  EXPECT_DOUBLE_EQ(max.Measure(kT0 + 70000), 10.0);
  EXPECT_TRUE(std::isnan(avg.Measure(kT0 + 110000)));
  EXPECT_TRUE(std::isnan(max.Measure(kT0 + 110000)));
}

TEST(SampledStatTest, FrequenciesAreFractionsOfTheEvents) {
  SampledStat results(SampledStat::Kind::kFrequencies);
  EXPECT_EQ(results.Frequency(true, kT0), 0.0);
  EXPECT_EQ(results.Frequency(false, kT0), 0.0);
  results.Record(1.0, kT0);
  results.Record(1.0, kT0 + 10);
  results.Record(0.0, kT0 + 20);
  EXPECT_EQ(results.Frequency(false, kT0 + 30), 0.3333333333333333);
  EXPECT_EQ(results.Frequency(true, kT0 + 30), 0.6666666666666666);
}

}  // namespace
}  // namespace sluice::metrics
