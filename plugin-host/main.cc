// sluice-plugin-host: runs the code of one connector for the worker. See README.md.
//
//   sluice-plugin-host --plugin-dir DIR --socket-dir DIR [--label NAME]
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "plugin-host/loader.h"
#include "sdk/cpp/wire/codec.h"
#include "plugin-host/manifest.h"
#include "plugin-host/plugin_service.h"
#include "plugin-host/sandbox/sandbox.h"

namespace sluice::plugin_host {
namespace {

constexpr int kExitUsage = 2;
constexpr int kExitSetupFailed = 1;
constexpr int kExitExecFailed = 127;

struct Options {
  std::string plugin_dir;
  std::string socket_dir;
  std::string label;
  std::string jvm_heap;  // --jvm-heap: overrides the manifest's (jvm runtime)
  SandboxOptions sandbox;
};

constexpr char kUsage[] =
    "usage: sluice-plugin-host --plugin-dir DIR --socket-dir DIR [--label NAME] [--jvm-heap SIZE]\n"
    "       [--limit-memory-bytes N] [--limit-cpu-seconds N] [--limit-open-files N]\n"
    "       [--sandbox [--network] [--no-namespaces] [--no-landlock] [--no-seccomp]\n"
    "        [--read PATH]... [--write PATH]... [--write-dir DIR]... [--hide DIR]\n"
    "        [--cgroup CONTROLLER=DIR]...]\n"
    "       sluice-plugin-host --probe";

absl::StatusOr<Options> ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string* target = nullptr;
    int64_t* limit = nullptr;
    if (arg == "--limit-memory-bytes") {
      limit = &options.sandbox.memory_bytes;
    } else if (arg == "--limit-cpu-seconds") {
      limit = &options.sandbox.cpu_seconds;
    } else if (arg == "--limit-open-files") {
      limit = &options.sandbox.open_files;
    }
    if (limit != nullptr) {
      if (i + 1 >= argc || !absl::SimpleAtoi(argv[i + 1], limit) || *limit <= 0) {
        return absl::InvalidArgumentError(absl::StrCat(arg, " needs a positive number"));
      }
      ++i;
      continue;
    }
    if (bool* flag = arg == "--sandbox"         ? &options.sandbox.full
                     : arg == "--network"       ? &options.sandbox.network
                     : arg == "--no-namespaces" ? &options.sandbox.namespaces
                     : arg == "--no-landlock"   ? &options.sandbox.landlock
                     : arg == "--no-seccomp"    ? &options.sandbox.seccomp
                                                : nullptr) {
      *flag = !arg.starts_with("--no-");
      continue;
    }
    std::string value;
    if (arg == "--read" || arg == "--write" || arg == "--write-dir" || arg == "--hide" ||
        arg == "--cgroup") {
      if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
      value = argv[++i];
      if (arg == "--read") {
        options.sandbox.read_paths.push_back(value);
      } else if (arg == "--write") {
        options.sandbox.write_paths.push_back(value);
      } else if (arg == "--write-dir") {
        options.sandbox.write_dirs.push_back(value);
      } else if (arg == "--hide") {
        options.sandbox.hide_dir = value;
      } else {
        size_t eq = value.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == value.size()) {
          return absl::InvalidArgumentError("--cgroup needs CONTROLLER=DIR");
        }
        options.sandbox.cgroups.push_back({value.substr(0, eq), value.substr(eq + 1)});
      }
      continue;
    }
    if (arg == "--plugin-dir") {
      target = &options.plugin_dir;
    } else if (arg == "--socket-dir") {
      target = &options.socket_dir;
    } else if (arg == "--label") {
      target = &options.label;
    } else if (arg == "--jvm-heap") {
      target = &options.jvm_heap;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown argument '", arg, "'"));
    }
    if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
    *target = argv[++i];
  }
  if (options.plugin_dir.empty()) return absl::InvalidArgumentError("--plugin-dir is required");
  if (options.socket_dir.empty()) return absl::InvalidArgumentError("--socket-dir is required");
  // In the full sandbox the socket directory is the host's own: it stays visible and writable.
  if (options.sandbox.full) options.sandbox.private_dir = options.socket_dir;
  return options;
}

