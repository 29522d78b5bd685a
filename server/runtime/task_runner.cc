#include "server/runtime/task_runner.h"

namespace sluice::runtime {

std::string DescribeBrokenStream(plugins::PluginProcess* process, const std::string& grpc_error) {
  if (process != nullptr) {
    // The stream usually breaks a moment before the host is reaped.
    std::optional<plugins::ExitInfo> exit = process->WaitForExit(absl::Seconds(3));
    if (exit.has_value()) return exit->Describe();
  }
  return absl::StrCat("The stream to the plugin host broke: ", grpc_error);
}

}  // namespace sluice::runtime
