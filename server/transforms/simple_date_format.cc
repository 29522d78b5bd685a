// SimpleDateFormat: pattern compilation, formatting and lenient parsing as java.text's, over a
// model of java.util.GregorianCalendar in UTC (en_US: weeks start on Sunday, one day makes the
// first week; the Julian calendar before the Gregorian cutover of 1582-10-15).
#include "server/transforms/simple_date_format.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sluice::transforms {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr int64_t kMillisPerDay = 86400000;
// Rata Die (Java's "fixed date": 0001-01-01 Gregorian is day 1) of 1970-01-01.
constexpr int64_t kEpochFixedDate = 719163;
// The first day of the Gregorian calendar, 1582-10-15, as a fixed date.
constexpr int64_t kCutoverFixedDate = 577736;
constexpr int kCutoverYear = 1582;
constexpr int kSunday = 1;  // Calendar.SUNDAY; also the first day of the week in en_US
constexpr int kMinimalDaysInFirstWeek = 1;

constexpr std::string_view kPatternChars = "GyMdkHmsSEDFwWahKzZYuXL";

const std::array<const char*, 12> kMonths = {"January", "February", "March",     "April",
                                             "May",     "June",     "July",      "August",
                                             "September", "October", "November", "December"};
const std::array<const char*, 12> kShortMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
// Indexed by Calendar.DAY_OF_WEEK (1 = Sunday).
const std::array<const char*, 8> kWeekdays = {"",          "Sunday",   "Monday", "Tuesday",
                                              "Wednesday", "Thursday", "Friday", "Saturday"};
const std::array<const char*, 8> kShortWeekdays = {"",    "Sun", "Mon", "Tue",
                                                   "Wed", "Thu", "Fri", "Sat"};

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

bool IsGregorianLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
bool IsJulianLeap(int64_t y) { return FloorMod(y, 4) == 0; }

