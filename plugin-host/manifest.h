// The plugin manifest: `sluice-plugin.json` at the top of a plugin directory says what the
// plugin is called and how the host runs it.
//
//   {"name": "file", "version": "0.1.0", "runtime": "native", "library": "libsluice-file.so"}
//   {"name": "py", "version": "1.0", "runtime": "exec", "command": ["python3", "main.py"]}
//
// `library` is a file name relative to the plugin directory (no path separators); `command`
// is an argv whose first element is looked up in PATH when it has no '/' (relative paths are
// taken from the plugin directory, the command's working directory).
//
// Thread-safety: PluginManifest is a value type; ReadManifest is thread-safe.
#ifndef SLUICE_PLUGIN_HOST_MANIFEST_H_
#define SLUICE_PLUGIN_HOST_MANIFEST_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace sluice::plugin_host {

inline constexpr char kManifestFileName[] = "sluice-plugin.json";

enum class PluginRuntime { kNative, kExec };

struct PluginManifest {
  std::string name;
  std::string version;
  PluginRuntime runtime = PluginRuntime::kNative;
  std::string library;               // kNative only
  std::vector<std::string> command;  // kExec only, never empty
};

// Parses the text of a manifest. InvalidArgument naming the problem (malformed JSON, a missing
// or mistyped field, an unknown runtime) prefixed with `source` (the file's path, for messages).
absl::StatusOr<PluginManifest> ParseManifest(absl::string_view json, absl::string_view source);

// Reads `<plugin_dir>/sluice-plugin.json`. NotFound when the file does not exist; otherwise as
// ParseManifest.
absl::StatusOr<PluginManifest> ReadManifest(const std::string& plugin_dir);

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_MANIFEST_H_
