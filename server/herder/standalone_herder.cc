#include "server/herder/standalone_herder.h"

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "formats/schemaless_json.h"
#include "server/kafka/consumer_groups.h"
#include "server/store/offset_records.h"
#include "server/kafka/client_configs.h"
#include "server/kafka/client_override_policy.h"

namespace sluice::herder {

namespace {

bool IsFailed(const std::optional<InstanceStatus>& status) {
  return status.has_value() && status->state == State::kFailed;
}

// How long a pause request waits for the connector's tasks to pause.
constexpr absl::Duration kPauseTimeout = absl::Seconds(5);

}  // namespace


absl::StatusOr<std::unique_ptr<StandaloneHerder>> StandaloneHerder::Create(Options options) {
  auto herder = std::unique_ptr<StandaloneHerder>(new StandaloneHerder(std::move(options)));
  const Options& o = herder->options_;
  herder->restarts_ = std::make_unique<RestartScheduler>(RestartScheduler::Options{
      .restart =
          [h = herder.get()](const std::string& name) {
            // As a user's POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true.
            absl::StatusOr<RestartResult> restarted = h->RestartConnector(name, true, true);
            if (!restarted.ok() && !absl::IsNotFound(restarted.status())) {
              spdlog::error("Automatic restart of connector {} failed: {}", name,
                            std::string(restarted.status().message()));
            }
          }});
  herder->worker_ = std::make_unique<worker::Worker>(
      worker::Worker::Options{.worker = o.worker,
                              .bootstrap_servers = o.bootstrap_servers,
                              .ensure_topic = o.ensure_topic,
                              .topic_admin_factory = o.topic_admin_factory,
                              .registry = o.registry,
                              .hosts = o.hosts,
                              .offsets = o.offsets,
                              .listener = herder.get(),
                              .metrics = o.metrics});
  store::ClusterConfigState stored = herder->options_.config_store->Snapshot();
  absl::MutexLock lock(&herder->mu_);
  for (auto& [name, config] : stored.connectors) {
    Connector c;
    c.name = name;
    c.config = std::move(config);
    if (auto t = stored.target_states.find(name); t != stored.target_states.end()) {
      c.target = t->second;
    }
    auto cls = c.config.find("connector.class");
    const plugins::ConnectorPlugin* plugin =
        cls == c.config.end() ? nullptr : herder->options_.registry->Find(cls->second);
    if (plugin != nullptr) c.type = std::string(plugins::ConnectorTypeName(plugin->type));
    herder->connectors_.emplace(c.name, std::move(c));
  }
  herder->events_thread_ = std::thread([h = herder.get()] { h->RunEvents(); });
  return herder;
}

StandaloneHerder::~StandaloneHerder() { Shutdown(); }

std::shared_ptr<StandaloneHerder::Slot> StandaloneHerder::SlotFor(const std::string& name) {
  absl::MutexLock lock(&mu_);
  std::shared_ptr<Slot>& slot = slots_[name];
  if (slot == nullptr) slot = std::make_shared<Slot>();
  return slot;
}

void StandaloneHerder::StartAll() {
  for (const std::string& name : ConnectorNames()) {
    std::shared_ptr<Slot> slot = SlotFor(name);
    absl::MutexLock op(&slot->mu);
    (void)StartRuntime(name, *slot);
  }
}

void StandaloneHerder::Shutdown() {
  std::vector<std::pair<std::string, std::shared_ptr<Slot>>> slots;
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;  // from now on nothing starts
    slots.assign(slots_.begin(), slots_.end());
  }
  if (restarts_ != nullptr) restarts_->Stop();
  for (auto& [name, slot] : slots) {
    absl::MutexLock op(&slot->mu);
    StopRuntime(name, *slot, State::kUnassigned);
  }
  {
    absl::MutexLock lock(&events_mu_);
    events_stop_ = true;
  }
  if (events_thread_.joinable()) events_thread_.join();
}

void StandaloneHerder::QueueEvent(PendingEvent event) {
  absl::MutexLock lock(&events_mu_);
  if (!events_stop_) events_.push_back(std::move(event));
}

