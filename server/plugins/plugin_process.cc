#include "server/plugins/plugin_process.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "plugin-host/sandbox/environment.h"
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
  const SandboxPolicy& policy = options.sandbox;
  std::unique_ptr<PrivateDir> private_dir;
  std::unique_ptr<HostCgroup> cgroup;
  std::string socket_dir = options.socket_dir;
  if (policy.full) {
    std::string name_template = absl::StrCat(options.socket_dir, "/h-XXXXXX");
    if (mkdtemp(name_template.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("Cannot make a private directory for ",
                                              Description(options.label), " in ",
                                              options.socket_dir, ": ", std::strerror(errno)));
    }
    private_dir = std::make_unique<PrivateDir>(name_template);
    socket_dir = name_template;
    if (options.support != nullptr) {
      absl::StatusOr<std::unique_ptr<HostCgroup>> made = HostCgroup::Create(*options.support, policy);
      if (!made.ok()) return made.status();
      cgroup = *std::move(made);
    }
  }
  std::vector<std::string> argv = {options.host_binary, "--plugin-dir", options.plugin_dir,
                                   "--socket-dir", socket_dir};
  if (!options.label.empty()) {
    argv.push_back("--label");
    argv.push_back(options.label);
  }
  // Without the full sandbox, a memory ceiling can only be an address-space limit.
  for (const auto& [flag, value] :
       {std::pair{"--limit-memory-bytes", policy.full ? 0 : policy.memory_bytes},
        std::pair{"--limit-cpu-seconds", policy.cpu_seconds},
        std::pair{"--limit-open-files", options.open_files}}) {
    if (value > 0) {
      argv.push_back(flag);
      argv.push_back(absl::StrCat(value));
    }
  }
  if (policy.full) {
    argv.insert(argv.end(), {"--sandbox", "--hide", options.socket_dir});
    for (const auto& [on, flag] : {std::pair{policy.network, "--network"},
                                   std::pair{!policy.namespaces, "--no-namespaces"},
                                   std::pair{!policy.landlock, "--no-landlock"},
                                   std::pair{!policy.seccomp, "--no-seccomp"}}) {
      if (on) argv.push_back(flag);
    }
    for (const std::string& path : policy.read_paths) argv.insert(argv.end(), {"--read", path});
    for (const std::string& path : policy.write_paths) argv.insert(argv.end(), {"--write", path});
    for (const std::string& path : policy.write_dirs) {
      argv.insert(argv.end(), {"--write-dir", path});
    }
    if (cgroup != nullptr) {
      for (const auto& [controller, dir] : cgroup->dirs()) {
        argv.insert(argv.end(), {"--cgroup", absl::StrCat(controller, "=", dir)});
      }
    }
  }
  // The host starts with the plugin's environment, not the worker's: even /proc/<pid>/environ
  // of the host shows nothing of the worker's.
  std::vector<std::string> env = plugin_host::EnvironmentStrings(plugin_host::ScrubbedEnvironment(
      plugin_host::CurrentEnvironment(), options.plugin_dir,
      policy.full ? absl::StrCat(socket_dir, "/tmp") : ""));
  absl::StatusOr<std::unique_ptr<process::ChildProcess>> child =
      process::ChildProcess::Start({.argv = std::move(argv),
                                    .description = Description(options.label),
                                    .handshake_prefix = kHandshakePrefix,
                                    .handshake_timeout = options.handshake_timeout,
                                    .destroy_grace = options.destroy_grace,
                                    .env = std::move(env)});
  if (!child.ok()) return child.status();
  auto process = std::unique_ptr<PluginProcess>(new PluginProcess(
      std::move(options), std::move(cgroup), std::move(private_dir), *std::move(child)));
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

PrivateDir::~PrivateDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

absl::StatusOr<SandboxSupport> ProbeSandboxSupport(const std::string& host_binary) {
  absl::StatusOr<std::unique_ptr<process::ChildProcess>> probe = process::ChildProcess::Start(
      {.argv = {host_binary, "--probe"},
       .description = "The plugin host's sandbox probe",
       .handshake_prefix = "{",
       .handshake_timeout = absl::Seconds(10)});
  if (!probe.ok()) return probe.status();
  return ParseProbe((*probe)->handshake());
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
