// Test support: a one-line text form of schemas, values and records that says everything a
// transform's output can differ in (schema types, optionality, names, versions, docs,
// parameters, defaults, fields; value kinds, map entry order, structs and the schemas they
// carry; headers), and a reader of the same form for building inputs.
//
// The expected outputs in testdata/*.cases were printed in this form by Kafka 3.9.1's own
// transforms, run on the same inputs (see README.md, "Tests").
//
//   INT32?                         an optional int32 schema
//   STRUCT(name=com.example.A, v=2){id:INT64, tags:ARRAY?[STRING]}
//   BYTES(name=org.apache.kafka.connect.data.Decimal, v=1, p={scale=2})
//   null  true  1b  2s  3  4L  1.5f  2.5d  "text"  0x00ff  Date(0)  dec:1.50
//   [1, 2]  {"a"=1, "b"=null}  Struct{id=1L, tags=null}
//
// A Struct prints its raw field values (no defaults applied), and "Struct!schema=<schema>{...}"
// when its own schema differs from the one it is printed under. Logical values print as their
// encodings (Date: days, Time: millis, Timestamp: "<millis>L", Decimal: "dec:<BigDecimal>").
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_TRANSFORMS_TESTING_RECORD_TEXT_H_
#define SLUICE_SERVER_TRANSFORMS_TESTING_RECORD_TEXT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/transforms/transformation.h"
#include "sluice/sdk/data.h"

namespace sluice::transforms::testing {

std::string SchemaText(const Schema* schema);
std::string ValueText(const Schema* schema, const Value& value);
// "topic=t part=0 key=<schema> / <value> value=<schema> / <value> ts=<ts> headers=[<k>:<schema>=
// <value>, ...]", then " offset=<o>" for a sink record.
std::string RecordText(const ConnectRecord& record);
// "ERROR <java class>: <message>".
std::string ErrorText(const absl::Status& status);

// Reads SchemaText's form. InvalidArgument saying where it stopped.
absl::StatusOr<SchemaPtr> ParseSchemaText(std::string_view text);
// Reads ValueText's form, as a value of `schema` (null: schemaless).
absl::StatusOr<Value> ParseValueText(std::string_view text, const SchemaPtr& schema);

}  // namespace sluice::transforms::testing

#endif  // SLUICE_SERVER_TRANSFORMS_TESTING_RECORD_TEXT_H_
