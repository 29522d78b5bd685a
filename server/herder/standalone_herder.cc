#include "server/herder/standalone_herder.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/runtime/sink_task_runner.h"
#include "server/runtime/source_task_runner.h"
#include "server/convert/json.h"

namespace sluice::herder {

namespace pb = ::sluice::plugin::v1;

namespace {

std::chrono::system_clock::time_point Deadline(absl::Duration timeout) {
  return absl::ToChronoTime(absl::Now() + timeout);
}

std::string GrpcError(absl::string_view what, const grpc::Status& s) {
  return absl::StrCat(what, ": ", s.error_message());
}

}  // namespace

std::string_view StateName(State state) {
  switch (state) {
    case State::kUnassigned: return "UNASSIGNED";
    case State::kRunning: return "RUNNING";
    case State::kPaused: return "PAUSED";
    case State::kFailed: return "FAILED";
    case State::kRestarting: return "RESTARTING";
    case State::kStopped: return "STOPPED";
  }
  return "UNASSIGNED";
}

absl::StatusOr<std::unique_ptr<StandaloneHerder>> StandaloneHerder::Create(Options options) {
  auto herder = std::unique_ptr<StandaloneHerder>(new StandaloneHerder(std::move(options)));
  absl::StatusOr<std::vector<store::StoredConnector>> stored =
      herder->options_.connector_store->Load();
  if (!stored.ok()) return stored.status();
  absl::MutexLock lock(&herder->mu_);
  for (store::StoredConnector& s : *stored) {
    Connector c;
    c.name = s.name;
    c.config = std::move(s.config);
    c.target = s.target_state;
    auto cls = c.config.find("connector.class");
    const plugins::ConnectorPlugin* plugin =
        cls == c.config.end() ? nullptr : herder->options_.registry->Find(cls->second);
    if (plugin != nullptr) c.type = std::string(plugins::ConnectorTypeName(plugin->type));
    herder->connectors_.emplace(c.name, std::move(c));
  }
  return herder;
}

StandaloneHerder::~StandaloneHerder() { Shutdown(); }

void StandaloneHerder::StartAll() {
  absl::MutexLock op(&op_mu_);
  std::vector<std::string> names = ConnectorNames();
  for (const std::string& name : names) StartRuntime(name);
}

void StandaloneHerder::Shutdown() {
  absl::MutexLock op(&op_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  std::vector<std::string> names;
  for (const auto& [name, rt] : runtimes_) names.push_back(name);
  for (const std::string& name : names) StopRuntime(name, State::kUnassigned);
}

std::vector<std::string> StandaloneHerder::ConnectorNames() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> names;
  for (const auto& [name, c] : connectors_) names.push_back(name);
  return names;
}

absl::StatusOr<ValidatedConfig> StandaloneHerder::Validate(
    const ConfigMap& config, const std::set<std::string>& null_keys) {
  absl::StatusOr<ValidatedConfig> validated =
      ValidateConnectorConfig(*options_.registry, config, null_keys);
  if (!validated.ok()) return validated.status();
  if (validated->error_count > 0) {
    return absl::InvalidArgumentError(InvalidConfigMessage(*validated));
  }
  return validated;
}

absl::Status StandaloneHerder::Persist() {
  std::vector<store::StoredConnector> all;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, c] : connectors_) all.push_back({name, c.config, c.target});
  }
  return options_.connector_store->Save(all);
}

