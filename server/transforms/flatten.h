// Flatten$Key / Flatten$Value (org.apache.kafka.connect.transforms.Flatten): lifts the fields of
// nested Structs (and, schemaless, nested Maps) to the top level, naming each
// "<parent><delimiter><child>". Arrays are left as they are. With a schema, a field under an
// optional parent becomes optional and a parent's default supplies the field's default; MAP
// fields are refused. Schemaless output keeps the input's order (a java.util.LinkedHashMap). A
// null key/value passes through.
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_FLATTEN_H_
#define SLUICE_SERVER_TRANSFORMS_FLATTEN_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/connect_data.h"
#include "server/transforms/map_entries_builder.h"
#include "server/transforms/record_part.h"
#include "server/transforms/schema_cache.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kFlattenClass = "org.apache.kafka.connect.transforms.Flatten";

ConfigDef FlattenConfigDef();

class Flatten final : public Transformation {
 public:
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config,
                                                                RecordPart part);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  Flatten(RecordPart part, std::string delimiter)
      : part_(part), delimiter_(std::move(delimiter)) {}

  // "<prefix><delimiter><name>", or `name` at the top (empty prefix).
  std::string FieldName(const std::string& prefix, const std::string& name) const;

  // Schemaless: the entries of `map` (nested maps flattened) into `out`. A Java null prefix or
  // key is nullopt.
  absl::Status FlattenMap(const std::vector<MapEntry>& map,
                          const std::optional<std::string>& prefix, MapEntriesBuilder& out) const;

  // With a schema: the flattened schema of `schema`, and its fields under `prefix`.
  absl::StatusOr<SchemaPtr> UpdatedSchema(const SchemaPtr& schema);
  absl::Status AddFlatFields(const Schema& schema, const std::string& prefix, bool optional,
                             const Value& default_from_parent, StructSchemaBuilder& out) const;
  // The values of `in` under `prefix` into `out`.
  absl::Status PutFlatValues(const Struct& in, const std::string& prefix, Struct& out) const;

  RecordPart part_;
  std::string delimiter_;
  SchemaCache schema_cache_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_FLATTEN_H_
