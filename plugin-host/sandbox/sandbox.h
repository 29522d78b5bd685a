// The sandbox sluice-plugin-host puts itself in before it loads or execs plugin code.
//
// Always (the minimal sandbox, what `sluice.sandbox.enabled=false` leaves):
// - its own session and process group (setsid), so the worker can signal the host and anything
//   it started as one group, and no terminal signal reaches it;
// - PR_SET_NO_NEW_PRIVS: neither the host nor anything it execs gains privileges (setuid bits,
//   file capabilities);
// - rlimits: no core dumps (RLIMIT_CORE 0), RLIMIT_NOFILE capped at kMaxOpenFiles, and the
//   ceilings the worker gives (address space, CPU seconds, open files);
// - a scrubbed environment: only PATH, LANG, LC_ALL, TZ are kept from the worker's; HOME is the
//   plugin directory and TMPDIR the host's private temporary directory (or /tmp); everything else
//   (credentials in the worker's environment, LD_PRELOAD, ...) is dropped. The worker also starts
//   the host with this environment, so that not even /proc/self/environ shows the worker's.
//
// The full sandbox (`full`), per connector, from the policy the worker computed
// (server/plugins/sandbox_policy.h):
// - the host joins the cgroups the worker made for it (memory, cpu, pids limits);
// - new user, mount, pid and ipc namespaces, and a network namespace with nothing but a down
//   loopback unless the policy allows the network. The user namespace maps the worker's uid to
//   itself; the plugin keeps no capability in it;
// - the process forks: the child (pid 1 of the new pid namespace) runs the plugin; the parent
//   stays outside as the supervisor (Supervise below), which runs no plugin code;
// - in the child: a fresh /proc (only the sandbox's processes), an empty tmpfs over the worker's
//   private directory (its other hosts' sockets, the gateway's token) with the host's own
//   directory put back, all capabilities dropped, Landlock rules (the runtime's and plugin's
//   files read-only, the connector's declared paths, its private directory), and the seccomp
//   filter (seccomp_filter.h).
//
// The supervisor waits for the child. It ends the sandbox, and writes why on stderr (the last
// lines of a host's stderr are the trace of its connector's failed tasks), when the plugin makes
// a denied system call ("killed by seccomp: ptrace"), when the memory cgroup's OOM killer acted
// ("memory limit of 256 MiB exceeded") or when the pids cgroup refused a fork ("process limit of
// 64 reached"); it also names RLIMIT_CPU ("CPU time limit of 30 s exceeded") and warns once each
// time memory use crosses 90% of the limit. It then exits as the child did (same code, or the
// same signal), so the worker sees the host end as the plugin did.
//
// Thread-safety: call EnterSandbox() once, early in main(), before any other thread exists (it
// forks, unshares and changes process-wide state such as the environment).
#ifndef SLUICE_PLUGIN_HOST_SANDBOX_SANDBOX_H_
#define SLUICE_PLUGIN_HOST_SANDBOX_SANDBOX_H_

#include <sys/resource.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "plugin-host/sandbox/environment.h"

namespace sluice::plugin_host {

inline constexpr rlim_t kMaxOpenFiles = 4096;

// A cgroup directory the host joins: controller is "memory", "cpu", "pids" (cgroup v1, one
// hierarchy each) or "unified" (cgroup v2, all controllers in one directory).
struct CgroupDir {
  std::string controller;
  std::string dir;
};

struct SandboxOptions {
  std::string plugin_dir;  // becomes HOME; readable (and executable) in the full sandbox
  // Ceilings as rlimits (0: none): RLIMIT_AS, RLIMIT_CPU, RLIMIT_NOFILE (below kMaxOpenFiles).
  int64_t memory_bytes = 0;
  int64_t cpu_seconds = 0;
  int64_t open_files = 0;

  // The full sandbox; off: the minimal one only.
  bool full = false;
  bool namespaces = true;   // user, mount, pid, ipc (and net unless `network`)
  bool network = false;     // keep the worker's network: no network namespace
  bool landlock = true;
  bool seccomp = true;
  std::vector<std::string> read_paths;   // read and execute (the runtime, its libraries)
  std::vector<std::string> write_paths;  // read and write (the connector's declared files)
  std::vector<std::string> write_dirs;   // read and write beneath (its declared directories)
  std::string private_dir;  // the host's own directory (socket, tmp/): read-write, stays visible
  std::string hide_dir;     // covered by an empty tmpfs (the worker's private directory)
  std::vector<CgroupDir> cgroups;
};

// The filesystem paths every plugin runtime reads: libraries, the dynamic loader's cache,
// time zones, certificates, name resolution; /proc (the sandbox's own) and the few devices a
// runtime opens.
const std::vector<std::string>& SystemReadPaths();

// Puts the calling process in the sandbox described above. In the full sandbox this returns in
// the sandboxed child only; the supervisor never returns. Internal (with errno text) when a step
// fails; the caller exits then, since running plugin code unsandboxed is not an option.
absl::Status EnterSandbox(const SandboxOptions& options);

// What this machine offers, as the plugin host's `--probe` prints it (one JSON object):
// {"user_namespaces":true,"network_namespace":true,"proc_mount":true,"landlock_abi":7,
//  "seccomp_notify":true}. Forks to try the namespaces; call it in a single-threaded process.
std::string ProbeJson();

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_SANDBOX_SANDBOX_H_