absl::StatusOr<ConnectorInfo> StandaloneHerder::CreateConnector(
    std::string name, ConfigMap config, std::optional<std::string> initial_state,
    const std::set<std::string>& null_keys) {
  name = std::string(absl::StripAsciiWhitespace(name));
  store::TargetState target = store::TargetState::kStarted;
  if (initial_state.has_value()) {
    std::string upper = absl::AsciiStrToUpper(*initial_state);
    if (upper == "RUNNING") {
      target = store::TargetState::kStarted;
    } else if (upper == "PAUSED") {
      target = store::TargetState::kPaused;
    } else if (upper == "STOPPED") {
      target = store::TargetState::kStopped;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid initial state ", *initial_state,
          "; the initial state must be one of RUNNING, PAUSED or STOPPED"));
    }
  }
  if (auto it = config.find("name"); it != config.end() && it->second != name) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Connector name configuration (", it->second,
        ") doesn't match connector name in the URL (", name, ")"));
  }
  config["name"] = name;

  absl::MutexLock op(&op_mu_);
  if (shut_down_) return absl::UnavailableError("The worker is shutting down");
  absl::StatusOr<ValidatedConfig> validated = Validate(config, null_keys);
  if (!validated.ok()) return validated.status();
  {
    absl::MutexLock lock(&mu_);
    if (connectors_.contains(name)) {
      return absl::AlreadyExistsError(absl::StrCat("Connector ", name, " already exists"));
    }
    Connector c;
    c.name = name;
    c.config = config;
    c.target = target;
    c.type = std::string(plugins::ConnectorTypeName(validated->plugin->type));
    connectors_.emplace(name, std::move(c));
  }
  if (absl::Status s = Persist(); !s.ok()) {
    absl::MutexLock lock(&mu_);
    connectors_.erase(name);
    return s;
  }
  spdlog::info("Created connector {}", name);
  StartRuntime(name);
  return GetConnectorInfo(name);
}

absl::StatusOr<PutResult> StandaloneHerder::PutConnectorConfig(
    const std::string& name, ConfigMap config, const std::set<std::string>& null_keys) {
  if (auto it = config.find("name"); it != config.end() && it->second != name) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Connector name configuration (", it->second,
        ") doesn't match connector name in the URL (", name, ")"));
  }
  config["name"] = name;
  absl::MutexLock op(&op_mu_);
  if (shut_down_) return absl::UnavailableError("The worker is shutting down");
  absl::StatusOr<ValidatedConfig> validated = Validate(config, null_keys);
  if (!validated.ok()) return validated.status();
  bool created = false;
  ConfigMap previous;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      created = true;
      Connector c;
      c.name = name;
      c.config = config;
      c.type = std::string(plugins::ConnectorTypeName(validated->plugin->type));
      connectors_.emplace(name, std::move(c));
    } else {
      previous = it->second.config;
    }
  }
  if (!created) StopRuntime(name, State::kUnassigned);
  {
    absl::MutexLock lock(&mu_);
    Connector& c = connectors_.at(name);
    c.config = config;
    c.type = std::string(plugins::ConnectorTypeName(validated->plugin->type));
  }
  if (absl::Status s = Persist(); !s.ok()) {
    absl::MutexLock lock(&mu_);
    if (created) {
      connectors_.erase(name);
    } else {
      connectors_.at(name).config = previous;
    }
    return s;
  }
  spdlog::info("{} connector {}", created ? "Created" : "Reconfigured", name);
  StartRuntime(name);
  absl::StatusOr<ConnectorInfo> info = GetConnectorInfo(name);
  if (!info.ok()) return info.status();
  return PutResult{*std::move(info), created};
}

absl::StatusOr<ConnectorInfo> StandaloneHerder::PatchConnectorConfig(
    const std::string& name, const std::map<std::string, std::optional<std::string>>& patch) {
  ConfigMap merged;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
    merged = it->second.config;
  }
  for (const auto& [key, value] : patch) {
    if (value.has_value()) {
      merged[key] = *value;
    } else {
      merged.erase(key);
    }
  }
  absl::StatusOr<PutResult> result = PutConnectorConfig(name, std::move(merged));
  if (!result.ok()) return result.status();
  return result->info;
}

absl::Status StandaloneHerder::DeleteConnector(const std::string& name) {
  absl::MutexLock op(&op_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (!connectors_.contains(name)) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
  }
  StopRuntime(name, State::kUnassigned);
  Connector removed;
  {
    absl::MutexLock lock(&mu_);
    removed = std::move(connectors_.at(name));
    connectors_.erase(name);
    active_topics_.erase(name);
  }
  if (absl::Status s = Persist(); !s.ok()) {
    absl::MutexLock lock(&mu_);
    connectors_.emplace(name, std::move(removed));
    return s;
  }
  spdlog::info("Deleted connector {}", name);
  return absl::OkStatus();
}

