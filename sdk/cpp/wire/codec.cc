// The codec between the Connect data model and the plugin protocol's messages.
#include "sdk/cpp/wire/codec.h"

#include <limits>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"

namespace sluice::wire {
namespace {

// Debian's Abseil has its own string_view type, distinct from std::string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string UpperTypeName(SchemaType type) {
  return absl::AsciiStrToUpper(Sv(SchemaTypeName(type)));
}

// ---- enums ----------------------------------------------------------------------------------

pb::Schema::Type TypeToProto(SchemaType type) {
  switch (type) {
    case SchemaType::kInt8: return pb::Schema::TYPE_INT8;
    case SchemaType::kInt16: return pb::Schema::TYPE_INT16;
    case SchemaType::kInt32: return pb::Schema::TYPE_INT32;
    case SchemaType::kInt64: return pb::Schema::TYPE_INT64;
    case SchemaType::kFloat32: return pb::Schema::TYPE_FLOAT32;
    case SchemaType::kFloat64: return pb::Schema::TYPE_FLOAT64;
    case SchemaType::kBoolean: return pb::Schema::TYPE_BOOLEAN;
    case SchemaType::kString: return pb::Schema::TYPE_STRING;
    case SchemaType::kBytes: return pb::Schema::TYPE_BYTES;
    case SchemaType::kArray: return pb::Schema::TYPE_ARRAY;
    case SchemaType::kMap: return pb::Schema::TYPE_MAP;
    case SchemaType::kStruct: return pb::Schema::TYPE_STRUCT;
  }
  return pb::Schema::TYPE_UNSPECIFIED;
}

absl::StatusOr<SchemaType> TypeFromProto(pb::Schema::Type type) {
  switch (type) {
    case pb::Schema::TYPE_INT8: return SchemaType::kInt8;
    case pb::Schema::TYPE_INT16: return SchemaType::kInt16;
    case pb::Schema::TYPE_INT32: return SchemaType::kInt32;
    case pb::Schema::TYPE_INT64: return SchemaType::kInt64;
    case pb::Schema::TYPE_FLOAT32: return SchemaType::kFloat32;
    case pb::Schema::TYPE_FLOAT64: return SchemaType::kFloat64;
    case pb::Schema::TYPE_BOOLEAN: return SchemaType::kBoolean;
    case pb::Schema::TYPE_STRING: return SchemaType::kString;
    case pb::Schema::TYPE_BYTES: return SchemaType::kBytes;
    case pb::Schema::TYPE_ARRAY: return SchemaType::kArray;
    case pb::Schema::TYPE_MAP: return SchemaType::kMap;
    case pb::Schema::TYPE_STRUCT: return SchemaType::kStruct;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("schema has an unknown or unset type (", static_cast<int>(type), ")"));
  }
}

pb::ConfigKeyDefinition::Type ConfigTypeToProto(ConfigType type) {
  switch (type) {
    case ConfigType::kBoolean: return pb::ConfigKeyDefinition::TYPE_BOOLEAN;
    case ConfigType::kString: return pb::ConfigKeyDefinition::TYPE_STRING;
    case ConfigType::kInt: return pb::ConfigKeyDefinition::TYPE_INT;
    case ConfigType::kShort: return pb::ConfigKeyDefinition::TYPE_SHORT;
    case ConfigType::kLong: return pb::ConfigKeyDefinition::TYPE_LONG;
    case ConfigType::kDouble: return pb::ConfigKeyDefinition::TYPE_DOUBLE;
    case ConfigType::kList: return pb::ConfigKeyDefinition::TYPE_LIST;
    case ConfigType::kClass: return pb::ConfigKeyDefinition::TYPE_CLASS;
    case ConfigType::kPassword: return pb::ConfigKeyDefinition::TYPE_PASSWORD;
  }
  return pb::ConfigKeyDefinition::TYPE_UNSPECIFIED;
}

ConfigType ConfigTypeFromProto(pb::ConfigKeyDefinition::Type type) {
  switch (type) {
    case pb::ConfigKeyDefinition::TYPE_BOOLEAN: return ConfigType::kBoolean;
    case pb::ConfigKeyDefinition::TYPE_INT: return ConfigType::kInt;
    case pb::ConfigKeyDefinition::TYPE_SHORT: return ConfigType::kShort;
    case pb::ConfigKeyDefinition::TYPE_LONG: return ConfigType::kLong;
    case pb::ConfigKeyDefinition::TYPE_DOUBLE: return ConfigType::kDouble;
    case pb::ConfigKeyDefinition::TYPE_LIST: return ConfigType::kList;
    case pb::ConfigKeyDefinition::TYPE_CLASS: return ConfigType::kClass;
    case pb::ConfigKeyDefinition::TYPE_PASSWORD: return ConfigType::kPassword;
    default: return ConfigType::kString;
  }
}

