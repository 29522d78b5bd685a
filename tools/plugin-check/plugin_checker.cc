#include "tools/plugin-check/plugin_checker.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "sdk/cpp/wire/codec.h"
#include "sluice/plugin/v1/plugin.grpc.pb.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/records.h"
#include "tools/plugin-check/task_stream.h"

namespace sluice::plugin_check {
namespace {

namespace pb = ::sluice::plugin::v1;

constexpr char kSourceMethod[] = "/sluice.plugin.v1.Plugin/SourceTask";
constexpr char kSinkMethod[] = "/sluice.plugin.v1.Plugin/SinkTask";
// The connector name the checker starts every connector under.
constexpr char kConnectorName[] = "plugin-check";
// The topic of the sink records, unless the config names `topics`.
constexpr char kDefaultTopic[] = "plugin-check";
constexpr char kUnknownClass[] = "sluice.plugin.check.NoSuchConnector";
constexpr uint32_t kUnknownProtocolVersion = 999;
// A source task is polled until it returned this many records (or poll_duration passed).
constexpr int kEnoughSourceRecords = 20;
// Problems of one check listed in full; the rest are counted.
constexpr size_t kMaxProblems = 5;

void SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

std::string StatusText(const grpc::Status& status) {
  return absl::StrCat(
      absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
      status.error_message().empty() ? "" : ": ", status.error_message());
}

// Adds `problem` unless the list is full; the overflow is counted in `dropped`.
class Problems {
 public:
  void Add(std::string problem) {
    if (problems_.size() < kMaxProblems) {
      problems_.push_back(std::move(problem));
    } else {
      ++dropped_;
    }
  }
  bool empty() const { return problems_.empty(); }
  std::vector<std::string> list() const {
    std::vector<std::string> out = problems_;
    if (dropped_ > 0) out.push_back(absl::StrCat("and ", dropped_, " more"));
    return out;
  }

 private:
  std::vector<std::string> problems_;
  int dropped_ = 0;
};

std::string DescribeValueKind(const pb::Value& value) {
  switch (value.kind_case()) {
    case pb::Value::kMapValue:
      return "a map";
    case pb::Value::KIND_NOT_SET:
    case pb::Value::kNullValue:
      return "null";
    default:
      return "not a map";
  }
}

bool IsMapOrNull(const pb::Value& value) {
  return value.kind_case() == pb::Value::kMapValue || value.kind_case() == pb::Value::KIND_NOT_SET ||
         value.kind_case() == pb::Value::kNullValue;
}

std::string TaskErrorText(const pb::TaskError& error) {
  return absl::StrCat("TaskError \"", error.message(), "\"");
}

std::string FieldName(const google::protobuf::Message& message, int number) {
  const google::protobuf::FieldDescriptor* field =
      message.GetDescriptor()->FindFieldByNumber(number);
  return field == nullptr ? absl::StrCat("message #", number) : std::string(field->name());
}

// A wait's error; a deadline names the whole wait, not what was left of it at the last message.
absl::Status NotWithin(const absl::Status& status, absl::Duration timeout) {
  if (status.code() != absl::StatusCode::kDeadlineExceeded) return status;
  return absl::DeadlineExceededError(absl::StrCat("nothing within ", absl::FormatDuration(timeout)));
}

std::string PartitionText(const std::string& topic, int32_t partition) {
  return absl::StrCat(topic, "-", partition);
}

// Records of a few shapes for a sink task: schemaless and with schemas, primitives, a struct
// with an array, a map, a logical type, bytes, a tombstone, headers and timestamps.
std::vector<SinkRecord> SampleSinkRecords(const std::string& topic, int32_t partition,
                                          int64_t first_offset, bool first_batch) {
  std::vector<SinkRecord> records;
  auto add = [&](SchemaPtr key_schema, Value key, SchemaPtr value_schema, Value value) {
    SinkRecord r;
    r.topic = topic;
    r.partition = partition;
    r.offset = first_offset + static_cast<int64_t>(records.size());
    r.key_schema = std::move(key_schema);
    r.key = std::move(key);
    r.value_schema = std::move(value_schema);
    r.value = std::move(value);
    r.timestamp_ms = 1700000000000 + r.offset;
    r.timestamp_type = TimestampType::kCreateTime;
    records.push_back(std::move(r));
  };
  if (first_batch) {
    add(nullptr, Value::String("k0"), nullptr, Value::String("plain text, schemaless"));
    records.back().headers.push_back({"checked-by", nullptr, Value::String("plugin-check")});
    add(nullptr, Value::Null(), Schema::String(), Value::String("a string with a schema"));
    SchemaPtr person = SchemaBuilder::Struct()
                           .Name("sluice.plugin.check.Person")
                           .Field("id", Schema::Int64())
                           .Field("name", Schema::String())
                           .Field("score", Schema::OptionalFloat64())
                           .Field("tags", SchemaBuilder::Array(Schema::String()).BuildOrDie())
                           .Field("joined", SchemaBuilder::Timestamp().BuildOrDie())
                           .BuildOrDie();
    Struct s(person);
    (void)s.Put("id", Value::Int64(7));
    (void)s.Put("name", Value::String("Ada"));
    (void)s.Put("tags", Value::Array({Value::String("a"), Value::String("b")}));
    (void)s.Put("joined", Value::Int64(1700000000000));
    add(Schema::Int64(), Value::Int64(7), person, Value::FromStruct(std::move(s)));
    add(nullptr, Value::String("k3"), nullptr, Value::Null());  // a tombstone
  } else {
    add(nullptr, Value::Null(), nullptr,
        Value::Map({MapEntry{Value::String("a"), Value::Int64(1)},
                    MapEntry{Value::String("b"),
                             Value::Array({Value::Boolean(true), Value::Float64(2.5)})}}));
    add(nullptr, Value::Null(), Schema::Bytes(), Value::Bytes(std::string("\x00\x01\xff", 3)));
    add(nullptr, Value::Null(), Schema::Int32(), Value::Int32(-42));
  }
  return records;
}

}  // namespace

// What one connector class's checks share.
struct PluginChecker::ClassCheck {
  pb::ConnectorClass connector;
  ConfigMap task_config;   // the first task config, as the worker completes it
  ConfigMap connector_config;
  std::string task_class;
  std::vector<pb::TaskError> task_errors;  // every TaskError seen from this class's tasks

