// SetSchemaMetadata$Key / SetSchemaMetadata$Value
// (org.apache.kafka.connect.transforms.SetSchemaMetadata): sets the name and/or version of the
// key or value schema, and moves a Struct onto the renamed schema. As in Kafka 3.9, only STRUCT
// schemas can be updated (any other schema fails with "Cannot list fields on non-struct type"),
// and a record without key/value schema and value passes through.
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_SET_SCHEMA_METADATA_H_
#define SLUICE_SERVER_TRANSFORMS_SET_SCHEMA_METADATA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/transforms/record_part.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kSetSchemaMetadataClass =
    "org.apache.kafka.connect.transforms.SetSchemaMetadata";

ConfigDef SetSchemaMetadataConfigDef();

class SetSchemaMetadata final : public Transformation {
 public:
  // ConfigException "Neither schema name nor version configured" when neither is set.
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config,
                                                                RecordPart part);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  explicit SetSchemaMetadata(RecordPart part) : part_(part) {}

  absl::StatusOr<SchemaPtr> UpdatedSchema(const Schema& schema) const;

  RecordPart part_;
  std::optional<std::string> schema_name_;
  std::optional<int32_t> schema_version_;
  bool replace_null_with_default_ = true;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_SET_SCHEMA_METADATA_H_
