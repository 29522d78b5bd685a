#include "server/herder/connector_config.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"
#include "server/convert/converter.h"

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

ConfigValueResult* FindResult(std::vector<ConfigValueResult>& results, std::string_view name) {
  for (ConfigValueResult& r : results) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// Aliases listed in a LIST value, trimmed, empty entries dropped (Kafka Connect's list parsing).
std::vector<std::string> Aliases(const ConfigMap& config, const std::string& key) {
  std::vector<std::string> out;
  auto it = config.find(key);
  if (it == config.end()) return out;
  for (absl::string_view a : absl::StrSplit(it->second, ',')) {
    a = absl::StripAsciiWhitespace(a);
    if (!a.empty()) out.emplace_back(a);
  }
  return out;
}

// Kafka Connect's ConnectorConfig.enrich for `transforms` or `predicates`: each alias gets a
// required `<kind>s.<alias>.type` class key in its own group "<Group>: <alias>". Sluice has no
// transformation or predicate classes yet, so a given type is always a class that cannot be
// found, which is what Kafka Connect says of a class it does not have. Duplicate aliases are an
// error on the list key, as in Kafka Connect.
void ValidateAliases(const ConfigMap& config, const std::string& list_key,
                     const std::string& group, const std::string& kind,
                     const std::string& display_kind, ValidatedConfig& out) {
  std::vector<std::string> aliases = Aliases(config, list_key);
  std::set<std::string> unique(aliases.begin(), aliases.end());
  if (unique.size() != aliases.size()) {
    if (ConfigValueResult* r = FindResult(out.results, list_key)) {
      r->errors.push_back(absl::StrCat("Invalid value [", absl::StrJoin(aliases, ", "),
                                       "] for configuration ", list_key,
                                       ": Duplicate alias provided."));
    }
  }
  std::set<std::string> seen;
  for (const std::string& alias : aliases) {
    if (!seen.insert(alias).second) continue;
    const std::string type_key = absl::StrCat(list_key, ".", alias, ".type");
    ConfigKey key = Key(type_key, ConfigType::kClass, std::nullopt, kHigh,
                        absl::StrCat("Class for the '", alias, "' ", kind, "."),
                        absl::StrCat(group, ": ", alias), 0, ConfigWidth::kLong,
                        absl::StrCat(display_kind, " type for ", alias));
    out.definitions.push_back(key);
    ConfigValueResult result;
    result.name = type_key;
    auto it = config.find(type_key);
    if (it == config.end()) {
      result.errors.push_back(absl::StrCat("Missing required configuration \"", type_key,
                                           "\" which has no default value."));
    } else {
      const std::string cls(absl::StripAsciiWhitespace(it->second));
      result.value = it->second;
      result.errors.push_back(absl::StrCat("Invalid value ", cls, " for configuration ",
                                           type_key, ": Class ", cls, " could not be found."));
    }
    out.results.push_back(std::move(result));
  }
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
                 "the connector.",
                 "Common", 4, ConfigWidth::kShort, "Enforce tasks max"));
  def.Define(NullDefault(Key("key.converter", ConfigType::kClass, std::nullopt, kLow,
                             "Converter class used to convert between Kafka Connect format and "
                             "the serialized form that is written to Kafka.",
                             "Common", 5, ConfigWidth::kShort, "Key converter class")));
  def.Define(NullDefault(Key("value.converter", ConfigType::kClass, std::nullopt, kLow,
                             "Converter class used to convert between Kafka Connect format and "
                             "the serialized form that is written to Kafka.",
                             "Common", 6, ConfigWidth::kShort, "Value converter class")));
  def.Define(NullDefault(Key("header.converter", ConfigType::kClass, std::nullopt, kLow,
                             "HeaderConverter class used to convert between Kafka Connect format "
                             "and the serialized form that is written to Kafka.",
                             "Common", 7, ConfigWidth::kShort, "Header converter class")));
  def.Define(Key("transforms", ConfigType::kList, "", kLow,
                 "Aliases for the transformations to be applied to records.", "Transforms", 8,
                 ConfigWidth::kLong, "Transforms"));
  def.Define(Key("predicates", ConfigType::kList, "", kLow,
                 "Aliases for the predicates used by transformations.", "Predicates", 9,
                 ConfigWidth::kLong, "Predicates"));
  ConfigKey reload = Key("config.action.reload", ConfigType::kString, "restart", kLow,
                         "The action that Connect should take on the connector when changes in "
                         "external configuration providers result in a change in the connector's "
                         "configuration properties.",
                         "Common", 10, ConfigWidth::kMedium, "Reload Action");
  reload.validator = validators::OneOf({"none", "restart"}, /*ignore_case=*/true);
  def.Define(reload);
  def.Define(Key("errors.retry.timeout", ConfigType::kLong, "0", kMedium,
                 "The maximum duration in milliseconds that a failed operation will be "
                 "reattempted. The default is 0, which means no retries will be attempted. Use "
                 "-1 for infinite retries.",
                 "Error Handling", 1, ConfigWidth::kMedium, "Retry Timeout for Errors"));
  def.Define(Key("errors.retry.delay.max.ms", ConfigType::kLong, "60000", kMedium,
                 "The maximum duration in milliseconds between consecutive retry attempts.",
                 "Error Handling", 2, ConfigWidth::kMedium, "Maximum Delay Between Retries for "
                                                            "Errors"));
  ConfigKey tolerance = Key("errors.tolerance", ConfigType::kString, "none", kMedium,
                            "Behavior for tolerating errors during connector operation. 'none' is "
                            "the default value and signals that any error will result in an "
                            "immediate connector task failure; 'all' changes the behavior to skip "
                            "over problematic records.",
                            "Error Handling", 3, ConfigWidth::kShort, "Error Tolerance");
  tolerance.validator = validators::OneOf({"none", "all"}, /*ignore_case=*/true);
  def.Define(tolerance);
  def.Define(Key("errors.log.enable", ConfigType::kBoolean, "false", kMedium,
                 "If true, write each error and the details of the failed operation and "
                 "problematic record to the Connect application log.",
                 "Error Handling", 4, ConfigWidth::kShort, "Log Errors"));
  def.Define(Key("errors.log.include.messages", ConfigType::kBoolean, "false", kMedium,
                 "Whether to include in the log the Connect record that resulted in a failure.",
                 "Error Handling", 5, ConfigWidth::kShort, "Log Error Details"));
  if (type == plugins::ConnectorType::kSink) {
    def.Define(Key("topics", ConfigType::kList, "", kHigh,
                   "List of topics to consume, separated by commas", "Common", 4,
                   ConfigWidth::kLong, "Topics"));
    def.Define(Key("topics.regex", ConfigType::kString, "", kHigh,
                   "Regular expression giving topics to consume. Under the hood, the regex is "
                   "compiled to a java.util.regex.Pattern. Only one of topics or topics.regex "
                   "should be specified.",
                   "Common", 4, ConfigWidth::kLong, "Topics regex"));
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
                   "If true, add headers containing error context to the messages written to "
                   "the dead letter queue. To avoid clashing with headers from the original "
                   "record, all error context header keys, all error context header keys will "
                   "start with __connect.errors.",
                   "Error Handling", 8, ConfigWidth::kMedium,
                   "Enable Error Context Headers"));
  } else {
    def.Define(Key("topic.creation.groups", ConfigType::kList, "", kLow,
                   "Groups of configurations for topics created by source connectors",
                   "Topic Creation", 1, ConfigWidth::kLong, "Topic Creation Groups"));
    ConfigKey eos = Key("exactly.once.support", ConfigType::kString, "requested", kMedium,
                        "Permitted values are requested, required. If set to \"required\", "
                        "forces a preflight check for the connector to ensure that it can "
                        "provide exactly-once semantics with the given configuration.",
                        "Exactly Once Support", 2, ConfigWidth::kShort, "Exactly once support");
    eos.validator = validators::OneOf({"requested", "required"}, /*ignore_case=*/true);
    def.Define(eos);
    ConfigKey boundary = Key("transaction.boundary", ConfigType::kString, "poll", kMedium,
                             "Permitted values are: poll, interval, connector.",
                             "Exactly Once Support", 3, ConfigWidth::kShort,
                             "Transaction Boundary");
    boundary.validator = validators::OneOf({"poll", "interval", "connector"}, true);
    def.Define(boundary);
    def.Define(NullDefault(Key("transaction.boundary.interval.ms", ConfigType::kLong,
                               std::nullopt, kLow,
                               "If 'transaction.boundary' is set to 'interval', determines the "
                               "interval for producer transaction commits by connector tasks.",
                               "Exactly Once Support", 4, ConfigWidth::kShort,
                               "Transaction boundary interval")));
    def.Define(NullDefault(Key("offsets.storage.topic", ConfigType::kString, std::nullopt, kLow,
                               "The name of a separate offsets topic to use for this connector.",
                               "offsets.topic", 1, ConfigWidth::kLong,
                               "Offsets topic")));
  }
  return def;
}

