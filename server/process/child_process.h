// A supervised child process of the worker: started with pipes on stdin, stdout and stderr, in
// its own session, with its output logged under a label and the last stderr lines kept for the
// failure trace. Used for plugin hosts (server/plugins/plugin_process.h) and the REST gateway
// (server/gateway/gateway_supervisor.h).
//
// No orphans: the child's stdin is a pipe whose write end only the worker holds (close-on-exec,
// so no other child inherits it); the children we start exit when it reaches EOF, which also
// happens when the worker dies. The destructor kills (after a grace period) and reaps.
//
// Thread-safe.
#ifndef SLUICE_SERVER_PROCESS_CHILD_PROCESS_H_
#define SLUICE_SERVER_PROCESS_CHILD_PROCESS_H_

#include <sys/types.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sluice::process {

inline constexpr size_t kStderrTailLines = 20;

struct ChildProcessOptions {
  std::vector<std::string> argv;  // argv[0] is the path of the binary
  // Who this is, for logs and the exit description: "Plugin host for connector 'x'".
  std::string description;
  // When set, Start() waits for the first stdout line starting with this prefix (the
  // handshake) and fails if the child exits or the timeout passes first.
  std::string handshake_prefix;
  absl::Duration handshake_timeout = absl::Seconds(10);
  absl::Duration destroy_grace = absl::Seconds(2);
  // "NAME=value" strings: the child's whole environment. Unset: the worker's.
  std::optional<std::vector<std::string>> env;
  // Runs on the thread calling Start once the child has been spawned (it has exec'd and is
  // loading), before Start waits for its handshake: work on the child that can overlap its
  // start (a plugin host's cgroups). The child is not reaped before it returns.
  std::function<void(pid_t)> on_spawn;
};

struct ExitInfo {
  bool signaled = false;
  int signal = 0;
  int exit_code = 0;
  std::string stderr_tail;  // the last lines the child wrote to stderr, '\n'-separated
  std::string description;
  pid_t pid = 0;
  // Why the worker killed it (Kill with a reason), e.g. "Task x-0 did not answer poll ...".
  std::string kill_reason;
  // e.g. "Plugin host for connector 'x' (pid 123) was killed by signal 11 (Segmentation
  // fault). Last lines of its stderr:\n..."
  std::string Describe() const;
};

class ChildProcess {
 public:
  // Spawns the child; with a handshake prefix, returns once the handshake line arrived.
  // Unavailable when the child exits before its handshake (with the exit description),
  // DeadlineExceeded when the handshake does not come in time (the child is killed), Internal
  // when it cannot be spawned.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(ChildProcessOptions options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const;
  // The handshake line (empty without a handshake prefix).
  const std::string& handshake() const;
  // Set once the child has exited and was reaped.
  std::optional<ExitInfo> exit_info() const ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<ExitInfo> WaitForExit(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);
  // `callback` runs once, on the supervising thread, when the child exits (at once if it has).
  void OnExit(std::function<void(const ExitInfo&)> callback) ABSL_LOCKS_EXCLUDED(mu_);
  // Closes stdin (asking the child to exit), waits up to `grace`, then SIGKILLs; always reaps.
  void Stop(absl::Duration grace);
  void CloseStdin() ABSL_LOCKS_EXCLUDED(mu_);
  // SIGKILLs the child and its process group (unless it was reaped already). A non-empty
  // `reason` is kept for the exit description (the first reason given wins).
  void Kill(const std::string& reason = "") ABSL_LOCKS_EXCLUDED(mu_);

 private:
  ChildProcess(ChildProcessOptions options, pid_t pid, int pidfd, int stdin_fd, int stdout_fd,
               int stderr_fd);
  void Monitor() ABSL_LOCKS_EXCLUDED(mu_);
  void HandleLine(bool from_stderr, std::string line) ABSL_LOCKS_EXCLUDED(mu_);
  std::string Who() const;

  const ChildProcessOptions options_;
  const pid_t pid_;
  const int pidfd_;
  const int stdout_fd_;
  const int stderr_fd_;
  std::string handshake_line_;  // set once by Start, read-only afterwards

  mutable absl::Mutex mu_;
  int stdin_fd_ ABSL_GUARDED_BY(mu_);
  std::optional<std::string> handshake_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> stderr_tail_ ABSL_GUARDED_BY(mu_);
  std::optional<ExitInfo> exit_info_ ABSL_GUARDED_BY(mu_);  // set when reaped
  std::string kill_reason_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void(const ExitInfo&)>> on_exit_ ABSL_GUARDED_BY(mu_);
  std::thread monitor_;  // reads the pipes, then reaps; joined by the destructor
};

}  // namespace sluice::process

#endif  // SLUICE_SERVER_PROCESS_CHILD_PROCESS_H_