void SetUpLogging(const std::string& label) {
  auto logger = spdlog::stderr_logger_mt("sluice-plugin-host");
  logger->set_pattern(absl::StrCat("%Y-%m-%dT%H:%M:%S.%e %l [plugin-host ",
                                   label.empty() ? "-" : label, "] %v"));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

// The files an exec plugin's runtime reads besides the system's (SystemReadPaths): the
// installation its command belongs to (for /opt/venv/bin/python: /opt/venv, and the Python that
// the venv's symlink leads to), an interpreter named by a #! line, and the manifest's own
// "sandbox.read" paths.
std::vector<std::string> RuntimeReadPaths(const PluginManifest& manifest,
                                          const std::string& plugin_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  auto add_installation = [&paths](const fs::path& program) {
    std::error_code ec;
    for (const fs::path& p : {program, fs::canonical(program, ec)}) {
      if (p.empty()) continue;
      fs::path prefix = p.parent_path().parent_path();  // <prefix>/bin/<program>
      paths.push_back((prefix.empty() || prefix == "/" ? p.parent_path() : prefix).string());
    }
  };
  if (manifest.runtime == PluginRuntime::kExec) {
    fs::path program = manifest.command[0];
    if (program.is_relative() && manifest.command[0].find('/') != std::string::npos) {
      program = fs::path(plugin_dir) / program;
    } else if (program.is_relative()) {
      const char* path_env = std::getenv("PATH");
      for (absl::string_view dir : absl::StrSplit(path_env ? path_env : "", ':')) {
        fs::path candidate = fs::path(std::string(dir)) / program;
        if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) {
          program = candidate;
          break;
        }
      }
    }
    if (program.is_absolute()) {
      add_installation(program);
      std::ifstream script(program);
      std::string first_line;
      if (std::getline(script, first_line) && first_line.starts_with("#!")) {
        absl::string_view interpreter =
            absl::StripLeadingAsciiWhitespace(absl::string_view(first_line).substr(2));
        interpreter = interpreter.substr(0, interpreter.find(' '));
        if (!interpreter.empty()) add_installation(fs::path(std::string(interpreter)));
      }
    }
  }
  for (const std::string& extra : manifest.sandbox.read) {
    paths.push_back(fs::path(extra).is_absolute() ? extra : plugin_dir + "/" + extra);
  }
  return paths;
}

// The jvm runtime's command, and the files the JVM reads besides the system's.
struct JvmCommand {
  std::vector<std::string> argv;
  std::vector<std::string> read_paths;
  std::string java_home;
  int64_t heap_bytes = 0;
};

// Builds the JVM's command line (call before the sandbox scrubs the environment: JAVA_HOME and
// SLUICE_JVM_HOST_JAR are read from it). FailedPrecondition naming what is missing and how to
// get it; InvalidArgument for a bad heap.
absl::StatusOr<JvmCommand> BuildJvmCommand(const PluginManifest& manifest, const Options& options) {
  namespace fs = std::filesystem;
  JvmCommand out;
  absl::StatusOr<std::string> java = FindJava();
  if (!java.ok()) return java.status();
  std::error_code ec;
  const fs::path real_java = *java;
  // <jdk>/bin/java: the installation is read-only in the sandbox, and so is every file outside it
  // that a symbolic link inside it leads to (Debian: conf -> /etc/java-17-openjdk, the cacerts
  // -> /etc/ssl/certs/java/cacerts).
  const fs::path jdk = real_java.parent_path().parent_path();
  out.java_home = jdk.string();
  out.read_paths.push_back(jdk.string());
  const std::string jdk_prefix = jdk.string() + "/";
  for (fs::recursive_directory_iterator it(jdk, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_symlink(ec)) continue;
    fs::path target = fs::canonical(it->path(), ec);
    if (ec) {
      ec.clear();
      continue;
    }
    if (!absl::StartsWith(target.string(), jdk_prefix)) out.read_paths.push_back(target.string());
  }
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  const std::string host_binary = n > 0 ? std::string(self, static_cast<size_t>(n)) : "";
  const std::string jar = JvmHostJar(host_binary);
  if (access(jar.c_str(), R_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the JVM plugin host ", jar, " is missing (", std::strerror(errno),
        "): build it with `tools/build sluice_jvm_host` (Maven, Java 17), or point ",
        kJvmHostJarEnv, " at it"));
  }
  out.read_paths.push_back(jar);
  const std::string heap = !options.jvm_heap.empty()       ? options.jvm_heap
                           : !manifest.jvm.heap.empty()    ? manifest.jvm.heap
                                                           : std::string(kDefaultJvmHeap);
  absl::StatusOr<int64_t> heap_bytes =
      ParseJvmSize(heap, options.jvm_heap.empty() ? "the manifest's heap" : "--jvm-heap");
  if (!heap_bytes.ok()) return heap_bytes.status();
  out.heap_bytes = *heap_bytes;
  out.argv = {real_java.string(),
              absl::StrCat("-Xmx", JvmSizeArg(*heap_bytes)),
              absl::StrCat("-XX:MaxDirectMemorySize=",
                           JvmSizeArg(JvmDirectMemoryBytes(*heap_bytes))),
              // A connector that runs out of heap ends its host (and is reported), rather than
              // limping on with threads that died of OutOfMemoryError.
              "-XX:+ExitOnOutOfMemoryError",
              // No /tmp/hsperfdata_<user>: the sandbox's /tmp is not the JVM's to write.
              "-XX:-UsePerfData",
              // The VM's own messages ("Terminating due to java.lang.OutOfMemoryError: Java heap
              // space") and a crash report go where the worker keeps the last lines (stderr);
              // stdout is the handshake line's.
              "-XX:+DisplayVMOutputToStderr", "-XX:+ErrorFileToStderr"};
  // The host's class-data-sharing archive (tools/build sluice_jvm_host makes it next to the jar):
  // the JDK's and the host's classes parsed once at build time, half the time to the handshake.
  // -Xshare:auto: an archive made for another jar or JDK, or not an archive at all, is ignored
  // and the JVM loads its classes as without one. Its CDS messages are off: the JVM's unified
  // logging writes to stdout, the handshake line's, even with -XX:+DisplayVMOutputToStderr (a
  // manifest's "-Xlog:cds:stderr" comes later and turns them back on to diagnose).
  const std::string archive = JvmHostArchive(jar);
  if (access(archive.c_str(), R_OK) == 0) {
    out.read_paths.push_back(archive);
    out.argv.insert(out.argv.end(), {absl::StrCat("-XX:SharedArchiveFile=", archive),
                                     "-Xshare:auto", "-Xlog:cds*=off,class+path=off"});
  }
  for (const std::string& option : manifest.jvm.options) out.argv.push_back(option);
  out.argv.insert(out.argv.end(),
                  {"-cp", jar, "dev.sluice.jvm.Main", "--plugin-dir", options.plugin_dir});
  return out;
}

