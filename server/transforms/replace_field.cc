#include "server/transforms/replace_field.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/convert/java_hash_map.h"
#include "server/transforms/builtins.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/map_entries_builder.h"
#include "server/transforms/requirements.h"
#include "server/transforms/transform_config.h"

namespace sluice::transforms {
namespace {

constexpr std::string_view kPurpose = "field replacement";
constexpr char kExclude[] = "exclude";
constexpr char kInclude[] = "include";
constexpr char kBlacklist[] = "blacklist";
constexpr char kWhitelist[] = "whitelist";
constexpr char kRenames[] = "renames";

// Java's String.split(":"): the pieces between colons, without trailing empty ones.
std::vector<std::string> SplitOnColons(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

// ReplaceField.parseRenameMappings: "old:new" pairs, in order.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseRenameMappings(
    const std::vector<std::string>& mappings) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& mapping : mappings) {
    std::vector<std::string> parts = SplitOnColons(mapping);
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(InvalidConfigValueMessage(
          kRenames, JavaListText(mappings), absl::StrCat("Invalid rename mapping: ", mapping)));
    }
    pairs.emplace_back(std::move(parts[0]), std::move(parts[1]));
  }
  return pairs;
}

ConfigKey ListKey(std::string name, bool null_default, ConfigImportance importance,
                  std::string documentation) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = ConfigType::kList;
  if (null_default) {
    key.null_default = true;
  } else {
    key.default_value = "";
  }
  key.importance = importance;
  key.documentation = std::move(documentation);
  return key;
}

// ConfigUtils.translateDeprecatedConfigs with {include, whitelist} and {exclude, blacklist}: the
// deprecated keys are dropped, and stand for the new ones when those are not set.
ConfigMap TranslateDeprecatedKeys(const ConfigMap& config) {
  ConfigMap out;
  for (const auto& [key, value] : config) {
    if (key != kInclude && key != kWhitelist && key != kExclude && key != kBlacklist) {
      out.emplace(key, value);
    }
  }
  for (const auto& [target, alias] : {std::pair{kInclude, kWhitelist}, {kExclude, kBlacklist}}) {
    auto it = config.find(target);
    if (it == config.end()) it = config.find(alias);
    if (it != config.end()) out.emplace(target, it->second);
  }
  return out;
}

}  // namespace

ConfigDef ReplaceFieldConfigDef() {
  ConfigDef def;
  def.Define(ListKey(kExclude, false, ConfigImportance::kMedium,
                     "Fields to exclude. This takes precedence over the fields to include."));
  def.Define(ListKey(kBlacklist, true, ConfigImportance::kLow,
                     absl::StrCat("Deprecated. Use ", kExclude, " instead.")));
  def.Define(ListKey(kInclude, false, ConfigImportance::kMedium,
                     "Fields to include. If specified, only these fields will be used."));
  def.Define(ListKey(kWhitelist, true, ConfigImportance::kLow,
                     absl::StrCat("Deprecated. Use ", kInclude, " instead.")));
  ConfigKey renames = ListKey(kRenames, false, ConfigImportance::kMedium, "Field rename mappings.");
  renames.validator = [](const std::string&, const ConfigValue& value) -> absl::Status {
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    if (list == nullptr) return absl::OkStatus();
    return ParseRenameMappings(*list).status();
  };
  renames.validator_doc = "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>";
  def.Define(std::move(renames));
  def.Define(ReplaceNullWithDefaultConfigKey());
  return def;
}

absl::StatusOr<std::unique_ptr<Transformation>> ReplaceField::Create(const ConfigMap& config,
                                                                    RecordPart part) {
  static const ConfigDef* const kDef = new ConfigDef(ReplaceFieldConfigDef());
  absl::StatusOr<ParsedConfig> parsed = ParseTransformConfig(*kDef, TranslateDeprecatedKeys(config));
  if (!parsed.ok()) return parsed.status();
  std::unique_ptr<ReplaceField> t(new ReplaceField(part));
  for (std::string& f : parsed->GetList(kExclude)) t->exclude_.insert(std::move(f));
  for (std::string& f : parsed->GetList(kInclude)) t->include_.insert(std::move(f));
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> renames =
      ParseRenameMappings(parsed->GetList(kRenames));
  if (!renames.ok()) return renames.status();  // the validator has already refused these
  // Kafka keeps the renames in a HashMap and inverts it in that map's iteration order, so when
  // two fields are renamed to one name, which of them the name maps back to follows that order.
  MapEntriesBuilder renames_map = MapEntriesBuilder::HashMap(convert::JavaHashMapCapacity::Default());
  for (const auto& [from, to] : *renames) {
    t->renames_[from] = to;
    renames_map.Put(Value::String(from), Value::String(to));
  }
  for (const MapEntry& e : std::move(renames_map).Finish()) {
    t->reverse_renames_[e.value.string()] = e.key.string();
  }
  t->replace_null_with_default_ = parsed->GetBool(kReplaceNullWithDefaultConfig);
  return std::unique_ptr<Transformation>(std::move(t));
}

