#include "server/config/config_providers.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include <re2/re2.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "formats/properties.h"

extern char** environ;

namespace sluice::config {

namespace {

namespace fs = std::filesystem;

constexpr char kProvidersKey[] = "config.providers";
constexpr char kFileProvider[] = "org.apache.kafka.common.config.provider.FileConfigProvider";
constexpr char kDirectoryProvider[] =
    "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
constexpr char kEnvProvider[] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";

// ConfigTransformer.DEFAULT_PATTERN: ${provider:[path:]key}.
const RE2& VariablePattern() {
  static const RE2* pattern = new RE2(R"(\$\{([^}]*?):(([^}]*?):)?([^}]*?)\})");
  return *pattern;
}

struct Variable {
  size_t start = 0;
  size_t end = 0;
  std::string provider;
  std::string path;  // "" when the variable has none
  std::string key;
};

std::vector<Variable> VariablesOf(std::string_view value) {
  std::vector<Variable> out;
  re2::StringPiece groups[5];
  const re2::StringPiece text(value.data(), value.size());
  size_t pos = 0;
  while (pos <= value.size() &&
         VariablePattern().Match(text, pos, value.size(), RE2::UNANCHORED, groups, 5)) {
    Variable v;
    v.start = static_cast<size_t>(groups[0].data() - value.data());
    v.end = v.start + groups[0].size();
    v.provider = std::string(groups[1].data(), groups[1].size());
    v.path = groups[3].data() == nullptr ? "" : std::string(groups[3].data(), groups[3].size());
    v.key = std::string(groups[4].data(), groups[4].size());
    pos = v.end > v.start ? v.end : v.end + 1;
    out.push_back(std::move(v));
  }
  return out;
}

// AllowedPaths: the paths a file or directory provider may read (nullopt: any).
class AllowedPaths {
 public:
  static absl::StatusOr<AllowedPaths> Parse(const std::optional<std::string>& setting) {
    AllowedPaths allowed;
    if (!setting.has_value() || setting->empty()) return allowed;
    allowed.paths_.emplace();
    for (absl::string_view entry : absl::StrSplit(*setting, ',')) {
      fs::path normalised = fs::path(std::string(entry)).lexically_normal();
      if (!normalised.is_absolute()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Path ", normalised.string(), " is not absolute"));
      }
      std::error_code ec;
      if (!fs::exists(normalised, ec)) {
        return absl::InvalidArgumentError(
            absl::StrCat("Path ", normalised.string(), " does not exist"));
      }
      allowed.paths_->push_back(std::move(normalised));
    }
    return allowed;
  }

  // parseUntrustedPath: the path to read, or nullopt when it is outside the allowed ones.
  std::optional<fs::path> Check(const std::string& path) const {
    if (!paths_.has_value()) return fs::path(path);
    fs::path normalised = fs::path(path).lexically_normal();
    for (const fs::path& allowed : *paths_) {
      // Path.startsWith: whole name elements.
      auto a = allowed.begin();
      auto n = normalised.begin();
      while (a != allowed.end() && n != normalised.end() && *a == *n) {
        ++a;
        ++n;
      }
      if (a == allowed.end() || (std::next(a) == allowed.end() && a->empty())) return normalised;
    }
    return std::nullopt;
  }

 private:
  std::optional<std::vector<fs::path>> paths_;
};

class FileConfigProvider final : public ConfigProvider {
 public:
  explicit FileConfigProvider(AllowedPaths allowed) : allowed_(std::move(allowed)) {}
  absl::StatusOr<std::map<std::string, std::string>> Get(
      const std::string& path, const std::set<std::string>& keys) const override {
    std::map<std::string, std::string> data;
    if (path.empty()) return data;
    std::optional<fs::path> file = allowed_.Check(path);
    if (!file.has_value()) return data;  // "The path ... is not allowed to be accessed"
    absl::StatusOr<ConfigMap> properties = formats::ReadPropertiesFile(file->string());
    if (!properties.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Could not read properties from file ", path));
    }
    for (const std::string& key : keys) {
      if (auto it = properties->find(key); it != properties->end()) data[key] = it->second;
    }
    return data;
  }