void StandaloneHerder::RunEvents() {
  while (true) {
    PendingEvent event;
    {
      absl::MutexLock lock(&events_mu_);
      events_mu_.Await(absl::Condition(
          +[](StandaloneHerder* h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(h->events_mu_) {
            return h->events_stop_ || !h->events_.empty();
          },
          this));
      if (events_stop_) return;
      event = std::move(events_.front());
      events_.pop_front();
    }
    HandleEvent(event);
  }
}

void StandaloneHerder::HandleEvent(const PendingEvent& event) {
  std::shared_ptr<Slot> slot = SlotFor(event.connector);
  absl::MutexLock op(&slot->mu);
  store::TargetState target;
  bool connector_failed;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(event.connector);
    if (shut_down_ || it == connectors_.end() || it->second.generation != event.generation) {
      return;  // the runtime that raised it is gone
    }
    target = it->second.target;
    connector_failed = IsFailed(options_.status_store->GetConnector(event.connector));
  }
  if (!worker_->HostAlive(event.connector)) return;
  switch (event.event.kind) {
    case worker::ConnectorEvent::Kind::kFailure:
      // Kafka Connect's ConnectorContext.raiseError: the connector fails, its tasks go on.
      FailConnector(event.connector, event.event.message);
      return;
    case worker::ConnectorEvent::Kind::kReconfigure:
      // As in Kafka Connect (StandaloneHerder.updateConnectorTasks), only a running connector
      // instance reconfigures its tasks: not a paused one, nor one that failed (an error it
      // raised, too many task configs).
      if (target != store::TargetState::kStarted || connector_failed) return;
      ReconfigureTasks(event.connector, *slot);
      return;
  }
}

void StandaloneHerder::ReconfigureTasks(const std::string& name, Slot& slot) {
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->ConnectorTaskConfigs(name);
  if (!tasks.ok()) {
    (void)RequestAnswer(name, slot, tasks.status());
    return;
  }
  std::vector<ConfigMap> current;
  {
    absl::MutexLock lock(&mu_);
    current = connectors_.at(name).task_configs;
  }
  if (*tasks == current) return;
  spdlog::info("Connector {} reconfigured its tasks: {} task config(s), {} before", name,
               tasks->size(), current.size());
  std::vector<int> changed;
  for (size_t i = 0; i < std::max(tasks->size(), current.size()); ++i) {
    const int task = static_cast<int>(i);
    if (i < tasks->size() && i < current.size() && (*tasks)[i] == current[i]) continue;
    if (i < current.size()) worker_->StopTask(name, task);
    if (i < tasks->size()) changed.push_back(task);
  }
  {
    absl::MutexLock lock(&mu_);
    Connector& c = connectors_.at(name);
    c.task_configs = *tasks;
    for (size_t i = tasks->size(); i < current.size(); ++i) {
      options_.status_store->RemoveTask(name, static_cast<int>(i));
    }
  }
  (void)options_.config_store->PutTaskConfigs(name, *tasks);
  for (int task : changed) StartTask(name, task);
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
      ValidateConnectorConfig(*options_.registry, *options_.worker, config, null_keys);
  if (!validated.ok()) return validated.status();
  if (validated->error_count > 0) {
    return absl::InvalidArgumentError(InvalidConfigMessage(*validated));
  }
  return validated;
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

  // Validation may take a plugin call: it runs before the connector's lock is taken.
  absl::StatusOr<ValidatedConfig> validated = Validate(config, null_keys);
  if (!validated.ok()) return validated.status();
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return absl::UnavailableError("The worker is shutting down");
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
  if (absl::Status s = options_.config_store->PutConnectorConfig(name, config, target); !s.ok()) {
    absl::MutexLock lock(&mu_);
    connectors_.erase(name);
    return s;
  }
  spdlog::info("Created connector {}", name);
  if (absl::Status s = StartRuntime(name, *slot); !s.ok()) return s;
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
  absl::StatusOr<ValidatedConfig> validated = Validate(config, null_keys);
  if (!validated.ok()) return validated.status();
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
  bool created = false;
  ConfigMap previous;
  store::TargetState target = store::TargetState::kStarted;
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return absl::UnavailableError("The worker is shutting down");
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
      target = it->second.target;
    }
  }
  // As in Kafka Connect, a started connector whose plugin (and, in Sluice, sandbox policy) stays
  // the same is reconfigured where it runs: its instance restarts with the new config and its tasks are replaced only once it has
  // generated their new configs (a connector that fails there keeps its tasks running).
  // Anything else stops and starts again.
  const bool in_place = !created && target == store::TargetState::kStarted &&
                        worker_->HostAlive(name) && worker_->PluginOf(name) == validated->plugin &&
                        worker_->HostFits(name, config);
  if (!created && !in_place) StopRuntime(name, *slot, State::kUnassigned);
  {
    absl::MutexLock lock(&mu_);
    Connector& c = connectors_.at(name);
    c.config = config;
    c.type = std::string(plugins::ConnectorTypeName(validated->plugin->type));
  }
  if (absl::Status s = options_.config_store->PutConnectorConfig(name, config, std::nullopt);
      !s.ok()) {
    absl::MutexLock lock(&mu_);
    if (created) {
      connectors_.erase(name);
    } else {
      connectors_.at(name).config = previous;
    }
    return s;
  }
  spdlog::info("{} connector {}", created ? "Created" : "Reconfigured", name);
  absl::Status started = in_place ? ReconfigureRuntime(name, *slot, previous != config)
                                  : StartRuntime(name, *slot);
  if (!started.ok()) return started;
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
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
  {
    absl::MutexLock lock(&mu_);
    if (!connectors_.contains(name)) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
  }
  StopRuntime(name, *slot, State::kUnassigned);
  Connector removed;
  {
    absl::MutexLock lock(&mu_);
    removed = std::move(connectors_.at(name));
    connectors_.erase(name);
  }
  if (absl::Status s = options_.config_store->RemoveConnectorConfig(name); !s.ok()) {
    absl::MutexLock lock(&mu_);
    connectors_.emplace(name, std::move(removed));
    return s;
  }
  options_.status_store->RemoveConnector(name);
  options_.status_store->RemoveTopics(name);
  restarts_->Forget(name);
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
  std::optional<InstanceStatus> status =
      it == connectors_.end() ? std::nullopt : options_.status_store->GetConnector(name);
  if (!status.has_value()) {
    return absl::NotFoundError(absl::StrCat("No status found for connector ", name));
  }
  return ConnectorStatus{name, *std::move(status), options_.status_store->GetTasks(name),
                         it->second.type};
}

