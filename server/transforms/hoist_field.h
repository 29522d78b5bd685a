// HoistField$Key / HoistField$Value (org.apache.kafka.connect.transforms.HoistField): wraps the
// whole key or value in a one-field Struct (when it has a schema; the struct schema is unnamed
// and required) or a one-entry Map (schemaless). A null is wrapped too.
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_HOIST_FIELD_H_
#define SLUICE_SERVER_TRANSFORMS_HOIST_FIELD_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/transforms/record_part.h"
#include "server/transforms/schema_cache.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kHoistFieldClass = "org.apache.kafka.connect.transforms.HoistField";

ConfigDef HoistFieldConfigDef();

class HoistField final : public Transformation {
 public:
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config,
                                                                RecordPart part);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  HoistField(RecordPart part, std::string field) : part_(part), field_(std::move(field)) {}

  RecordPart part_;
  std::string field_;
  SchemaCache schema_cache_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_HOIST_FIELD_H_
