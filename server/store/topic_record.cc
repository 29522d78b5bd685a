#include "server/store/topic_record.h"

#include <algorithm>
#include <iterator>
#include <vector>

namespace sluice::store {
namespace {

// The code points of the digit zero of each run of ten decimal digits (Unicode category Nd) in
// the Basic Multilingual Plane, as Java 17's Character.digit(c, 10) knows them (printed by
// Character.getType over the BMP). Integer.parseInt reads the string's UTF-16 units one by one,
// so digits outside the BMP (surrogate pairs) are never digits to it.
constexpr char16_t kDigitZeros[] = {
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
    0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
};

int DigitValue(char32_t c) {
  const auto* end = std::end(kDigitZeros);
  const auto* it = std::upper_bound(std::begin(kDigitZeros), end, c);
  if (it == std::begin(kDigitZeros)) return -1;
  const char32_t zero = *(it - 1);
  return c - zero < 10 ? static_cast<int>(c - zero) : -1;
}

// Decodes the next UTF-8 sequence at s[*i] (advancing *i); U+FFFD for a malformed one, which
// is no digit, as Java's decoding would give.
char32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  char32_t c = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    c = (c << 6) | (b & 0x3F);
  }
  *i += len;
  return c;
}

// Java's String.split("-"): the pieces between '-', trailing empty pieces removed.
std::vector<std::string_view> SplitOnDash(std::string_view s) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  for (size_t pos = s.find('-'); pos != std::string_view::npos; pos = s.find('-', start)) {
    pieces.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
  pieces.push_back(s.substr(start));
  while (!pieces.empty() && pieces.back().empty()) pieces.pop_back();
  // Java returns the whole string (a one-element array) when there is no separator at all, and
  // an empty input gives [""]; neither matters to the callers, which need several pieces.
  return pieces;
}

}  // namespace

std::optional<int32_t> ParseJavaInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    if (s.size() == 1) return std::nullopt;
    i = 1;
  }
  // Accumulate negatively, as Java does, so that Integer.MIN_VALUE fits.
  const int64_t limit = negative ? -int64_t{2147483648} : -int64_t{2147483647};
  int64_t result = 0;
  while (i < s.size()) {
    const char32_t c = NextCodePoint(s, &i);
    if (c > 0xFFFF) return std::nullopt;  // two UTF-16 units, neither a digit
    const int digit = DigitValue(c);
    if (digit < 0) return std::nullopt;
    result = result * 10 - digit;
    if (result < limit) return std::nullopt;
  }
  return static_cast<int32_t>(negative ? result : -result);
}

std::optional<ConnectorTaskId> ParseTaskKey(std::string_view key, int prefix_pieces) {
  const std::vector<std::string_view> parts = SplitOnDash(key);
  if (parts.size() < static_cast<size_t>(prefix_pieces) + 2) return std::nullopt;
  std::optional<int32_t> task = ParseJavaInt(parts.back());
  if (!task.has_value()) return std::nullopt;
  ConnectorTaskId id;
  id.task = *task;
  for (size_t i = prefix_pieces; i + 1 < parts.size(); ++i) {
    if (i > static_cast<size_t>(prefix_pieces)) id.connector.push_back('-');
    id.connector.append(parts[i]);
  }
  return id;
}

}  // namespace sluice::store
