#include "server/transforms/has_header_key.h"

#include <utility>
#include <vector>

#include "server/transforms/builtins.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr char kName[] = "name";

}  // namespace

ConfigDef HasHeaderKeyConfigDef() {
  ConfigDef def;
  ConfigKey name;
  name.name = kName;
  name.type = ConfigType::kString;
  name.validator = validators::NonEmptyString();
  name.validator_doc = std::string(kNonEmptyStringValidatorDoc);
  name.importance = ConfigImportance::kMedium;
  name.documentation = "The header name.";
  def.Define(std::move(name));
  return def;
}

absl::StatusOr<std::unique_ptr<Predicate>> HasHeaderKey::Create(const ConfigMap& config) {
  static const ConfigDef* const kDef = new ConfigDef(HasHeaderKeyConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  return std::unique_ptr<Predicate>(new HasHeaderKey(parsed->GetString(kName)));
}

absl::StatusOr<bool> HasHeaderKey::Test(const ConnectRecord& record) {
  for (const Header& h : record.headers) {
    if (h.key == name_) return true;
  }
  return false;
}

std::vector<PredicateClass> HasHeaderKeyClasses() {
  PredicateClass c;
  c.class_name = std::string(kHasHeaderKeyClass);
  c.version = TransformsVersion();
  c.config = HasHeaderKeyConfigDef();
  c.create = &HasHeaderKey::Create;
  return {std::move(c)};
}

}  // namespace sluice::transforms
