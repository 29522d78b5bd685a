#include "server/plugins/sandbox_policy.h"

#include <cmath>
#include <filesystem>
#include <optional>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "simdjson.h"

namespace sluice::plugins {
namespace {

constexpr char kMemory[] = "sluice.sandbox.memory.bytes";
constexpr char kProcesses[] = "sluice.sandbox.processes";
constexpr char kCpuCores[] = "sluice.sandbox.cpu.cores";
constexpr char kCpuSeconds[] = "sluice.sandbox.cpu.seconds";
constexpr char kNetwork[] = "sluice.sandbox.network";
constexpr char kPathsRead[] = "sluice.sandbox.paths.read";
constexpr char kPathsWrite[] = "sluice.sandbox.paths.write";

std::string InvalidValue(absl::string_view key, absl::string_view value, absl::string_view why) {
  return absl::StrCat("Invalid value ", value, " for configuration ", key, ": ", why);
}

std::optional<std::string> Lookup(const ConfigMap& config, absl::string_view key) {
  auto it = config.find(std::string(key));
  if (it == config.end()) return std::nullopt;
  return std::string(absl::StripAsciiWhitespace(it->second));
}

// Parses config[key] as a LONG >= 0 into *out; an error text when it is not one.
std::optional<std::string> ReadLong(const ConfigMap& config, absl::string_view key,
                                    int64_t* out) {
  std::optional<std::string> value = Lookup(config, key);
  if (!value) return std::nullopt;
  if (!absl::SimpleAtoi(*value, out)) return InvalidValue(key, *value, "Not a number of type LONG");
  if (*out < 0) return InvalidValue(key, *value, "Value must be at least 0");
  return std::nullopt;
}

std::optional<std::string> ReadDouble(const ConfigMap& config, absl::string_view key,
                                      double* out) {
  std::optional<std::string> value = Lookup(config, key);
  if (!value) return std::nullopt;
  if (!absl::SimpleAtod(*value, out) || !std::isfinite(*out)) {
    return InvalidValue(key, *value, "Not a number of type DOUBLE");
  }
  if (*out < 0) return InvalidValue(key, *value, "Value must be at least 0.0");
  return std::nullopt;
}

std::optional<std::string> ReadBool(const ConfigMap& config, absl::string_view key, bool* out) {
  std::optional<std::string> value = Lookup(config, key);
  if (!value) return std::nullopt;
  std::string lower = absl::AsciiStrToLower(*value);
  if (lower != "true" && lower != "false") {
    return InvalidValue(key, *value, "Expected value to be either true or false");
  }
  *out = lower == "true";
  return std::nullopt;
}

std::vector<std::string> ReadList(const ConfigMap& config, absl::string_view key) {
  std::vector<std::string> items;
  std::optional<std::string> value = Lookup(config, key);
  if (!value) return items;
  for (absl::string_view item : absl::StrSplit(*value, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  return std::filesystem::absolute(path, ec).lexically_normal().string();
}

// True when `path` is `prefix` or beneath it, component by component.
bool Beneath(const std::string& path, const std::string& prefix) {
  std::string p = Absolute(prefix);
  if (p == "/") return true;
  if (!p.empty() && p.back() == '/') p.pop_back();
  return path == p || (path.size() > p.size() && path.compare(0, p.size(), p) == 0 &&
                       path[p.size()] == '/');
}

std::string FormatNumber(double n) {
  return n == std::floor(n) ? absl::StrCat(static_cast<int64_t>(n)) : absl::StrCat(n);
}

ConfigKey Key(const char* name, ConfigType type, const char* doc) {
  ConfigKey key;
  key.name = name;
  key.type = type;
  key.importance = ConfigImportance::kLow;
  key.documentation = doc;
  key.group = "Sandbox";
  // Optional: unset means the worker's default (validate listed them as required before).
  key.null_default = true;
  return key;
}

}  // namespace

absl::StatusOr<SandboxSettings> ParseSandboxSettings(const ConfigMap& props) {
  SandboxSettings s;
  std::vector<std::string> errors;
  auto keep = [&errors](std::optional<std::string> error) {
    if (error) errors.push_back(*std::move(error));
  };
  keep(ReadBool(props, "sluice.sandbox.enabled", &s.enabled));
  keep(ReadLong(props, kMemory, &s.memory_bytes));
  keep(ReadLong(props, "sluice.sandbox.memory.max.bytes", &s.memory_max_bytes));
  keep(ReadLong(props, kProcesses, &s.processes));
  keep(ReadLong(props, "sluice.sandbox.processes.max", &s.processes_max));
  keep(ReadDouble(props, kCpuCores, &s.cpu_cores));
  keep(ReadDouble(props, "sluice.sandbox.cpu.max.cores", &s.cpu_max_cores));
  keep(ReadLong(props, kCpuSeconds, &s.cpu_seconds));
  keep(ReadLong(props, "sluice.sandbox.cpu.max.seconds", &s.cpu_max_seconds));
  keep(ReadBool(props, kNetwork, &s.network));
  keep(ReadBool(props, "sluice.sandbox.network.allowed", &s.network_allowed));
  if (Lookup(props, "sluice.sandbox.paths.allowed")) {
    s.paths_allowed = ReadList(props, "sluice.sandbox.paths.allowed");
  }
  for (const std::string& path : ReadList(props, "sluice.sandbox.read.paths")) {
    s.read_paths.push_back(Absolute(path));
  }
  for (const char* key : {"sluice.sandbox.required"}) {
    for (const std::string& item : ReadList(props, key)) {
      if (item != "namespaces" && item != "landlock" && item != "seccomp" && item != "cgroups") {
        errors.push_back(InvalidValue(key, item,
                                      "expected a list of namespaces, landlock, seccomp, cgroups"));
      }
      s.required.push_back(item);
    }
  }
  for (const char* key : {kMemory, kProcesses, kCpuCores}) {
    if (props.contains(key)) s.explicit_keys.insert(key);
  }
  if (!errors.empty()) return absl::InvalidArgumentError(absl::StrJoin(errors, "; "));
  if (s.memory_max_bytes > 0 && s.memory_bytes > s.memory_max_bytes) {
    return absl::InvalidArgumentError(
        "sluice.sandbox.memory.bytes must not exceed sluice.sandbox.memory.max.bytes");
  }
  if (s.processes_max > 0 && s.processes > s.processes_max) {
    return absl::InvalidArgumentError(
        "sluice.sandbox.processes must not exceed sluice.sandbox.processes.max");
  }
  return s;
}

std::vector<std::string> SandboxSupport::Missing() const {
  std::vector<std::string> missing;
  if (!user_namespaces) {
    missing.push_back("user, mount, pid and ipc namespaces: unshare(CLONE_NEWUSER) is refused");
  } else if (!proc_mount) {
    missing.push_back("namespaces: a fresh /proc cannot be mounted in a pid namespace here");
  }
  if (!network_namespace) missing.push_back("network namespace: unshare(CLONE_NEWNET) is refused");
  if (landlock_abi == 0) missing.push_back("Landlock (filesystem rules): not supported");
  if (!seccomp_notify) {
    missing.push_back("seccomp user notification: a denied system call kills without a reason");
  }
  for (const auto& [name, controller] :
       {std::pair{"memory", &memory}, std::pair{"cpu", &cpu}, std::pair{"pids", &pids}}) {
    if (controller->version == 0) {
      missing.push_back(absl::StrCat("cgroup ", name, " controller: not available to the worker"));
    }
  }
  return missing;
}

absl::StatusOr<SandboxSupport> ParseProbe(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat("malformed sandbox probe: ", std::string(json)));
  }
  SandboxSupport support;
  int64_t abi = 0;
  if (root["user_namespaces"].get(support.user_namespaces) != simdjson::SUCCESS ||
      root["network_namespace"].get(support.network_namespace) != simdjson::SUCCESS ||
      root["proc_mount"].get(support.proc_mount) != simdjson::SUCCESS ||
      root["landlock_abi"].get(abi) != simdjson::SUCCESS ||
      root["seccomp_notify"].get(support.seccomp_notify) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat("malformed sandbox probe: ", std::string(json)));
  }
  support.landlock_abi = static_cast<int>(abi);
  return support;
}