// exec runtime: the command replaces this process and speaks the protocol itself.
[[noreturn]] void ExecPlugin(const PluginManifest& manifest, const Options& options) {
  setenv("SLUICE_PLUGIN_SOCKET_DIR", options.socket_dir.c_str(), 1);
  setenv("SLUICE_PLUGIN_LABEL", options.label.c_str(), 1);
  std::vector<char*> argv;
  std::vector<std::string> command = manifest.command;
  if (manifest.runtime == PluginRuntime::kJvm) {
    // The JVM's temporary files (netty's native library, ...) go to the host's own TMPDIR (the
    // scrubbed environment's), not /tmp, which the sandbox does not let it write.
    const char* tmp = std::getenv("TMPDIR");
    command.insert(command.begin() + 1, absl::StrCat("-Djava.io.tmpdir=", tmp ? tmp : "/tmp"));
  }
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  spdlog::info("exec plugin {} {}: {}", manifest.name, manifest.version,
               absl::StrJoin(command, " "));
  spdlog::default_logger()->flush();
  execvp(argv[0], argv.data());
  spdlog::error("cannot exec plugin command '{}' in {}: {}", manifest.command[0],
                options.plugin_dir, std::strerror(errno));
  std::_Exit(kExitExecFailed);
}

// Blocks until stdin reaches EOF (the worker closed it or died) or `wake_fd` is signalled.
void WaitForShutdown(int wake_fd) {
  pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0},
                   {.fd = wake_fd, .events = POLLIN, .revents = 0}};
  char buffer[256];
  while (true) {
    int ready = poll(fds, 2, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      spdlog::error("poll on stdin failed: {}; shutting down", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) {
      spdlog::info("shutdown requested by the worker");
      return;
    }
    if (fds[0].revents != 0) {
      ssize_t n = read(STDIN_FILENO, buffer, sizeof(buffer));
      if (n > 0) continue;  // the worker writes nothing; ignore
      if (n < 0 && errno == EINTR) continue;
      spdlog::info("stdin closed: the worker is gone or let go of this host; shutting down");
      return;
    }
  }
}

