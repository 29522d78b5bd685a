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

#include <map>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace sluice::plugin_host {

inline constexpr char kManifestFileName[] = "sluice-plugin.json";

enum class PluginRuntime { kNative, kExec };

// What a plugin tells the sandbox (the manifest's optional "sandbox" object):
//   "sandbox": {"read": ["lib", "/opt/jdk"],
//               "paths": {"FileStreamSource": {"file": "read"},
//                         "FileStreamSink": {"file": "write"}}}
// `read`: more files the runtime reads (relative to the plugin directory, or absolute).
// `paths`: per connector class (its full name or an alias), the config keys whose values are
// paths the connector reads or writes ("read", "write" or "directory"); the worker grants
// exactly those.
// How a connector uses the path a config key names.
enum class PathUse {
  kRead,       // a file (or directory) it reads
  kWrite,      // a file it writes (made before the sandbox closes, if missing)
  kDirectory,  // a directory tree it reads and writes (made, with its parents, if missing)
};

struct SandboxDeclaration {
  std::vector<std::string> read;
  std::map<std::string, std::map<std::string, PathUse>> path_keys;  // class -> key -> use
};

struct PluginManifest {
  std::string name;
  std::string version;
  PluginRuntime runtime = PluginRuntime::kNative;
  std::string library;               // kNative only
  std::vector<std::string> command;  // kExec only, never empty
  SandboxDeclaration sandbox;
};

// Parses the text of a manifest. InvalidArgument naming the problem (malformed JSON, a missing
// or mistyped field, an unknown runtime) prefixed with `source` (the file's path, for messages).
absl::StatusOr<PluginManifest> ParseManifest(absl::string_view json, absl::string_view source);

// Reads `<plugin_dir>/sluice-plugin.json`. NotFound when the file does not exist; otherwise as
// ParseManifest.
absl::StatusOr<PluginManifest> ReadManifest(const std::string& plugin_dir);

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_MANIFEST_H_
