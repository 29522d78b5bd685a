// The registry of built-in transformations and predicates (transformation.h), and the aliases
// Kafka Connect accepts for them.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server/transforms/builtins.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {
namespace {

using TransformationSource = std::vector<TransformationClass> (*)();
using PredicateSource = std::vector<PredicateClass> (*)();

// One line per Kafka class.
constexpr TransformationSource kTransformationSources[] = {
    &DropHeadersClasses,
    &ExtractFieldClasses,
    &FilterClasses,
    &FlattenClasses,
    &HeaderFromClasses,
    &HoistFieldClasses,
    &InsertFieldClasses,
    &MaskFieldClasses,
    &ReplaceFieldClasses,
    &SetSchemaMetadataClasses,
    &ValueToKeyClasses,
};

constexpr PredicateSource kPredicateSources[] = {
    &HasHeaderKeyClasses,
    &RecordIsTombstoneClasses,
};

template <typename Class, typename Source, size_t N>
const std::vector<Class>* Gather(const Source (&sources)[N]) {
  auto* all = new std::vector<Class>();
  for (Source source : sources) {
    for (Class& c : source()) all->push_back(std::move(c));
  }
  std::sort(all->begin(), all->end(),
            [](const Class& a, const Class& b) { return a.class_name < b.class_name; });
  return all;
}

// Class.getSimpleName(): the name after the package and any enclosing class
// ("InsertField$Value" is "Value").
std::string_view SimpleName(std::string_view class_name) {
  const size_t cut = class_name.find_last_of(".$");
  return cut == std::string_view::npos ? class_name : class_name.substr(cut + 1);
}

// PluginUtils.prunedName: the simple name without the last occurrence of the plugin type's
// simple name, unless that occurrence starts the name.
std::string_view PrunedName(std::string_view simple_name, std::string_view type_suffix) {
  const size_t pos = simple_name.rfind(type_suffix);
  if (pos != std::string_view::npos && pos > 0) return simple_name.substr(0, pos);
  return simple_name;
}

// PluginUtils.computeAliases over the transformations and predicates: each class's simple and
// pruned names, keeping only the aliases that name exactly one class.
const std::map<std::string, std::string>& Aliases() {
  static const std::map<std::string, std::string>* const kAliases = [] {
    std::map<std::string, std::set<std::string>> candidates;
    auto add = [&candidates](const std::string& class_name, std::string_view type_suffix) {
      const std::string_view simple = SimpleName(class_name);
      candidates[std::string(simple)].insert(class_name);
      candidates[std::string(PrunedName(simple, type_suffix))].insert(class_name);
    };
    for (const TransformationClass& c : BuiltinTransformations()) add(c.class_name, "Transformation");
    for (const PredicateClass& c : BuiltinPredicates()) add(c.class_name, "Predicate");
    auto* aliases = new std::map<std::string, std::string>();
    for (const auto& [alias, classes] : candidates) {
      if (classes.size() == 1) aliases->emplace(alias, *classes.begin());
    }
    return aliases;
  }();
  return *kAliases;
}

// The full class name `name` stands for: itself, or the class of an alias.
std::string_view Resolve(std::string_view name) {
  const auto& aliases = Aliases();
  auto it = aliases.find(std::string(name));
  return it == aliases.end() ? name : std::string_view(it->second);
}

template <typename Class>
const Class* FindByName(const std::vector<Class>& classes, std::string_view name) {
  const std::string_view full = Resolve(name);
  for (const Class& c : classes) {
    if (c.class_name == full) return &c;
  }
  return nullptr;
}

}  // namespace

const std::vector<TransformationClass>& BuiltinTransformations() {
  static const std::vector<TransformationClass>* const kAll =
      Gather<TransformationClass>(kTransformationSources);
  return *kAll;
}

const std::vector<PredicateClass>& BuiltinPredicates() {
  static const std::vector<PredicateClass>* const kAll = Gather<PredicateClass>(kPredicateSources);
  return *kAll;
}

const TransformationClass* FindTransformation(std::string_view name) {
  return FindByName(BuiltinTransformations(), name);
}

const PredicateClass* FindPredicate(std::string_view name) {
  return FindByName(BuiltinPredicates(), name);
}

}  // namespace sluice::transforms
