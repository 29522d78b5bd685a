// The text the file sink writes for a value: Java's String.valueOf(value) for the types Kafka
// Connect carries, so that a sink file reads as it would from the Java FileStreamSink.
#ifndef SLUICE_CONNECTORS_FILE_VALUE_TEXT_H_
#define SLUICE_CONNECTORS_FILE_VALUE_TEXT_H_

#include <string>

#include "sluice/sdk/data.h"

namespace sluice::connectors::file {

// Appends the text of `value` to `out`. `schema` may be null (schemaless data).
//   null -> "null"; a string as is; bytes as is; booleans "true"/"false"; integers in decimal;
//   floats as Java prints them ("1.0", "1.0E10"); arrays "[a, b]"; maps "{k=v, k2=v2}";
//   structs "Struct{name=v,...}" (non-null fields only, as Kafka Connect's Struct.toString);
//   Decimal as its plain decimal string; Date "2024-01-31", Time "12:34:56.789" and Timestamp
//   "2024-01-31T12:34:56.789Z" in UTC.
void AppendValueText(const Schema* schema, const Value& value, std::string& out);

}  // namespace sluice::connectors::file

#endif  // SLUICE_CONNECTORS_FILE_VALUE_TEXT_H_
