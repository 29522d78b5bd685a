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

// Values.parseString (Kafka 3.9.1): infers the narrowest type of `text` (booleans, integers
// INT8..INT64, FLOAT32/FLOAT64, Decimal for numbers neither fits, ISO dates/times/timestamps as
// the logical types, [..] arrays, {..} maps, quoted strings) and falls back to a STRING of the
// whole text. The empty string is an empty STRING; the literal null is a null schema and value.
// `text` is UTF-8; ill-formed bytes read as U+FFFD, as Java decodes them.
// Errors, where Kafka has none:
//   - a DataException (InvalidArgument) when the result holds what Sluice's encodings cannot:
//     a BigDecimal outside a Decimal schema or of another scale than its schema's, a
//     java.util.Date that is not whole days under a Date schema (a list of a Time and a Date),
//     a Time or Date beyond 32 bits;
//   - java.lang.StackOverflowError (ResourceExhausted) for arrays and maps nested more than 200
//     deep, where Java overflows its stack somewhat deeper.
// SimpleHeaderConverter falls back to the bytes on any of these, as Java does on a Throwable.
absl::StatusOr<SchemaAndValue> ParseString(std::string_view text);

// Values.convertToString: strings as they are, numbers and booleans as Java prints them, bytes
// as base64, Decimal as BigDecimal.toString, dates (Date/Time/Timestamp values, schemaless
// dates) as "HH:mm:ss.SSS'Z'" when less than a day after the epoch (so also every instant
// before 1970), else "yyyy-MM-dd" when midnight, else "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'" (UTC),
// arrays/maps/structs as JSON-like text with quoted strings inside (a struct with every field,
// defaults applied). A null value gives "null" (the caller decides whether null is a null).
std::string ConvertToString(const Schema* schema, const Value& value);

// Values.inferSchema: the schema Kafka Connect infers for a schemaless value: a struct's own
// schema; ARRAY/MAP of the one type of their elements (optional when some are null; a nested
// ARRAY or MAP without element schemas); null when it cannot (null, a date, an empty list or
// map, mixed types, and a list of nulls only, where Java throws).
SchemaPtr InferSchema(const Value& value);

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_VALUES_H_
