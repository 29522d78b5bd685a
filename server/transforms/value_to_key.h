// ValueToKey (org.apache.kafka.connect.transforms.ValueToKey): replaces the record key with a
// Struct (schema'd value) or a java.util.HashMap (schemaless value) made of the named fields of
// the value. The value must be a Struct or a Map (a null value is refused).
//
// Thread-compatible (see transformation.h).
#ifndef SLUICE_SERVER_TRANSFORMS_VALUE_TO_KEY_H_
#define SLUICE_SERVER_TRANSFORMS_VALUE_TO_KEY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/schema_cache.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

inline constexpr std::string_view kValueToKeyClass =
    "org.apache.kafka.connect.transforms.ValueToKey";

ConfigDef ValueToKeyConfigDef();

class ValueToKey final : public Transformation {
 public:
  static absl::StatusOr<std::unique_ptr<Transformation>> Create(const ConfigMap& config);

  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  ValueToKey() = default;

  // The key schema for values of `value_schema`: DataException "Field does not exist: <f>".
  absl::StatusOr<SchemaPtr> KeySchema(const SchemaPtr& value_schema);

  std::vector<std::string> fields_;
  bool replace_null_with_default_ = true;
  SchemaCache schema_cache_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_VALUE_TO_KEY_H_
