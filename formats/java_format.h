// Java's text forms, which Kafka Connect's converters put on the wire and in error messages:
// Float.toString / Double.toString, BigDecimal.toString, Base64 (java.util / Jackson), the class
// and enum names in DataException messages, and the two's-complement bytes of a BigInteger.
//
// Used by formats/, server/convert and server/transforms. Thread-safe: pure functions.
#ifndef SLUICE_FORMATS_JAVA_FORMAT_H_
#define SLUICE_FORMATS_JAVA_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sluice/sdk/data.h"

namespace sluice::formats {

// Double.toString(d) as JDK 19+ prints it (shortest decimal that rounds back, Java's layout):
// "1.0", "0.001", "1234567.0", "1.0E7", "1.5E-5", "4.9E-324", "NaN", "-Infinity", "-0.0".
std::string JavaDoubleToString(double d);
// Float.toString(f), same rules for float: "1.0", "0.1", "3.4028235E38", "1.4E-45".
std::string JavaFloatToString(float f);

// "class java.lang.Integer" etc.: the Java class Kafka Connect carries for a value of this kind.
std::string_view JavaClassName(Value::Kind kind);
// Schema.Type's Java enum name: "INT32", "FLOAT64", "STRUCT", ...
std::string_view JavaTypeName(SchemaType type);

// BigDecimal.toString() of unscaled * 10^-scale, where `unscaled_be` is the big-endian
// two's-complement unscaled value (empty counts as zero): "12.34", "-0.05", "1E-10", "1.2E+3".
std::string BigDecimalToString(std::string_view unscaled_be, int32_t scale);
// BigInteger.toByteArray(): the minimal big-endian two's-complement form of the same integer
// (strips redundant sign bytes; empty becomes "\0").
std::string MinimalTwosComplement(std::string_view unscaled_be);
// Parses a JSON number (`-?digits(.digits)?([eE][+-]?digits)?`, leading zeros allowed) and returns
// its unscaled value at `scale` in minimal big-endian two's complement. InvalidArgument when the
// number has non-zero digits beyond `scale` or is not a number.
absl::StatusOr<std::string> DecimalTextToUnscaled(std::string_view text, int32_t scale);

// Standard alphabet with '=' padding, no line breaks (Jackson's MIME-NO-LINEFEEDS variant).
std::string Base64Encode(std::string_view bytes);
// Decodes the same alphabet; padding is required, whitespace between quanta is skipped.
// nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace sluice::formats

#endif  // SLUICE_FORMATS_JAVA_FORMAT_H_
