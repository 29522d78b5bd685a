#include "server/convert/java_format.h"

#include <limits>

#include <algorithm>
#include <iterator>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "formats/utf8.h"
#include "simdjson.h"

namespace sluice::convert {
namespace {

void AppendReplacement(std::string* out) { out->append("\xEF\xBF\xBD"); }

void Negate(std::vector<uint8_t>& bytes) {
  int carry = 1;
  for (size_t i = bytes.size(); i-- > 0;) {
    const int v = static_cast<uint8_t>(~bytes[i]) + carry;
    bytes[i] = static_cast<uint8_t>(v & 0xff);
    carry = v >> 8;
  }
}

// Bounds the zeros a NUMERIC decimal may gain when scaled, so "1E999999999" cannot exhaust
// memory.
constexpr int64_t kMaxDecimalDigits = 10000;

}  // namespace

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

std::string_view JavaClassNameOf(const Schema* schema, const Value& value) {
  if (schema != nullptr && !schema->name().empty()) {
    const std::string& name = schema->name();
    if ((value.kind() == Value::Kind::kInt32 && schema->type() == SchemaType::kInt32 &&
         (name == kDateLogicalName || name == kTimeLogicalName)) ||
        (value.kind() == Value::Kind::kInt64 && schema->type() == SchemaType::kInt64 &&
         name == kTimestampLogicalName)) {
      return "class java.util.Date";
    }
    if (value.kind() == Value::Kind::kBytes && schema->type() == SchemaType::kBytes &&
        name == kDecimalLogicalName) {
      return "class java.math.BigDecimal";
    }
  }
  return JavaClassName(value.kind());
}

std::string JavaClassCastText(const Schema* schema, const Value& value,
                              std::string_view target_class) {
  std::string_view from = JavaClassNameOf(schema, value);
  from.remove_prefix(std::string_view("class ").size());
  const absl::string_view f(from.data(), from.size());
  const absl::string_view t(target_class.data(), target_class.size());
  // Connect's own classes come from the worker's class path; everything else is java.base.
  const std::string where =
      value.kind() == Value::Kind::kStruct
          ? absl::StrCat(f, " is in unnamed module of loader 'app'; ", t,
                         " is in module java.base of loader 'bootstrap'")
          : absl::StrCat(f, " and ", t, " are in module java.base of loader 'bootstrap'");
  return absl::StrCat("java.lang.ClassCastException: class ", f, " cannot be cast to class ", t,
                      " (", where, ")");
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

namespace {

// A JSON number's text as BigDecimal(String) reads it: sign, decimal digits (leading zeros
// dropped; "" for zero) and scale (fraction digits minus the exponent).
struct DecimalText {
  bool negative = false;
  std::string digits;
  int64_t scale = 0;
};

absl::StatusOr<DecimalText> ParseDecimalText(const std::string& text) {
  auto bad = [&] { return absl::InvalidArgumentError(absl::StrCat("Invalid decimal: ", text)); };
  DecimalText out;
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    out.negative = true;
    ++i;
  }
  int64_t frac_len = 0;
  const size_t int_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') out.digits.push_back(text[i++]);
  if (i == int_start) return bad();
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t frac_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') out.digits.push_back(text[i++]);
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
  const size_t first_nonzero = out.digits.find_first_not_of('0');
  out.digits.erase(0, first_nonzero == std::string::npos ? out.digits.size() : first_nonzero);
  out.scale = frac_len - exponent;
  return out;
}

// Decimal digits (no sign, "" for zero) as minimal big-endian two's complement.
std::string DigitsToTwosComplement(const std::string& digits, bool negative) {
  if (digits.empty()) return std::string(1, '\0');
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

}  // namespace

absl::StatusOr<std::string> DecimalTextToUnscaled(std::string_view text_view, int32_t scale) {
  const std::string text(text_view);  // for messages (Abseil's string_view is not std's here)
  absl::StatusOr<DecimalText> parsed = ParseDecimalText(text);
  if (!parsed.ok()) return parsed.status();
  std::string digits = parsed->digits;
  if (digits.empty()) return std::string(1, '\0');
  // value = digits * 10^-text_scale; we need digits * 10^(scale - text_scale).
  const int64_t shift = static_cast<int64_t>(scale) - parsed->scale;
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
  return DigitsToTwosComplement(digits, parsed->negative);
}

absl::StatusOr<JavaBigDecimal> JavaBigDecimalFromText(std::string_view text_view) {
  const std::string text(text_view);
  absl::StatusOr<DecimalText> parsed = ParseDecimalText(text);
  if (!parsed.ok()) return parsed.status();
  if (parsed->scale > std::numeric_limits<int32_t>::max() ||
      parsed->scale < std::numeric_limits<int32_t>::min() ||
      static_cast<int64_t>(parsed->digits.size()) > kMaxDecimalDigits) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid decimal: ", text));
  }
  return JavaBigDecimal{DigitsToTwosComplement(parsed->digits, parsed->negative),
                        static_cast<int32_t>(parsed->scale)};
}

int JavaDigit(char16_t c) {
  if (c >= u'0' && c <= u'9') return c - u'0';
  if (c < 0x0660) return -1;
  // The zero of every run of ten decimal digits (Unicode Nd) in the BMP, from JDK 17's
  // Character.isDigit.
  static constexpr char16_t kZeros[] = {
      0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
      0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810,
      0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0,
      0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
  };
  const char16_t* it = std::upper_bound(std::begin(kZeros), std::end(kZeros), c);
  if (it == std::begin(kZeros)) return -1;
  const int value = c - *(it - 1);
  return value < 10 ? value : -1;
}

std::u16string Utf8ToUtf16(std::string_view bytes) {
  const std::string valid = ReplaceInvalidUtf8(bytes);
  std::u16string out;
  out.reserve(valid.size());
  const auto* p = reinterpret_cast<const unsigned char*>(valid.data());
  const size_t n = valid.size();
  for (size_t i = 0; i < n;) {
    uint32_t c = p[i];
    size_t len = 1;
    if (c >= 0xF0) {
      c = ((c & 0x07) << 18) | ((p[i + 1] & 0x3F) << 12) | ((p[i + 2] & 0x3F) << 6) |
          (p[i + 3] & 0x3F);
      len = 4;
    } else if (c >= 0xE0) {
      c = ((c & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
      len = 3;
    } else if (c >= 0xC0) {
      c = ((c & 0x1F) << 6) | (p[i + 1] & 0x3F);
      len = 2;
    }
    i += len;
    if (c >= 0x10000) {
      c -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (c >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (c & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(c));
    }
  }
  return out;
}

std::string Utf16ToUtf8(std::u16string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    uint32_t c = text[i];
    if (c >= 0xD800 && c <= 0xDFFF) {
      const bool pair = c <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
                        text[i + 1] <= 0xDFFF;
      if (!pair) {
        out.push_back('?');
        continue;
      }
      c = 0x10000 + ((c - 0xD800) << 10) + (text[++i] - 0xDC00);
    }
    formats::AppendUtf8(c, out);
  }
  return out;
}

std::string ReplaceInvalidUtf8(std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    size_t len = 0;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      AppendReplacement(&out);
      ++i;
      continue;
    }
    size_t k = 1;
    for (; k < len && i + k < s.size(); ++k) {
      const auto c = static_cast<uint8_t>(s[i + k]);
      const uint8_t min = k == 1 ? lo : 0x80;
      const uint8_t max = k == 1 ? hi : 0xBF;
      if (c < min || c > max) break;
    }
    if (k == len) {
      out.append(s.data() + i, len);
    } else {
      AppendReplacement(&out);
    }
    i += k;
  }
  return out;
}

}  // namespace sluice::convert
