// unruly: a test plugin whose connectors hand the worker records that are hard to carry, so tests
// can check that a bad record fails only its own task, with a trace that says what happened, and
// never wedges the task, DELETE or the worker's shutdown.
//
// sluice.test.UnrulySourceConnector (alias UnrulySource) writes to `topic`. Its first Poll
// returns, depending on `mode`:
//   deep   one record whose value nests `depth` (default 10000) levels: maps {"d": {"d": ...}}
//          with `shape`=map (default, schemaless), structs with a field "d" with `shape`=struct;
//          the innermost value is the string "bottom";
//   huge   one record whose value is a STRING of `size` bytes (default 64 MiB) of 'x';
//   flood  `count` records (default 1,000,000) "flood-1", "flood-2", ... (STRING values).
// Every record has source partition {"unruly": "<mode>"} and offset {"n": <its number>}. Later
// Polls return nothing (after waiting a little, or until Stop).
//
// sluice.test.UnrulySinkConnector (alias UnrulySink) appends the value of each record it is
// given to `file`, one line per record (the value's Java toString, as FileStreamSink writes it),
// written through before Put returns; a record whose value's text contains `errant.marker`
// (default "errant") is reported with SinkTaskContext::ReportErrant instead of written.
//
// Thread-safety: as the SDK requires (a task's methods are called from its own thread; Stop may
// come from another thread and only wakes a waiting Poll).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/java_text.h"
#include "sluice/sdk/log.h"
#include "sluice/sdk/plugin.h"
#include "tests/plugins/common/single_task_connector.h"

namespace sluice::test {
namespace {

constexpr char kVersion[] = "0.1.0";
constexpr char kLogger[] = "unruly";

ConfigKey StringKey(std::string name, std::string default_value, std::string doc) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = ConfigType::kString;
  key.default_value = std::move(default_value);
  key.importance = ConfigImportance::kMedium;
  key.documentation = std::move(doc);
  return key;
}

ConfigKey LongKey(std::string name, int64_t default_value, int64_t at_least, std::string doc) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = ConfigType::kLong;
  key.default_value = absl::StrCat(default_value);
  key.validator = validators::AtLeast(static_cast<double>(at_least));
  key.validator_doc = absl::StrCat("[", at_least, ",...]");
  key.importance = ConfigImportance::kMedium;
  key.documentation = std::move(doc);
  return key;
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
  ConfigKey mode = StringKey("mode", "deep", "What the first poll returns");
  mode.validator = validators::OneOf({"deep", "huge", "flood"});
  mode.validator_doc = "[deep, huge, flood]";
  def.Define(std::move(mode));
  ConfigKey shape = StringKey("shape", "map", "What a deep record nests: maps or structs");
  shape.validator = validators::OneOf({"map", "struct"});
  shape.validator_doc = "[map, struct]";
  def.Define(std::move(shape));
  def.Define(LongKey("depth", 10000, 1, "How many levels a deep record nests"));
  def.Define(LongKey("size", int64_t{64} << 20, 0, "How many bytes a huge record's value has"));
  def.Define(LongKey("count", 1000000, 0, "How many records a flood poll returns"));
  return def;
}

ConfigDef SinkConfig() {
  ConfigDef def;
  ConfigKey file;
  file.name = "file";
  file.type = ConfigType::kString;
  file.validator = validators::NonEmptyString();
  file.validator_doc = "non-empty string";
  file.importance = ConfigImportance::kHigh;
  file.documentation = "The file the values are appended to";
  def.Define(std::move(file));
  def.Define(StringKey("errant.marker", "errant",
                       "Records whose value contains this text are reported as errant"));
  return def;
}

class UnrulySourceConnector final : public SingleTaskConnector<SourceConnector> {
 public:
  UnrulySourceConnector() : SingleTaskConnector(kVersion, &SourceConfig) {}
};

class UnrulySinkConnector final : public SingleTaskConnector<SinkConnector> {
 public:
  UnrulySinkConnector() : SingleTaskConnector(kVersion, &SinkConfig) {}
};

// A value nested `depth` levels, built from the inside out (moves, no copies).
void MakeDeep(int64_t depth, bool structs, SchemaPtr* schema, Value* value) {
  *schema = Schema::String();
  *value = Value::String("bottom");
  for (int64_t level = 0; level < depth; ++level) {
    if (structs) {
      SchemaPtr outer = SchemaBuilder::Struct().Name("unruly.Level").Field("d", *schema).BuildOrDie();
      Struct s(outer);
      (void)s.Put("d", std::move(*value));
      *value = Value::FromStruct(std::move(s));
      *schema = std::move(outer);
    } else {
      *value = Value::Map({MapEntry{Value::String("d"), std::move(*value)}});
    }
  }
  if (!structs) *schema = nullptr;
}