absl::StatusOr<ValidatedConfig> ValidateConnectorConfig(plugins::PluginRegistry& registry,
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

  ValidatedConfig out;
  out.plugin = plugin;
  ConfigDef framework = FrameworkConfigDef(plugin->type);
  out.definitions = framework.keys();
  out.results = framework.Validate(config);

  for (const char* converter_key : {"key.converter", "value.converter"}) {
    auto it = config.find(converter_key);
    if (it == config.end() || it->second.empty()) continue;
    bool known = false;
    for (const convert::ConverterClass& c : convert::BuiltinConverters()) {
      known = known || c.class_name == it->second ||
              std::find(c.aliases.begin(), c.aliases.end(), it->second) != c.aliases.end();
    }
    if (!known) {
      if (ConfigValueResult* r = FindResult(out.results, converter_key)) {
        r->errors.push_back(absl::StrCat("Invalid value ", it->second, " for configuration ",
                                         converter_key, ": Class ", it->second,
                                         " could not be found."));
      }
    }
  }

  ValidateAliases(config, "transforms", "Transforms", "transformation", "Transformation", out);
  ValidateAliases(config, "predicates", "Predicates", "predicate", "Predicate", out);

  if (plugin->type == plugins::ConnectorType::kSink) {
    auto non_empty = [&](const char* key) {
      auto it = config.find(key);
      return it != config.end() && !absl::StripAsciiWhitespace(it->second).empty();
    };
    bool has_topics = non_empty("topics");
    bool has_regex = non_empty("topics.regex");
    std::string error;
    if (has_topics && has_regex) {
      error = "topics and topics.regex are mutually exclusive options, but both are set.";
    } else if (!has_topics && !has_regex) {
      error = "Must configure one of topics or topics.regex";
    }
    if (!error.empty()) {
      for (const char* key : {"topics", "topics.regex"}) {
        if (ConfigValueResult* r = FindResult(out.results, key)) r->errors.push_back(error);
      }
    }
    if (has_regex) {
      RE2 re(config.at("topics.regex"), RE2::Quiet);
      if (!re.ok()) {
        if (ConfigValueResult* r = FindResult(out.results, "topics.regex")) {
          r->errors.push_back(absl::StrCat("Invalid value ", config.at("topics.regex"),
                                           " for configuration topics.regex: ", re.error()));
        }
      }
    }
  }

  absl::StatusOr<std::vector<ConfigValueResult>> plugin_results = registry.Validate(*plugin, config);
  if (!plugin_results.ok()) return plugin_results.status();
  for (const ConfigKey& key : plugin->config) {
    if (framework.Find(key.name) == nullptr) out.definitions.push_back(key);
  }
  for (ConfigValueResult& r : *plugin_results) {
    if (ConfigValueResult* existing = FindResult(out.results, r.name)) {
      // A plugin that redefines a framework key adds its errors to the framework's entry.
      for (std::string& e : r.errors) existing->errors.push_back(std::move(e));
    } else {
      out.results.push_back(std::move(r));
    }
  }
  for (const std::string& key : null_keys) {
    if (ConfigValueResult* r = FindResult(out.results, key)) {
      r->value.reset();
      r->errors = {"Null value can not be supplied as the configuration value."};
    }
  }
  for (const ConfigValueResult& r : out.results) out.error_count += static_cast<int>(r.errors.size());
  return out;
}

std::string InvalidConfigMessage(const ValidatedConfig& validated) {
  std::vector<std::string> errors;
  for (const ConfigValueResult& r : validated.results) {
    for (const std::string& e : r.errors) errors.push_back(e);
  }
  return absl::StrCat("Connector configuration is invalid and contains the following ",
                      errors.size(), " error(s):\n", absl::StrJoin(errors, "\n"),
                      "\nYou can also find the above list of errors at the endpoint "
                      "`/connector-plugins/{connectorType}/config/validate`");
}

}  // namespace sluice::herder
