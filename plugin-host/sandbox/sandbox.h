// The minimal sandbox sluice-plugin-host puts itself in before it loads or execs plugin code.
//
// What it does today (the full per-connector sandbox of DESIGN.md §5 — namespaces, seccomp,
// Landlock, cgroups — is a later step and will live here too):
// - its own session and process group (setsid), so the worker can signal the host and anything
//   it started as one group, and no terminal signal reaches it;
// - PR_SET_NO_NEW_PRIVS: neither the host nor anything it execs gains privileges (setuid bits,
//   file capabilities);
// - rlimits: no core dumps (RLIMIT_CORE 0), RLIMIT_NOFILE capped at kMaxOpenFiles, and the
//   tenant's ceilings when the worker gives them (address space, CPU seconds, open files);
// - (no PR_SET_PDEATHSIG: it fires when the *thread* that spawned the host exits, not the
//   worker; the host notices the worker's death through EOF on stdin instead);
// - a scrubbed environment: only PATH, LANG, LC_ALL, TZ are kept from the worker's; HOME and
//   TMPDIR are set to the plugin directory and /tmp; everything else (credentials in the
//   worker's environment, LD_PRELOAD, ...) is dropped.
//
// Thread-safety: call Enter() once, early in main(), before any other thread exists (it
// changes process-wide state such as the environment).
#ifndef SLUICE_PLUGIN_HOST_SANDBOX_SANDBOX_H_
#define SLUICE_PLUGIN_HOST_SANDBOX_SANDBOX_H_

#include <sys/resource.h>

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"

namespace sluice::plugin_host {

inline constexpr rlim_t kMaxOpenFiles = 4096;

struct SandboxOptions {
  std::string plugin_dir;  // becomes HOME
  // Ceilings of the connector's tenant (0: none): RLIMIT_AS, RLIMIT_CPU, RLIMIT_NOFILE (below
  // kMaxOpenFiles).
  int64_t memory_bytes = 0;
  int64_t cpu_seconds = 0;
  int64_t open_files = 0;
};

// The environment a plugin sees, computed from `current` (the worker's).
std::map<std::string, std::string> ScrubbedEnvironment(
    const std::map<std::string, std::string>& current, const std::string& plugin_dir);

// Puts the calling process in the sandbox described above. Internal (with errno text) when a
// step fails; the caller exits then, since running plugin code unsandboxed is not an option.
absl::Status EnterSandbox(const SandboxOptions& options);

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_SANDBOX_SANDBOX_H_