absl::StatusOr<InstanceStatus> StandaloneHerder::GetTaskStatus(const std::string& name,
                                                               int task) const {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it != connectors_.end()) {
    if (std::optional<InstanceStatus> status = options_.status_store->GetTask(name, task)) {
      return *std::move(status);
    }
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
  if (!connectors_.contains(name)) return;
  options_.status_store->PutConnector(name, Status(state, std::move(trace)));
}

bool StandaloneHerder::ConnectorFailed(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  return connectors_.contains(name) && IsFailed(options_.status_store->GetConnector(name));
}

InstanceStatus StandaloneHerder::Status(State state, std::optional<std::string> trace) const {
  return InstanceStatus{state, options_.worker_id, std::move(trace), 0};
}

void StandaloneHerder::ClearTaskStatuses(const std::string& name) {
  for (const auto& [task, status] : options_.status_store->GetTasks(name)) {
    options_.status_store->RemoveTask(name, task);
  }
}

void StandaloneHerder::SetTaskStatusesUnlessFailed(const std::string& name, State state,
                                                   const std::optional<std::string>& trace) {
  for (const auto& [task, status] : options_.status_store->GetTasks(name)) {
    if (status.state != State::kFailed) {
      options_.status_store->PutTask(name, task, Status(state, trace));
    }
  }
}

void StandaloneHerder::OnConnectorRunning(const std::string& name) {
  SetConnectorStatus(name, State::kRunning, std::nullopt);
  restarts_->OnRunning(name, kConnectorInstance);
}

config::RestartPolicy StandaloneHerder::RestartPolicyLocked(const Connector& c) const {
  config::SupervisionErrors errors;  // validation refused bad values before they were stored
  return config::ParseSupervision(c.config, options_.worker->watchdog, errors).restart;
}

absl::StatusOr<ConnectorResources> StandaloneHerder::GetConnectorResources(
    const std::string& name) const {
  ConnectorResources out;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
    out.restart_enabled = RestartPolicyLocked(it->second).enabled;
  }
  out.name = name;
  out.worker_id = options_.worker_id;
  out.host = worker_->ResourcesOf(name);
  out.restarts = restarts_->CountsOf(name);
  return out;
}

void StandaloneHerder::OnConnectorFailed(const std::string& name, const std::string& trace) {
  FailConnector(name, trace);
}