 private:
  const AllowedPaths allowed_;
};

class DirectoryConfigProvider final : public ConfigProvider {
 public:
  explicit DirectoryConfigProvider(AllowedPaths allowed) : allowed_(std::move(allowed)) {}
  absl::StatusOr<std::map<std::string, std::string>> Get(
      const std::string& path, const std::set<std::string>& keys) const override {
    std::map<std::string, std::string> data;
    if (path.empty()) return data;
    std::optional<fs::path> dir = allowed_.Check(path);
    std::error_code ec;
    if (!dir.has_value() || !fs::is_directory(*dir, ec)) return data;
    for (const std::string& key : keys) {
      const fs::path file = *dir / key;
      // Only a regular file directly in the directory, named exactly `key`.
      if (key.empty() || key.find('/') != std::string::npos || key == "." || key == ".." ||
          !fs::is_regular_file(file, ec)) {
        continue;
      }
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        return absl::InvalidArgumentError(absl::StrCat("Could not read file ", file.string(),
                                                       " for property ", key));
      }
      std::ostringstream content;
      content << in.rdbuf();
      data[key] = content.str();
    }
    return data;
  }

 private:
  const AllowedPaths allowed_;
};

class EnvVarConfigProvider final : public ConfigProvider {
 public:
  static absl::StatusOr<std::unique_ptr<EnvVarConfigProvider>> Create(
      const std::optional<std::string>& allowlist) {
    auto provider = std::unique_ptr<EnvVarConfigProvider>(new EnvVarConfigProvider());
    // Java's Pattern.matches: the whole name. RE2 stands in for java.util.regex here; the
    // patterns people write for variable names (DB_.*, [A-Z_]+) mean the same in both.
    RE2 pattern(allowlist.value_or(".*"));
    if (!pattern.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", *allowlist, " for configuration allowlist.pattern: ", pattern.error()));
    }
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      std::string_view entry(*e);
      size_t eq = entry.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name(entry.substr(0, eq));
      if (RE2::FullMatch(name, pattern)) provider->vars_[name] = std::string(entry.substr(eq + 1));
    }
    return provider;
  }

  absl::StatusOr<std::map<std::string, std::string>> Get(
      const std::string& path, const std::set<std::string>& keys) const override {
    if (!path.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Path is not supported for EnvVarConfigProvider, invalid value '", path, "'"));
    }
    std::map<std::string, std::string> data;
    for (const std::string& key : keys) {
      if (auto it = vars_.find(key); it != vars_.end()) data[key] = it->second;
    }
    return data;
  }

 private:
  EnvVarConfigProvider() = default;
  std::map<std::string, std::string> vars_;  // read once, when configured
};