  const std::string& name() const { return connector.class_name(); }
};

PluginChecker::PluginChecker(CheckerOptions options, CheckReport& report)
    : options_(std::move(options)), report_(report) {
  socket_dir_ = (std::filesystem::path(options_.work_dir) / "sockets").string();
  tmp_dir_ = (std::filesystem::path(options_.work_dir) / "tmp").string();
}

void PluginChecker::PrepareSandbox() {
  absl::StatusOr<plugin_host::PluginManifest> manifest =
      plugin_host::ReadManifest(options_.plugin_dir);
  if (manifest.ok()) {  // a bad manifest fails host.start
    declared_ = manifest->sandbox;
    if (manifest->runtime == plugin_host::PluginRuntime::kJvm) {
      runtime_ = {.jvm = true, .manifest_heap = manifest->jvm.heap};
    }
  }
  if (!options_.sandbox) {
    report_.Skip("sandbox", "", "the hosts run in a worker's default sandbox",
                 "--no-sandbox: they run without namespaces, Landlock or seccomp");
    return;
  }
  absl::StatusOr<plugins::SandboxSupport> support =
      plugins::ProbeSandboxSupport(options_.host_binary);
  if (!support.ok()) {
    report_.Fail("sandbox", "", "the plugin host's --probe says what this machine supports",
                 std::string(support.status().message()));
    return;
  }
  support_ = *support;
  std::vector<std::string> missing = support_.Missing();
  std::vector<std::string> kernel_missing;
  for (const std::string& line : missing) {
    if (!absl::StartsWith(line, "cgroup")) kernel_missing.push_back(line);
  }
  const std::string expected =
      "the hosts run in a worker's default sandbox (namespaces, Landlock, seccomp, no network; "
      "the paths the manifest declares for each class)";

  if (kernel_missing.empty()) {
    report_.Pass("sandbox", "", expected,
                 absl::StrCat("all of it (Landlock ABI ", support_.landlock_abi,
                              "; cgroup limits are the worker's, not checked here)"));
  } else {
    report_.Skip("sandbox", "", expected,
                 absl::StrCat("this machine lacks part of it: ",
                              absl::StrJoin(kernel_missing, "; ")));
  }
}

std::unique_ptr<plugins::PluginProcess> PluginChecker::StartHost(
    const pb::ConnectorClass* connector, const ConfigMap& config) {
  const std::string name = connector == nullptr ? std::string() : connector->class_name();
  plugins::SandboxPolicy policy;
  if (options_.sandbox) {
    const plugins::SandboxSettings defaults;
    if (connector == nullptr) {
      policy = plugins::DefaultPolicy(defaults, support_, runtime_);
    } else {
      plugins::PathKeys keys;
      for (const auto& [declared, class_keys] : declared_.path_keys) {
        if (declared == name || std::find(connector->aliases().begin(), connector->aliases().end(),
                                          declared) != connector->aliases().end()) {
          keys.insert(class_keys.begin(), class_keys.end());
        }
      }
      plugins::PolicyErrors errors;
      policy = plugins::ResolvePolicy(defaults, support_, {}, keys, config, errors, runtime_);
      if (!errors.empty()) {
        std::vector<std::string> lines;
        for (const auto& [key, messages] : errors) {
          for (const std::string& m : messages) lines.push_back(m);
        }
        report_.Fail("sandbox.policy", name, "the config's sandbox requests are within a "
                     "default worker's ceilings", absl::StrJoin(lines, "; "));
        return nullptr;
      }
    }
  }
  absl::StatusOr<std::unique_ptr<plugins::PluginProcess>> host = plugins::PluginProcess::Start({
      .host_binary = options_.host_binary,
      .plugin_dir = options_.plugin_dir,
      .socket_dir = socket_dir_,
      .label = name.empty() ? std::string("plugin-check") : name,
      .sandbox = std::move(policy),
      .support = &support_,
      // A JVM loading a connector's jars takes seconds to its handshake line.
      .handshake_timeout =
          runtime_.jvm ? std::max(options_.call_timeout, absl::Seconds(60)) : options_.call_timeout,
      .destroy_grace = options_.shutdown_timeout,
  });
  const std::string& connector_name = name;
  const std::string expected =
      "the host starts the plugin and prints its handshake line SLUICE-PLUGIN|1|unix|<socket>|grpc";
  if (!host.ok()) {
    report_.Fail("host.start", connector_name, expected, std::string(host.status().message()));
    return nullptr;
  }
  report_.Pass("host.start", connector_name, expected, absl::StrCat("pid ", (*host)->pid()));
  return *std::move(host);
}

bool PluginChecker::Handshake(plugins::PluginProcess& host, const std::string& connector,
                              bool report) {
  const std::string expected = absl::StrCat("Handshake(protocol_version ",
                                            plugins::kPluginProtocolVersion,
                                            ") answered with protocol_version ",
                                            plugins::kPluginProtocolVersion);
  grpc::ClientContext context;
  SetDeadline(context, options_.call_timeout);
  pb::HandshakeRequest request;
  request.set_protocol_version(plugins::kPluginProtocolVersion);
  pb::HandshakeResponse response;
  grpc::Status status = host.stub().Handshake(&context, request, &response);
  std::string problem;
  if (!status.ok()) {
    problem = StatusText(status);
  } else if (response.protocol_version() != plugins::kPluginProtocolVersion) {
    problem = absl::StrCat("protocol_version ", response.protocol_version());
  }
  if (!problem.empty()) {
    report_.Fail("handshake", connector, expected, problem);
    return false;
  }
  if (report) {
    report_.Pass("handshake", connector, expected,
                 absl::StrCat("sdk \"", response.sdk(), "\", capabilities [",
                              absl::StrJoin(response.capabilities(), ", "), "]"));
  }
  return true;
}

void PluginChecker::CheckDescribe(const pb::DescribeResponse& described) {
  std::set<std::string> names;  // class names and aliases, across the plugin
  for (const pb::ConnectorClass& c : described.connectors()) {
    Problems problems;
    const std::string& name = c.class_name();
    if (name.empty()) problems.Add("an empty class_name");
    if (c.type() != pb::CONNECTOR_TYPE_SOURCE && c.type() != pb::CONNECTOR_TYPE_SINK) {
      problems.Add(absl::StrCat("type ", pb::ConnectorType_Name(c.type())));
    }
    if (c.version().empty()) problems.Add("an empty version");
    if (!names.insert(name).second) problems.Add(absl::StrCat("the name ", name, " twice"));
    for (const std::string& alias : c.aliases()) {
      if (alias.empty()) problems.Add("an empty alias");
      if (alias != name && !names.insert(alias).second) {
        problems.Add(absl::StrCat("the alias ", alias, " already names another class"));
      }
    }
    report_.Expect("describe.class", name,
                   "a class name and aliases unique in the plugin, type SOURCE or SINK, a version",
                   problems.list(),
                   absl::StrCat(c.type() == pb::CONNECTOR_TYPE_SOURCE ? "source" : "sink",
                                ", version ", c.version()));

    Problems config_problems;
    std::set<std::string> keys;
    for (const pb::ConfigKeyDefinition& key : c.config()) {
      const std::string where = absl::StrCat("key \"", key.name(), "\"");
      if (key.name().empty()) config_problems.Add("a key without a name");
      if (!keys.insert(key.name()).second) config_problems.Add(absl::StrCat(where, " defined twice"));
      if (key.type() == pb::ConfigKeyDefinition::TYPE_UNSPECIFIED ||
          !pb::ConfigKeyDefinition::Type_IsValid(key.type())) {
        config_problems.Add(absl::StrCat(where, " has no valid type"));
        continue;
      }
      if (key.importance() == pb::ConfigKeyDefinition::IMPORTANCE_UNSPECIFIED) {
        config_problems.Add(absl::StrCat(where, " has no importance"));
      }
      if (key.null_default() && key.has_default_value()) {
        config_problems.Add(absl::StrCat(where, " has both a default and null_default"));
      }
      if (key.has_default_value()) {
        const ConfigKey parsed_key = wire::ConfigKeyFromProto(key);
        absl::StatusOr<ConfigValue> value = ConfigDef::ParseValue(parsed_key, key.default_value());
        if (!value.ok()) {
          config_problems.Add(absl::StrCat(where, " has the default \"", key.default_value(),
                                           "\", which is not a valid ",
                                           pb::ConfigKeyDefinition::Type_Name(key.type()), " (",
                                           value.status().message(), ")"));
        }
      }
    }
    report_.Expect("describe.config", name,
                   "ConfigDef keys with unique names, valid types and importance, defaults that "
                   "parse as their type",
                   config_problems.list(), absl::StrCat(c.config_size(), " keys"));
  }
}

void PluginChecker::CheckValidate(plugins::PluginProcess& host,
                                  const pb::DescribeResponse& described) {
  for (const pb::ConnectorClass& c : described.connectors()) {
    std::set<std::string> required;
    for (const pb::ConfigKeyDefinition& key : c.config()) {
      if (!key.has_default_value() && !key.null_default()) required.insert(key.name());
    }
    grpc::ClientContext context;
    SetDeadline(context, options_.call_timeout);
    pb::ValidateRequest request;
    request.set_connector_class(c.class_name());
    pb::ValidateResponse response;
    grpc::Status status = host.stub().Validate(&context, request, &response);
    const std::string expected =
        "Validate of an empty config answers OK with an error for each required key";
    if (!status.ok()) {
      report_.Fail("validate.empty", c.class_name(), expected, StatusText(status));
    } else {
      Problems problems;
      std::set<std::string> flagged;
      for (const pb::ConfigValueResult& value : response.values()) {
        if (!value.errors().empty()) flagged.insert(value.name());
      }
      for (const std::string& key : required) {
        if (!flagged.contains(key)) problems.Add(absl::StrCat("no error for \"", key, "\""));
      }
      report_.Expect("validate.empty", c.class_name(), expected, problems.list(),
                     required.empty() ? std::string("no required keys")
                                      : absl::StrCat("required: ", absl::StrJoin(required, ", ")));
    }
  }
  grpc::ClientContext context;
  SetDeadline(context, options_.call_timeout);
  pb::ValidateRequest request;
  request.set_connector_class(kUnknownClass);
  pb::ValidateResponse response;
  grpc::Status status = host.stub().Validate(&context, request, &response);
  const std::string expected = absl::StrCat("Validate of the unknown class ", kUnknownClass,
                                            " answers NOT_FOUND");
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    report_.Pass("validate.unknown-class", "", expected);
  } else {
    report_.Fail("validate.unknown-class", "", expected,
                 status.ok() ? std::string("OK") : StatusText(status));
  }
}