void StandaloneHerder::FailConnector(const std::string& name, const std::string& trace) {
  spdlog::error("Connector {} failed: {}", name, trace);
  SetConnectorStatus(name, State::kFailed, trace);
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it != connectors_.end() && !shut_down_) {
    restarts_->OnFailed(name, kConnectorInstance, RestartPolicyLocked(it->second));
  }
}

void StandaloneHerder::OnHostExit(const std::string& name, uint64_t generation,
                                  const std::string& trace) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end() || it->second.generation != generation) return;  // stopped on purpose
  spdlog::error("The plugin host of connector {} died: {}", name, trace);
  options_.status_store->PutConnector(name, Status(State::kFailed, trace));
  SetTaskStatusesUnlessFailed(name, State::kFailed, trace);
  // The tasks' runners report their own failures as their streams break.
  if (!shut_down_) restarts_->OnFailed(name, kConnectorInstance, RestartPolicyLocked(it->second));
}

absl::Status StandaloneHerder::RequestAnswer(const std::string& name, Slot& slot,
                                             const absl::Status& failure) {
  if (failure.ok() || !absl::IsDeadlineExceeded(failure)) return absl::OkStatus();
  // A plugin that does not answer is not trusted with anything else: its host goes.
  StopRuntime(name, slot, State::kFailed);
  return failure;
}

absl::Status StandaloneHerder::StartRuntime(const std::string& name, Slot& slot) {
  ConfigMap config;
  store::TargetState target;
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return absl::OkStatus();
    Connector& c = connectors_.at(name);
    config = c.config;
    target = c.target;
    generation = c.generation;
    ClearTaskStatuses(name);
    c.task_configs.clear();
  }
  if (target == store::TargetState::kStopped) {
    SetConnectorStatus(name, State::kStopped, std::nullopt);
    return absl::OkStatus();
  }
  if (target == store::TargetState::kPaused) {
    // As in Kafka Connect, a connector that starts paused is not started and has no tasks yet.
    SetConnectorStatus(name, State::kPaused, std::nullopt);
    return absl::OkStatus();
  }
  // A connector whose class, config or host fails is FAILED; the request succeeds.
  if (!worker_
           ->StartConnectorHost(
               name, config,
               [this, name, generation](const std::string& trace) {
                 OnHostExit(name, generation, trace);
               },
               [this, name, generation](const worker::ConnectorEvent& event) {
                 QueueEvent({name, generation, event});
               })
           .ok()) {
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector(name);
  if (!tasks.ok()) return RequestAnswer(name, slot, tasks.status());
  (void)options_.config_store->PutTaskConfigs(name, *tasks);
  {
    absl::MutexLock lock(&mu_);
    connectors_.at(name).task_configs = *tasks;
  }
  for (size_t i = 0; i < tasks->size(); ++i) StartTask(name, static_cast<int>(i));
  return absl::OkStatus();
}

bool StandaloneHerder::StartTask(const std::string& name, int task) {
  ConfigMap task_config;
  bool paused;
  size_t task_count;
  {
    absl::MutexLock lock(&mu_);
    const Connector& c = connectors_.at(name);
    task_config = c.task_configs.at(static_cast<size_t>(task));
    paused = c.target == store::TargetState::kPaused;
    task_count = c.task_configs.size();
  }
  return worker_->StartTask(name, task, task_config, task_count, paused);
}

absl::Status StandaloneHerder::ResumeRuntime(const std::string& name, Slot& slot) {
  bool connector_failed;
  std::vector<ConfigMap> current;
  {
    absl::MutexLock lock(&mu_);
    const Connector& c = connectors_.at(name);
    connector_failed = IsFailed(options_.status_store->GetConnector(name));
    current = c.task_configs;
  }
  if (!connector_failed) {
    // Kafka Connect starts the paused connector instance again and asks it for task configs.
    absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector(name);
    if (!tasks.ok()) return RequestAnswer(name, slot, tasks.status());
    if (*tasks != current) {
      // The connector reconfigured itself while paused: its tasks are replaced.
      ReplaceTasks(name, slot, *std::move(tasks));
      return absl::OkStatus();
    }
  }
  {
    // FAILED tasks stay FAILED, as in Kafka Connect: a restart brings them back.
    absl::MutexLock lock(&mu_);
    for (const auto& [task, status] : options_.status_store->GetTasks(name)) {
      if (status.state == State::kPaused) {
        options_.status_store->PutTask(name, task, Status(State::kRunning, std::nullopt));
      }
    }
  }
  worker_->ResumeTasks(name);
  return absl::OkStatus();
}

