#include "plugin-host/manifest.h"

#include <algorithm>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "simdjson.h"

namespace sluice::plugin_host {
namespace {

absl::Status Invalid(absl::string_view source, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("Invalid plugin manifest ", source, ": ", what));
}

// The string member `key` of `object`; an error when it is missing (if `required`) or not a
// non-empty string.
absl::StatusOr<std::string> GetString(simdjson::dom::object object, absl::string_view key,
                                      absl::string_view source) {
  simdjson::dom::element element;
  if (object[std::string_view(key.data(), key.size())].get(element) != simdjson::SUCCESS) {
    return Invalid(source, absl::StrCat("missing \"", key, "\""));
  }
  std::string_view value;
  if (element.get(value) != simdjson::SUCCESS) {
    return Invalid(source, absl::StrCat("\"", key, "\" must be a string"));
  }
  if (value.empty()) return Invalid(source, absl::StrCat("\"", key, "\" must not be empty"));
  return std::string(value);
}

absl::Status ParseSandbox(simdjson::dom::element element, absl::string_view source,
                          SandboxDeclaration& out) {
  constexpr char kShape[] =
      "\"sandbox\" must be {\"read\": [paths], \"paths\": {class: {key: \"read\"|\"write\"|\"directory\"}}}";
  simdjson::dom::object sandbox;
  if (element.get(sandbox) != simdjson::SUCCESS) return Invalid(source, kShape);
  for (auto [field, value] : sandbox) {
    if (field == "read") {
      simdjson::dom::array paths;
      if (value.get(paths) != simdjson::SUCCESS) return Invalid(source, kShape);
      for (simdjson::dom::element item : paths) {
        std::string_view path;
        if (item.get(path) != simdjson::SUCCESS || path.empty()) return Invalid(source, kShape);
        out.read.emplace_back(path);
      }
    } else if (field == "paths") {
      simdjson::dom::object classes;
      if (value.get(classes) != simdjson::SUCCESS) return Invalid(source, kShape);
      for (auto [class_name, keys_element] : classes) {
        simdjson::dom::object keys;
        if (keys_element.get(keys) != simdjson::SUCCESS) return Invalid(source, kShape);
        for (auto [key, access_element] : keys) {
          std::string_view access;
          if (access_element.get(access) != simdjson::SUCCESS) return Invalid(source, kShape);
          PathUse use;
          if (access == "read") {
            use = PathUse::kRead;
          } else if (access == "write") {
            use = PathUse::kWrite;
          } else if (access == "directory") {
            use = PathUse::kDirectory;
          } else {
            return Invalid(source, kShape);
          }
          out.path_keys[std::string(class_name)][std::string(key)] = use;
        }
      }
    } else {
      return Invalid(source,
                     absl::StrCat("unknown \"sandbox\" field \"", std::string(field), "\""));
    }
  }
  return absl::OkStatus();
}

// A non-empty string array; false when `element` is not one.
bool GetStrings(simdjson::dom::element element, std::vector<std::string>& out) {
  simdjson::dom::array array;
  if (element.get(array) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element item : array) {
    std::string_view value;
    if (item.get(value) != simdjson::SUCCESS || value.empty()) return false;
    out.emplace_back(value);
  }
  return true;
}

// The JVM options the host sets itself, and what to use instead.
constexpr std::pair<const char*, const char*> kHostJvmOptions[] = {
    {"-Xmx", "\"jvm\": {\"heap\"} or the connector's sluice.jvm.heap"},
    {"-XX:MaxHeapSize", "\"jvm\": {\"heap\"} or the connector's sluice.jvm.heap"},
    {"-XX:MaxDirectMemorySize", "the host derives it from the heap"},
    {"-cp", "the host runs sluice-jvm-host.jar"},
    {"-classpath", "the host runs sluice-jvm-host.jar"},
    {"--class-path", "the host runs sluice-jvm-host.jar"},
    {"-jar", "the host runs sluice-jvm-host.jar"},
};

absl::Status ParseJvm(simdjson::dom::element element, absl::string_view source, JvmSettings& out) {
  constexpr char kShape[] = "\"jvm\" must be {\"heap\": \"256m\", \"options\": [strings]}";
  simdjson::dom::object jvm;
  if (element.get(jvm) != simdjson::SUCCESS) return Invalid(source, kShape);
  for (auto [field, value] : jvm) {
    if (field == "heap") {
      std::string_view heap;
      if (value.get(heap) != simdjson::SUCCESS) return Invalid(source, kShape);
      absl::StatusOr<int64_t> bytes =
          ParseJvmSize(absl::string_view(heap.data(), heap.size()), "\"jvm\": {\"heap\"}");
      if (!bytes.ok()) return Invalid(source, bytes.status().message());
      out.heap = std::string(heap);
    } else if (field == "options") {
      if (!GetStrings(value, out.options)) return Invalid(source, kShape);
      for (const std::string& option : out.options) {
        if (!absl::StartsWith(option, "-")) {
          return Invalid(source, absl::StrCat("JVM option \"", option,
                                              "\" is not an option (it must start with '-')"));
        }
        for (const auto& [prefix, instead] : kHostJvmOptions) {
          if (option == prefix || (absl::StartsWith(option, prefix) &&
                                   (prefix[1] == 'X' || option[std::strlen(prefix)] == '='))) {
            return Invalid(source, absl::StrCat("JVM option \"", option,
                                                "\" is set by the host (", instead, ")"));
          }
        }
      }
    } else {
      return Invalid(source, absl::StrCat("unknown \"jvm\" field \"", std::string(field), "\""));
    }
  }
  return absl::OkStatus();
}

// Whether `dir` holds a *.jar file, directly or up to `depth` levels of subdirectories down.
bool HoldsJars(const std::filesystem::path& dir, int depth) {
  std::error_code ec;
  std::vector<std::filesystem::path> subdirs;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".jar") return true;
    if (entry.is_directory(ec)) subdirs.push_back(entry.path());
  }
  if (depth == 0) return false;
  for (const auto& sub : subdirs) {
    if (HoldsJars(sub, depth - 1)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<int64_t> ParseJvmSize(absl::string_view size, absl::string_view what) {
  absl::string_view digits = size;
  int64_t unit = 1;
  if (!digits.empty()) {
    switch (absl::ascii_tolower(static_cast<unsigned char>(digits.back()))) {
      case 'k': unit = int64_t{1} << 10; break;
      case 'm': unit = int64_t{1} << 20; break;
      case 'g': unit = int64_t{1} << 30; break;
      case 't': unit = int64_t{1} << 40; break;
      default: break;
    }
    if (unit != 1) digits.remove_suffix(1);
  }
  int64_t n = 0;
  const bool all_digits = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
  if (!all_digits || !absl::SimpleAtoi(digits, &n) || n > (int64_t{1} << 50) / unit) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", size, "\" is not a JVM memory size (e.g. 512m, 2g)"));
  }
  if (n * unit < kMinJvmHeapBytes) {
    return absl::InvalidArgumentError(absl::StrCat(what, " \"", size,
                                                   "\" is too small: a JVM heap needs at least ",
                                                   JvmSizeArg(kMinJvmHeapBytes)));
  }
  return n * unit;
}

