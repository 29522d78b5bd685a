// HeaderFrom$Key / HeaderFrom$Value (org.apache.kafka.connect.transforms.HeaderFrom): copies
// (operation=copy) or moves (operation=move: also removes them from the key/value) the fields
// named in `fields` into headers named by `headers`, pairing them by position. Headers are
// appended after the record's own, with the field's schema (none when schemaless). The key or
// value must be a Struct or a Map.
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_HEADER_FROM_H_
#define SLUICE_SERVER_TRANSFORMS_HEADER_FROM_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/record_part.h"
#include "server/transforms/schema_cache.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kHeaderFromClass = "org.apache.kafka.connect.transforms.HeaderFrom";

ConfigDef HeaderFromConfigDef();

class HeaderFrom final : public Transformation {
 public:
  // ConfigException "'fields' config must have the same number of elements as 'headers'
  // config." when the lists differ in length.
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config,
                                                                RecordPart part);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  explicit HeaderFrom(RecordPart part) : part_(part) {}

  absl::Status ApplySchemaless(ConnectRecord& record);
  absl::Status ApplyWithSchema(ConnectRecord& record);
  // The schema without the moved fields.
  absl::StatusOr<SchemaPtr> MoveSchema(const SchemaPtr& schema);
  bool Moves(const std::string& field) const;

  RecordPart part_;
  std::vector<std::string> fields_;
  std::vector<std::string> headers_;
  bool move_ = false;
  bool replace_null_with_default_ = true;
  SchemaCache move_schema_cache_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_HEADER_FROM_H_
