// ReplaceField$Key / ReplaceField$Value (org.apache.kafka.connect.transforms.ReplaceField):
// drops the fields named in `exclude`, keeps only those in `include` when it is set (exclude
// wins), and renames fields by `renames` ("old:new" pairs), on a Struct (deriving its schema)
// or a schemaless Map (a java.util.HashMap). Kafka 3.9's deprecated `blacklist` / `whitelist`
// stand for `exclude` / `include` when those are not set. A null key/value passes through.
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_REPLACE_FIELD_H_
#define SLUICE_SERVER_TRANSFORMS_REPLACE_FIELD_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/record_part.h"
#include "server/transforms/schema_cache.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kReplaceFieldClass =
    "org.apache.kafka.connect.transforms.ReplaceField";

ConfigDef ReplaceFieldConfigDef();

class ReplaceField final : public Transformation {
 public:
  // ConfigException for an invalid key, e.g. "Invalid value [a:b, c] for configuration renames:
  // Invalid rename mapping: c".
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config,
                                                                RecordPart part);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  explicit ReplaceField(RecordPart part) : part_(part) {}

  bool Keeps(const std::string& field) const;
  const std::string& Renamed(const std::string& field) const;
  const std::string& ReverseRenamed(const std::string& field) const;

  absl::Status ApplySchemaless(ConnectRecord& record);
  absl::Status ApplyWithSchema(ConnectRecord& record);
  absl::StatusOr<SchemaPtr> UpdatedSchema(const SchemaPtr& schema);

  RecordPart part_;
  std::set<std::string> exclude_;
  std::set<std::string> include_;
  std::map<std::string, std::string> renames_;
  std::map<std::string, std::string> reverse_renames_;
  bool replace_null_with_default_ = true;
  SchemaCache schema_cache_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_REPLACE_FIELD_H_
