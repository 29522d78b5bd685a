#include "server/herder/connector_validation.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/config/config_providers.h"
#include "server/config/connector_config.h"
#include "server/convert/converter.h"
#include "server/convert/connect_exception.h"
#include "server/convert/header_converter.h"
#include "server/convert/java_hash_map.h"
#include "server/kafka/client_override_policy.h"
#include "server/transforms/java_regex.h"
#include "server/transforms/transformation.h"

namespace sluice::herder {
namespace {

ConfigKey Key(std::string name, ConfigType type, std::optional<std::string> default_value,
              ConfigImportance importance, std::string doc, std::string group, int order,
              ConfigWidth width, std::string display) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = type;
  key.default_value = std::move(default_value);
  key.importance = importance;
  key.documentation = std::move(doc);
  key.group = std::move(group);
  key.order_in_group = order;
  key.width = width;
  key.display_name = std::move(display);
  return key;
}

ConfigKey NullDefault(ConfigKey key) {
  key.default_value.reset();
  key.null_default = true;
  return key;
}

// Kafka Connect's name validator: non-empty, no ISO control characters.
ConfigValidator ConnectorName() {
  return [](const std::string& name, const ConfigValue& value) -> absl::Status {
    const std::string* s = std::get_if<std::string>(&value);
    if (s == nullptr) return absl::OkStatus();
    if (s->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid value ", *s, " for configuration ", name,
                       ": String may not be empty"));
    }
    for (unsigned char c : *s) {
      if (c < 0x20 || c == 0x7f) {
        return absl::InvalidArgumentError(
            absl::StrCat("Invalid value ", *s, " for configuration ", name,
                         ": String may not contain control sequences but had the following ASCII "
                         "chars: ", static_cast<int>(c)));
      }
    }
    return absl::OkStatus();
  };
}

constexpr ConfigImportance kHigh = ConfigImportance::kHigh;
constexpr ConfigImportance kMedium = ConfigImportance::kMedium;
constexpr ConfigImportance kLow = ConfigImportance::kLow;

std::string MapToString(const ConfigMap& config) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : config) parts.push_back(absl::StrCat(k, "=", v));
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}


// ConnectorConfig's aliasValidator: a list without repeated aliases.
ConfigValidator UniqueAliases() {
  return [](const std::string& name, const ConfigValue& value) -> absl::Status {
    const auto* aliases = std::get_if<std::vector<std::string>>(&value);
    if (aliases == nullptr) return absl::OkStatus();
    std::set<std::string> unique(aliases->begin(), aliases->end());
    if (unique.size() == aliases->size()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("Invalid value [", absl::StrJoin(*aliases, ", "),
                                                   "] for configuration ", name,
                                                   ": Duplicate alias provided."));
  };
}

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// What a class name given in a config resolves to, among the classes Sluice has (Kafka Connect's
// class loader, which also knows every plugin alias).
struct ResolvedClass {
  enum class Kind {
    kUnknown,         // ClassNotFoundException
    kTransformation,  // a concrete Transformation
    kPredicate,       // a concrete Predicate
    kConverter,
    kHeaderConverter,  // also kConverter for most: `converter` and `header_converter` both set
    kAbstractTransformation,  // InsertField, Cast, ...: the outer class of $Key/$Value
    kConnector,
  };
  Kind kind = Kind::kUnknown;
  std::string name;  // the full class name
  bool converter = false;
  bool header_converter = false;
  std::vector<std::string> concrete;  // kAbstractTransformation: its $Value and $Key classes
};

ResolvedClass Resolve(plugins::PluginRegistry& registry, std::string_view raw) {
  const std::string name(absl::StripAsciiWhitespace(Av(raw)));
  ResolvedClass r;
  if (const transforms::TransformationClass* t = transforms::FindTransformation(name)) {
    r.kind = ResolvedClass::Kind::kTransformation;
    r.name = t->class_name;
    return r;
  }
  if (const transforms::PredicateClass* p = transforms::FindPredicate(name)) {
    r.kind = ResolvedClass::Kind::kPredicate;
    r.name = p->class_name;
    return r;
  }
  for (const convert::ConverterClass& c : convert::BuiltinConverters()) {
    if (c.class_name == name || std::find(c.aliases.begin(), c.aliases.end(), name) != c.aliases.end()) {
      r.kind = ResolvedClass::Kind::kConverter;
      r.name = c.class_name;
      r.converter = true;
    }
  }
  for (const convert::HeaderConverterClass& c : convert::BuiltinHeaderConverters()) {
    if (c.class_name == name || std::find(c.aliases.begin(), c.aliases.end(), name) != c.aliases.end()) {
      if (r.kind == ResolvedClass::Kind::kUnknown) r.kind = ResolvedClass::Kind::kHeaderConverter;
      r.name = c.class_name;
      r.header_converter = true;
    }
  }
  if (r.kind != ResolvedClass::Kind::kUnknown) return r;
  // The abstract outer class of a $Key/$Value pair.
  const transforms::TransformationClass* value =
      transforms::FindTransformation(absl::StrCat(name, "$Value"));
  const transforms::TransformationClass* key =
      transforms::FindTransformation(absl::StrCat(name, "$Key"));
  if (value != nullptr && key != nullptr && value->class_name == name + "$Value") {
    r.kind = ResolvedClass::Kind::kAbstractTransformation;
    r.name = name;
    r.concrete = {value->class_name, key->class_name};  // the order Class.getClasses() gives
    return r;
  }
  if (const plugins::ConnectorPlugin* c = registry.Find(name); c != nullptr && c->class_name == name) {
    r.kind = ResolvedClass::Kind::kConnector;
    r.name = c->class_name;
  }
  return r;
}

