// multitask: a test plugin whose connectors run several tasks and write down what each task did,
// so tests can see which task ran, with which config, and which records and partitions it got.
// Everything goes to files under `output.dir`:
// (created by the connector when missing):
//   connector.events   the connector instance: "start", "configs <n>" (each TaskConfigs answer),
//                      "reconfigure" (each reconfiguration request), "raise <message>", "stop"
//   task-<i>.events    task i: "start key=<task.key> from=<n>", "open <topic>-<p> ...",
//                      "close <topic>-<p> ...", "stop"
//   task-<i>.records   sink task i: one line per record it was given,
//                      "<i> <topic>-<partition>@<offset> <value>"
//
// sluice.test.MultiTaskSourceConnector (alias MultiTaskSource): task i emits records with the
// STRING key and value "<i>-<n>", n = 1, 2, ..., to `topic`, with source partition
// {"task": "<i>"} and offset {"n": n}, resuming after its stored offset; it stops emitting after
// `records.per.task` records (-1: never stops). `partitioning` picks the Kafka partition:
// "key" (the producer's partitioner on the key), "task" (partition i) or "spread"
// (partition n % partition.count).
// sluice.test.MultiTaskSinkConnector (alias MultiTaskSink): task i writes task-<i>.records.
//
// Both connectors generate `task.count` task configs (default -1: tasks.max; a larger number
// ignores tasks.max, for tasks.max.enforce), each with task.index=<i>, and take two triggers,
// watched by a background thread of the connector instance:
//   reconfigure.file  when the file appears or its content changes, its lines "task.count=<n>"
//                     and "task.key.<i>=<text>" (task i's config gets task.key=<text>, over the
//                     connector's own task.key) replace
//                     the earlier ones and the connector calls RequestTaskReconfiguration; the
//                     content found at start applies without a request.
//   error.file        when the file appears with new content, the connector calls RaiseError
//                     with that content as the message (content found at start is ignored).
//
// Thread-safety: as the SDK requires. The connector's overrides are guarded by its mutex (the
// watcher thread writes them, TaskConfigs reads them); a task's Stop only flips a flag.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/plugin.h"

namespace sluice::test {
namespace {

constexpr char kVersion[] = "0.1.0";
// How often the connector's watcher looks at its trigger files.
constexpr absl::Duration kWatchInterval = absl::Milliseconds(20);
// How long a source task that has emitted everything waits in Poll before returning nothing.
constexpr absl::Duration kIdlePoll = absl::Milliseconds(100);

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status AppendLines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path, std::ios::app);
  for (const std::string& line : lines) out << line << '\n';
  out.flush();
  if (!out) return absl::InternalError(absl::StrCat("Could not append to ", path));
  return absl::OkStatus();
}

absl::Status AppendLine(const std::string& path, const std::string& line) {
  return AppendLines(path, {line});
}

std::string Describe(const std::vector<TopicPartition>& partitions) {
  std::vector<std::string> names;
  for (const TopicPartition& tp : partitions) names.push_back(absl::StrCat(tp.topic, "-", tp.partition));
  return absl::StrJoin(names, " ");
}

ConfigKey StringKey(std::string name, std::optional<std::string> default_value,
                    std::string documentation) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = ConfigType::kString;
  key.default_value = std::move(default_value);
  key.importance = ConfigImportance::kMedium;
  key.documentation = std::move(documentation);
  return key;
}

ConfigKey NumberKey(std::string name, ConfigType type, std::string default_value,
                    std::string documentation) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = type;
  key.default_value = std::move(default_value);
  key.importance = ConfigImportance::kMedium;
  key.documentation = std::move(documentation);
  return key;
}

ConfigDef CommonConfig() {
  ConfigDef def;
  ConfigKey dir = StringKey("output.dir", std::nullopt,
                            "Where the connector and its tasks write down what they did");
  dir.validator = validators::NonEmptyString();
  dir.validator_doc = "non-empty string";
  def.Define(std::move(dir));
  def.Define(NumberKey("task.count", ConfigType::kInt, "-1",
                       "How many task configs to generate (-1: tasks.max; more ignores it)"));
  def.Define(StringKey("reconfigure.file", "",
                       "A file whose new content makes the connector request task "
                       "reconfiguration (lines task.count=<n>, task.key.<i>=<text>)"));
  def.Define(StringKey("error.file", "",
                       "A file whose new content the connector raises as an error"));
  def.Define(StringKey("task.key", "",
                       "The task.key of every task config, unless reconfigure.file gives a "
                       "task another"));
  return def;
}