ConnectorInfo StandaloneHerder::InfoLocked(const Connector& c) const {
  ConnectorInfo info;
  info.name = c.name;
  info.config = c.config;
  info.type = c.type;
  for (size_t i = 0; i < c.task_configs.size(); ++i) info.tasks.push_back(static_cast<int>(i));
  return info;
}

absl::StatusOr<ConnectorInfo> StandaloneHerder::GetConnectorInfo(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  return InfoLocked(it->second);
}

absl::StatusOr<ConfigMap> StandaloneHerder::GetConnectorConfig(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  return it->second.config;
}

absl::StatusOr<ConnectorStatus> StandaloneHerder::GetConnectorStatus(
    const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end() || !it->second.status.has_value()) {
    return absl::NotFoundError(absl::StrCat("No status found for connector ", name));
  }
  return ConnectorStatus{name, *it->second.status, it->second.task_statuses, it->second.type};
}

absl::StatusOr<InstanceStatus> StandaloneHerder::GetTaskStatus(const std::string& name,
                                                               int task) const {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it != connectors_.end()) {
    auto t = it->second.task_statuses.find(task);
    if (t != it->second.task_statuses.end()) return t->second;
  }
  return absl::NotFoundError(absl::StrCat("No status found for task ", name, "-", task));
}

absl::StatusOr<std::vector<TaskInfo>> StandaloneHerder::GetTasks(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  std::vector<TaskInfo> tasks;
  for (size_t i = 0; i < it->second.task_configs.size(); ++i) {
    tasks.push_back({static_cast<int>(i), it->second.task_configs[i]});
  }
  return tasks;
}

void StandaloneHerder::SetConnectorStatus(const std::string& name, State state,
                                          std::optional<std::string> trace) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return;
  it->second.status = InstanceStatus{state, options_.worker_id, std::move(trace)};
}

void StandaloneHerder::FailConnector(const std::string& name, const std::string& trace) {
  spdlog::error("Connector {} failed: {}", name, trace);
  SetConnectorStatus(name, State::kFailed, trace);
}

void StandaloneHerder::OnHostExit(const std::string& name, uint64_t generation,
                                  const std::string& trace) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end() || it->second.generation != generation) return;  // stopped on purpose
  spdlog::error("The plugin host of connector {} died: {}", name, trace);
  it->second.status = InstanceStatus{State::kFailed, options_.worker_id, trace};
  for (auto& [task, status] : it->second.task_statuses) {
    if (status.state != State::kFailed) {
      status = InstanceStatus{State::kFailed, options_.worker_id, trace};
    }
  }
}

