// InsertField$Key / InsertField$Value (org.apache.kafka.connect.transforms.InsertField): adds
// fields holding the record's topic, partition, offset (sink records), timestamp, or a static
// string to a Struct (extending its schema) or a schemaless Map (a java.util.HashMap copy). A
// field name ending in "!" makes the new schema field required, "?" (the default) optional. A
// null key/value passes through.
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_INSERT_FIELD_H_
#define SLUICE_SERVER_TRANSFORMS_INSERT_FIELD_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/record_part.h"
#include "server/transforms/schema_cache.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kInsertFieldClass = "org.apache.kafka.connect.transforms.InsertField";

ConfigDef InsertFieldConfigDef();

class InsertField final : public Transformation {
 public:
  // ConfigException "No field insertion configured" when no field is named, and "Invalid value
  // null for configuration static.value: No value specified for static field: ..." when
  // static.field has no static.value.
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config,
                                                                RecordPart part);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  struct InsertionSpec {
    std::string name;
    bool optional = true;
  };
  static std::optional<InsertionSpec> ParseSpec(const std::optional<std::string>& spec);

  // The fields a record gets, in Kafka's order, up to the first one that cannot be had (the
  // offset of a source record), whose error is `error`.
  struct Insertions {
    std::vector<std::pair<std::string, Value>> fields;
    absl::Status error;
  };

  explicit InsertField(RecordPart part) : part_(part) {}

  Insertions InsertionsFor(const ConnectRecord& record) const;

  absl::Status ApplySchemaless(ConnectRecord& record);
  absl::Status ApplyWithSchema(ConnectRecord& record);
  absl::StatusOr<SchemaPtr> UpdatedSchema(const SchemaPtr& schema);

  RecordPart part_;
  std::optional<InsertionSpec> topic_field_;
  std::optional<InsertionSpec> partition_field_;
  std::optional<InsertionSpec> offset_field_;
  std::optional<InsertionSpec> timestamp_field_;
  std::optional<InsertionSpec> static_field_;
  std::optional<std::string> static_value_;
  bool replace_null_with_default_ = true;
  SchemaCache schema_cache_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_INSERT_FIELD_H_
