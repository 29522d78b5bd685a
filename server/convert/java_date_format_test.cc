// Expected values come from JDK 17's java.text.SimpleDateFormat (lenient, the default) on a JVM
// whose time zone is UTC, as Kafka 3.9.1's Values uses it.
#include "server/convert/java_date_format.h"

#include <limits>
#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace sluice::convert {
namespace {

struct ParseCase {
  IsoDatePattern pattern;
  std::u16string text;
  std::optional<int64_t> millis;
};

TEST(ParseIsoDateLeniently, MatchesSimpleDateFormat) {
  const ParseCase kCases[] = {
      {IsoDatePattern::kDate, u"2024-01-31", 1706659200000LL},
      {IsoDatePattern::kDate, u"2024-02-30", 1709251200000LL},
      {IsoDatePattern::kDate, u"2024-13-01", 1735689600000LL},
      {IsoDatePattern::kDate, u"2024-00-00", 1701302400000LL},
      {IsoDatePattern::kDate, u"0000-01-01", -62167392000000LL},
      {IsoDatePattern::kDate, u"-001-01-01", -62198928000000LL},
      {IsoDatePattern::kDate, u"1582-10-10", -12218860800000LL},
      {IsoDatePattern::kDate, u"1582-10-04", -12219379200000LL},
      {IsoDatePattern::kDate, u"1581-13-01", -12243225600000LL},
      {IsoDatePattern::kDate, u" 2024- 1-\u00091", 1704067200000LL},
      {IsoDatePattern::kDate, u"2024-1-1trailing", 1704067200000LL},
      {IsoDatePattern::kDate, u"2E3-1-1", 946684800000LL},
      {IsoDatePattern::kDate, u"2E-3-1-1", -62167392000000LL},
      {IsoDatePattern::kDate, u"NaN-1-1", -62167392000000LL},
      {IsoDatePattern::kDate, u"\u221E-1-1", -6019000092841406464LL},
      {IsoDatePattern::kDate, u"-\u221E-1-1", 6017484157321406464LL},
      {IsoDatePattern::kDate, u"99999999999-1-1", 1471883220702496768LL},
      {IsoDatePattern::kDate, u"9223372036854775808-1-1", -6019000092841406464LL},
      {IsoDatePattern::kDate, u"-9223372036854775808-1-1", -62167392000000LL},
      {IsoDatePattern::kDate, u"\u0662\u0660\u0662\u0664-\u0660\u0661-\u0663\u0661", 1706659200000LL},
      {IsoDatePattern::kDate, u"2024-01", std::nullopt},
      {IsoDatePattern::kDate, u"2024/01/31", std::nullopt},
      {IsoDatePattern::kDate, u"+2024-01-31", std::nullopt},
      {IsoDatePattern::kDate, u"1e1000-1-1", std::nullopt},
      {IsoDatePattern::kDate, u"2024-2147483647-1", 5647338232128000000LL},
      {IsoDatePattern::kDate, u"2024--2147483648-1", 5647338234806400000LL},
      {IsoDatePattern::kDate, u"2147483647-12-31", -6019000061391806464LL},
      {IsoDatePattern::kDate, u"-2147483648-1-1", 6017484157321406464LL},
      {IsoDatePattern::kTime, u"12:34:56.789Z", 45296789LL},
      {IsoDatePattern::kTime, u"25:00:00.000Z", 90000000LL},
      {IsoDatePattern::kTime, u"-1:00:00.000Z", -3600000LL},
      {IsoDatePattern::kTime, u"12:34:56.789", std::nullopt},
      {IsoDatePattern::kTime, u"1:2:3.4Z", 3723004LL},
      {IsoDatePattern::kTime, u"999999:0:0.0Z", 3599996400000LL},
      {IsoDatePattern::kTime, u"2147483647:0:0.0Z", 7730941129200000LL},
      {IsoDatePattern::kTime, u"0:0:0.-1Z", -1LL},
      {IsoDatePattern::kTime, u"0:0:0.1E3Z", 1000LL},
      {IsoDatePattern::kTimestamp, u"2024-01-31T12:34:56.789Z", 1706704496789LL},
      {IsoDatePattern::kTimestamp, u"1582-10-04T23:59:59.999Z", -12219292800001LL},
      {IsoDatePattern::kTimestamp, u"1582-10-04T24:00:00.000Z", -12219292800000LL},
      {IsoDatePattern::kTimestamp, u"1582-10-15T-1:00:00.000Z", -12218432400000LL},
      {IsoDatePattern::kTimestamp, u"1582-10-05T00:00:00.000Z", -12219292800000LL},
      {IsoDatePattern::kTimestamp, u"1583-1--80T00:00:00.000Z", -12218688000000LL},
      {IsoDatePattern::kTimestamp, u"292278994-8-17T7:12:55.807Z", 9223372036854775807LL},
      {IsoDatePattern::kTimestamp, u"292278994-8-17T7:12:55.808Z", std::numeric_limits<int64_t>::min()},
      {IsoDatePattern::kTimestamp, u"2147483647-12-31T23:59:59.999Z", -6019000061305406465LL},
  };
  for (const ParseCase& c : kCases) {
    EXPECT_EQ(ParseIsoDateLeniently(c.text, c.pattern), c.millis)
        << std::string(c.text.begin(), c.text.end());
  }
}

TEST(FormatIsoDate, FormatsInUtcWithTheJulianCalendarBefore1582) {
  EXPECT_EQ(FormatIsoDate(1706704496789, IsoDatePattern::kTimestamp), "2024-01-31T12:34:56.789Z");
  EXPECT_EQ(FormatIsoDate(1706704496789, IsoDatePattern::kDate), "2024-01-31");
  EXPECT_EQ(FormatIsoDate(1706704496789, IsoDatePattern::kTime), "12:34:56.789Z");
  EXPECT_EQ(FormatIsoDate(-1, IsoDatePattern::kTimestamp), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIsoDate(-12219292800001, IsoDatePattern::kTimestamp),
            "1582-10-04T23:59:59.999Z");
  // The year within its era: 1 BC prints as 0001.
  EXPECT_EQ(FormatIsoDate(-62167392000000, IsoDatePattern::kDate), "0001-01-01");
  EXPECT_EQ(FormatIsoDate(253402300800000, IsoDatePattern::kDate), "10000-01-01");
}

}  // namespace
}  // namespace sluice::convert