ConfigDef SourceConfig() {
  ConfigDef def = CommonConfig();
  ConfigKey topic = StringKey("topic", std::nullopt, "The topic to publish records to");
  topic.validator = validators::NonEmptyString();
  topic.validator_doc = "non-empty string";
  def.Define(std::move(topic));
  def.Define(NumberKey("records.per.task", ConfigType::kLong, "100",
                       "How many records each task emits (-1: without end)"));
  def.Define(NumberKey("batch.size", ConfigType::kInt, "50", "At most this many records a poll"));
  def.Define(NumberKey("poll.interval.ms", ConfigType::kInt, "0",
                       "How long a task waits before each batch"));
  ConfigKey partitioning = StringKey("partitioning", "key",
                                     "The Kafka partition of each record: key, task or spread");
  partitioning.validator = validators::OneOf({"key", "task", "spread"});
  partitioning.validator_doc = "[key, task, spread]";
  def.Define(std::move(partitioning));
  def.Define(NumberKey("partition.count", ConfigType::kInt, "1",
                       "How many partitions partitioning=spread spreads over"));
  return def;
}

ConfigDef SinkConfig() { return CommonConfig(); }

// What a reconfigure file says.
struct Overrides {
  std::optional<int> task_count;
  std::map<int, std::string> task_keys;
};

Overrides ParseOverrides(const std::string& text) {
  Overrides overrides;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    int number = 0;
    if (key == "task.count" && absl::SimpleAtoi(value, &number)) {
      overrides.task_count = number;
    } else if (absl::ConsumePrefix(&key, "task.key.") && absl::SimpleAtoi(key, &number)) {
      overrides.task_keys[number] = std::string(value);
    }
  }
  return overrides;
}

template <typename Base>
class MultiTaskConnector : public Base {
 public:
  explicit MultiTaskConnector(ConfigDef (*config)()) : config_def_(config) {}
  ~MultiTaskConnector() override { StopWatcher(); }

  std::string Version() const override { return kVersion; }
  ConfigDef Config() const override { return config_def_(); }

  absl::Status Start(ConnectorContext& context, const ConfigMap& config) override {
    ConfigDef def = config_def_();
    absl::StatusOr<ParsedConfig> parsed = def.Parse(config);
    if (!parsed.ok()) return parsed.status();
    context_ = &context;
    // The task configs carry this plugin's keys only (as Kafka Connect's file connectors do).
    for (const ConfigKey& key : def.keys()) {
      if (auto it = config.find(key.name); it != config.end()) own_config_[key.name] = it->second;
    }
    dir_ = parsed->GetString("output.dir");
    std::error_code error;
    std::filesystem::create_directories(dir_, error);
    if (error) return absl::InternalError(absl::StrCat("Could not create ", dir_, ": ", error.message()));
    task_count_ = parsed->GetInt("task.count");
    reconfigure_file_ = parsed->GetString("reconfigure.file");
    error_file_ = parsed->GetString("error.file");
    if (!reconfigure_file_.empty()) {
      last_reconfigure_ = ReadFile(reconfigure_file_);
      absl::MutexLock lock(&mu_);
      if (last_reconfigure_.has_value()) overrides_ = ParseOverrides(*last_reconfigure_);
    }
    if (!error_file_.empty()) last_error_ = ReadFile(error_file_);
    if (absl::Status s = Event("start"); !s.ok()) return s;
    if (!reconfigure_file_.empty() || !error_file_.empty()) {
      {
        absl::MutexLock lock(&mu_);
        stopping_ = false;
      }
      watcher_ = std::thread([this] { Watch(); });
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int max_tasks) override {
    Overrides overrides;
    {
      absl::MutexLock lock(&mu_);
      overrides = overrides_;
    }
    const int count = overrides.task_count.value_or(task_count_ >= 0 ? task_count_ : max_tasks);
    std::vector<ConfigMap> tasks;
    for (int i = 0; i < count; ++i) {
      ConfigMap task = own_config_;
      task["task.index"] = absl::StrCat(i);
      if (auto key = overrides.task_keys.find(i); key != overrides.task_keys.end()) {
        task["task.key"] = key->second;
      }
      tasks.push_back(std::move(task));
    }
    if (absl::Status s = Event(absl::StrCat("configs ", count)); !s.ok()) return s;
    return tasks;
  }

  absl::Status Stop() override {
    StopWatcher();
    return Event("stop");
  }

 private:
  absl::Status Event(const std::string& line) {
    return AppendLine(absl::StrCat(dir_, "/connector.events"), line);
  }

  void StopWatcher() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    if (watcher_.joinable()) watcher_.join();
  }

