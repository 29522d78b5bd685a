// The configuration sluice-plugin-check starts each connector class with: a JSON object
//
//   {"org.example.MySource": {"topic": "t", "file": "${tmpdir}/in.txt"},
//    "MySink": {"file": "${tmpdir}/out.txt"},
//    "$files": {"in.txt": "line 1\nline 2\n"}}
//
// Members name a connector class (its class name or an alias) and hold its config; values are
// strings (numbers and booleans are taken as written). In values, `${tmpdir}` is the run's
// private temporary directory and `${plugin_dir}` the plugin's directory. The optional
// "$files" member lists files (names relative to ${tmpdir}) created with that content before
// any connector starts, e.g. the input of a file source.
//
// Thread-safety: value types and pure functions, except WriteFiles (filesystem).
#ifndef SLUICE_TOOLS_PLUGIN_CHECK_CHECK_CONFIG_H_
#define SLUICE_TOOLS_PLUGIN_CHECK_CHECK_CONFIG_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"

namespace sluice::plugin_check {

// The file looked for in the plugin directory when no --config is given.
inline constexpr char kDefaultCheckConfigName[] = "sluice-plugin-check.json";

struct CheckConfig {
  std::map<std::string, ConfigMap> connectors;  // keyed as written: class name or alias
  std::map<std::string, std::string> files;     // name relative to ${tmpdir} -> content
};

// InvalidArgument, prefixed with `source` (the file's path), for malformed JSON, a member that
// is not an object, a value that is not a string, number or boolean, or a file name that is
// absolute or leaves ${tmpdir}.
absl::StatusOr<CheckConfig> ParseCheckConfig(std::string_view json, std::string_view source);
// NotFound when the file does not exist; otherwise as ParseCheckConfig.
absl::StatusOr<CheckConfig> ReadCheckConfig(const std::string& path);

// `config` with ${tmpdir} and ${plugin_dir} replaced in every value.
ConfigMap SubstituteVariables(const ConfigMap& config, const std::string& tmpdir,
                              const std::string& plugin_dir);

// Creates config.files under `tmpdir` (and the directories they need).
absl::Status WriteFiles(const CheckConfig& config, const std::string& tmpdir);

}  // namespace sluice::plugin_check

#endif  // SLUICE_TOOLS_PLUGIN_CHECK_CHECK_CONFIG_H_