// Fixed date of year-month-day (month 1..12, day 1..), proleptic Gregorian.
int64_t GregorianFixedDate(int64_t y, int64_t m, int64_t d) {
  // Days from civil (H. Hinnant), shifted to fixed dates.
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (m + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + kEpochFixedDate;
}

// 0001-01-01 Julian is 0000-12-30 Gregorian, fixed date -1; March 1 of the year before is 306
// days earlier.
constexpr int64_t kJulianMarch1OfYear0 = -307;

// Fixed date of year-month-day in the Julian calendar (year 0 = 1 BC).
int64_t JulianFixedDate(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 4);
  const int64_t yoe = y - era * 4;
  const int64_t mp = (m + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + doy;
  return era * 1461 + doe + kJulianMarch1OfYear0;
}

struct CivilDate {
  int64_t year;  // may be <= 0 (1 BC is 0)
  int month;     // 1..12
  int day;
};

CivilDate GregorianFromFixed(int64_t fixed) {
  const int64_t z = fixed - kEpochFixedDate + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

CivilDate JulianFromFixed(int64_t fixed) {
  const int64_t z = fixed - kJulianMarch1OfYear0;
  const int64_t era = FloorDiv(z, 1461);
  const int64_t doe = z - era * 1461;
  const int64_t yoe = std::min<int64_t>(doe / 365, 3);
  const int64_t doy = doe - 365 * yoe;
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 4 + (m <= 2), m, d};
}


// The fixed date of January 1 of `year` as GregorianCalendar counts it: Julian up to the
// cutover year, Gregorian after.
int64_t FixedDateOfJanuary1(int64_t year) {
  return year > kCutoverYear ? GregorianFixedDate(year, 1, 1) : JulianFixedDate(year, 1, 1);
}

CivilDate CivilFromFixed(int64_t fixed) {
  return fixed >= kCutoverFixedDate ? GregorianFromFixed(fixed) : JulianFromFixed(fixed);
}

// BaseCalendar.getDayOfWeekDateOnOrBefore: the last `day_of_week` (1 = Sunday) on or before
// `fixed`.
int64_t DayOfWeekOnOrBefore(int64_t fixed, int day_of_week) {
  // Fixed date 1 (0001-01-01) is a Monday.
  return fixed - FloorMod(fixed - (day_of_week - 1), 7);
}

int DayOfWeek(int64_t fixed) { return static_cast<int>(FloorMod(fixed, 7)) + 1; }

// GregorianCalendar.getWeekNumber.
int64_t WeekNumber(int64_t fixed_day1, int64_t fixed) {
  int64_t first = DayOfWeekOnOrBefore(fixed_day1 + 6, kSunday);
  if (first - fixed_day1 >= kMinimalDaysInFirstWeek) first -= 7;
  return FloorDiv(fixed - first, 7) + 1;
}

// The calendar fields GregorianCalendar computes for an instant in UTC.
struct Fields {
  int era;            // 0 BC, 1 AD
  int64_t year;       // of the era, >= 1
  int month;          // 0..11
  int day_of_month;   // 1..
  int day_of_year;    // 1..
  int day_of_week;    // 1 = Sunday
  int week_of_year;
  int week_of_month;
  int day_of_week_in_month;
  int64_t week_year;  // signed
  int hour_of_day;
  int minute;
  int second;
  int millisecond;
};

Fields ComputeFields(int64_t epoch_millis) {
  Fields f{};
  const int64_t days = FloorDiv(epoch_millis, kMillisPerDay);
  int64_t ms = epoch_millis - days * kMillisPerDay;
  const int64_t fixed = days + kEpochFixedDate;
  const CivilDate c = CivilFromFixed(fixed);
  f.era = c.year > 0 ? 1 : 0;
  f.year = c.year > 0 ? c.year : 1 - c.year;
  f.month = c.month - 1;
  f.day_of_month = c.day;
  const int64_t jan1 = FixedDateOfJanuary1(c.year);
  f.day_of_year = static_cast<int>(fixed - jan1 + 1);
  f.day_of_week = DayOfWeek(fixed);
  int64_t woy = WeekNumber(jan1, fixed);
  if (woy >= 52) {
    const int64_t next_jan1 = FixedDateOfJanuary1(c.year + 1);
    int64_t next_first = DayOfWeekOnOrBefore(next_jan1 + 6, kSunday);
    if (next_first - next_jan1 >= kMinimalDaysInFirstWeek) next_first -= 7;
    if (fixed >= next_first) woy = 1;
  }
  f.week_of_year = static_cast<int>(woy);
  // In October 1582 the month begins, for weeks, on the cutover day.
  int64_t month1 = fixed - c.day + 1;
  if (fixed >= kCutoverFixedDate && month1 < kCutoverFixedDate) month1 = kCutoverFixedDate;
  f.week_of_month = static_cast<int>(WeekNumber(month1, fixed));
  f.day_of_week_in_month = static_cast<int>((fixed - month1) / 7 + 1);
  f.week_year = c.year;
  if (f.month == 0) {
    if (f.week_of_year >= 52) --f.week_year;
  } else if (f.week_of_year == 1) {
    ++f.week_year;
  }
  f.hour_of_day = static_cast<int>(ms / 3600000);
  ms %= 3600000;
  f.minute = static_cast<int>(ms / 60000);
  ms %= 60000;
  f.second = static_cast<int>(ms / 1000);
  f.millisecond = static_cast<int>(ms % 1000);
  return f;
}

// DecimalFormat with minimumIntegerDigits = min_digits and maximumIntegerDigits = max_digits
// (Java's zeroPaddingNumber): keeps the low max_digits digits.
void ZeroPad(int64_t value, int min_digits, int max_digits, std::string& out) {
  const bool negative = value < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  if (static_cast<int>(digits.size()) > max_digits) {
    digits = digits.substr(digits.size() - max_digits);
  }
  if (negative) out += '-';
  for (int i = static_cast<int>(digits.size()); i < min_digits; ++i) out += '0';
  out += digits;
}

constexpr int kMaxInt = std::numeric_limits<int32_t>::max();

bool IsNumericField(char letter, int count) {
  switch (letter) {
    case 'M':
    case 'L':
      return count <= 2;
    case 'y': case 'd': case 'k': case 'H': case 'm': case 's': case 'S': case 'D': case 'F':
    case 'w': case 'W': case 'h': case 'K': case 'Y': case 'u':
      return true;
    default:
      return false;
  }
}

// Java's String.regionMatches(ignoreCase = true, ...) for ASCII names.
bool RegionMatchesIgnoreCase(std::string_view text, size_t start, std::string_view name) {
  if (start > text.size() || text.size() - start < name.size()) return false;
  return absl::EqualsIgnoreCase(Av(text.substr(start, name.size())), Av(name));
}

// Calendar's field stamps: which fields were set, in what order.
enum Field {
  kEra, kYear, kMonth, kWeekOfYear, kWeekOfMonth, kDayOfMonth, kDayOfYear, kDayOfWeek,
  kDayOfWeekInMonth, kAmPm, kHour, kHourOfDay, kMinute, kSecond, kMillisecond, kZoneOffset,
  kWeekYear, kFieldCount
};

class CalendarBuilder {
 public:
  void Set(Field field, int64_t value) {
    values_[field] = value;
    stamps_[field] = next_stamp_++;
  }
  bool IsSet(Field field) const { return stamps_[field] != 0; }
  int64_t Get(Field field) const { return values_[field]; }
  int Stamp(Field field) const { return stamps_[field]; }
  void AddYear(int64_t years) {
    values_[kYear] += years;
    values_[kWeekYear] += years;
  }

 private:
  std::array<int64_t, kFieldCount> values_{};
  std::array<int, kFieldCount> stamps_{};
  int next_stamp_ = 2;  // Calendar.MINIMUM_USER_STAMP
};

int AggregateStamp(int a, int b) {
  if (a == 0 || b == 0) return 0;
  return std::max(a, b);
}

int64_t MonthLength(int64_t year, int month /* 0..11 */, bool julian) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 1) return (julian ? IsJulianLeap(year) : IsGregorianLeap(year)) ? 29 : 28;
  return kDays[month];
}

