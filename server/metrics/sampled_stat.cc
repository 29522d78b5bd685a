#include "server/metrics/sampled_stat.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sluice::metrics {

double SampledStat::InitialValue() const {
  return kind_ == Kind::kMax ? -std::numeric_limits<double>::infinity() : 0.0;
}

void SampledStat::Reset(Sample& sample, int64_t now_ms) const {
  sample = Sample{};
  sample.value = InitialValue();
  sample.start_ms = now_ms;
  sample.last_event_ms = now_ms;
}

SampledStat::Sample& SampledStat::Current(int64_t now_ms) {
  if (samples_.empty()) {
    samples_.emplace_back();
    Reset(samples_.back(), now_ms);
  }
  return samples_[current_];
}

void SampledStat::Record(double value, int64_t now_ms) {
  Sample* sample = &Current(now_ms);
  // A sample is complete once it is a window old (Kafka's eventWindow is Long.MAX_VALUE).
  if (now_ms - sample->start_ms >= kWindowMs) {
    current_ = (current_ + 1) % (kSamples + 1);
    if (current_ >= static_cast<int>(samples_.size())) samples_.emplace_back();
    sample = &samples_[current_];
    Reset(*sample, now_ms);
  }
  switch (kind_) {
    case Kind::kSum:
    case Kind::kAvg:
      sample->value += value;
      break;
    case Kind::kMax:
      sample->value = std::max(sample->value, value);
      break;
    case Kind::kFrequencies:
      // Two bins centred on 0.0 and 1.0 (ConstantBinScheme over [-0.5, 1.5]).
      (value >= 0.5 ? sample->true_count : sample->false_count) += 1;
      break;
  }
  sample->event_count += 1;
  sample->last_event_ms = now_ms;
}

void SampledStat::PurgeObsolete(int64_t now_ms) {
  const int64_t expire_age = kSamples * kWindowMs;
  for (Sample& sample : samples_) {
    if (now_ms - sample.last_event_ms >= expire_age) Reset(sample, now_ms);
  }
}

double SampledStat::Measure(int64_t now_ms) {
  PurgeObsolete(now_ms);
  double total = 0;
  double max = -std::numeric_limits<double>::infinity();
  int64_t count = 0;
  for (const Sample& sample : samples_) {
    total += sample.value;
    max = std::max(max, sample.value);
    count += sample.event_count;
  }
  switch (kind_) {
    case Kind::kSum:
      return total;
    case Kind::kAvg:
      return count == 0 ? std::nan("") : total / static_cast<double>(count);
    case Kind::kMax:
      return count == 0 ? std::nan("") : max;
    case Kind::kFrequencies:
      return static_cast<double>(count);
  }
  return 0;
}

double SampledStat::Rate(int64_t now_ms) {
  const double sum = Measure(now_ms);  // purges first, as Rate.windowSize does
  if (samples_.empty()) {
    samples_.emplace_back();
    Reset(samples_.back(), now_ms);
  }
  int64_t oldest_start = samples_[0].start_ms;
  for (const Sample& sample : samples_) oldest_start = std::min(oldest_start, sample.start_ms);
  int64_t elapsed = now_ms - oldest_start;
  const int64_t full_windows = elapsed / kWindowMs;
  const int64_t min_full_windows = kSamples - 1;
  if (full_windows < min_full_windows) elapsed += (min_full_windows - full_windows) * kWindowMs;
  return sum / (static_cast<double>(std::max<int64_t>(elapsed, 1)) / 1000.0);
}

double SampledStat::Frequency(bool value, int64_t now_ms) {
  PurgeObsolete(now_ms);
  int64_t total = 0;
  // Java sums the bin counts in a float.
  float count = 0.0f;
  for (const Sample& sample : samples_) {
    total += sample.event_count;
    count += static_cast<float>(value ? sample.true_count : sample.false_count);
  }
  if (total == 0) return 0.0;
  return static_cast<double>(count) / static_cast<double>(total);
}

}  // namespace sluice::metrics
