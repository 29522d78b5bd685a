// Expected values come from java.text.SimpleDateFormat (OpenJDK 17, default locale en_US, time
// zone UTC, lenient) on the same inputs.
#include "server/transforms/simple_date_format.h"

#include <string>

#include "gtest/gtest.h"

namespace sluice::transforms {
namespace {

TEST(SimpleDateFormat, FormatsAsJava) {
  struct Case {
    const char* pattern;
    int64_t millis;
    const char* text;
  };
  const Case cases[] = {
      {"yyyyMMdd", 1700000000123, "20231114"},
      {"yyyy-MM-dd'T'HH:mm:ss.SSSZ", -1, "1969-12-31T23:59:59.999+0000"},
      {"yyyy-MM-dd'T'HH:mm:ss.SSSX", 1700000000123, "2023-11-14T22:13:20.123Z"},
      {"yyyy-MM-dd HH:mm:ss.SSS XXX", 253402300799999, "9999-12-31 23:59:59.999 Z"},
      // The last day of the Julian calendar.
      {"EEE, dd MMM yyyy HH:mm:ss z", -12219292800001, "Thu, 04 Oct 1582 23:59:59 UTC"},
      {"EEEE MMMM d, y G GGGG", -62198755200000, "Friday January 3, 2 BC BC"},
      {"yy/M/d h:mm a", 946684800000, "00/1/1 12:00 AM"},
      {"YYYY-'W'ww-u", 1609459199999, "2021-W01-4"},
      {"D F W w", -12219292800000, "278 1 1 40"},
      {"k K h H", 86399999, "23 11 11 23"},
      {"S SS SSS SSSS", 1700000000007, "7 07 007 0007"},
      {"zzzz Z XX X", 0, "Coordinated Universal Time +0000 Z Z"},
      {"''yyyy''", 0, "'1970'"},
      {"'o''clock' h", 43200000, "o'clock 12"},
      {"yyyyy MMMMM ddd", -100000000000000, "01200 February 026"},
      {"Y YY YYY", 1704067199999, "2024 24 2024"},
      {"yyyy-MM-dd", -30610224000000, "0999-12-27"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<SimpleDateFormat> f = SimpleDateFormat::Create(c.pattern);
    ASSERT_TRUE(f.ok()) << c.pattern << ": " << f.status();
    EXPECT_EQ(f->Format(c.millis), c.text) << c.pattern << " " << c.millis;
    EXPECT_EQ(f->pattern(), c.pattern);
  }
}

TEST(SimpleDateFormat, ParsesLenientlyAsJava) {
  struct Case {
    const char* pattern;
    const char* text;
    int64_t millis;
  };
  const Case cases[] = {
      {"yyyy-MM-dd", "2020-13-45", 1613260800000},  // month 13 and day 45 roll over
      {"yyyy-MM-dd", "2020-02-30", 1583020800000},
      {"yyyyMMdd", "20201301", 1609459200000},  // abutting fields take their width
      {"HH:mm:ss", "25:61:61", 93721000},
      {"h:mm a", "12:30 pm", 45000000},
      {"k:mm", "24:00", 0},
      {"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2023-11-14T22:13:20.123+0530", 1699980200123},
      {"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2023-11-14T22:13:20.123+05:30", 1699980200123},
      {"yyyy-MM-dd HH:mm:ss z", "2023-11-14 22:13:20 GMT+5:30", 1699980200000},
      {"EEE, dd MMM yyyy", "tuesday, 14 november 2023", 1699920000000},
      {"yyyy-DDD", "2023-400", 1707004800000},
      {"YYYY-'W'ww-u", "2023-W46-2", 1699920000000},
      {"yyyy-MM-dd G", "0044-03-15 BC", -63517996800000},
      {"yyyy-MM-dd", "1582-10-10", -12218860800000},  // Julian
      {"yyyy-MM-dd", "2023-11-14 trailing", 1699920000000},  // a prefix is enough
      {"yyyyMMddHHmmss", "20231114221320", 1700000000000},
      {"yyyy-MM-dd", "-5-01-01", -62325158400000},
      {"yyyy MM F E", "2023 11 2 Tue", 1699920000000},
      {"yy-MM-dd", "5-01-01", -62009539200000},  // one digit: not a two-digit year
  };
  for (const Case& c : cases) {
    absl::StatusOr<SimpleDateFormat> f = SimpleDateFormat::Create(c.pattern);
    ASSERT_TRUE(f.ok()) << c.pattern;
    absl::StatusOr<int64_t> millis = f->Parse(c.text);
    ASSERT_TRUE(millis.ok()) << c.pattern << " " << c.text << ": " << millis.status();
    EXPECT_EQ(*millis, c.millis) << c.pattern << " " << c.text;
  }
}

TEST(SimpleDateFormat, TwoDigitYearsFallInTheCenturyAroundCreation) {
  // Created on 2025-11-30 the century starts on 1945-11-30: "yy" 99 is 1999, 05 is 2005, and
  // 45 would be 1945-01-01, before the start, so it is 2045.
  const absl::Time created = absl::FromUnixMillis(1764460800000);
  absl::StatusOr<SimpleDateFormat> f = SimpleDateFormat::Create("yy-MM-dd", created);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f->Parse("99-01-01"), 915148800000);
  EXPECT_EQ(*f->Parse("05-01-01"), 1104537600000);
  EXPECT_EQ(*f->Parse("45-01-01"), 2366841600000);
}

TEST(SimpleDateFormat, RejectsTextThatDoesNotMatchWithJavasMessage) {
  absl::StatusOr<SimpleDateFormat> f = SimpleDateFormat::Create("yyyy-MM-dd");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->Parse("abc").status().message(), "Unparseable date: \"abc\"");
  EXPECT_EQ(f->Parse("2023/11/14").status().message(), "Unparseable date: \"2023/11/14\"");
  EXPECT_EQ(f->Parse("").status().message(), "Unparseable date: \"\"");
}

TEST(SimpleDateFormat, RejectsBadPatternsWithJavasMessage) {
  EXPECT_EQ(SimpleDateFormat::Create("yyyyq").status().message(),
            "Illegal pattern character 'q'");
  EXPECT_EQ(SimpleDateFormat::Create("yyyy'").status().message(), "Unterminated quote");
  EXPECT_EQ(SimpleDateFormat::Create("XXXX").status().message(),
            "invalid ISO 8601 format: length=4");
}

}  // namespace
}  // namespace sluice::transforms
