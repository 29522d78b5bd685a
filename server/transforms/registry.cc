// The registry of built-in transformations and predicates (transformation.h), and the aliases
// Kafka Connect accepts for them.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/transforms/builtins.h"
#include "server/transforms/plugin_aliases.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {
namespace {

using TransformationSource = std::vector<TransformationClass> (*)();
using PredicateSource = std::vector<PredicateClass> (*)();

// One line per Kafka class.
constexpr TransformationSource kTransformationSources[] = {
    &CastClasses,
    &DropHeadersClasses,
    &ExtractFieldClasses,
    &FilterClasses,
    &FlattenClasses,
    &HeaderFromClasses,
    &HoistFieldClasses,
    &InsertFieldClasses,
    &InsertHeaderClasses,
    &MaskFieldClasses,
    &RegexRouterClasses,
    &ReplaceFieldClasses,
    &SetSchemaMetadataClasses,
    &TimestampConverterClasses,
    &TimestampRouterClasses,
    &ValueToKeyClasses,
};

constexpr PredicateSource kPredicateSources[] = {
    &HasHeaderKeyClasses,
    &RecordIsTombstoneClasses,
    &TopicNameMatchesClasses,
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

// PluginUtils.computeAliases over the transformations and predicates. (Kafka computes them over
// every plugin of the worker; no connector, converter or other plugin of Kafka's shares an alias
// with these.)
const std::map<std::string, std::string>& Aliases() {
  static const std::map<std::string, std::string>* const kAliases = [] {
    std::vector<PluginName> plugins;
    for (const TransformationClass& c : BuiltinTransformations()) {
      plugins.push_back({c.class_name, "Transformation"});
    }
    for (const PredicateClass& c : BuiltinPredicates()) plugins.push_back({c.class_name, "Predicate"});
    return new std::map<std::string, std::string>(ComputePluginAliases(plugins));
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
