// InsertHeader: Kafka Connect's org.apache.kafka.connect.transforms.InsertHeader. Adds one
// header, `header`, to every record, its value the literal `value.literal` read with Kafka
// Connect's Values.parseString ("42" is an INT8, "[1, 2]" an ARRAY, "2024-01-31" a Date, "null"
// a null, anything else a STRING).
//
// Thread-compatible: a configured instance is used by one task runner thread.
#ifndef SLUICE_SERVER_TRANSFORMS_INSERT_HEADER_H_
#define SLUICE_SERVER_TRANSFORMS_INSERT_HEADER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/transforms/transformation.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/data.h"

namespace sluice::transforms {

inline constexpr std::string_view kInsertHeaderClass =
    "org.apache.kafka.connect.transforms.InsertHeader";

// InsertHeader.CONFIG_DEF: `header` and `value.literal`, both required strings.
const ConfigDef& InsertHeaderConfigDef();

class InsertHeader final : public Transformation {
 public:
  // InvalidArgument (ConfigException) when a key is missing, or when the literal reads as
  // something Sluice cannot hold (see convert::ParseString), with the literal in the message.
  static absl::StatusOr<std::unique_ptr<InsertHeader>> Create(const ConfigMap& config);

  // Appends the header after the record's others; never drops the record.
  absl::StatusOr<bool> Apply(ConnectRecord& record) override;

 private:
  InsertHeader(std::string header, SchemaPtr schema, Value value);

  std::string header_;
  SchemaPtr schema_;
  Value value_;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_INSERT_HEADER_H_