int Run(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--probe") {
    std::printf("%s\n", ProbeJson().c_str());
    return 0;
  }
  absl::StatusOr<Options> options = ParseArgs(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "sluice-plugin-host: %s\n%s\n",
                 std::string(options.status().message()).c_str(), kUsage);
    return kExitUsage;
  }
  SetUpLogging(options->label);

  absl::StatusOr<PluginManifest> manifest = ReadManifest(options->plugin_dir);
  if (!manifest.ok()) {
    spdlog::error("{}", std::string(manifest.status().message()));
    return kExitSetupFailed;
  }
  options->sandbox.plugin_dir = options->plugin_dir;
  if (manifest->runtime == PluginRuntime::kJvm) {
    absl::StatusOr<JvmCommand> jvm = BuildJvmCommand(*manifest, *options);
    if (!jvm.ok()) {
      spdlog::error("{}", std::string(jvm.status().message()));
      return kExitSetupFailed;
    }
    manifest->command = std::move(jvm->argv);
    for (std::string& path : jvm->read_paths) {
      options->sandbox.read_paths.push_back(std::move(path));
    }
    if (options->sandbox.memory_bytes > 0) {
      // A JVM reserves its heap, 1 GiB of compressed class space and its code cache at start:
      // an address-space limit near its real use stops it starting. -Xmx and
      // -XX:MaxDirectMemorySize bound it instead (the full sandbox's memory cgroup bounds all).
      spdlog::info("no address-space limit ({} bytes asked) for a JVM: its heap is capped at {}",
                   options->sandbox.memory_bytes, JvmSizeArg(jvm->heap_bytes));
      options->sandbox.memory_bytes = 0;
    }
  }
  for (std::string& path : RuntimeReadPaths(*manifest, options->plugin_dir)) {
    options->sandbox.read_paths.push_back(std::move(path));
  }
  if (absl::Status sandboxed = EnterSandbox(options->sandbox); !sandboxed.ok()) {
    spdlog::error("{}", std::string(sandboxed.message()));
    return kExitSetupFailed;
  }
  if (manifest->runtime == PluginRuntime::kExec || manifest->runtime == PluginRuntime::kJvm) {
    // An exec plugin runs from its own directory (a single-jar plugin from the jar's). A native
    // plugin keeps the worker's working directory, so that relative paths in connector configs
    // (file=...) resolve as they do in Kafka Connect.
    std::error_code ec;
    const std::string cwd = std::filesystem::is_directory(options->plugin_dir, ec)
                                ? options->plugin_dir
                                : std::filesystem::path(options->plugin_dir).parent_path().string();
    if (chdir(cwd.c_str()) != 0) {
      spdlog::error("cannot enter the plugin directory {}: {}", options->plugin_dir,
                    std::strerror(errno));
      return kExitSetupFailed;
    }
    ExecPlugin(*manifest, *options);
  }

  std::string library = absl::StrCat(options->plugin_dir, "/", manifest->library);
  absl::StatusOr<std::unique_ptr<LoadedPlugin>> plugin = LoadedPlugin::Load(library);
  if (!plugin.ok()) {
    spdlog::error("{}", std::string(plugin.status().message()));
    return kExitSetupFailed;
  }

  std::string socket_path = absl::StrCat(options->socket_dir, "/plugin-", getpid(), ".sock");
  if (socket_path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    spdlog::error("socket path {} is too long for a unix socket ({} bytes at most)", socket_path,
                  sizeof(sockaddr_un{}.sun_path) - 1);
    return kExitSetupFailed;
  }
  unlink(socket_path.c_str());

  int wake_fd = eventfd(0, EFD_CLOEXEC);
  if (wake_fd < 0) {
    spdlog::error("eventfd: {}", std::strerror(errno));
    return kExitSetupFailed;
  }
  PluginService service(**plugin, *manifest, [wake_fd] {
    uint64_t one = 1;
    (void)!write(wake_fd, &one, sizeof(one));
  });
  service.InstallLogSink();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("unix:", socket_path), grpc::InsecureServerCredentials());
  builder.SetMaxReceiveMessageSize(wire::kMaxMessageBytes);
  builder.SetMaxSendMessageSize(wire::kMaxMessageBytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    spdlog::error("cannot serve gRPC on unix socket {}", socket_path);
    return kExitSetupFailed;
  }
  spdlog::info("plugin {} {} loaded from {}; serving on {}", manifest->name, manifest->version,
               library, socket_path);

  std::string handshake = absl::StrCat("SLUICE-PLUGIN|", kProtocolVersion, "|unix|", socket_path,
                                       "|grpc\n");
  if (write(STDOUT_FILENO, handshake.data(), handshake.size()) !=
      static_cast<ssize_t>(handshake.size())) {
    spdlog::error("cannot write the handshake line: {}", std::strerror(errno));
    return kExitSetupFailed;
  }
  // Nothing else goes to stdout: whatever plugin code prints there lands in stderr.
  dup2(STDERR_FILENO, STDOUT_FILENO);

  WaitForShutdown(wake_fd);

  // Task streams are cancelled first (their sessions stop the tasks); then the server cancels
  // whatever else is in flight and waits for the handlers to return. (A deadline here would be
  // waited out in full whenever a worker keeps an idle connection open.)
  service.BeginShutdown();
  server->Shutdown(std::chrono::system_clock::now());
  spdlog::info("gRPC server stopped");
  if (absl::Status stopped = service.StopConnectorIfRunning(); !stopped.ok()) {
    spdlog::warn("stopping the connector failed: {}", stopped.ToString());
  }
  unlink(socket_path.c_str());
  spdlog::info("plugin host exits");
  spdlog::default_logger()->flush();
  // Plugin code may have left threads and static objects behind; do not run their destructors.
  std::_Exit(0);
}

}  // namespace
}  // namespace sluice::plugin_host

int main(int argc, char** argv) { return sluice::plugin_host::Run(argc, argv); }