  // The watcher thread: polls the trigger files until the connector stops.
  void Watch() {
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), kWatchInterval);
        if (stopping_) return;
      }
      if (!reconfigure_file_.empty()) {
        std::optional<std::string> content = ReadFile(reconfigure_file_);
        if (content.has_value() && content != last_reconfigure_) {
          last_reconfigure_ = content;
          {
            absl::MutexLock lock(&mu_);
            overrides_ = ParseOverrides(*content);
          }
          (void)Event("reconfigure");
          context_->RequestTaskReconfiguration();
        }
      }
      if (!error_file_.empty()) {
        std::optional<std::string> content = ReadFile(error_file_);
        if (content.has_value() && !content->empty() && content != last_error_) {
          last_error_ = content;
          std::string message(absl::StripAsciiWhitespace(*content));
          (void)Event(absl::StrCat("raise ", message));
          context_->RaiseError(absl::InternalError(message));
        }
      }
    }
  }

  ConfigDef (*config_def_)();
  ConnectorContext* context_ = nullptr;
  ConfigMap own_config_;
  std::string dir_;
  int task_count_ = -1;
  std::string reconfigure_file_;
  std::string error_file_;
  // Touched by the watcher thread only, once it runs.
  std::optional<std::string> last_reconfigure_;
  std::optional<std::string> last_error_;
  std::thread watcher_;

  absl::Mutex mu_;
  Overrides overrides_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

class MultiTaskSourceConnector final : public MultiTaskConnector<SourceConnector> {
 public:
  MultiTaskSourceConnector() : MultiTaskConnector(&SourceConfig) {}
};

class MultiTaskSinkConnector final : public MultiTaskConnector<SinkConnector> {
 public:
  MultiTaskSinkConnector() : MultiTaskConnector(&SinkConfig) {}
};

// What every task reads from its config.
struct TaskSettings {
  int index = 0;
  std::string key;
  std::string dir;

  std::string events() const { return absl::StrCat(dir, "/task-", index, ".events"); }
  std::string records() const { return absl::StrCat(dir, "/task-", index, ".records"); }
};

absl::StatusOr<TaskSettings> ParseTaskSettings(const ParsedConfig& parsed, const ConfigMap& config) {
  TaskSettings settings;
  settings.dir = parsed.GetString("output.dir");
  auto index = config.find("task.index");
  if (index == config.end() || !absl::SimpleAtoi(index->second, &settings.index)) {
    return absl::InvalidArgumentError("task.index is missing");
  }
  if (auto key = config.find("task.key"); key != config.end()) settings.key = key->second;
  return settings;
}

class MultiTaskSourceTask final : public SourceTask {
 public:
  absl::Status Start(SourceTaskContext& context, const ConfigMap& config) override {
    absl::StatusOr<ParsedConfig> parsed = SourceConfig().Parse(config);
    if (!parsed.ok()) return parsed.status();
    absl::StatusOr<TaskSettings> settings = ParseTaskSettings(*parsed, config);
    if (!settings.ok()) return settings.status();
    settings_ = *settings;
    topic_ = parsed->GetString("topic");
    records_per_task_ = parsed->GetLong("records.per.task");
    batch_size_ = parsed->GetInt("batch.size");
    poll_interval_ = absl::Milliseconds(parsed->GetInt("poll.interval.ms"));
    partitioning_ = parsed->GetString("partitioning");
    partition_count_ = std::max(1, parsed->GetInt("partition.count"));
    absl::StatusOr<std::optional<Value>> offset =
        context.offset_storage_reader().Offset(Partition());
    if (!offset.ok()) return offset.status();
    if (offset->has_value()) {
      const Value* n = (*offset)->Find("n");
      if (n != nullptr && n->is_integer()) next_ = n->integer() + 1;
    }
    return AppendLine(settings_.events(),
                      absl::StrCat("start key=", settings_.key, " from=", next_));
  }

