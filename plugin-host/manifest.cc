#include "plugin-host/manifest.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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

}  // namespace

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
  } else {
    return Invalid(source, absl::StrCat("unknown runtime \"", *runtime,
                                        "\" (expected \"native\" or \"exec\")"));
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
    if (error == ENOENT) {
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
