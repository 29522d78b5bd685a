#include "server/transforms/plugin_aliases.h"

#include <set>

namespace sluice::transforms {
namespace {

// PluginUtils.prunePluginName.
std::string_view PrunedName(std::string_view simple_name, std::string_view type_suffix) {
  const size_t pos = simple_name.rfind(type_suffix);
  if (pos != std::string_view::npos && pos > 0) return simple_name.substr(0, pos);
  return simple_name;
}

}  // namespace

std::string_view JavaSimpleName(std::string_view class_name) {
  const size_t cut = class_name.find_last_of(".$");
  return cut == std::string_view::npos ? class_name : class_name.substr(cut + 1);
}

std::map<std::string, std::string> ComputePluginAliases(const std::vector<PluginName>& plugins) {
  std::map<std::string, std::set<std::string>> candidates;
  for (const PluginName& p : plugins) {
    const std::string_view simple = JavaSimpleName(p.class_name);
    candidates[std::string(simple)].insert(p.class_name);
    candidates[std::string(PrunedName(simple, p.type_suffix))].insert(p.class_name);
  }
  std::map<std::string, std::string> aliases;
  for (const auto& [alias, classes] : candidates) {
    if (classes.size() == 1) aliases.emplace(alias, *classes.begin());
  }
  return aliases;
}

}  // namespace sluice::transforms