// Utils.ensureConcreteSubclass's message for a class of the wrong kind, or "" when it fits.
// `base` is the expected interface ("Transformation", "Predicate", "Converter",
// "HeaderConverter").
std::string ConcreteSubclassError(const ResolvedClass& r, std::string_view base) {
  bool fits = false;
  if (base == "Transformation") {
    fits = r.kind == ResolvedClass::Kind::kTransformation ||
           r.kind == ResolvedClass::Kind::kAbstractTransformation;
  } else if (base == "Predicate") {
    fits = r.kind == ResolvedClass::Kind::kPredicate;
  } else if (base == "Converter") {
    fits = r.converter;
  } else if (base == "HeaderConverter") {
    fits = r.header_converter;
  }
  if (!fits) {
    return absl::StrCat("Class class ", r.name, " does not implement the ", Av(base), " interface");
  }
  if (r.kind == ResolvedClass::Kind::kAbstractTransformation) {
    return absl::StrCat("This class is abstract and cannot be created. Did you mean ",
                        absl::StrJoin(r.concrete, ", "), "?");
  }
  return "";
}

ConfigValueResult* FindResult(std::vector<ConfigValueResult>& results, std::string_view name) {
  for (ConfigValueResult& r : results) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// Kafka's ConfigDef sortedConfigs(): how a plugin's keys are ordered when embedded under a
// prefix: by group (ungrouped first, then in the order groups were first defined), order in
// group, keys without a default first, importance (HIGH first), name.
std::vector<ConfigKey> SortedForEmbedding(std::vector<ConfigKey> keys) {
  std::vector<std::string> groups;
  for (const ConfigKey& k : keys) {
    if (k.group.has_value() && std::find(groups.begin(), groups.end(), *k.group) == groups.end()) {
      groups.push_back(*k.group);
    }
  }
  auto group_ord = [&](const ConfigKey& k) -> int {
    if (!k.group.has_value()) return -1;
    return static_cast<int>(std::find(groups.begin(), groups.end(), *k.group) - groups.begin());
  };
  std::stable_sort(keys.begin(), keys.end(), [&](const ConfigKey& a, const ConfigKey& b) {
    if (group_ord(a) != group_ord(b)) return group_ord(a) < group_ord(b);
    if (a.order_in_group != b.order_in_group) return a.order_in_group < b.order_in_group;
    if (a.required() != b.required()) return a.required();
    if (a.importance != b.importance) {
      return static_cast<int>(a.importance) < static_cast<int>(b.importance);
    }
    return a.name < b.name;
  });
  return keys;
}

// ConfigDef.embed: `child`'s keys under `prefix`, in group "<group>[: <key's group>]", ordered
// from `first_order`; their validators see the name without the prefix.
void Embed(const std::string& prefix, const std::string& group, int first_order,
           const std::vector<ConfigKey>& child, std::vector<ConfigKey>& out) {
  int order = first_order;
  for (ConfigKey key : SortedForEmbedding(child)) {
    const std::string plain = key.name;
    key.name = prefix + plain;
    if (key.display_name.empty()) key.display_name = plain;
    key.group = key.group.has_value() ? absl::StrCat(group, ": ", *key.group) : group;
    key.order_in_group = order++;
    for (std::string& d : key.dependents) d = prefix + d;
    if (key.validator) {
      key.validator = [base = key.validator, n = prefix.size()](const std::string& name,
                                                                const ConfigValue& value) {
        return base(name.substr(std::min(n, name.size())), value);
      };
    }
    out.push_back(std::move(key));
  }
}

struct ClassKey {
  std::string name;  // the config key, e.g. "transforms.mask.type"
  std::string base;  // the interface its class must implement
  // Extra checks Kafka's validator makes (ConnectorConfig's validateProps): messages.
  std::vector<std::string> extra_errors;
};

// Kafka Connect's ConnectorConfig.enrich for `transforms` or `predicates`: for each alias, a
// required `<list>.<alias>.type` class key in its own group "<Group>: <alias>" (recommending
// every class of the kind), then, when that class is one Sluice has, the class's own keys
// embedded under the alias's prefix (for a transformation with the implicit `predicate` and
// `negate` first).
void Enrich(const ConfigMap& config, bool transforms, std::vector<ConfigKey>& keys,
            std::vector<ClassKey>& class_keys, plugins::PluginRegistry& registry) {
  const std::string list_key = transforms ? "transforms" : "predicates";
  const std::string kind = transforms ? "transformation" : "predicate";
  const std::string base = transforms ? "Transformation" : "Predicate";
  const std::string group_name = transforms ? "Transforms" : "Predicates";
  std::vector<std::string> recommended;
  if (transforms) {
    for (const transforms::TransformationClass& c : transforms::BuiltinTransformations()) {
      recommended.push_back(c.class_name);
    }
  } else {
    for (const transforms::PredicateClass& c : transforms::BuiltinPredicates()) {
      recommended.push_back(c.class_name);
    }
  }
  std::vector<std::string> aliases;
  for (const std::string& a : config::ConfigList(config, list_key)) {
    if (std::find(aliases.begin(), aliases.end(), a) == aliases.end()) aliases.push_back(a);
  }
  for (const std::string& alias : aliases) {
    const std::string prefix = absl::StrCat(list_key, ".", alias, ".");
    const std::string group = absl::StrCat(group_name, ": ", alias);
    ConfigKey type = Key(prefix + "type", ConfigType::kClass, std::nullopt, kHigh,
                         absl::StrCat("Class for the '", alias, "' ", kind, "."), group, 0,
                         ConfigWidth::kLong, absl::StrCat(base, " type for ", alias));
    type.recommended_values = recommended;
    keys.push_back(type);
    ClassKey class_key{type.name, base, {}};
    // validateProps: negate makes no sense without a predicate.
    if (transforms && config.contains(prefix + "negate") && !config.contains(prefix + "predicate")) {
      class_key.extra_errors.push_back(absl::StrCat(
          "Config '", prefix, "negate' was provided but there is no config '", prefix,
          "predicate' defining a predicate to be negated."));
    }
    class_keys.push_back(std::move(class_key));

    auto it = config.find(prefix + "type");
    if (it == config.end()) continue;
    const ResolvedClass cls = Resolve(registry, it->second);
    std::vector<ConfigKey> child;
    if (transforms) {
      ConfigKey predicate;
      predicate.name = "predicate";
      predicate.type = ConfigType::kString;
      predicate.null_default = true;
      predicate.importance = kMedium;
      predicate.documentation =
          "The alias of a predicate used to determine whether to apply this transformation.";
      child.push_back(predicate);
      ConfigKey negate;
      negate.name = "negate";
      negate.type = ConfigType::kBoolean;
      negate.default_value = "false";
      negate.importance = kMedium;
      negate.documentation = "Whether the configured predicate should be negated.";
      child.push_back(negate);
      if (cls.kind != ResolvedClass::Kind::kTransformation) continue;
      for (const ConfigKey& k : transforms::FindTransformation(cls.name)->config.keys()) {
        // The implicit keys mask a transformation's own keys of the same name.
        if (k.name != "predicate" && k.name != "negate") child.push_back(k);
      }
    } else {
      if (cls.kind != ResolvedClass::Kind::kPredicate) continue;
      for (const ConfigKey& k : transforms::FindPredicate(cls.name)->config.keys()) {
        child.push_back(k);
      }
    }
    Embed(prefix, group, 1, child, keys);
  }
}

// How Kafka's ConfigDef validates a CLASS key, with Kafka Connect's validators: the class is
// looked up (a name that is no class Sluice has is "could not be found", and the value shown is
// null), then it must implement `base` and be concrete.
void ValidateClassKey(plugins::PluginRegistry& registry, const ConfigMap& config,
                      const ClassKey& key, ConfigValueResult& result) {
  std::vector<std::string> errors;
  auto it = config.find(key.name);
  if (it == config.end()) {
    // Missing: the required-key error is already there (or the key has a null default).
    errors = result.errors;
  } else {
    const ResolvedClass cls = Resolve(registry, it->second);
    if (cls.kind == ResolvedClass::Kind::kUnknown) {
      errors.push_back(absl::StrCat("Invalid value ", it->second, " for configuration ", key.name,
                                    ": Class ", it->second, " could not be found."));
      result.value.reset();
    } else if (std::string e = ConcreteSubclassError(cls, key.base); !e.empty()) {
      errors.push_back(e);
    }
  }
  for (const std::string& e : key.extra_errors) errors.push_back(e);
  result.errors = std::move(errors);
}

// Kafka Connect's validateConverterConfig: the settings of a converter the connector chooses,
// validated by the converter's ConfigDef under `prefix` (with converter.type set). Entries come
// in the order of the HashMap Kafka validates into; each key with errors counts once.
void ValidateConverterSettings(const ConfigMap& config, const std::string& property,
                               const ConfigDef& def, const std::string& converter_type,
                               ValidatedConfig& out) {
  const std::string prefix = property + ".";
  ConfigMap settings = config::ConfigWithPrefix(config, prefix);
  settings.try_emplace("converter.type", converter_type);
  std::vector<ConfigValueResult> results = def.Validate(settings);
  std::vector<MapEntry> order;
  for (size_t i = 0; i < results.size(); ++i) {
    order.push_back({Value::String(results[i].name), Value::Int64(static_cast<int64_t>(i))});
  }
  convert::OrderAsJavaHashMap(order);
  for (const MapEntry& e : order) {
    ConfigValueResult r = results[static_cast<size_t>(e.value.integer())];
    std::optional<ConfigKey> definition;
    if (const ConfigKey* k = def.Find(r.name)) {
      definition = *k;
      definition->name = prefix + k->name;
      if (definition->display_name.empty()) definition->display_name = k->name;
      if (k->group.has_value() &&
          std::find(out.groups.begin(), out.groups.end(), *k->group) == out.groups.end()) {
        out.groups.push_back(*k->group);
      }
    }
    r.name = prefix + r.name;
    if (!r.errors.empty()) ++out.error_count;
    out.entries.push_back({std::move(definition), std::move(r)});
  }
}

const ConfigDef* ConverterConfigDef(std::string_view cls) {
  for (const convert::ConverterClass& c : convert::BuiltinConverters()) {
    if (c.class_name == cls) return &c.config;
  }
  return nullptr;
}

const ConfigDef* HeaderConverterConfigDef(std::string_view cls) {
  for (const convert::HeaderConverterClass& c : convert::BuiltinHeaderConverters()) {
    if (c.class_name == cls) return &c.config;
  }
  return nullptr;
}

// Kafka Connect's AbstractHerder.validateClientOverrides for each client the connector uses
// (connectorUsesProducer: sources, and sinks with a dead letter queue; connectorUsesConsumer:
// sinks; connectorUsesAdmin: sources with topic.creation.* keys, and sinks with a dead letter
// queue), merged in mergeConfigInfos' order: producer, consumer, admin. Each entry carries the
// Java client's definition under the prefixed name (or none), and each key with errors counts
// once. A value that does not parse fails the whole validation with Kafka's ConfigException.
absl::Status ValidateClientOverrideSettings(plugins::ConnectorType type,
                                            const config::WorkerConfig& worker,
                                            const ConfigMap& config,
                                            const std::set<std::string>& null_keys,
                                            ValidatedConfig& out) {
  const bool sink = type == plugins::ConnectorType::kSink;
  auto dlq = config.find("errors.deadletterqueue.topic.name");
  const bool has_dlq =
      sink && dlq != config.end() && !absl::StripAsciiWhitespace(dlq->second).empty() &&
      !null_keys.contains(dlq->first);
  const bool topic_creation =
      !sink && std::any_of(config.begin(), config.end(), [](const auto& kv) {
        return absl::StartsWith(kv.first, "topic.creation.");
      });
  std::vector<kafka::ClientType> clients;
  if (!sink || has_dlq) clients.push_back(kafka::ClientType::kProducer);
  if (sink) clients.push_back(kafka::ClientType::kConsumer);
  if (topic_creation || has_dlq) clients.push_back(kafka::ClientType::kAdmin);
  for (kafka::ClientType client : clients) {
    absl::StatusOr<std::vector<kafka::ClientOverrideEntry>> entries =
        kafka::ValidateClientOverrides(client, worker.client_override_policy, config, null_keys);
    if (!entries.ok()) {
      return convert::JavaError(absl::StatusCode::kInternal, convert::kConfigExceptionClass,
                                std::string(entries.status().message()));
    }
    const std::string prefix(kafka::ClientOverridePrefix(client));
    for (kafka::ClientOverrideEntry& e : *entries) {
      ValidationEntry entry;
      if (e.definition != nullptr) {
        // AbstractHerder.convertConfigKey with the prefix: only the name changes.
        entry.definition = *e.definition;
        entry.definition->name = prefix + e.definition->name;
        if (e.definition->group.has_value() &&
            std::find(out.groups.begin(), out.groups.end(), *e.definition->group) ==
                out.groups.end()) {
          out.groups.push_back(*e.definition->group);
        }
      }
      entry.value.name = prefix + e.key;
      entry.value.value = std::move(e.value);
      entry.value.errors = std::move(e.errors);
      if (!entry.value.errors.empty()) ++out.error_count;
      out.entries.push_back(std::move(entry));
    }
  }
  return absl::OkStatus();
}

}  // namespace

