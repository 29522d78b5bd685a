#include "server/config/connector_config.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sluice::config {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

const std::string* Find(const ConfigMap& config, const std::string& key) {
  auto it = config.find(key);
  return it == config.end() ? nullptr : &it->second;
}

absl::Status Invalid(const std::string& key, const std::string& value, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("Invalid value ", value, " for configuration ", key, ": ", Av(why)));
}

// Kafka's ConfigDef.parseType for BOOLEAN (trimmed, case-insensitive).
absl::StatusOr<bool> Bool(const ConfigMap& config, const std::string& key, bool fallback) {
  const std::string* v = Find(config, key);
  if (v == nullptr) return fallback;
  const std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(*v));
  if (t == "true") return true;
  if (t == "false") return false;
  return Invalid(key, *v, "Expected value to be either true or false");
}

template <typename T>
absl::StatusOr<T> Integer(const ConfigMap& config, const std::string& key, T fallback,
                          std::string_view type_name) {
  const std::string* v = Find(config, key);
  if (v == nullptr) return fallback;
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(*v), &parsed) ||
      parsed < std::numeric_limits<T>::min() || parsed > std::numeric_limits<T>::max()) {
    return Invalid(key, *v, absl::StrCat("Not a number of type ", Av(type_name)));
  }
  return static_cast<T>(parsed);
}

absl::StatusOr<std::optional<ConverterOverride>> Converter(const ConfigMap& config,
                                                           const std::string& key) {
  const std::string* v = Find(config, key);
  if (v == nullptr || absl::StripAsciiWhitespace(*v).empty()) return std::nullopt;
  return ConverterOverride{std::string(absl::StripAsciiWhitespace(*v)),
                           ConfigWithPrefix(config, key + ".")};
}

absl::Status ParseErrors(const ConfigMap& raw, ErrorHandlingConfig& errors) {
  absl::StatusOr<int64_t> retry = Integer<int64_t>(raw, "errors.retry.timeout", 0, "LONG");
  if (!retry.ok()) return retry.status();
  errors.retry_timeout = *retry < 0 ? absl::InfiniteDuration() : absl::Milliseconds(*retry);
  absl::StatusOr<int64_t> delay =
      Integer<int64_t>(raw, "errors.retry.delay.max.ms", 60000, "LONG");
  if (!delay.ok()) return delay.status();
  errors.retry_delay_max = absl::Milliseconds(std::max<int64_t>(0, *delay));
  if (const std::string* t = Find(raw, "errors.tolerance")) {
    const std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(*t));
    if (v == "all") {
      errors.tolerance = ErrorTolerance::kAll;
    } else if (v == "none") {
      errors.tolerance = ErrorTolerance::kNone;
    } else {
      return Invalid("errors.tolerance", *t, "String must be one of: none, all");
    }
  }
  absl::StatusOr<bool> log = Bool(raw, "errors.log.enable", false);
  if (!log.ok()) return log.status();
  errors.log_enable = *log;
  absl::StatusOr<bool> messages = Bool(raw, "errors.log.include.messages", false);
  if (!messages.ok()) return messages.status();
  errors.log_include_messages = *messages;
  if (const std::string* t = Find(raw, "errors.deadletterqueue.topic.name")) {
    errors.dlq_topic = std::string(absl::StripAsciiWhitespace(*t));
  }
  absl::StatusOr<int16_t> rf =
      Integer<int16_t>(raw, "errors.deadletterqueue.topic.replication.factor", 3, "SHORT");
  if (!rf.ok()) return rf.status();
  errors.dlq_replication_factor = *rf;
  absl::StatusOr<bool> headers = Bool(raw, "errors.deadletterqueue.context.headers.enable", false);
  if (!headers.ok()) return headers.status();
  errors.dlq_context_headers = *headers;
  return absl::OkStatus();
}

// Kafka Connect's topic creation groups (TopicCreationConfig): the listed groups in order, then
// "default", which every topic falls into.
absl::Status ParseTopicCreation(const ConfigMap& raw, std::vector<TopicCreationGroup>& out) {
  constexpr absl::string_view kPrefix = "topic.creation.";
  TopicCreationGroup def;
  def.name = "default";
  def.include = {".*"};
  absl::StatusOr<int32_t> partitions =
      Integer<int32_t>(raw, "topic.creation.default.partitions", -1, "INT");
  if (!partitions.ok()) return partitions.status();
  def.partitions = *partitions;
  absl::StatusOr<int16_t> rf =
      Integer<int16_t>(raw, "topic.creation.default.replication.factor", -1, "SHORT");
  if (!rf.ok()) return rf.status();
  def.replication_factor = *rf;

  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const std::string& g : ConfigList(raw, "topic.creation.groups")) {
    // "default" is implicit and stripped if listed.
    if (g != "default" && seen.insert(g).second) names.push_back(g);
  }
  auto topic_configs = [&](const std::string& group) {
    ConfigMap configs = ConfigWithPrefix(raw, absl::StrCat(kPrefix, group, "."));
    for (const char* k : {"include", "exclude", "partitions", "replication.factor"}) {
      configs.erase(k);
    }
    return configs;
  };
  def.topic_configs = topic_configs("default");
  for (const std::string& name : names) {
    TopicCreationGroup g;
    g.name = name;
    const std::string prefix = absl::StrCat(kPrefix, name, ".");
    g.include = ConfigList(raw, prefix + "include");
    g.exclude = ConfigList(raw, prefix + "exclude");
    absl::StatusOr<int32_t> p = Integer<int32_t>(raw, prefix + "partitions", def.partitions, "INT");
    if (!p.ok()) return p.status();
    g.partitions = *p;
    absl::StatusOr<int16_t> r =
        Integer<int16_t>(raw, prefix + "replication.factor", def.replication_factor, "SHORT");
    if (!r.ok()) return r.status();
    g.replication_factor = *r;
    // A group's topic configs default to the default group's.
    g.topic_configs = def.topic_configs;
    for (auto& [k, v] : topic_configs(name)) g.topic_configs[k] = v;
    out.push_back(std::move(g));
  }
  out.push_back(std::move(def));
  return absl::OkStatus();
}

}  // namespace

