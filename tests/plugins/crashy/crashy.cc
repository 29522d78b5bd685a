// crashy: a test plugin whose connectors fail on purpose, so tests can check how the worker and
// the plugin host report a plugin that crashes.
//
// sluice.test.CrashySourceConnector (alias CrashySource) emits records "crashy-1", "crashy-2",
// ... (STRING value, partition {"crashy": "0"}, offset {"n": n}) to `topic`, resuming after the
// stored offset. Once it has emitted `after.records` records, its next Poll
//   mode=segfault  writes through a null pointer (SIGSEGV),
//   mode=exit      ends the process with std::_Exit(3),
//   mode=error     returns InternalError("crashy error after N records"),
//   mode=hog       allocates and touches memory, 64 MiB at a time, until it gets no more (a
//                  tenant's sandbox ceiling then ends the host; without one it stops at 8 GiB),
//   mode=none      (default) keeps going.
// sluice.test.CrashySinkConnector (alias CrashySink) does the same in Put, once it has received
// `after.records` records in total.
// The source also takes `fail.before.record` (0, the default: always): the failure applies only
// to a task that starts before that record, so that after a few restarts, each resuming from the
// stored offset, the task runs on (tests of automatic restarts).
// Both connectors take `hang`: "start" makes the connector's Start block forever, "validate"
// makes validating the config block forever (the key's validator), "none" (default) neither;
// for tests of the worker's deadlines on plugin calls.
//
// Thread-safety: as the SDK requires (a task's methods are called from its own thread; Stop
// only flips an atomic).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/log.h"
#include "sluice/sdk/plugin.h"
#include "tests/plugins/common/single_task_connector.h"

namespace sluice::test {
namespace {

constexpr char kVersion[] = "0.1.0";
constexpr char kLogger[] = "crashy";
constexpr int kMaxBatch = 5;

enum class Mode { kNone, kSegfault, kExit, kError, kHog };

Mode ParseMode(const std::string& text) {
  if (text == "segfault") return Mode::kSegfault;
  if (text == "exit") return Mode::kExit;
  if (text == "error") return Mode::kError;
  if (text == "hog") return Mode::kHog;
  return Mode::kNone;
}

ConfigKey ModeKey() {
  ConfigKey key;
  key.name = "mode";
  key.type = ConfigType::kString;
  key.default_value = "none";
  key.validator = validators::OneOf({"none", "segfault", "exit", "error", "hog"});
  key.validator_doc = "[none, segfault, exit, error, hog]";
  key.importance = ConfigImportance::kHigh;
  key.documentation = "How to fail once after.records records went through";
  key.recommended_values = {"none", "segfault", "exit", "error", "hog"};
  return key;
}

ConfigKey AfterRecordsKey() {
  ConfigKey key;
  key.name = "after.records";
  key.type = ConfigType::kLong;
  key.default_value = "10";
  key.validator = validators::AtLeast(0);
  key.validator_doc = "[0,...]";
  key.importance = ConfigImportance::kMedium;
  key.documentation = "How many records go through before the failure";
  return key;
}

[[noreturn]] void BlockForever() {
  while (true) std::this_thread::sleep_for(std::chrono::hours(1));
}

ConfigKey FailBeforeRecordKey() {
  ConfigKey key;
  key.name = "fail.before.record";
  key.type = ConfigType::kLong;
  key.default_value = "0";
  key.validator = validators::AtLeast(0);
  key.validator_doc = "[0,...]";
  key.importance = ConfigImportance::kLow;
  key.documentation = "Fail only when the task starts before this record (0: always)";
  return key;
}

ConfigKey HangKey() {
  ConfigKey key;
  key.name = "hang";
  key.type = ConfigType::kString;
  key.default_value = "none";
  key.validator = [](const std::string& name, const ConfigValue& value) -> absl::Status {
    if (const auto* text = std::get_if<std::string>(&value); text != nullptr && *text == "validate") {
      BlockForever();
    }
    return validators::OneOf({"none", "start", "validate"})(name, value);
  };
  key.validator_doc = "[none, start, validate]";
  key.importance = ConfigImportance::kLow;
  key.documentation = "Where to block forever: the connector's start, or validation";
  return key;
}

// Fails the way `mode` says; returns the error for kError, OK for kNone.
absl::Status Fail(Mode mode, int64_t after) {
  switch (mode) {
    case Mode::kSegfault: {
      Log(LogLevel::kError, kLogger, "crashy: about to segfault");
      volatile int* volatile null_pointer = nullptr;
      *null_pointer = 42;
      return absl::InternalError("crashy: survived a null pointer write");
    }
    case Mode::kExit:
      Log(LogLevel::kError, kLogger, "crashy: about to exit with code 3");
      std::_Exit(3);
    case Mode::kError:
      return absl::InternalError(absl::StrCat("crashy error after ", after, " records"));
    case Mode::kHog: {
      Log(LogLevel::kError, kLogger, "crashy: about to take all the memory it can");
      constexpr size_t kChunk = size_t{64} << 20;
      static std::vector<std::unique_ptr<char[]>> hoard;
      for (int i = 0; i < 128; ++i) {
        hoard.emplace_back(new char[kChunk]);  // std::bad_alloc past the ceiling: terminate
        std::memset(hoard.back().get(), 1, kChunk);
      }
      return absl::InternalError("crashy: took 8 GiB and is still alive");
    }
    case Mode::kNone:
      break;
  }
  return absl::OkStatus();
}

struct Settings {
  std::string topic;
  Mode mode = Mode::kNone;
  int64_t after_records = 10;
  int64_t fail_before_record = 0;
};

absl::StatusOr<Settings> ParseSettings(const ConfigDef& def, const ConfigMap& config) {
  absl::StatusOr<ParsedConfig> parsed = def.Parse(config);
  if (!parsed.ok()) return parsed.status();
  Settings settings;
  if (parsed->Has("topic")) settings.topic = parsed->GetString("topic");
  settings.mode = ParseMode(parsed->GetString("mode"));
  settings.after_records = parsed->GetLong("after.records");
  if (parsed->Has("fail.before.record")) {
    settings.fail_before_record = parsed->GetLong("fail.before.record");
  }
  return settings;
}

ConfigDef SourceConfig() {
  ConfigDef def;
  ConfigKey topic;
  topic.name = "topic";
  topic.type = ConfigType::kString;
  topic.validator = validators::NonEmptyString();
  topic.validator_doc = "non-empty string";
  topic.importance = ConfigImportance::kHigh;
  topic.documentation = "The topic to publish records to";
  def.Define(std::move(topic));
  def.Define(ModeKey());
  def.Define(AfterRecordsKey());
  def.Define(FailBeforeRecordKey());
  def.Define(HangKey());
  return def;
}

ConfigDef SinkConfig() {
  ConfigDef def;
  def.Define(ModeKey());
  def.Define(AfterRecordsKey());
  def.Define(HangKey());
  return def;
}

// One task, with the connector's own config; `hang=start` blocks in Start.
template <typename Base>
class CrashyConnector : public SingleTaskConnector<Base> {
 public:
  explicit CrashyConnector(ConfigDef (*config)()) : SingleTaskConnector<Base>(kVersion, config) {}

