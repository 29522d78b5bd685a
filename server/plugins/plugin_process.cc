#include "server/plugins/plugin_process.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "plugin-host/sandbox/environment.h"
#include "sdk/cpp/wire/codec.h"
#include "absl/strings/numbers.h"
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
  if (policy.jvm_heap_bytes > 0) {
    argv.push_back("--jvm-heap");
    argv.push_back(plugin_host::JvmSizeArg(policy.jvm_heap_bytes));
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
  // Only the two variables that say which Java a jvm plugin's host runs are passed on besides;
  // the host reads them and drops them in its own scrub, before the JVM starts.
  const std::map<std::string, std::string> worker_env = plugin_host::CurrentEnvironment();
  std::map<std::string, std::string> host_env = plugin_host::ScrubbedEnvironment(
      worker_env, options.plugin_dir, policy.full ? absl::StrCat(socket_dir, "/tmp") : "");
  for (const char* name : {"JAVA_HOME", plugin_host::kJvmHostJarEnv}) {
    if (auto it = worker_env.find(name); it != worker_env.end()) host_env.insert(*it);
  }
  std::vector<std::string> env = plugin_host::EnvironmentStrings(host_env);
  // The host's cgroups are joined while it loads (HostCgroup::Enter); it checks before it runs
  // plugin code.
  std::function<void(pid_t)> on_spawn;
  if (cgroup != nullptr) on_spawn = [c = cgroup.get()](pid_t pid) { (void)c->Enter(pid); };
  absl::StatusOr<std::unique_ptr<process::ChildProcess>> child =
      process::ChildProcess::Start({.argv = std::move(argv),
                                    .description = Description(options.label),
                                    .handshake_prefix = kHandshakePrefix,
                                    .handshake_timeout = options.handshake_timeout,
                                    .destroy_grace = options.destroy_grace,
                                    .env = std::move(env),
                                    .on_spawn = std::move(on_spawn)});
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

namespace {

// The fields of /proc/<pid>/stat after the command name, from field 3 (state) on.
std::vector<std::string> StatFields(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 > text.size()) return {};
  return absl::StrSplit(text.substr(close + 2), ' ', absl::SkipEmpty());
}

int64_t Field(const std::vector<std::string>& fields, int number) {  // number as in proc(5)
  int64_t value = 0;
  const size_t index = static_cast<size_t>(number - 3);
  if (index < fields.size()) (void)absl::SimpleAtoi(fields[index], &value);
  return value;
}

// The host and the processes of its session (the host calls setsid; its sandbox's processes
// stay in the session).
std::vector<pid_t> SessionPids(pid_t host) {
  std::vector<pid_t> pids = {host};
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid) || pid == host) continue;
    if (Field(StatFields(pid), 6) == host) pids.push_back(pid);
  }
  return pids;
}

}  // namespace

std::optional<HostUsage> PluginProcess::Usage() const {
  if (exit_info().has_value()) return std::nullopt;
  HostUsage usage;
  usage.pid = pid();
  std::vector<pid_t> pids;
  if (cgroup_ != nullptr) pids = cgroup_->Pids();
  if (pids.empty()) pids = SessionPids(pid());
  const int64_t ticks = sysconf(_SC_CLK_TCK);
  const int64_t page = sysconf(_SC_PAGESIZE);
  int64_t rss_pages = 0, cpu_ticks = 0, threads = 0;
  for (pid_t p : pids) {
    std::vector<std::string> fields = StatFields(p);
    if (fields.empty()) continue;  // gone meanwhile
    ++usage.processes;
    cpu_ticks += Field(fields, 14) + Field(fields, 15) + Field(fields, 16) + Field(fields, 17);
    threads += Field(fields, 20);
    rss_pages += Field(fields, 24);
  }
  usage.memory_bytes = rss_pages * page;
  usage.cpu_seconds = ticks > 0 ? static_cast<double>(cpu_ticks) / static_cast<double>(ticks) : 0;
  usage.tasks = threads;
  usage.measured_by = "procfs";
  if (cgroup_ != nullptr) {
    const std::string version = absl::StrCat("cgroup ", cgroup_->Version());
    if (std::optional<int64_t> memory = cgroup_->MemoryBytes()) {
      usage.memory_bytes = *memory;
      usage.measured_by = version;
    }
    if (std::optional<int64_t> tasks = cgroup_->Tasks()) usage.tasks = *tasks;
    if (std::optional<double> cpu = cgroup_->CpuSeconds()) usage.cpu_seconds = *cpu;
  }
  return usage;
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
