// Java's text of Connect values, numbers and dates.
#include "sluice/sdk/java_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sluice {
namespace {

// ---- Float.toString / Double.toString ---------------------------------------------------------

// A positive decimal digits * 10^(exponent - digits.size() + 1): "15", 3 is 1.5E3.
struct SciDecimal {
  std::string digits;  // no leading or trailing zeros (a single "0" for zero)
  int exponent = 0;
};

// Reads std::to_chars / printf scientific output without a sign: "1e+10", "1.5e-05".
SciDecimal ParseScientific(const char* begin, const char* end) {
  SciDecimal out;
  const char* p = begin;
  for (; p < end && *p != 'e' && *p != 'E'; ++p) {
    if (*p != '.') out.digits.push_back(*p);
  }
  if (p < end) {
    ++p;
    bool negative = false;
    if (p < end && (*p == '+' || *p == '-')) negative = *p++ == '-';
    int exponent = 0;
    for (; p < end; ++p) exponent = exponent * 10 + (*p - '0');
    out.exponent = negative ? -exponent : exponent;
  }
  while (out.digits.size() > 1 && out.digits.back() == '0') out.digits.pop_back();
  return out;
}

// Java's layout of a shortest decimal: plain for 10^-3 <= |d| < 10^7, otherwise computerized
// scientific notation; always at least one digit after the point.
std::string FormatJava(bool negative, const SciDecimal& d) {
  std::string out;
  if (negative) out.push_back('-');
  const int e = d.exponent;
  const std::string& digits = d.digits;
  if (e >= 0 && e < 7) {
    const size_t int_len = static_cast<size_t>(e) + 1;
    if (digits.size() <= int_len) {
      out += digits;
      out.append(int_len - digits.size(), '0');
      out += ".0";
    } else {
      out.append(digits, 0, int_len);
      out.push_back('.');
      out.append(digits, int_len, std::string::npos);
    }
  } else if (e < 0 && e >= -3) {
    out += "0.";
    out.append(static_cast<size_t>(-e - 1), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    out.push_back('.');
    if (digits.size() > 1) {
      out.append(digits, 1, std::string::npos);
    } else {
      out.push_back('0');
    }
    out.push_back('E');
    out += std::to_string(e);
  }
  return out;
}

template <typename T>
std::string JavaFloatingToString(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  const bool negative = std::signbit(v);
  const T a = std::fabs(v);
  char buf[64];
  const std::to_chars_result r =
      std::to_chars(buf, buf + sizeof(buf), a, std::chars_format::scientific);
  SciDecimal d = ParseScientific(buf, r.ptr);
  if (d.digits.size() == 1) {
    // Java's rule: when the shortest decimal has one digit, the closest decimal of one or two
    // digits that still rounds back is chosen (Double.MIN_VALUE is "4.9E-324", not "5E-324").
    // The closest two-digit decimal is `a` correctly rounded to two digits.
    char two[64];
    const int n = std::snprintf(two, sizeof(two), "%.1e", static_cast<double>(a));
    T back{};
    const std::from_chars_result fr = std::from_chars(two, two + n, back);
    if (fr.ec == std::errc() && back == a) d = ParseScientific(two, two + n);
  }
  return FormatJava(negative, d);
}

// ---- BigDecimal.toString ----------------------------------------------------------------------

// Big-endian magnitude -> decimal digits ("0" for zero).
std::string MagnitudeToDecimal(std::vector<uint8_t> mag) {
  std::string out;  // little-endian digits
  size_t start = 0;
  while (start < mag.size() && mag[start] == 0) ++start;
  while (start < mag.size()) {
    uint64_t rem = 0;
    for (size_t i = start; i < mag.size(); ++i) {
      const uint64_t cur = (rem << 8) | mag[i];
      mag[i] = static_cast<uint8_t>(cur / 1000000000);
      rem = cur % 1000000000;
    }
    while (start < mag.size() && mag[start] == 0) ++start;
    for (int i = 0; i < 9; ++i) {
      out.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
      if (start == mag.size() && rem == 0) break;
    }
  }
  if (out.empty()) out.push_back('0');
  std::reverse(out.begin(), out.end());
  return out;
}

void Negate(std::vector<uint8_t>& bytes) {
  int carry = 1;
  for (size_t i = bytes.size(); i-- > 0;) {
    const int v = static_cast<uint8_t>(~bytes[i]) + carry;
    bytes[i] = static_cast<uint8_t>(v & 0xff);
    carry = v >> 8;
  }
}

// ---- Calendar -----------------------------------------------------------------------------------

constexpr int64_t kMillisPerDay = 86400000;
// Days from 0001-01-01 (Gregorian, fixed date 1) to 1970-01-01.
constexpr int64_t kEpochFixedDate = 719163;
// The fixed date of 1582-10-15, the first Gregorian day of java.util.GregorianCalendar.
constexpr int64_t kGregorianCutoverFixedDate = 577736;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// The fixed date of a Julian calendar date (sun.util.calendar.JulianCalendar.getFixedDate).
int64_t JulianFixedDate(int64_t year, int64_t month, int64_t day) {
  constexpr int64_t kJulianEpoch = -1;
  int64_t days = kJulianEpoch - 1 + 365 * (year - 1) + day + FloorDiv(year - 1, 4) +
                 FloorDiv(367 * month - 362, 12);
  if (month > 2) days -= FloorMod(year, 4) == 0 ? 1 : 2;
  return days;
}

void JulianDateFromFixed(int64_t fixed, JavaCalendarFields& f) {
  const int64_t fd = 4 * (fixed + 1) + 1464;
  const int64_t year = FloorDiv(fd, 1461);
  int64_t prior_days = fixed - JulianFixedDate(year, 1, 1);
  if (fixed >= JulianFixedDate(year, 3, 1)) prior_days += FloorMod(year, 4) == 0 ? 1 : 2;
  const int64_t month = FloorDiv(12 * prior_days + 373, 367);
  f.year = year;
  f.month = static_cast<int32_t>(month);
  f.day = static_cast<int32_t>(fixed - JulianFixedDate(year, month, 1) + 1);
}

void GregorianDateFromFixed(int64_t fixed, JavaCalendarFields& f) {
  // Days since 0000-03-01 (proleptic Gregorian), then in 400-year eras.
  const int64_t z = fixed - kEpochFixedDate + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  f.year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  f.month = static_cast<int32_t>(month);
  f.day = static_cast<int32_t>(doy - (153 * mp + 2) / 5 + 1);
}

void AppendPadded(int64_t v, int width, std::string& out) {
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out += digits;
}

// ---- String.valueOf ---------------------------------------------------------------------------

bool Named(const Schema* schema, SchemaType type, std::string_view name) {
  return schema != nullptr && schema->type() == type && schema->name() == name;
}

}  // namespace

std::string JavaDoubleToString(double d) { return JavaFloatingToString(d); }
std::string JavaFloatToString(float f) { return JavaFloatingToString(f); }

std::string JavaBigDecimalToString(std::string_view unscaled_big_endian, int32_t scale) {
  std::vector<uint8_t> bytes(unscaled_big_endian.begin(), unscaled_big_endian.end());
  const bool negative = !bytes.empty() && (bytes[0] & 0x80) != 0;
  if (negative) Negate(bytes);
  const std::string coeff = MagnitudeToDecimal(std::move(bytes));
  const int64_t len = static_cast<int64_t>(coeff.size());
  const int64_t adjusted = -static_cast<int64_t>(scale) + (len - 1);
  std::string out;
  if (negative) out.push_back('-');
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) {
      out += coeff;
    } else if (len > scale) {
      out.append(coeff, 0, static_cast<size_t>(len - scale));
      out.push_back('.');
      out.append(coeff, static_cast<size_t>(len - scale), std::string::npos);
    } else {
      out += "0.";
      out.append(static_cast<size_t>(scale - len), '0');
      out += coeff;
    }
  } else {
    out.push_back(coeff[0]);
    if (len > 1) {
      out.push_back('.');
      out.append(coeff, 1, std::string::npos);
    }
    out.push_back('E');
    if (adjusted > 0) out.push_back('+');
    out += std::to_string(adjusted);
  }
  return out;
}