void StandaloneHerder::StartRuntime(const std::string& name) {
  ConfigMap config;
  store::TargetState target;
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    Connector& c = connectors_.at(name);
    config = c.config;
    target = c.target;
    generation = c.generation;
    c.task_statuses.clear();
    c.task_configs.clear();
  }
  if (target == store::TargetState::kStopped) {
    SetConnectorStatus(name, State::kStopped, std::nullopt);
    return;
  }
  if (target == store::TargetState::kPaused) {
    // As in Kafka Connect, a connector that starts paused is not started and has no tasks yet.
    SetConnectorStatus(name, State::kPaused, std::nullopt);
    return;
  }
  const plugins::ConnectorPlugin* plugin =
      options_.registry->Find(config.count("connector.class") ? config.at("connector.class") : "");
  if (plugin == nullptr) {
    FailConnector(name, options_.registry->UnknownClassMessage(
                            config.count("connector.class") ? config.at("connector.class") : ""));
    return;
  }
  absl::StatusOr<std::unique_ptr<plugins::PluginProcess>> host =
      options_.registry->StartHost(*plugin, name);
  if (!host.ok()) {
    FailConnector(name, absl::StrCat("Could not start the plugin host: ", host.status().message()));
    return;
  }
  Runtime& rt = runtimes_[name];
  rt.host = *std::move(host);
  rt.plugin = plugin;
  rt.config = config;
  rt.host->OnExit([this, name, generation](const plugins::ExitInfo& exit) {
    OnHostExit(name, generation, exit.Describe());
  });

  const absl::Duration timeout = options_.worker->plugin_call_timeout;
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline(timeout));
    pb::StartConnectorRequest request;
    request.set_connector_class(plugin->class_name);
    request.set_connector_name(name);
    request.mutable_config()->insert(config.begin(), config.end());
    pb::StartConnectorResponse response;
    grpc::Status s = rt.host->stub().StartConnector(&context, request, &response);
    if (!s.ok()) {
      FailConnector(name, GrpcError("Failed to start connector", s));
      return;
    }
  }
  SetConnectorStatus(name, State::kRunning, std::nullopt);

  int max_tasks = 1;
  if (auto it = config.find("tasks.max"); it != config.end()) {
    (void)absl::SimpleAtoi(it->second, &max_tasks);
  }
  pb::TaskConfigsResponse task_configs;
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline(timeout));
    pb::TaskConfigsRequest request;
    request.set_max_tasks(max_tasks);
    grpc::Status s = rt.host->stub().TaskConfigs(&context, request, &task_configs);
    if (!s.ok()) {
      FailConnector(name, GrpcError("Failed to generate task configs", s));
      return;
    }
  }
  bool enforce = config.count("tasks.max.enforce") == 0 ||
                 absl::AsciiStrToLower(config.at("tasks.max.enforce")) != "false";
  if (enforce && task_configs.tasks_size() > max_tasks) {
    FailConnector(name, absl::StrCat(
                            "The connector ", name, " has generated ", task_configs.tasks_size(),
                            " tasks, which is greater than ", max_tasks,
                            ", the maximum number of tasks it is configured to create. This "
                            "behaviour should be considered a bug and is disallowed. If necessary, "
                            "it can be permitted by reconfiguring the connector with "
                            "'tasks.max.enforce' set to false; however, this option will be "
                            "removed in a future release of Kafka Connect."));
    return;
  }
  std::vector<ConfigMap> tasks;
  for (const pb::TaskConfig& t : task_configs.tasks()) {
    ConfigMap task(t.config().begin(), t.config().end());
    task["task.class"] = task_configs.task_class();
    if (plugin->type == plugins::ConnectorType::kSink) {
      for (const char* key : {"topics", "topics.regex"}) {
        if (auto it = config.find(key); it != config.end()) task[key] = it->second;
      }
    }
    tasks.push_back(std::move(task));
  }
  {
    absl::MutexLock lock(&mu_);
    connectors_.at(name).task_configs = tasks;
  }
  for (size_t i = 0; i < tasks.size(); ++i) StartTask(name, static_cast<int>(i));
}

void StandaloneHerder::StartTask(const std::string& name, int task) {
  Runtime& rt = runtimes_.at(name);
  runtime::TaskRunnerOptions o;
  {
    absl::MutexLock lock(&mu_);
    o.task_config = connectors_.at(name).task_configs.at(static_cast<size_t>(task));
  }
  o.id = {name, task};
  o.connector_config = rt.config;
  o.worker = options_.worker;
  o.bootstrap_servers = options_.bootstrap_servers;
  o.ensure_topic = options_.ensure_topic;
  o.stub = &rt.host->stub();
  o.process = rt.host.get();
  o.listener = this;
  std::unique_ptr<runtime::TaskRunner> runner;
  if (rt.plugin->type == plugins::ConnectorType::kSource) {
    runner = std::make_unique<runtime::SourceTaskRunner>(std::move(o), options_.offsets);
  } else {
    runner = std::make_unique<runtime::SinkTaskRunner>(std::move(o));
  }
  runner->Start();
  rt.runners[task] = std::move(runner);
}

