// Schemaless JSON for the worker's own records (source offsets and their partitions), written
// and read exactly as Kafka Connect's internal JsonConverter with schemas.enable=false does, so
// offsets stored by Kafka Connect and by Sluice are interchangeable. JsonConverter builds its
// schemaless payloads with the same functions.
//
//   std::string key = SerializeSchemaless(Value::Array({Value::String("orders"), partition}));
//   absl::StatusOr<Value> back = ParseSchemaless(key);
//
// Thread-safe: each call uses its own state.
#ifndef SLUICE_FORMATS_SCHEMALESS_JSON_H_
#define SLUICE_FORMATS_SCHEMALESS_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "formats/json_tree.h"
#include "sluice/sdk/data.h"

namespace sluice::formats {

// The prefix of JsonConverter's error for bytes that are not JSON; the parser's reason follows.
inline constexpr std::string_view kJsonReadErrorPrefix =
    "Converting byte[] to Kafka Connect data failed due to serialization error: ";

// The bytes the JsonConverter writes for `value` with no schema: types inferred from the value's
// kind, maps with only string keys as objects (others as [[k,v],...]), bytes as base64. A null
// value gives "null" (the converter itself would write no bytes at all: a tombstone; check
// is_null() first where that matters). A Struct is written as an object under its own schema
// (Kafka's converter rejects a schemaless Struct) and a java.util.Date (Value::Kind::kTimestamp)
// as its epoch milliseconds (Kafka's converter rejects it too).
std::string SerializeSchemaless(const Value& value);

// Reads JSON as the converter does with no schema: object -> map with string keys (in the
// iteration order of the java.util.HashMap Kafka builds), array -> array, integral number ->
// int64, other number -> float64, string, boolean, null. Empty input gives null.
// InvalidArgument for malformed JSON: kJsonReadErrorPrefix followed by the parser's reason.
absl::StatusOr<Value> ParseSchemaless(std::string_view json);

// What the schemaless writer does with the two kinds that have no schema type of their own.
enum class StructsAndDates {
  kRefuse,  // as Kafka's JsonConverter: "Mismatching schema." / "Java class class java.util.Date
            // does not have corresponding schema type."
  kWrite,   // a Struct as an object of its fields (each written schemaless), a Date as millis
};

// JsonConverter.convertToJson with a null schema, appended to `out`. Fails only for a Struct or a
// Date under StructsAndDates::kRefuse (InvalidArgument with Kafka's message).
absl::Status AppendSchemalessJson(const Value& value, StructsAndDates structs_and_dates,
                                  std::string* out);

// JsonConverter.convertToConnect with a null schema: a missing or null node is null, objects
// become maps with string keys in HashMap order, numbers int64 when integral and float64
// otherwise.
Value FromSchemalessJson(const JsonNode& json);

}  // namespace sluice::formats

#endif  // SLUICE_FORMATS_SCHEMALESS_JSON_H_
