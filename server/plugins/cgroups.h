// The cgroups of plugin hosts: finding which controllers the worker may use, and making one
// cgroup per host with the policy's limits.
//
// Detection, at start: for each of memory, cpu and pids, a cgroup v1 hierarchy that has the
// controller wins (on hybrid machines the v1 hierarchies own it); otherwise the cgroup v2
// hierarchy when the controller is listed in the worker's cgroup.controllers. The worker makes
// `sluice-<pid>` beneath its own cgroup (v2: and moves itself into `sluice-<pid>/worker`, since a
// v2 cgroup with processes may not enable controllers for children) and each host gets
// `host-<n>` beneath it. A controller whose directory cannot be made (an unprivileged worker on
// a v1 machine, a v2 hierarchy not delegated to it) counts as missing.
//
// Thread-safety: DetectCgroups and RemoveCgroupBases at start and exit; HostCgroup is
// thread-compatible.
#ifndef SLUICE_SERVER_PLUGINS_CGROUPS_H_
#define SLUICE_SERVER_PLUGINS_CGROUPS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/plugins/sandbox_policy.h"

namespace sluice::plugins {

// Fills support.memory, .cpu and .pids, making the worker's base directories. `proc_self` and
// `root` are for tests (a fake /proc/self and filesystem root); empty: the real ones.
void DetectCgroups(SandboxSupport& support, const std::string& proc_self = "/proc/self",
                   const std::string& root = "");

// Removes the base directories DetectCgroups made (once every host's cgroup is gone).
void RemoveCgroupBases(const SandboxSupport& support);

class HostCgroup {
 public:
  // Makes host-<n> under each controller the policy limits, and writes the limits.
  static absl::StatusOr<std::unique_ptr<HostCgroup>> Create(const SandboxSupport& support,
                                                            const SandboxPolicy& policy);
  // Kills whatever still runs in the cgroup and removes its directories.
  ~HostCgroup();
  HostCgroup(const HostCgroup&) = delete;
  HostCgroup& operator=(const HostCgroup&) = delete;

  // What the host joins: {"memory", dir}, {"cpu", dir}, {"pids", dir} (v1) or {"unified", dir}.
  const std::vector<std::pair<std::string, std::string>>& dirs() const { return dirs_; }

  // Moves process `pid` into the cgroup. The host joins its cgroups itself before it runs
  // plugin code (and skips those it is in already); the worker moving it while it loads takes a
  // kernel's RCU grace period per hierarchy (tens of milliseconds on cgroup v1) off its start.
  // Best effort: false when a move failed (the host's own join then decides).
  bool Enter(pid_t pid) const;

  // What the cgroup counts, where it has the controller (nullopt otherwise): memory in use
  // (v1 memory.usage_in_bytes, v2 memory.current), tasks (pids.current: processes and threads),
  // CPU time (v2 cpu.stat usage_usec; v1 keeps it in cpuacct, which hosts do not join), and the
  // processes in it (cgroup.procs, as the worker's pid namespace numbers them).
  std::optional<int64_t> MemoryBytes() const;
  std::optional<int64_t> Tasks() const;
  std::optional<double> CpuSeconds() const;
  std::vector<pid_t> Pids() const;
  // "v1" or "v2".
  std::string Version() const;

 private:
  HostCgroup() = default;
  std::vector<std::pair<std::string, std::string>> dirs_;
};

}  // namespace sluice::plugins

#endif  // SLUICE_SERVER_PLUGINS_CGROUPS_H_
