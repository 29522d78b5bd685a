#include "server/worker/testing/fake_connector_host.h"

#include "absl/strings/str_cat.h"

namespace sluice::worker::testing {

namespace {

// Reports RUNNING when it starts and stops when asked; applies pauses at once.
class FakeTaskRunner final : public runtime::TaskRunner {
 public:
  FakeTaskRunner(runtime::TaskRunnerOptions options, std::function<void(std::string)> record)
      : TaskRunner(std::move(options)), record_(std::move(record)) {}
  ~FakeTaskRunner() override { StopAndJoin(); }

 protected:
  absl::Status RunLoop() override {
    PauseApplied(paused());
    ReportRunning();
    stop_requested_.WaitForNotification();
    return absl::OkStatus();
  }
  void OnStopRequested() override { record_(absl::StrCat("StopTask ", options_.id.task)); }
  void OnPausedChanged() override { PauseApplied(paused()); }

 private:
  const std::function<void(std::string)> record_;
};

}  // namespace

class FakeConnectorHost::Subscription final : public EventSubscription {
 public:
  explicit Subscription(FakeConnectorHost* host) : host_(host) {}
  ~Subscription() override {
    absl::MutexLock lock(&host_->mu_);
    host_->on_event_ = nullptr;
  }

 private:
  FakeConnectorHost* const host_;
};

void FakeConnectorHosts::Script(const std::string& name, FakeConnectorScript script) {
  absl::MutexLock lock(&mu_);
  scripts_[name] = std::move(script);
}

FakeConnectorScript FakeConnectorHosts::ScriptOf(const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = scripts_.find(name);
  return it == scripts_.end() ? FakeConnectorScript() : it->second;
}

absl::StatusOr<std::unique_ptr<ConnectorHost>> FakeConnectorHosts::Start(
    const plugins::ConnectorPlugin& plugin, const std::string& name, const ConfigMap& config) {
  FakeConnectorScript script = ScriptOf(name);
  if (!script.host_start.ok()) return script.host_start;
  auto host = std::make_unique<FakeConnectorHost>(this, name);
  absl::MutexLock lock(&mu_);
  latest_[name] = host.get();
  ++starts_[name];
  return host;
}

FakeConnectorHost* FakeConnectorHosts::Latest(const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = latest_.find(name);
  return it == latest_.end() ? nullptr : it->second;
}

int FakeConnectorHosts::Starts(const std::string& name) {
  absl::MutexLock lock(&mu_);
  auto it = starts_.find(name);
  return it == starts_.end() ? 0 : it->second;
}

std::vector<std::string> FakeConnectorHosts::Calls(const std::string& name) {
  absl::MutexLock lock(&mu_);
  return calls_[name];
}

void FakeConnectorHosts::Record(const std::string& name, std::string call) {
  absl::MutexLock lock(&mu_);
  calls_[name].push_back(std::move(call));
}

void FakeConnectorHosts::Forget(const std::string& name, FakeConnectorHost* host) {
  absl::MutexLock lock(&mu_);
  if (latest_[name] == host) latest_.erase(name);
}

FakeConnectorHost::~FakeConnectorHost() { owner_->Forget(name_, this); }

absl::Status FakeConnectorHost::StartConnector(const std::string& class_name,
                                               const std::string& name, const ConfigMap& config,
                                               absl::Duration timeout) {
  owner_->Record(name_, "StartConnector");
  absl::Status s = owner_->ScriptOf(name_).start_connector;
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  running_ = true;
  config_ = config;
  return absl::OkStatus();
}

absl::StatusOr<GeneratedTasks> FakeConnectorHost::TaskConfigs(int max_tasks,
                                                              absl::Duration timeout) {
  owner_->Record(name_, "TaskConfigs");
  FakeConnectorScript script = owner_->ScriptOf(name_);
  if (!script.task_configs_error.ok()) return script.task_configs_error;
  GeneratedTasks out{"FakeTask", {}};
  for (int i = 0; i < script.task_count; ++i) {
    ConfigMap task = script.extra;
    task["n"] = absl::StrCat(i);
    out.configs.push_back(std::move(task));
  }
  return out;
}

absl::Status FakeConnectorHost::StopConnector(absl::Duration timeout) {
  owner_->Record(name_, "StopConnector");
  absl::MutexLock lock(&mu_);
  if (!running_) return absl::FailedPreconditionError("no connector runs");
  running_ = false;
  return absl::OkStatus();
}

std::unique_ptr<EventSubscription> FakeConnectorHost::SubscribeEvents(
    std::function<void(const ConnectorEvent&)> callback, store::OffsetStore* /*offsets*/) {
  absl::MutexLock lock(&mu_);
  on_event_ = std::move(callback);
  return std::make_unique<Subscription>(this);
}

std::unique_ptr<runtime::TaskRunner> FakeConnectorHost::NewTaskRunner(
    runtime::TaskRunnerOptions options, plugins::ConnectorType type,
    store::OffsetStore* offsets) {
  owner_->Record(name_, absl::StrCat("StartTask ", options.id.task));
  return std::make_unique<FakeTaskRunner>(
      std::move(options),
      [owner = owner_, name = name_](std::string call) { owner->Record(name, std::move(call)); });
}

std::optional<std::string> FakeConnectorHost::ExitDescription() const {
  absl::MutexLock lock(&mu_);
  return exit_;
}

void FakeConnectorHost::OnExit(std::function<void(const std::string&)> callback) {
  absl::MutexLock lock(&mu_);
  on_exit_ = std::move(callback);
}

void FakeConnectorHost::Stop(absl::Duration grace) {
  owner_->Record(name_, "Stop");
  Crash("Plugin host stopped");  // as a real host's, its exit is reported too
}

void FakeConnectorHost::Crash(const std::string& description) {
  std::function<void(const std::string&)> callback;
  {
    absl::MutexLock lock(&mu_);
    if (exit_.has_value()) return;
    exit_ = description;
    running_ = false;
    callback = std::move(on_exit_);
    on_exit_ = nullptr;
  }
  if (callback) callback(description);
}

void FakeConnectorHost::Raise(const ConnectorEvent& event) {
  std::function<void(const ConnectorEvent&)> callback;
  {
    absl::MutexLock lock(&mu_);
    callback = on_event_;
  }
  if (callback) callback(event);
}

ConfigMap FakeConnectorHost::started_config() const {
  absl::MutexLock lock(&mu_);
  return config_;
}

}  // namespace sluice::worker::testing