void StandaloneHerder::ReplaceTasks(const std::string& name, Slot& slot,
                                    std::vector<ConfigMap> tasks) {
  for (int task : worker_->Tasks(name)) worker_->StopTask(name, task);
  const size_t count = tasks.size();
  (void)options_.config_store->PutTaskConfigs(name, tasks);
  {
    absl::MutexLock lock(&mu_);
    Connector& c = connectors_.at(name);
    c.task_configs = std::move(tasks);
    ClearTaskStatuses(name);
  }
  for (size_t i = 0; i < count; ++i) StartTask(name, static_cast<int>(i));
}

absl::Status StandaloneHerder::ReconfigureRuntime(const std::string& name, Slot& slot,
                                                  bool config_changed) {
  ConfigMap config;
  {
    absl::MutexLock lock(&mu_);
    config = connectors_.at(name).config;
  }
  if (!worker_->ReplaceConnectorConfig(name, config).ok()) {
    // StartRuntime reports it.
    StopRuntime(name, slot, State::kUnassigned);
    return StartRuntime(name, slot);
  }
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector(name);
  // A connector that failed to start or generated too many task configs is FAILED; its tasks
  // go on with their configs, as in Kafka Connect.
  if (!tasks.ok()) return RequestAnswer(name, slot, tasks.status());
  std::vector<ConfigMap> current;
  {
    absl::MutexLock lock(&mu_);
    current = connectors_.at(name).task_configs;
  }
  // Kafka Connect (AbstractHerder.taskConfigsChanged) restarts every task when the connector's
  // config changed, even if the task configs did not: the tasks run with the connector's
  // converters, transforms and client settings too.
  if (config_changed || *tasks != current || worker_->Tasks(name).size() != tasks->size()) {
    ReplaceTasks(name, slot, *std::move(tasks));
  }
  return absl::OkStatus();
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
  if (absl::Status s = options_.config_store->PutTargetState(name, target); !s.ok()) {
    absl::MutexLock lock(&mu_);
    connectors_.at(name).target = previous;
    return s;
  }
  return absl::OkStatus();
}

absl::Status StandaloneHerder::PauseConnector(const std::string& name) {
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
  if (absl::Status s = SetTarget(name, store::TargetState::kPaused,
                                 absl::StrCat("Unknown connector ", name));
      !s.ok()) {
    return s;
  }
  if (worker_->HostAlive(name)) {
    // The connector instance stops; its tasks stay where they are, paused. The request answers
    // once they act on it (a sink task pauses its partitions on its own thread), so that nothing
    // is delivered after the pause was acknowledged.
    for (int task : worker_->PauseTasks(name, kPauseTimeout)) {
      spdlog::warn("Task {}-{} did not pause within {}; it will pause when it can", name, task,
                   absl::FormatDuration(kPauseTimeout));
    }
    worker_->StopConnector(name, options_.worker->plugin_call_timeout);
  } else {
    StopRuntime(name, *slot, State::kPaused);
  }
  absl::MutexLock lock(&mu_);
  if (!IsFailed(options_.status_store->GetConnector(name))) {
    options_.status_store->PutConnector(name, Status(State::kPaused, std::nullopt));
  }
  SetTaskStatusesUnlessFailed(name, State::kPaused, std::nullopt);
  return absl::OkStatus();
}

absl::Status StandaloneHerder::ResumeConnector(const std::string& name) {
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
  store::TargetState previous;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      return absl::NotFoundError(absl::StrCat("Unknown connector ", name));
    }
    previous = it->second.target;
  }
  if (previous == store::TargetState::kStarted && worker_->HostAlive(name)) return absl::OkStatus();
  if (absl::Status s = SetTarget(name, store::TargetState::kStarted,
                                 absl::StrCat("Unknown connector ", name));
      !s.ok()) {
    return s;
  }
  if (previous == store::TargetState::kPaused && worker_->HostAlive(name)) {
    return ResumeRuntime(name, *slot);
  }
  // Nothing runs (stopped, started paused, or its host died): everything starts.
  StopRuntime(name, *slot, State::kUnassigned);
  return StartRuntime(name, *slot);
}