SandboxPolicy DefaultPolicy(const SandboxSettings& settings, const SandboxSupport& support,
                            const RuntimeTraits& runtime) {
  PolicyErrors ignored;
  return ResolvePolicy(settings, support, {}, {}, {}, ignored, runtime);
}

SandboxPolicy ResolvePolicy(const SandboxSettings& settings, const SandboxSupport& support,
                            const TenantCeilings& tenant, const PathKeys& path_keys,
                            const ConfigMap& config, PolicyErrors& errors,
                            const RuntimeTraits& runtime) {
  SandboxPolicy policy;
  auto error = [&errors](const std::string& key, std::string text) {
    errors[key].push_back(std::move(text));
  };
  auto keep = [&](const char* key, std::optional<std::string> text) {
    if (text) error(key, *std::move(text));
  };

  // CPU time is an rlimit: it holds with or without the full sandbox.
  int64_t cpu_seconds = settings.cpu_seconds;
  keep(kCpuSeconds, ReadLong(config, kCpuSeconds, &cpu_seconds));
  if (settings.cpu_max_seconds > 0 && cpu_seconds > settings.cpu_max_seconds) {
    error(kCpuSeconds, InvalidValue(kCpuSeconds, absl::StrCat(cpu_seconds),
                                    absl::StrCat("the worker allows at most ",
                                                 settings.cpu_max_seconds,
                                                 " (sluice.sandbox.cpu.max.seconds)")));
  }
  if (tenant.cpu_seconds > 0) {
    if (cpu_seconds > tenant.cpu_seconds) {
      error(kCpuSeconds, InvalidValue(kCpuSeconds, absl::StrCat(cpu_seconds),
                                      absl::StrCat("the connector's tenant allows at most ",
                                                   tenant.cpu_seconds)));
    }
    if (cpu_seconds == 0) cpu_seconds = tenant.cpu_seconds;
  }
  policy.cpu_seconds = cpu_seconds;

  // A JVM's heap: the connector's sluice.jvm.heap, else the manifest's, else the default. Its
  // memory: the heap and what a JVM uses besides (JvmNonHeapBytes).
  int64_t heap = 0;
  std::string heap_source;
  if (runtime.jvm) {
    std::optional<std::string> given = Lookup(config, kJvmHeapKey);
    heap_source = given ? absl::StrCat(kJvmHeapKey, "=", *given)
                        : !runtime.manifest_heap.empty()
                              ? absl::StrCat("the plugin manifest's heap ", runtime.manifest_heap)
                              : absl::StrCat("the default heap ", plugin_host::kDefaultJvmHeap);
    const std::string text = given                           ? *given
                             : !runtime.manifest_heap.empty() ? runtime.manifest_heap
                                                               : plugin_host::kDefaultJvmHeap;
    absl::StatusOr<int64_t> parsed = plugin_host::ParseJvmSize(text, "the JVM heap");
    if (parsed.ok()) {
      heap = *parsed;
    } else {
      error(kJvmHeapKey, InvalidValue(kJvmHeapKey, text, parsed.status().message()));
      heap = *plugin_host::ParseJvmSize(plugin_host::kDefaultJvmHeap, "");
    }
    policy.jvm_heap_bytes = heap;
  }
  const int64_t jvm_memory = heap > 0 ? heap + plugin_host::JvmNonHeapBytes(heap) : 0;
  auto jvm_too_big = [&](int64_t limit, const std::string& whose) {
    error(kJvmHeapKey,
          absl::StrCat("The JVM needs ", jvm_memory, " bytes of memory (", heap_source, " and ",
                       plugin_host::JvmNonHeapBytes(heap), " bytes besides its heap), more than ",
                       whose, " allows (", limit, "): lower its heap or set ", kMemory,
                       " between the two"));
  };

  if (!settings.enabled) {
    // The minimal sandbox: the tenant's memory ceiling becomes an address-space limit. Not for a
    // JVM, which reserves far more address space than it uses: its heap is its cap, and must
    // fit under the ceiling.
    policy.memory_bytes = runtime.jvm ? 0 : tenant.memory_bytes;
    if (runtime.jvm && tenant.memory_bytes > 0 && jvm_memory > tenant.memory_bytes) {
      jvm_too_big(tenant.memory_bytes, "the connector's tenant");
    }
    return policy;
  }
  policy.full = true;
  policy.namespaces = support.namespaces();
  policy.landlock = support.landlock_abi > 0;
  policy.seccomp = true;
  for (const std::string& required : settings.required) {
    bool there = required == "namespaces" ? support.namespaces()
                 : required == "landlock" ? support.landlock_abi > 0
                 : required == "cgroups"  ? support.memory.version != 0 &&
                                               support.cpu.version != 0 &&
                                               support.pids.version != 0
                                          : true;
    if (!there) {
      error("sluice.sandbox.required",
            absl::StrCat("The worker requires ", required,
                         " (sluice.sandbox.required), which this machine does not offer"));
    }
  }

  // Limits that need a cgroup controller. A default the machine cannot enforce is dropped (and
  // logged at start); one that was asked for, by the connector, the worker's config or the
  // tenant, must be enforced or the connector does not start.
  const bool memory_given = Lookup(config, kMemory).has_value();
  // A JVM's ceiling follows its heap, whatever the worker's default.
  double memory = static_cast<double>(runtime.jvm && !memory_given ? jvm_memory
                                                                   : settings.memory_bytes);
  if (runtime.jvm && !memory_given) {
    if (settings.memory_max_bytes > 0 && jvm_memory > settings.memory_max_bytes) {
      jvm_too_big(settings.memory_max_bytes, "the worker (sluice.sandbox.memory.max.bytes)");
    } else if (tenant.memory_bytes > 0 && jvm_memory > tenant.memory_bytes) {
      jvm_too_big(tenant.memory_bytes, "the connector's tenant");
    }
  }
  double processes = static_cast<double>(settings.processes);
  double cores = settings.cpu_cores;
  for (auto [key, max_key, controller, target, max, tenant_max] :
       {std::tuple{kMemory, "sluice.sandbox.memory.max.bytes", &support.memory, &memory,
                   static_cast<double>(settings.memory_max_bytes),
                   static_cast<double>(tenant.memory_bytes)},
        std::tuple{kProcesses, "sluice.sandbox.processes.max", &support.pids, &processes,
                   static_cast<double>(settings.processes_max), 0.0},
        std::tuple{kCpuCores, "sluice.sandbox.cpu.max.cores", &support.cpu, &cores,
                   settings.cpu_max_cores, 0.0}}) {
    bool asked = settings.explicit_keys.contains(key) || tenant_max > 0;
    std::optional<std::string> given = Lookup(config, key);
    if (given) {
      asked = true;
      if (key == kCpuCores) {
        keep(key, ReadDouble(config, key, target));
      } else {
        int64_t n = 0;
        if (std::optional<std::string> bad = ReadLong(config, key, &n)) {
          error(key, *std::move(bad));
        } else {
          *target = static_cast<double>(n);
        }
      }
      if (max > 0 && (*target > max || *target == 0)) {
        error(key, InvalidValue(key, *given,
                                absl::StrCat("the worker allows at most ", FormatNumber(max),
                                             " (", max_key, ")")));
      }
    }
    if (tenant_max > 0) {
      if (given && *target > tenant_max) {
        error(key, InvalidValue(key, *given,
                                absl::StrCat("the connector's tenant allows at most ",
                                             FormatNumber(tenant_max))));
      } else if (!given && (*target == 0 || *target > tenant_max)) {
        *target = tenant_max;
      }
    }
    if (controller->version == 0 && *target > 0) {
      if (asked) {
        error(key, absl::StrCat(key, " needs the cgroup ",
                                key == kMemory ? "memory" : key == kProcesses ? "pids" : "cpu",
                                " controller, which this machine does not offer to the worker"));
      }
      *target = 0;
    }
  }
  policy.memory_bytes = static_cast<int64_t>(memory);
  policy.processes = static_cast<int64_t>(processes);
  if (runtime.jvm && memory_given && policy.memory_bytes > 0 && policy.memory_bytes < heap) {
    error(kMemory, InvalidValue(kMemory, *Lookup(config, kMemory),
                                absl::StrCat("less than the JVM's heap of ", heap, " bytes (",
                                             heap_source, "); the JVM needs about ",
                                             plugin_host::JvmNonHeapBytes(heap),
                                             " bytes besides its heap")));
  }
  if (runtime.jvm && policy.processes > 0 && policy.processes < kMinJvmProcesses) {
    error(kProcesses,
          InvalidValue(kProcesses, absl::StrCat(policy.processes),
                       absl::StrCat("a JVM needs at least ", kMinJvmProcesses,
                                    " tasks (its own threads and its garbage collector's)")));
  }
  policy.cpu_cores = cores;

  bool network = settings.network;
  if (std::optional<std::string> bad = ReadBool(config, kNetwork, &network)) {
    error(kNetwork, *std::move(bad));
  } else if (network && !settings.network_allowed && Lookup(config, kNetwork)) {
    error(kNetwork, InvalidValue(kNetwork, "true",
                                 "the worker does not allow connectors the network "
                                 "(sluice.sandbox.network.allowed=false)"));
    network = false;
  }
  if (!network && !support.network_namespace && Lookup(config, kNetwork)) {
    error(kNetwork, "Isolating the connector from the network needs a network namespace, which "
                    "this machine does not offer");
  }
  policy.network = network || !support.network_namespace;

  // Paths: the plugin's declared keys, then the explicit lists.
  auto grant = [&](const std::string& key, const std::string& value, PathUse use) {
    std::string path = Absolute(value);
    bool allowed = false;
    for (const std::string& prefix : settings.paths_allowed) allowed |= Beneath(path, prefix);
    if (!allowed) {
      error(key, InvalidValue(key, value,
                              absl::StrCat("the path is outside the paths this worker lets "
                                           "connectors use (sluice.sandbox.paths.allowed=",
                                           absl::StrJoin(settings.paths_allowed, ","), ")")));
      return;
    }
    switch (use) {
      case PathUse::kRead: policy.read_paths.push_back(path); break;
      case PathUse::kWrite: policy.write_paths.push_back(path); break;
      case PathUse::kDirectory: policy.write_dirs.push_back(path); break;
    }
  };
  for (const auto& [key, use] : path_keys) {
    std::optional<std::string> value = Lookup(config, key);
    if (value && !value->empty()) grant(key, *value, use);
  }
  for (const std::string& path : ReadList(config, kPathsRead)) {
    grant(kPathsRead, path, PathUse::kRead);
  }
  // A path the user lists with a trailing slash is a directory to make and write beneath.
  for (const std::string& path : ReadList(config, kPathsWrite)) {
    grant(kPathsWrite, path, path.ends_with('/') ? PathUse::kDirectory : PathUse::kWrite);
  }
  for (const std::string& path : settings.read_paths) policy.read_paths.push_back(path);
  return policy;
}

std::vector<ConfigKey> SandboxConfigKeys() {
  return {Key(kMemory, ConfigType::kLong,
              "Memory of the connector's plugin host in bytes (cgroup limit), at most the "
              "worker's sluice.sandbox.memory.max.bytes"),
          Key(kProcesses, ConfigType::kLong,
              "Processes and threads the connector's plugin host may have (cgroup pids limit)"),
          Key(kCpuCores, ConfigType::kDouble,
              "CPU bandwidth of the connector's plugin host, in cores (cgroup cpu limit)"),
          Key(kCpuSeconds, ConfigType::kLong,
              "CPU time the connector's plugin host may use, in seconds (RLIMIT_CPU)"),
          Key(kNetwork, ConfigType::kBoolean,
              "Whether the connector's plugin host may use the network"),
          Key(kPathsRead, ConfigType::kList, "More paths the connector may read"),
          Key(kPathsWrite, ConfigType::kList, "More paths the connector may read and write"),
          Key(kJvmHeapKey, ConfigType::kString,
              "Java plugins only: the JVM's heap (-Xmx syntax, e.g. 512m); the host's memory "
              "ceiling follows it unless sluice.sandbox.memory.bytes is set")};
}

}  // namespace sluice::plugins