bool PluginChecker::ReportOutcome(const std::string& check, const std::string& connector,
                                  const std::string& expected, const absl::Status& status) {
  if (status.ok()) {
    report_.Pass(check, connector, expected);
  } else {
    report_.Fail(check, connector, expected, std::string(status.message()));
  }
  return status.ok();
}

std::string PluginChecker::StartExpected() const {
  return absl::StrCat("TaskStart answered with TaskStarted within ",
                      absl::FormatDuration(options_.call_timeout));
}

std::string PluginChecker::StopExpected() const {
  return absl::StrCat("Stop answered with TaskStopped within ",
                      absl::FormatDuration(options_.stop_timeout), ", then the stream ends OK");
}

void PluginChecker::CheckShutdown(plugins::PluginProcess& host, const std::string& connector) {
  const std::string expected =
      absl::StrCat("Shutdown answered, then the host exits with code 0 within ",
                   absl::FormatDuration(options_.shutdown_timeout));
  grpc::ClientContext context;
  SetDeadline(context, options_.call_timeout);
  pb::ShutdownResponse response;
  grpc::Status status = host.stub().Shutdown(&context, pb::ShutdownRequest(), &response);
  if (!status.ok()) {
    report_.Fail("shutdown", connector, expected, absl::StrCat("Shutdown: ", StatusText(status)));
    host.Stop(absl::ZeroDuration());
    return;
  }
  std::optional<plugins::ExitInfo> exit = host.WaitForExit(options_.shutdown_timeout);
  if (!exit.has_value()) {
    report_.Fail("shutdown", connector, expected, "the host was still running; killed it");
    host.Stop(absl::ZeroDuration());
    return;
  }
  if (exit->signaled || exit->exit_code != 0) {
    report_.Fail("shutdown", connector, expected, exit->Describe());
    return;
  }
  report_.Pass("shutdown", connector, expected);
}

