// A counter source: the numbers 0, 1, 2, ... as Int64 records, resuming after the last number
// the worker committed. The C++ walkthrough of docs/plugins.md builds this plugin outside the
// Sluice tree, and tools/test checks it with sluice-plugin-check.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/plugin.h"

namespace {

constexpr char kVersion[] = "1.0.0";

sluice::ConfigDef CounterConfig() {
  sluice::ConfigDef def;
  def.Define({.name = "topic",
              .type = sluice::ConfigType::kString,
              .validator = sluice::validators::NonEmptyString(),
              .importance = sluice::ConfigImportance::kHigh,
              .documentation = "The topic to write the numbers to."});
  def.Define({.name = "max.count",
              .type = sluice::ConfigType::kLong,
              .default_value = "0",
              .importance = sluice::ConfigImportance::kMedium,
              .documentation = "How many numbers to produce in all; 0 counts forever."});
  def.Define({.name = "interval.ms",
              .type = sluice::ConfigType::kLong,
              .default_value = "100",
              .importance = sluice::ConfigImportance::kLow,
              .documentation = "The pause between two numbers, in milliseconds."});
  return def;
}

// Every record of the counter belongs to one source partition; its offset is the number.
sluice::Value Partition() {
  return sluice::Value::Map({{sluice::Value::String("counter"), sluice::Value::String("0")}});
}

class CounterTask : public sluice::SourceTask {
 public:
  absl::Status Start(sluice::SourceTaskContext& context,
                     const sluice::ConfigMap& config) override {
    absl::StatusOr<sluice::ParsedConfig> parsed = CounterConfig().Parse(config);
    if (!parsed.ok()) return parsed.status();
    topic_ = parsed->GetString("topic");
    max_count_ = parsed->GetLong("max.count");
    interval_ = std::chrono::milliseconds(parsed->GetLong("interval.ms"));
    // Resume after the last number the worker committed for this partition.
    absl::StatusOr<std::optional<sluice::Value>> stored =
        context.offset_storage_reader().Offset(Partition());
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) {
      const sluice::Value* n = (*stored)->Find("n");
      if (n != nullptr) next_ = n->integer() + 1;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<sluice::SourceRecord>> Poll() override {
    // Poll may return nothing; it should not block for long, so that Stop is prompt.
    std::this_thread::sleep_for(interval_);
    std::vector<sluice::SourceRecord> records;
    if (max_count_ > 0 && next_ >= max_count_) return records;
    sluice::SourceRecord& record = records.emplace_back();
    record.source_partition = Partition();
    record.source_offset =
        sluice::Value::Map({{sluice::Value::String("n"), sluice::Value::Int64(next_)}});
    record.topic = topic_;
    record.value_schema = sluice::Schema::Int64();
    record.value = sluice::Value::Int64(next_++);
    return records;
  }

  absl::Status Stop() override { return absl::OkStatus(); }

 private:
  std::string topic_;
  int64_t max_count_ = 0;
  std::chrono::milliseconds interval_{100};
  int64_t next_ = 0;
};

class CounterConnector : public sluice::SourceConnector {
 public:
  std::string Version() const override { return kVersion; }
  sluice::ConfigDef Config() const override { return CounterConfig(); }

  absl::Status Start(sluice::ConnectorContext& /*context*/,
                     const sluice::ConfigMap& config) override {
    config_ = config;
    return CounterConfig().Parse(config).status();
  }

  // One partition, one task: more would count the same numbers twice.
  absl::StatusOr<std::vector<sluice::ConfigMap>> TaskConfigs(int /*max_tasks*/) override {
    return std::vector<sluice::ConfigMap>{config_};
  }

  absl::Status Stop() override { return absl::OkStatus(); }

 private:
  sluice::ConfigMap config_;
};

}  // namespace

SLUICE_PLUGIN(registrar) {
  registrar.SetPlugin("counter", kVersion);
  registrar.AddSource<CounterConnector, CounterTask>(
      {.class_name = "com.example.CounterConnector",
       .aliases = {"Counter"},
       .task_class_name = "com.example.CounterTask"});
}
