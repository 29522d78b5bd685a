// java.text.SimpleDateFormat as Kafka Connect's TimestampConverter and TimestampRouter use it:
// the JVM's default locale taken as en_US, the time zone set to UTC, lenient parsing (Java's
// default), and Java's GregorianCalendar underneath (Julian calendar before 1582-10-15, weeks
// starting on Sunday, week 1 being the week of January 1).
//
//   absl::StatusOr<SimpleDateFormat> f = SimpleDateFormat::Create("yyyy-MM-dd'T'HH:mm:ss.SSSX");
//   f->Format(1700000000123);                  // "2023-11-14T22:13:20.123Z"
//   f->Parse("2023-11-14T22:13:20.123Z");      // 1700000000123
//
// Every pattern letter is supported (G y Y M L w W D d F E u a H k K h m s S z Z X) with Java's
// output for en_US. Parsing follows SimpleDateFormat.parse(String): a prefix of the text may
// match (the rest is ignored), fields out of range roll over (month 13 is January of the next
// year), two-digit years ("yy") fall within 80 years before and 20 after the moment the format
// was created, and Calendar's rules pick which fields make the date when several are given.
//
// Thread-safety: immutable after Create; Format and Parse may be called from any thread.
#ifndef SLUICE_SERVER_TRANSFORMS_SIMPLE_DATE_FORMAT_H_
#define SLUICE_SERVER_TRANSFORMS_SIMPLE_DATE_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sluice::transforms {

class SimpleDateFormat {
 public:
  // new SimpleDateFormat(pattern). InvalidArgument with the message of Java's
  // IllegalArgumentException for a bad pattern: "Illegal pattern character 'q'",
  // "Unterminated quote", "invalid ISO 8601 format: length=4". `now` is the creation time that
  // anchors two-digit years.
  static absl::StatusOr<SimpleDateFormat> Create(std::string_view pattern,
                                                 absl::Time now = absl::Now());

  // toPattern(): the pattern as given.
  const std::string& pattern() const { return pattern_; }

  // format(new Date(epoch_millis)).
  std::string Format(int64_t epoch_millis) const;

  // parse(text).getTime(). InvalidArgument with java.text.ParseException's message,
  // "Unparseable date: \"<text>\"", when the text does not match.
  absl::StatusOr<int64_t> Parse(std::string_view text) const;

  // One compiled element of the pattern: a field letter repeated `count` times, or literal text.
  struct Element {
    char letter = 0;  // 0 for literal text
    int count = 0;
    std::string literal;  // UTF-8
  };

 private:
  SimpleDateFormat() = default;

  std::string pattern_;
  std::vector<Element> elements_;
  int64_t default_century_start_ = 0;  // epoch millis
  int default_century_start_year_ = 0;
};

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_SIMPLE_DATE_FORMAT_H_