// GregorianCalendar.getFixedDate for one calendar system: the date the selected fields name.
int64_t FixedDateFor(const CalendarBuilder& cal, bool julian, int64_t year, bool use_month,
                     bool use_dom, bool use_wom, bool use_dowim, bool use_dow, bool use_doy) {
  int64_t month = 0;
  if (use_month && cal.IsSet(kMonth)) {
    month = cal.Get(kMonth);
    year += FloorDiv(month, 12);
    month = FloorMod(month, 12);
  }
  int64_t fixed = julian ? JulianFixedDate(year, month + 1, 1)
                         : GregorianFixedDate(year, month + 1, 1);
  const int first_dow = kSunday;
  if (use_month) {
    if (use_dom) {
      if (cal.IsSet(kDayOfMonth)) fixed += cal.Get(kDayOfMonth) - 1;
    } else if (use_wom) {
      int64_t first = DayOfWeekOnOrBefore(fixed + 6, first_dow);
      if (first - fixed >= kMinimalDaysInFirstWeek) first -= 7;
      if (use_dow) first = DayOfWeekOnOrBefore(first + 6, static_cast<int>(cal.Get(kDayOfWeek)));
      fixed = first + 7 * (cal.Get(kWeekOfMonth) - 1);
    } else {
      const int dow = use_dow ? static_cast<int>(cal.Get(kDayOfWeek)) : first_dow;
      const int64_t dowim = use_dowim ? cal.Get(kDayOfWeekInMonth) : 1;
      if (dowim >= 0) {
        fixed = DayOfWeekOnOrBefore(fixed + 7 * dowim - 1, dow);
      } else {
        const int64_t last = MonthLength(year, static_cast<int>(month), julian) + 7 * (dowim + 1);
        fixed = DayOfWeekOnOrBefore(fixed + last - 1, dow);
      }
    }
  } else {
    if (!julian && year == kCutoverYear && fixed < kCutoverFixedDate) fixed = kCutoverFixedDate;
    if (use_doy) {
      fixed += cal.Get(kDayOfYear) - 1;
    } else {
      int64_t first = DayOfWeekOnOrBefore(fixed + 6, first_dow);
      if (first - fixed >= kMinimalDaysInFirstWeek) first -= 7;
      if (use_dow) {
        const int dow = static_cast<int>(cal.Get(kDayOfWeek));
        if (dow != first_dow) first = DayOfWeekOnOrBefore(first + 6, dow);
      }
      fixed = first + 7 * (cal.Get(kWeekOfYear) - 1);
    }
  }
  return fixed;
}

