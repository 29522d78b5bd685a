// PluginProcess: the worker's side of one sluice-plugin-host child process.
//
// Start() spawns the host (its own session and process group), reads its handshake line
// (`SLUICE-PLUGIN|1|unix|<socket path>|grpc`, see proto/sluice/plugin/v1/plugin.proto) and
// connects a gRPC stub to the socket it names. The process itself is a process::ChildProcess:
// its output is logged under the label, the last lines of its stderr are kept, and ExitInfo
// tells how it ended, e.g. for the trace of a connector that crashed.
//
//   absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start({
//       .host_binary = "/usr/lib/sluice/sluice-plugin-host",
//       .plugin_dir = "/opt/sluice/plugins/file",
//       .socket_dir = private_dir,  // 0700
//       .label = "local-file-source"});
//   (*host)->OnExit([](const ExitInfo& exit) { ... exit.Describe() ... });
//   (*host)->stub().Describe(...);
//
// The host's stdin is a pipe whose write end only this object holds (O_CLOEXEC: no other child
// inherits it). Closing it, or the worker dying, makes the host exit: no orphans.
//
// Ownership: a PluginProcess owns its child. Stop() or the destructor end it (SIGKILL to its
// process group after a grace period) and always reap it.
//
// Thread-safety: thread-safe.
#ifndef SLUICE_SERVER_PLUGINS_PLUGIN_PROCESS_H_
#define SLUICE_SERVER_PLUGINS_PLUGIN_PROCESS_H_

#include <sys/types.h>

#include <deque>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/plugins/cgroups.h"
#include "server/plugins/sandbox_policy.h"
#include "server/process/child_process.h"
#include "sluice/plugin/v1/plugin.grpc.pb.h"

namespace sluice::plugins {

inline constexpr int kPluginProtocolVersion = 1;

// A tenant's ceilings on its connectors' hosts (access_control.h; 0: none). In the full sandbox
// memory_bytes caps the host's memory cgroup; with only the minimal sandbox
// (sluice.sandbox.enabled=false) it caps the address space (RLIMIT_AS), which must leave room
// for the host's thread stacks and its gRPC runtime (about 200 MiB of address space).
struct SandboxLimits {
  int64_t memory_bytes = 0;
  int64_t cpu_seconds = 0;  // RLIMIT_CPU: SIGXCPU, then SIGKILL, past it
  int64_t open_files = 0;   // RLIMIT_NOFILE, at most the sandbox's own cap

  bool operator==(const SandboxLimits&) const = default;
};

struct PluginProcessOptions {
  std::string host_binary;  // path of sluice-plugin-host
  std::string plugin_dir;   // directory holding sluice-plugin.json
  std::string socket_dir;   // private directory (0700) for the unix socket
  std::string label;        // e.g. the connector name, for logs and the trace
  int64_t open_files = 0;   // RLIMIT_NOFILE ceiling (0: the sandbox's own cap)
  // The host's sandbox (sandbox_policy.h). With policy.full, the host gets a private directory
  // of its own under socket_dir (its socket and temporary files; removed when it ends), its
  // cgroups when `support` offers controllers, and socket_dir is hidden from it.
  SandboxPolicy sandbox;
  const SandboxSupport* support = nullptr;
  absl::Duration handshake_timeout = absl::Seconds(10);
  // How long the destructor waits, after closing the host's stdin, before SIGKILL.
  absl::Duration destroy_grace = absl::Seconds(2);
};

// What a host uses now. Memory: its memory cgroup's count when it has one, else the resident
// sets of its processes added up; tasks: its pids cgroup's count (processes and threads, what
// sluice.sandbox.processes limits) or the threads of its processes; CPU: its cgroup v2 count,
// else the user and system time of its processes and their reaped children (/proc).
struct HostUsage {
  pid_t pid = 0;
  int64_t memory_bytes = 0;
  double cpu_seconds = 0;
  int64_t tasks = 0;
  int64_t processes = 0;
  std::string measured_by;  // "cgroup v1", "cgroup v2" or "procfs"
};

// How a host ended; Describe() reads "Plugin host for connector 'x' (pid N) was killed by
// signal 11 (Segmentation fault). Last lines of its stderr: ...".
using ExitInfo = process::ExitInfo;

// A directory removed with everything in it when destroyed.
class PrivateDir {
 public:
  explicit PrivateDir(std::string path) : path_(std::move(path)) {}
  ~PrivateDir();
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
};

// What this machine's kernel offers the host's sandbox: runs `host_binary --probe`. Cgroups are
// not detected here (DetectCgroups, which also makes the worker's cgroup directories).
absl::StatusOr<SandboxSupport> ProbeSandboxSupport(const std::string& host_binary);

class PluginProcess {
 public:
  // Spawns the host and connects to the socket its handshake names. Unavailable when the host
  // exits before its handshake (with the exit description), DeadlineExceeded when the handshake
  // does not come in time, FailedPrecondition for a malformed handshake or another protocol
  // version, Internal when it cannot be spawned.
  static absl::StatusOr<std::unique_ptr<PluginProcess>> Start(PluginProcessOptions options);
  ~PluginProcess();
  PluginProcess(const PluginProcess&) = delete;
  PluginProcess& operator=(const PluginProcess&) = delete;

  sluice::plugin::v1::Plugin::Stub& stub() { return *stub_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  pid_t pid() const { return child_->pid(); }
  const std::string& socket_path() const { return socket_path_; }

  // What the host uses now (HostUsage); nullopt once it has exited.
  std::optional<HostUsage> Usage() const;
  // The sandbox policy it was started with (its limits).
  const SandboxPolicy& policy() const { return options_.sandbox; }

  // Set once the host has exited and was reaped.
  std::optional<ExitInfo> exit_info() const { return child_->exit_info(); }
  std::optional<ExitInfo> WaitForExit(absl::Duration timeout) {
    return child_->WaitForExit(timeout);
  }
  // `callback` runs once when the host exits (at once if it has), on the monitor thread.
  void OnExit(std::function<void(const ExitInfo&)> callback) {
    child_->OnExit(std::move(callback));
  }
  // Asks the host to shut down (Shutdown RPC, then closing its stdin), waits up to `grace`,
  // then kills its process group. Always reaps.
  void Stop(absl::Duration grace);
  // SIGKILLs the host's process group at once (the watchdog's way); `reason` goes into its
  // exit description. A no-op once it was reaped.
  void Kill(const std::string& reason) { child_->Kill(reason); }
  // Closing stdin is how the host learns the worker let go of it.
  void CloseStdin() { child_->CloseStdin(); }

 private:
  PluginProcess(PluginProcessOptions options, std::unique_ptr<HostCgroup> cgroup,
                std::unique_ptr<PrivateDir> private_dir,
                std::unique_ptr<process::ChildProcess> child)
      : options_(std::move(options)),
        private_dir_(std::move(private_dir)),
        cgroup_(std::move(cgroup)),
        child_(std::move(child)) {}

  const PluginProcessOptions options_;
  // Declared before child_: they go after it, once the host is reaped.
  std::unique_ptr<PrivateDir> private_dir_;
  std::unique_ptr<HostCgroup> cgroup_;
  std::unique_ptr<process::ChildProcess> child_;
  std::string socket_path_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<sluice::plugin::v1::Plugin::Stub> stub_;
};

}  // namespace sluice::plugins

#endif  // SLUICE_SERVER_PLUGINS_PLUGIN_PROCESS_H_
