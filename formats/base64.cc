#include "formats/base64.h"

#include <cstdint>

namespace sluice::formats {
namespace {

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

}  // namespace

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
