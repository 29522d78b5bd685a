// RegexRouter (org.apache.kafka.connect.transforms.RegexRouter) and the TopicNameMatches
// predicate: Java regexes on topic names, run by RE2 (server/transforms/java_regex.h).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/transforms/builtins.h"
#include "server/transforms/java_regex.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

class RegexRouter final : public Transformation {
 public:
  RegexRouter(JavaPattern regex, std::string replacement)
      : regex_(std::move(regex)), replacement_(std::move(replacement)) {}

  absl::StatusOr<bool> Apply(ConnectRecord& record) override {
    if (!regex_.FullMatch(record.topic)) return true;
    absl::StatusOr<std::string> topic = regex_.ReplaceFirst(record.topic, replacement_);
    if (!topic.ok()) return topic.status();
    record.topic = *std::move(topic);
    return true;
  }

 private:
  const JavaPattern regex_;
  const std::string replacement_;
};

ConfigDef RegexRouterConfigDef() {
  ConfigDef def;
  def.Define({.name = "regex",
              .type = ConfigType::kString,
              .validator = JavaRegexValidator(),
              .validator_doc = std::string(kJavaRegexValidatorDoc),
              .importance = ConfigImportance::kHigh,
              .documentation = "Regular expression to use for matching."});
  def.Define({.name = "replacement",
              .type = ConfigType::kString,
              .importance = ConfigImportance::kHigh,
              .documentation = "Replacement string."});
  return def;
}

class TopicNameMatches final : public Predicate {
 public:
  explicit TopicNameMatches(JavaPattern pattern) : pattern_(std::move(pattern)) {}

  absl::StatusOr<bool> Test(const ConnectRecord& record) override {
    return pattern_.FullMatch(record.topic);
  }

 private:
  const JavaPattern pattern_;
};

ConfigDef TopicNameMatchesConfigDef() {
  ConfigDef def;
  ConfigValidator non_empty = validators::NonEmptyString();
  ConfigValidator regex = JavaRegexValidator();
  def.Define({.name = "pattern",
              .type = ConfigType::kString,
              // ConfigDef.CompositeValidator: the first failure wins.
              .validator = [non_empty, regex](const std::string& name,
                                              const ConfigValue& value) -> absl::Status {
                absl::Status s = non_empty(name, value);
                if (!s.ok()) return s;
                return regex(name, value);
              },
              .validator_doc = "non-empty string, " + std::string(kJavaRegexValidatorDoc),
              .importance = ConfigImportance::kMedium,
              .documentation =
                  "A Java regular expression for matching against the name of a record's topic."});
  return def;
}

}  // namespace

std::vector<TransformationClass> RegexRouterClasses() {
  TransformationClass c;
  c.class_name = "org.apache.kafka.connect.transforms.RegexRouter";
  c.version = SLUICE_TRANSFORMS_VERSION;
  c.config = RegexRouterConfigDef();
  c.create = [](const ConfigMap& props) -> absl::StatusOr<std::unique_ptr<Transformation>> {
    absl::StatusOr<ParsedConfig> config = ParseTransformConfig(RegexRouterConfigDef(), props);
    if (!config.ok()) return config.status();
    absl::StatusOr<JavaPattern> regex = JavaPattern::Compile(config->GetString("regex"));
    if (!regex.ok()) return convert::ConfigError(Sv(regex.status().message()));
    return std::unique_ptr<Transformation>(
        new RegexRouter(*std::move(regex), config->GetString("replacement")));
  };
  return {std::move(c)};
}

std::vector<PredicateClass> TopicNameMatchesClasses() {
  PredicateClass c;
  c.class_name = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches";
  c.version = SLUICE_TRANSFORMS_VERSION;
  c.config = TopicNameMatchesConfigDef();
  c.create = [](const ConfigMap& props) -> absl::StatusOr<std::unique_ptr<Predicate>> {
    absl::StatusOr<ParsedConfig> config = ParseTransformConfig(TopicNameMatchesConfigDef(), props);
    if (!config.ok()) return config.status();
    const std::string value = config->GetString("pattern");
    absl::StatusOr<JavaPattern> pattern = JavaPattern::Compile(value);
    if (!pattern.ok()) {
      return convert::ConfigError(
          absl::StrCat("Invalid value ", value, " for configuration pattern: entry must be a "
                       "Java-compatible regular expression: ",
                       pattern.status().message()));
    }
    return std::unique_ptr<Predicate>(new TopicNameMatches(*std::move(pattern)));
  };
  return {std::move(c)};
}

}  // namespace sluice::transforms
