// The sandbox policy of each connector's plugin host: what the worker's operator allows
// (`sluice.sandbox.*` in the worker config: defaults and ceilings), what this machine can enforce
// (SandboxSupport, probed at start), and what a connector asks for (`sluice.sandbox.*` in its
// config, never more than the ceiling) give the policy the host is started with
// (plugin-host/sandbox/sandbox.h enforces it; docs/security.md explains it).
//
// Worker config (defaults in brackets):
//   sluice.sandbox.enabled [true]             false: only the minimal sandbox (no namespaces,
//                                             Landlock, seccomp or cgroups)
//   sluice.sandbox.memory.bytes [1073741824]  a host's memory (cgroup), unless its connector asks
//   sluice.sandbox.memory.max.bytes [4294967296]  the most a connector may ask (0: no ceiling)
//   sluice.sandbox.processes [512]            tasks (processes and threads) of a host (cgroup pids)
//   sluice.sandbox.processes.max [4096]
//   sluice.sandbox.cpu.cores [0]              CPU bandwidth of a host in cores (0: unlimited)
//   sluice.sandbox.cpu.max.cores [0]
//   sluice.sandbox.cpu.seconds [0]            CPU time of a host's process (RLIMIT_CPU; 0: none)
//   sluice.sandbox.cpu.max.seconds [0]
//   sluice.sandbox.network [false]            whether a host may use the network by default
//   sluice.sandbox.network.allowed [true]     whether a connector may ask for it
//   sluice.sandbox.paths.allowed [/]          where connectors' declared paths may be
//   sluice.sandbox.read.paths []              more runtime paths every host may read
//   sluice.sandbox.required []                mechanisms without which no connector starts
// Connector config (each optional):
//   sluice.sandbox.memory.bytes, sluice.sandbox.processes, sluice.sandbox.cpu.cores,
//   sluice.sandbox.cpu.seconds, sluice.sandbox.network, sluice.sandbox.paths.read,
//   sluice.sandbox.paths.write, and for plugins of the jvm runtime sluice.jvm.heap (-Xmx)
// and the config keys the plugin's manifest declares as paths (the file connectors' `file`).
//
// A JVM's host (runtime "jvm"): its memory ceiling is its heap plus a non-heap allowance
// (plugin_host::JvmNonHeapBytes) unless the connector sets sluice.sandbox.memory.bytes, which may
// not be below the heap; it gets no address-space limit in the minimal sandbox (the heap caps
// it), and at least kMinJvmProcesses tasks.
//
// Thread-compatible value types and pure functions.
#ifndef SLUICE_SERVER_PLUGINS_SANDBOX_POLICY_H_
#define SLUICE_SERVER_PLUGINS_SANDBOX_POLICY_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "plugin-host/manifest.h"
#include "sluice/sdk/config_def.h"

namespace sluice::plugins {

inline constexpr char kSandboxPrefix[] = "sluice.sandbox.";
inline constexpr char kJvmHeapKey[] = "sluice.jvm.heap";
// A JVM starts about 20 threads and its GC's; fewer tasks than this and it cannot start.
inline constexpr int64_t kMinJvmProcesses = 64;

// What the policy needs to know of a plugin's runtime.
struct RuntimeTraits {
  bool jvm = false;
  std::string manifest_heap;  // the manifest's "jvm": {"heap"} ("": plugin_host::kDefaultJvmHeap)
};

struct SandboxSettings {
  bool enabled = true;
  int64_t memory_bytes = int64_t{1} << 30;
  int64_t memory_max_bytes = int64_t{4} << 30;
  int64_t processes = 512;
  int64_t processes_max = 4096;
  double cpu_cores = 0;
  double cpu_max_cores = 0;
  int64_t cpu_seconds = 0;
  int64_t cpu_max_seconds = 0;
  bool network = false;
  bool network_allowed = true;
  std::vector<std::string> paths_allowed = {"/"};
  std::vector<std::string> read_paths;
  // sluice.sandbox.required: mechanisms without which no connector starts (namespaces,
  // landlock, seccomp, cgroups).
  std::vector<std::string> required;
  // The limit keys the worker config sets itself: a limit set on purpose must be enforced.
  std::set<std::string> explicit_keys;
};

// The worker's sluice.sandbox.* keys. InvalidArgument in Kafka's words for a bad value.
absl::StatusOr<SandboxSettings> ParseSandboxSettings(const ConfigMap& worker_props);

// Which cgroup version serves a controller here (0: none usable), and the directory under which
// the worker makes its hosts' cgroups.
struct CgroupController {
  int version = 0;
  std::string base_dir;
};

// What this machine can enforce: the plugin host's --probe, and the cgroups the worker may use.
struct SandboxSupport {
  bool user_namespaces = false;
  bool network_namespace = false;
  bool proc_mount = false;
  int landlock_abi = 0;
  bool seccomp_notify = false;
  CgroupController memory;
  CgroupController cpu;
  CgroupController pids;

