#include "plugin-host/sandbox/environment.h"

#include <string_view>

extern char** environ;

namespace sluice::plugin_host {

std::map<std::string, std::string> ScrubbedEnvironment(
    const std::map<std::string, std::string>& current, const std::string& plugin_dir,
    const std::string& tmp_dir) {
  static constexpr std::string_view kKept[] = {"PATH", "LANG", "LC_ALL", "TZ"};
  std::map<std::string, std::string> env;
  for (std::string_view name : kKept) {
    auto it = current.find(std::string(name));
    if (it != current.end()) env.emplace(it->first, it->second);
  }
  if (!env.contains("PATH")) env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["HOME"] = plugin_dir;
  env["TMPDIR"] = tmp_dir.empty() ? "/tmp" : tmp_dir;
  return env;
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

std::vector<std::string> EnvironmentStrings(const std::map<std::string, std::string>& env) {
  std::vector<std::string> strings;
  strings.reserve(env.size());
  for (const auto& [name, value] : env) strings.push_back(name + "=" + value);
  return strings;
}

}  // namespace sluice::plugin_host