pb::ConfigKeyDefinition::Importance ImportanceToProto(ConfigImportance importance) {
  switch (importance) {
    case ConfigImportance::kHigh: return pb::ConfigKeyDefinition::IMPORTANCE_HIGH;
    case ConfigImportance::kMedium: return pb::ConfigKeyDefinition::IMPORTANCE_MEDIUM;
    case ConfigImportance::kLow: return pb::ConfigKeyDefinition::IMPORTANCE_LOW;
  }
  return pb::ConfigKeyDefinition::IMPORTANCE_UNSPECIFIED;
}

ConfigImportance ImportanceFromProto(pb::ConfigKeyDefinition::Importance importance) {
  switch (importance) {
    case pb::ConfigKeyDefinition::IMPORTANCE_HIGH: return ConfigImportance::kHigh;
    case pb::ConfigKeyDefinition::IMPORTANCE_LOW: return ConfigImportance::kLow;
    default: return ConfigImportance::kMedium;
  }
}

pb::ConfigKeyDefinition::Width WidthToProto(ConfigWidth width) {
  switch (width) {
    case ConfigWidth::kNone: return pb::ConfigKeyDefinition::WIDTH_NONE;
    case ConfigWidth::kShort: return pb::ConfigKeyDefinition::WIDTH_SHORT;
    case ConfigWidth::kMedium: return pb::ConfigKeyDefinition::WIDTH_MEDIUM;
    case ConfigWidth::kLong: return pb::ConfigKeyDefinition::WIDTH_LONG;
  }
  return pb::ConfigKeyDefinition::WIDTH_NONE;
}

ConfigWidth WidthFromProto(pb::ConfigKeyDefinition::Width width) {
  switch (width) {
    case pb::ConfigKeyDefinition::WIDTH_SHORT: return ConfigWidth::kShort;
    case pb::ConfigKeyDefinition::WIDTH_MEDIUM: return ConfigWidth::kMedium;
    case pb::ConfigKeyDefinition::WIDTH_LONG: return ConfigWidth::kLong;
    default: return ConfigWidth::kNone;
  }
}

// ---- values ---------------------------------------------------------------------------------

std::string_view ProtoKindName(pb::Value::KindCase kind) {
  switch (kind) {
    case pb::Value::kNullValue: return "NULL";
    case pb::Value::kIntValue: return "INTEGER";
    case pb::Value::kFloat32Value: return "FLOAT32";
    case pb::Value::kFloat64Value: return "FLOAT64";
    case pb::Value::kBoolValue: return "BOOLEAN";
    case pb::Value::kStringValue: return "STRING";
    case pb::Value::kBytesValue: return "BYTES";
    case pb::Value::kArrayValue: return "ARRAY";
    case pb::Value::kMapValue: return "MAP";
    case pb::Value::kStructValue: return "STRUCT";
    case pb::Value::kTimestampValue: return "TIMESTAMP";
    case pb::Value::KIND_NOT_SET: return "NULL";
  }
  return "UNKNOWN";
}

absl::Status Mismatch(const Schema& schema, pb::Value::KindCase kind) {
  return absl::InvalidArgumentError(absl::StrCat(
      "Invalid value for schema type ", UpperTypeName(schema.type()),
      ": got ", Sv(ProtoKindName(kind))));
}

absl::StatusOr<Value> IntegerFromProto(const Schema& schema, int64_t v) {
  auto out_of_range = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("Value ", v, " does not fit schema type ",
                     UpperTypeName(schema.type())));
  };
  switch (schema.type()) {
    case SchemaType::kInt8:
      if (v < std::numeric_limits<int8_t>::min() || v > std::numeric_limits<int8_t>::max()) {
        return out_of_range();
      }
      return Value::Int8(static_cast<int8_t>(v));
    case SchemaType::kInt16:
      if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
        return out_of_range();
      }
      return Value::Int16(static_cast<int16_t>(v));
    case SchemaType::kInt32:
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return out_of_range();
      }
      return Value::Int32(static_cast<int32_t>(v));
    case SchemaType::kInt64:
      return Value::Int64(v);
    default:
      return Mismatch(schema, pb::Value::kIntValue);
  }
}