ConfigDef FrameworkConfigDef(plugins::ConnectorType type) {
  ConfigDef def;
  ConfigKey name = Key("name", ConfigType::kString, std::nullopt, kHigh,
                       "Globally unique name to use for this connector.", "Common", 1,
                       ConfigWidth::kMedium, "Connector name");
  name.validator = ConnectorName();
  def.Define(name);
  def.Define(Key("connector.class", ConfigType::kString, std::nullopt, kHigh,
                 "Name or alias of the class for this connector. Must be a subclass of "
                 "org.apache.kafka.connect.connector.Connector. If the connector is "
                 "org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify "
                 "this full name,  or use \"FileStreamSink\" or \"FileStreamSinkConnector\" to "
                 "make the configuration a bit shorter",
                 "Common", 2, ConfigWidth::kLong, "Connector class"));
  ConfigKey tasks_max = Key("tasks.max", ConfigType::kInt, "1", kHigh,
                            "Maximum number of tasks to use for this connector.", "Common", 3,
                            ConfigWidth::kShort, "Tasks max");
  tasks_max.validator = validators::AtLeast(1);
  tasks_max.validator_doc = "[1,...]";
  def.Define(tasks_max);
  def.Define(Key("tasks.max.enforce", ConfigType::kBoolean, "true", kLow,
                 "(Deprecated) Whether to enforce that the tasks.max property is respected by "
                 "the connector. By default, connectors that generate too many tasks will fail, "
                 "and existing sets of tasks that exceed the tasks.max property will also be "
                 "failed. If this property is set to false, then connectors will be allowed to "
                 "generate more than the maximum number of tasks, and existing sets of tasks "
                 "that exceed the tasks.max property will be allowed to run. This property is "
                 "deprecated and will be removed in an upcoming major release.",
                 "Common", 4, ConfigWidth::kShort, "Enforce tasks max"));
  def.Define(NullDefault(Key("key.converter", ConfigType::kClass, std::nullopt, kLow,
                             "Converter class used to convert between Kafka Connect format and the "
                             "serialized form that is written to Kafka. This controls the format "
                             "of the "
                             "keys in messages written to or read from Kafka, and since this is "
                             "independent "
                             "of connectors it allows any connector to work with any "
                             "serialization format. "
                             "Examples of common formats include JSON and Avro.",
                             "Common", 5, ConfigWidth::kShort, "Key converter class")));
  def.Define(NullDefault(Key("value.converter", ConfigType::kClass, std::nullopt, kLow,
                             "Converter class used to convert between Kafka Connect format and the "
                             "serialized form that is written to Kafka. This controls the format "
                             "of the "
                             "values in messages written to or read from Kafka, and since this is "
                             "independent of connectors it allows any connector to work with any "
                             "serialization format. Examples of common formats include JSON and "
                             "Avro.",
                             "Common", 6, ConfigWidth::kShort, "Value converter class")));
  def.Define(NullDefault(Key("header.converter", ConfigType::kClass, std::nullopt, kLow,
                             "HeaderConverter class used to convert between Kafka Connect format "
                             "and the "
                             "serialized form that is written to Kafka. This controls the format "
                             "of the "
                             "header values in messages written to or read from Kafka, and since "
                             "this is "
                             "independent of connectors it allows any connector to work with any "
                             "serialization format. Examples of common formats include JSON and "
                             "Avro. By "
                             "default, the SimpleHeaderConverter is used to serialize header "
                             "values to "
                             "strings and deserialize them by inferring the schemas.",
                             "Common", 7, ConfigWidth::kShort, "Header converter class")));
  ConfigKey transforms = Key("transforms", ConfigType::kList, "", kLow,
                             "Aliases for the transformations to be applied to records.",
                             "Transforms", 8, ConfigWidth::kLong, "Transforms");
  transforms.validator = UniqueAliases();
  def.Define(transforms);
  ConfigKey predicates = Key("predicates", ConfigType::kList, "", kLow,
                             "Aliases for the predicates used by transformations.", "Predicates",
                             9, ConfigWidth::kLong, "Predicates");
  predicates.validator = UniqueAliases();
  def.Define(predicates);
  ConfigKey reload = Key("config.action.reload", ConfigType::kString, "restart", kLow,
                         "The action that Connect should take on the connector when changes in "
                         "external "
                         "configuration providers result in a change in the connector's "
                         "configuration "
                         "properties. A value of 'none' indicates that Connect will do nothing. "
                         "A value "
                         "of 'restart' indicates that Connect should restart/reload the "
                         "connector with "
                         "the updated configuration properties.The restart may actually be "
                         "scheduled in "
                         "the future if the external configuration provider indicates that a "
                         "configuration value will expire in the future.",
                         "Common", 10, ConfigWidth::kMedium, "Reload Action");
  reload.validator = validators::OneOf({"none", "restart"});
  def.Define(reload);
  def.Define(Key("errors.retry.timeout", ConfigType::kLong, "0", kMedium,
                 "The maximum duration in milliseconds that a failed operation will be "
                 "reattempted. The default is 0, which means no retries will be attempted. Use "
                 "-1 for infinite retries.",
                 "Error Handling", 1, ConfigWidth::kMedium, "Retry Timeout for Errors"));
  def.Define(Key("errors.retry.delay.max.ms", ConfigType::kLong, "60000", kMedium,
                 "The maximum duration in milliseconds between consecutive retry attempts. "
                 "Jitter will be added to the delay once this limit is reached to prevent "
                 "thundering herd issues.",
                 "Error Handling", 2, ConfigWidth::kMedium, "Maximum Delay Between Retries for "
                                                            "Errors"));
  ConfigKey tolerance = Key("errors.tolerance", ConfigType::kString, "none", kMedium,
                            "Behavior for tolerating errors during connector operation. 'none' is "
                            "the default value and signals that any error will result in an "
                            "immediate connector task failure; 'all' changes the behavior to skip "
                            "over problematic records.",
                            "Error Handling", 3, ConfigWidth::kShort, "Error Tolerance");
  tolerance.validator = validators::OneOf({"none", "all"});
  def.Define(tolerance);
  def.Define(Key("errors.log.enable", ConfigType::kBoolean, "false", kMedium,
                 "If true, write each error and the details of the failed operation and "
                 "problematic record to the Connect application log. This is 'false' by "
                 "default, so that only errors that are not tolerated are reported.",
                 "Error Handling", 4, ConfigWidth::kShort, "Log Errors"));
  def.Define(Key("errors.log.include.messages", ConfigType::kBoolean, "false", kMedium,
                 "Whether to include in the log the Connect record that resulted in a failure. "
                 "For sink records, the topic, partition, offset, and timestamp will be logged. "
                 "For source records, the key and value (and their schemas), all headers, and "
                 "the timestamp, Kafka topic, Kafka partition, source partition, and source "
                 "offset will be logged. This is 'false' by default, which will prevent record "
                 "keys, values, and headers from being written to log files.",
                 "Error Handling", 5, ConfigWidth::kShort, "Log Error Details"));
  if (type == plugins::ConnectorType::kSink) {
    def.Define(Key("topics", ConfigType::kList, "", kHigh,
                   "List of topics to consume, separated by commas", "Common", 4,
                   ConfigWidth::kLong, "Topics"));
    ConfigKey topics_regex = Key("topics.regex", ConfigType::kString, "", kHigh,
                                 "Regular expression giving topics to consume. Under the hood, "
                                 "the regex is "
                                 "compiled to a <code>java.util.regex.Pattern</code>. Only one "
                                 "of topics or "
                                 "topics.regex should be specified.",
                                 "Common", 4, ConfigWidth::kLong, "Topics regex");
    topics_regex.validator = transforms::JavaRegexValidator();
    topics_regex.validator_doc = std::string(transforms::kJavaRegexValidatorDoc);
    def.Define(topics_regex);
    def.Define(Key("errors.deadletterqueue.topic.name", ConfigType::kString, "", kMedium,
                   "The name of the topic to be used as the dead letter queue (DLQ) for messages "
                   "that result in an error when processed by this sink connector, or its "
                   "transformations or converters. The topic name is blank by default, which "
                   "means that no messages are to be recorded in the DLQ.",
                   "Error Handling", 6, ConfigWidth::kMedium, "Dead Letter Queue Topic Name"));
    def.Define(Key("errors.deadletterqueue.topic.replication.factor", ConfigType::kShort, "3",
                   kMedium,
                   "Replication factor used to create the dead letter queue topic when it "
                   "doesn't already exist.",
                   "Error Handling", 7, ConfigWidth::kMedium,
                   "Dead Letter Queue Topic Replication Factor"));
    def.Define(Key("errors.deadletterqueue.context.headers.enable", ConfigType::kBoolean,
                   "false", kMedium,
                   "If true, add headers containing error context to the messages written to the "
                   "dead letter queue. To avoid clashing with headers from the original record, "
                   "all error context header keys, all error context header keys will start with "
                   "<code>__connect.errors.</code>",
                   "Error Handling", 8, ConfigWidth::kMedium,
                   "Enable Error Context Headers"));
  } else {
    def.Define(Key("topic.creation.groups", ConfigType::kList, "", kLow,
                   "Groups of configurations for topics created by source connectors",
                   "Topic Creation", 1, ConfigWidth::kLong, "Topic Creation Groups"));
    ConfigKey eos = Key("exactly.once.support", ConfigType::kString, "requested", kMedium,
                        "Permitted values are requested, required. If set to \"required\", "
                        "forces a "
                        "preflight check for the connector to ensure that it can provide "
                        "exactly-once "
                        "semantics with the given configuration. Some connectors may be capable of "
                        "providing exactly-once semantics but not signal to Connect that they "
                        "support "
                        "this; in that case, documentation for the connector should be consulted "
                        "carefully before creating it, and the value for this property should be "
                        "set "
                        "to \"requested\". Additionally, if the value is set to \"required\" but "
                        "the "
                        "worker that performs preflight validation does not have exactly-once "
                        "support "
                        "enabled for source connectors, requests to create or validate the "
                        "connector "
                        "will fail.",
                        "Exactly Once Support", 2, ConfigWidth::kShort, "Exactly once support");
    eos.validator = validators::OneOf({"requested", "required"}, /*ignore_case=*/true);
    def.Define(eos);
    ConfigKey boundary = Key("transaction.boundary", ConfigType::kString, "poll", kMedium,
                             "Permitted values are: poll, interval, connector. If set to 'poll', "
                             "a new "
                             "producer transaction will be started and committed for every batch "
                             "of records "
                             "that each task from this connector provides to Connect. If set to "
                             "'connector', relies on connector-defined transaction boundaries; "
                             "note that "
                             "not all connectors are capable of defining their own transaction "
                             "boundaries, "
                             "and in that case, attempts to instantiate a connector with this "
                             "value will "
                             "fail. Finally, if set to 'interval', commits transactions only "
                             "after a "
                             "user-defined time interval has passed.",
                             "Exactly Once Support", 3, ConfigWidth::kShort,
                             "Transaction Boundary");
    boundary.validator = validators::OneOf({"poll", "interval", "connector"}, true);
    def.Define(boundary);
    def.Define(NullDefault(Key("transaction.boundary.interval.ms", ConfigType::kLong,
                               std::nullopt, kLow,
                               "If 'transaction.boundary' is set to 'interval', determines the "
                               "interval for "
                               "producer transaction commits by connector tasks. If unset, "
                               "defaults to the "
                               "value of the worker-level 'offset.flush.interval.ms' property. "
                               "It has no "
                               "effect if a different transaction.boundary is specified.",
                               "Exactly Once Support", 4, ConfigWidth::kShort,
                               "Transaction boundary interval")));
    def.Define(NullDefault(Key("offsets.storage.topic", ConfigType::kString, std::nullopt, kLow,
                               "The name of a separate offsets topic to use for this connector. "
                               "If empty or "
                               "not specified, the worker’s global offsets topic name will be "
                               "used. If "
                               "specified, the offsets topic will be created if it does not "
                               "already exist on "
                               "the Kafka cluster targeted by this connector (which may be "
                               "different from the "
                               "one used for the worker's global offsets topic if the "
                               "bootstrap.servers "
                               "property of the connector's producer has been overridden from "
                               "the worker's). "
                               "Only applicable in distributed mode; in standalone mode, setting "
                               "this "
                               "property will have no effect.",
                               "offsets.topic", 1, ConfigWidth::kLong,
                               "Offsets topic")));
  }
  return def;
}