void PluginChecker::Run() {
  std::error_code error;
  std::filesystem::create_directories(socket_dir_, error);
  std::filesystem::create_directories(tmp_dir_, error);
  chmod(socket_dir_.c_str(), 0700);
  if (absl::Status written = WriteFiles(options_.config, tmp_dir_); !written.ok()) {
    report_.Fail("config.files", "", "the files of \"$files\" written to ${tmpdir}",
                 std::string(written.message()));
    return;
  }

  PrepareSandbox();
  std::unique_ptr<plugins::PluginProcess> host = StartHost(nullptr);
  if (host == nullptr) return;
  if (!Handshake(*host, "", /*report=*/true)) return;

  {
    grpc::ClientContext context;
    SetDeadline(context, options_.call_timeout);
    pb::HandshakeRequest request;
    request.set_protocol_version(kUnknownProtocolVersion);
    pb::HandshakeResponse response;
    grpc::Status status = host->stub().Handshake(&context, request, &response);
    const std::string expected =
        absl::StrCat("Handshake(protocol_version ", kUnknownProtocolVersion,
                     ") refused with FAILED_PRECONDITION naming both versions");
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
        absl::StrContains(status.error_message(), absl::StrCat(kUnknownProtocolVersion))) {
      report_.Pass("handshake.version-refused", "", expected);
    } else {
      report_.Fail("handshake.version-refused", "", expected,
                   status.ok() ? absl::StrCat("OK, protocol_version ", response.protocol_version())
                               : StatusText(status));
    }
  }

  pb::DescribeResponse described;
  {
    grpc::ClientContext context;
    SetDeadline(context, options_.call_timeout);
    grpc::Status status = host->stub().Describe(&context, pb::DescribeRequest(), &described);
    const std::string expected = "Describe answers a plugin name and at least one class";
    if (!status.ok()) {
      report_.Fail("describe", "", expected, StatusText(status));
      CheckShutdown(*host, "");
      return;
    }
    Problems problems;
    if (described.plugin_name().empty()) problems.Add("an empty plugin_name");
    if (described.connectors().empty()) problems.Add("no connector classes");
    std::vector<std::string> classes;
    for (const pb::ConnectorClass& c : described.connectors()) classes.push_back(c.class_name());
    report_.Expect("describe", "", expected, problems.list(),
                   absl::StrCat(described.plugin_name(), " ", described.plugin_version(), ": ",
                                absl::StrJoin(classes, ", ")));
  }
  CheckDescribe(described);
  CheckValidate(*host, described);
  CheckShutdown(*host, "");
  host.reset();

  // Which config each class runs with; every entry of the config must name a class.
  std::set<std::string> used;
  for (const pb::ConnectorClass& c : described.connectors()) {
    std::optional<ConfigMap> config;
    std::vector<std::string> names = {c.class_name()};
    names.insert(names.end(), c.aliases().begin(), c.aliases().end());
    for (const std::string& name : names) {
      auto it = options_.config.connectors.find(name);
      if (it == options_.config.connectors.end()) continue;
      used.insert(name);
      if (!config.has_value()) config = it->second;
    }
    if (!config.has_value()) {
      report_.Skip("connector", c.class_name(), "lifecycle and task streams",
                   options_.config_source.empty()
                       ? std::string("no config (give one with --config)")
                       : absl::StrCat("no config for this class in ", options_.config_source));
      continue;
    }
    CheckConnector(c, SubstituteVariables(*config, tmp_dir_, options_.plugin_dir));
  }
  Problems unknown;
  for (const auto& [name, config] : options_.config.connectors) {
    if (!used.contains(name)) unknown.Add(absl::StrCat("\"", name, "\", which no class is called"));
  }
  if (!unknown.empty()) {
    report_.Fail("config.classes", "", "every class the config names is one the plugin describes",
                 absl::StrJoin(unknown.list(), "; "));
  }
}

void PluginChecker::CheckConnector(const pb::ConnectorClass& connector, const ConfigMap& config) {
  const std::string& name = connector.class_name();
  std::unique_ptr<plugins::PluginProcess> host = StartHost(&connector, config);
  if (host == nullptr) return;
  if (!Handshake(*host, name, /*report=*/false)) return;

  ClassCheck check;
  check.connector = connector;
  check.connector_config = config;
  check.connector_config.try_emplace("name", kConnectorName);
  check.connector_config.try_emplace("connector.class", name);
  check.connector_config.try_emplace("tasks.max", "1");

  auto start = [&]() {
    grpc::ClientContext context;
    SetDeadline(context, options_.call_timeout);
    pb::StartConnectorRequest request;
    request.set_connector_class(name);
    request.set_connector_name(kConnectorName);
    request.mutable_config()->insert(check.connector_config.begin(), check.connector_config.end());
    pb::StartConnectorResponse response;
    return host->stub().StartConnector(&context, request, &response);
  };
  auto task_configs = [&](int max_tasks, pb::TaskConfigsResponse* response) {
    grpc::ClientContext context;
    SetDeadline(context, options_.call_timeout);
    pb::TaskConfigsRequest request;
    request.set_max_tasks(max_tasks);
    return host->stub().TaskConfigs(&context, request, response);
  };
  auto stop = [&]() {
    grpc::ClientContext context;
    SetDeadline(context, options_.call_timeout);
    pb::StopConnectorResponse response;
    return host->stub().StopConnector(&context, pb::StopConnectorRequest(), &response);
  };

  grpc::Status status = start();
  const std::string start_expected = "StartConnector with the config answers OK";
  if (!status.ok()) {
    report_.Fail("connector.start", name, start_expected, StatusText(status));
    CheckShutdown(*host, name);
    return;
  }
  report_.Pass("connector.start", name, start_expected);

  {
    Problems problems;
    std::vector<std::string> counts;
    for (int max_tasks : {1, 2}) {
      pb::TaskConfigsResponse response;
      grpc::Status s = task_configs(max_tasks, &response);
      if (!s.ok()) {
        problems.Add(absl::StrCat("TaskConfigs(", max_tasks, "): ", StatusText(s)));
        continue;
      }
      counts.push_back(absl::StrCat(response.tasks_size(), " for max_tasks ", max_tasks));
      if (response.tasks_size() > max_tasks) {
        problems.Add(absl::StrCat(response.tasks_size(), " task configs for max_tasks ", max_tasks));
      }
      if (response.task_class().empty()) {
        problems.Add(absl::StrCat("no task_class for max_tasks ", max_tasks));
      }
    }
    report_.Expect("connector.task-configs", name,
                   "TaskConfigs(max_tasks 1, then 2) answers at most max_tasks configs and a "
                   "task_class",
                   problems.list(), absl::StrJoin(counts, ", "));
  }

  status = stop();
  const std::string stop_expected = "StopConnector answers OK";
  if (!status.ok()) {
    report_.Fail("connector.stop", name, stop_expected, StatusText(status));
  } else {
    report_.Pass("connector.stop", name, stop_expected);
  }

  status = start();
  const std::string restart_expected = "StartConnector after StopConnector answers OK";
  if (!status.ok()) {
    report_.Fail("connector.restart", name, restart_expected, StatusText(status));
    CheckShutdown(*host, name);
    return;
  }
  report_.Pass("connector.restart", name, restart_expected);

  pb::TaskConfigsResponse tasks;
  status = task_configs(1, &tasks);
  if (status.ok() && tasks.tasks_size() > 0) {
    check.task_class = tasks.task_class();
    check.task_config.insert(tasks.tasks(0).config().begin(), tasks.tasks(0).config().end());
    // As the worker completes a task's config (server/worker/worker.cc).
    check.task_config["task.class"] = check.task_class;
    if (connector.type() == pb::CONNECTOR_TYPE_SINK) {
      for (const char* key : {"topics", "topics.regex"}) {
        if (auto it = config.find(key); it != config.end()) check.task_config[key] = it->second;
      }
    }
    if (connector.type() == pb::CONNECTOR_TYPE_SOURCE) {
      CheckSourceTask(*host, check);
    } else {
      CheckSinkTask(*host, check);
    }
    CheckTaskError(*host, check);
  } else {
    report_.Skip("task", name, "the task streams",
                 status.ok() ? std::string("the connector gave no task config")
                             : absl::StrCat("TaskConfigs: ", StatusText(status)));
  }

  status = stop();
  if (!status.ok()) {
    report_.Fail("connector.stop", name, "StopConnector after the tasks ran answers OK",
                 StatusText(status));
  }
  CheckShutdown(*host, name);
}