absl::StatusOr<Value> SchemalessFromProto(const pb::Value& proto) {
  switch (proto.kind_case()) {
    case pb::Value::KIND_NOT_SET:
    case pb::Value::kNullValue:
      return Value();
    case pb::Value::kIntValue:
      return Value::Int64(proto.int_value());
    case pb::Value::kFloat32Value:
      return Value::Float32(proto.float32_value());
    case pb::Value::kFloat64Value:
      return Value::Float64(proto.float64_value());
    case pb::Value::kBoolValue:
      return Value::Boolean(proto.bool_value());
    case pb::Value::kStringValue:
      return Value::String(proto.string_value());
    case pb::Value::kBytesValue:
      if (proto.has_decimal_scale()) return Value::Decimal(proto.bytes_value(), proto.decimal_scale());
      return Value::Bytes(proto.bytes_value());
    case pb::Value::kArrayValue: {
      std::vector<Value> items;
      items.reserve(proto.array_value().items_size());
      for (const pb::Value& item : proto.array_value().items()) {
        absl::StatusOr<Value> v = SchemalessFromProto(item);
        if (!v.ok()) return v.status();
        items.push_back(*std::move(v));
      }
      return Value::Array(std::move(items));
    }
    case pb::Value::kMapValue: {
      std::vector<MapEntry> entries;
      entries.reserve(proto.map_value().entries_size());
      for (const pb::MapEntry& e : proto.map_value().entries()) {
        absl::StatusOr<Value> k = SchemalessFromProto(e.key());
        if (!k.ok()) return k.status();
        absl::StatusOr<Value> v = SchemalessFromProto(e.value());
        if (!v.ok()) return v.status();
        entries.push_back(MapEntry{*std::move(k), *std::move(v)});
      }
      return Value::Map(std::move(entries));
    }
    case pb::Value::kStructValue:
      return absl::InvalidArgumentError("A struct value needs a schema");
    case pb::Value::kTimestampValue:
      return Value::Timestamp(proto.timestamp_value());
  }
  return absl::InvalidArgumentError("unknown value kind");
}

absl::StatusOr<Value> TypedFromProto(const pb::Value& proto, const Schema& schema) {
  const pb::Value::KindCase kind = proto.kind_case();
  if (kind == pb::Value::KIND_NOT_SET || kind == pb::Value::kNullValue) {
    // As in Kafka Connect, a record may carry null under a required schema (ExtractField of a
    // missing nested field gives one); whoever writes it decides whether that is an error.
    return Value();
  }
  switch (schema.type()) {
    case SchemaType::kInt8:
    case SchemaType::kInt16:
    case SchemaType::kInt32:
    case SchemaType::kInt64:
      if (kind != pb::Value::kIntValue) return Mismatch(schema, kind);
      return IntegerFromProto(schema, proto.int_value());
    case SchemaType::kFloat32:
      if (kind == pb::Value::kFloat32Value) return Value::Float32(proto.float32_value());
      if (kind == pb::Value::kFloat64Value) {
        return Value::Float32(static_cast<float>(proto.float64_value()));
      }
      return Mismatch(schema, kind);
    case SchemaType::kFloat64:
      if (kind == pb::Value::kFloat64Value) return Value::Float64(proto.float64_value());
      if (kind == pb::Value::kFloat32Value) return Value::Float64(proto.float32_value());
      return Mismatch(schema, kind);
    case SchemaType::kBoolean:
      if (kind != pb::Value::kBoolValue) return Mismatch(schema, kind);
      return Value::Boolean(proto.bool_value());
    case SchemaType::kString:
      if (kind != pb::Value::kStringValue) return Mismatch(schema, kind);
      return Value::String(proto.string_value());
    case SchemaType::kBytes:
      if (kind != pb::Value::kBytesValue) return Mismatch(schema, kind);
      if (proto.has_decimal_scale()) return Value::Decimal(proto.bytes_value(), proto.decimal_scale());
      return Value::Bytes(proto.bytes_value());
    case SchemaType::kArray:
    case SchemaType::kMap:
    case SchemaType::kStruct:
      // Containers of the right kind are decoded by ValueFromProtoShared; here only the
      // mismatch remains.
      return Mismatch(schema, kind);
  }
  return Mismatch(schema, kind);
}

absl::StatusOr<Value> ValueFromProtoShared(const pb::Value& proto, const SchemaPtr& schema);

absl::StatusOr<Value> StructFromProto(const pb::Value& proto, const SchemaPtr& schema) {
  if (proto.kind_case() != pb::Value::kStructValue) {
    return TypedFromProto(proto, *schema);  // null handling and the mismatch error
  }
  const pb::StructValue& sv = proto.struct_value();
  const std::vector<Field>& fields = schema->fields();
  if (sv.fields_size() != static_cast<int>(fields.size())) {
    return absl::InvalidArgumentError(absl::StrCat("Struct value has ", sv.fields_size(),
                                                   " fields, its schema has ", fields.size()));
  }
  Struct s(schema);
  for (const Field& f : fields) {
    const pb::Value& fv = sv.fields(f.index);
    if (fv.kind_case() == pb::Value::KIND_NOT_SET || fv.kind_case() == pb::Value::kNullValue) {
      continue;  // left null; Struct::Validate decides whether that is allowed
    }
    absl::StatusOr<Value> v = ValueFromProtoShared(fv, f.schema);
    if (!v.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field \"", f.name, "\": ", v.status().message()));
    }
    absl::Status put = s.Put(f.name, *std::move(v));
    if (!put.ok()) return put;
  }
  return Value::FromStruct(std::move(s));
}

