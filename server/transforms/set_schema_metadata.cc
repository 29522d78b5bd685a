#include "server/transforms/set_schema_metadata.h"

#include <utility>
#include <variant>

#include "server/convert/connect_exception.h"
#include "server/transforms/builtins.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/requirements.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr std::string_view kPurpose = "updating schema metadata";
constexpr char kSchemaName[] = "schema.name";
constexpr char kSchemaVersion[] = "schema.version";

}  // namespace

ConfigDef SetSchemaMetadataConfigDef() {
  ConfigDef def;
  ConfigKey name;
  name.name = kSchemaName;
  name.type = ConfigType::kString;
  name.null_default = true;
  name.importance = ConfigImportance::kHigh;
  name.documentation = "Schema name to set.";
  def.Define(std::move(name));
  ConfigKey version;
  version.name = kSchemaVersion;
  version.type = ConfigType::kInt;
  version.null_default = true;
  version.importance = ConfigImportance::kHigh;
  version.documentation = "Schema version to set.";
  def.Define(std::move(version));
  def.Define(ReplaceNullWithDefaultConfigKey());
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> SetSchemaMetadata::Create(
    const ConfigMap& config, RecordPart part) {
  static const ConfigDef* const kDef = new ConfigDef(SetSchemaMetadataConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<SetSchemaMetadata> t(new SetSchemaMetadata(part));
  t->schema_name_ = parsed->GetOptionalString(kSchemaName);
  auto version = parsed->values().find(kSchemaVersion);
  if (version != parsed->values().end()) {
    if (const auto* v = std::get_if<int32_t>(&version->second)) t->schema_version_ = *v;
  }
  t->replace_null_with_default_ = parsed->GetBool(kReplaceNullWithDefaultConfig);
  if (!t->schema_name_ && !t->schema_version_) {
    return convert::ConfigError("Neither schema name nor version configured");
  }
  return std::unique_ptr<Transformation>(std::move(t));
}

absl::StatusOr<bool> SetSchemaMetadata::Apply(ConnectRecord& record) {
  SchemaPtr& schema = PartSchema(record, part_);
  Value& value = PartValue(record, part_);
  if (value.is_null() && schema == nullptr) return true;
  absl::Status required = RequireSchema(schema.get(), kPurpose);
  if (!required.ok()) return required;
  absl::StatusOr<SchemaPtr> updated = UpdatedSchema(*schema);
  if (!updated.ok()) return updated.status();
  if (value.kind() == Value::Kind::kStruct) {
    // updateSchemaIn: the same field values under the updated schema (which has the same fields).
    const Struct& in = value.struct_value();
    Struct out(*updated);
    for (const Field& field : (*updated)->fields()) {
      if (static_cast<size_t>(field.index) >= in.values().size()) break;
      absl::Status put = PutField(out, field.name, GetField(in, field, replace_null_with_default_));
      if (!put.ok()) return put;
    }
    value = Value::FromStruct(std::move(out));
  }
  schema = *std::move(updated);
  return true;
}

absl::StatusOr<SchemaPtr> SetSchemaMetadata::UpdatedSchema(const Schema& schema) const {
  // Kafka builds the new ConnectSchema from the old one's fields(), which only a STRUCT has.
  absl::Status fields = RequireFields(schema);
  if (!fields.ok()) return fields;
  SchemaBuilder builder = SchemaBuilder::Struct();
  if (schema.optional()) builder.Optional();
  const std::string& name = schema_name_ ? *schema_name_ : schema.name();
  if (!name.empty()) builder.Name(name);
  if (schema_version_) {
    builder.Version(*schema_version_);
  } else if (schema.version()) {
    builder.Version(*schema.version());
  }
  if (!schema.doc().empty()) builder.Doc(schema.doc());
  for (const auto& [k, v] : schema.parameters()) builder.Parameter(k, v);
  for (const Field& field : schema.fields()) builder.Field(field.name, field.schema);
  absl::StatusOr<SchemaPtr> without_default = BuildSchema(builder);
  if (!without_default.ok() || schema.default_value() == nullptr) return without_default;
  // Kafka keeps the default Struct as it is, under the old schema. Sluice's schemas check that
  // a default fits them, so the default's values move to the updated schema too; a converter
  // writes the same default either way.
  const Value& old_default = *schema.default_value();
  if (old_default.kind() != Value::Kind::kStruct) {
    builder.Default(old_default);
    return BuildSchema(builder);
  }
  Struct moved(*without_default);
  for (const Field& field : (*without_default)->fields()) {
    if (static_cast<size_t>(field.index) >= old_default.struct_value().values().size()) break;
    absl::Status put =
        PutField(moved, field.name, old_default.struct_value().values()[static_cast<size_t>(field.index)]);
    if (!put.ok()) return put;
  }
  builder.Default(Value::FromStruct(std::move(moved)));
  return BuildSchema(builder);
}

std::vector<TransformationClass> SetSchemaMetadataClasses() {
  return KeyValueClasses(kSetSchemaMetadataClass, SetSchemaMetadataConfigDef(),
                         &SetSchemaMetadata::Create);
}

}  // namespace sluice::transforms