void StandaloneHerder::StopTask(const std::string& name, int task) {
  Runtime& rt = runtimes_.at(name);
  auto it = rt.runners.find(task);
  if (it == rt.runners.end()) return;
  if (!it->second->Stop(options_.worker->task_shutdown_graceful_timeout)) {
    spdlog::warn("Task {}-{} did not stop within {}; killing its plugin host", name, task,
                 absl::FormatDuration(options_.worker->task_shutdown_graceful_timeout));
    rt.host->Stop(absl::ZeroDuration());
  }
  it->second->Join();
  rt.runners.erase(it);
}

bool StandaloneHerder::HostAlive(const std::string& name) {
  auto it = runtimes_.find(name);
  return it != runtimes_.end() && it->second.host != nullptr &&
         !it->second.host->exit_info().has_value();
}

bool StandaloneHerder::RestartConnectorInstance(const std::string& name) {
  Runtime& rt = runtimes_.at(name);
  const absl::Duration timeout = options_.worker->plugin_call_timeout;
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline(timeout));
    pb::StopConnectorResponse response;
    grpc::Status s = rt.host->stub().StopConnector(&context, pb::StopConnectorRequest(), &response);
    if (!s.ok() && s.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      FailConnector(name, GrpcError("Failed to stop connector", s));
      return false;
    }
  }
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout));
  pb::StartConnectorRequest request;
  request.set_connector_class(rt.plugin->class_name);
  request.set_connector_name(name);
  request.mutable_config()->insert(rt.config.begin(), rt.config.end());
  pb::StartConnectorResponse response;
  grpc::Status s = rt.host->stub().StartConnector(&context, request, &response);
  if (!s.ok()) {
    FailConnector(name, GrpcError("Failed to start connector", s));
    return false;
  }
  SetConnectorStatus(name, State::kRunning, std::nullopt);
  return true;
}

absl::Status StandaloneHerder::SetTarget(const std::string& name, store::TargetState target,
                                         const std::string& not_found) {
  store::TargetState previous;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) return absl::NotFoundError(not_found);
    previous = it->second.target;
    it->second.target = target;
  }
  if (absl::Status s = Persist(); !s.ok()) {
    absl::MutexLock lock(&mu_);
    connectors_.at(name).target = previous;
    return s;
  }
  return absl::OkStatus();
}

absl::Status StandaloneHerder::PauseConnector(const std::string& name) {
  absl::MutexLock op(&op_mu_);
  if (absl::Status s = SetTarget(name, store::TargetState::kPaused,
                                 absl::StrCat("Unknown connector ", name));
      !s.ok()) {
    return s;
  }
  StopRuntime(name, State::kPaused);
  absl::MutexLock lock(&mu_);
  Connector& c = connectors_.at(name);
  if (!c.status.has_value() || c.status->state != State::kFailed) {
    c.status = InstanceStatus{State::kPaused, options_.worker_id, std::nullopt};
  }
  return absl::OkStatus();
}

absl::Status StandaloneHerder::ResumeConnector(const std::string& name) {
  absl::MutexLock op(&op_mu_);
  bool running;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      return absl::NotFoundError(absl::StrCat("Unknown connector ", name));
    }
    running = it->second.target == store::TargetState::kStarted;
  }
  if (running && HostAlive(name)) return absl::OkStatus();  // idempotent
  if (absl::Status s = SetTarget(name, store::TargetState::kStarted,
                                 absl::StrCat("Unknown connector ", name));
      !s.ok()) {
    return s;
  }
  StopRuntime(name, State::kUnassigned);
  StartRuntime(name);
  return absl::OkStatus();
}

absl::Status StandaloneHerder::StopConnector(const std::string& name) {
  absl::MutexLock op(&op_mu_);
  if (absl::Status s = SetTarget(name, store::TargetState::kStopped,
                                 absl::StrCat("No connector `", name, "` configured"));
      !s.ok()) {
    // Kafka Connect's standalone worker answers an unknown connector here with 500.
    return s.code() == absl::StatusCode::kNotFound ? absl::InternalError(s.message()) : s;
  }
  StopRuntime(name, State::kUnassigned);
  absl::MutexLock lock(&mu_);
  Connector& c = connectors_.at(name);
  c.task_configs.clear();
  c.task_statuses.clear();
  c.status = InstanceStatus{State::kStopped, options_.worker_id, std::nullopt};
  return absl::OkStatus();
}