class UnrulySourceTask final : public SourceTask {
 public:
  absl::Status Start(SourceTaskContext&, const ConfigMap& config) override {
    absl::StatusOr<ParsedConfig> parsed = SourceConfig().Parse(config);
    if (!parsed.ok()) return parsed.status();
    topic_ = parsed->GetString("topic");
    mode_ = parsed->GetString("mode");
    structs_ = parsed->GetString("shape") == "struct";
    depth_ = parsed->GetLong("depth");
    size_ = parsed->GetLong("size");
    count_ = parsed->GetLong("count");
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<SourceRecord>> Poll() override {
    if (polled_) {
      // Nothing more: wait a little (or until Stop), as a quiet source does.
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopped_; });
      return std::vector<SourceRecord>{};
    }
    polled_ = true;
    std::vector<SourceRecord> records;
    if (mode_ == "deep") {
      Log(LogLevel::kInfo, kLogger, absl::StrCat("unruly: a record nested ", depth_, " levels"));
      SourceRecord record = NewRecord(1);
      MakeDeep(depth_, structs_, &record.value_schema, &record.value);
      records.push_back(std::move(record));
    } else if (mode_ == "huge") {
      SourceRecord record = NewRecord(1);
      record.value_schema = Schema::String();
      record.value = Value::String(std::string(static_cast<size_t>(size_), 'x'));
      records.push_back(std::move(record));
      Log(LogLevel::kInfo, kLogger, absl::StrCat("unruly: a record of ", size_, " bytes"));
    } else {
      records.reserve(static_cast<size_t>(count_));
      for (int64_t n = 1; n <= count_; ++n) {
        SourceRecord record = NewRecord(n);
        record.value_schema = Schema::String();
        record.value = Value::String(absl::StrCat("flood-", n));
        records.push_back(std::move(record));
      }
      Log(LogLevel::kInfo, kLogger, absl::StrCat("unruly: ", count_, " records in one poll"));
    }
    return records;
  }

  absl::Status Stop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    wake_.notify_all();
    Log(LogLevel::kInfo, kLogger, "unruly: source task stopped");
    return absl::OkStatus();
  }

 private:
  SourceRecord NewRecord(int64_t n) {
    SourceRecord record;
    // The partition value is shared by every record (Value containers are shared on copy).
    if (partition_.is_null()) {
      partition_ = Value::Map({MapEntry{Value::String("unruly"), Value::String(mode_)}});
    }
    record.source_partition = partition_;
    record.source_offset = Value::Map({MapEntry{Value::String("n"), Value::Int64(n)}});
    record.topic = topic_;
    return record;
  }

  std::string topic_;
  std::string mode_;
  bool structs_ = false;
  int64_t depth_ = 0;
  int64_t size_ = 0;
  int64_t count_ = 0;
  bool polled_ = false;
  Value partition_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopped_ = false;  // guarded by mu_
};

class UnrulySinkTask final : public SinkTask {
 public:
  ~UnrulySinkTask() override {
    if (fd_ >= 0) close(fd_);
  }

  absl::Status Start(SinkTaskContext& context, const ConfigMap& config) override {
    absl::StatusOr<ParsedConfig> parsed = SinkConfig().Parse(config);
    if (!parsed.ok()) return parsed.status();
    context_ = &context;
    marker_ = parsed->GetString("errant.marker");
    const std::string file = parsed->GetString("file");
    fd_ = open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      return absl::InternalError(absl::StrCat("Couldn't open ", file, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }

  absl::Status Put(std::vector<SinkRecord> records) override {
    std::string out;
    for (const SinkRecord& record : records) {
      std::string text = JavaToString(record.value_schema.get(), record.value);
      if (!marker_.empty() && text.find(marker_) != std::string::npos) {
        context_->ReportErrant(record, absl::StrCat("unruly: refusing the errant record ", text));
        continue;
      }
      absl::StrAppend(&out, text, "\n");
    }
    // Written through before Put returns, so that a crash after PutDone loses nothing.
    for (size_t done = 0; done < out.size();) {
      ssize_t n = write(fd_, out.data() + done, out.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return absl::InternalError(absl::StrCat("write failed: ", std::strerror(errno)));
      done += static_cast<size_t>(n);
    }
    return absl::OkStatus();
  }

  absl::Status Stop() override { return absl::OkStatus(); }

 private:
  SinkTaskContext* context_ = nullptr;
  std::string marker_;
  int fd_ = -1;
};

}  // namespace
}  // namespace sluice::test

SLUICE_PLUGIN(registrar) {
  registrar.SetPlugin("unruly", sluice::test::kVersion);
  registrar.AddSource<sluice::test::UnrulySourceConnector, sluice::test::UnrulySourceTask>(
      {.class_name = "sluice.test.UnrulySourceConnector",
       .aliases = {"UnrulySource", "UnrulySourceConnector"},
       .task_class_name = "sluice.test.UnrulySourceTask"});
  registrar.AddSink<sluice::test::UnrulySinkConnector, sluice::test::UnrulySinkTask>(
      {.class_name = "sluice.test.UnrulySinkConnector",
       .aliases = {"UnrulySink", "UnrulySinkConnector"},
       .task_class_name = "sluice.test.UnrulySinkTask"});
}
