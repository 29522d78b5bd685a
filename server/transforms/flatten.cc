#include "server/transforms/flatten.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"
#include "server/transforms/builtins.h"
#include "server/transforms/requirements.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr std::string_view kPurpose = "flattening";
constexpr char kDelimiter[] = "delimiter";

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The schema types Flatten copies as they are (the "primitives", BYTES and ARRAY).
bool IsLeafType(SchemaType type) {
  return type != SchemaType::kStruct && type != SchemaType::kMap;
}

absl::Status UnsupportedWithSchema(SchemaType type, std::string_view field) {
  return convert::DataError(absl::StrCat("Flatten transformation does not support ",
                                         Av(convert::JavaTypeName(type)),
                                         " for record with schemas (for field ", Av(field), ")."));
}

// SchemaUtil.copySchemaBasics of a leaf field's schema, made optional and given a default as
// its ancestors require.
absl::StatusOr<SchemaPtr> ConvertFieldSchema(const Schema& original, bool optional,
                                             const Value& default_value) {
  SchemaBuilder builder = CopySchemaBasics(original);
  if (optional) builder.Optional();
  if (!default_value.is_null()) builder.Default(default_value);
  return BuildSchema(builder);
}

}  // namespace

ConfigDef FlattenConfigDef() {
  ConfigDef def;
  ConfigKey delimiter;
  delimiter.name = kDelimiter;
  delimiter.type = ConfigType::kString;
  delimiter.default_value = ".";
  delimiter.importance = ConfigImportance::kMedium;
  delimiter.documentation =
      "Delimiter to insert between field names from the input record when generating field "
      "names for the output record";
  def.Define(std::move(delimiter));
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> Flatten::Create(const ConfigMap& config,
                                                               RecordPart part) {
  static const ConfigDef* const kDef = new ConfigDef(FlattenConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  return std::unique_ptr<Transformation>(new Flatten(part, parsed->GetString(kDelimiter)));
}

std::string Flatten::FieldName(const std::string& prefix, const std::string& name) const {
  return prefix.empty() ? name : absl::StrCat(prefix, delimiter_, name);
}

absl::StatusOr<bool> Flatten::Apply(ConnectRecord& record) {
  SchemaPtr& schema = PartSchema(record, part_);
  Value& value = PartValue(record, part_);
  if (value.is_null()) return true;
  if (schema == nullptr) {
    absl::StatusOr<const std::vector<MapEntry>*> map = RequireMap(value, kPurpose);
    if (!map.ok()) return map.status();
    MapEntriesBuilder out = MapEntriesBuilder::LinkedHashMap();
    absl::Status flattened = FlattenMap(**map, std::string(), out);
    if (!flattened.ok()) return flattened;
    value = Value::Map(std::move(out).Finish());
    return true;
  }
  absl::StatusOr<const Struct*> in = RequireStruct(value, kPurpose);
  if (!in.ok()) return in.status();
  absl::StatusOr<SchemaPtr> updated = UpdatedSchema(schema);
  if (!updated.ok()) return updated.status();
  Struct out(*updated);
  absl::Status put = PutFlatValues(**in, std::string(), out);
  if (!put.ok()) return put;
  schema = *std::move(updated);
  value = Value::FromStruct(std::move(out));
  return true;
}

absl::Status Flatten::FlattenMap(const std::vector<MapEntry>& map,
                                 const std::optional<std::string>& prefix,
                                 MapEntriesBuilder& out) const {
  for (const MapEntry& e : map) {
    // Flatten.fieldName(prefix, key), with Java's nulls: a null key at the top stays null, and
    // reads "null" when it is appended to a prefix.
    if (!e.key.is_null() && e.key.kind() != Value::Kind::kString) {
      return ClassCastToStringError(e.key);
    }
    if (!prefix.has_value()) {
      return JavaRuntimeError(kNullPointerExceptionClass,
                              "Cannot invoke \"String.isEmpty()\" because \"prefix\" is null");
    }
    std::optional<std::string> name;
    if (!e.key.is_null()) name = e.key.string();
    if (!prefix->empty()) name = absl::StrCat(*prefix, delimiter_, name ? *name : "null");
    const Value key = name ? Value::String(*name) : Value();
    const Value& v = e.value;
    switch (v.kind()) {
      case Value::Kind::kNull:
      case Value::Kind::kBoolean:
      case Value::Kind::kInt8:
      case Value::Kind::kInt16:
      case Value::Kind::kInt32:
      case Value::Kind::kInt64:
      case Value::Kind::kFloat32:
      case Value::Kind::kFloat64:
      case Value::Kind::kString:
      case Value::Kind::kBytes:
      case Value::Kind::kArray:
        out.Put(key, v);
        break;
      case Value::Kind::kMap: {
        absl::Status nested = FlattenMap(v.map(), name, out);
        if (!nested.ok()) return nested;
        break;
      }
      case Value::Kind::kStruct:
        return convert::DataError(absl::StrCat(
            "Flatten transformation does not support class org.apache.kafka.connect.data.Struct "
            "for record without schemas (for field ",
            name ? *name : "null", ")."));
      case Value::Kind::kTimestamp:
        // java.util.Date is no type of Connect's schemaless data.
        return convert::DataError(
            "Flatten transformation was passed a value of type class java.util.Date which is "
            "not supported by Connect's data API");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SchemaPtr> Flatten::UpdatedSchema(const SchemaPtr& schema) {
  if (SchemaPtr cached = schema_cache_.Get(schema)) return cached;
  absl::Status fields = RequireFields(*schema);
  if (!fields.ok()) return fields;
  StructSchemaBuilder builder(CopySchemaBasics(*schema));
  const Value no_default;
  absl::Status added =
      AddFlatFields(*schema, std::string(), schema->optional(),
                    schema->default_value() != nullptr ? *schema->default_value() : no_default,
                    builder);
  if (!added.ok()) return added;
  absl::StatusOr<SchemaPtr> built = builder.Build();
  if (built.ok()) schema_cache_.Put(schema, *built);
  return built;
}

absl::Status Flatten::AddFlatFields(const Schema& schema, const std::string& prefix,
                                    bool optional, const Value& default_from_parent,
                                    StructSchemaBuilder& out) const {
  for (const Field& field : schema.fields()) {
    const std::string name = FieldName(prefix, field.name);
    const bool field_optional = optional || field.schema->optional();
    Value field_default;
    if (field.schema->default_value() != nullptr) {
      field_default = *field.schema->default_value();
    } else if (default_from_parent.kind() == Value::Kind::kStruct) {
      // Struct.get(field) on the parent's default.
      const Struct& parent = default_from_parent.struct_value();
      if (static_cast<size_t>(field.index) < parent.values().size()) {
        field_default = parent.values()[static_cast<size_t>(field.index)];
      }
    }
    const SchemaType type = field.schema->type();
    if (IsLeafType(type)) {
      absl::StatusOr<SchemaPtr> flat = ConvertFieldSchema(*field.schema, field_optional, field_default);
      if (!flat.ok()) return flat.status();
      out.Field(name, *std::move(flat));
      if (!out.status().ok()) return out.status();
    } else if (type == SchemaType::kStruct) {
      absl::Status nested = AddFlatFields(*field.schema, name, field_optional, field_default, out);
      if (!nested.ok()) return nested;
    } else {
      return UnsupportedWithSchema(type, name);
    }
  }
  return absl::OkStatus();
}

absl::Status Flatten::PutFlatValues(const Struct& in, const std::string& prefix, Struct& out) const {
  for (const Field& field : in.schema()->fields()) {
    const std::string name = FieldName(prefix, field.name);
    const SchemaType type = field.schema->type();
    if (IsLeafType(type)) {
      absl::Status put = PutField(out, name, GetField(in, field, /*with_default=*/true));
      if (!put.ok()) return put;
    } else if (type == SchemaType::kStruct) {
      // Struct.getStruct: the raw value; a null struct's default does not fill its fields.
      const Value& nested = GetField(in, field, /*with_default=*/false);
      if (nested.is_null()) continue;
      absl::Status put = PutFlatValues(nested.struct_value(), name, out);
      if (!put.ok()) return put;
    } else {
      return UnsupportedWithSchema(type, name);
    }
  }
  return absl::OkStatus();
}

std::vector<TransformationClass> FlattenClasses() {
  return KeyValueClasses(kFlattenClass, FlattenConfigDef(), &Flatten::Create);
}

}  // namespace sluice::transforms