namespace {

// Sluice's sandbox policy (server/plugins/sandbox_policy.h): its keys are listed, in their own
// group, only when the config sets one (a config written for Kafka Connect validates as there);
// a declared path outside sluice.sandbox.paths.allowed is an error of its own key.
void ValidateSandboxPolicy(const plugins::PluginRegistry& registry,
                           const plugins::ConnectorPlugin& plugin, const ConfigMap& config,
                           ValidatedConfig& out) {
  plugins::PolicyErrors errors = registry.SandboxErrors(plugin, config);
  const bool listed = std::any_of(config.begin(), config.end(), [](const auto& entry) {
    return absl::StartsWith(entry.first, plugins::kSandboxPrefix);
  });
  if (listed) {
    for (const ConfigKey& key : plugins::SandboxConfigKeys()) {
      ValidationEntry entry;
      entry.definition = key;
      entry.value.name = key.name;
      if (auto it = config.find(key.name); it != config.end()) entry.value.value = it->second;
      if (auto it = errors.find(key.name); it != errors.end()) {
        entry.value.errors = it->second;
        errors.erase(it);
      }
      out.error_count += static_cast<int>(entry.value.errors.size());
      out.entries.push_back(std::move(entry));
    }
    if (std::find(out.groups.begin(), out.groups.end(), "Sandbox") == out.groups.end()) {
      out.groups.push_back("Sandbox");
    }
  }
  for (auto& [name, messages] : errors) {
    const std::string& key = name;
    auto entry = std::find_if(out.entries.begin(), out.entries.end(),
                              [&key](const ValidationEntry& e) { return e.value.name == key; });
    if (entry == out.entries.end()) {
      out.entries.push_back({std::nullopt, ConfigValueResult{.name = key}});
      entry = std::prev(out.entries.end());
    }
    for (std::string& message : messages) entry->value.errors.push_back(std::move(message));
    out.error_count += static_cast<int>(messages.size());
  }
}

// Sluice's supervision keys (server/config/supervision_config.h), like the sandbox's: listed in
// their own group only when the config sets one; a bad value is an error of its key.
void ValidateSupervision(const config::WorkerConfig& worker, const ConfigMap& config,
                         ValidatedConfig& out) {
  const bool listed = std::any_of(config.begin(), config.end(), [](const auto& entry) {
    return absl::StartsWith(entry.first, config::kRestartPrefix) ||
           absl::StartsWith(entry.first, config::kWatchdogPrefix);
  });
  if (!listed) return;
  config::SupervisionErrors errors;
  (void)config::ParseSupervision(config, worker.watchdog, errors);
  for (const ConfigKey& key : config::SupervisionConfigKeys()) {
    ValidationEntry entry;
    entry.definition = key;
    entry.value.name = key.name;
    if (auto it = config.find(key.name); it != config.end()) {
      entry.value.value = it->second;
    } else {
      entry.value.value = key.default_value;
    }
    if (auto it = errors.find(key.name); it != errors.end()) entry.value.errors = it->second;
    out.error_count += static_cast<int>(entry.value.errors.size());
    out.entries.push_back(std::move(entry));
  }
  if (std::find(out.groups.begin(), out.groups.end(), "Supervision") == out.groups.end()) {
    out.groups.push_back("Supervision");
  }
}

// ValidateConnectorConfig of a config whose variables are resolved.
absl::StatusOr<ValidatedConfig> ValidateResolved(plugins::PluginRegistry& registry,
                                                 const config::WorkerConfig& worker,
                                                 const ConfigMap& config,
                                                 const std::set<std::string>& null_keys);

// `text` with each resolved value of a key whose raw value holds a ${...} variable put back to
// the raw value: what a validation says never shows a secret a provider resolved.
std::string Redact(std::string text, const ConfigMap& raw, const ConfigMap& resolved) {
  for (const auto& [key, value] : raw) {
    if (!config::HasConfigVariables(value)) continue;
    auto r = resolved.find(key);
    if (r == resolved.end() || r->second.empty() || r->second == value) continue;
    text = absl::StrReplaceAll(text, {{r->second, value}});
  }
  return text;
}

}  // namespace

