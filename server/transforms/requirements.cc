#include "server/transforms/requirements.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/convert/connect_exception.h"
#include "server/convert/java_format.h"

namespace sluice::transforms {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

std::string JavaClassNameOf(const Value& value) {
  if (value.is_null()) return "null";
  std::string_view name = convert::JavaClassName(value.kind());  // "class java.lang.Integer"
  constexpr std::string_view kPrefix = "class ";
  if (name.substr(0, kPrefix.size()) == kPrefix) name.remove_prefix(kPrefix.size());
  return std::string(name);
}

absl::Status RequireSchema(const Schema* schema, std::string_view purpose) {
  if (schema != nullptr) return absl::OkStatus();
  return convert::DataError(absl::StrCat("Schema required for [", Av(purpose), "]"));
}

absl::StatusOr<const std::vector<MapEntry>*> RequireMap(const Value& value,
                                                        std::string_view purpose) {
  if (value.kind() == Value::Kind::kMap) return &value.map();
  return convert::DataError(absl::StrCat("Only Map objects supported in absence of schema for [",
                                         Av(purpose), "], found: ", JavaClassNameOf(value)));
}

absl::StatusOr<const Struct*> RequireStruct(const Value& value, std::string_view purpose) {
  if (value.kind() == Value::Kind::kStruct) return &value.struct_value();
  return convert::DataError(absl::StrCat("Only Struct objects supported for [", Av(purpose),
                                         "], found: ", JavaClassNameOf(value)));
}

absl::Status RequireSinkRecord(const ConnectRecord& record, std::string_view purpose) {
  if (record.is_sink()) return absl::OkStatus();
  return convert::DataError(absl::StrCat("Only SinkRecord supported for [", Av(purpose),
                                         "], found: org.apache.kafka.connect.source.SourceRecord"));
}

SchemaBuilder CopySchemaBasics(const Schema& source) {
  SchemaBuilder builder = source.type() == SchemaType::kArray
                              ? SchemaBuilder::Array(source.value_schema())
                              : SchemaBuilder(source.type());
  if (!source.name().empty()) builder.Name(source.name());
  if (source.version().has_value()) builder.Version(*source.version());
  if (!source.doc().empty()) builder.Doc(source.doc());
  for (const auto& [k, v] : source.parameters()) builder.Parameter(k, v);
  return builder;
}

}  // namespace sluice::transforms