JavaCalendarFields JavaUtcCalendarFields(int64_t epoch_millis) {
  JavaCalendarFields f;
  const int64_t days = FloorDiv(epoch_millis, kMillisPerDay);
  int64_t time_of_day = epoch_millis - days * kMillisPerDay;
  const int64_t fixed = days + kEpochFixedDate;
  if (fixed >= kGregorianCutoverFixedDate) {
    GregorianDateFromFixed(fixed, f);
  } else {
    JulianDateFromFixed(fixed, f);
  }
  f.millisecond = static_cast<int32_t>(time_of_day % 1000);
  time_of_day /= 1000;
  f.second = static_cast<int32_t>(time_of_day % 60);
  time_of_day /= 60;
  f.minute = static_cast<int32_t>(time_of_day % 60);
  f.hour = static_cast<int32_t>(time_of_day / 60);
  // Fixed date 1 (0001-01-01 Gregorian) was a Monday (2).
  f.day_of_week = static_cast<int32_t>(FloorMod(fixed, 7) + 1);
  return f;
}

// Declared in data.h.
std::string JavaDateToString(int64_t epoch_millis) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const JavaCalendarFields f = JavaUtcCalendarFields(epoch_millis);
  std::string out = absl::StrCat(kDays[f.day_of_week - 1], " ", kMonths[f.month - 1], " ");
  AppendPadded(f.day, 2, out);
  out.push_back(' ');
  AppendPadded(f.hour, 2, out);
  out.push_back(':');
  AppendPadded(f.minute, 2, out);
  out.push_back(':');
  AppendPadded(f.second, 2, out);
  absl::StrAppend(&out, " UTC ", f.year_of_era());
  return out;
}

