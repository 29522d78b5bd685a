// sluice-plugin-check: runs the plugin protocol's conformance checks against a plugin folder.
// See plugin_checker.h for the checks and docs/plugins.md for how to use it.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/plugin-check/check_config.h"
#include "tools/plugin-check/check_report.h"
#include "tools/plugin-check/plugin_checker.h"

namespace {

constexpr char kUsage[] = R"(usage: sluice-plugin-check <plugin dir> [options]

Starts the plugin in <plugin dir> (the folder holding sluice-plugin.json) through
sluice-plugin-host, as sluiced does, drives the whole plugin protocol and prints one line per
check: PASS, FAIL (what was expected, what came) or SKIP. Exits 0 when no check failed, 1 when
one did, 2 for bad arguments.

options:
  --config FILE          the config of each connector class, as JSON {"<class>": {...}}
                         (default: <plugin dir>/sluice-plugin-check.json, if present); values
                         may use ${tmpdir} (this run's temporary directory) and ${plugin_dir}
  --json                 print one JSON document instead of lines
  --host PATH            the sluice-plugin-host binary (default: next to this program)
  --timeout DURATION     deadline of each call, task start, Poll and Put (default 10s)
  --stop-timeout DURATION   for TaskStopped after Stop (default 5s)
  --shutdown-timeout DURATION  for the host's exit after Shutdown (default 5s)
  --poll-duration DURATION  how long a source task is polled (default 3s)
  --no-sandbox           run the hosts without the worker's default sandbox (by default each
                         runs in it, granted the paths its manifest declares for the class)
  --keep                 keep the run's temporary directory (printed on stderr)
  --verbose              show the plugin hosts' own log lines on stderr
)";

int Usage(const std::string& error) {
  std::cerr << "sluice-plugin-check: " << error << "\n\n" << kUsage;
  return 2;
}

std::string SelfDir() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string(".") : self.parent_path().string();
}

}  // namespace

int main(int argc, char** argv) {
  using sluice::plugin_check::CheckerOptions;
  std::vector<std::string> args(argv + 1, argv + argc);
  CheckerOptions options;
  std::optional<std::string> plugin_dir;
  std::optional<std::string> config_path;
  bool json = false;
  bool keep = false;
  bool verbose = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    auto duration = [&](absl::Duration* out) {
      std::string text;
      if (!value(&text)) return false;
      return absl::ParseDuration(text, out) && *out > absl::ZeroDuration();
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--json") {
      json = true;
    } else if (arg == "--keep") {
      keep = true;
    } else if (arg == "--no-sandbox") {
      options.sandbox = false;
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--config") {
      std::string path;
      if (!value(&path)) return Usage("--config needs a file");
      config_path = path;
    } else if (arg == "--host") {
      if (!value(&options.host_binary)) return Usage("--host needs a path");
    } else if (arg == "--timeout") {
      if (!duration(&options.call_timeout)) return Usage("--timeout needs a duration, e.g. 10s");
    } else if (arg == "--stop-timeout") {
      if (!duration(&options.stop_timeout)) return Usage("--stop-timeout needs a duration");
    } else if (arg == "--shutdown-timeout") {
      if (!duration(&options.shutdown_timeout)) return Usage("--shutdown-timeout needs a duration");
    } else if (arg == "--poll-duration") {
      if (!duration(&options.poll_duration)) return Usage("--poll-duration needs a duration");
    } else if (arg.starts_with("-")) {
      return Usage(absl::StrCat("unknown option ", arg));
    } else if (plugin_dir.has_value()) {
      return Usage("only one plugin directory may be given");
    } else {
      plugin_dir = arg;
    }
  }
  if (!plugin_dir.has_value()) return Usage("no plugin directory given");
  std::error_code error;
  options.plugin_dir = std::filesystem::absolute(*plugin_dir, error).lexically_normal().string();
  if (!std::filesystem::is_directory(options.plugin_dir)) {
    return Usage(absl::StrCat(*plugin_dir, " is not a directory"));
  }
  if (options.host_binary.empty()) {
    options.host_binary = (std::filesystem::path(SelfDir()) / "sluice-plugin-host").string();
  }
  if (!std::filesystem::exists(options.host_binary)) {
    return Usage(absl::StrCat("no plugin host at ", options.host_binary, " (give one with --host)"));
  }

  // The config: the file given, else the plugin's own, else none (only the checks that need no
  // config run).
  const std::string default_config =
      (std::filesystem::path(options.plugin_dir) / sluice::plugin_check::kDefaultCheckConfigName)
          .string();
  if (!config_path.has_value() && std::filesystem::exists(default_config)) {
    config_path = default_config;
  }
  if (config_path.has_value()) {
    absl::StatusOr<sluice::plugin_check::CheckConfig> config =
        sluice::plugin_check::ReadCheckConfig(*config_path);
    if (!config.ok()) return Usage(std::string(config.status().message()));
    options.config = *std::move(config);
    options.config_source = *config_path;
  }

  // The hosts' log lines (PluginProcess logs them through spdlog) only on request: the report
  // is the output.
  spdlog::set_default_logger(spdlog::stderr_color_mt("plugin-check"));
  spdlog::set_level(verbose ? spdlog::level::info : spdlog::level::off);

  const char* tmp = getenv("TMPDIR");
  std::string work_template =
      absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/sluice-plugin-check-XXXXXX");
  if (mkdtemp(work_template.data()) == nullptr) {
    std::cerr << "sluice-plugin-check: cannot create a temporary directory in "
              << work_template << "\n";
    return 2;
  }
  options.work_dir = work_template;

  sluice::plugin_check::CheckReport report(json ? nullptr : &std::cout);
  {
    sluice::plugin_check::PluginChecker checker(options, report);
    checker.Run();
  }
  if (json) std::cout << report.Json() << std::endl;
  if (keep) {
    std::cerr << "sluice-plugin-check: kept " << options.work_dir << "\n";
  } else {
    std::filesystem::remove_all(options.work_dir, error);
  }
  return report.ok() ? 0 : 1;
}
