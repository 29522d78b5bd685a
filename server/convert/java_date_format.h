// The three ISO-like java.text.SimpleDateFormat patterns of Kafka Connect's Values
// ("yyyy-MM-dd", "HH:mm:ss.SSS'Z'", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"), as a UTC JVM formats and
// parses them: the Julian calendar before 1582-10-15, and parsing as lenient as SimpleDateFormat
// is by default (fields roll over: "2024-02-30" is March 1; trailing text is ignored; a field
// may have any number of digits, a minus sign, an exponent, or be "NaN").
//
// Internal to server/convert. Thread-safe: pure functions.
#ifndef SLUICE_SERVER_CONVERT_JAVA_DATE_FORMAT_H_
#define SLUICE_SERVER_CONVERT_JAVA_DATE_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::convert {

enum class IsoDatePattern {
  kDate,       // yyyy-MM-dd
  kTime,       // HH:mm:ss.SSS'Z'
  kTimestamp,  // yyyy-MM-dd'T'HH:mm:ss.SSS'Z'
};

// new SimpleDateFormat(pattern).format(new Date(epoch_millis)) in UTC.
std::string FormatIsoDate(int64_t epoch_millis, IsoDatePattern pattern);

// new SimpleDateFormat(pattern).parse(text, new ParsePosition(0)) in UTC: the instant, or
// nullopt where Java returns null (a field or a literal missing).
std::optional<int64_t> ParseIsoDateLeniently(std::u16string_view text, IsoDatePattern pattern);

}  // namespace sluice::convert

#endif  // SLUICE_SERVER_CONVERT_JAVA_DATE_FORMAT_H_
