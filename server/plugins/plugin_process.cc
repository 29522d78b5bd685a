#include "server/plugins/plugin_process.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "sdk/cpp/wire/codec.h"
#include "absl/strings/str_split.h"

namespace sluice::plugins {
namespace {

namespace pb = ::sluice::plugin::v1;

constexpr char kHandshakePrefix[] = "SLUICE-PLUGIN|";

std::string Description(const std::string& label) {
  return label.empty() ? "Plugin host" : absl::StrCat("Plugin host for connector '", label, "'");
}

}  // namespace

absl::StatusOr<std::unique_ptr<PluginProcess>> PluginProcess::Start(
    PluginProcessOptions options) {
  if (options.host_binary.empty() || options.plugin_dir.empty() || options.socket_dir.empty()) {
    return absl::InvalidArgumentError(
        "PluginProcessOptions needs host_binary, plugin_dir and socket_dir");
  }
  std::vector<std::string> argv = {options.host_binary, "--plugin-dir", options.plugin_dir,
                                   "--socket-dir", options.socket_dir};
  if (!options.label.empty()) {
    argv.push_back("--label");
    argv.push_back(options.label);
  }
  for (const auto& [flag, value] : {std::pair{"--limit-memory-bytes", options.limits.memory_bytes},
                                    std::pair{"--limit-cpu-seconds", options.limits.cpu_seconds},
                                    std::pair{"--limit-open-files", options.limits.open_files}}) {
    if (value > 0) {
      argv.push_back(flag);
      argv.push_back(absl::StrCat(value));
    }
  }
  absl::StatusOr<std::unique_ptr<process::ChildProcess>> child =
      process::ChildProcess::Start({.argv = std::move(argv),
                                    .description = Description(options.label),
                                    .handshake_prefix = kHandshakePrefix,
                                    .handshake_timeout = options.handshake_timeout,
                                    .destroy_grace = options.destroy_grace});
  if (!child.ok()) return child.status();
  auto process =
      std::unique_ptr<PluginProcess>(new PluginProcess(std::move(options), *std::move(child)));
  const std::string& handshake = process->child_->handshake();
  std::string who = absl::StrCat(Description(process->options_.label), " (pid ", process->pid(),
                                 ")");
  std::vector<std::string> parts = absl::StrSplit(handshake, '|');
  if (parts.size() != 5 || parts[2] != "unix" || parts[3].empty() || parts[4] != "grpc") {
    return absl::FailedPreconditionError(
        absl::StrCat(who, " sent a malformed handshake line: ", handshake));
  }
  if (parts[1] != absl::StrCat(kPluginProtocolVersion)) {
    return absl::FailedPreconditionError(
        absl::StrCat(who, " speaks plugin protocol version ", parts[1],
                     "; this worker speaks version ", kPluginProtocolVersion));
  }
  process->socket_path_ = parts[3];
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(wire::kMaxMessageBytes);
  args.SetMaxSendMessageSize(wire::kMaxMessageBytes);
  process->channel_ = grpc::CreateCustomChannel(absl::StrCat("unix:", process->socket_path_),
                                                grpc::InsecureChannelCredentials(), args);
  process->stub_ = pb::Plugin::NewStub(process->channel_);
  spdlog::info("{} serves the plugin protocol on {}", who, process->socket_path_);
  return process;
}

PluginProcess::~PluginProcess() = default;  // ChildProcess closes stdin, waits, kills, reaps

void PluginProcess::Stop(absl::Duration grace) {
  if (exit_info().has_value()) return;
  if (stub_ != nullptr) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + grace));
    pb::ShutdownResponse response;
    grpc::Status status = stub_->Shutdown(&context, pb::ShutdownRequest(), &response);
    if (!status.ok()) {
      spdlog::info("{} (pid {}): Shutdown call failed ({}); closing its stdin",
                   Description(options_.label), pid(), status.error_message());
    }
  }
  child_->Stop(grace);
}

}  // namespace sluice::plugins