// Calendar.selectFields + GregorianCalendar.computeTime for a cleared, lenient calendar in UTC.
int64_t ComputeTime(const CalendarBuilder& cal) {
  // Week dates ("Y" set after "y"): CalendarBuilder.establish calls setWeekDate.
  const bool week_date = cal.IsSet(kWeekYear) && cal.Stamp(kWeekYear) > cal.Stamp(kYear);
  int64_t year = cal.IsSet(kYear) ? cal.Get(kYear) : 1970;
  if (cal.IsSet(kEra) && cal.Get(kEra) == 0) year = 1 - year;

  // Time of day.
  int64_t time_of_day = 0;
  {
    const int hod = cal.Stamp(kHourOfDay);
    const int hour = AggregateStamp(cal.Stamp(kHour), cal.Stamp(kAmPm));
    int best = std::max(hod, hour);
    if (best == 0) best = std::max(cal.Stamp(kHour), cal.Stamp(kAmPm));
    if (best != 0) {
      if (best == hod) {
        time_of_day += cal.Get(kHourOfDay);
      } else {
        time_of_day += cal.Get(kHour);
        if (cal.IsSet(kAmPm)) time_of_day += 12 * cal.Get(kAmPm);
      }
    }
  }
  time_of_day = time_of_day * 60 + cal.Get(kMinute);
  time_of_day = time_of_day * 60 + cal.Get(kSecond);
  time_of_day = time_of_day * 1000 + cal.Get(kMillisecond);
  int64_t fixed = FloorDiv(time_of_day, kMillisPerDay);
  time_of_day = FloorMod(time_of_day, kMillisPerDay);

  bool use_month = false, use_dom = false, use_wom = false, use_dowim = false, use_dow = false,
       use_doy = false;
  {
    const int dow_stamp = cal.Stamp(kDayOfWeek);
    const int month_stamp = cal.Stamp(kMonth);
    int dom_stamp = cal.Stamp(kDayOfMonth);
    int wom_stamp = AggregateStamp(cal.Stamp(kWeekOfMonth), dow_stamp);
    int dowim_stamp = AggregateStamp(cal.Stamp(kDayOfWeekInMonth), dow_stamp);
    const int doy_stamp = cal.Stamp(kDayOfYear);
    int woy_stamp = AggregateStamp(cal.Stamp(kWeekOfYear), dow_stamp);
    int best = dom_stamp;
    best = std::max({best, wom_stamp, dowim_stamp, doy_stamp, woy_stamp});
    if (best == 0) {
      wom_stamp = cal.Stamp(kWeekOfMonth);
      dowim_stamp = std::max(cal.Stamp(kDayOfWeekInMonth), dow_stamp);
      woy_stamp = cal.Stamp(kWeekOfYear);
      best = std::max({wom_stamp, dowim_stamp, woy_stamp});
      if (best == 0) best = dom_stamp = month_stamp;
    }
    if (best == dom_stamp ||
        (best == wom_stamp && cal.Stamp(kWeekOfMonth) >= cal.Stamp(kWeekOfYear)) ||
        (best == dowim_stamp && cal.Stamp(kDayOfWeekInMonth) >= cal.Stamp(kWeekOfYear))) {
      use_month = true;
      if (best == dom_stamp) {
        use_dom = true;
      } else {
        if (dow_stamp != 0) use_dow = true;
        if (wom_stamp == dowim_stamp) {
          if (cal.Stamp(kWeekOfMonth) >= cal.Stamp(kDayOfWeekInMonth)) {
            use_wom = true;
          } else {
            use_dowim = true;
          }
        } else if (best == wom_stamp) {
          use_wom = true;
        } else if (cal.Stamp(kDayOfWeekInMonth) != 0) {
          use_dowim = true;
        }
      }
    } else if (best == doy_stamp) {
      use_doy = true;
    } else {
      if (dow_stamp != 0) use_dow = true;
    }
    auto date_for = [&](bool julian) {
      return FixedDateFor(cal, julian, year, use_month, use_dom, use_wom, use_dowim, use_dow,
                          use_doy);
    };
    int64_t date;
    if (year > kCutoverYear) {
      date = date_for(false);
      if (date < kCutoverFixedDate) date = date_for(true);
    } else if (year < kCutoverYear) {
      date = date_for(true);
    } else {
      // The cutover year: a date Gregorian counting puts after the cutover but Julian counting
      // before it is taken as Julian, unless a day of the month names it.
      const int64_t g = date_for(false);
      const int64_t j = date_for(true);
      if (g < kCutoverFixedDate) {
        date = j;
      } else if (j >= kCutoverFixedDate || use_dom) {
        date = g;
      } else {
        date = j;
      }
    }
    if (week_date) {
      // CalendarBuilder.establish, then GregorianCalendar.setWeekDate(weekYear, week, day): the
      // week year counts in the era of the date the other fields make.
      int64_t woy = cal.IsSet(kWeekOfYear) ? cal.Get(kWeekOfYear) : 1;
      int64_t dow = cal.IsSet(kDayOfWeek) ? cal.Get(kDayOfWeek) : kSunday;
      if (dow < 1 || dow > 7) {
        if (dow >= 8) {
          --dow;
          woy += dow / 7;
          dow = dow % 7 + 1;
        } else {
          while (dow <= 0) {
            dow += 7;
            --woy;
          }
        }
        dow = dow == 7 ? kSunday : dow + 1;
      }
      int64_t week_year = cal.Get(kWeekYear);
      if (CivilFromFixed(date).year <= 0) week_year = 1 - week_year;
      auto first_week = [&](bool julian) {
        int64_t jan1 = julian ? JulianFixedDate(week_year, 1, 1)
                              : GregorianFixedDate(week_year, 1, 1);
        if (!julian && week_year == kCutoverYear && jan1 < kCutoverFixedDate) {
          jan1 = kCutoverFixedDate;
        }
        int64_t first = DayOfWeekOnOrBefore(jan1 + 6, kSunday);
        if (first - jan1 >= kMinimalDaysInFirstWeek) first -= 7;
        return first;
      };
      int64_t first;
      if (week_year > kCutoverYear) {
        first = first_week(false);
        if (first < kCutoverFixedDate) first = first_week(true);
      } else if (week_year < kCutoverYear) {
        first = first_week(true);
      } else {
        const int64_t g = first_week(false);
        const int64_t j = first_week(true);
        first = (g < kCutoverFixedDate || j < kCutoverFixedDate) ? j : g;
      }
      date = first + (dow - kSunday) + 7 * (woy - 1);
    }
    fixed += date;
  }
  int64_t millis = (fixed - kEpochFixedDate) * kMillisPerDay + time_of_day;
  if (cal.IsSet(kZoneOffset)) millis -= cal.Get(kZoneOffset);
  return millis;
}

}  // namespace