std::string_view ConnectorTypeName(ConnectorType type) {
  return type == ConnectorType::kSource ? "source" : "sink";
}

std::vector<std::string> ConfigList(const ConfigMap& config, const std::string& key) {
  std::vector<std::string> out;
  const std::string* v = Find(config, key);
  if (v == nullptr) return out;
  for (absl::string_view item : absl::StrSplit(*v, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

ConfigMap ConfigWithPrefix(const ConfigMap& config, std::string_view prefix) {
  ConfigMap out;
  for (auto it = config.lower_bound(std::string(prefix)); it != config.end(); ++it) {
    if (!absl::StartsWith(it->first, Av(prefix))) break;
    out[it->first.substr(prefix.size())] = it->second;
  }
  return out;
}

const PredicateSpec* ConnectorConfig::FindPredicate(std::string_view alias) const {
  for (const PredicateSpec& p : predicates) {
    if (p.alias == alias) return &p;
  }
  return nullptr;
}

absl::StatusOr<ConnectorConfig> ConnectorConfig::Parse(const ConfigMap& raw, ConnectorType type,
                                                       const WorkerConfig& worker) {
  ConnectorConfig c;
  c.raw = raw;
  c.type = type;
  if (const std::string* v = Find(raw, "name")) c.name = std::string(absl::StripAsciiWhitespace(*v));
  if (const std::string* v = Find(raw, "connector.class")) {
    c.connector_class = std::string(absl::StripAsciiWhitespace(*v));
  }
  absl::StatusOr<int32_t> tasks_max = Integer<int32_t>(raw, "tasks.max", 1, "INT");
  if (!tasks_max.ok()) return tasks_max.status();
  if (*tasks_max < 1) {
    return Invalid("tasks.max", raw.at("tasks.max"), "Value must be at least 1");
  }
  c.tasks_max = *tasks_max;
  absl::StatusOr<bool> enforce = Bool(raw, "tasks.max.enforce", true);
  if (!enforce.ok()) return enforce.status();
  c.tasks_max_enforce = *enforce;
  SupervisionErrors supervision_errors;
  c.supervision = ParseSupervision(raw, worker.watchdog, supervision_errors);
  if (!supervision_errors.empty()) {
    return absl::InvalidArgumentError(supervision_errors.begin()->second.front());
  }

  for (auto [key, target] : {std::pair{"key.converter", &c.key_converter},
                             std::pair{"value.converter", &c.value_converter},
                             std::pair{"header.converter", &c.header_converter}}) {
    absl::StatusOr<std::optional<ConverterOverride>> converter = Converter(raw, key);
    if (!converter.ok()) return converter.status();
    *target = *std::move(converter);
  }

  std::set<std::string> seen;
  for (const std::string& alias : ConfigList(raw, "transforms")) {
    if (!seen.insert(alias).second) continue;
    TransformSpec t;
    t.alias = alias;
    t.config = ConfigWithPrefix(raw, absl::StrCat("transforms.", alias, "."));
    if (auto it = t.config.find("type"); it != t.config.end()) {
      t.class_name = std::string(absl::StripAsciiWhitespace(it->second));
    }
    if (auto it = t.config.find("predicate"); it != t.config.end()) {
      t.predicate = std::string(absl::StripAsciiWhitespace(it->second));
    }
    absl::StatusOr<bool> negate = Bool(t.config, "negate", false);
    if (!negate.ok()) {
      return Invalid(absl::StrCat("transforms.", alias, ".negate"), t.config.at("negate"),
                     "Expected value to be either true or false");
    }
    t.negate = *negate;
    c.transforms.push_back(std::move(t));
  }
  seen.clear();
  for (const std::string& alias : ConfigList(raw, "predicates")) {
    if (!seen.insert(alias).second) continue;
    PredicateSpec p;
    p.alias = alias;
    p.config = ConfigWithPrefix(raw, absl::StrCat("predicates.", alias, "."));
    if (auto it = p.config.find("type"); it != p.config.end()) {
      p.class_name = std::string(absl::StripAsciiWhitespace(it->second));
    }
    c.predicates.push_back(std::move(p));
  }

  if (absl::Status s = ParseErrors(raw, c.errors); !s.ok()) return s;
  c.producer_overrides = ConfigWithPrefix(raw, "producer.override.");
  c.consumer_overrides = ConfigWithPrefix(raw, "consumer.override.");
  c.admin_overrides = ConfigWithPrefix(raw, "admin.override.");

  if (type == ConnectorType::kSink) {
    c.topics = ConfigList(raw, "topics");
    if (const std::string* v = Find(raw, "topics.regex")) {
      c.topics_regex = std::string(absl::StripAsciiWhitespace(*v));
    }
  } else {
    const bool any_creation_key = raw.lower_bound("topic.creation.") != raw.end() &&
                                  absl::StartsWith(raw.lower_bound("topic.creation.")->first,
                                                   "topic.creation.");
    if (worker.topic_creation_enable && any_creation_key) {
      if (absl::Status s = ParseTopicCreation(raw, c.topic_creation); !s.ok()) return s;
    }
  }
  return c;
}

}  // namespace sluice::config
