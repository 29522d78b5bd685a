#include "server/transforms/value_to_key.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_hash_map.h"
#include "server/transforms/builtins.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/map_entries_builder.h"
#include "server/transforms/requirements.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr std::string_view kPurpose = "copying fields from value to key";
constexpr char kFields[] = "fields";

}  // namespace

ConfigDef ValueToKeyConfigDef() {
  ConfigDef def;
  ConfigKey fields;
  fields.name = kFields;
  fields.type = ConfigType::kList;
  fields.validator = NonEmptyListValidator();
  fields.validator_doc = std::string(kNonEmptyListValidatorDoc);
  fields.importance = ConfigImportance::kHigh;
  fields.documentation = "Field names on the record value to extract as the record key.";
  def.Define(std::move(fields));
  def.Define(ReplaceNullWithDefaultConfigKey());
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> ValueToKey::Create(const ConfigMap& config) {
  static const ConfigDef* const kDef = new ConfigDef(ValueToKeyConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<ValueToKey> t(new ValueToKey());
  t->fields_ = parsed->GetList(kFields);
  t->replace_null_with_default_ = parsed->GetBool(kReplaceNullWithDefaultConfig);
  return std::unique_ptr<Transformation>(std::move(t));
}

absl::StatusOr<bool> ValueToKey::Apply(ConnectRecord& record) {
  if (record.value_schema == nullptr) {
    absl::StatusOr<const std::vector<MapEntry>*> value = RequireMap(record.value, kPurpose);
    if (!value.ok()) return value.status();
    MapEntriesBuilder key =
        MapEntriesBuilder::HashMap(convert::JavaHashMapCapacity::WithInitialCapacity(fields_.size()));
    for (const std::string& field : fields_) {
      const Value* v = record.value.Find(field);
      key.Put(Value::String(field), v == nullptr ? Value() : *v);
    }
    record.key_schema = nullptr;
    record.key = Value::Map(std::move(key).Finish());
    return true;
  }
  absl::StatusOr<const Struct*> value = RequireStruct(record.value, kPurpose);
  if (!value.ok()) return value.status();
  const Struct& in = **value;
  absl::StatusOr<SchemaPtr> key_schema = KeySchema(in.schema());
  if (!key_schema.ok()) return key_schema.status();
  Struct key(*key_schema);
  for (const std::string& field : fields_) {
    absl::StatusOr<Value> v = GetField(in, field, replace_null_with_default_);
    if (!v.ok()) return v.status();
    absl::Status put = PutField(key, field, *std::move(v));
    if (!put.ok()) return put;
  }
  record.key_schema = *key_schema;
  record.key = Value::FromStruct(std::move(key));
  // Kafka passes on the value with its Struct's own schema.
  record.value_schema = in.schema();
  return true;
}

absl::StatusOr<SchemaPtr> ValueToKey::KeySchema(const SchemaPtr& value_schema) {
  if (SchemaPtr cached = schema_cache_.Get(value_schema)) return cached;
  StructSchemaBuilder builder(SchemaBuilder::Struct());
  for (const std::string& field : fields_) {
    const Field* from_value = value_schema->FindField(field);
    if (from_value == nullptr) {
      return convert::DataError(absl::StrCat("Field does not exist: ", field));
    }
    builder.Field(field, from_value->schema);
    if (!builder.status().ok()) return builder.status();
  }
  absl::StatusOr<SchemaPtr> built = builder.Build();
  if (built.ok()) schema_cache_.Put(value_schema, *built);
  return built;
}

std::vector<TransformationClass> ValueToKeyClasses() {
  TransformationClass c;
  c.class_name = std::string(kValueToKeyClass);
  c.version = TransformsVersion();
  c.config = ValueToKeyConfigDef();
  c.create = &ValueToKey::Create;
  return {std::move(c)};
}

}  // namespace sluice::transforms
