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

void TaskRunner::Join() {
  if (thread_.joinable()) thread_.join();
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