// As ValueFromProto, but nested structs keep the shared schema pointers of `schema`.
absl::StatusOr<Value> ValueFromProtoShared(const pb::Value& proto, const SchemaPtr& schema) {
  if (schema == nullptr) return SchemalessFromProto(proto);
  switch (schema->type()) {
    case SchemaType::kStruct:
      return StructFromProto(proto, schema);
    case SchemaType::kArray: {
      if (proto.kind_case() != pb::Value::kArrayValue) return TypedFromProto(proto, *schema);
      std::vector<Value> items;
      items.reserve(proto.array_value().items_size());
      for (const pb::Value& item : proto.array_value().items()) {
        absl::StatusOr<Value> v = ValueFromProtoShared(item, schema->value_schema());
        if (!v.ok()) return v.status();
        items.push_back(*std::move(v));
      }
      return Value::Array(std::move(items));
    }
    case SchemaType::kMap: {
      if (proto.kind_case() != pb::Value::kMapValue) return TypedFromProto(proto, *schema);
      std::vector<MapEntry> entries;
      entries.reserve(proto.map_value().entries_size());
      for (const pb::MapEntry& e : proto.map_value().entries()) {
        absl::StatusOr<Value> k = ValueFromProtoShared(e.key(), schema->key_schema());
        if (!k.ok()) return k.status();
        absl::StatusOr<Value> v = ValueFromProtoShared(e.value(), schema->value_schema());
        if (!v.ok()) return v.status();
        entries.push_back(MapEntry{*std::move(k), *std::move(v)});
      }
      return Value::Map(std::move(entries));
    }
    default:
      return TypedFromProto(proto, *schema);
  }
}

bool ContainsStruct(const Schema& schema) {
  if (schema.type() == SchemaType::kStruct) return true;
  if (schema.key_schema() != nullptr && ContainsStruct(*schema.key_schema())) return true;
  return schema.value_schema() != nullptr && ContainsStruct(*schema.value_schema());
}

// ---- records --------------------------------------------------------------------------------

void DataToProto(const SchemaPtr& schema, const Value& value, SchemaEncoder& schemas,
                 google::protobuf::RepeatedPtrField<pb::SchemaDefinition>* defs, pb::Data* out) {
  out->set_schema_id(schemas.Encode(schema, defs));
  ValueToProto(value, out->mutable_value());
}

absl::Status DataFromProto(const pb::Data& proto, const SchemaDecoder& schemas,
                           std::string_view what, SchemaPtr* schema, Value* value) {
  absl::StatusOr<SchemaPtr> s = schemas.Get(proto.schema_id());
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(Sv(what), ": ", s.status().message()));
  absl::StatusOr<Value> v = ValueFromProtoShared(proto.value(), *s);
  if (!v.ok()) return absl::InvalidArgumentError(absl::StrCat(Sv(what), ": ", v.status().message()));
  *schema = *std::move(s);
  *value = *std::move(v);
  return absl::OkStatus();
}

void HeadersToProto(const std::vector<Header>& headers, SchemaEncoder& schemas,
                    google::protobuf::RepeatedPtrField<pb::SchemaDefinition>* defs,
                    google::protobuf::RepeatedPtrField<pb::Header>* out) {
  out->Reserve(static_cast<int>(headers.size()));
  for (const Header& h : headers) {
    pb::Header* ph = out->Add();
    ph->set_key(h.key);
    DataToProto(h.schema, h.value, schemas, defs, ph->mutable_value());
  }
}

absl::StatusOr<std::vector<Header>> HeadersFromProto(
    const google::protobuf::RepeatedPtrField<pb::Header>& proto, const SchemaDecoder& schemas) {
  std::vector<Header> headers;
  headers.reserve(proto.size());
  for (const pb::Header& ph : proto) {
    Header h;
    h.key = ph.key();
    absl::Status s = DataFromProto(ph.value(), schemas, absl::StrCat("header ", ph.key()),
                                   &h.schema, &h.value);
    if (!s.ok()) return s;
    headers.push_back(std::move(h));
  }
  return headers;
}

}  // namespace

// ---- SchemaEncoder / SchemaDecoder ----------------------------------------------------------

