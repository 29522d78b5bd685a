#include "server/transforms/extract_field.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/transforms/builtins.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/requirements.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr std::string_view kPurpose = "field extraction";
constexpr char kField[] = "field";

}  // namespace

ConfigDef ExtractFieldConfigDef() {
  ConfigDef def;
  ConfigKey field;
  field.name = kField;
  field.type = ConfigType::kString;
  field.importance = ConfigImportance::kMedium;
  field.documentation = "Field name to extract.";
  def.Define(std::move(field));
  def.Define(ReplaceNullWithDefaultConfigKey());
  def.Define(FieldSyntaxVersionConfigKey());
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> ExtractField::Create(const ConfigMap& config,
                                                                    RecordPart part) {
  static const ConfigDef* const kDef = new ConfigDef(ExtractFieldConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  std::string original = parsed->GetString(kField);
  absl::StatusOr<SingleFieldPath> path =
      SingleFieldPath::Parse(original, FieldSyntaxVersionFrom(*parsed));
  if (!path.ok()) return path.status();
  return std::unique_ptr<Transformation>(
      new ExtractField(part, std::move(original), *std::move(path),
                       parsed->GetBool(kReplaceNullWithDefaultConfig)));
}

absl::StatusOr<bool> ExtractField::Apply(ConnectRecord& record) {
  SchemaPtr& schema = PartSchema(record, part_);
  Value& value = PartValue(record, part_);
  if (schema == nullptr) {
    if (value.is_null()) return true;
    absl::StatusOr<const std::vector<MapEntry>*> map = RequireMap(value, kPurpose);
    if (!map.ok()) return map.status();
    absl::StatusOr<Value> extracted = path_.ValueFrom(**map);
    if (!extracted.ok()) return extracted.status();
    value = *std::move(extracted);
    return true;
  }
  const Struct* in = nullptr;
  if (!value.is_null()) {
    absl::StatusOr<const Struct*> s = RequireStruct(value, kPurpose);
    if (!s.ok()) return s.status();
    in = *s;
  }
  absl::StatusOr<const Field*> field = path_.FieldFrom(*schema);
  if (!field.ok()) return field.status();
  if (*field == nullptr) {
    return JavaRuntimeError(kIllegalArgumentExceptionClass,
                            absl::StrCat("Unknown field: ", original_path_));
  }
  Value extracted;
  if (in != nullptr) {
    absl::StatusOr<Value> v = path_.ValueFrom(*in, replace_null_with_default_);
    if (!v.ok()) return v.status();
    extracted = *std::move(v);
  }
  SchemaPtr field_schema = (*field)->schema;
  schema = std::move(field_schema);
  value = std::move(extracted);
  return true;
}

std::vector<TransformationClass> ExtractFieldClasses() {
  return KeyValueClasses(kExtractFieldClass, ExtractFieldConfigDef(), &ExtractField::Create);
}

}  // namespace sluice::transforms