namespace {

// What the checker's side of both task streams shares: the stream, TaskStart and Stop, and the
// wait for one kind of plugin message, while the messages that may come at any time (a batch,
// an offset read, an errant record, a pause) are checked by the probe's Handle.
template <typename WorkerMessage, typename PluginMessage>
class TaskProbe {
 public:
  using MsgCase = typename PluginMessage::MsgCase;

  // `task_errors` collects every TaskError the stream carries; it outlives the probe.
  TaskProbe(grpc::ChannelInterface* channel, const char* method,
            std::vector<pb::TaskError>* task_errors)
      : stream_(channel, method), task_errors_(task_errors) {}
  virtual ~TaskProbe() = default;

  TaskStream<WorkerMessage, PluginMessage>& stream() { return stream_; }

  // Sends TaskStart (task 0 with `config`) and waits for TaskStarted.
  absl::Status Start(const ConfigMap& config, absl::Duration timeout) {
    WorkerMessage start;
    start.mutable_start()->set_task(0);
    start.mutable_start()->set_connector_name(kConnectorName);
    start.mutable_start()->mutable_config()->insert(config.begin(), config.end());
    if (!stream_.Write(start)) return absl::UnavailableError("the stream broke");
    return Await(PluginMessage::kStarted, timeout).status();
  }

  // Sends Stop and waits up to `timeout` for TaskStopped, then for the stream to end OK.
  absl::Status Stop(absl::Duration timeout) {
    WorkerMessage stop;
    stop.mutable_stop();
    if (!stream_.Write(stop)) return absl::UnavailableError("the stream broke");
    if (absl::Status stopped = Await(PluginMessage::kStopped, timeout).status(); !stopped.ok()) {
      return stopped;
    }
    absl::StatusOr<grpc::Status> end = stream_.Finish(timeout);
    if (!end.ok()) return end.status();
    if (!end->ok()) {
      return absl::FailedPreconditionError(absl::StrCat("the stream ended ", StatusText(*end)));
    }
    return absl::OkStatus();
  }

  // Ends the stream of a task that failed: the worker still sends Stop, then closes its side.
  void Abandon(absl::Duration timeout) {
    WorkerMessage stop;
    stop.mutable_stop();
    (void)stream_.Write(stop);
    (void)stream_.Finish(timeout);
  }

  // Reads until a message of kind `wanted`, handling what comes on the way. A TaskError gives
  // FailedPrecondition with its message (the error is kept in task_errors), as does a message
  // that neither was asked for nor may come at any time.
  absl::StatusOr<PluginMessage> Await(MsgCase wanted, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (true) {
      absl::StatusOr<PluginMessage> next =
          stream_.Next(std::max(deadline - absl::Now(), absl::ZeroDuration()));
      if (!next.ok()) return NotWithin(next.status(), timeout);
      if (next->has_error()) {
        task_errors_->push_back(next->error());
        return absl::FailedPreconditionError(TaskErrorText(next->error()));
      }
      absl::StatusOr<bool> handled = Handle(*next);
      if (!handled.ok()) return handled.status();
      if (next->msg_case() == wanted) return next;
      if (!*handled) {
        return absl::FailedPreconditionError(
            absl::StrCat("an unexpected ", FieldName(*next, next->msg_case())));
      }
    }
  }

 protected:
  // Checks a message that may come at any time: true when `message` is one (and was handled),
  // false for any other kind. An error ends the wait (the stream broke).
  virtual absl::StatusOr<bool> Handle(const PluginMessage& message) = 0;

  TaskStream<WorkerMessage, PluginMessage> stream_;

 private:
  std::vector<pb::TaskError>* task_errors_;
};

// The checker's side of a source task stream: sends Polls and keeps the credits, checks every
// batch and record as it arrives, answers offset reads from an empty offset store.
class SourceProbe final : public TaskProbe<pb::SourceWorkerMessage, pb::SourcePluginMessage> {
 public:
  SourceProbe(grpc::ChannelInterface* channel, std::vector<pb::TaskError>* task_errors)
      : TaskProbe(channel, kSourceMethod, task_errors) {}

  bool Poll(uint32_t credit) {
    pb::SourceWorkerMessage message;
    message.mutable_poll()->set_max_records(credit);
    message.mutable_poll()->set_max_bytes(uint64_t{1} << 20);
    credits_.push_back(credit);
    ++polls_;
    return stream_.Write(message);
  }

  int polls() const { return polls_; }
  int batches() const { return batches_; }
  int records() const { return records_; }
  uint64_t last_id() const { return next_id_ - 1; }
  int offset_requests() const { return offset_requests_; }
  const Problems& credit_problems() const { return credit_problems_; }
  const Problems& record_problems() const { return record_problems_; }
  const Problems& offset_problems() const { return offset_problems_; }