absl::StatusOr<StandaloneHerder::RestartResult> StandaloneHerder::RestartConnector(
    const std::string& name, bool include_tasks, bool only_failed) {
  absl::MutexLock op(&op_mu_);
  const bool plain = !include_tasks && !only_failed;
  store::TargetState target;
  RestartResult result;
  bool restart_connector = true;
  std::vector<int> restart_tasks;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      return absl::NotFoundError(plain ? absl::StrCat("Connector ", name, " not found")
                                       : absl::StrCat("Unknown connector: ", name));
    }
    Connector& c = it->second;
    target = c.target;
    if (!plain) {
      if (!c.status.has_value()) {
        return absl::NotFoundError(absl::StrCat("Status for connector ", name, " not found"));
      }
      restart_connector = !only_failed || c.status->state == State::kFailed;
      for (const auto& [task, status] : c.task_statuses) {
        if (include_tasks && (!only_failed || status.state == State::kFailed)) {
          restart_tasks.push_back(task);
        }
      }
      ConnectorStatus snapshot{name, *c.status, c.task_statuses, c.type};
      if (restart_connector) {
        snapshot.connector = {State::kRestarting, options_.worker_id, std::nullopt};
        c.status = snapshot.connector;
      }
      for (int task : restart_tasks) {
        snapshot.tasks[task] = {State::kRestarting, options_.worker_id, std::nullopt};
        c.task_statuses[task] = snapshot.tasks[task];
      }
      result.status = std::move(snapshot);
    }
  }
  if (target != store::TargetState::kStarted) return result;  // nothing runs to restart
  if (!HostAlive(name)) {
    // The host died (or never started): everything starts again in a new one.
    if (restart_connector || !restart_tasks.empty()) {
      StopRuntime(name, State::kUnassigned);
      StartRuntime(name);
    }
    return result;
  }
  if (restart_connector && !RestartConnectorInstance(name)) return result;
  for (int task : restart_tasks) {
    StopTask(name, task);
    StartTask(name, task);
  }
  return result;
}

absl::Status StandaloneHerder::RestartTask(const std::string& name, int task) {
  absl::MutexLock op(&op_mu_);
  store::TargetState target;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
    if (task < 0 || static_cast<size_t>(task) >= it->second.task_configs.size()) {
      return absl::NotFoundError(absl::StrCat("Task ", name, "-", task, " not found"));
    }
    target = it->second.target;
  }
  if (target != store::TargetState::kStarted) return absl::OkStatus();
  if (!HostAlive(name)) {
    StopRuntime(name, State::kUnassigned);
    StartRuntime(name);
    return absl::OkStatus();
  }
  StopTask(name, task);
  StartTask(name, task);
  return absl::OkStatus();
}

absl::StatusOr<std::string> StandaloneHerder::ConnectorType(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  return it->second.type;
}

namespace {

constexpr char kOffsetsAlteredMessage[] =
    "The Connect framework-managed offsets for this connector have been altered successfully. "
    "However, if this connector manages offsets externally, they will need to be manually "
    "altered in the system that the connector uses.";
constexpr char kOffsetsResetMessage[] =
    "The Connect framework-managed offsets for this connector have been reset successfully. "
    "However, if this connector manages offsets externally, they will need to be manually reset "
    "in the system that the connector uses.";

}  // namespace

