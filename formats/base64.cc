#include "formats/base64.h"

#include <array>
#include <cstdint>

#include "absl/strings/str_cat.h"

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


// Integer.toString(b, 16) of a Java byte (signed): "21", "-3d".
std::string JavaByteHex(unsigned char c) {
  const int b = static_cast<int8_t>(c);
  constexpr char kHex[] = "0123456789abcdef";
  const int m = b < 0 ? -b : b;
  std::string out = b < 0 ? "-" : "";
  if (m >= 16) out += kHex[m / 16];
  out += kHex[m % 16];
  return out;
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

absl::StatusOr<std::string> JavaBase64Decode(std::string_view text) {
  // java.util.Base64.Decoder.decode0, step for step, so that every input fails where and how
  // Java's fails.
  static constexpr std::array<int8_t, 256> kValues = [] {
    std::array<int8_t, 256> v{};
    for (auto& x : v) x = -1;
    constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) {
      v[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
    v[static_cast<unsigned char>('=')] = -2;
    return v;
  }();
  const size_t sl = text.size();
  if (sl == 0) return std::string();
  if (sl < 2) {
    return absl::InvalidArgumentError("Input byte[] should at least have 2 bytes for base64 bytes");
  }
  std::string out;
  out.reserve(3 * ((sl + 3) / 4));
  size_t sp = 0;
  uint32_t bits = 0;
  int shiftto = 18;
  while (sp < sl) {
    const unsigned char c = static_cast<unsigned char>(text[sp++]);
    const int b = kValues[c];
    if (b < 0) {
      if (b == -2) {  // '='
        if ((shiftto == 6 && (sp == sl || text[sp++] != '=')) || shiftto == 18) {
          return absl::InvalidArgumentError("Input byte array has wrong 4-byte ending unit");
        }
        break;
      }
      return absl::InvalidArgumentError(absl::StrCat("Illegal base64 character ", JavaByteHex(c)));
    }
    bits |= static_cast<uint32_t>(b) << shiftto;
    shiftto -= 6;
    if (shiftto < 0) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>(bits >> 8);
      out += static_cast<char>(bits);
      shiftto = 18;
      bits = 0;
    }
  }
  if (shiftto == 6) {
    out += static_cast<char>(bits >> 16);
  } else if (shiftto == 0) {
    out += static_cast<char>(bits >> 16);
    out += static_cast<char>(bits >> 8);
  } else if (shiftto == 12) {
    return absl::InvalidArgumentError("Last unit does not have enough valid bits");
  }
  if (sp < sl) {
    return absl::InvalidArgumentError(
        absl::StrCat("Input byte array has incorrect ending byte at ", sp));
  }
  return out;
}

}  // namespace sluice::formats