absl::Status StandaloneHerder::StopConnector(const std::string& name) {
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
  if (absl::Status s = SetTarget(name, store::TargetState::kStopped,
                                 absl::StrCat("No connector `", name, "` configured"));
      !s.ok()) {
    // Kafka Connect's standalone worker answers an unknown connector here with 500.
    return s.code() == absl::StatusCode::kNotFound ? absl::InternalError(s.message()) : s;
  }
  StopRuntime(name, *slot, State::kUnassigned);
  {
    absl::MutexLock lock(&mu_);
    connectors_.at(name).task_configs.clear();
    ClearTaskStatuses(name);
    options_.status_store->PutConnector(name, Status(State::kStopped, std::nullopt));
  }
  (void)options_.config_store->PutTaskConfigs(name, {});
  return absl::OkStatus();
}

absl::StatusOr<RestartResult> StandaloneHerder::RestartConnector(
    const std::string& name, bool include_tasks, bool only_failed) {
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
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
      std::optional<InstanceStatus> status = options_.status_store->GetConnector(name);
      if (!status.has_value()) {
        return absl::NotFoundError(absl::StrCat("Status for connector ", name, " not found"));
      }
      restart_connector = !only_failed || status->state == State::kFailed;
      ConnectorStatus snapshot{name, *std::move(status), options_.status_store->GetTasks(name),
                               c.type};
      for (const auto& [task, task_status] : snapshot.tasks) {
        if (include_tasks && (!only_failed || task_status.state == State::kFailed)) {
          restart_tasks.push_back(task);
        }
      }
      if (restart_connector) {
        snapshot.connector = Status(State::kRestarting, std::nullopt);
        options_.status_store->PutConnector(name, snapshot.connector);
      }
      for (int task : restart_tasks) {
        snapshot.tasks[task] = Status(State::kRestarting, std::nullopt);
        options_.status_store->PutTask(name, task, snapshot.tasks[task]);
      }
      result.status = std::move(snapshot);
    }
  }
  if (target == store::TargetState::kStopped) return result;  // nothing runs to restart
  if (!worker_->HostAlive(name)) {
    // The host died (or never started): everything starts again in a new one.
    if (restart_connector || !restart_tasks.empty()) {
      StopRuntime(name, *slot, State::kUnassigned);
      if (absl::Status s = StartRuntime(name, *slot); !s.ok()) return s;
    }
    return result;
  }
  if (restart_connector) {
    if (target == store::TargetState::kPaused) {
      // A paused connector's instance is not running; it restarts into PAUSED.
      SetConnectorStatus(name, State::kPaused, std::nullopt);
    } else if (absl::Status s = RequestAnswer(name, *slot, worker_->RestartConnector(name));
               !s.ok()) {
      return s;
    } else if (plain && worker_->HostAlive(name) && !ConnectorFailed(name)) {
      // Kafka Connect's StandaloneHerder.restartConnector asks the restarted connector for its
      // task configs again (requestTaskReconfiguration); a restart with options does not.
      ReconfigureTasks(name, *slot);
    }
  }
  for (int task : restart_tasks) {
    worker_->StopTask(name, task);
    StartTask(name, task);
  }
  return result;
}

absl::Status StandaloneHerder::RestartTask(const std::string& name, int task) {
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
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
  if (target == store::TargetState::kStopped) return absl::OkStatus();
  if (!worker_->HostAlive(name)) {
    StopRuntime(name, *slot, State::kUnassigned);
    return StartRuntime(name, *slot);
  }
  worker_->StopTask(name, task);
  if (!StartTask(name, task)) {
    return absl::InternalError(absl::StrCat("Failed to start task: ", name, "-", task));
  }
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

absl::StatusOr<StandaloneHerder::OffsetsTarget> StandaloneHerder::StoppedForOffsets(
    const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(name);
  if (it == connectors_.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  if (it->second.target != store::TargetState::kStopped || !it->second.task_configs.empty()) {
    return absl::FailedPreconditionError(NotStoppedForOffsetsMessage(name));
  }
  return OffsetsTarget{it->second.config};
}

absl::StatusOr<std::string> StandaloneHerder::AlterSourceOffsets(
    const std::string& name, const std::vector<std::pair<Value, std::optional<Value>>>& offsets,
    bool reset_all) {
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
  absl::StatusOr<OffsetsTarget> target = StoppedForOffsets(name);
  if (!target.ok()) return target.status();
  return offsets_.AlterSource(name, target->config, offsets, reset_all);
}

absl::StatusOr<std::string> StandaloneHerder::ModifySinkOffsets(const std::string& name,
                                                                const SinkOffsetChanges& offsets,
                                                                bool reset_all) {
  std::shared_ptr<Slot> slot = SlotFor(name);
  absl::MutexLock op(&slot->mu);
  absl::StatusOr<OffsetsTarget> target = StoppedForOffsets(name);
  if (!target.ok()) return target.status();
  return offsets_.ModifySink(name, target->config, offsets, reset_all);
}

absl::StatusOr<std::vector<kafka::CommittedOffset>> StandaloneHerder::GetSinkOffsets(
    const std::string& name) const {
  ConfigMap config;
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it == connectors_.end()) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
    config = it->second.config;
  }
  return offsets_.SinkOffsets(name, config);
}

