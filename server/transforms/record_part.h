// The part of a record a transform's $Key or $Value variant works on, and the pair of class
// descriptors such a transform registers.
//
//   SchemaPtr& schema = PartSchema(record, RecordPart::kValue);  // record.value_schema
//   std::vector<TransformationClass> classes = KeyValueClasses(
//       "org.apache.kafka.connect.transforms.InsertField", InsertFieldConfigDef(),
//       &InsertField::Create);  // InsertField$Key, InsertField$Value
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_TRANSFORMS_RECORD_PART_H_
#define SLUICE_SERVER_TRANSFORMS_RECORD_PART_H_

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/transformation.h"

namespace sluice::transforms {

enum class RecordPart { kKey, kValue };

// record.key_schema / record.value_schema.
SchemaPtr& PartSchema(ConnectRecord& record, RecordPart part);
const SchemaPtr& PartSchema(const ConnectRecord& record, RecordPart part);
// record.key / record.value.
Value& PartValue(ConnectRecord& record, RecordPart part);
const Value& PartValue(const ConnectRecord& record, RecordPart part);

using PartTransformationFactory = std::function<absl::StatusOr<std::unique_ptr<Transformation>>(
    const ConfigMap& config, RecordPart part)>;

// The two classes "<base_class_name>$Key" and "<base_class_name>$Value", both with `config`,
// whose create() calls `create` with the part.
std::vector<TransformationClass> KeyValueClasses(std::string_view base_class_name,
                                                 const ConfigDef& config,
                                                 PartTransformationFactory create);

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_RECORD_PART_H_