std::string JvmSizeArg(int64_t bytes) {
  constexpr int64_t kMiB = int64_t{1} << 20;
  if (bytes % kMiB == 0) return absl::StrCat(bytes / kMiB, "m");
  return absl::StrCat(bytes);
}

int64_t JvmDirectMemoryBytes(int64_t heap_bytes) {
  return std::max<int64_t>(int64_t{64} << 20, heap_bytes / 4);
}

int64_t JvmNonHeapBytes(int64_t heap_bytes) {
  return JvmDirectMemoryBytes(heap_bytes) + (int64_t{256} << 20);
}

std::string JvmHostJar(const std::string& host_binary) {
  const char* over = std::getenv(kJvmHostJarEnv);
  if (over != nullptr && over[0] != '\0') return over;
  std::filesystem::path dir = std::filesystem::path(host_binary).parent_path();
  return (dir.empty() ? std::filesystem::path(kJvmHostJarName) : dir / kJvmHostJarName).string();
}

std::string JvmHostArchive(const std::string& jar) {
  std::filesystem::path archive(jar);
  if (archive.extension() == ".jar") return archive.replace_extension(".jsa").string();
  return jar + ".jsa";
}

absl::StatusOr<std::string> FindJava() {
  std::string java;
  const char* java_home = std::getenv("JAVA_HOME");
  if (java_home != nullptr && java_home[0] != '\0') {
    java = absl::StrCat(java_home, "/bin/java");
    if (access(java.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "JAVA_HOME is ", java_home, " but ", java, " is not an executable java (",
          std::strerror(errno), "): fix JAVA_HOME or unset it to use java on PATH"));
    }
  } else {
    const char* path_env = std::getenv("PATH");
    for (absl::string_view dir : absl::StrSplit(path_env ? path_env : "", ':')) {
      std::string candidate = absl::StrCat(dir, "/java");
      if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) {
        java = candidate;
        break;
      }
    }
    if (java.empty()) {
      return absl::FailedPreconditionError(
          "no java on PATH and no JAVA_HOME: a jvm plugin needs Java 17 or later (Debian: "
          "apt-get install default-jre-headless)");
    }
  }
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(java, ec);
  if (ec) {
    return absl::FailedPreconditionError(absl::StrCat("cannot resolve ", java, ": ", ec.message()));
  }
  return real.string();
}