void AppendJavaToString(const Schema* schema, const Value& value, std::string& out) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBoolean:
      out += value.boolean() ? "true" : "false";
      return;
    case Value::Kind::kInt8:
    case Value::Kind::kInt16:
      absl::StrAppend(&out, value.integer());
      return;
    case Value::Kind::kInt32:
      if (Named(schema, SchemaType::kInt32, kDateLogicalName)) {
        out += JavaDateToString(value.integer() * kMillisPerDay);
      } else if (Named(schema, SchemaType::kInt32, kTimeLogicalName)) {
        out += JavaDateToString(value.integer());
      } else {
        absl::StrAppend(&out, value.integer());
      }
      return;
    case Value::Kind::kInt64:
      if (Named(schema, SchemaType::kInt64, kTimestampLogicalName)) {
        out += JavaDateToString(value.integer());
      } else {
        absl::StrAppend(&out, value.integer());
      }
      return;
    case Value::Kind::kFloat32:
      out += JavaFloatToString(static_cast<float>(value.floating()));
      return;
    case Value::Kind::kFloat64:
      out += JavaDoubleToString(value.floating());
      return;
    case Value::Kind::kString:
      out += value.string();
      return;
    case Value::Kind::kTimestamp:
      out += JavaDateToString(value.timestamp_millis());
      return;
    case Value::Kind::kBytes: {
      if (Named(schema, SchemaType::kBytes, kDecimalLogicalName)) {
        auto it = schema->parameters().find(std::string(kDecimalScaleParameter));
        int32_t scale = 0;
        if (it != schema->parameters().end() && absl::SimpleAtoi(it->second, &scale)) {
          out += JavaBigDecimalToString(value.bytes(), scale);
          return;
        }
      }
      out += value.bytes();
      return;
    }
    case Value::Kind::kArray: {
      const Schema* element_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out.push_back('[');
      bool first = true;
      for (const Value& element : value.array()) {
        if (!first) out += ", ";
        first = false;
        AppendJavaToString(element_schema, element, out);
      }
      out.push_back(']');
      return;
    }
    case Value::Kind::kMap: {
      const Schema* key_schema = schema != nullptr ? schema->key_schema().get() : nullptr;
      const Schema* value_schema = schema != nullptr ? schema->value_schema().get() : nullptr;
      out.push_back('{');
      bool first = true;
      for (const MapEntry& entry : value.map()) {
        if (!first) out += ", ";
        first = false;
        AppendJavaToString(key_schema, entry.key, out);
        out.push_back('=');
        AppendJavaToString(value_schema, entry.value, out);
      }
      out.push_back('}');
      return;
    }
    case Value::Kind::kStruct: {
      const Struct& s = value.struct_value();
      const std::vector<Field>& fields = s.schema()->fields();
      out += "Struct{";
      bool first = true;
      for (size_t i = 0; i < fields.size() && i < s.values().size(); ++i) {
        if (s.values()[i].is_null()) continue;
        if (!first) out.push_back(',');
        first = false;
        out += fields[i].name;
        out.push_back('=');
        AppendJavaToString(fields[i].schema.get(), s.values()[i], out);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string JavaToString(const Schema* schema, const Value& value) {
  std::string out;
  AppendJavaToString(schema, value, out);
  return out;
}

}  // namespace sluice
