#include "server/transforms/record_part.h"

#include <string>
#include <utility>

#include "server/transforms/transform_config.h"

namespace sluice::transforms {

SchemaPtr& PartSchema(ConnectRecord& record, RecordPart part) {
  return part == RecordPart::kKey ? record.key_schema : record.value_schema;
}

const SchemaPtr& PartSchema(const ConnectRecord& record, RecordPart part) {
  return part == RecordPart::kKey ? record.key_schema : record.value_schema;
}

Value& PartValue(ConnectRecord& record, RecordPart part) {
  return part == RecordPart::kKey ? record.key : record.value;
}

const Value& PartValue(const ConnectRecord& record, RecordPart part) {
  return part == RecordPart::kKey ? record.key : record.value;
}

std::vector<TransformationClass> KeyValueClasses(std::string_view base_class_name,
                                                 const ConfigDef& config,
                                                 PartTransformationFactory create) {
  std::vector<TransformationClass> classes;
  for (RecordPart part : {RecordPart::kKey, RecordPart::kValue}) {
    TransformationClass c;
    c.class_name = std::string(base_class_name) + (part == RecordPart::kKey ? "$Key" : "$Value");
    c.version = TransformsVersion();
    c.config = config;
    c.create = [create, part](const ConfigMap& props) { return create(props, part); };
    classes.push_back(std::move(c));
  }
  return classes;
}

}  // namespace sluice::transforms