 protected:
  absl::Status CheckStart(const ConfigMap& config) override {
    if (auto hang = config.find("hang"); hang != config.end() && hang->second == "start") {
      Log(LogLevel::kWarn, kLogger, "crashy: blocking in Start on purpose");
      BlockForever();
    }
    return absl::OkStatus();
  }
};

class CrashySourceConnector final : public CrashyConnector<SourceConnector> {
 public:
  CrashySourceConnector() : CrashyConnector(&SourceConfig) {}
};

class CrashySinkConnector final : public CrashyConnector<SinkConnector> {
 public:
  CrashySinkConnector() : CrashyConnector(&SinkConfig) {}
};

Value Partition() {
  return Value::Map({MapEntry{Value::String("crashy"), Value::String("0")}});
}

class CrashySourceTask final : public SourceTask {
 public:
  absl::Status Start(SourceTaskContext& context, const ConfigMap& config) override {
    absl::StatusOr<Settings> settings = ParseSettings(SourceConfig(), config);
    if (!settings.ok()) return settings.status();
    settings_ = *settings;
    absl::StatusOr<std::optional<Value>> offset =
        context.offset_storage_reader().Offset(Partition());
    if (!offset.ok()) return offset.status();
    if (offset->has_value()) {
      const Value* n = (*offset)->Find("n");
      if (n != nullptr && n->is_integer()) next_ = n->integer() + 1;
    }
    Log(LogLevel::kInfo, kLogger, absl::StrCat("crashy source starts at record ", next_));
    if (settings_.fail_before_record > 0 && next_ >= settings_.fail_before_record) {
      settings_.mode = Mode::kNone;  // started late enough: it runs on
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<SourceRecord>> Poll() override {
    if (stopped_.load()) return std::vector<SourceRecord>{};
    if (settings_.mode != Mode::kNone && emitted_ >= settings_.after_records) {
      absl::Status failed = Fail(settings_.mode, emitted_);
      if (!failed.ok()) return failed;
    }
    std::vector<SourceRecord> records;
    while (static_cast<int>(records.size()) < kMaxBatch &&
           (settings_.mode == Mode::kNone || emitted_ < settings_.after_records)) {
      SourceRecord record;
      record.source_partition = Partition();
      record.source_offset = Value::Map({MapEntry{Value::String("n"), Value::Int64(next_)}});
      record.topic = settings_.topic;
      record.value_schema = Schema::String();
      record.value = Value::String(absl::StrCat("crashy-", next_));
      records.push_back(std::move(record));
      ++next_;
      ++emitted_;
    }
    return records;
  }

  absl::Status Stop() override {
    stopped_.store(true);
    return absl::OkStatus();
  }

 private:
  Settings settings_;
  int64_t next_ = 1;
  int64_t emitted_ = 0;
  std::atomic<bool> stopped_{false};
};

class CrashySinkTask final : public SinkTask {
 public:
  absl::Status Start(SinkTaskContext&, const ConfigMap& config) override {
    absl::StatusOr<Settings> settings = ParseSettings(SinkConfig(), config);
    if (!settings.ok()) return settings.status();
    settings_ = *settings;
    return absl::OkStatus();
  }

  absl::Status Put(std::vector<SinkRecord> records) override {
    received_ += static_cast<int64_t>(records.size());
    if (received_ >= settings_.after_records) return Fail(settings_.mode, received_);
    return absl::OkStatus();
  }

  absl::Status Stop() override { return absl::OkStatus(); }

 private:
  Settings settings_;
  int64_t received_ = 0;
};

}  // namespace
}  // namespace sluice::test

SLUICE_PLUGIN(registrar) {
  registrar.SetPlugin("crashy", sluice::test::kVersion);
  registrar.AddSource<sluice::test::CrashySourceConnector, sluice::test::CrashySourceTask>(
      {.class_name = "sluice.test.CrashySourceConnector",
       .aliases = {"CrashySource", "CrashySourceConnector"},
       .task_class_name = "sluice.test.CrashySourceTask"});
  registrar.AddSink<sluice::test::CrashySinkConnector, sluice::test::CrashySinkTask>(
      {.class_name = "sluice.test.CrashySinkConnector",
       .aliases = {"CrashySink", "CrashySinkConnector"},
       .task_class_name = "sluice.test.CrashySinkTask"});
}