  bool namespaces() const { return user_namespaces && proc_mount; }
  // One line per protection this machine lacks, e.g. "Landlock (filesystem rules): not
  // supported by this kernel"; empty when all are there.
  std::vector<std::string> Missing() const;
};

// Parses the host's --probe line (plugin-host/sandbox/sandbox.h ProbeJson).
absl::StatusOr<SandboxSupport> ParseProbe(std::string_view json);

// The ceilings a tenant's policy sets on its connectors' hosts (0: none); see access_control.h.
struct TenantCeilings {
  int64_t memory_bytes = 0;
  int64_t cpu_seconds = 0;
};

// One connector's host policy, what PluginProcess passes to sluice-plugin-host.
struct SandboxPolicy {
  bool full = false;        // false: the minimal sandbox only
  bool namespaces = false;  // user, mount, pid, ipc (and net unless network)
  bool network = false;
  bool landlock = false;
  bool seccomp = false;
  int64_t memory_bytes = 0;  // cgroup memory limit (0: none)
  int64_t processes = 0;     // cgroup pids limit (0: none)
  double cpu_cores = 0;      // cgroup CPU bandwidth (0: unlimited)
  int64_t cpu_seconds = 0;   // RLIMIT_CPU (0: none)
  std::vector<std::string> read_paths;   // absolute
  std::vector<std::string> write_paths;  // absolute: files
  std::vector<std::string> write_dirs;   // absolute: directory trees
  int64_t jvm_heap_bytes = 0;  // a JVM's -Xmx (0: not a JVM)

  bool operator==(const SandboxPolicy&) const = default;
};

// Config keys whose values are paths, and how the connector uses them (the manifest's
// sandbox.paths for the connector's class).
using PathUse = plugin_host::PathUse;
using PathKeys = std::map<std::string, PathUse>;

// Per-key errors in Kafka's validation words, e.g. {"sluice.sandbox.memory.bytes": ["Invalid
// value 8589934592 for configuration sluice.sandbox.memory.bytes: the worker allows at most
// 4294967296 (sluice.sandbox.memory.max.bytes)"]}.
using PolicyErrors = std::map<std::string, std::vector<std::string>>;

// The policy of a connector with `config` (resolved; relative paths resolve against the current
// directory, as the connector's would). Asking for more than a ceiling, for the network when it
// is not allowed, or for a path outside sluice.sandbox.paths.allowed is an error of its key in
// `errors`; so is a limit this machine cannot enforce (memory without a memory cgroup, ...),
// since a policy that needs a missing mechanism must not run. The policy is still returned.
// `runtime` says whether the plugin runs in a JVM (see above).
SandboxPolicy ResolvePolicy(const SandboxSettings& settings, const SandboxSupport& support,
                            const TenantCeilings& tenant, const PathKeys& path_keys,
                            const ConfigMap& config, PolicyErrors& errors,
                            const RuntimeTraits& runtime = {});

// The policy of a host that runs no connector (a plugin's validation host): nothing granted but
// the runtime, the default limits.
SandboxPolicy DefaultPolicy(const SandboxSettings& settings, const SandboxSupport& support,
                            const RuntimeTraits& runtime = {});

// The definitions of the connector-level keys, for validate's output (group "Sandbox").
std::vector<ConfigKey> SandboxConfigKeys();

}  // namespace sluice::plugins

#endif  // SLUICE_SERVER_PLUGINS_SANDBOX_POLICY_H_