absl::StatusOr<SimpleDateFormat> SimpleDateFormat::Create(std::string_view pattern,
                                                          absl::Time now) {
  SimpleDateFormat f;
  f.pattern_ = std::string(pattern);
  std::vector<Element>& out = f.elements_;
  bool in_quote = false;
  std::string quoted;
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        i += 2;
        if (in_quote) {
          quoted += '\'';
        } else {
          // A literal quote is an element of its own in Java's compiled pattern.
          Element e;
          e.literal = "'";
          out.push_back(std::move(e));
        }
        continue;
      }
      if (!in_quote) {
        quoted.clear();
        in_quote = true;
      } else {
        Element e;
        e.literal = quoted;
        out.push_back(std::move(e));
        in_quote = false;
      }
      ++i;
      continue;
    }
    if (in_quote) {
      quoted += c;
      ++i;
      continue;
    }
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      // Each ASCII delimiter is its own element in Java; runs of non-ASCII text are one.
      Element e;
      size_t j = i + 1;
      if (static_cast<unsigned char>(c) >= 0x80) {
        while (j < pattern.size() && pattern[j] != '\'' &&
               !absl::ascii_isalpha(static_cast<unsigned char>(pattern[j]))) {
          ++j;
        }
      }
      e.literal = std::string(pattern.substr(i, j - i));
      out.push_back(std::move(e));
      i = j;
      continue;
    }
    if (kPatternChars.find(c) == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("Illegal pattern character '", std::string(1, c), "'"));
    }
    if (!out.empty() && out.back().letter == c && i > 0 && pattern[i - 1] == c) {
      ++out.back().count;
    } else {
      Element e;
      e.letter = c;
      e.count = 1;
      out.push_back(std::move(e));
    }
    ++i;
  }
  if (in_quote) return absl::InvalidArgumentError("Unterminated quote");
  for (const Element& e : out) {
    if (e.letter == 'X' && e.count >= 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid ISO 8601 format: length=", e.count));
    }
  }
  // The default century: 80 years before the format was made.
  const int64_t now_millis = absl::ToUnixMillis(now);
  Fields nf = ComputeFields(now_millis);
  const int64_t now_year = nf.era == 1 ? nf.year : 1 - nf.year;
  CalendarBuilder cb;
  cb.Set(kYear, now_year - 80);
  cb.Set(kMonth, nf.month);
  cb.Set(kDayOfMonth, nf.day_of_month);
  cb.Set(kHourOfDay, nf.hour_of_day);
  cb.Set(kMinute, nf.minute);
  cb.Set(kSecond, nf.second);
  cb.Set(kMillisecond, nf.millisecond);
  f.default_century_start_ = ComputeTime(cb);
  f.default_century_start_year_ = static_cast<int>(now_year - 80);
  return f;
}

