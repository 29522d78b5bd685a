#include "server/kafka/jaas_config.h"

#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace sluice::kafka {
namespace {

// java.io.StreamTokenizer with the syntax JaasConfig sets up: the default syntax (letters and
// bytes >= 0xA0 make words, digits '.' and '-' make numbers, '"' and '\'' quote, '/' starts a
// comment) plus '-', '_' and '$' as word characters and // and /* */ comments. Works on bytes;
// multi-byte UTF-8 characters count as word characters, as their code points do in Java.
class StreamTokenizer {
 public:
  enum Type { kEof = -1, kWord = -3, kNumber = -2 };

  explicit StreamTokenizer(std::string_view text) : text_(text) {}

  // The next token's type: kEof, kWord (sval set), kNumber, a quote character (sval set) or an
  // ordinary character.
  int Next() {
    sval.reset();
    while (true) {
      int c = Read();
      while (c >= 0 && IsWhitespace(c)) c = Read();
      if (c < 0) return ttype = kEof;
      if (IsDigit(c)) {
        if (c == '-') {
          const int d = Peek();
          if (d != '.' && !(d >= '0' && d <= '9')) return ttype = '-';
        }
        // Digits with at most one '.'; what follows starts the next token.
        bool dot = c == '.';
        while (true) {
          const int d = Peek();
          if (d == '.' && !dot) {
            dot = true;
          } else if (!(d >= '0' && d <= '9')) {
            break;
          }
          Read();
        }
        return ttype = kNumber;
      }
      if (IsAlpha(c)) {
        std::string word(1, static_cast<char>(c));
        while (Peek() >= 0 && (IsAlpha(Peek()) || IsDigit(Peek()))) {
          word.push_back(static_cast<char>(Read()));
        }
        sval = std::move(word);
        return ttype = kWord;
      }
      if (c == '"' || c == '\'') {
        sval = Quoted(c);
        return ttype = c;
      }
      if (c == '/') {
        const int d = Peek();
        if (d == '*') {
          Read();
          int prev = 0;
          int e = Read();
          while (e >= 0 && !(prev == '*' && e == '/')) {
            prev = e;
            e = Read();
          }
          if (e < 0) return ttype = kEof;
          continue;
        }
        // "//" and a lone '/' (a comment character) both end at the line's end.
        SkipLine();
        continue;
      }
      return ttype = c;
    }
  }

  int ttype = kEof;
  std::optional<std::string> sval;

 private:
  int Read() { return pos_ < text_.size() ? static_cast<unsigned char>(text_[pos_++]) : -1; }
  int Peek() const { return pos_ < text_.size() ? static_cast<unsigned char>(text_[pos_]) : -1; }
  void SkipLine() {
    int c = Read();
    while (c >= 0 && c != '\n' && c != '\r') c = Read();
  }
  static bool IsWhitespace(int c) { return c <= ' '; }
  static bool IsDigit(int c) { return (c >= '0' && c <= '9') || c == '.' || c == '-'; }
  static bool IsAlpha(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 || c == '-' ||
           c == '_' || c == '$';
  }

  // The rest of a quoted string opened by `quote`: it ends at the quote, a line end or the end.
  std::string Quoted(int quote) {
    std::string out;
    int c = Read();
    while (c >= 0 && c != quote && c != '\n' && c != '\r') {
      if (c == '\\') {
        c = Read();
        if (c >= '0' && c <= '7') {
          int value = c - '0';
          const int first = c;
          if (Peek() >= '0' && Peek() <= '7') {
            value = value * 8 + (Read() - '0');
            if (first <= '3' && Peek() >= '0' && Peek() <= '7') value = value * 8 + (Read() - '0');
          }
          out.push_back(static_cast<char>(value));
          c = Read();
          continue;
        }
        switch (c) {
          case 'a': c = 0x07; break;
          case 'b': c = '\b'; break;
          case 'f': c = 0x0C; break;
          case 'n': c = '\n'; break;
          case 'r': c = '\r'; break;
          case 't': c = '\t'; break;
          case 'v': c = 0x0B; break;
          default: break;
        }
        if (c < 0) break;
      }
      out.push_back(static_cast<char>(c));
      c = Read();
    }
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

absl::StatusOr<JaasLoginModule> ParseEntry(StreamTokenizer& t) {
  JaasLoginModule module;
  const std::optional<std::string> name = t.sval;
  if (t.Next() == StreamTokenizer::kEof) {
    return absl::InvalidArgumentError("Login module control flag not specified in JAAS config");
  }
  if (!t.sval.has_value()) {
    return absl::InvalidArgumentError(
        "Login module control flag is not available in the JAAS config");
  }
  const std::string flag = absl::AsciiStrToUpper(*t.sval);
  if (flag != "REQUIRED" && flag != "REQUISITE" && flag != "SUFFICIENT" && flag != "OPTIONAL") {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid login module control flag '", *t.sval, "' in JAAS config"));
  }
  module.control_flag = flag;
  while (t.Next() != StreamTokenizer::kEof && t.ttype != ';') {
    const std::string key = t.sval.value_or("null");
    if (t.Next() != '=' || t.Next() == StreamTokenizer::kEof || !t.sval.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Value not specified for key '", key, "' in JAAS config"));
    }
    module.options[key] = *t.sval;
  }
  if (t.ttype != ';') {
    return absl::InvalidArgumentError("JAAS config entry not terminated by semi-colon");
  }
  if (!name.has_value() || name->empty()) {
    // javax.security.auth.login.AppConfigurationEntry's check.
    return absl::InvalidArgumentError("Invalid argument");
  }
  module.login_module = *name;
  return module;
}

}  // namespace

absl::StatusOr<JaasLoginModule> ParseClientJaasConfig(std::string_view text) {
  StreamTokenizer t(text);
  std::vector<JaasLoginModule> modules;
  while (t.Next() != StreamTokenizer::kEof) {
    absl::StatusOr<JaasLoginModule> module = ParseEntry(t);
    if (!module.ok()) return module.status();
    modules.push_back(*std::move(module));
  }
  if (modules.empty()) {
    return absl::InvalidArgumentError("Login module not specified in JAAS config");
  }
  if (modules.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("JAAS config property contains ",
                                                   modules.size(),
                                                   " login modules, should be 1 module"));
  }
  return std::move(modules[0]);
}

}  // namespace sluice::kafka
