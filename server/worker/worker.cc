#include "server/worker/worker.h"

#include <algorithm>
#include <tuple>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"

namespace sluice::worker {

std::string TooManyTasksMessage(const std::string& name, size_t tasks, int max_tasks) {
  return absl::StrCat("The connector ", name, " has generated ", tasks,
                      " tasks, which is greater than ", max_tasks,
                      ", the maximum number of tasks it is configured to create. This behaviour "
                      "should be considered a bug and is disallowed. If necessary, it can be "
                      "permitted by reconfiguring the connector with 'tasks.max.enforce' set to "
                      "false; however, this option will be removed in a future release of Kafka "
                      "Connect.");
}

Worker::Worker(Options options) : options_(std::move(options)) {
  if (options_.usage_check_interval > absl::ZeroDuration()) {
    usage_thread_ = std::thread([this] {
      while (true) {
        {
          absl::MutexLock lock(&usage_mu_);
          if (usage_mu_.AwaitWithTimeout(absl::Condition(&usage_stop_),
                                         options_.usage_check_interval)) {
            return;
          }
        }
        CheckUsage();
      }
    });
  }
}

Worker::~Worker() {
  {
    absl::MutexLock lock(&usage_mu_);
    usage_stop_ = true;
  }
  if (usage_thread_.joinable()) usage_thread_.join();
}

std::optional<HostResources> Worker::ResourcesOf(const std::string& name) const {
  absl::MutexLock lock(&mu_);  // keeps the runtime alive while its host is measured
  auto it = runtimes_.find(name);
  if (it == runtimes_.end()) return std::nullopt;
  std::optional<plugins::HostUsage> usage = it->second->host->Usage();
  std::optional<plugins::SandboxPolicy> policy = it->second->host->Policy();
  if (!usage.has_value() || !policy.has_value()) return std::nullopt;
  return HostResources{*std::move(usage), *std::move(policy)};
}

void Worker::CheckUsage() {
  absl::MutexLock lock(&mu_);
  for (auto& [name, rt] : runtimes_) {
    std::optional<plugins::HostUsage> usage = rt->host->Usage();
    std::optional<plugins::SandboxPolicy> policy = rt->host->Policy();
    if (!usage.has_value() || !policy.has_value()) continue;
    std::set<std::string>& near = near_limits_[name];
    for (const auto& [what, used, limit] :
         {std::tuple{std::string("memory"), usage->memory_bytes, policy->memory_bytes},
          std::tuple{std::string("processes"), usage->tasks, policy->processes}}) {
      if (limit <= 0) continue;
      const double share = static_cast<double>(used) / static_cast<double>(limit);
      if (share >= 0.9 && !near.contains(what)) {
        near.insert(what);
        spdlog::warn("The plugin host of connector {} (pid {}) uses {} of its {} limit of {} "
                     "({}%): at the limit the sandbox ends it",
                     name, usage->pid, used, what, limit, static_cast<int>(share * 100));
      } else if (share < 0.8) {
        near.erase(what);
      }
    }
  }
  for (auto it = near_limits_.begin(); it != near_limits_.end();) {
    it = runtimes_.contains(it->first) ? std::next(it) : near_limits_.erase(it);
  }
}

Worker::Runtime& Worker::RuntimeOf(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  return *runtimes_.at(name);
}

absl::Status Worker::StartConnectorHost(const std::string& name, const ConfigMap& config,
                                        std::function<void(const std::string&)> on_exit,
                                        std::function<void(const ConnectorEvent&)> on_event) {
  auto cls = config.find("connector.class");
  const std::string class_name = cls == config.end() ? "" : cls->second;
  const plugins::ConnectorPlugin* plugin = options_.registry->Find(class_name);
  if (plugin == nullptr) {
    const std::string message = options_.registry->UnknownClassMessage(class_name);
    if (options_.metrics != nullptr) options_.metrics->RecordConnectorStartup(false);
    options_.listener->OnConnectorFailed(name, message);
    return absl::NotFoundError(message);
  }
  absl::StatusOr<ConfigMap> resolved = Resolve(config);
  if (!resolved.ok()) {
    if (options_.metrics != nullptr) options_.metrics->RecordConnectorStartup(false);
    options_.listener->OnConnectorFailed(name, std::string(resolved.status().message()));
    return resolved.status();
  }
  absl::StatusOr<config::ConnectorConfig> parsed =
      config::ConnectorConfig::Parse(*resolved, plugin->type, *options_.worker);
  if (!parsed.ok()) {
    if (options_.metrics != nullptr) options_.metrics->RecordConnectorStartup(false);
    options_.listener->OnConnectorFailed(name, std::string(parsed.status().message()));
    return parsed.status();
  }
  absl::StatusOr<std::unique_ptr<ConnectorHost>> host =
      options_.hosts->Start(*plugin, name, *resolved);
  if (!host.ok()) {
    const std::string message =
        absl::StrCat("Could not start the plugin host: ", host.status().message());
    if (options_.metrics != nullptr) options_.metrics->RecordConnectorStartup(false);
    options_.listener->OnConnectorFailed(name, message);
    return absl::Status(host.status().code(), message);
  }
  auto rt = std::make_unique<Runtime>();
  rt->host = *std::move(host);
  rt->plugin = plugin;
  rt->raw_config = config;
  rt->config = *std::move(resolved);
  rt->parsed = std::make_shared<const config::ConnectorConfig>(*std::move(parsed));
  rt->host->OnExit(std::move(on_exit));
  rt->events = rt->host->SubscribeEvents(
      std::move(on_event),
      plugin->type == plugins::ConnectorType::kSource ? options_.offsets : nullptr);
  if (options_.metrics != nullptr) {
    // Kafka Connect's Worker.startConnector counts a connector started once its WorkerConnector
    // exists; the instance starts after.
    options_.metrics->RecordConnectorStartup(true);
    options_.metrics->AddConnector({name, plugin->class_name,
                                    std::string(config::ConnectorTypeName(plugin->type)),
                                    plugin->version});
    if (std::optional<pid_t> pid = rt->host->Pid()) options_.metrics->AddPluginHost(name, *pid);
  }
  absl::MutexLock lock(&mu_);
  runtimes_[name] = std::move(rt);
  return absl::OkStatus();
}

absl::StatusOr<ConfigMap> Worker::Resolve(const ConfigMap& config) const {
  if (options_.worker->config_providers == nullptr) return config;
  return options_.worker->config_providers->Transform(config);
}

bool Worker::HostAlive(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = runtimes_.find(name);
  return it != runtimes_.end() && !it->second->host->ExitDescription().has_value();
}

bool Worker::HostFits(const std::string& name, const ConfigMap& config) const {
  const plugins::ConnectorPlugin* plugin;
  ConfigMap running;
  {
    absl::MutexLock lock(&mu_);
    auto it = runtimes_.find(name);
    if (it == runtimes_.end()) return false;
    plugin = it->second->plugin;
    running = it->second->config;
  }
  absl::StatusOr<ConfigMap> resolved = Resolve(config);
  return resolved.ok() && options_.hosts->SameSandbox(*plugin, running, *resolved);
}

const plugins::ConnectorPlugin* Worker::PluginOf(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto it = runtimes_.find(name);
  return it == runtimes_.end() ? nullptr : it->second->plugin;
}

void Worker::StopConnectorHost(const std::string& name) {
  std::unique_ptr<Runtime> rt;
  {
    absl::MutexLock lock(&mu_);
    auto it = runtimes_.find(name);
    if (it == runtimes_.end()) return;
    rt = std::move(it->second);
    runtimes_.erase(it);
  }
  rt->events.reset();
  // Tasks share task.shutdown.graceful.timeout.ms; a task that does not stop in time has its
  // host killed, which ends its stream.
  const absl::Duration grace = options_.worker->task_shutdown_graceful_timeout;
  const absl::Time deadline = absl::Now() + grace;
  bool all_stopped = true;
  for (auto& [task, runner] : rt->runners) {
    all_stopped = runner->Stop(std::max(absl::ZeroDuration(), deadline - absl::Now())) &&
                  all_stopped;
  }
  if (!all_stopped) {
    spdlog::warn("Tasks of connector {} did not stop within {} "
                 "(task.shutdown.graceful.timeout.ms); the watchdog kills its plugin host", name,
                 absl::FormatDuration(grace));
    rt->host->Stop(absl::ZeroDuration());
  }
  for (auto& [task, runner] : rt->runners) runner->Join();
  if (options_.metrics != nullptr) {
    for (auto& [task, runner] : rt->runners) options_.metrics->RemoveTask(name, task);
    options_.metrics->RemoveConnector(name);
    options_.metrics->RemovePluginHost(name);
  }
  rt->runners.clear();
  if (!rt->host->ExitDescription().has_value()) {
    absl::Status s = rt->host->StopConnector(absl::Seconds(5));
    if (!s.ok() && !absl::IsFailedPrecondition(s)) {
      spdlog::warn("Stopping connector {}: {}", name, std::string(s.message()));
    }
  }
  rt->host->Stop(absl::Seconds(2));
}

absl::Status Worker::PluginCallFailure(const std::string& name, absl::string_view call,
                                       const absl::Status& status) {
  if (!absl::IsDeadlineExceeded(status)) {
    options_.listener->OnConnectorFailed(
        name, absl::StrCat("Failed to ", call, ": ", status.message()));
    return absl::AbortedError(absl::StrCat("Failed to ", call));
  }
  std::string why = absl::StrCat(
      "the plugin of connector ", name, " did not answer within ",
      absl::FormatDuration(options_.worker->plugin_call_timeout), " (", call,
      "), so the connector is FAILED and its plugin host was stopped. Restart the connector once "
      "the cause is fixed; the limit is the worker's sluice.plugin.call.timeout.ms");
  options_.listener->OnConnectorFailed(name, absl::StrCat("Timed out: ", why));
  return absl::DeadlineExceededError(absl::StrCat("Request timed out: ", why));
}

absl::StatusOr<std::vector<ConfigMap>> Worker::StartConnector(const std::string& name) {
  Runtime& rt = RuntimeOf(name);
  absl::Status started = rt.host->StartConnector(rt.plugin->class_name, name, rt.config,
                                                 options_.worker->plugin_call_timeout);
  if (!started.ok()) return PluginCallFailure(name, "start connector", started);
  options_.listener->OnConnectorRunning(name);
  return ConnectorTaskConfigs(name);
}

absl::StatusOr<std::vector<ConfigMap>> Worker::ConnectorTaskConfigs(const std::string& name) {
  Runtime& rt = RuntimeOf(name);
  const int max_tasks = rt.parsed->tasks_max;
  absl::StatusOr<GeneratedTasks> generated =
      rt.host->TaskConfigs(max_tasks, options_.worker->plugin_call_timeout);
  if (!generated.ok()) {
    return PluginCallFailure(name, "generate task configs", generated.status());
  }
  const size_t count = generated->configs.size();
  if (count > static_cast<size_t>(max_tasks)) {
    if (rt.parsed->tasks_max_enforce) {
      options_.listener->OnConnectorFailed(name, TooManyTasksMessage(name, count, max_tasks));
      return absl::AbortedError("too many tasks");
    }
    spdlog::warn("The connector {} has generated {} tasks, which is greater than {}, the maximum "
                 "number of tasks it is configured to create. This behavior should be considered "
                 "a bug and will be disallowed in future releases of Kafka Connect. Please report "
                 "this to the maintainers of the connector and request that they adjust their "
                 "connector's taskConfigs() method to respect the maxTasks parameter.",
                 name, count, max_tasks);
  }
  std::vector<ConfigMap> tasks;
  for (ConfigMap& task : generated->configs) {
    task["task.class"] = generated->task_class;
    if (rt.plugin->type == plugins::ConnectorType::kSink) {
      for (const char* key : {"topics", "topics.regex"}) {
        if (auto it = rt.config.find(key); it != rt.config.end()) task[key] = it->second;
      }
    }
    tasks.push_back(std::move(task));
  }
  // Secrets a config provider resolved are not stored or shown: they are resolved again when
  // each task starts.
  return config::ReverseTransform(rt.raw_config, std::move(tasks));
}

void Worker::StopConnector(const std::string& name, absl::Duration timeout) {
  Runtime& rt = RuntimeOf(name);
  absl::Status s = rt.host->StopConnector(timeout);
  if (!s.ok() && !absl::IsFailedPrecondition(s)) {
    spdlog::warn("Stopping connector {}: {}", name, std::string(s.message()));
  }
}

absl::Status Worker::RestartConnector(const std::string& name) {
  Runtime& rt = RuntimeOf(name);
  StopConnector(name, options_.worker->plugin_call_timeout);
  absl::Status started = rt.host->StartConnector(rt.plugin->class_name, name, rt.config,
                                                 options_.worker->plugin_call_timeout);
  if (!started.ok()) return PluginCallFailure(name, "start connector", started);
  options_.listener->OnConnectorRunning(name);
  return absl::OkStatus();
}

absl::Status Worker::ReplaceConnectorConfig(const std::string& name, const ConfigMap& config) {
  Runtime& rt = RuntimeOf(name);
  absl::StatusOr<ConfigMap> resolved = Resolve(config);
  if (!resolved.ok()) return absl::InvalidArgumentError(resolved.status().message());
  absl::StatusOr<config::ConnectorConfig> parsed =
      config::ConnectorConfig::Parse(*resolved, rt.plugin->type, *options_.worker);
  if (!parsed.ok()) return absl::InvalidArgumentError(parsed.status().message());
  StopConnector(name, options_.worker->plugin_call_timeout);
  rt.raw_config = config;
  rt.config = *std::move(resolved);
  rt.parsed = std::make_shared<const config::ConnectorConfig>(*std::move(parsed));
  return absl::OkStatus();
}

bool Worker::StartTask(const std::string& name, int task, const ConfigMap& task_config,
                       size_t task_count, bool paused) {
  Runtime& rt = RuntimeOf(name);
  runtime::TaskRunnerOptions o;
  o.id = {name, task};
  if (rt.parsed->tasks_max_enforce && task_count > static_cast<size_t>(rt.parsed->tasks_max)) {
    // Kafka Connect's Worker.startTask: a set of task configs generated before tasks.max was
    // lowered (or enforced) fails each of its tasks that starts.
    const std::string message = TooManyTasksMessage(name, task_count, rt.parsed->tasks_max);
    spdlog::error("Failed to start task {}-{}: {}", name, task, message);
    if (options_.metrics != nullptr) options_.metrics->RecordTaskStartup(false);
    options_.listener->OnTaskFailed(o.id, message);
    return false;
  }
  absl::StatusOr<ConfigMap> resolved = Resolve(task_config);
  if (!resolved.ok()) {
    spdlog::error("Failed to start task {}-{}: {}", name, task,
                  std::string(resolved.status().message()));
    if (options_.metrics != nullptr) options_.metrics->RecordTaskStartup(false);
    options_.listener->OnTaskFailed(o.id, std::string(resolved.status().message()));
    return false;
  }
  o.task_config = *std::move(resolved);
  o.connector = rt.parsed;
  o.worker = options_.worker;
  o.bootstrap_servers = options_.bootstrap_servers;
  o.ensure_topic = options_.ensure_topic;
  o.topic_admin_factory = options_.topic_admin_factory;
  o.listener = options_.listener;
  o.watchdog = &watchdog_;
  if (options_.metrics != nullptr) {
    o.metrics = options_.metrics->AddTask(name, task,
                                          rt.plugin->type == plugins::ConnectorType::kSink
                                              ? metrics::TaskKind::kSink
                                              : metrics::TaskKind::kSource);
    options_.metrics->RecordTaskStartup(true);
  }
  std::unique_ptr<runtime::TaskRunner> runner =
      rt.host->NewTaskRunner(std::move(o), rt.plugin->type, options_.offsets);
  runner->SetPaused(paused);
  runner->Start();
  rt.runners[task] = std::move(runner);
  return true;
}

void Worker::StopTask(const std::string& name, int task) {
  Runtime& rt = RuntimeOf(name);
  auto it = rt.runners.find(task);
  if (it == rt.runners.end()) return;
  const absl::Duration grace = options_.worker->task_shutdown_graceful_timeout;
  if (!it->second->Stop(grace)) {
    spdlog::warn("Task {}-{} did not stop within {} (task.shutdown.graceful.timeout.ms); the "
                 "watchdog kills its plugin host", name, task, absl::FormatDuration(grace));
    rt.host->Stop(absl::ZeroDuration());
  }
  it->second->Join();
  rt.runners.erase(it);
  if (options_.metrics != nullptr) options_.metrics->RemoveTask(name, task);
}


std::vector<int> Worker::Tasks(const std::string& name) const {
  Runtime& rt = RuntimeOf(name);
  std::vector<int> tasks;
  for (const auto& [task, runner] : rt.runners) tasks.push_back(task);
  return tasks;
}

std::vector<int> Worker::PauseTasks(const std::string& name, absl::Duration timeout) {
  Runtime& rt = RuntimeOf(name);
  for (auto& [task, runner] : rt.runners) runner->SetPaused(true);
  const absl::Time deadline = absl::Now() + timeout;
  std::vector<int> late;
  for (auto& [task, runner] : rt.runners) {
    if (!runner->AwaitPauseApplied(std::max(absl::ZeroDuration(), deadline - absl::Now()))) {
      late.push_back(task);
    }
  }
  return late;
}

void Worker::ResumeTasks(const std::string& name) {
  Runtime& rt = RuntimeOf(name);
  for (auto& [task, runner] : rt.runners) runner->SetPaused(false);
}

}  // namespace sluice::worker
