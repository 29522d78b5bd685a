// Java's text forms, which Kafka Connect's converters put on the wire and in error messages:
// the class and enum names in DataException messages, the two's-complement bytes of a
// BigInteger, Java's view of digits and UTF-16. (Float/Double/BigDecimal.toString are in
// sluice/sdk/java_text.h, base64 in formats/base64.h.)
//
// Internal to server/convert. Thread-safe: pure functions.
#ifndef SLUICE_SERVER_CONVERT_JAVA_FORMAT_H_
#define SLUICE_SERVER_CONVERT_JAVA_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sluice/sdk/data.h"
#include "sluice/sdk/java_text.h"

namespace sluice::convert {

// "class java.lang.Integer" etc.: the Java class Kafka Connect carries for a value of this kind.
std::string_view JavaClassName(Value::Kind kind);
// The same for a value under `schema` (may be null), which decides the logical types: a Date,
// Time or Timestamp value is a java.util.Date, a Decimal a java.math.BigDecimal.
std::string_view JavaClassNameOf(const Schema* schema, const Value& value);
// The ClassCastException Java raises casting that object to `target_class` (a java.base class
// such as "java.lang.Integer"), as Throwable.toString prints it.
std::string JavaClassCastText(const Schema* schema, const Value& value,
                              std::string_view target_class);
// Schema.Type's Java enum name: "INT32", "FLOAT64", "STRUCT", ...
std::string_view JavaTypeName(SchemaType type);

// BigInteger.toByteArray(): the minimal big-endian two's-complement form of the same integer
// (strips redundant sign bytes; empty becomes "\0").
std::string MinimalTwosComplement(std::string_view unscaled_be);
// Parses a JSON number (`-?digits(.digits)?([eE][+-]?digits)?`, leading zeros allowed) and returns
// its unscaled value at `scale` in minimal big-endian two's complement. InvalidArgument when the
// number has non-zero digits beyond `scale` or is not a number.
absl::StatusOr<std::string> DecimalTextToUnscaled(std::string_view text, int32_t scale);

// BigDecimal(String) of a JSON number: its unscaled value (minimal big-endian two's complement)
// and its own scale ("12.30" is 1230 at scale 2, "1E+3" is 1 at scale -3). InvalidArgument for
// text that is not a number.
struct JavaBigDecimal {
  std::string unscaled;
  int32_t scale = 0;
};
absl::StatusOr<JavaBigDecimal> JavaBigDecimalFromText(std::string_view text);

// Character.digit(c, 10) for a UTF-16 code unit: 0..9 for the decimal digits of every script
// (Unicode Nd in the BMP, as JDK 17 knows them), -1 otherwise. Character.isDigit(c) is
// JavaDigit(c) >= 0.
int JavaDigit(char16_t c);

// UTF-8 <-> UTF-16, as Java's String sees text. Utf8ToUtf16 decodes as new String(bytes, UTF_8)
// (ill-formed sequences become U+FFFD); Utf16ToUtf8 encodes as getBytes(UTF_8) (a lone
// surrogate becomes '?').
std::u16string Utf8ToUtf16(std::string_view bytes);
std::string Utf16ToUtf8(std::u16string_view text);

// The text of bytes decoded as Java's UTF-8 decoder does (new String(bytes, UTF_8)): each
// maximal ill-formed subsequence becomes U+FFFD; valid input comes back as it is.
std::string ReplaceInvalidUtf8(std::string_view bytes);

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_JAVA_FORMAT_H_
