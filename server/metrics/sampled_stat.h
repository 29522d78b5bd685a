// Kafka's windowed statistics (org.apache.kafka.common.metrics.stats), which Kafka Connect's
// *-rate, *-avg, *-max and *-percentage metrics are: values recorded into samples of 30 s, of
// which 2 are kept (MetricConfig's defaults); a sample is replaced once it is a window old,
// and a sample whose last event is 2 windows old no longer counts. Times are milliseconds
// passed by the caller, so tests need no clock.
//
// Thread-compatible: the owner serialises Record and the measures (TaskMetrics holds a mutex).
#ifndef SLUICE_SERVER_METRICS_SAMPLED_STAT_H_
#define SLUICE_SERVER_METRICS_SAMPLED_STAT_H_

#include <cstdint>
#include <vector>

namespace sluice::metrics {

class SampledStat {
 public:
  enum class Kind {
    kSum,          // WindowedSum; Rate() divides it by the window (Kafka's Rate)
    kAvg,          // Avg: NaN without events
    kMax,          // Max: NaN without events
    kFrequencies,  // Frequencies.forBooleanValues: values 0.0 and 1.0
  };
  static constexpr int kSamples = 2;
  static constexpr int64_t kWindowMs = 30000;

  explicit SampledStat(Kind kind) : kind_(kind) {}

  void Record(double value, int64_t now_ms);
  // kSum: the sum; kAvg, kMax: as named; kFrequencies: the number of events.
  double Measure(int64_t now_ms);
  // Kafka's Rate over a kSum: the windowed sum per second.
  double Rate(int64_t now_ms);
  // kFrequencies: the fraction (0..1) of the events that recorded `value` (0.0 when none).
  double Frequency(bool value, int64_t now_ms);

 private:
  struct Sample {
    double value = 0;
    int64_t event_count = 0;
    int64_t start_ms = 0;
    int64_t last_event_ms = 0;
    int64_t true_count = 0;   // kFrequencies: events of 1.0
    int64_t false_count = 0;  // kFrequencies: events of 0.0
  };
  double InitialValue() const;
  void Reset(Sample& sample, int64_t now_ms) const;
  Sample& Current(int64_t now_ms);
  void PurgeObsolete(int64_t now_ms);

  const Kind kind_;
  std::vector<Sample> samples_;
  int current_ = 0;
};

}  // namespace sluice::metrics

#endif  // SLUICE_SERVER_METRICS_SAMPLED_STAT_H_