std::string SimpleDateFormat::Format(int64_t epoch_millis) const {
  const Fields f = ComputeFields(epoch_millis);
  std::string out;
  for (const Element& e : elements_) {
    if (e.letter == 0) {
      out += e.literal;
      continue;
    }
    const int count = e.count;
    switch (e.letter) {
      case 'G':
        out += f.era == 1 ? "AD" : "BC";  // any count, as Java's en_US
        break;
      case 'y':
        if (count != 2) {
          ZeroPad(f.year, count, kMaxInt, out);
        } else {
          ZeroPad(f.year, 2, 2, out);
        }
        break;
      case 'Y':
        if (count != 2) {
          ZeroPad(f.week_year, count, kMaxInt, out);
        } else {
          ZeroPad(f.week_year, 2, 2, out);
        }
        break;
      case 'M':
      case 'L':
        if (count >= 4) {
          out += kMonths[f.month];
        } else if (count == 3) {
          out += kShortMonths[f.month];
        } else {
          ZeroPad(f.month + 1, count, kMaxInt, out);
        }
        break;
      case 'd':
        ZeroPad(f.day_of_month, count, kMaxInt, out);
        break;
      case 'k':
        ZeroPad(f.hour_of_day == 0 ? 24 : f.hour_of_day, count, kMaxInt, out);
        break;
      case 'H':
        ZeroPad(f.hour_of_day, count, kMaxInt, out);
        break;
      case 'm':
        ZeroPad(f.minute, count, kMaxInt, out);
        break;
      case 's':
        ZeroPad(f.second, count, kMaxInt, out);
        break;
      case 'S':
        ZeroPad(f.millisecond, count, kMaxInt, out);
        break;
      case 'E':
        out += count >= 4 ? kWeekdays[f.day_of_week] : kShortWeekdays[f.day_of_week];
        break;
      case 'D':
        ZeroPad(f.day_of_year, count, kMaxInt, out);
        break;
      case 'F':
        ZeroPad(f.day_of_week_in_month, count, kMaxInt, out);
        break;
      case 'w':
        ZeroPad(f.week_of_year, count, kMaxInt, out);
        break;
      case 'W':
        ZeroPad(f.week_of_month, count, kMaxInt, out);
        break;
      case 'a':
        out += f.hour_of_day < 12 ? "AM" : "PM";
        break;
      case 'h': {
        const int h = f.hour_of_day % 12;
        ZeroPad(h == 0 ? 12 : h, count, kMaxInt, out);
        break;
      }
      case 'K':
        ZeroPad(f.hour_of_day % 12, count, kMaxInt, out);
        break;
      case 'z':
        out += count >= 4 ? "Coordinated Universal Time" : "UTC";
        break;
      case 'Z':
        out += "+0000";
        break;
      case 'X':
        out += "Z";
        break;
      case 'u':
        ZeroPad(f.day_of_week == kSunday ? 7 : f.day_of_week - 1, count, kMaxInt, out);
        break;
      default:
        break;
    }
  }
  return out;
}