bool ReplaceField::Keeps(const std::string& field) const {
  return exclude_.count(field) == 0 && (include_.empty() || include_.count(field) != 0);
}

const std::string& ReplaceField::Renamed(const std::string& field) const {
  auto it = renames_.find(field);
  return it == renames_.end() ? field : it->second;
}

const std::string& ReplaceField::ReverseRenamed(const std::string& field) const {
  auto it = reverse_renames_.find(field);
  return it == reverse_renames_.end() ? field : it->second;
}

absl::StatusOr<bool> ReplaceField::Apply(ConnectRecord& record) {
  if (PartValue(record, part_).is_null()) return true;
  absl::Status applied = PartSchema(record, part_) == nullptr ? ApplySchemaless(record)
                                                               : ApplyWithSchema(record);
  if (!applied.ok()) return applied;
  return true;
}

absl::Status ReplaceField::ApplySchemaless(ConnectRecord& record) {
  absl::StatusOr<const std::vector<MapEntry>*> value =
      RequireMap(PartValue(record, part_), kPurpose);
  if (!value.ok()) return value.status();
  MapEntriesBuilder updated =
      MapEntriesBuilder::HashMap(convert::JavaHashMapCapacity::WithInitialCapacity((*value)->size()));
  for (const MapEntry& e : **value) {
    if (e.key.is_null()) {
      // A null key is neither excluded nor renamed, and is kept unless `include` is set.
      if (include_.empty()) updated.Put(Value(), e.value);
      continue;
    }
    if (e.key.kind() != Value::Kind::kString) return ClassCastToStringError(e.key);
    if (Keeps(e.key.string())) updated.Put(Value::String(Renamed(e.key.string())), e.value);
  }
  PartValue(record, part_) = Value::Map(std::move(updated).Finish());
  return absl::OkStatus();
}

absl::Status ReplaceField::ApplyWithSchema(ConnectRecord& record) {
  absl::StatusOr<const Struct*> value = RequireStruct(PartValue(record, part_), kPurpose);
  if (!value.ok()) return value.status();
  const Struct& in = **value;
  absl::StatusOr<SchemaPtr> schema = UpdatedSchema(in.schema());
  if (!schema.ok()) return schema.status();
  Struct out(*schema);
  for (const Field& field : (*schema)->fields()) {
    absl::StatusOr<Value> v = GetField(in, ReverseRenamed(field.name), replace_null_with_default_);
    if (!v.ok()) return v.status();
    absl::Status put = PutField(out, field.name, *std::move(v));
    if (!put.ok()) return put;
  }
  PartSchema(record, part_) = *schema;
  PartValue(record, part_) = Value::FromStruct(std::move(out));
  return absl::OkStatus();
}

absl::StatusOr<SchemaPtr> ReplaceField::UpdatedSchema(const SchemaPtr& schema) {
  if (SchemaPtr cached = schema_cache_.Get(schema)) return cached;
  StructSchemaBuilder builder(CopySchemaBasics(*schema));
  for (const Field& field : schema->fields()) {
    if (Keeps(field.name)) builder.Field(Renamed(field.name), field.schema);
  }
  absl::StatusOr<SchemaPtr> built = builder.Build();
  if (built.ok()) schema_cache_.Put(schema, *built);
  return built;
}

std::vector<TransformationClass> ReplaceFieldClasses() {
  return KeyValueClasses(kReplaceFieldClass, ReplaceFieldConfigDef(), &ReplaceField::Create);
}

}  // namespace sluice::transforms