std::optional<std::string> Param(const ConfigMap& props, const std::string& alias,
                                 const std::string& name) {
  auto it = props.find(absl::StrCat(kProvidersKey, ".", alias, ".param.", name));
  if (it == props.end()) return std::nullopt;
  return it->second;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ConfigProviders>> ConfigProviders::FromWorkerProps(
    const ConfigMap& props) {
  auto list = props.find(kProvidersKey);
  if (list == props.end() || list->second.empty()) return nullptr;
  auto providers = std::shared_ptr<ConfigProviders>(new ConfigProviders());
  // As Kafka splits the list: on commas, without trimming. An alias without a class is ignored.
  for (absl::string_view alias_view : absl::StrSplit(list->second, ',')) {
    const std::string alias(alias_view);
    const std::string class_key = absl::StrCat(kProvidersKey, ".", alias, ".class");
    auto cls = props.find(class_key);
    if (cls == props.end()) continue;
    std::unique_ptr<ConfigProvider> provider;
    if (cls->second == kFileProvider || cls->second == kDirectoryProvider) {
      absl::StatusOr<AllowedPaths> allowed =
          AllowedPaths::Parse(Param(props, alias, "allowed.paths"));
      if (!allowed.ok()) return allowed.status();
      if (cls->second == kFileProvider) {
        provider = std::make_unique<FileConfigProvider>(*std::move(allowed));
      } else {
        provider = std::make_unique<DirectoryConfigProvider>(*std::move(allowed));
      }
    } else if (cls->second == kEnvProvider) {
      absl::StatusOr<std::unique_ptr<EnvVarConfigProvider>> env =
          EnvVarConfigProvider::Create(Param(props, alias, "allowlist.pattern"));
      if (!env.ok()) return env.status();
      provider = *std::move(env);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", cls->second, " for configuration ", class_key,
          ": Could not load config provider class or one of its dependencies"));
    }
    providers->providers_[alias] = std::move(provider);
  }
  if (providers->providers_.empty()) return nullptr;
  return std::shared_ptr<const ConfigProviders>(std::move(providers));
}

absl::StatusOr<ConfigMap> ConfigProviders::Transform(const ConfigMap& config) const {
  // The variables, grouped by provider and path, each looked up once.
  std::map<std::string, std::map<std::string, std::set<std::string>>> wanted;
  for (const auto& [key, value] : config) {
    for (const Variable& v : VariablesOf(value)) wanted[v.provider][v.path].insert(v.key);
  }
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> found;
  for (const auto& [provider_name, by_path] : wanted) {
    auto provider = providers_.find(provider_name);
    if (provider == providers_.end()) continue;
    for (const auto& [path, keys] : by_path) {
      absl::StatusOr<std::map<std::string, std::string>> data = provider->second->Get(path, keys);
      if (!data.ok()) return data.status();
      found[provider_name][path] = *std::move(data);
    }
  }
  ConfigMap out;
  for (const auto& [key, value] : config) {
    std::string replaced;
    size_t from = 0;
    for (const Variable& v : VariablesOf(value)) {
      auto by_path = found.find(v.provider);
      if (by_path == found.end()) continue;  // an unknown provider: left as written
      replaced.append(value, from, v.start - from);
      const std::map<std::string, std::string>& data = by_path->second[v.path];
      auto hit = data.find(v.key);
      if (hit == data.end()) {
        replaced.append(value, v.start, v.end - v.start);
      } else {
        replaced.append(hit->second);
      }
      from = v.end;
    }
    replaced.append(value, from, std::string::npos);
    out[key] = std::move(replaced);
  }
  return out;
}

absl::StatusOr<ConfigMap> ConfigProviders::ResolveWorkerProps(const ConfigMap& props) {
  absl::StatusOr<std::shared_ptr<const ConfigProviders>> providers = FromWorkerProps(props);
  if (!providers.ok()) return providers.status();
  if (*providers == nullptr) return props;
  absl::StatusOr<ConfigMap> resolved = (*providers)->Transform(props);
  if (!resolved.ok()) return resolved.status();
  // The providers' own settings stay as written.
  for (const auto& [key, value] : props) {
    if (key == kProvidersKey || absl::StartsWith(key, absl::StrCat(kProvidersKey, "."))) {
      (*resolved)[key] = value;
    }
  }
  return resolved;
}

bool HasConfigVariables(std::string_view value) { return !VariablesOf(value).empty(); }

std::vector<ConfigMap> ReverseTransform(const ConfigMap& raw_connector_config,
                                        std::vector<ConfigMap> task_configs) {
  for (ConfigMap& task : task_configs) {
    for (auto& [key, value] : task) {
      auto raw = raw_connector_config.find(key);
      if (raw != raw_connector_config.end() && HasConfigVariables(raw->second)) {
        value = raw->second;
      }
    }
  }
  return task_configs;
}

}  // namespace sluice::config