namespace {

// DecimalFormat.parse with parseIntegerOnly on text[pos, limit): an optional '-' and ASCII
// digits. Returns the value as Number.intValue() gives it; nullopt (pos unchanged) when there is
// no number.
std::optional<int32_t> ParseInteger(std::string_view text, size_t& pos, size_t limit) {
  size_t i = pos;
  bool negative = false;
  if (i < limit && text[i] == '-') {
    negative = true;
    ++i;
  }
  const size_t digits_start = i;
  uint64_t value = 0;
  bool overflow = false;
  while (i < limit && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > (std::numeric_limits<uint64_t>::max() - 9) / 10) overflow = true;
    if (!overflow) value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == digits_start) return std::nullopt;
  pos = i;
  // Beyond a long, DecimalFormat returns a Double whose intValue() saturates.
  if (overflow || value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return negative ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
  }
  int64_t v = static_cast<int64_t>(value);
  if (negative) v = -v;
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

// SimpleDateFormat.matchString: the longest of `names` (case-insensitive) at `start`.
int MatchName(std::string_view text, size_t start, const std::vector<std::pair<std::string, int>>& names,
              int& value) {
  const std::pair<std::string, int>* best = nullptr;
  for (const auto& entry : names) {
    if (best == nullptr || entry.first.size() > best->first.size()) {
      if (RegionMatchesIgnoreCase(text, start, entry.first)) best = &entry;
    }
  }
  if (best == nullptr) return -1;
  value = best->second;
  return static_cast<int>(start + best->first.size());
}

// subParseNumericZone: [+-] already consumed; hh[[:]mm]. Returns the end, or -1.
int ParseNumericZone(std::string_view text, size_t start, int sign, int count, bool colon,
                     CalendarBuilder& cal) {
  size_t index = start;
  auto at = [&](size_t i) -> int { return i < text.size() ? static_cast<unsigned char>(text[i]) : -1; };
  auto digit = [](int c) { return c >= '0' && c <= '9'; };
  int c = at(index++);
  if (!digit(c)) return -1;
  int hours = c - '0';
  c = at(index++);
  if (digit(c)) {
    hours = hours * 10 + (c - '0');
  } else {
    if (count > 0 || !colon) return -1;
    --index;
  }
  if (hours > 23) return -1;
  int minutes = 0;
  if (count != 1) {
    c = at(index++);
    if (colon) {
      if (c != ':') return -1;
      c = at(index++);
    }
    if (!digit(c)) return -1;
    minutes = c - '0';
    c = at(index++);
    if (!digit(c)) return -1;
    minutes = minutes * 10 + (c - '0');
    if (minutes > 59) return -1;
  }
  minutes += hours * 60;
  cal.Set(kZoneOffset, static_cast<int64_t>(minutes) * 60000 * sign);
  return static_cast<int>(index);
}

std::vector<std::pair<std::string, int>> Names(const char* const* names, int n, int first) {
  std::vector<std::pair<std::string, int>> out;
  for (int i = 0; i < n; ++i) out.emplace_back(names[i], first + i);
  return out;
}

// SimpleDateFormat.subParse for one field. Returns the end of the field, or -1.
int SubParse(std::string_view text, size_t start, char letter, int count, bool obey_count,
             bool& ambiguous_year, int default_century_start_year, CalendarBuilder& cal) {
  size_t pos = start;
  while (true) {
    if (pos >= text.size()) return -1;
    if (text[pos] != ' ' && text[pos] != '\t') break;
    ++pos;
  }
  const size_t actual_start = pos;
  auto number = [&]() -> std::optional<int32_t> {
    if (obey_count) {
      if (start + count > text.size()) return std::nullopt;
      return ParseInteger(text, pos, start + count);
    }
    return ParseInteger(text, pos, text.size());
  };
  int value = 0;
  switch (letter) {
    case 'G': {
      static const char* const kEras[] = {"BC", "AD"};
      std::vector<std::pair<std::string, int>> names = Names(kEras, 2, 0);
      names.emplace_back("Before Christ", 0);
      names.emplace_back("Anno Domini", 1);
      const int end = MatchName(text, start, names, value);
      if (end < 0) return -1;
      cal.Set(kEra, value);
      return end;
    }
    case 'y':
    case 'Y': {
      std::optional<int32_t> n = number();
      if (!n.has_value()) return -1;
      int64_t year = *n;
      if (count <= 2 && pos - actual_start == 2 &&
          absl::ascii_isdigit(static_cast<unsigned char>(text[actual_start])) &&
          absl::ascii_isdigit(static_cast<unsigned char>(text[actual_start + 1]))) {
        const int ambiguous = default_century_start_year % 100;
        ambiguous_year = year == ambiguous;
        year += (default_century_start_year / 100) * 100 + (year < ambiguous ? 100 : 0);
      }
      cal.Set(letter == 'y' ? kYear : kWeekYear, year);
      return static_cast<int>(pos);
    }
    case 'M':
    case 'L': {
      if (count <= 2) {
        std::optional<int32_t> n = number();
        if (!n.has_value()) return -1;
        cal.Set(kMonth, static_cast<int64_t>(*n) - 1);
        return static_cast<int>(pos);
      }
      std::vector<std::pair<std::string, int>> names = Names(kMonths.data(), 12, 0);
      for (int i = 0; i < 12; ++i) names.emplace_back(kShortMonths[i], i);
      const int end = MatchName(text, start, names, value);
      if (end < 0) return -1;
      cal.Set(kMonth, value);
      return end;
    }
    case 'k': {
      std::optional<int32_t> n = number();
      if (!n.has_value()) return -1;
      cal.Set(kHourOfDay, *n == 24 ? 0 : *n);
      return static_cast<int>(pos);
    }
    case 'h': {
      std::optional<int32_t> n = number();
      if (!n.has_value()) return -1;
      cal.Set(kHour, *n == 12 ? 0 : *n);
      return static_cast<int>(pos);
    }
    case 'E': {
      for (const auto* table : {&kWeekdays, &kShortWeekdays}) {
        const int end = MatchName(text, start, Names(table->data() + 1, 7, 1), value);
        if (end > 0) {
          cal.Set(kDayOfWeek, value);
          return end;
        }
      }
      return -1;
    }
    case 'a': {
      static const char* const kAmPmNames[] = {"AM", "PM"};
      const int end = MatchName(text, start, Names(kAmPmNames, 2, 0), value);
      if (end < 0) return -1;
      cal.Set(kAmPm, value);
      return end;
    }
    case 'z':
    case 'Z': {
      if (pos >= text.size()) return -1;
      const char c = text[pos];
      int sign = c == '+' ? 1 : c == '-' ? -1 : 0;
      if (sign != 0) return ParseNumericZone(text, pos + 1, sign, 0, false, cal);
      if ((c == 'G' || c == 'g') && RegionMatchesIgnoreCase(text, start, "GMT")) {
        pos = start + 3;
        if (pos < text.size()) sign = text[pos] == '+' ? 1 : text[pos] == '-' ? -1 : 0;
        if (sign == 0) {
          cal.Set(kZoneOffset, 0);
          return static_cast<int>(pos);
        }
        return ParseNumericZone(text, pos + 1, sign, 0, true, cal);
      }
      // Zone names: those of UTC (Sluice knows no other zone's names).
      static const char* const kUtcNames[] = {"Coordinated Universal Time", "UTC", "GMT",
                                              "Greenwich Mean Time", "UT"};
      const int end = MatchName(text, pos, Names(kUtcNames, 5, 0), value);
      if (end < 0) return -1;
      cal.Set(kZoneOffset, 0);
      return end;
    }
    case 'X': {
      if (pos >= text.size()) return -1;
      const char c = text[pos];
      if (c == 'Z') {
        cal.Set(kZoneOffset, 0);
        return static_cast<int>(pos + 1);
      }
      const int sign = c == '+' ? 1 : c == '-' ? -1 : 0;
      if (sign == 0) return -1;
      return ParseNumericZone(text, pos + 1, sign, count, count == 3, cal);
    }
    default: {
      std::optional<int32_t> n = number();
      if (!n.has_value()) return -1;
      value = *n;
      switch (letter) {
        case 'd': cal.Set(kDayOfMonth, value); break;
        case 'H': cal.Set(kHourOfDay, value); break;
        case 'm': cal.Set(kMinute, value); break;
        case 's': cal.Set(kSecond, value); break;
        case 'S': cal.Set(kMillisecond, value); break;
        case 'D': cal.Set(kDayOfYear, value); break;
        case 'F': cal.Set(kDayOfWeekInMonth, value); break;
        case 'w': cal.Set(kWeekOfYear, value); break;
        case 'W': cal.Set(kWeekOfMonth, value); break;
        case 'K': cal.Set(kHour, value); break;
        case 'u':  // CalendarBuilder.toCalendarDayOfWeek: out-of-range values stay as they are
          cal.Set(kDayOfWeek, value < 1 || value > 7 ? value : value == 7 ? kSunday : value + 1);
          break;
        default: return -1;
      }
      return static_cast<int>(pos);
    }
  }
}

}  // namespace