absl::StatusOr<std::vector<PartitionOffsetJson>>
StandaloneHerder::GetSourceOffsets(const std::string& name) const {
  if (absl::StatusOr<std::string> type = ConnectorType(name); !type.ok()) return type.status();
  return offsets_.SourceOffsets(name);
}

void StandaloneHerder::StopRuntime(const std::string& name, Slot& slot, State final_state) {
  {
    absl::MutexLock lock(&mu_);
    auto it = connectors_.find(name);
    if (it != connectors_.end()) ++it->second.generation;
  }
  worker_->StopConnectorHost(name);
  absl::MutexLock lock(&mu_);
  if (!connectors_.contains(name)) return;
  std::optional<InstanceStatus> status = options_.status_store->GetConnector(name);
  if (status.has_value() && status->state != State::kFailed) {
    options_.status_store->PutConnector(name, Status(final_state, std::nullopt));
  }
  SetTaskStatusesUnlessFailed(name, final_state, std::nullopt);
}

void StandaloneHerder::OnTaskRunning(const runtime::TaskId& id) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(id.connector);
  if (it == connectors_.end()) return;
  // A task started while its connector is paused starts paused (Kafka Connect's onPause).
  State state = it->second.target == store::TargetState::kPaused ? State::kPaused : State::kRunning;
  options_.status_store->PutTask(id.connector, id.task, Status(state, std::nullopt));
  restarts_->OnRunning(id.connector, id.task);
}

void StandaloneHerder::OnTaskFailed(const runtime::TaskId& id, const std::string& trace) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(id.connector);
  if (it == connectors_.end()) return;
  options_.status_store->PutTask(id.connector, id.task, Status(State::kFailed, trace));
  if (!shut_down_) restarts_->OnFailed(id.connector, id.task, RestartPolicyLocked(it->second));
}

void StandaloneHerder::OnTopicUsed(const runtime::TaskId& id, const std::string& topic) {
  absl::MutexLock lock(&mu_);
  if (connectors_.contains(id.connector)) {
    options_.status_store->PutTopic(id.connector, topic, id.task);
  }
}

std::vector<std::string> StandaloneHerder::GetActiveTopics(const std::string& name) const {
  std::set<std::string> topics = options_.status_store->GetTopics(name);
  return std::vector<std::string>(topics.begin(), topics.end());
}

void StandaloneHerder::ResetActiveTopics(const std::string& name) {
  options_.status_store->RemoveTopics(name);
}

// Kafka Connect's StandaloneHerder throws these from putTaskConfigs / fenceZombieSourceTasks
// whatever the connector and signature.
absl::Status StandaloneHerder::PutTaskConfigs(
    const std::string&, const std::vector<ConfigMap>&,
    const std::optional<distributed::RequestSignature>&) {
  return absl::UnimplementedError(
      "Kafka Connect in standalone mode does not support externally setting task "
      "configurations.");
}

absl::Status StandaloneHerder::FenceZombies(
    const std::string&, const std::optional<distributed::RequestSignature>&) {
  return absl::UnimplementedError(
      "Kafka Connect in standalone mode does not support exactly-once source connectors.");
}

void StandaloneHerder::OnTaskStopped(const runtime::TaskId& id) {
  absl::MutexLock lock(&mu_);
  auto it = connectors_.find(id.connector);
  if (it == connectors_.end()) return;
  options_.status_store->PutTask(id.connector, id.task, Status(State::kUnassigned, std::nullopt));
}

}  // namespace sluice::herder