 private:
  absl::StatusOr<bool> Handle(const pb::SourcePluginMessage& message) override {
    switch (message.msg_case()) {
      case pb::SourcePluginMessage::kBatch:
        CheckBatch(message.batch());
        return true;
      case pb::SourcePluginMessage::kOffsetsRequest:
        if (!AnswerOffsets(message.offsets_request())) {
          return absl::UnavailableError("the stream broke while answering an OffsetsRequest");
        }
        return true;
      default:
        return false;
    }
  }

  void CheckBatch(const pb::SourceBatch& batch) {
    ++batches_;
    const int count = batch.records_size();
    if (credits_.empty()) {
      credit_problems_.Add(absl::StrCat("a SourceBatch of ", count, " records no Poll asked for"));
    } else {
      const uint32_t credit = credits_.front();
      credits_.pop_front();
      if (static_cast<uint32_t>(count) > credit) {
        credit_problems_.Add(absl::StrCat(count, " records for a Poll of ", credit,
                                          credit == 1 ? " credit" : " credits"));
      }
    }
    if (absl::Status added = schemas_.Add(batch.schemas()); !added.ok()) {
      record_problems_.Add(absl::StrCat("schema definitions: ", added.message()));
    }
    for (const pb::SourceRecord& record : batch.records()) {
      ++records_;
      const std::string where = absl::StrCat("record id ", record.id());
      if (record.id() != next_id_) {
        record_problems_.Add(absl::StrCat(where, " where id ", next_id_,
                                          " was expected (ids increase by one from 1)"));
      }
      next_id_ = record.id() + 1;
      if (record.topic().empty()) record_problems_.Add(absl::StrCat(where, " has no topic"));
      if (!IsMapOrNull(record.source_partition())) {
        record_problems_.Add(absl::StrCat(where, ": its source partition is ",
                                          DescribeValueKind(record.source_partition())));
      }
      if (!IsMapOrNull(record.source_offset())) {
        record_problems_.Add(absl::StrCat(where, ": its source offset is ",
                                          DescribeValueKind(record.source_offset())));
      }
      if (absl::StatusOr<SourceRecord> decoded = wire::SourceRecordFromProto(record, schemas_);
          !decoded.ok()) {
        record_problems_.Add(absl::StrCat(where, ": ", decoded.status().message()));
      }
    }
  }

  bool AnswerOffsets(const pb::OffsetsRequest& request) {
    ++offset_requests_;
    pb::SourceWorkerMessage reply;
    reply.mutable_offsets_reply()->set_request_id(request.request_id());
    for (const pb::Value& partition : request.partitions()) {
      if (partition.kind_case() != pb::Value::kMapValue) {
        offset_problems_.Add(absl::StrCat("OffsetsRequest ", request.request_id(),
                                          " asks for a partition that is ",
                                          DescribeValueKind(partition)));
      }
      // No offset stored: the checker's offset store starts empty.
      *reply.mutable_offsets_reply()->add_offsets()->mutable_partition() = partition;
    }
    return stream_.Write(reply);
  }

  wire::SchemaDecoder schemas_;
  std::deque<uint32_t> credits_;  // of the Polls not answered yet, oldest first
  uint64_t next_id_ = 1;
  int polls_ = 0;
  int batches_ = 0;
  int records_ = 0;
  int offset_requests_ = 0;
  Problems credit_problems_;
  Problems record_problems_;
  Problems offset_problems_;
};

}  // namespace

void PluginChecker::CheckSourceTask(plugins::PluginProcess& host, ClassCheck& check) {
  const std::string& name = check.name();
  SourceProbe probe(host.channel().get(), &check.task_errors);
  if (!ReportOutcome("source.start", name, StartExpected(),
                     probe.Start(check.task_config, options_.call_timeout))) {
    probe.Abandon(options_.stop_timeout);
    return;
  }

  // Polls with growing credits, one at a time, until enough records came or the time is up.
  static constexpr uint32_t kCredits[] = {1, 2, 3, 5, 8, 13, 100};
  const absl::Time until = absl::Now() + options_.poll_duration;
  Problems poll_problems;
  std::optional<uint64_t> committed_up_to;
  bool committed_answered = false;
  std::string committed_problem;
  for (int i = 0;; ++i) {
    // Past the minimum, stop once enough came or the time is up, but not between Committed and
    // the Poll that shows the task took it.
    const bool committed_pending = committed_up_to.has_value() && !committed_answered;
    if (i >= 3 && !committed_pending &&
        (probe.records() >= kEnoughSourceRecords || absl::Now() >= until)) {
      break;
    }
    const uint32_t credit = kCredits[std::min<size_t>(i, std::size(kCredits) - 1)];
    if (!probe.Poll(credit)) {
      poll_problems.Add("the stream broke");
      break;
    }
    absl::StatusOr<pb::SourcePluginMessage> batch =
        probe.Await(pb::SourcePluginMessage::kBatch, options_.call_timeout);
    if (!batch.ok()) {
      poll_problems.Add(absl::StrCat("Poll(", credit, "): ", batch.status().message()));
      if (committed_up_to.has_value() && !committed_answered) {
        committed_problem = absl::StrCat("the Poll after Committed(", *committed_up_to,
                                         "): ", batch.status().message());
      }
      break;
    }
    if (committed_up_to.has_value()) committed_answered = true;
    if (!committed_up_to.has_value() && probe.records() > 0) {
      pb::SourceWorkerMessage committed;
      committed.mutable_committed()->set_up_to_record_id(probe.last_id());
      committed_up_to = probe.last_id();
      if (!probe.stream().Write(committed)) {
        committed_problem = "the stream broke";
        break;
      }
    }
  }
  report_.Expect("source.poll-credits", name,
                 "one SourceBatch per Poll, with at most max_records records", [&] {
                   std::vector<std::string> all = poll_problems.list();
                   for (std::string& p : probe.credit_problems().list()) all.push_back(std::move(p));
                   return all;
                 }(),
                 absl::StrCat(probe.polls(), " polls, ", probe.batches(), " batches, ",
                              probe.records(), " records"));
  if (probe.records() == 0) {
    report_.Skip("source.records", name, "well-formed records",
                 absl::StrCat("the task returned no records in ", probe.polls(), " polls"));
  } else {
    report_.Expect("source.records", name,
                   "records with ids increasing from 1, a topic, map (or null) source partitions "
                   "and offsets, values that fit their schemas",
                   probe.record_problems().list(), absl::StrCat(probe.records(), " records"));
  }
  if (probe.offset_requests() == 0) {
    report_.Skip("source.offsets", name, "well-formed OffsetsRequests, answered",
                 "the task asked for no offsets");
  } else {
    report_.Expect("source.offsets", name,
                   "OffsetsRequests for map partitions, answered with OffsetsReply",
                   probe.offset_problems().list(),
                   absl::StrCat(probe.offset_requests(), " requests answered"));
  }
  if (!committed_up_to.has_value()) {
    report_.Skip("source.committed", name, "Committed accepted", "no records to commit");
  } else if (!committed_problem.empty()) {
    report_.Fail("source.committed", name, "the task keeps running after Committed",
                 committed_problem);
  } else if (!committed_answered) {
    report_.Skip("source.committed", name, "the task keeps running after Committed",
                 "no Poll was sent after it");
  } else {
    report_.Pass("source.committed", name,
                 "the task keeps running after Committed (the next Poll is answered)",
                 absl::StrCat("Committed up to record ", *committed_up_to));
  }

  ReportOutcome("source.stop", name, StopExpected(), probe.Stop(options_.stop_timeout));
}

