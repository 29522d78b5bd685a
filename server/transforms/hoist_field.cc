#include "server/transforms/hoist_field.h"

#include <utility>

#include "server/transforms/builtins.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr char kField[] = "field";

}  // namespace

ConfigDef HoistFieldConfigDef() {
  ConfigDef def;
  ConfigKey field;
  field.name = kField;
  field.type = ConfigType::kString;
  field.importance = ConfigImportance::kMedium;
  field.documentation =
      "Field name for the single field that will be created in the resulting Struct or Map.";
  def.Define(std::move(field));
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> HoistField::Create(const ConfigMap& config,
                                                                  RecordPart part) {
  static const ConfigDef* const kDef = new ConfigDef(HoistFieldConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  return std::unique_ptr<Transformation>(new HoistField(part, parsed->GetString(kField)));
}

absl::StatusOr<bool> HoistField::Apply(ConnectRecord& record) {
  SchemaPtr& schema = PartSchema(record, part_);
  Value& value = PartValue(record, part_);
  if (schema == nullptr) {
    // A new HashMap with one entry: nothing to order.
    value = Value::Map({MapEntry{Value::String(field_), std::move(value)}});
    return true;
  }
  SchemaPtr updated = schema_cache_.Get(schema);
  if (updated == nullptr) {
    StructSchemaBuilder builder(SchemaBuilder::Struct());
    builder.Field(field_, schema);
    absl::StatusOr<SchemaPtr> built = builder.Build();
    if (!built.ok()) return built.status();
    updated = *std::move(built);
    schema_cache_.Put(schema, updated);
  }
  Struct wrapped(updated);
  absl::Status put = PutField(wrapped, field_, value);
  if (!put.ok()) return put;
  schema = std::move(updated);
  value = Value::FromStruct(std::move(wrapped));
  return true;
}

std::vector<TransformationClass> HoistFieldClasses() {
  return KeyValueClasses(kHoistFieldClass, HoistFieldConfigDef(), &HoistField::Create);
}

}  // namespace sluice::transforms
