#include "formats/java_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sluice::formats {
namespace {

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

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Index(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Bounds the zeros a NUMERIC decimal may gain when scaled, so "1E999999999" cannot exhaust
// memory.
constexpr int64_t kMaxDecimalDigits = 10000;

}  // namespace

std::string JavaDoubleToString(double d) { return JavaFloatingToString(d); }
std::string JavaFloatToString(float f) { return JavaFloatingToString(f); }

std::string_view JavaClassName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBoolean:
      return "class java.lang.Boolean";
    case Value::Kind::kInt8:
      return "class java.lang.Byte";
    case Value::Kind::kInt16:
      return "class java.lang.Short";
    case Value::Kind::kInt32:
      return "class java.lang.Integer";
    case Value::Kind::kInt64:
      return "class java.lang.Long";
    case Value::Kind::kFloat32:
      return "class java.lang.Float";
    case Value::Kind::kFloat64:
      return "class java.lang.Double";
    case Value::Kind::kString:
      return "class java.lang.String";
    case Value::Kind::kBytes:
      return "class [B";
    case Value::Kind::kArray:
      return "class java.util.ArrayList";
    case Value::Kind::kMap:
      return "class java.util.HashMap";
    case Value::Kind::kStruct:
      return "class org.apache.kafka.connect.data.Struct";
    case Value::Kind::kTimestamp:
      return "class java.util.Date";
  }
  return "unknown";
}

std::string_view JavaTypeName(SchemaType type) {
  switch (type) {
    case SchemaType::kInt8:
      return "INT8";
    case SchemaType::kInt16:
      return "INT16";
    case SchemaType::kInt32:
      return "INT32";
    case SchemaType::kInt64:
      return "INT64";
    case SchemaType::kFloat32:
      return "FLOAT32";
    case SchemaType::kFloat64:
      return "FLOAT64";
    case SchemaType::kBoolean:
      return "BOOLEAN";
    case SchemaType::kString:
      return "STRING";
    case SchemaType::kBytes:
      return "BYTES";
    case SchemaType::kArray:
      return "ARRAY";
    case SchemaType::kMap:
      return "MAP";
    case SchemaType::kStruct:
      return "STRUCT";
  }
  return "UNKNOWN";
}

std::string BigDecimalToString(std::string_view unscaled_be, int32_t scale) {
  std::vector<uint8_t> bytes(unscaled_be.begin(), unscaled_be.end());
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

std::string MinimalTwosComplement(std::string_view unscaled_be) {
  if (unscaled_be.empty()) return std::string(1, '\0');
  size_t start = 0;
  while (start + 1 < unscaled_be.size()) {
    const auto b = static_cast<uint8_t>(unscaled_be[start]);
    const auto next = static_cast<uint8_t>(unscaled_be[start + 1]);
    if ((b == 0x00 && (next & 0x80) == 0) || (b == 0xff && (next & 0x80) != 0)) {
      ++start;
    } else {
      break;
    }
  }
  return std::string(unscaled_be.substr(start));
}

absl::StatusOr<std::string> DecimalTextToUnscaled(std::string_view text_view, int32_t scale) {
  const std::string text(text_view);  // for messages (Abseil's string_view is not std's here)
  auto bad = [&] { return absl::InvalidArgumentError(absl::StrCat("Invalid decimal: ", text)); };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  std::string digits;
  int64_t frac_len = 0;
  const size_t int_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') digits.push_back(text[i++]);
  if (i == int_start) return bad();
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t frac_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') digits.push_back(text[i++]);
    if (i == frac_start) return bad();
    frac_len = static_cast<int64_t>(i - frac_start);
  }
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
    const size_t exp_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (exponent < 1000000000) exponent = exponent * 10 + (text[i] - '0');
      ++i;
    }
    if (i == exp_start) return bad();
    if (exp_negative) exponent = -exponent;
  }
  if (i != text.size()) return bad();

  const size_t first_nonzero = digits.find_first_not_of('0');
  if (first_nonzero == std::string::npos) return std::string(1, '\0');
  digits.erase(0, first_nonzero);
  // value = digits * 10^-(frac_len - exponent); we need digits * 10^(scale - text_scale).
  const int64_t shift = static_cast<int64_t>(scale) - (frac_len - exponent);
  if (shift > 0) {
    if (static_cast<int64_t>(digits.size()) + shift > kMaxDecimalDigits) {
      return absl::InvalidArgumentError(
          absl::StrCat("Decimal value ", text, " is too large for scale ", scale));
    }
    digits.append(static_cast<size_t>(shift), '0');
  } else if (shift < 0) {
    const int64_t drop = -shift;
    const int64_t keep = static_cast<int64_t>(digits.size()) - drop;
    if (keep < 0 || digits.find_first_not_of('0', static_cast<size_t>(keep)) != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Decimal value ", text, " has more fractional digits than the schema's scale ", scale));
    }
    digits.resize(static_cast<size_t>(keep));
  }
  if (static_cast<int64_t>(digits.size()) > kMaxDecimalDigits) {
    return absl::InvalidArgumentError(
        absl::StrCat("Decimal value ", text, " is too large for scale ", scale));
  }

  std::vector<uint8_t> little;  // magnitude, little-endian base 256
  for (char c : digits) {
    int carry = c - '0';
    for (uint8_t& b : little) {
      const int v = b * 10 + carry;
      b = static_cast<uint8_t>(v & 0xff);
      carry = v >> 8;
    }
    if (carry != 0) little.push_back(static_cast<uint8_t>(carry));
  }
  std::vector<uint8_t> big(little.rbegin(), little.rend());
  big.insert(big.begin(), 0x00);  // room for the sign bit
  if (negative) Negate(big);
  return MinimalTwosComplement(
      std::string_view(reinterpret_cast<const char*>(big.data()), big.size()));
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out.push_back(kBase64Alphabet[(v >> 18) & 63]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  size_t i = 0;
  while (true) {
    while (i < text.size() && static_cast<unsigned char>(text[i]) <= ' ') ++i;
    if (i == text.size()) return out;
    if (text.size() - i < 4) return std::nullopt;
    const int a = Base64Index(text[i]);
    const int b = Base64Index(text[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    const char c3 = text[i + 2];
    const char c4 = text[i + 3];
    i += 4;
    if (c3 == '=') {
      if (c4 != '=') return std::nullopt;
      out.push_back(static_cast<char>((a << 2) | (b >> 4)));
      break;
    }
    const int c = Base64Index(c3);
    if (c < 0) return std::nullopt;
    if (c4 == '=') {
      out.push_back(static_cast<char>((a << 2) | (b >> 4)));
      out.push_back(static_cast<char>(((b & 15) << 4) | (c >> 2)));
      break;
    }
    const int d = Base64Index(c4);
    if (d < 0) return std::nullopt;
    out.push_back(static_cast<char>((a << 2) | (b >> 4)));
    out.push_back(static_cast<char>(((b & 15) << 4) | (c >> 2)));
    out.push_back(static_cast<char>(((c & 3) << 6) | d));
  }
  // After padding only whitespace may follow.
  while (i < text.size() && static_cast<unsigned char>(text[i]) <= ' ') ++i;
  if (i != text.size()) return std::nullopt;
  return out;
}

}  // namespace sluice::formats