std::optional<PluginManifest> ConnectLayoutManifest(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::path(path).lexically_normal();
  if (p.has_filename() == false) p = p.parent_path();
  PluginManifest manifest;
  manifest.runtime = PluginRuntime::kJvm;
  manifest.synthesized = true;
  if (fs::is_regular_file(p, ec) && p.extension() == ".jar") {
    manifest.name = p.stem().string();
    return manifest;
  }
  // Subdirectories two levels down: <plugin>/lib/*.jar (confluent-hub), <plugin>/*.jar
  // (Debezium's archives), and one more for archives that wrap those in a folder.
  if (!fs::is_directory(p, ec) || fs::exists(p / kManifestFileName, ec) || !HoldsJars(p, 2)) {
    return std::nullopt;
  }
  manifest.name = p.filename().string();
  return manifest;
}

absl::StatusOr<PluginManifest> ParseManifest(absl::string_view json, absl::string_view source) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json.data(), json.size());
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return Invalid(source, absl::StrCat("not valid JSON (", simdjson::error_message(error), ")"));
  }
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS) return Invalid(source, "not a JSON object");

  PluginManifest manifest;
  absl::StatusOr<std::string> name = GetString(object, "name", source);
  if (!name.ok()) return name.status();
  manifest.name = *std::move(name);
  absl::StatusOr<std::string> version = GetString(object, "version", source);
  if (!version.ok()) return version.status();
  manifest.version = *std::move(version);
  absl::StatusOr<std::string> runtime = GetString(object, "runtime", source);
  if (!runtime.ok()) return runtime.status();

  if (*runtime == "native") {
    manifest.runtime = PluginRuntime::kNative;
    absl::StatusOr<std::string> library = GetString(object, "library", source);
    if (!library.ok()) return library.status();
    if (library->find('/') != std::string::npos) {
      return Invalid(source, "\"library\" must be a file name inside the plugin directory");
    }
    manifest.library = *std::move(library);
  } else if (*runtime == "exec") {
    manifest.runtime = PluginRuntime::kExec;
    simdjson::dom::array command;
    if (object["command"].get(command) != simdjson::SUCCESS) {
      return Invalid(source, "\"command\" must be an array of strings");
    }
    for (simdjson::dom::element item : command) {
      std::string_view arg;
      if (item.get(arg) != simdjson::SUCCESS) {
        return Invalid(source, "\"command\" must be an array of strings");
      }
      manifest.command.emplace_back(arg);
    }
    if (manifest.command.empty() || manifest.command[0].empty()) {
      return Invalid(source, "\"command\" must name a program");
    }
  } else if (*runtime == "jvm") {
    manifest.runtime = PluginRuntime::kJvm;
    simdjson::dom::element jvm;
    if (object["jvm"].get(jvm) == simdjson::SUCCESS) {
      if (absl::Status s = ParseJvm(jvm, source, manifest.jvm); !s.ok()) return s;
    }
    simdjson::dom::element connectors;
    if (object["connectors"].get(connectors) == simdjson::SUCCESS &&
        !GetStrings(connectors, manifest.connectors)) {
      return Invalid(source, "\"connectors\" must be an array of connector class names");
    }
  } else {
    return Invalid(source, absl::StrCat("unknown runtime \"", *runtime,
                                        "\" (expected \"native\", \"exec\" or \"jvm\")"));
  }
  for (const char* field : {"jvm", "connectors"}) {
    simdjson::dom::element ignored;
    if (manifest.runtime != PluginRuntime::kJvm &&
        object[field].get(ignored) == simdjson::SUCCESS) {
      return Invalid(source, absl::StrCat("\"", field, "\" is for the \"jvm\" runtime only"));
    }
  }
  simdjson::dom::element sandbox;
  if (object["sandbox"].get(sandbox) == simdjson::SUCCESS) {
    if (absl::Status s = ParseSandbox(sandbox, source, manifest.sandbox); !s.ok()) return s;
  }
  return manifest;
}

absl::StatusOr<PluginManifest> ReadManifest(const std::string& plugin_dir) {
  std::string path = absl::StrCat(plugin_dir, "/", kManifestFileName);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      if (std::optional<PluginManifest> connect = ConnectLayoutManifest(plugin_dir)) {
        return *std::move(connect);
      }
      return absl::NotFoundError(absl::StrCat("No plugin manifest at ", path));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("Cannot read plugin manifest ", path, ": ", std::strerror(error)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseManifest(text.str(), path);
}

}  // namespace sluice::plugin_host
