#include "server/transforms/insert_field.h"

#include <cstdio>
#include <utility>

#include "absl/strings/match.h"
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

constexpr std::string_view kPurpose = "field insertion";
constexpr char kTopicField[] = "topic.field";
constexpr char kPartitionField[] = "partition.field";
constexpr char kOffsetField[] = "offset.field";
constexpr char kTimestampField[] = "timestamp.field";
constexpr char kStaticField[] = "static.field";
constexpr char kStaticValue[] = "static.value";
constexpr char kOptionalityDoc[] =
    "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it "
    "optional (the default).";

ConfigKey OptionalStringKey(std::string name, std::string documentation) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = ConfigType::kString;
  key.null_default = true;
  key.importance = ConfigImportance::kMedium;
  key.documentation = std::move(documentation);
  return key;
}

// An Object's default toString(), "<class>@<identity hash>". Java's identity hash is arbitrary;
// this one is a stable function of `seed`.
std::string JavaObjectText(std::string_view java_class, std::string_view seed) {
  char hash[16];
  std::snprintf(hash, sizeof(hash), "%x",
                static_cast<uint32_t>(convert::JavaStringHashCode(seed)) & 0x7fffffffu);
  return absl::StrCat(absl::string_view(java_class.data(), java_class.size()), "@", hash);
}

}  // namespace

ConfigDef InsertFieldConfigDef() {
  ConfigDef def;
  def.Define(OptionalStringKey(kTopicField,
                               absl::StrCat("Field name for Kafka topic. ", kOptionalityDoc)));
  def.Define(OptionalStringKey(
      kPartitionField, absl::StrCat("Field name for Kafka partition. ", kOptionalityDoc)));
  def.Define(OptionalStringKey(
      kOffsetField, absl::StrCat("Field name for Kafka offset - only applicable to sink "
                                 "connectors.<br/>",
                                 kOptionalityDoc)));
  def.Define(OptionalStringKey(
      kTimestampField, absl::StrCat("Field name for record timestamp. ", kOptionalityDoc)));
  def.Define(OptionalStringKey(
      kStaticField, absl::StrCat("Field name for static data field. ", kOptionalityDoc)));
  def.Define(OptionalStringKey(kStaticValue, "Static field value, if field name configured."));
  def.Define(ReplaceNullWithDefaultConfigKey());
  return def;
}

std::optional<InsertField::InsertionSpec> InsertField::ParseSpec(
    const std::optional<std::string>& spec) {
  if (!spec.has_value()) return std::nullopt;
  if (absl::EndsWith(*spec, "?")) return InsertionSpec{spec->substr(0, spec->size() - 1), true};
  if (absl::EndsWith(*spec, "!")) return InsertionSpec{spec->substr(0, spec->size() - 1), false};
  return InsertionSpec{*spec, true};
}

absl::StatusOr<std::unique_ptr<Transformation>> InsertField::Create(const ConfigMap& config,
                                                                   RecordPart part) {
  static const ConfigDef* const kDef = new ConfigDef(InsertFieldConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, config);
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<InsertField> t(new InsertField(part));
  t->topic_field_ = ParseSpec(parsed->GetOptionalString(kTopicField));
  t->partition_field_ = ParseSpec(parsed->GetOptionalString(kPartitionField));
  t->offset_field_ = ParseSpec(parsed->GetOptionalString(kOffsetField));
  t->timestamp_field_ = ParseSpec(parsed->GetOptionalString(kTimestampField));
  const std::optional<std::string> static_spec = parsed->GetOptionalString(kStaticField);
  t->static_field_ = ParseSpec(static_spec);
  t->static_value_ = parsed->GetOptionalString(kStaticValue);
  t->replace_null_with_default_ = parsed->GetBool(kReplaceNullWithDefaultConfig);
  if (!t->topic_field_ && !t->partition_field_ && !t->offset_field_ && !t->timestamp_field_ &&
      !t->static_field_) {
    return convert::ConfigError("No field insertion configured");
  }
  if (t->static_field_ && !t->static_value_) {
    // Kafka prints its InsertionSpec object, which has no toString().
    return convert::ConfigError(InvalidConfigValueMessage(
        kStaticValue, "null",
        absl::StrCat("No value specified for static field: ",
                     JavaObjectText("org.apache.kafka.connect.transforms.InsertField$InsertionSpec",
                                    *static_spec))));
  }
  return std::unique_ptr<Transformation>(std::move(t));
}