namespace {

// The checker's side of a sink task stream: sends batches, keeps what was delivered per
// partition, checks errant records and pause/resume requests as they arrive.
class SinkProbe final : public TaskProbe<pb::SinkWorkerMessage, pb::SinkPluginMessage> {
 public:
  SinkProbe(grpc::ChannelInterface* channel, std::vector<pb::TaskError>* task_errors)
      : TaskProbe(channel, kSinkMethod, task_errors) {}

  void Opened(const std::vector<TopicPartition>& partitions) {
    for (const TopicPartition& tp : partitions) assigned_.insert(tp);
  }
  void Closed(const std::vector<TopicPartition>& partitions) {
    for (const TopicPartition& tp : partitions) assigned_.erase(tp);
  }

  bool Put(const std::vector<SinkRecord>& records) {
    pb::SinkWorkerMessage message;
    batch_.clear();
    for (const SinkRecord& r : records) {
      wire::SinkRecordToProto(r, schemas_, message.mutable_put());
      TopicPartition tp{r.topic, r.partition};
      delivered_[tp] = std::max(delivered_[tp], r.offset + 1);
      batch_.insert({r.topic, r.partition, r.offset});
    }
    return stream_.Write(message);
  }

  const TopicPartitionOffsets& delivered() const { return delivered_; }
  int errant() const { return errant_; }
  const Problems& errant_problems() const { return errant_problems_; }
  const Problems& request_problems() const { return request_problems_; }

 private:
  absl::StatusOr<bool> Handle(const pb::SinkPluginMessage& message) override {
    switch (message.msg_case()) {
      case pb::SinkPluginMessage::kErrant:
        CheckErrant(message.errant());
        return true;
      case pb::SinkPluginMessage::kPause:
      case pb::SinkPluginMessage::kResume: {
        const auto& partitions = message.msg_case() == pb::SinkPluginMessage::kPause
                                     ? message.pause().partitions()
                                     : message.resume().partitions();
        for (const pb::TopicPartition& tp : partitions) {
          if (!assigned_.contains({tp.topic(), tp.partition()})) {
            request_problems_.Add(absl::StrCat("a pause/resume of ",
                                               PartitionText(tp.topic(), tp.partition()),
                                               ", which is not assigned to the task"));
          }
        }
        return true;
      }
      case pb::SinkPluginMessage::kRewind:
        for (const pb::TopicPartitionOffset& o : message.rewind().offsets()) {
          if (!assigned_.contains({o.topic(), o.partition()})) {
            request_problems_.Add(absl::StrCat("a rewind (OffsetsRewind) of ",
                                               PartitionText(o.topic(), o.partition()),
                                               ", which is not assigned to the task"));
          }
        }
        return true;
      // The checker does not wait for OpenDone (TaskStarted.open_done): it takes it when it
      // comes, as a commit request.
      case pb::SinkPluginMessage::kCommitRequest:
      case pb::SinkPluginMessage::kOpenDone:
        return true;
      default:
        return false;
    }
  }

  void CheckErrant(const pb::ErrantRecord& errant) {
    ++errant_;
    const pb::SinkRecord& r = errant.record();
    if (!batch_.contains({r.topic(), r.partition(), r.offset()})) {
      errant_problems_.Add(absl::StrCat("an errant record at ", PartitionText(r.topic(), r.partition()),
                                        " offset ", r.offset(), ", which is not in the batch being put"));
    }
    if (errant.error().empty()) errant_problems_.Add("an errant record without an error");
    if (absl::Status added = errant_schemas_.Add(errant.schemas()); !added.ok()) {
      errant_problems_.Add(absl::StrCat("errant record schemas: ", added.message()));
    } else if (absl::StatusOr<SinkRecord> decoded = wire::SinkRecordFromProto(r, errant_schemas_);
               !decoded.ok()) {
      errant_problems_.Add(absl::StrCat("an errant record that cannot be read: ",
                                        decoded.status().message()));
    }
  }

  wire::SchemaEncoder schemas_;
  wire::SchemaDecoder errant_schemas_;
  std::set<TopicPartition> assigned_;
  TopicPartitionOffsets delivered_;  // the next offset per partition handed over
  std::set<std::tuple<std::string, int32_t, int64_t>> batch_;  // the batch being put
  int errant_ = 0;
  Problems errant_problems_;
  Problems request_problems_;
};

}  // namespace