  absl::StatusOr<std::vector<SourceRecord>> Poll() override {
    const bool done = records_per_task_ >= 0 && next_ > records_per_task_;
    if (Wait(done ? kIdlePoll : poll_interval_) || done) return std::vector<SourceRecord>{};
    std::vector<SourceRecord> records;
    while (static_cast<int>(records.size()) < batch_size_ &&
           (records_per_task_ < 0 || next_ <= records_per_task_)) {
      SourceRecord record;
      const std::string text = absl::StrCat(settings_.index, "-", next_);
      record.source_partition = Partition();
      record.source_offset = Value::Map({MapEntry{Value::String("n"), Value::Int64(next_)}});
      record.topic = topic_;
      if (partitioning_ == "task") {
        record.partition = settings_.index;
      } else if (partitioning_ == "spread") {
        record.partition = static_cast<int32_t>(next_ % partition_count_);
      }
      record.key_schema = Schema::String();
      record.key = Value::String(text);
      record.value_schema = Schema::String();
      record.value = Value::String(text);
      records.push_back(std::move(record));
      ++next_;
    }
    return records;
  }

  absl::Status Stop() override {
    {
      absl::MutexLock lock(&mu_);
      stopped_ = true;
    }
    return AppendLine(settings_.events(), "stop");
  }

 private:
  Value Partition() const {
    return Value::Map({MapEntry{Value::String("task"), Value::String(absl::StrCat(settings_.index))}});
  }

  // Waits up to `timeout`; true when the task was stopped.
  bool Wait(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    if (timeout > absl::ZeroDuration()) mu_.AwaitWithTimeout(absl::Condition(&stopped_), timeout);
    return stopped_;
  }

  TaskSettings settings_;
  std::string topic_;
  int64_t records_per_task_ = 0;
  int batch_size_ = 50;
  absl::Duration poll_interval_;
  std::string partitioning_;
  int partition_count_ = 1;
  int64_t next_ = 1;

  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

std::string Text(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kString:
      return value.string();
    case Value::Kind::kNull:
      return "null";
    default:
      return "<not a string>";
  }
}

class MultiTaskSinkTask final : public SinkTask {
 public:
  absl::Status Start(SinkTaskContext&, const ConfigMap& config) override {
    absl::StatusOr<ParsedConfig> parsed = SinkConfig().Parse(config);
    if (!parsed.ok()) return parsed.status();
    absl::StatusOr<TaskSettings> settings = ParseTaskSettings(*parsed, config);
    if (!settings.ok()) return settings.status();
    settings_ = *settings;
    return AppendLine(settings_.events(), absl::StrCat("start key=", settings_.key, " from=0"));
  }

  absl::Status Open(const std::vector<TopicPartition>& partitions) override {
    return AppendLine(settings_.events(), absl::StrCat("open ", Describe(partitions)));
  }

  absl::Status Put(std::vector<SinkRecord> records) override {
    std::vector<std::string> lines;
    lines.reserve(records.size());
    for (const SinkRecord& r : records) {
      lines.push_back(absl::StrCat(settings_.index, " ", r.topic, "-", r.partition, "@", r.offset,
                                   " ", Text(r.value)));
    }
    // Written and flushed before Put returns: what PreCommit then commits is durable.
    return AppendLines(settings_.records(), lines);
  }

  absl::Status Close(const std::vector<TopicPartition>& partitions) override {
    return AppendLine(settings_.events(), absl::StrCat("close ", Describe(partitions)));
  }

  absl::Status Stop() override { return AppendLine(settings_.events(), "stop"); }

 private:
  TaskSettings settings_;
};

}  // namespace
}  // namespace sluice::test

SLUICE_PLUGIN(registrar) {
  registrar.SetPlugin("multitask", sluice::test::kVersion);
  registrar.AddSource<sluice::test::MultiTaskSourceConnector, sluice::test::MultiTaskSourceTask>(
      {.class_name = "sluice.test.MultiTaskSourceConnector",
       .aliases = {"MultiTaskSource", "MultiTaskSourceConnector"},
       .task_class_name = "sluice.test.MultiTaskSourceTask"});
  registrar.AddSink<sluice::test::MultiTaskSinkConnector, sluice::test::MultiTaskSinkTask>(
      {.class_name = "sluice.test.MultiTaskSinkConnector",
       .aliases = {"MultiTaskSink", "MultiTaskSinkConnector"},
       .task_class_name = "sluice.test.MultiTaskSinkTask"});
}
