// The plugin manifest: `sluice-plugin.json` at the top of a plugin directory says what the
// plugin is called and how the host runs it.
//
//   {"name": "file", "version": "0.1.0", "runtime": "native", "library": "libsluice-file.so"}
//   {"name": "py", "version": "1.0", "runtime": "exec", "command": ["python3", "main.py"]}
//   {"name": "debezium-connector-postgres", "version": "3.6.1.Final", "runtime": "jvm",
//    "jvm": {"heap": "256m", "options": ["-XX:+UseSerialGC"]}, "connectors": ["a.Class"]}
//
// The jvm runtime: the host execs a JVM running the JVM plugin host (sdk/java,
// sluice-jvm-host.jar) on the plugin's jars; `jvm` and `connectors` are optional (`heap` in
// -Xmx syntax, `options` more JVM options, `connectors` the connector classes to offer). A
// plugin location without a manifest that holds Kafka Connect's plugin layout (a directory with
// *.jar files, directly or in subdirectories; or a single uber jar) is a jvm plugin with a
// synthesized manifest {"name": <its name>, "version": "", "runtime": "jvm"}
// (ConnectLayoutManifest).
//
// `library` is a file name relative to the plugin directory (no path separators); `command`
// is an argv whose first element is looked up in PATH when it has no '/' (relative paths are
// taken from the plugin directory, the command's working directory).
//
// Thread-safety: PluginManifest is a value type; ReadManifest is thread-safe.
#ifndef SLUICE_PLUGIN_HOST_MANIFEST_H_
#define SLUICE_PLUGIN_HOST_MANIFEST_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace sluice::plugin_host {

inline constexpr char kManifestFileName[] = "sluice-plugin.json";

enum class PluginRuntime { kNative, kExec, kJvm };

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

// The manifest's "jvm" object (kJvm only).
struct JvmSettings {
  std::string heap;                  // -Xmx syntax ("256m"); empty: kDefaultJvmHeap
  std::vector<std::string> options;  // more JVM options, after the host's own
};

struct PluginManifest {
  std::string name;
  std::string version;
  PluginRuntime runtime = PluginRuntime::kNative;
  std::string library;               // kNative only
  std::vector<std::string> command;  // kExec only, never empty
  JvmSettings jvm;                   // kJvm only
  std::vector<std::string> connectors;  // kJvm: the classes to offer (empty: all found)
  SandboxDeclaration sandbox;
  // Kafka Connect's plugin layout: no sluice-plugin.json, the manifest was synthesized.
  bool synthesized = false;
};

// Parses the text of a manifest. InvalidArgument naming the problem (malformed JSON, a missing
// or mistyped field, an unknown runtime) prefixed with `source` (the file's path, for messages).
absl::StatusOr<PluginManifest> ParseManifest(absl::string_view json, absl::string_view source);

// Reads `<plugin_dir>/sluice-plugin.json`; without one, the synthesized manifest of Kafka
// Connect's layout (ConnectLayoutManifest). NotFound when there is neither; otherwise as
// ParseManifest.
absl::StatusOr<PluginManifest> ReadManifest(const std::string& plugin_dir);

// Kafka Connect's plugin layout at `path`, a plugin.path entry's child with no
// sluice-plugin.json: a directory holding *.jar files (directly or in subdirectories, as
// confluent-hub and Debezium's archives lay them out) or a single *.jar file (an uber jar).
// Its manifest {"name": <directory name, or jar name without .jar>, "version": "",
// "runtime": "jvm"}; nullopt when `path` is neither. The worker's plugin scan and the host's
// ReadManifest both decide with this function.
std::optional<PluginManifest> ConnectLayoutManifest(const std::string& path);

// The JVM's memory sizes. A size in -Xmx syntax: digits with an optional k, m, g or t suffix
// (either case), at least kMinJvmHeapBytes. InvalidArgument naming `what` otherwise.
inline constexpr char kDefaultJvmHeap[] = "256m";
inline constexpr int64_t kMinJvmHeapBytes = int64_t{16} << 20;
absl::StatusOr<int64_t> ParseJvmSize(absl::string_view size, absl::string_view what);
// `bytes` as a JVM size option value: "256m" when whole mebibytes, else the byte count.
std::string JvmSizeArg(int64_t bytes);
// The direct memory a JVM of this heap may use (-XX:MaxDirectMemorySize: netty's buffers):
// a quarter of the heap, at least 64 MiB.
int64_t JvmDirectMemoryBytes(int64_t heap_bytes);
// What a JVM uses besides its heap, the memory ceiling's allowance: its direct memory, plus
// 256 MiB for metaspace (the connector's classes), the JIT's code cache, thread stacks, the
// GC's own structures and malloc'd native memory.
int64_t JvmNonHeapBytes(int64_t heap_bytes);

// The JVM plugin host's jar for the plugin host at `host_binary`: $SLUICE_JVM_HOST_JAR when set,
// else sluice-jvm-host.jar in the host binary's directory.
inline constexpr char kJvmHostJarName[] = "sluice-jvm-host.jar";
inline constexpr char kJvmHostJarEnv[] = "SLUICE_JVM_HOST_JAR";
std::string JvmHostJar(const std::string& host_binary);
// The class-data-sharing archive next to the host jar `jar` (build/bin/sluice-jvm-host.jsa, made
// by `tools/build sluice_jvm_host`): the jar's name with .jsa for .jar (or .jsa appended).
std::string JvmHostArchive(const std::string& jar);

// The java a jvm plugin's host runs, symbolic links resolved (<jdk>/bin/java): $JAVA_HOME/bin/java
// when JAVA_HOME is set, else `java` on PATH. FailedPrecondition saying what is wrong and how to
// fix it.
absl::StatusOr<std::string> FindJava();

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_MANIFEST_H_
