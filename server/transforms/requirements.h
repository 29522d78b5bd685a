// What the built-in transforms ask of the value they operate on, with Kafka Connect's messages
// (its transforms' util.Requirements and util.SchemaUtil).
//
//   absl::StatusOr<const Struct*> s = RequireStruct(record.value, "field insertion");
//   // DataException "Only Struct objects supported for [field insertion], found: java.lang.String"
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_TRANSFORMS_REQUIREMENTS_H_
#define SLUICE_SERVER_TRANSFORMS_REQUIREMENTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/transforms/transformation.h"
#include "sluice/sdk/data.h"

namespace sluice::transforms {

// The Java class name of the object a value is (Class.getName()): "java.lang.Integer",
// "java.util.HashMap", "org.apache.kafka.connect.data.Struct", "[B", "java.util.Date"; "null"
// for null.
std::string JavaClassNameOf(const Value& value);

// DataException "Schema required for [<purpose>]" when `schema` is null.
absl::Status RequireSchema(const Schema* schema, std::string_view purpose);
// The map's entries, or DataException "Only Map objects supported in absence of schema for
// [<purpose>], found: <class>".
absl::StatusOr<const std::vector<MapEntry>*> RequireMap(const Value& value,
                                                        std::string_view purpose);
// The struct, or DataException "Only Struct objects supported for [<purpose>], found: <class>".
absl::StatusOr<const Struct*> RequireStruct(const Value& value, std::string_view purpose);
// DataException "Only SinkRecord supported for [<purpose>], found:
// org.apache.kafka.connect.source.SourceRecord" for a source record.
absl::Status RequireSinkRecord(const ConnectRecord& record, std::string_view purpose);

// SchemaUtil.copySchemaBasics: a builder of `source`'s type (an ARRAY keeps its element schema)
// with its name, version, doc and parameters; not its optionality, default or fields.
SchemaBuilder CopySchemaBasics(const Schema& source);

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_REQUIREMENTS_H_
