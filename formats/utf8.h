// A Unicode code point as UTF-8, for the readers that decode Java escapes (\uXXXX in .properties
// files, \x{...} and \uXXXX in Java regexes) and for Java's String.getBytes(UTF_8).
//
// Thread-safe: pure functions.
#ifndef SLUICE_FORMATS_UTF8_H_
#define SLUICE_FORMATS_UTF8_H_

#include <cstdint>
#include <string>

namespace sluice::formats {

// Appends `code_point` (at most 0x10FFFF) in one to four bytes. A surrogate is encoded as any
// other code point: callers that follow Java's rules for lone surrogates decide before.
void AppendUtf8(uint32_t code_point, std::string& out);

}  // namespace sluice::formats

#endif  // SLUICE_FORMATS_UTF8_H_
