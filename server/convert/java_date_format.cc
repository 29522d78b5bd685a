#include "server/convert/java_date_format.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "server/convert/java_format.h"
#include "sluice/sdk/java_text.h"

namespace sluice::convert {
namespace {

constexpr int64_t kMillisPerDay = 86400000;
constexpr int64_t kEpochFixedDate = 719163;              // 1970-01-01
constexpr int64_t kGregorianCutoverFixedDate = 577736;  // 1582-10-15
constexpr int32_t kGregorianCutoverYear = 1582;

enum class Field { kYear, kMonth, kDay, kHour, kMinute, kSecond, kMillisecond };

// A pattern is a sequence of numeric fields and one-character literals.
struct PatternItem {
  bool is_field;
  Field field;
  char16_t literal;
};

constexpr PatternItem F(Field f) { return {true, f, 0}; }
constexpr PatternItem L(char16_t c) { return {false, Field::kYear, c}; }

constexpr std::array<PatternItem, 5> kDateItems = {F(Field::kYear), L(u'-'), F(Field::kMonth),
                                                   L(u'-'), F(Field::kDay)};
constexpr std::array<PatternItem, 8> kTimeItems = {
    F(Field::kHour),   L(u':'), F(Field::kMinute),      L(u':'),
    F(Field::kSecond), L(u'.'), F(Field::kMillisecond), L(u'Z')};
constexpr std::array<PatternItem, 14> kTimestampItems = {
    F(Field::kYear),   L(u'-'), F(Field::kMonth),       L(u'-'), F(Field::kDay),
    L(u'T'),           F(Field::kHour),                  L(u':'), F(Field::kMinute),
    L(u':'),           F(Field::kSecond),               L(u'.'), F(Field::kMillisecond),
    L(u'Z')};

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Java's wrapping int and long arithmetic.
int32_t WrapInt(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }
int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

// ---- DecimalFormat.parse, as SimpleDateFormat's number format (integers only, no grouping,
// en-US symbols: minus "-", exponent "E", NaN "NaN", infinity U+221E) --------------------------

// A digit list as java.text.DigitList keeps it: 0.<digits> * 10^decimal_at.
struct DigitList {
  std::string digits;  // without leading zeros
  int32_t decimal_at = 0;

  void TrimTrailingZeros() {
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
  }

  // DigitList.fitsIntoLong(isPositive, ignoreNegativeZero=true), after trimming.
  bool FitsIntoLong(bool positive) {
    TrimTrailingZeros();
    if (digits.empty()) return true;
    const int32_t count = static_cast<int32_t>(digits.size());
    if (decimal_at < count || decimal_at > 19) return false;
    if (decimal_at < 19) return true;
    static constexpr char kLongMin[] = "9223372036854775808";
    for (int32_t i = 0; i < count; ++i) {
      if (digits[i] > kLongMin[i]) return false;
      if (digits[i] < kLongMin[i]) return true;
    }
    if (count < decimal_at) return true;
    return !positive;
  }

  // DigitList.getLong(), after FitsIntoLong.
  int64_t GetLong() const {
    if (digits.empty()) return 0;
    if (decimal_at == 19 && digits == "9223372036854775808") {
      return std::numeric_limits<int64_t>::min();
    }
    uint64_t v = 0;
    for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
    for (int32_t i = static_cast<int32_t>(digits.size()); i < decimal_at; ++i) v *= 10;
    return static_cast<int64_t>(v);
  }