absl::StatusOr<int64_t> SimpleDateFormat::Parse(std::string_view text) const {
  auto unparseable = [&] {
    return absl::InvalidArgumentError(absl::StrCat("Unparseable date: \"", Av(text), "\""));
  };
  size_t start = 0;
  bool ambiguous_year = false;
  CalendarBuilder cal;
  for (size_t i = 0; i < elements_.size(); ++i) {
    const Element& e = elements_[i];
    if (e.letter == 0) {
      if (text.substr(start, e.literal.size()) != e.literal) return unparseable();
      start += e.literal.size();
      continue;
    }
    bool obey_count = false;
    if (i + 1 < elements_.size() && elements_[i + 1].letter != 0) {
      obey_count = IsNumericField(elements_[i + 1].letter, elements_[i + 1].count);
    }
    const int end = SubParse(text, start, e.letter, e.count, obey_count, ambiguous_year,
                             default_century_start_year_, cal);
    if (end < 0) return unparseable();
    start = static_cast<size_t>(end);
  }
  if (start == 0) return unparseable();
  int64_t millis = ComputeTime(cal);
  if (ambiguous_year && millis < default_century_start_) {
    cal.AddYear(100);
    millis = ComputeTime(cal);
  }
  return millis;
}

}  // namespace sluice::transforms