absl::Status StandaloneHerder::CheckStoppedForOffsets(const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  if (it->second.target != store::TargetState::kStopped || !it->second.task_configs.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Connectors must be in the STOPPED state before their offsets can be modified. This can "
        "be done for the specified connector by issuing a 'PUT' request to the '/connectors/",
        name, "/stop' endpoint"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> StandaloneHerder::AlterSourceOffsets(
    const std::string& name, const std::vector<std::pair<Value, std::optional<Value>>>& offsets,
    bool reset_all) {
  absl::MutexLock op(&op_mu_);
  if (absl::Status s = CheckStoppedForOffsets(name); !s.ok()) return s;
  std::vector<store::OffsetWrite> writes;
  if (reset_all) {
    absl::StatusOr<std::vector<PartitionOffsetJson>> existing = GetSourceOffsets(name);
    if (!existing.ok()) return existing.status();
    for (const PartitionOffsetJson& o : *existing) {
      absl::StatusOr<Value> partition = convert::ParseSchemaless(o.partition);
      if (!partition.ok()) return partition.status();
      writes.emplace_back(convert::SerializeSchemaless(Value::Array({Value::String(name), *partition})),
                          std::nullopt);
    }
  } else {
    for (const auto& [partition, offset] : offsets) {
      std::string key = convert::SerializeSchemaless(Value::Array({Value::String(name), partition}));
      if (offset.has_value()) {
        writes.emplace_back(std::move(key), convert::SerializeSchemaless(*offset));
      } else {
        writes.emplace_back(std::move(key), std::nullopt);
      }
    }
  }
  if (absl::Status s = options_.offsets->Write(writes); !s.ok()) return s;
  return std::string(reset_all ? kOffsetsResetMessage : kOffsetsAlteredMessage);
}

absl::StatusOr<std::string> StandaloneHerder::AlterSinkOffsets(
    const std::string& name, const std::vector<kafka::CommittedOffset>& offsets, bool reset_all) {
  absl::MutexLock op(&op_mu_);
  if (absl::Status s = CheckStoppedForOffsets(name); !s.ok()) return s;
  std::string group = absl::StrCat("connect-", name);
  {
    absl::MutexLock lock(&mu_);
    const ConfigMap& config = connectors_.at(name).config;
    if (auto g = config.find("consumer.override.group.id"); g != config.end()) group = g->second;
  }
  std::vector<kafka::CommittedOffset> commits = offsets;
  if (reset_all) {
    // Without an admin API on every broker (the embedded one has none), a reset commits the
    // beginning of each partition the group had an offset for: the next run starts over.
    absl::StatusOr<std::vector<kafka::CommittedOffset>> existing = GetSinkOffsets(name);
    if (!existing.ok()) return existing.status();
    commits = *existing;
    for (kafka::CommittedOffset& c : commits) c.offset = 0;
  }
  if (!commits.empty()) {
    if (absl::Status s = kafka::CommitGroupOffsets(options_.bootstrap_servers, group, commits,
                                                   absl::Seconds(30));
        !s.ok()) {
      return s;
    }
  }
  return std::string(reset_all ? kOffsetsResetMessage : kOffsetsAlteredMessage);
}

absl::StatusOr<std::vector<kafka::CommittedOffset>> StandaloneHerder::GetSinkOffsets(
    const std::string& name) const {
  std::vector<std::string> topics;
  std::string group = absl::StrCat("connect-", name);
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
    if (auto t = it->second.config.find("topics"); t != it->second.config.end()) {
      for (absl::string_view topic : absl::StrSplit(t->second, ',')) {
        topic = absl::StripAsciiWhitespace(topic);
        if (!topic.empty()) topics.emplace_back(topic);
      }
    }
    if (auto g = it->second.config.find("consumer.override.group.id");
        g != it->second.config.end()) {
      group = g->second;
    }
  }
  return kafka::FetchCommittedOffsets(options_.bootstrap_servers, group, topics,
                                      absl::Seconds(30));
}

absl::StatusOr<std::vector<StandaloneHerder::PartitionOffsetJson>>
StandaloneHerder::GetSourceOffsets(const std::string& name) const {
  if (absl::StatusOr<std::string> type = ConnectorType(name); !type.ok()) return type.status();
  std::vector<PartitionOffsetJson> out;
  for (const auto& [key, value] : options_.offsets->All()) {
    absl::StatusOr<Value> parsed = convert::ParseSchemaless(key);
    if (!parsed.ok() || parsed->kind() != Value::Kind::kArray || parsed->array().size() != 2 ||
        parsed->array()[0].kind() != Value::Kind::kString ||
        parsed->array()[0].string() != name || parsed->array()[1].kind() != Value::Kind::kMap) {
      continue;  // another connector's, or not a Kafka Connect offset key
    }
    out.push_back({convert::SerializeSchemaless(parsed->array()[1]), value});
  }
  return out;
}

void StandaloneHerder::StopRuntime(const std::string& name, State final_state) {
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it != connectors_.end()) ++it->second.generation;
  }
  auto rt_it = runtimes_.find(name);
  if (rt_it != runtimes_.end()) {
    Runtime& rt = rt_it->second;
    // Tasks share task.shutdown.graceful.timeout.ms; a task that does not stop in time has its
    // host killed, which ends its stream.
    absl::Time deadline = absl::Now() + options_.worker->task_shutdown_graceful_timeout;
    bool all_stopped = true;
    for (auto& [task, runner] : rt.runners) {
      all_stopped = runner->Stop(std::max(absl::ZeroDuration(), deadline - absl::Now())) &&
                    all_stopped;
    }
    if (!all_stopped && rt.host != nullptr) {
      spdlog::warn("Tasks of connector {} did not stop within {}; killing its plugin host", name,
                   absl::FormatDuration(options_.worker->task_shutdown_graceful_timeout));
      rt.host->Stop(absl::ZeroDuration());
    }
    for (auto& [task, runner] : rt.runners) runner->Join();
    rt.runners.clear();
    if (rt.host != nullptr) {
      if (!rt.host->exit_info().has_value()) {
        grpc::ClientContext context;
        context.set_deadline(Deadline(absl::Seconds(5)));
        pb::StopConnectorResponse response;
        grpc::Status s =
            rt.host->stub().StopConnector(&context, pb::StopConnectorRequest(), &response);
        if (!s.ok()) spdlog::warn("Stopping connector {}: {}", name, s.error_message());
      }
      rt.host->Stop(absl::Seconds(2));
    }
    runtimes_.erase(rt_it);
  }
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return;
  Connector& c = it->second;
  if (c.status.has_value() && c.status->state != State::kFailed) {
    c.status = InstanceStatus{final_state, options_.worker_id, std::nullopt};
  }
  for (auto& [task, status] : c.task_statuses) {
    if (status.state != State::kFailed) {
      status = InstanceStatus{final_state, options_.worker_id, std::nullopt};
    }
  }
}