  // DigitList.getDouble(): Double.parseDouble(".<digits>E<decimal_at>").
  double GetDouble() const {
    if (digits.empty()) return 0.0;
    const std::string text = "." + digits + "E" + std::to_string(decimal_at);
    return std::strtod(text.c_str(), nullptr);
  }
};

// DecimalFormat.subparseNumber: the digits from `pos`, or -1 when there are none. `exponent`
// parsing (the part after "E") takes digits only.
int64_t SubparseNumber(std::u16string_view text, size_t pos, bool is_exponent, DigitList& out,
                       bool& infinite) {
  infinite = false;
  if (!is_exponent && pos < text.size() && text[pos] == u'\u221E') {
    infinite = true;
    return static_cast<int64_t>(pos + 1);
  }
  out.digits.clear();
  out.decimal_at = 0;
  bool saw_digit = false;
  int32_t digit_count = 0;
  int32_t exponent = 0;
  for (; pos < text.size(); ++pos) {
    const char16_t ch = text[pos];
    const int digit = JavaDigit(ch);
    if (digit == 0) {
      saw_digit = true;
      if (out.digits.empty()) continue;  // a leading zero
      ++digit_count;
      out.digits.push_back('0');
    } else if (digit > 0) {
      saw_digit = true;
      ++digit_count;
      out.digits.push_back(static_cast<char>('0' + digit));
    } else if (!is_exponent && ch == u'.') {
      break;  // integers only
    } else if (!is_exponent && ch == u'E') {
      size_t epos = pos + 1;
      const bool negative = epos < text.size() && text[epos] == u'-';
      if (negative) ++epos;
      DigitList exp_digits;
      bool exp_infinite = false;
      const int64_t end = SubparseNumber(text, epos, /*is_exponent=*/true, exp_digits, exp_infinite);
      if (end >= 0 && exp_digits.FitsIntoLong(!negative)) {
        pos = static_cast<size_t>(end);
        exponent = WrapInt(exp_digits.GetLong());
        if (negative) exponent = WrapInt(-static_cast<int64_t>(exponent));
      }
      break;
    } else {
      break;
    }
  }
  out.decimal_at = WrapInt(static_cast<int64_t>(digit_count) + exponent);
  if (!saw_digit && digit_count == 0) return -1;
  return static_cast<int64_t>(pos);
}

// DecimalFormat.parse(text, pos) followed by Number.intValue(): the field's value and the
// position after it, or nullopt.
std::optional<int32_t> ParseIntValue(std::u16string_view text, size_t& pos) {
  if (text.substr(pos, 3) == u"NaN") {
    pos += 3;
    return 0;  // Double.NaN.intValue()
  }
  size_t p = pos;
  const bool negative = p < text.size() && text[p] == u'-';
  if (negative) ++p;
  DigitList digits;
  bool infinite = false;
  const int64_t end = SubparseNumber(text, p, /*is_exponent=*/false, digits, infinite);
  if (end < 0) return std::nullopt;
  pos = static_cast<size_t>(end);
  if (infinite) {
    return negative ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
  }
  if (digits.FitsIntoLong(!negative)) {
    int64_t v = digits.GetLong();
    if (negative && v != std::numeric_limits<int64_t>::min()) v = -v;
    return WrapInt(v);  // Long.intValue()
  }
  double d = digits.GetDouble();
  if (negative) d = -d;
  // Double.intValue(): saturating, NaN is 0.
  if (std::isnan(d)) return 0;
  if (d >= 2147483647.0) return std::numeric_limits<int32_t>::max();
  if (d <= -2147483648.0) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(d);
}

// ---- GregorianCalendar.computeTime, lenient, UTC ----------------------------------------------

// BaseCalendar.getFixedDate (Gregorian) for a normalized month.
int64_t GregorianFixedDate(int32_t year, int32_t month, int64_t day) {
  const int64_t prev = static_cast<int64_t>(year) - 1;
  int64_t days = day + 365 * prev + FloorDiv(prev, 4) - FloorDiv(prev, 100) + FloorDiv(prev, 400) +
                 FloorDiv(367 * month - 362, 12);
  if (month > 2) {
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    days -= leap ? 1 : 2;
  }
  return days;
}

// JulianCalendar.getFixedDate for a normalized month.
int64_t JulianFixedDate(int32_t year, int32_t month, int64_t day) {
  const int64_t y = year;
  int64_t days = -2 + 365 * (y - 1) + day + FloorDiv(y - 1, 4) + FloorDiv(367 * month - 362, 12);
  if (month > 2) days -= year % 4 == 0 ? 1 : 2;
  return days;
}

struct CalendarInput {
  bool has_year = false, has_month = false, has_day = false;
  int32_t year = 0, month = 0, day = 0;  // month is Calendar.MONTH (0-based)
  int32_t hour = 0, minute = 0, second = 0, millisecond = 0;
};

// GregorianCalendar.getFixedDate(cal, year, fieldMask) for the fields the patterns set.
int64_t FixedDateOf(bool julian, int32_t year, const CalendarInput& in) {
  int32_t month = in.has_month ? in.month : 0;
  if (month > 11) {
    year = WrapInt(static_cast<int64_t>(year) + month / 12);
    month %= 12;
  } else if (month < 0) {
    year = WrapInt(static_cast<int64_t>(year) + FloorDiv(month, 12));
    month = static_cast<int32_t>(month - FloorDiv(month, 12) * 12);
  }
  int64_t fixed = julian ? JulianFixedDate(year, month + 1, 1) : GregorianFixedDate(year, month + 1, 1);
  if (in.has_day) fixed = fixed + in.day - 1;
  return fixed;
}

int64_t ComputeMillis(const CalendarInput& in) {
  const int32_t year = in.has_year ? in.year : 1970;
  int64_t time_of_day = in.hour;
  time_of_day = time_of_day * 60 + in.minute;
  time_of_day = time_of_day * 60 + in.second;
  time_of_day = time_of_day * 1000 + in.millisecond;
  int64_t fixed = time_of_day / kMillisPerDay;
  time_of_day %= kMillisPerDay;
  while (time_of_day < 0) {
    time_of_day += kMillisPerDay;
    --fixed;
  }
  if (year >= kGregorianCutoverYear) {
    const int64_t gregorian = fixed + FixedDateOf(/*julian=*/false, year, in);
    fixed = gregorian >= kGregorianCutoverFixedDate ? gregorian
                                                    : fixed + FixedDateOf(/*julian=*/true, year, in);
  } else {
    fixed += FixedDateOf(/*julian=*/true, year, in);
  }
  return WrapAdd(WrapMul(fixed - kEpochFixedDate, kMillisPerDay), time_of_day);
}

template <size_t N>
std::optional<int64_t> Parse(std::u16string_view text, const std::array<PatternItem, N>& items) {
  CalendarInput in;
  size_t pos = 0;
  for (const PatternItem& item : items) {
    if (!item.is_field) {
      if (pos >= text.size() || text[pos] != item.literal) return std::nullopt;
      ++pos;
      continue;
    }
    // SimpleDateFormat.subParse: spaces and tabs before a field are skipped.
    while (pos < text.size() && (text[pos] == u' ' || text[pos] == u'\t')) ++pos;
    if (pos >= text.size()) return std::nullopt;
    const std::optional<int32_t> value = ParseIntValue(text, pos);
    if (!value.has_value()) return std::nullopt;
    switch (item.field) {
      case Field::kYear:
        in.has_year = true;
        in.year = *value;
        break;
      case Field::kMonth:
        in.has_month = true;
        in.month = WrapInt(static_cast<int64_t>(*value) - 1);
        break;
      case Field::kDay:
        in.has_day = true;
        in.day = *value;
        break;
      case Field::kHour:
        in.hour = *value;
        break;
      case Field::kMinute:
        in.minute = *value;
        break;
      case Field::kSecond:
        in.second = *value;
        break;
      case Field::kMillisecond:
        in.millisecond = *value;
        break;
    }
  }
  return ComputeMillis(in);
}

void AppendPadded(int64_t v, size_t width, std::string& out) {
  const std::string digits = std::to_string(v);
  if (digits.size() < width) out.append(width - digits.size(), '0');
  out += digits;
}

}  // namespace

std::string FormatIsoDate(int64_t epoch_millis, IsoDatePattern pattern) {
  const JavaCalendarFields f = JavaUtcCalendarFields(epoch_millis);
  std::string out;
  if (pattern != IsoDatePattern::kTime) {
    AppendPadded(f.year_of_era(), 4, out);
    out.push_back('-');
    AppendPadded(f.month, 2, out);
    out.push_back('-');
    AppendPadded(f.day, 2, out);
    if (pattern == IsoDatePattern::kDate) return out;
    out.push_back('T');
  }
  AppendPadded(f.hour, 2, out);
  out.push_back(':');
  AppendPadded(f.minute, 2, out);
  out.push_back(':');
  AppendPadded(f.second, 2, out);
  out.push_back('.');
  AppendPadded(f.millisecond, 3, out);
  out.push_back('Z');
  return out;
}

std::optional<int64_t> ParseIsoDateLeniently(std::u16string_view text, IsoDatePattern pattern) {
  switch (pattern) {
    case IsoDatePattern::kDate:
      return Parse(text, kDateItems);
    case IsoDatePattern::kTime:
      return Parse(text, kTimeItems);
    case IsoDatePattern::kTimestamp:
      return Parse(text, kTimestampItems);
  }
  return std::nullopt;
}

}  // namespace sluice::convert
