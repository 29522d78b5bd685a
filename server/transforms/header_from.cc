#include "server/transforms/header_from.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/transforms/builtins.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/map_entries_builder.h"
#include "server/transforms/requirements.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr char kFields[] = "fields";
constexpr char kHeaders[] = "headers";
constexpr char kOperation[] = "operation";
constexpr char kMove[] = "move";
constexpr char kCopy[] = "copy";

ConfigKey NonEmptyListKey(std::string name, std::string documentation) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = ConfigType::kList;
  key.validator = NonEmptyListValidator();
  key.validator_doc = std::string(kNonEmptyListValidatorDoc);
  key.importance = ConfigImportance::kHigh;
  key.documentation = std::move(documentation);
  return key;
}

}  // namespace

ConfigDef HeaderFromConfigDef() {
  ConfigDef def;
  def.Define(NonEmptyListKey(
      kFields, "Field names in the record whose values are to be copied or moved to headers."));
  def.Define(NonEmptyListKey(kHeaders,
                             "Header names, in the same order as the field names listed in the "
                             "fields configuration property."));
  ConfigKey operation;
  operation.name = kOperation;
  operation.type = ConfigType::kString;
  operation.validator = validators::OneOf({kMove, kCopy});
  operation.validator_doc = "[move, copy]";
  operation.importance = ConfigImportance::kHigh;
  operation.documentation =
      "Either <code>move</code> if the fields are to be moved to the headers (removed from the "
      "key/value), or <code>copy</code> if the fields are to be copied to the headers (retained "
      "in the key/value).";
  def.Define(std::move(operation));
  def.Define(ReplaceNullWithDefaultConfigKey());
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> HeaderFrom::Create(const ConfigMap& config,
                                                                  RecordPart part) {
  static const ConfigDef* const kDef = new ConfigDef(HeaderFromConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<HeaderFrom> t(new HeaderFrom(part));
  t->fields_ = parsed->GetList(kFields);
  t->headers_ = parsed->GetList(kHeaders);
  if (t->fields_.size() != t->headers_.size()) {
    return convert::ConfigError(
        "'fields' config must have the same number of elements as 'headers' config.");
  }
  t->move_ = parsed->GetString(kOperation) == kMove;
  t->replace_null_with_default_ = parsed->GetBool(kReplaceNullWithDefaultConfig);
  return std::unique_ptr<Transformation>(std::move(t));
}

bool HeaderFrom::Moves(const std::string& field) const {
  return std::find(fields_.begin(), fields_.end(), field) != fields_.end();
}

absl::StatusOr<bool> HeaderFrom::Apply(ConnectRecord& record) {
  absl::Status applied = PartSchema(record, part_) == nullptr ? ApplySchemaless(record)
                                                               : ApplyWithSchema(record);
  if (!applied.ok()) return applied;
  return true;
}

absl::Status HeaderFrom::ApplySchemaless(ConnectRecord& record) {
  Value& value = PartValue(record, part_);
  absl::StatusOr<const std::vector<MapEntry>*> map =
      RequireMap(value, absl::StrCat("header ", move_ ? kMove : kCopy));
  if (!map.ok()) return map.status();
  MapEntriesBuilder updated = MapEntriesBuilder::HashMapCopyOf(**map);
  std::vector<Header> headers = record.headers;
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Value* field_value = value.Find(fields_[i]);
    if (move_) updated.Remove(Value::String(fields_[i]));
    headers.push_back(Header{headers_[i], nullptr, field_value == nullptr ? Value() : *field_value});
  }
  value = Value::Map(std::move(updated).Finish());
  record.headers = std::move(headers);
  return absl::OkStatus();
}

absl::Status HeaderFrom::ApplyWithSchema(ConnectRecord& record) {
  SchemaPtr& schema = PartSchema(record, part_);
  Value& value = PartValue(record, part_);
  absl::StatusOr<const Struct*> struct_value =
      RequireStruct(value, absl::StrCat("header ", move_ ? kMove : kCopy));
  if (!struct_value.ok()) return struct_value.status();
  const Struct& in = **struct_value;
  SchemaPtr updated_schema = schema;
  Value updated_value = value;
  if (move_) {
    absl::StatusOr<SchemaPtr> moved = MoveSchema(schema);
    if (!moved.ok()) return moved.status();
    Struct out(*moved);
    for (const Field& field : (*moved)->fields()) {
      absl::StatusOr<Value> v = GetField(in, field.name, replace_null_with_default_);
      if (!v.ok()) return v.status();
      absl::Status put = PutField(out, field.name, *std::move(v));
      if (!put.ok()) return put;
    }
    updated_schema = *std::move(moved);
    updated_value = Value::FromStruct(std::move(out));
  }
  std::vector<Header> headers = record.headers;
  for (size_t i = 0; i < fields_.size(); ++i) {
    const std::string& field_name = fields_[i];
    const Field* in_field = in.schema()->FindField(field_name);
    Value field_value =
        in_field == nullptr ? Value() : GetField(in, *in_field, replace_null_with_default_);
    absl::StatusOr<const Field*> field = LookUpField(*schema, field_name);
    if (!field.ok()) return field.status();
    if (*field == nullptr) {
      return JavaRuntimeError(
          kNullPointerExceptionClass,
          "Cannot invoke \"org.apache.kafka.connect.data.Field.schema()\" because the return "
          "value of \"org.apache.kafka.connect.data.Schema.field(String)\" is null");
    }
    const SchemaPtr& field_schema = (*field)->schema;
    // ConnectHeaders.add checks the value against the schema.
    if (field_value.is_null() && !field_schema->optional()) {
      return convert::DataError(absl::StrCat("A null value requires an optional schema but was ",
                                             JavaSchemaText(*field_schema)));
    }
    headers.push_back(Header{headers_[i], field_schema, std::move(field_value)});
  }
  schema = std::move(updated_schema);
  value = std::move(updated_value);
  record.headers = std::move(headers);
  return absl::OkStatus();
}

absl::StatusOr<SchemaPtr> HeaderFrom::MoveSchema(const SchemaPtr& schema) {
  if (SchemaPtr cached = move_schema_cache_.Get(schema)) return cached;
  absl::Status fields = RequireFields(*schema);
  if (!fields.ok()) return fields;
  StructSchemaBuilder builder(CopySchemaBasics(*schema));
  for (const Field& field : schema->fields()) {
    if (!Moves(field.name)) builder.Field(field.name, field.schema);
  }
  absl::StatusOr<SchemaPtr> built = builder.Build();
  if (built.ok()) move_schema_cache_.Put(schema, *built);
  return built;
}

std::vector<TransformationClass> HeaderFromClasses() {
  return KeyValueClasses(kHeaderFromClass, HeaderFromConfigDef(), &HeaderFrom::Create);
}

}  // namespace sluice::transforms