absl::StatusOr<bool> InsertField::Apply(ConnectRecord& record) {
  if (PartValue(record, part_).is_null()) return true;
  absl::Status applied = PartSchema(record, part_) == nullptr ? ApplySchemaless(record)
                                                               : ApplyWithSchema(record);
  if (!applied.ok()) return applied;
  return true;
}

InsertField::Insertions InsertField::InsertionsFor(const ConnectRecord& record) const {
  Insertions out;
  auto add = [&out](const InsertionSpec& spec, Value value) {
    out.fields.emplace_back(spec.name, std::move(value));
  };
  if (topic_field_) add(*topic_field_, Value::String(record.topic));
  if (partition_field_ && record.kafka_partition.has_value()) {
    add(*partition_field_, Value::Int32(*record.kafka_partition));
  }
  if (offset_field_) {
    out.error = RequireSinkRecord(record, kPurpose);
    if (!out.error.ok()) return out;
    add(*offset_field_, Value::Int64(*record.kafka_offset));
  }
  // Schemaless, the timestamp is a Long; with a schema, a java.util.Date under the Timestamp
  // schema, whose Sluice encoding is the same milliseconds.
  if (timestamp_field_ && record.timestamp.has_value()) {
    add(*timestamp_field_, Value::Int64(*record.timestamp));
  }
  if (static_field_ && static_value_) add(*static_field_, Value::String(*static_value_));
  return out;
}

absl::Status InsertField::ApplySchemaless(ConnectRecord& record) {
  absl::StatusOr<const std::vector<MapEntry>*> value =
      RequireMap(PartValue(record, part_), kPurpose);
  if (!value.ok()) return value.status();
  MapEntriesBuilder updated = MapEntriesBuilder::HashMapCopyOf(**value);
  Insertions insertions = InsertionsFor(record);
  if (!insertions.error.ok()) return insertions.error;
  for (auto& [name, field_value] : insertions.fields) {
    updated.Put(Value::String(name), std::move(field_value));
  }
  PartValue(record, part_) = Value::Map(std::move(updated).Finish());
  return absl::OkStatus();
}

absl::Status InsertField::ApplyWithSchema(ConnectRecord& record) {
  absl::StatusOr<const Struct*> value = RequireStruct(PartValue(record, part_), kPurpose);
  if (!value.ok()) return value.status();
  const Struct& in = **value;
  absl::StatusOr<SchemaPtr> schema = UpdatedSchema(in.schema());
  if (!schema.ok()) return schema.status();
  Struct out(*schema);
  for (const Field& field : in.schema()->fields()) {
    absl::Status put = PutField(out, field.name, GetField(in, field, replace_null_with_default_));
    if (!put.ok()) return put;
  }
  Insertions insertions = InsertionsFor(record);
  for (auto& [name, field_value] : insertions.fields) {
    absl::Status put = PutField(out, name, std::move(field_value));
    if (!put.ok()) return put;
  }
  if (!insertions.error.ok()) return insertions.error;
  PartSchema(record, part_) = *schema;
  PartValue(record, part_) = Value::FromStruct(std::move(out));
  return absl::OkStatus();
}

absl::StatusOr<SchemaPtr> InsertField::UpdatedSchema(const SchemaPtr& schema) {
  if (SchemaPtr cached = schema_cache_.Get(schema)) return cached;
  StructSchemaBuilder builder(CopySchemaBasics(*schema));
  for (const Field& field : schema->fields()) builder.Field(field.name, field.schema);
  if (topic_field_) {
    builder.Field(topic_field_->name,
                  topic_field_->optional ? Schema::OptionalString() : Schema::String());
  }
  if (partition_field_) {
    builder.Field(partition_field_->name,
                  partition_field_->optional ? Schema::OptionalInt32() : Schema::Int32());
  }
  if (offset_field_) {
    builder.Field(offset_field_->name,
                  offset_field_->optional ? Schema::OptionalInt64() : Schema::Int64());
  }
  if (timestamp_field_) {
    SchemaBuilder timestamp = SchemaBuilder::Timestamp();
    if (timestamp_field_->optional) timestamp.Optional();
    builder.Field(timestamp_field_->name, timestamp.BuildOrDie());
  }
  if (static_field_) {
    builder.Field(static_field_->name,
                  static_field_->optional ? Schema::OptionalString() : Schema::String());
  }
  absl::StatusOr<SchemaPtr> built = builder.Build();
  if (built.ok()) schema_cache_.Put(schema, *built);
  return built;
}

std::vector<TransformationClass> InsertFieldClasses() {
  return KeyValueClasses(kInsertFieldClass, InsertFieldConfigDef(), &InsertField::Create);
}

}  // namespace sluice::transforms
