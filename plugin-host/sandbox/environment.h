// The environment a plugin runs with: what the worker starts its hosts with, and what the host
// sets again before it runs plugin code (sandbox.h). Only PATH, LANG, LC_ALL and TZ are kept from
// the worker's environment; HOME is the plugin directory, TMPDIR the host's private temporary
// directory (or /tmp). Credentials in the worker's environment, LD_PRELOAD and the like never
// reach a plugin.
#ifndef SLUICE_PLUGIN_HOST_SANDBOX_ENVIRONMENT_H_
#define SLUICE_PLUGIN_HOST_SANDBOX_ENVIRONMENT_H_

#include <map>
#include <string>
#include <vector>

namespace sluice::plugin_host {

// The environment a plugin sees, computed from `current` (the worker's). TMPDIR is `tmp_dir`,
// or /tmp when empty.
std::map<std::string, std::string> ScrubbedEnvironment(
    const std::map<std::string, std::string>& current, const std::string& plugin_dir,
    const std::string& tmp_dir = "");

// The calling process's environment (environ), as a map.
std::map<std::string, std::string> CurrentEnvironment();

// "NAME=value" strings, as execve takes them.
std::vector<std::string> EnvironmentStrings(const std::map<std::string, std::string>& env);

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_SANDBOX_ENVIRONMENT_H_
