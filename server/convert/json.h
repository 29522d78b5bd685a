// Schemaless JSON for the worker's own records (source offsets and their partitions), written
// and read exactly as Kafka Connect's internal JsonConverter with schemas.enable=false does, so
// offsets stored by Kafka Connect and by Sluice are interchangeable.
//
//   std::string key = SerializeSchemaless(Value::Array({Value::String("orders"), partition}));
//   absl::StatusOr<Value> back = ParseSchemaless(key);
//
// Thread-safe: each call uses its own state.
#ifndef SLUICE_SERVER_CONVERT_JSON_H_
#define SLUICE_SERVER_CONVERT_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sluice/sdk/data.h"

namespace sluice::convert {

// The bytes the JsonConverter writes for `value` with no schema: types inferred from the value's
// kind, maps with only string keys as objects (others as [[k,v],...]), bytes as base64. A null
// value gives "null" (the converter itself would write no bytes at all: a tombstone; check
// is_null() first where that matters). A Struct is written as an object under its own schema
// (Kafka's converter rejects a schemaless Struct).
std::string SerializeSchemaless(const Value& value);

// Reads JSON as the converter does with no schema: object -> map with string keys (in document
// order), array -> array, integral number -> int64, other number -> float64, string, boolean,
// null. Empty input gives null. InvalidArgument for malformed JSON.
absl::StatusOr<Value> ParseSchemaless(std::string_view json);

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_JSON_H_
