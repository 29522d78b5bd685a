#include "server/runtime/task_runner.h"

#include <spdlog/spdlog.h>

namespace sluice::runtime {

TaskRunner::~TaskRunner() { StopAndJoin(); }

void TaskRunner::StopAndJoin() {
  if (!thread_.joinable()) return;
  Stop(absl::ZeroDuration());
  thread_.join();
}

void TaskRunner::Start() { thread_ = std::thread([this] { Run(); }); }

bool TaskRunner::Stop(absl::Duration timeout) {
  stopping_ = true;
  OnStopRequested();
  return done_.WaitForNotificationWithTimeout(timeout);
}

void TaskRunner::SetPaused(bool paused) {
  if (paused_.exchange(paused) != paused) OnPausedChanged();
}

void TaskRunner::PauseApplied(bool paused) {
  absl::MutexLock lock(&pause_mu_);
  pause_applied_ = paused;
}

bool TaskRunner::AwaitPauseApplied(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&pause_mu_);
  auto applied = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(pause_mu_) {
    return pause_applied_ == paused() || done_.HasBeenNotified();
  };
  while (!applied()) {
    // done_ is a Notification, not guarded by pause_mu_: re-check it every few milliseconds.
    if (pause_mu_.AwaitWithDeadline(absl::Condition(&applied),
                                    std::min(deadline, absl::Now() + absl::Milliseconds(20)))) {
      return true;
    }
    if (absl::Now() >= deadline) return applied();
  }
  return true;
}

void TaskRunner::Join() {
  if (thread_.joinable()) thread_.join();
}

absl::Status TaskRunner::CreateConverters() {
  absl::StatusOr<RecordConverters> converters =
      RecordConverters::Create(*options_.worker, options_.connector_config);
  if (!converters.ok()) {
    return absl::Status(converters.status().code(),
                        absl::StrCat("Starting task ", options_.id.ToString(), ": ",
                                     converters.status().message()));
  }
  converters_ = *std::move(converters);
  return absl::OkStatus();
}

ConfigMap TaskRunner::ClientSettings(ConfigMap defaults, const ConfigMap& worker_overrides,
                                     std::string_view override_prefix) const {
  for (const auto& [k, v] : worker_overrides) defaults[k] = v;
  for (const auto& [k, v] : options_.connector_config) {
    if (k.size() > override_prefix.size() && k.compare(0, override_prefix.size(), override_prefix) == 0) {
      defaults[k.substr(override_prefix.size())] = v;
    }
  }
  return defaults;
}

void TaskRunner::Run() {
  absl::Status status = RunLoop();
  if (status.ok()) {
    options_.listener->OnTaskStopped(options_.id);
  } else {
    spdlog::error("Task {} failed: {}", options_.id.ToString(), std::string(status.message()));
    options_.listener->OnTaskFailed(options_.id, std::string(status.message()));
  }
  done_.Notify();
}

std::string DescribeBrokenStream(plugins::PluginProcess* process, const std::string& grpc_error) {
  if (process != nullptr) {
    // The stream usually breaks a moment before the host is reaped.
    std::optional<plugins::ExitInfo> exit = process->WaitForExit(absl::Seconds(3));
    if (exit.has_value()) return exit->Describe();
  }
  return absl::StrCat("The stream to the plugin host broke: ", grpc_error);
}

}  // namespace sluice::runtime
