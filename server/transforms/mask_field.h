// MaskField$Key / MaskField$Value (org.apache.kafka.connect.transforms.MaskField): replaces the
// named fields of a Struct or schemaless Map with their type's "empty" value (false, 0, 0.0, "",
// the epoch, an empty list or map), or with `replacement` converted to the field's type
// (numbers and strings only). A null field stays null. Unlike most transforms, MaskField does
// not let a null key/value through: it needs a Struct or a Map.
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_MASK_FIELD_H_
#define SLUICE_SERVER_TRANSFORMS_MASK_FIELD_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/record_part.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kMaskFieldClass = "org.apache.kafka.connect.transforms.MaskField";

ConfigDef MaskFieldConfigDef();

class MaskField final : public Transformation {
 public:
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config,
                                                                RecordPart part);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  explicit MaskField(RecordPart part) : part_(part) {}

  // The masked form of `value` (whose schema is `schema`, null when schemaless).
  absl::StatusOr<Value> Masked(const Value& value, const Schema* schema) const;

  RecordPart part_;
  // The fields, in the iteration order of the java.util.HashSet Kafka keeps them in (which
  // decides where a masked key missing from a schemaless map is added).
  std::vector<std::string> fields_in_set_order_;
  std::set<std::string> fields_;
  std::optional<std::string> replacement_;
  bool replace_null_with_default_ = true;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_MASK_FIELD_H_
