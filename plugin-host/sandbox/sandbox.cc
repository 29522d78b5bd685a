#include "plugin-host/sandbox/sandbox.h"

#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace sluice::plugin_host {
namespace {

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("sandbox: ", what, ": ", std::strerror(errno)));
}

std::map<std::string, std::string> CurrentEnvironment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

}  // namespace

std::map<std::string, std::string> ScrubbedEnvironment(
    const std::map<std::string, std::string>& current, const std::string& plugin_dir) {
  static constexpr std::string_view kKept[] = {"PATH", "LANG", "LC_ALL", "TZ"};
  std::map<std::string, std::string> env;
  for (std::string_view name : kKept) {
    auto it = current.find(std::string(name));
    if (it != current.end()) env.emplace(it->first, it->second);
  }
  if (!env.contains("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["HOME"] = plugin_dir;
  env["TMPDIR"] = "/tmp";
  return env;
}

absl::Status EnterSandbox(const SandboxOptions& options) {
  // A process that already leads its session (the worker spawns hosts with POSIX_SPAWN_SETSID)
  // cannot call setsid() again, and needs not.
  if (getsid(0) != getpid() && setsid() < 0) return ErrnoError("setsid");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return ErrnoError("PR_SET_NO_NEW_PRIVS");

  struct rlimit no_core = {0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) != 0) return ErrnoError("setrlimit(RLIMIT_CORE)");
  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return ErrnoError("getrlimit(RLIMIT_NOFILE)");
  rlim_t max = files.rlim_max == RLIM_INFINITY || files.rlim_max > kMaxOpenFiles
                   ? kMaxOpenFiles
                   : files.rlim_max;
  if (options.open_files > 0 && static_cast<rlim_t>(options.open_files) < max) {
    max = static_cast<rlim_t>(options.open_files);
  }
  files.rlim_cur = max;
  files.rlim_max = max;
  if (setrlimit(RLIMIT_NOFILE, &files) != 0) return ErrnoError("setrlimit(RLIMIT_NOFILE)");

  // A ceiling can only be lowered: the hard limit too, so that the plugin cannot raise it.
  for (const auto& [resource, value, name] :
       {std::tuple{RLIMIT_AS, options.memory_bytes, "RLIMIT_AS"},
        std::tuple{RLIMIT_CPU, options.cpu_seconds, "RLIMIT_CPU"}}) {
    if (value <= 0) continue;
    struct rlimit limit = {static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
    if (resource == RLIMIT_CPU) limit.rlim_max = limit.rlim_cur + 1;  // SIGXCPU, then SIGKILL
    if (setrlimit(resource, &limit) != 0) return ErrnoError(absl::StrCat("setrlimit(", name, ")"));
  }

  std::map<std::string, std::string> env =
      ScrubbedEnvironment(CurrentEnvironment(), options.plugin_dir);
  if (clearenv() != 0) return absl::InternalError("sandbox: clearenv failed");
  for (const auto& [name, value] : env) {
    if (setenv(name.c_str(), value.c_str(), 1) != 0) return ErrnoError("setenv");
  }
  return absl::OkStatus();
}

}  // namespace sluice::plugin_host
