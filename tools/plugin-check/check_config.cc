#include "tools/plugin-check/check_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "formats/json_tree.h"

namespace sluice::plugin_check {
namespace {

using formats::JsonNode;

absl::Status Invalid(std::string_view source, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(source), ": ", std::string(what)));
}

// A config value: a string as it is, a number or boolean as written.
absl::StatusOr<std::string> ScalarText(const JsonNode& node) {
  switch (node.type) {
    case JsonNode::Type::kString:
    case JsonNode::Type::kNumber:
      return node.text;
    case JsonNode::Type::kBoolean:
      return std::string(node.boolean ? "true" : "false");
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "is ", std::string(formats::JsonNodeTypeName(node.type)),
          ", not a string, number or boolean"));
  }
}

bool StaysInside(const std::string& name) {
  std::filesystem::path path(name);
  if (name.empty() || path.is_absolute()) return false;
  for (const std::filesystem::path& part : path) {
    if (part == "..") return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<CheckConfig> ParseCheckConfig(std::string_view json, std::string_view source) {
  formats::JsonParser parser;
  absl::StatusOr<JsonNode> root = parser.Parse(json);
  if (!root.ok()) return Invalid(source, absl::StrCat("not valid JSON (", root.status().message(), ")"));
  if (root->type != JsonNode::Type::kObject) return Invalid(source, "not a JSON object");
  CheckConfig config;
  for (const auto& [name, member] : root->members) {
    if (member.type != JsonNode::Type::kObject) {
      return Invalid(source, absl::StrCat("\"", name, "\" is not an object"));
    }
    const bool files = name == "$files";
    ConfigMap values;
    for (const auto& [key, node] : member.members) {
      absl::StatusOr<std::string> text = ScalarText(node);
      if (!text.ok()) {
        return Invalid(source, absl::StrCat("\"", name, "\".\"", key, "\" ", text.status().message()));
      }
      if (files && !StaysInside(key)) {
        return Invalid(source, absl::StrCat("the file name \"", key,
                                            "\" must be relative and stay inside ${tmpdir}"));
      }
      values[key] = *std::move(text);
    }
    if (files) {
      config.files = std::move(values);
    } else {
      config.connectors[name] = std::move(values);
    }
  }
  return config;
}

absl::StatusOr<CheckConfig> ReadCheckConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseCheckConfig(text.str(), path);
}

ConfigMap SubstituteVariables(const ConfigMap& config, const std::string& tmpdir,
                              const std::string& plugin_dir) {
  ConfigMap out;
  for (const auto& [key, value] : config) {
    out[key] = absl::StrReplaceAll(value, {{"${tmpdir}", tmpdir}, {"${plugin_dir}", plugin_dir}});
  }
  return out;
}

absl::Status WriteFiles(const CheckConfig& config, const std::string& tmpdir) {
  for (const auto& [name, content] : config.files) {
    const std::filesystem::path path = std::filesystem::path(tmpdir) / name;
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  }
  return absl::OkStatus();
}

}  // namespace sluice::plugin_check