uint32_t SchemaEncoder::Encode(
    const SchemaPtr& schema,
    google::protobuf::RepeatedPtrField<pb::SchemaDefinition>* new_definitions) {
  if (schema == nullptr) return 0;
  auto [it, inserted] = ids_.try_emplace(schema.get(), next_id_);
  if (!inserted) return it->second;
  ++next_id_;
  keep_alive_.push_back(schema);
  pb::SchemaDefinition* def = new_definitions->Add();
  def->set_id(it->second);
  SchemaToProto(*schema, def->mutable_schema());
  return it->second;
}

absl::Status SchemaDecoder::Add(
    const google::protobuf::RepeatedPtrField<pb::SchemaDefinition>& definitions) {
  for (const pb::SchemaDefinition& def : definitions) {
    if (def.id() == 0) return absl::InvalidArgumentError("schema definition with id 0");
    absl::StatusOr<SchemaPtr> schema = SchemaFromProto(def.schema());
    if (!schema.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("schema id ", def.id(), ": ", schema.status().message()));
    }
    auto [it, inserted] = schemas_.try_emplace(def.id(), *schema);
    if (!inserted && !it->second->Equals(**schema)) {
      return absl::InvalidArgumentError(
          absl::StrCat("schema id ", def.id(), " is defined twice, differently"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SchemaPtr> SchemaDecoder::Get(uint32_t id) const {
  if (id == 0) return SchemaPtr();
  auto it = schemas_.find(id);
  if (it == schemas_.end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown schema id ", id));
  }
  return it->second;
}

// ---- schemas and values ---------------------------------------------------------------------

void SchemaToProto(const Schema& schema, pb::Schema* out) {
  out->set_type(TypeToProto(schema.type()));
  out->set_optional(schema.optional());
  out->set_name(schema.name());
  if (schema.version().has_value()) out->set_version(*schema.version());
  out->set_doc(schema.doc());
  for (const auto& [k, v] : schema.parameters()) (*out->mutable_parameters())[k] = v;
  for (const Field& f : schema.fields()) {
    pb::Field* pf = out->add_fields();
    pf->set_name(f.name);
    SchemaToProto(*f.schema, pf->mutable_schema());
  }
  if (schema.key_schema() != nullptr) SchemaToProto(*schema.key_schema(), out->mutable_key_schema());
  if (schema.value_schema() != nullptr) {
    SchemaToProto(*schema.value_schema(), out->mutable_value_schema());
  }
  if (schema.default_value() != nullptr) {
    ValueToProto(*schema.default_value(), out->mutable_default_value());
  }
}

absl::StatusOr<SchemaPtr> SchemaFromProto(const pb::Schema& proto) {
  absl::StatusOr<SchemaType> type = TypeFromProto(proto.type());
  if (!type.ok()) return type.status();
  SchemaBuilder builder(*type);
  if (*type == SchemaType::kArray || *type == SchemaType::kMap) {
    // An absent element, key or value schema is a null one (SchemaBuilder::ArrayOfNull and
    // friends: "any value").
    SchemaPtr value_schema;
    if (proto.has_value_schema()) {
      absl::StatusOr<SchemaPtr> s = SchemaFromProto(proto.value_schema());
      if (!s.ok()) return s.status();
      value_schema = *std::move(s);
    }
    if (*type == SchemaType::kArray) {
      builder = value_schema != nullptr ? SchemaBuilder::Array(std::move(value_schema))
                                        : SchemaBuilder::ArrayOfNull();
    } else {
      SchemaPtr key_schema;
      if (proto.has_key_schema()) {
        absl::StatusOr<SchemaPtr> s = SchemaFromProto(proto.key_schema());
        if (!s.ok()) return s.status();
        key_schema = *std::move(s);
      }
      if (key_schema != nullptr && value_schema != nullptr) {
        builder = SchemaBuilder::Map(std::move(key_schema), std::move(value_schema));
      } else if (key_schema != nullptr) {
        builder = SchemaBuilder::MapWithNullValues(std::move(key_schema));
      } else if (value_schema != nullptr) {
        builder = SchemaBuilder::MapWithNullKeys(std::move(value_schema));
      } else {
        builder = SchemaBuilder::MapOfNull();
      }
    }
  }
  if (proto.optional()) builder.Optional();
  if (!proto.name().empty()) builder.Name(proto.name());
  if (proto.has_version()) builder.Version(proto.version());
  if (!proto.doc().empty()) builder.Doc(proto.doc());
  for (const auto& [k, v] : proto.parameters()) builder.Parameter(k, v);
  for (const pb::Field& pf : proto.fields()) {
    absl::StatusOr<SchemaPtr> field_schema = SchemaFromProto(pf.schema());
    if (!field_schema.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field ", pf.name(), ": ", field_schema.status().message()));
    }
    builder.Field(pf.name(), *std::move(field_schema));
  }
  absl::StatusOr<SchemaPtr> bare = builder.Build();
  if (!bare.ok() || !proto.has_default_value()) return bare;
  // The default is decoded against the schema it belongs to.
  absl::StatusOr<Value> def = ValueFromProtoShared(proto.default_value(), *bare);
  if (!def.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid default value: ", def.status().message()));
  }
  builder.Default(*std::move(def));
  return builder.Build();
}

void ValueToProto(const Value& value, pb::Value* out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out->set_null_value(true);
      return;
    case Value::Kind::kBoolean:
      out->set_bool_value(value.boolean());
      return;
    case Value::Kind::kInt8:
    case Value::Kind::kInt16:
    case Value::Kind::kInt32:
    case Value::Kind::kInt64:
      out->set_int_value(value.integer());
      return;
    case Value::Kind::kFloat32:
      out->set_float32_value(static_cast<float>(value.floating()));
      return;
    case Value::Kind::kFloat64:
      out->set_float64_value(value.floating());
      return;
    case Value::Kind::kString:
      out->set_string_value(value.string());
      return;
    case Value::Kind::kBytes:
      out->set_bytes_value(value.bytes());
      if (std::optional<int32_t> scale = value.decimal_scale()) out->set_decimal_scale(*scale);
      return;
    case Value::Kind::kTimestamp:
      out->set_timestamp_value(value.timestamp_millis());
      return;
    case Value::Kind::kArray: {
      pb::ArrayValue* array = out->mutable_array_value();
      array->mutable_items()->Reserve(static_cast<int>(value.array().size()));
      for (const Value& item : value.array()) ValueToProto(item, array->add_items());
      return;
    }
    case Value::Kind::kMap: {
      pb::MapValue* map = out->mutable_map_value();
      map->mutable_entries()->Reserve(static_cast<int>(value.map().size()));
      for (const MapEntry& e : value.map()) {
        pb::MapEntry* pe = map->add_entries();
        ValueToProto(e.key, pe->mutable_key());
        ValueToProto(e.value, pe->mutable_value());
      }
      return;
    }
    case Value::Kind::kStruct: {
      pb::StructValue* s = out->mutable_struct_value();
      s->mutable_fields()->Reserve(static_cast<int>(value.struct_value().values().size()));
      for (const Value& v : value.struct_value().values()) ValueToProto(v, s->add_fields());
      return;
    }
  }
}

absl::StatusOr<Value> ValueFromProto(const pb::Value& proto, const Schema* schema) {
  if (schema == nullptr) return SchemalessFromProto(proto);
  if (!ContainsStruct(*schema)) {
    // Only a Struct keeps its schema; without one, a non-owning pointer is safe.
    return ValueFromProtoShared(proto, SchemaPtr(SchemaPtr(), schema));
  }
  // A Struct must share ownership of its schema, which a raw pointer cannot give: decode
  // against a copy. Callers holding a SchemaPtr use the overload below and skip the copy.
  pb::Schema copy;
  SchemaToProto(*schema, &copy);
  absl::StatusOr<SchemaPtr> owned = SchemaFromProto(copy);
  if (!owned.ok()) return owned.status();
  return ValueFromProtoShared(proto, *owned);
}

absl::StatusOr<Value> ValueFromProto(const pb::Value& proto, const SchemaPtr& schema) {
  return ValueFromProtoShared(proto, schema);
}

// ---- records --------------------------------------------------------------------------------

void SourceRecordToProto(const SourceRecord& record, uint64_t id, SchemaEncoder& schemas,
                         pb::SourceBatch* batch, const SourceRecord* previous) {
  pb::SourceRecord* out = batch->add_records();
  out->set_id(id);
  if (!record.source_partition.is_null()) {
    if (previous != nullptr && previous->source_partition == record.source_partition) {
      out->set_same_source_partition(true);
    } else {
      ValueToProto(record.source_partition, out->mutable_source_partition());
    }
  }
  if (!record.source_offset.is_null()) {
    ValueToProto(record.source_offset, out->mutable_source_offset());
  }
  out->set_topic(record.topic);
  if (record.partition.has_value()) out->set_partition(*record.partition);
  DataToProto(record.key_schema, record.key, schemas, batch->mutable_schemas(), out->mutable_key());
  DataToProto(record.value_schema, record.value, schemas, batch->mutable_schemas(),
              out->mutable_value());
  HeadersToProto(record.headers, schemas, batch->mutable_schemas(), out->mutable_headers());
  if (record.timestamp_ms.has_value()) out->set_timestamp_ms(*record.timestamp_ms);
}

absl::StatusOr<SourceRecord> SourceRecordFromProto(const pb::SourceRecord& proto,
                                                   const SchemaDecoder& schemas,
                                                   bool with_offset) {
  SourceRecord record;
  if (proto.has_source_partition()) {
    absl::StatusOr<Value> p = SchemalessFromProto(proto.source_partition());
    if (!p.ok()) return p.status();
    record.source_partition = *std::move(p);
  }
  if (with_offset && proto.has_source_offset()) {
    absl::StatusOr<Value> o = SchemalessFromProto(proto.source_offset());
    if (!o.ok()) return o.status();
    record.source_offset = *std::move(o);
  }
  record.topic = proto.topic();
  if (proto.has_partition()) record.partition = proto.partition();
  absl::Status s = DataFromProto(proto.key(), schemas, "key", &record.key_schema, &record.key);
  if (!s.ok()) return s;
  s = DataFromProto(proto.value(), schemas, "value", &record.value_schema, &record.value);
  if (!s.ok()) return s;
  absl::StatusOr<std::vector<Header>> headers = HeadersFromProto(proto.headers(), schemas);
  if (!headers.ok()) return headers.status();
  record.headers = *std::move(headers);
  if (proto.has_timestamp_ms()) record.timestamp_ms = proto.timestamp_ms();
  return record;
}

void SinkRecordToProto(const SinkRecord& record, SchemaEncoder& schemas, pb::SinkBatch* batch) {
  pb::SinkRecord* out = batch->add_records();
  out->set_topic(record.topic);
  out->set_partition(record.partition);
  out->set_offset(record.offset);
  DataToProto(record.key_schema, record.key, schemas, batch->mutable_schemas(), out->mutable_key());
  DataToProto(record.value_schema, record.value, schemas, batch->mutable_schemas(),
              out->mutable_value());
  HeadersToProto(record.headers, schemas, batch->mutable_schemas(), out->mutable_headers());
  if (record.timestamp_ms.has_value()) out->set_timestamp_ms(*record.timestamp_ms);
  switch (record.timestamp_type) {
    case TimestampType::kNone:
      out->set_timestamp_type(pb::SinkRecord::TIMESTAMP_TYPE_NONE);
      break;
    case TimestampType::kCreateTime:
      out->set_timestamp_type(pb::SinkRecord::TIMESTAMP_TYPE_CREATE_TIME);
      break;
    case TimestampType::kLogAppendTime:
      out->set_timestamp_type(pb::SinkRecord::TIMESTAMP_TYPE_LOG_APPEND_TIME);
      break;
  }
}

namespace {

// A string, or bytes that are not a Decimal with a scale of its own: its characters move out
// of `value`, which is left null.
std::optional<std::string> TakePlainString(Value& value) {
  if (value.kind() == Value::Kind::kString ||
      (value.kind() == Value::Kind::kBytes && !value.decimal_scale().has_value())) {
    return value.ReleaseString();
  }
  return std::nullopt;
}

void PutPlainString(Value::Kind kind, std::string bytes, pb::Value* out) {
  if (kind == Value::Kind::kString) {
    out->set_string_value(std::move(bytes));
  } else {
    out->set_bytes_value(std::move(bytes));
  }
}

}  // namespace

void SinkRecordToProto(SinkRecord&& record, SchemaEncoder& schemas, pb::SinkBatch* batch) {
  const Value::Kind key_kind = record.key.kind();
  const Value::Kind value_kind = record.value.kind();
  std::optional<std::string> key = TakePlainString(record.key);
  std::optional<std::string> value = TakePlainString(record.value);
  std::string topic = std::move(record.topic);
  SinkRecordToProto(record, schemas, batch);  // the rest, with null in place of what moved
  pb::SinkRecord* out = batch->mutable_records(batch->records_size() - 1);
  out->set_topic(std::move(topic));
  if (key.has_value()) PutPlainString(key_kind, *std::move(key), out->mutable_key()->mutable_value());
  if (value.has_value()) {
    PutPlainString(value_kind, *std::move(value), out->mutable_value()->mutable_value());
  }
}

absl::StatusOr<SinkRecord> SinkRecordFromProto(const pb::SinkRecord& proto,
                                               const SchemaDecoder& schemas) {
  SinkRecord record;
  record.topic = proto.topic();
  record.partition = proto.partition();
  record.offset = proto.offset();
  absl::Status s = DataFromProto(proto.key(), schemas, "key", &record.key_schema, &record.key);
  if (!s.ok()) return s;
  s = DataFromProto(proto.value(), schemas, "value", &record.value_schema, &record.value);
  if (!s.ok()) return s;
  absl::StatusOr<std::vector<Header>> headers = HeadersFromProto(proto.headers(), schemas);
  if (!headers.ok()) return headers.status();
  record.headers = *std::move(headers);
  if (proto.has_timestamp_ms()) record.timestamp_ms = proto.timestamp_ms();
  switch (proto.timestamp_type()) {
    case pb::SinkRecord::TIMESTAMP_TYPE_CREATE_TIME:
      record.timestamp_type = TimestampType::kCreateTime;
      break;
    case pb::SinkRecord::TIMESTAMP_TYPE_LOG_APPEND_TIME:
      record.timestamp_type = TimestampType::kLogAppendTime;
      break;
    default:
      record.timestamp_type = TimestampType::kNone;
      break;
  }
  return record;
}

// ---- configs --------------------------------------------------------------------------------

void ConfigKeyToProto(const ConfigKey& key, pb::ConfigKeyDefinition* out) {
  out->set_name(key.name);
  out->set_type(ConfigTypeToProto(key.type));
  if (key.default_value.has_value()) {
    out->set_default_value(*key.default_value);
  } else if (key.null_default) {
    out->set_null_default(true);
  }
  out->set_importance(ImportanceToProto(key.importance));
  out->set_documentation(key.documentation);
  if (key.group.has_value()) out->set_group(*key.group);
  out->set_order_in_group(key.order_in_group);
  out->set_width(WidthToProto(key.width));
  out->set_display_name(key.display_name.empty() ? key.name : key.display_name);
  for (const std::string& d : key.dependents) out->add_dependents(d);
  out->set_validator(key.validator_doc);
  for (const std::string& r : key.recommended_values) out->add_recommended_values(r);
}

ConfigKey ConfigKeyFromProto(const pb::ConfigKeyDefinition& proto) {
  ConfigKey key;
  key.name = proto.name();
  key.type = ConfigTypeFromProto(proto.type());
  if (proto.has_default_value()) {
    key.default_value = proto.default_value();
  } else {
    key.null_default = proto.null_default();
  }
  key.importance = ImportanceFromProto(proto.importance());
  key.documentation = proto.documentation();
  if (proto.has_group()) key.group = proto.group();
  key.order_in_group = proto.order_in_group();
  key.width = WidthFromProto(proto.width());
  key.display_name = proto.display_name();
  key.dependents.assign(proto.dependents().begin(), proto.dependents().end());
  key.validator_doc = proto.validator();
  key.recommended_values.assign(proto.recommended_values().begin(),
                                proto.recommended_values().end());
  return key;
}

void ConfigValueResultToProto(const ConfigValueResult& result, pb::ConfigValueResult* out) {
  out->set_name(result.name);
  if (result.value.has_value()) out->set_value(*result.value);
  for (const std::string& r : result.recommended_values) out->add_recommended_values(r);
  for (const std::string& e : result.errors) out->add_errors(e);
  out->set_visible(result.visible);
}

ConfigValueResult ConfigValueResultFromProto(const pb::ConfigValueResult& proto) {
  ConfigValueResult result;
  result.name = proto.name();
  if (proto.has_value()) result.value = proto.value();
  result.recommended_values.assign(proto.recommended_values().begin(),
                                   proto.recommended_values().end());
  result.errors.assign(proto.errors().begin(), proto.errors().end());
  result.visible = proto.visible();
  return result;
}

void TopicPartitionsToProto(const std::vector<TopicPartition>& partitions,
                            google::protobuf::RepeatedPtrField<pb::TopicPartition>* out) {
  out->Reserve(static_cast<int>(partitions.size()));
  for (const TopicPartition& tp : partitions) {
    pb::TopicPartition* p = out->Add();
    p->set_topic(tp.topic);
    p->set_partition(tp.partition);
  }
}

std::vector<TopicPartition> TopicPartitionsFromProto(
    const google::protobuf::RepeatedPtrField<pb::TopicPartition>& proto) {
  std::vector<TopicPartition> out;
  out.reserve(proto.size());
  for (const pb::TopicPartition& p : proto) out.push_back({p.topic(), p.partition()});
  return out;
}

void TopicPartitionOffsetsToProto(
    const TopicPartitionOffsets& offsets,
    google::protobuf::RepeatedPtrField<pb::TopicPartitionOffset>* out) {
  out->Reserve(static_cast<int>(offsets.size()));
  for (const auto& [tp, offset] : offsets) {
    pb::TopicPartitionOffset* p = out->Add();
    p->set_topic(tp.topic);
    p->set_partition(tp.partition);
    p->set_offset(offset);
  }
}

TopicPartitionOffsets TopicPartitionOffsetsFromProto(
    const google::protobuf::RepeatedPtrField<pb::TopicPartitionOffset>& proto) {
  TopicPartitionOffsets offsets;
  for (const pb::TopicPartitionOffset& p : proto) {
    offsets[TopicPartition{p.topic(), p.partition()}] = p.offset();
  }
  return offsets;
}

}  // namespace sluice::wire
