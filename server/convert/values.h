// Kafka Connect's org.apache.kafka.connect.data.Values: reading typed Connect data out of a
// string (SimpleHeaderConverter's reading of header bytes, InsertHeader's literal) and writing
// values as that text (SimpleHeaderConverter's writing).
//
//   absl::StatusOr<SchemaAndValue> v = convert::ParseString("42");      // INT8 42
//   absl::StatusOr<SchemaAndValue> l = convert::ParseString("[1, 2]");  // ARRAY of INT8
//   std::string text = convert::ConvertToString(schema, value);        // "{\"a\":1}"
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_CONVERT_VALUES_H_
#define SLUICE_SERVER_CONVERT_VALUES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/convert/converter.h"
#include "sluice/sdk/data.h"

namespace sluice::convert {

// Values.parseString: infers the narrowest type of `text` (booleans, integers INT8..INT64,
// FLOAT32/FLOAT64, Decimal for numbers neither fits, ISO dates/times/timestamps as the logical
// types, [..] arrays, {..} maps, quoted strings) and falls back to a STRING. The empty string is
// an empty STRING. DataException (InvalidArgument) only where Kafka raises one.
absl::StatusOr<SchemaAndValue> ParseString(std::string_view text);

// Values.convertToString: strings as they are, numbers and booleans as Java prints them, bytes
// as base64, Date/Time/Timestamp in their ISO forms, arrays/maps/structs as JSON-like text with
// quoted strings inside. A null value gives "null" (the caller decides whether null is a null).
std::string ConvertToString(const Schema* schema, const Value& value);

// Values.inferSchema: the schema Kafka Connect infers for a schemaless value (null when it
// cannot: an empty list or map, a list of mixed types, a Struct).
SchemaPtr InferSchema(const Value& value);

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_VALUES_H_