absl::StatusOr<ValidatedConfig> ValidateConnectorConfig(plugins::PluginRegistry& registry,
                                                        const config::WorkerConfig& worker,
                                                        const ConfigMap& config,
                                                        const std::set<std::string>& null_keys) {
  if (worker.config_providers == nullptr) {
    return ValidateResolved(registry, worker, config, null_keys);
  }
  // As Kafka Connect validates: the config with its variables resolved. What is shown of it
  // keeps the variables.
  absl::StatusOr<ConfigMap> resolved = worker.config_providers->Transform(config);
  if (!resolved.ok()) return resolved.status();
  absl::StatusOr<ValidatedConfig> validated =
      ValidateResolved(registry, worker, *resolved, null_keys);
  if (!validated.ok()) {
    return absl::Status(validated.status().code(),
                        Redact(std::string(validated.status().message()), config, *resolved));
  }
  for (ValidationEntry& entry : validated->entries) {
    if (entry.value.value.has_value()) {
      auto raw = config.find(entry.value.name);
      if (raw != config.end() && config::HasConfigVariables(raw->second)) {
        entry.value.value = raw->second;
      }
    }
    for (std::string& error : entry.value.errors) error = Redact(error, config, *resolved);
  }
  return validated;
}

namespace {

absl::StatusOr<ValidatedConfig> ValidateResolved(plugins::PluginRegistry& registry,
                                                 const config::WorkerConfig& worker,
                                                 const ConfigMap& config,
                                                 const std::set<std::string>& null_keys) {
  auto cls = config.find("connector.class");
  if (cls == config.end() || absl::StripAsciiWhitespace(cls->second).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Connector config ", MapToString(config), " contains no connector type"));
  }
  std::string class_name(absl::StripAsciiWhitespace(cls->second));
  const plugins::ConnectorPlugin* plugin = registry.Find(class_name);
  if (plugin == nullptr) return absl::InternalError(registry.UnknownClassMessage(class_name));

  // The framework's keys, enriched with those of the transforms and predicates named.
  std::vector<ConfigKey> keys = FrameworkConfigDef(plugin->type).keys();
  std::vector<ClassKey> class_keys = {{"key.converter", "Converter", {}},
                                      {"value.converter", "Converter", {}},
                                      {"header.converter", "HeaderConverter", {}}};
  Enrich(config, /*transforms=*/true, keys, class_keys, registry);
  Enrich(config, /*transforms=*/false, keys, class_keys, registry);
  ConfigDef enriched;
  for (ConfigKey& k : keys) enriched.Define(std::move(k));
  std::vector<ConfigValueResult> results = enriched.Validate(config, null_keys);
  for (const ClassKey& k : class_keys) {
    if (ConfigValueResult* r = FindResult(results, k.name)) ValidateClassKey(registry, config, k, *r);
  }

  if (plugin->type == plugins::ConnectorType::kSink) {
    // SinkConnectorConfig.validate.
    auto blank = [&](const char* key) {
      auto it = config.find(key);
      return it == config.end() || absl::StripAsciiWhitespace(it->second).empty();
    };
    const bool has_topics = !blank("topics");
    const bool has_regex = !blank("topics.regex");
    auto add_error = [&](const char* key, const std::string& error) {
      if (ConfigValueResult* r = FindResult(results, key)) r->errors.push_back(error);
    };
    if (has_topics && has_regex) {
      const std::string e =
          "topics and topics.regex are mutually exclusive options, but both are set.";
      add_error("topics", e);
      add_error("topics.regex", e);
    }
    if (!has_topics && !has_regex) {
      const std::string e = "Must configure one of topics or topics.regex";
      add_error("topics", e);
      add_error("topics.regex", e);
    }
    std::string dlq;
    if (auto it = config.find("errors.deadletterqueue.topic.name"); it != config.end()) {
      dlq = std::string(absl::StripAsciiWhitespace(it->second));
    }
    if (has_regex && !dlq.empty()) {
      const std::string& regex = config.at("topics.regex");
      absl::StatusOr<transforms::JavaPattern> pattern = transforms::JavaPattern::Compile(regex);
      if (pattern.ok() && pattern->FullMatch(dlq)) {
        add_error("topics.regex",
                  absl::StrCat("The DLQ topic '", dlq,
                               "' may not be matched by the regex for the topics ('topics.regex=",
                               regex, "') consumed by the connector"));
      }
    }
    if (!dlq.empty() && has_topics) {
      std::vector<std::string> topics = config::ConfigList(config, "topics");
      if (std::find(topics.begin(), topics.end(), dlq) != topics.end()) {
        add_error("topics", absl::StrCat("The DLQ topic '", dlq,
                                         "' may not be included in the list of topics ('topics=[",
                                         absl::StrJoin(topics, ", "),
                                         "]') consumed by the connector"));
      }
    }
  }
  for (const std::string& key : null_keys) {
    if (ConfigValueResult* r = FindResult(results, key)) {
      r->value.reset();
      r->errors.push_back("Null value can not be supplied as the configuration value.");
    }
  }

  // The plugin's own keys and checks (Connector.config() and validate()). A key the plugin
  // defines again takes the framework key's place, with the plugin's definition and result.
  absl::StatusOr<std::vector<ConfigValueResult>> plugin_results =
      registry.Validate(*plugin, config);
  if (!plugin_results.ok()) return plugin_results.status();

  ValidatedConfig out;
  out.plugin = plugin;
  std::vector<ConfigKey> definitions = enriched.keys();
  for (const ConfigKey& key : plugin->config) {
    auto same = std::find_if(definitions.begin(), definitions.end(),
                             [&](const ConfigKey& k) { return k.name == key.name; });
    if (same != definitions.end()) {
      *same = key;
    } else {
      definitions.push_back(key);
    }
  }
  for (ConfigValueResult& r : *plugin_results) {
    if (null_keys.contains(r.name)) {
      r.value.reset();
      r.errors.push_back("Null value can not be supplied as the configuration value.");
    }
    if (ConfigValueResult* existing = FindResult(results, r.name)) {
      *existing = std::move(r);
    } else {
      results.push_back(std::move(r));
    }
  }
  // Values no definition names come first (a null given for an unknown key).
  for (const std::string& key : null_keys) {
    bool defined = std::any_of(definitions.begin(), definitions.end(),
                               [&](const ConfigKey& k) { return k.name == key; });
    if (defined) continue;
    ConfigValueResult r;
    r.name = key;
    r.errors.push_back("Null value can not be supplied as the configuration value.");
    out.error_count += 1;
    out.entries.push_back({std::nullopt, std::move(r)});
  }
  for (const ConfigKey& key : definitions) {
    if (key.group.has_value() &&
        std::find(out.groups.begin(), out.groups.end(), *key.group) == out.groups.end()) {
      out.groups.push_back(*key.group);
    }
    ValidationEntry entry;
    entry.definition = key;
    if (ConfigValueResult* r = FindResult(results, key.name)) {
      entry.value = *r;
    } else {
      entry.value.name = key.name;
    }
    out.error_count += static_cast<int>(entry.value.errors.size());
    out.entries.push_back(std::move(entry));
  }

  // Then the client overrides of the clients the connector uses, then the settings of the
  // converters the connector chooses itself (header, key, value), when their class is valid.
  if (absl::Status s = ValidateClientOverrideSettings(plugin->type, worker, config, null_keys, out);
      !s.ok()) {
    return s;
  }
  for (const auto& [property, type] : {std::pair{"header.converter", "header"},
                                       std::pair{"key.converter", "key"},
                                       std::pair{"value.converter", "value"}}) {
    auto it = config.find(property);
    if (it == config.end() || null_keys.contains(property)) continue;
    ConfigValueResult* r = FindResult(results, property);
    if (r == nullptr || !r->errors.empty()) continue;
    const ResolvedClass resolved = Resolve(registry, it->second);
    const ConfigDef* def = std::string_view(type) == "header"
                               ? HeaderConverterConfigDef(resolved.name)
                               : ConverterConfigDef(resolved.name);
    if (def != nullptr) ValidateConverterSettings(config, property, *def, type, out);
  }
  ValidateSandboxPolicy(registry, *plugin, config, out);
  ValidateSupervision(worker, config, out);
  return out;
}

}  // namespace

std::string InvalidConfigMessage(const ValidatedConfig& validated) {
  std::vector<std::string> errors;
  for (const ValidationEntry& e : validated.entries) {
    for (const std::string& m : e.value.errors) errors.push_back(m);
  }
  return absl::StrCat("Connector configuration is invalid and contains the following ",
                      validated.error_count, " error(s):\n", absl::StrJoin(errors, "\n"),
                      "\nYou can also find the above list of errors at the endpoint "
                      "`/connector-plugins/{connectorType}/config/validate`");
}

}  // namespace sluice::herder
