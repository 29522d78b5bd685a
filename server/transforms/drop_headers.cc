#include "server/transforms/drop_headers.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "server/transforms/builtins.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr char kHeaders[] = "headers";

}  // namespace

ConfigDef DropHeadersConfigDef() {
  ConfigDef def;
  ConfigKey headers;
  headers.name = kHeaders;
  headers.type = ConfigType::kList;
  headers.validator = NonEmptyListValidator();
  headers.validator_doc = std::string(kNonEmptyListValidatorDoc);
  headers.importance = ConfigImportance::kHigh;
  headers.documentation = "The name of the headers to be removed.";
  def.Define(std::move(headers));
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> DropHeaders::Create(const ConfigMap& config) {
  static const ConfigDef* const kDef = new ConfigDef(DropHeadersConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  std::vector<std::string> headers = parsed->GetList(kHeaders);
  return std::unique_ptr<Transformation>(
      new DropHeaders(std::set<std::string>(headers.begin(), headers.end())));
}

absl::StatusOr<bool> DropHeaders::Apply(ConnectRecord& record) {
  record.headers.erase(std::remove_if(record.headers.begin(), record.headers.end(),
                                      [this](const Header& h) { return headers_.count(h.key) != 0; }),
                       record.headers.end());
  return true;
}

std::vector<TransformationClass> DropHeadersClasses() {
  TransformationClass c;
  c.class_name = std::string(kDropHeadersClass);
  c.version = TransformsVersion();
  c.config = DropHeadersConfigDef();
  c.create = &DropHeaders::Create;
  return {std::move(c)};
}

}  // namespace sluice::transforms
