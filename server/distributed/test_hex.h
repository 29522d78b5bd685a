// Hex strings for the tests of server/distributed (test-only; the expected bytes are written as
// hex, as the Java program that produced them printed them).
#ifndef SLUICE_SERVER_DISTRIBUTED_TEST_HEX_H_
#define SLUICE_SERVER_DISTRIBUTED_TEST_HEX_H_

#include <string>
#include <string_view>

namespace sluice::distributed::testing {

inline std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const unsigned char u = static_cast<unsigned char>(c);
    out.push_back(kDigits[u >> 4]);
    out.push_back(kDigits[u & 0xf]);
  }
  return out;
}

// REQUIRES: `hex` has an even number of lowercase hex digits.
inline std::string Unhex(std::string_view hex) {
  auto digit = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(digit(hex[i]) * 16 + digit(hex[i + 1])));
  }
  return out;
}

}  // namespace sluice::distributed::testing

#endif  // SLUICE_SERVER_DISTRIBUTED_TEST_HEX_H_