void StandaloneHerder::OnTaskRunning(const runtime::TaskId& id) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(id.connector);
  if (it == connectors_.end()) return;
  it->second.task_statuses[id.task] = InstanceStatus{State::kRunning, options_.worker_id, {}};
}

void StandaloneHerder::OnTaskFailed(const runtime::TaskId& id, const std::string& trace) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(id.connector);
  if (it == connectors_.end()) return;
  it->second.task_statuses[id.task] = InstanceStatus{State::kFailed, options_.worker_id, trace};
}

void StandaloneHerder::OnTopicUsed(const runtime::TaskId& id, const std::string& topic) {
  absl::MutexLock lock(&mu_);
  if (connectors_.contains(id.connector)) active_topics_[id.connector].insert(topic);
}

std::vector<std::string> StandaloneHerder::GetActiveTopics(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = active_topics_.find(name);
  if (it == active_topics_.end()) return {};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

void StandaloneHerder::ResetActiveTopics(const std::string& name) {
  absl::MutexLock lock(&mu_);
  active_topics_.erase(name);
}

void StandaloneHerder::OnTaskStopped(const runtime::TaskId& id) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(id.connector);
  if (it == connectors_.end()) return;
  it->second.task_statuses[id.task] = InstanceStatus{State::kUnassigned, options_.worker_id, {}};
}

}  // namespace sluice::herder
