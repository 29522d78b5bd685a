// ExtractField$Key / ExtractField$Value (org.apache.kafka.connect.transforms.ExtractField):
// replaces the key or value with one field of it, found by a path (single_field_path.h; nested
// paths with field.syntax.version=V2). With a schema the result's schema is the field's schema
// (IllegalArgumentException "Unknown field: <path>" when there is none); schemaless, a missing
// field gives null. A null key/value becomes null (keeping the field's schema).
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_EXTRACT_FIELD_H_
#define SLUICE_SERVER_TRANSFORMS_EXTRACT_FIELD_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/transforms/record_part.h"
#include "server/transforms/single_field_path.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kExtractFieldClass =
    "org.apache.kafka.connect.transforms.ExtractField";

ConfigDef ExtractFieldConfigDef();

class ExtractField final : public Transformation {
 public:
  // ConfigException "Incomplete backtick pair in path: ..." for a V2 path it cannot read.
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config,
                                                                RecordPart part);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  ExtractField(RecordPart part, std::string original_path, SingleFieldPath path,
               bool replace_null_with_default)
      : part_(part),
        original_path_(std::move(original_path)),
        path_(std::move(path)),
        replace_null_with_default_(replace_null_with_default) {}

  RecordPart part_;
  std::string original_path_;
  SingleFieldPath path_;
  bool replace_null_with_default_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_EXTRACT_FIELD_H_
