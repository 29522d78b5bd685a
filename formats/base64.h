// Base64 as Java's java.util.Base64 and Jackson write and read it: the standard alphabet with
// '=' padding and no line breaks (Jackson's MIME-NO-LINEFEEDS variant). Bytes in Kafka
// Connect's JSON (BYTES values, BASE64 decimals) are written this way.
//
// Thread-safe: pure functions.
#ifndef SLUICE_FORMATS_BASE64_H_
#define SLUICE_FORMATS_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sluice::formats {

// Standard alphabet with '=' padding, no line breaks.
std::string Base64Encode(std::string_view bytes);
// Decodes the same alphabet; padding is required, whitespace between quanta is skipped.
// nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);
// java.util.Base64.getDecoder().decode(String), step for step: the basic alphabet, padding
// optional but checked when present, nothing after it, no whitespace. InvalidArgument with the
// message of Java's IllegalArgumentException ("Illegal base64 character 21", "Input byte array
// has wrong 4-byte ending unit", ...).
absl::StatusOr<std::string> JavaBase64Decode(std::string_view text);

}  // namespace sluice::formats

#endif  // SLUICE_FORMATS_BASE64_H_