void PluginChecker::CheckSinkTask(plugins::PluginProcess& host, ClassCheck& check) {
  const std::string& name = check.name();
  std::string topic = kDefaultTopic;
  if (auto it = check.task_config.find("topics"); it != check.task_config.end()) {
    std::vector<std::string> topics = absl::StrSplit(it->second, ',', absl::SkipWhitespace());
    if (!topics.empty()) topic = std::string(absl::StripAsciiWhitespace(topics[0]));
  }
  const std::vector<TopicPartition> partitions = {{topic, 0}, {topic, 1}};

  SinkProbe probe(host.channel().get(), &check.task_errors);
  if (!ReportOutcome("sink.start", name, StartExpected(),
                     probe.Start(check.task_config, options_.call_timeout))) {
    probe.Abandon(options_.stop_timeout);
    return;
  }

  pb::SinkWorkerMessage open;
  wire::TopicPartitionsToProto(partitions, open.mutable_open()->mutable_partitions());
  probe.Opened(partitions);
  bool alive = probe.stream().Write(open);

  // Two batches: partition 0 (schemaless, STRING, a struct, a tombstone), then partition 1.
  Problems put_problems;
  int delivered_records = 0;
  for (int i = 0; i < 2 && alive; ++i) {
    std::vector<SinkRecord> records = SampleSinkRecords(topic, i, i == 0 ? 0 : 10, i == 0);
    delivered_records += static_cast<int>(records.size());
    if (!probe.Put(records)) {
      put_problems.Add("the stream broke");
      alive = false;
      break;
    }
    absl::StatusOr<pb::SinkPluginMessage> done =
        probe.Await(pb::SinkPluginMessage::kPutDone, options_.call_timeout);
    if (!done.ok()) {
      put_problems.Add(absl::StrCat("batch ", i + 1, " (", records.size(),
                                    " records): ", done.status().message()));
      alive = false;
    }
  }
  report_.Expect("sink.put", name,
                 "PartitionsOpened, then each SinkBatch answered with PutDone", [&] {
                   std::vector<std::string> all = put_problems.list();
                   for (std::string& p : probe.request_problems().list()) all.push_back(std::move(p));
                   return all;
                 }(),
                 absl::StrCat(delivered_records, " records of 7 shapes in 2 batches"));
  if (probe.errant() == 0) {
    report_.Skip("sink.errant", name, "errant records from the batch being put",
                 "the task reported none");
  } else {
    report_.Expect("sink.errant", name,
                   "errant records from the batch being put, with an error, readable",
                   probe.errant_problems().list(), absl::StrCat(probe.errant(), " reported"));
  }

  // Sends PreCommit{offsets} and waits for PreCommitDone; with `check_offsets`, every offset it
  // returns must be at most what was delivered to its partition.
  auto pre_commit = [&](const TopicPartitionOffsets& offsets, bool check_offsets,
                        Problems& problems) {
    pb::SinkWorkerMessage message;
    wire::TopicPartitionOffsetsToProto(offsets, message.mutable_pre_commit()->mutable_offsets());
    if (!probe.stream().Write(message)) {
      problems.Add("the stream broke");
      return false;
    }
    absl::StatusOr<pb::SinkPluginMessage> done =
        probe.Await(pb::SinkPluginMessage::kPreCommitDone, options_.call_timeout);
    if (!done.ok()) {
      problems.Add(std::string(done.status().message()));
      return false;
    }
    if (!check_offsets) return true;
    for (const auto& [tp, offset] :
         wire::TopicPartitionOffsetsFromProto(done->pre_commit_done().offsets())) {
      auto it = probe.delivered().find(tp);
      if (it == probe.delivered().end()) {
        problems.Add(absl::StrCat("an offset for ", PartitionText(tp.topic, tp.partition),
                                  ", which was never delivered"));
      } else if (offset > it->second) {
        problems.Add(absl::StrCat("offset ", offset, " for ", PartitionText(tp.topic, tp.partition),
                                  ", beyond the ", it->second, " delivered"));
      }
    }
    return true;
  };

  if (alive) {
    Problems problems;
    alive = pre_commit(probe.delivered(), /*check_offsets=*/true, problems);
    report_.Expect("sink.pre-commit", name,
                   "PreCommit answered with PreCommitDone whose offsets are not beyond what was "
                   "delivered",
                   problems.list());
  } else {
    report_.Skip("sink.pre-commit", name, "PreCommit answered", "the puts failed");
  }

  if (alive) {
    pb::SinkWorkerMessage close;
    wire::TopicPartitionsToProto({partitions[1]}, close.mutable_close()->mutable_partitions());
    probe.Closed({partitions[1]});
    Problems problems;
    if (!probe.stream().Write(close)) {
      problems.Add("the stream broke");
      alive = false;
    } else {
      TopicPartitionOffsets remaining = {{partitions[0], probe.delivered().at(partitions[0])}};
      alive = pre_commit(remaining, /*check_offsets=*/false, problems);
    }
    report_.Expect("sink.close", name,
                   "PartitionsClosed taken without error (the next PreCommit is answered)",
                   problems.list());
  } else {
    report_.Skip("sink.close", name, "PartitionsClosed taken", "an earlier step failed");
  }

  if (!alive) {
    // The task failed (a TaskError) or broke: the worker still sends Stop and closes its side.
    probe.Abandon(options_.stop_timeout);
    report_.Skip("sink.stop", name, StopExpected(), "an earlier step failed");
    return;
  }
  ReportOutcome("sink.stop", name, StopExpected(), probe.Stop(options_.stop_timeout));
}

void PluginChecker::CheckTaskError(plugins::PluginProcess& host, ClassCheck& check) {
  const std::string& name = check.name();
  const ConfigMap empty = {{"task.class", check.task_class}};
  // Starts the task with only task.class: most tasks refuse that config with a TaskError.
  auto provoke = [&](auto& probe) -> std::optional<std::string> {
    if (!probe.Start(empty, options_.call_timeout).ok()) {
      probe.Abandon(options_.stop_timeout);
      return std::nullopt;
    }
    (void)probe.Stop(options_.stop_timeout);
    return "the task started with an empty config";
  };
  std::optional<std::string> outcome;  // set when the task started anyway
  if (check.connector.type() == pb::CONNECTOR_TYPE_SOURCE) {
    SourceProbe probe(host.channel().get(), &check.task_errors);
    outcome = provoke(probe);
  } else {
    SinkProbe probe(host.channel().get(), &check.task_errors);
    outcome = provoke(probe);
  }

  const std::string expected = "every TaskError has a message and a trace";
  if (check.task_errors.empty()) {
    report_.Skip("task.error", name, expected,
                 outcome.value_or("no TaskError came") + "; no failure was provoked");
    return;
  }
  Problems problems;
  for (const pb::TaskError& error : check.task_errors) {
    if (error.message().empty()) problems.Add("a TaskError without a message");
    if (error.trace().empty()) {
      problems.Add(absl::StrCat(TaskErrorText(error), " without a trace"));
    }
  }
  report_.Expect("task.error", name, expected, problems.list(),
                 absl::StrCat(check.task_errors.size(), " TaskError(s), e.g. ",
                              TaskErrorText(check.task_errors.front())));
}

}  // namespace sluice::plugin_check
