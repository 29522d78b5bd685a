// The aliases Kafka Connect accepts for a plugin class name (PluginUtils.computeAliases): the
// class's simple name, and that name without its plugin type's simple name ("Transformation",
// "Predicate", "Converter", ...; "Connector" for connectors) at its last occurrence (unless the
// name starts with it). An alias that two classes share is dropped, across all plugin types.
//
//   ComputePluginAliases({{"org.apache.kafka.connect.transforms.ValueToKey", "Transformation"},
//                         {"org.apache.kafka.connect.transforms.Cast$Key", "Transformation"},
//                         {"org.apache.kafka.connect.transforms.Flatten$Key", "Transformation"}})
//   // {"ValueToKey" -> "...ValueToKey"}: "Key" (Class.getSimpleName of Cast$Key) is ambiguous.
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_TRANSFORMS_PLUGIN_ALIASES_H_
#define SLUICE_SERVER_TRANSFORMS_PLUGIN_ALIASES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::transforms {

struct PluginName {
  std::string class_name;   // "org.apache.kafka.connect.transforms.InsertField$Value"
  std::string type_suffix;  // "Transformation"
};

// Class.getSimpleName(): the name after the package and any enclosing class.
std::string_view JavaSimpleName(std::string_view class_name);

// alias -> class name, for the aliases that name exactly one of `plugins`.
std::map<std::string, std::string> ComputePluginAliases(const std::vector<PluginName>& plugins);

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_PLUGIN_ALIASES_H_
