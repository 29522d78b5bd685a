// Java regex -> RE2 translation. The parser walks the pattern the way java.util.regex.Pattern's
// recursive-descent parser does (the same cursor moves over the same code-point array, \Q...\E
// rewritten first), so that a pattern Java rejects is rejected here at the same index with the
// same words. Instead of Java's node tree it writes an RE2 pattern that carries no flags: Java's
// flags are applied while translating (case folding spelled out, `.` as an explicit class), so
// RE2's defaults never leak into the meaning.
#include "server/transforms/java_regex.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "formats/utf8.h"
#include "re2/re2.h"
#include "server/convert/connect_exception.h"

namespace sluice::transforms {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr int32_t kMaxCodePoint = 0x10FFFF;
constexpr int kMaxRe2Repeat = 1000;
constexpr char kLinearTime[] = " (Sluice runs regexes in linear time)";

// Java's Pattern flags, as they apply while parsing.
enum Flag : int {
  kUnixLines = 0x01,
  kCaseInsensitive = 0x02,
  kComments = 0x04,
  kMultiline = 0x08,
  kDotAll = 0x20,
  kUnicodeCase = 0x40,
  kCanonEq = 0x80,
  kUnicodeCharacterClass = 0x100,
};

// ---- UTF-8 / UTF-16 -------------------------------------------------------------------------

std::vector<int32_t> DecodeUtf8(std::string_view s) {
  std::vector<int32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    int32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

// Java's String: UTF-16 code units.
std::vector<uint16_t> ToUtf16(std::string_view s) {
  std::vector<uint16_t> out;
  for (int32_t cp : DecodeUtf8(s)) {
    if (cp >= 0x10000) {
      out.push_back(static_cast<uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      out.push_back(static_cast<uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<uint16_t>(cp));
    }
  }
  return out;
}

bool IsAsciiDigit(int32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(int32_t c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(int32_t c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiAlpha(int32_t c) { return IsAsciiUpper(c) || IsAsciiLower(c); }
bool IsAsciiAlnum(int32_t c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }
bool IsAsciiHexDigit(int32_t c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int HexValue(int32_t c) {
  if (IsAsciiDigit(c)) return c - '0';
  return (c | 0x20) - 'a' + 10;
}
// Java's ASCII.isSpace: \t \n \x0B \f \r and space.
bool IsAsciiSpace(int32_t c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); }
bool IsSurrogate(int32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

// ---- Code point sets ------------------------------------------------------------------------

// A set of code points as sorted, disjoint, non-adjacent closed intervals.
class CodePointSet {
 public:
  CodePointSet() = default;
  static CodePointSet Range(int32_t lo, int32_t hi) {
    CodePointSet s;
    s.Add(lo, hi);
    return s;
  }
  static CodePointSet Of(std::initializer_list<std::pair<int32_t, int32_t>> ranges) {
    CodePointSet s;
    for (const auto& [lo, hi] : ranges) s.Add(lo, hi);
    return s;
  }

  void Add(int32_t lo, int32_t hi) {
    if (lo > hi) return;
    ranges_.emplace_back(lo, hi);
    Normalize();
  }
  void Add(const CodePointSet& other) {
    ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
    Normalize();
  }
  bool Contains(int32_t c) const {
    for (const auto& [lo, hi] : ranges_) {
      if (c >= lo && c <= hi) return true;
    }
    return false;
  }
  CodePointSet Complement() const {
    CodePointSet out;
    int32_t next = 0;
    for (const auto& [lo, hi] : ranges_) {
      if (lo > next) out.ranges_.emplace_back(next, lo - 1);
      next = hi + 1;
    }
    if (next <= kMaxCodePoint) out.ranges_.emplace_back(next, kMaxCodePoint);
    return out;
  }
  CodePointSet Intersect(const CodePointSet& other) const {
    CodePointSet out;
    size_t i = 0;
    size_t j = 0;
    while (i < ranges_.size() && j < other.ranges_.size()) {
      const int32_t lo = std::max(ranges_[i].first, other.ranges_[j].first);
      const int32_t hi = std::min(ranges_[i].second, other.ranges_[j].second);
      if (lo <= hi) out.ranges_.emplace_back(lo, hi);
      if (ranges_[i].second < other.ranges_[j].second) {
        ++i;
      } else {
        ++j;
      }
    }
    return out;
  }
  // Adds the other ASCII case of every ASCII letter in the set (Java's CASE_INSENSITIVE
  // without UNICODE_CASE).
  CodePointSet WithAsciiCaseFolded() const {
    CodePointSet out = *this;
    for (int32_t c = 'A'; c <= 'Z'; ++c) {
      if (Contains(c) || Contains(c + 32)) {
        out.Add(c, c);
        out.Add(c + 32, c + 32);
      }
    }
    return out;
  }
  bool empty() const { return ranges_.empty(); }
  // The ranges written for the inside of an RE2 bracket expression.
  std::string ClassBody() const {
    std::string out;
    for (const auto& [lo, hi] : ranges_) {
      absl::StrAppend(&out, Escape(lo));
      if (hi != lo) absl::StrAppend(&out, "-", Escape(hi));
    }
    return out;
  }
  // An RE2 pattern matching exactly one code point of the set.
  std::string ToRe2() const {
    if (ranges_.empty()) return "[^\\x00-\\x{10FFFF}]";
    if (ranges_.size() == 1 && ranges_[0].first == ranges_[0].second) {
      return EscapeLiteral(ranges_[0].first);
    }
    return absl::StrCat("[", ClassBody(), "]");
  }

  static std::string Escape(int32_t c) { return absl::StrFormat("\\x{%X}", c); }
  static std::string EscapeLiteral(int32_t c) {
    if (IsAsciiAlnum(c)) return std::string(1, static_cast<char>(c));
    return Escape(c);
  }

 private:
  void Normalize() {
    std::sort(ranges_.begin(), ranges_.end());
    std::vector<std::pair<int32_t, int32_t>> merged;
    for (const auto& r : ranges_) {
      if (!merged.empty() && r.first <= merged.back().second + 1) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    ranges_ = std::move(merged);
  }

  std::vector<std::pair<int32_t, int32_t>> ranges_;
};

// Java's ASCII ctype classes.
CodePointSet AsciiDigit() { return CodePointSet::Range('0', '9'); }
CodePointSet AsciiSpace() { return CodePointSet::Of({{0x09, 0x0D}, {' ', ' '}}); }
CodePointSet AsciiWord() {
  return CodePointSet::Of({{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}});
}
CodePointSet AsciiPunct() {
  return CodePointSet::Of({{0x21, 0x2F}, {0x3A, 0x40}, {0x5B, 0x60}, {0x7B, 0x7E}});
}
CodePointSet HorizontalWhitespace() {
  return CodePointSet::Of({{0x09, 0x09},
                           {0x20, 0x20},
                           {0xA0, 0xA0},
                           {0x1680, 0x1680},
                           {0x180E, 0x180E},
                           {0x2000, 0x200A},
                           {0x202F, 0x202F},
                           {0x205F, 0x205F},
                           {0x3000, 0x3000}});
}
CodePointSet VerticalWhitespace() {
  return CodePointSet::Of({{0x0A, 0x0D}, {0x85, 0x85}, {0x2028, 0x2029}});
}

// A predicate on one code point, as Java's CharPredicate: either an exact set, or RE2 class
// items (\p{..}) with some ranges, possibly negated, or a union of such that RE2 can only write
// as an alternation.
class ClassPredicate {
 public:
  static ClassPredicate Set(CodePointSet set) {
    ClassPredicate p;
    p.set_ = std::move(set);
    return p;
  }
  // An RE2 class item such as "\p{Lu}" or "\P{Greek}".
  static ClassPredicate Item(std::string item) {
    ClassPredicate p;
    p.items_.push_back(std::move(item));
    return p;
  }
  // A pattern that matches one code point but cannot stand inside brackets ("(?i:\\x{E9})").
  static ClassPredicate Alternative(std::string re2) {
    ClassPredicate p;
    p.alternatives_.push_back(std::move(re2));
    return p;
  }
  static ClassPredicate Items(std::vector<std::string> items, bool negated) {
    ClassPredicate p;
    p.items_ = std::move(items);
    p.negated_ = negated;
    return p;
  }

  bool exact() const { return items_.empty() && alternatives_.empty(); }

  // Java's union. Never fails.
  ClassPredicate Union(const ClassPredicate& other) const {
    if (exact() && other.exact()) return Set(MergedSet(set_, other.set_));
    if (alternatives_.empty() && other.alternatives_.empty() && !negated_ && !other.negated_) {
      ClassPredicate p;
      p.set_ = MergedSet(set_, other.set_);
      p.items_ = items_;
      p.items_.insert(p.items_.end(), other.items_.begin(), other.items_.end());
      return p;
    }
    ClassPredicate p;
    p.alternatives_ = Alternatives();
    for (std::string& a : other.Alternatives()) p.alternatives_.push_back(std::move(a));
    return p;
  }
  // Java's negate(); nullopt when RE2 cannot write it.
  std::optional<ClassPredicate> Negate() const {
    if (exact()) return Set(set_.Complement());
    if (!alternatives_.empty()) return std::nullopt;
    ClassPredicate p = *this;
    p.negated_ = !negated_;
    return p;
  }
  // Java's and(); nullopt when RE2 cannot write it.
  std::optional<ClassPredicate> And(const ClassPredicate& other) const {
    if (exact() && other.exact()) return Set(set_.Intersect(other.set_));
    return std::nullopt;
  }
  // Java's CASE_INSENSITIVE applied to a set built from ASCII-folded members.
  ClassPredicate AsciiCaseFolded() const {
    ClassPredicate p = *this;
    p.set_ = set_.WithAsciiCaseFolded();
    return p;
  }

  // An RE2 pattern matching exactly the code points of the predicate, one at a time.
  std::string ToRe2() const {
    if (!alternatives_.empty()) {
      std::string out = "(?:";
      for (size_t i = 0; i < alternatives_.size(); ++i) {
        if (i > 0) out += "|";
        out += alternatives_[i];
      }
      return out + ")";
    }
    if (items_.empty()) return negated_ ? set_.Complement().ToRe2() : set_.ToRe2();
    std::string body = set_.ClassBody();
    for (const std::string& item : items_) body += item;
    return absl::StrCat(negated_ ? "[^" : "[", body, "]");
  }

 private:
  static CodePointSet MergedSet(const CodePointSet& a, const CodePointSet& b) {
    CodePointSet s = a;
    s.Add(b);
    return s;
  }
  std::vector<std::string> Alternatives() const {
    if (!alternatives_.empty()) return alternatives_;
    return {ToRe2()};
  }

  CodePointSet set_;
  std::vector<std::string> items_;
  bool negated_ = false;
  std::vector<std::string> alternatives_;
};

// ---- Unicode properties ---------------------------------------------------------------------

// The general categories RE2 knows by the same name as Java.
bool IsRe2Category(std::string_view name) {
  static const char* const kNames[] = {
      "L",  "Lu", "Ll", "Lt", "Lm", "Lo", "M",  "Mn", "Me", "Mc", "N",  "Nd",
      "Nl", "No", "Z",  "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs", "P",  "Pd",
      "Ps", "Pe", "Pc", "Po", "Pi", "Pf", "S",  "Sm", "Sc", "Sk", "So"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

// Every assigned code point: the union of all categories but Cn.
std::vector<std::string> AssignedItems() {
  return {"\\p{L}", "\\p{M}", "\\p{N}", "\\p{P}", "\\p{S}", "\\p{Z}",
          "\\p{Cc}", "\\p{Cf}", "\\p{Co}", "\\p{Cs}"};
}

// Java's CharPredicates.forProperty for a general category or Java's aliases of one.
// Sets `known` when Java knows the name; returns nullopt with `refusal` set when RE2 cannot
// express it.
std::optional<ClassPredicate> CategoryPredicate(std::string_view name, bool case_insensitive,
                                                bool& known, std::string& refusal) {
  known = true;
  if (case_insensitive && (name == "Lu" || name == "Ll" || name == "Lt")) {
    return ClassPredicate::Items({"\\p{Lu}", "\\p{Ll}", "\\p{Lt}"}, false);
  }
  if (IsRe2Category(name)) return ClassPredicate::Item(absl::StrCat("\\p{", Av(name), "}"));
  if (name == "Cn") return ClassPredicate::Items(AssignedItems(), true);
  if (name == "C") {
    return ClassPredicate::Items({"\\p{L}", "\\p{M}", "\\p{N}", "\\p{P}", "\\p{S}", "\\p{Z}"},
                                 true);
  }
  if (name == "LC") return ClassPredicate::Items({"\\p{Lu}", "\\p{Ll}", "\\p{Lt}"}, false);
  if (name == "LD") return ClassPredicate::Items({"\\p{L}", "\\p{Nd}"}, false);
  if (name == "L1") return ClassPredicate::Set(CodePointSet::Range(0x00, 0xFF));
  if (name == "all") return ClassPredicate::Set(CodePointSet::Range(0, kMaxCodePoint));
  // POSIX classes, ASCII only.
  if (name == "ASCII") return ClassPredicate::Set(CodePointSet::Range(0x00, 0x7F));
  if (name == "Alnum") {
    return ClassPredicate::Set(CodePointSet::Of({{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}));
  }
  if (name == "Alpha") return ClassPredicate::Set(CodePointSet::Of({{'A', 'Z'}, {'a', 'z'}}));
  if (name == "Blank") return ClassPredicate::Set(CodePointSet::Of({{'\t', '\t'}, {' ', ' '}}));
  if (name == "Cntrl") return ClassPredicate::Set(CodePointSet::Of({{0, 0x1F}, {0x7F, 0x7F}}));
  if (name == "Digit") return ClassPredicate::Set(AsciiDigit());
  if (name == "Graph") return ClassPredicate::Set(CodePointSet::Range(0x21, 0x7E));
  if (name == "Lower") {
    return ClassPredicate::Set(case_insensitive ? CodePointSet::Of({{'A', 'Z'}, {'a', 'z'}})
                                                : CodePointSet::Range('a', 'z'));
  }
  if (name == "Print") return ClassPredicate::Set(CodePointSet::Range(0x20, 0x7E));
  if (name == "Punct") return ClassPredicate::Set(AsciiPunct());
  if (name == "Space") return ClassPredicate::Set(AsciiSpace());
  if (name == "Upper") {
    return ClassPredicate::Set(case_insensitive ? CodePointSet::Of({{'A', 'Z'}, {'a', 'z'}})
                                                : CodePointSet::Range('A', 'Z'));
  }
  if (name == "XDigit") {
    return ClassPredicate::Set(CodePointSet::Of({{'0', '9'}, {'A', 'F'}, {'a', 'f'}}));
  }
  static const char* const kJavaNames[] = {
      "javaLowerCase",      "javaUpperCase",           "javaAlphabetic",
      "javaIdeographic",    "javaTitleCase",           "javaDigit",
      "javaDefined",        "javaLetter",              "javaLetterOrDigit",
      "javaJavaIdentifierStart", "javaJavaIdentifierPart", "javaUnicodeIdentifierStart",
      "javaUnicodeIdentifierPart", "javaIdentifierIgnorable", "javaSpaceChar",
      "javaWhitespace",     "javaISOControl",          "javaMirrored"};
  for (const char* n : kJavaNames) {
    if (name == n) {
      refusal = absl::StrCat("the java.lang.Character class \\p{", Av(name),
                             "} is not supported by RE2");
      return std::nullopt;
    }
  }
  known = false;
  return std::nullopt;
}

// Java's Unicode binary properties (\p{IsAlphabetic}) and the POSIX names with Is
// (\p{IsAlpha}, which are Unicode there), by upper-cased name.
std::optional<ClassPredicate> BinaryPropertyPredicate(const std::string& upper,
                                                      bool case_insensitive, bool& known,
                                                      std::string& refusal) {
  known = true;
  if (upper == "LETTER") return ClassPredicate::Item("\\p{L}");
  if (upper == "CONTROL" || upper == "CNTRL") return ClassPredicate::Item("\\p{Cc}");
  if (upper == "PUNCTUATION" || upper == "PUNCT") return ClassPredicate::Item("\\p{P}");
  if (upper == "DIGIT") return ClassPredicate::Item("\\p{Nd}");
  if (upper == "ASSIGNED") return ClassPredicate::Items(AssignedItems(), false);
  if (upper == "TITLECASE") {
    if (case_insensitive) return ClassPredicate::Items({"\\p{Lu}", "\\p{Ll}", "\\p{Lt}"}, false);
    return ClassPredicate::Item("\\p{Lt}");
  }
  if (upper == "JOINCONTROL" || upper == "JOIN_CONTROL") {
    return ClassPredicate::Set(CodePointSet::Range(0x200C, 0x200D));
  }
  if (upper == "WHITESPACE" || upper == "WHITE_SPACE" || upper == "SPACE") {
    return ClassPredicate::Items({"\\p{Z}", "\\x{9}-\\x{D}", "\\x{85}"}, false);
  }
  static const char* const kOthers[] = {
      "ALPHABETIC", "HEXDIGIT", "HEX_DIGIT", "IDEOGRAPHIC", "LOWERCASE",
      "NONCHARACTERCODEPOINT", "NONCHARACTER_CODE_POINT", "UPPERCASE", "WORD", "ALPHA",
      "LOWER", "UPPER", "XDIGIT", "ALNUM", "BLANK", "GRAPH", "PRINT"};
  for (const char* n : kOthers) {
    if (upper == n) {
      refusal = absl::StrCat("the Unicode property ", upper,
                             " is not supported by RE2");
      return std::nullopt;
    }
  }
  known = false;
  return std::nullopt;
}

// A Unicode script by Java's name (case-insensitive, words joined by '_'), as RE2 names it.
std::optional<ClassPredicate> ScriptPredicate(std::string_view name) {
  std::string re2_name;
  bool word_start = true;
  for (char c : name) {
    if (c == '_' || c == ' ') {
      re2_name += '_';
      word_start = true;
      continue;
    }
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return std::nullopt;
    re2_name += word_start ? absl::ascii_toupper(static_cast<unsigned char>(c))
                           : absl::ascii_tolower(static_cast<unsigned char>(c));
    word_start = false;
  }
  if (re2_name.empty()) return std::nullopt;
  std::string item = absl::StrCat("\\p{", re2_name, "}");
  RE2::Options options;
  options.set_log_errors(false);
  RE2 probe(item, options);
  if (!probe.ok()) return std::nullopt;
  return ClassPredicate::Item(std::move(item));
}

// ---- The parser -----------------------------------------------------------------------------

// Java's TreeInfo, which decides whether a lookbehind has "an obvious maximum length" and
// whether a quantified group is deterministic. Lengths are Java ints: they wrap.
struct TreeInfo {
  int32_t min_length = 0;
  int32_t max_length = 0;
  bool max_valid = true;
  bool deterministic = true;
};

int32_t WrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
int32_t WrapMul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}
constexpr int32_t kMaxReps = 0x7FFFFFFF;

// One node of Java's node chain, as far as study() sees it.
struct StudyStep {
  enum class Kind {
    kFixed,        // adds min/max (characters, slices, \R)
    kNoMax,        // a backreference: no maximum
    kNonDeterministicChar,  // \X: one or more characters
    kGreedyChar,   // CharPropertyGreedy: x*, x+, x{n,} on one character
    kCurly,        // Curly / GroupCurly: children[0] repeated min..max
    kQuestion,     // Ques: children[0] optional
    kBranch,       // alternatives
    kLoop,         // a non-deterministic quantified group
  };
  Kind kind = Kind::kFixed;
  int32_t min = 0;
  int32_t max = 0;
  std::vector<std::vector<StudyStep>> children;
};
using Study = std::vector<StudyStep>;

void RunStudy(const Study& study, TreeInfo& info);

void RunStep(const StudyStep& step, TreeInfo& info) {
  switch (step.kind) {
    case StudyStep::Kind::kFixed:
      info.min_length = WrapAdd(info.min_length, step.min);
      info.max_length = WrapAdd(info.max_length, step.max);
      return;
    case StudyStep::Kind::kNoMax:
      info.max_valid = false;
      return;
    case StudyStep::Kind::kNonDeterministicChar:
      info.min_length = WrapAdd(info.min_length, 1);
      info.deterministic = false;
      return;
    case StudyStep::Kind::kGreedyChar:
      info.min_length = WrapAdd(info.min_length, step.min);
      if (info.max_valid) info.max_length = WrapAdd(info.max_length, kMaxReps);
      info.deterministic = false;
      return;
    case StudyStep::Kind::kCurly: {
      const TreeInfo before = info;
      info = TreeInfo();
      RunStudy(step.children[0], info);
      int32_t temp = WrapAdd(WrapMul(info.min_length, step.min), before.min_length);
      if (temp < before.min_length) temp = 0xFFFFFFF;
      info.min_length = temp;
      if (before.max_valid && info.max_valid) {
        temp = WrapAdd(WrapMul(info.max_length, step.max), before.max_length);
        info.max_length = temp;
        if (temp < before.max_length) info.max_valid = false;
      } else {
        info.max_valid = false;
      }
      if (info.deterministic && step.min == step.max) {
        info.deterministic = before.deterministic;
      } else {
        info.deterministic = false;
      }
      return;
    }
    case StudyStep::Kind::kQuestion: {
      const int32_t min = info.min_length;
      RunStudy(step.children[0], info);
      info.min_length = min;
      info.deterministic = false;
      return;
    }
    case StudyStep::Kind::kBranch: {
      int32_t min2 = kMaxReps;
      int32_t max2 = -1;
      bool max_valid = info.max_valid;
      for (const Study& alternative : step.children) {
        TreeInfo branch;
        RunStudy(alternative, branch);
        min2 = std::min(min2, branch.min_length);
        max2 = std::max(max2, branch.max_length);
        max_valid = max_valid && branch.max_valid;
      }
      info.min_length = WrapAdd(info.min_length, min2);
      info.max_length = WrapAdd(info.max_length, max2);
      info.max_valid = max_valid;
      info.deterministic = false;
      return;
    }
    case StudyStep::Kind::kLoop:
      info.max_valid = false;
      info.deterministic = false;
      return;
  }
}

void RunStudy(const Study& study, TreeInfo& info) {
  for (const StudyStep& step : study) RunStep(step, info);
}

StudyStep FixedStep(int32_t min, int32_t max) {
  StudyStep s;
  s.min = min;
  s.max = max;
  return s;
}

// What a parsed piece of pattern becomes: RE2 text plus the nodes Java's study() would see.
struct Fragment {
  std::string re2;
  Study study;
  // Java makes x*, x+ and x{n,} on a single-character node a CharPropertyGreedy.
  bool is_char_property = false;
  bool is_group = false;
  bool zero_width_group = false;  // a lookaround
};

struct SyntaxError {
  std::string description;
  int index;
};

class Translator {
 public:
  explicit Translator(std::string_view pattern) : pattern_(pattern) {}

  // Translates the pattern; on failure, error() or refusal() says why.
  bool Run(std::string& re2_out) {
    const std::vector<int32_t> cps = DecodeUtf8(pattern_);
    temp_ = cps;
    pattern_length_ = static_cast<int>(temp_.size());
    RemoveQuoting();
    temp_.resize(pattern_length_ + 8, 0);
    if (pattern_length_ == 0) {
      re2_out.clear();
      return true;
    }
    Fragment f = Expr();
    if (failed()) return false;
    if (pattern_length_ != cursor_) {
      if (Peek() == ')') {
        Error("Unmatched closing ')'");
      } else {
        Error("Unexpected internal error");
      }
      return false;
    }
    if (refusal_.has_value()) return false;
    re2_out = std::move(f.re2);
    return true;
  }

  const std::optional<SyntaxError>& error() const { return error_; }
  const std::optional<std::string>& refusal() const { return refusal_; }
  int group_count() const { return capturing_group_count_ - 1; }
  const std::map<std::string, int>& named_groups() const { return named_groups_; }

 private:
  bool failed() const { return error_.has_value(); }
  bool Has(int flag) const { return (flags_ & flag) != 0; }

  void Error(std::string description) {
    if (!error_.has_value()) error_ = SyntaxError{std::move(description), cursor_ - 1};
  }
  void Refuse(std::string message) {
    if (!refusal_.has_value()) refusal_ = std::move(message);
  }

  // Java's RemoveQEQuoting: \Q...\E becomes escaped literals, before parsing.
  void RemoveQuoting() {
    const int len = pattern_length_;
    int i = 0;
    while (i < len - 1) {
      if (temp_[i] != '\\') {
        i += 1;
      } else if (temp_[i + 1] != 'Q') {
        i += 2;
      } else {
        break;
      }
    }
    if (i >= len - 1) return;
    std::vector<int32_t> out(temp_.begin(), temp_.begin() + i);
    i += 2;
    std::vector<int32_t> src = temp_;
    src.resize(len + 2, 0);
    bool in_quote = true;
    bool begin_quote = true;
    while (i < len) {
      const int32_t c = src[i++];
      if (c >= 0x80 || IsAsciiAlpha(c)) {
        out.push_back(c);
      } else if (IsAsciiDigit(c)) {
        if (begin_quote) {
          out.insert(out.end(), {'\\', 'x', '3'});
        }
        out.push_back(c);
      } else if (c != '\\') {
        if (in_quote) out.push_back('\\');
        out.push_back(c);
      } else if (in_quote) {
        if (src[i] == 'E') {
          ++i;
          in_quote = false;
        } else {
          out.push_back('\\');
          out.push_back('\\');
        }
      } else {
        if (src[i] == 'Q') {
          ++i;
          in_quote = true;
          begin_quote = true;
          continue;
        }
        out.push_back(c);
        if (i != len) out.push_back(src[i++]);
      }
      begin_quote = false;
    }
    temp_ = std::move(out);
    pattern_length_ = static_cast<int>(temp_.size());
  }

  // ---- cursor primitives, as Java's ----
  int32_t At(int i) const {
    if (i < 0 || i >= static_cast<int>(temp_.size())) return 0;
    return temp_[i];
  }
  int32_t Peek() {
    int32_t ch = At(cursor_);
    if (Has(kComments)) ch = PeekPastWhitespace(ch);
    return ch;
  }
  int32_t Read() {
    int32_t ch = At(cursor_++);
    if (Has(kComments)) ch = ParsePastWhitespace(ch);
    return ch;
  }
  int32_t Next() {
    int32_t ch = At(++cursor_);
    if (Has(kComments)) ch = PeekPastWhitespace(ch);
    return ch;
  }
  int32_t NextEscaped() { return At(++cursor_); }
  int32_t Skip() {
    const int i = cursor_;
    const int32_t ch = At(i + 1);
    cursor_ = i + 2;
    return ch;
  }
  void Unread() { --cursor_; }
  void Mark(int32_t c) {
    if (pattern_length_ < static_cast<int>(temp_.size())) temp_[pattern_length_] = c;
  }
  bool Accept(int32_t ch, const char* message) {
    int32_t test = At(cursor_++);
    if (Has(kComments)) test = ParsePastWhitespace(test);
    if (ch != test) {
      Error(message);
      return false;
    }
    return true;
  }
  bool IsLineSeparator(int32_t ch) const {
    if (Has(kUnixLines)) return ch == '\n';
    return ch == '\n' || ch == '\r' || (ch | 1) == 0x2029 || ch == 0x85;
  }
  int32_t PeekPastWhitespace(int32_t ch) {
    while (IsAsciiSpace(ch) || ch == '#') {
      while (IsAsciiSpace(ch)) ch = At(++cursor_);
      if (ch == '#') ch = PeekPastLine();
    }
    return ch;
  }
  int32_t ParsePastWhitespace(int32_t ch) {
    while (IsAsciiSpace(ch) || ch == '#') {
      while (IsAsciiSpace(ch)) ch = At(cursor_++);
      if (ch == '#') ch = ParsePastLine();
    }
    return ch;
  }
  int32_t ParsePastLine() {
    int32_t ch = At(cursor_++);
    while (ch != 0 && !IsLineSeparator(ch)) ch = At(cursor_++);
    if (ch == 0 && cursor_ > pattern_length_) {
      cursor_ = pattern_length_;
      ch = At(cursor_++);
    }
    return ch;
  }
  int32_t PeekPastLine() {
    int32_t ch = At(++cursor_);
    while (ch != 0 && !IsLineSeparator(ch)) ch = At(++cursor_);
    if (ch == 0 && cursor_ > pattern_length_) {
      cursor_ = pattern_length_;
      ch = At(cursor_);
    }
    return ch;
  }

  // ---- grammar ----

  Fragment Expr() {
    std::vector<Fragment> branches;
    for (;;) {
      Fragment f = Sequence();
      if (failed()) return {};
      branches.push_back(std::move(f));
      if (Peek() != '|') break;
      Next();
    }
    if (branches.size() == 1) return std::move(branches[0]);
    Fragment out;
    out.re2 = "(?:";
    StudyStep branch;
    branch.kind = StudyStep::Kind::kBranch;
    bool first = true;
    for (Fragment& b : branches) {
      if (!first) out.re2 += "|";
      out.re2 += b.re2;
      branch.children.push_back(std::move(b.study));
      first = false;
    }
    out.re2 += ")";
    out.study.push_back(std::move(branch));
    return out;
  }

  static void Append(Fragment& seq, Fragment& f) {
    seq.re2 += f.re2;
    for (StudyStep& step : f.study) seq.study.push_back(std::move(step));
  }

  Fragment Sequence() {
    Fragment seq;
    for (;;) {
      int32_t ch = Peek();
      Fragment node;
      switch (ch) {
        case '(': {
          std::optional<Fragment> g = Group();
          if (failed()) return {};
          if (g.has_value()) Append(seq, *g);
          continue;
        }
        case '[':
          node = ClassFragment(Clazz(true));
          break;
        case '\\': {
          ch = NextEscaped();
          if (ch == 'p' || ch == 'P') {
            const bool complement = ch == 'P';
            bool one_letter = true;
            ch = Next();
            if (ch != '{') {
              Unread();
            } else {
              one_letter = false;
            }
            node = ClassFragment(Family(one_letter, complement));
          } else {
            Unread();
            node = Atom();
          }
          break;
        }
        case '^':
          Next();
          node.re2 = Has(kMultiline) ? "(?m:^)" : "\\A";
          break;
        case '$':
          Next();
          node.re2 = Has(kMultiline) ? "(?m:$)" : "\\z";
          break;
        case '.':
          Next();
          node = ClassFragment(ClassPredicate::Set(DotSet()));
          break;
        case '|':
        case ')':
          return seq;
        case ']':
        case '}':
          node = Atom();
          break;
        case '?':
        case '*':
        case '+':
          Next();
          Error(absl::StrCat("Dangling meta character '", std::string(1, static_cast<char>(ch)),
                             "'"));
          return {};
        case 0:
          if (cursor_ >= pattern_length_) return seq;
          node = Atom();
          break;
        default:
          node = Atom();
          break;
      }
      if (failed()) return {};
      node = Closure(std::move(node));
      if (failed()) return {};
      Append(seq, node);
    }
  }

  CodePointSet DotSet() const {
    if (Has(kDotAll)) return CodePointSet::Range(0, kMaxCodePoint);
    if (Has(kUnixLines)) return CodePointSet::Range('\n', '\n').Complement();
    return CodePointSet::Of({{'\n', '\n'}, {'\r', '\r'}, {0x85, 0x85}, {0x2028, 0x2029}})
        .Complement();
  }

  Fragment ClassFragment(const std::optional<ClassPredicate>& p) {
    Fragment f;
    f.study.push_back(FixedStep(1, 1));
    f.is_char_property = true;
    if (p.has_value()) f.re2 = p->ToRe2();
    return f;
  }

  // One literal character with Java's case-insensitivity applied.
  Fragment Literal(int32_t c) {
    Fragment f;
    f.study.push_back(FixedStep(1, 1));
    f.is_char_property = true;
    if (IsSurrogate(c)) {
      // A lone surrogate cannot occur in UTF-8 text.
      f.re2 = CodePointSet().ToRe2();
      return f;
    }
    if (Has(kCaseInsensitive)) {
      if (Has(kUnicodeCase)) {
        if (!IsAsciiAlnum(c) && c < 0x80) {
          f.re2 = CodePointSet::EscapeLiteral(c);
        } else {
          f.re2 = absl::StrCat("(?i:", CodePointSet::EscapeLiteral(c), ")");
        }
        return f;
      }
      if (IsAsciiAlpha(c)) {
        f.re2 = CodePointSet::Range(c, c).WithAsciiCaseFolded().ToRe2();
        return f;
      }
    }
    f.re2 = CodePointSet::EscapeLiteral(c);
    return f;
  }

  // Java's atom(): here one literal (or one escape) at a time; the result is the same as
  // Java's slices, which it splits before a quantifier.
  Fragment Atom() {
    int32_t ch = Peek();
    switch (ch) {
      case '\\': {
        const int32_t c = Escape(/*in_class=*/false, /*create=*/true, /*is_range=*/false);
        if (failed()) return {};
        if (c >= 0) return Literal(c);
        return std::move(escape_fragment_);
      }
      case 0:
        if (cursor_ >= pattern_length_) return {};
        Next();
        return Literal(0);
      case '*':
      case '+':
      case '?':
      case '{':
      case '$':
      case '.':
      case '^':
      case '(':
      case '[':
      case '|':
      case ')':
        return {};  // Java's empty slice
      default:
        Next();
        return Literal(ch);
    }
  }

  // Java's escape(). Returns the code point, or -1 when the escape is a class or an assertion
  // (then escape_predicate_ or escape_fragment_ holds it).
  int32_t Escape(bool in_class, bool create, bool is_range) {
    const int32_t ch = Skip();
    escape_predicate_.reset();
    escape_fragment_ = Fragment();
    auto predicate = [&](CodePointSet set) {
      if (!create) return -1;
      escape_predicate_ = ClassPredicate::Set(std::move(set));
      escape_fragment_ = ClassFragment(escape_predicate_);
      return -1;
    };
    auto assertion = [&](const char* re2) {
      if (create) escape_fragment_.re2 = re2;
      return -1;
    };
    if (Has(kUnicodeCharacterClass) &&
        (ch == 'd' || ch == 'D' || ch == 's' || ch == 'S' || ch == 'w' || ch == 'W' ||
         ((ch == 'b' || ch == 'B') && !in_class))) {
      Refuse("the UNICODE_CHARACTER_CLASS flag (?U) is not supported by RE2");
    }
    switch (ch) {
      case '0':
        return Octal();
      case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        if (in_class) break;
        if (create) BackReference(ch - '0');
        return -1;
      case 'A':
        if (in_class) break;
        return assertion("\\A");
      case 'B':
        if (in_class) break;
        return assertion("\\B");
      case 'D':
        return predicate(AsciiDigit().Complement());
      case 'G':
        if (in_class) break;
        if (create) Refuse("\\G is not supported by RE2");
        return -1;
      case 'H':
        return predicate(HorizontalWhitespace().Complement());
      case 'N':
        return CharacterName();
      case 'R':
        if (in_class) break;
        if (create) escape_fragment_.study.push_back(FixedStep(1, 2));
        return assertion("(?:\\x{D}\\x{A}|[\\x{A}-\\x{D}\\x{85}\\x{2028}\\x{2029}])");
      case 'S':
        return predicate(AsciiSpace().Complement());
      case 'V':
        return predicate(VerticalWhitespace().Complement());
      case 'W':
        return predicate(AsciiWord().Complement());
      case 'X':
        if (in_class) break;
        if (create) {
          Refuse("\\X (grapheme clusters) is not supported by RE2");
          escape_fragment_.study.push_back(
              StudyStep{StudyStep::Kind::kNonDeterministicChar, 0, 0, {}});
        }
        return -1;
      case 'Z':
        if (in_class) break;
        return assertion("\\z");
      case 'a':
        return 0x07;
      case 'b':
        if (in_class) break;
        if (create) {
          if (Peek() == '{') {
            if (Skip() == 'g') {
              if (Read() == '}') {
                Refuse("\\b{g} (grapheme boundaries) is not supported by RE2");
                return -1;
              }
              break;
            }
            Unread();
            Unread();
          }
          escape_fragment_.re2 = "\\b";
        }
        return -1;
      case 'c':
        return Control();
      case 'd':
        return predicate(AsciiDigit());
      case 'e':
        return 0x1B;
      case 'f':
        return '\f';
      case 'h':
        return predicate(HorizontalWhitespace());
      case 'k': {
        if (in_class) break;
        if (Read() != '<') {
          Error("\\k is not followed by '<' for named capturing group");
          return -1;
        }
        std::string name = GroupName(Read());
        if (failed()) return -1;
        if (named_groups_.find(name) == named_groups_.end()) {
          Error(absl::StrCat("named capturing group <", name, "> does not exist"));
          return -1;
        }
        if (create) {
          Refuse(absl::StrCat("backreferences are not supported by RE2", kLinearTime));
          escape_fragment_.study.push_back(StudyStep{StudyStep::Kind::kNoMax, 0, 0, {}});
        }
        return -1;
      }
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 's':
        return predicate(AsciiSpace());
      case 't':
        return '\t';
      case 'u':
        return Unicode();
      case 'v':
        if (is_range) return 0x0B;
        return predicate(VerticalWhitespace());
      case 'w':
        return predicate(AsciiWord());
      case 'x':
        return Hex();
      case 'z':
        if (in_class) break;
        return assertion("\\z");
      case 'C': case 'E': case 'F': case 'I': case 'J': case 'K': case 'L': case 'M':
      case 'O': case 'P': case 'Q': case 'T': case 'U': case 'Y': case 'g': case 'i':
      case 'j': case 'l': case 'm': case 'o': case 'p': case 'q': case 'y':
        break;
      default:
        return ch;
    }
    Error("Illegal/unsupported escape sequence");
    return -1;
  }

  void BackReference(int ref) {
    // Java's ref(): takes further digits while such a group exists.
    for (;;) {
      const int32_t ch = Peek();
      if (!IsAsciiDigit(ch)) break;
      const int next_ref = ref * 10 + (ch - '0');
      if (capturing_group_count_ - 1 < next_ref) break;
      ref = next_ref;
      Read();
    }
    Refuse(absl::StrCat("backreferences are not supported by RE2", kLinearTime));
    escape_fragment_.study.push_back(StudyStep{StudyStep::Kind::kNoMax, 0, 0, {}});
  }

  int32_t Octal() {
    auto is_octal = [](int32_t c) { return c >= '0' && c <= '7'; };
    const int32_t n = Read();
    if (is_octal(n)) {
      const int32_t m = Read();
      if (is_octal(m)) {
        const int32_t o = Read();
        if (is_octal(o) && n >= '0' && n <= '3') {
          return (n - '0') * 64 + (m - '0') * 8 + (o - '0');
        }
        Unread();
        return (n - '0') * 8 + (m - '0');
      }
      Unread();
      return n - '0';
    }
    Error("Illegal octal escape sequence");
    return -1;
  }

  int32_t Hex() {
    int32_t n = Read();
    if (IsAsciiHexDigit(n)) {
      const int32_t m = Read();
      if (IsAsciiHexDigit(m)) return HexValue(n) * 16 + HexValue(m);
    } else if (n == '{' && IsAsciiHexDigit(Peek())) {
      int64_t ch = 0;
      while (IsAsciiHexDigit(n = Read())) {
        ch = (ch << 4) + HexValue(n);
        if (ch > kMaxCodePoint) {
          Error("Hexadecimal codepoint is too big");
          return -1;
        }
      }
      if (n != '}') {
        Error("Unclosed hexadecimal escape sequence");
        return -1;
      }
      return static_cast<int32_t>(ch);
    }
    Error("Illegal hexadecimal escape sequence");
    return -1;
  }

  int32_t FourHex() {
    int32_t n = 0;
    for (int i = 0; i < 4; ++i) {
      const int32_t ch = Read();
      if (!IsAsciiHexDigit(ch)) {
        Error("Illegal Unicode escape sequence");
        return -1;
      }
      n = n * 16 + HexValue(ch);
    }
    return n;
  }

  int32_t Unicode() {
    const int32_t n = FourHex();
    if (failed()) return -1;
    if (n >= 0xD800 && n <= 0xDBFF) {
      const int saved = cursor_;
      if (Read() == '\\' && Read() == 'u') {
        const int32_t n2 = FourHex();
        if (failed()) return -1;
        if (n2 >= 0xDC00 && n2 <= 0xDFFF) {
          return 0x10000 + ((n - 0xD800) << 10) + (n2 - 0xDC00);
        }
      }
      cursor_ = saved;
    }
    return n;
  }

  int32_t Control() {
    if (cursor_ < pattern_length_) return Read() ^ 64;
    Error("Illegal control escape sequence");
    return -1;
  }

  int32_t CharacterName() {
    if (Read() == '{') {
      while (Read() != '}') {
        if (cursor_ >= pattern_length_) {
          Error("Unclosed character name escape sequence");
          return -1;
        }
      }
      Refuse("\\N{...} character names are not supported");
      return 'N';
    }
    Error("Illegal character name escape sequence");
    return -1;
  }

  std::string GroupName(int32_t ch) {
    std::string name;
    if (!IsAsciiAlpha(ch)) {
      Error("capturing group name does not start with a Latin letter");
      return name;
    }
    do {
      name.push_back(static_cast<char>(ch));
    } while (IsAsciiAlnum(ch = Read()));
    if (ch != '>') Error("named capturing group is missing trailing '>'");
    return name;
  }

  // Java's clazz(): a bracket expression. nullopt on error or when RE2 cannot write it (then
  // refused).
  std::optional<ClassPredicate> Clazz(bool consume) {
    std::optional<ClassPredicate> prev;
    std::optional<ClassPredicate> curr;
    CodePointSet bits;
    bool has_bits = false;
    bool negated = false;
    int32_t ch = Next();
    if (ch == '^' && At(cursor_ - 1) == '[') {
      ch = Next();
      negated = true;
    }
    auto unite = [&](std::optional<ClassPredicate>& a, const std::optional<ClassPredicate>& b) {
      if (!a.has_value() || !b.has_value()) {
        a = a.has_value() ? a : b;
        return;
      }
      a = a->Union(*b);
    };
    for (;;) {
      switch (ch) {
        case '[': {
          curr = Clazz(true);
          if (failed()) return std::nullopt;
          unite(prev, curr);
          ch = Peek();
          continue;
        }
        case '&': {
          ch = Next();
          if (ch == '&') {
            ch = Next();
            std::optional<ClassPredicate> right;
            bool right_set = false;
            while (ch != ']' && ch != '&') {
              std::optional<ClassPredicate> part;
              if (ch == '[') {
                part = Clazz(true);
              } else {
                Unread();
                part = Clazz(false);
              }
              if (failed()) return std::nullopt;
              if (!right_set) {
                right = part;
                right_set = true;
              } else {
                unite(right, part);
              }
              ch = Peek();
            }
            if (has_bits) {
              std::optional<ClassPredicate> b = ClassPredicate::Set(bits);
              if (!prev.has_value()) {
                prev = b;
                curr = b;
              } else {
                unite(prev, b);
              }
              has_bits = false;
            }
            if (right_set) curr = right;
            if (!right_set && !curr.has_value() && prev.has_value()) {
              // Java intersects with a null predicate here and throws NullPointerException
              // whenever the left side matches.
              Refuse("a class intersection with nothing after && is not supported (Java fails "
                     "with a NullPointerException when it matches)");
            }
            if (!prev.has_value()) {
              if (!right_set) {
                Error("Bad class syntax");
                return std::nullopt;
              }
              prev = right;
            } else if (curr.has_value()) {
              std::optional<ClassPredicate> both = prev->And(*curr);
              if (!both.has_value()) {
                Refuse(
                    "character class intersections (&&) with Unicode properties are not "
                    "supported by RE2");
                both = ClassPredicate::Set(CodePointSet());
              }
              prev = both;
            }
          } else {
            Unread();
            break;
          }
          continue;
        }
        case 0:
          if (cursor_ >= pattern_length_) {
            Error("Unclosed character class");
            return std::nullopt;
          }
          break;
        case ']':
          if (prev.has_value() || has_bits) {
            if (consume) Next();
            if (!prev.has_value()) {
              prev = ClassPredicate::Set(bits);
            } else if (has_bits) {
              unite(prev, ClassPredicate::Set(bits));
            }
            if (negated && prev.has_value()) {
              std::optional<ClassPredicate> n = prev->Negate();
              if (!n.has_value()) {
                Refuse("this negated character class cannot be written for RE2 (a union with "
                       "negated Unicode properties or case-insensitive non-ASCII letters)");
                n = ClassPredicate::Set(CodePointSet());
              }
              return n;
            }
            return prev;
          }
          break;
        default:
          break;
      }
      bool used_bits = false;
      std::optional<ClassPredicate> r = Range(bits, used_bits);
      if (failed()) return std::nullopt;
      curr = r;  // Java's curr is null when the member went into the bit set
      if (used_bits) {
        has_bits = true;
      } else {
        if (!prev.has_value()) {
          prev = curr;
        } else {
          unite(prev, curr);
        }
      }
      ch = Peek();
    }
  }
  // Java's range(): one member of a class. Adds single characters to `bits` (Java's BitClass)
  // and sets used_bits, or returns the member's predicate.
  std::optional<ClassPredicate> Range(CodePointSet& bits, bool& used_bits) {
    int32_t ch = Peek();
    if (ch == '\\') {
      ch = NextEscaped();
      if (ch == 'p' || ch == 'P') {
        const bool complement = ch == 'P';
        bool one_letter = true;
        ch = Next();
        if (ch != '{') {
          Unread();
        } else {
          one_letter = false;
        }
        std::optional<ClassPredicate> p = Family(one_letter, complement);
        if (!p.has_value() && !failed()) return ClassPredicate::Set(CodePointSet());
        return p;
      }
      const bool is_range = At(cursor_ + 1) == '-';
      Unread();
      ch = Escape(/*in_class=*/true, /*create=*/true, is_range);
      if (failed()) return std::nullopt;
      if (ch == -1) {
        if (escape_predicate_.has_value()) return escape_predicate_;
        return ClassPredicate::Set(CodePointSet());  // refused escape
      }
    } else {
      Next();
    }
    if (ch >= 0) {
      if (Peek() == '-') {
        const int32_t end_range = At(cursor_ + 1);
        if (end_range == '[') return Single(bits, ch, used_bits);
        if (end_range != ']') {
          Next();
          int32_t m = Peek();
          if (m == '\\') {
            m = Escape(/*in_class=*/true, /*create=*/false, /*is_range=*/true);
            if (failed()) return std::nullopt;
          } else {
            Next();
          }
          if (m < ch) {
            Error("Illegal character range");
            return std::nullopt;
          }
          return RangePredicate(ch, m);
        }
      }
      return Single(bits, ch, used_bits);
    }
    Error(absl::StrCat("Unexpected character '", std::string(1, static_cast<char>(ch)), "'"));
    return std::nullopt;
  }

  std::optional<ClassPredicate> RangePredicate(int32_t lo, int32_t hi) {
    CodePointSet set = CodePointSet::Range(lo, hi);
    if (Has(kCaseInsensitive)) {
      if (Has(kUnicodeCase)) {
        return ClassPredicate::Alternative(absl::StrCat("(?i:[", set.ClassBody(), "])"));
      }
      set = set.WithAsciiCaseFolded();
    }
    return ClassPredicate::Set(std::move(set));
  }

  // Java's bitsOrSingle(): a single class member.
  std::optional<ClassPredicate> Single(CodePointSet& bits, int32_t ch, bool& used_bits) {
    if (Has(kCaseInsensitive) && Has(kUnicodeCase) && !(ch < 0x80 && !IsAsciiAlpha(ch))) {
      // Unicode case folding: RE2's tables.
      return ClassPredicate::Alternative(
          absl::StrCat("(?i:", CodePointSet::EscapeLiteral(ch), ")"));
    }
    CodePointSet one = CodePointSet::Range(ch, ch);
    if (Has(kCaseInsensitive)) one = one.WithAsciiCaseFolded();
    if (IsSurrogate(ch)) one = CodePointSet();
    // Java keeps members below 256 in a bit set, the others as predicates of their own; the
    // difference shows in how `&&` picks its right-hand side.
    if (ch >= 256) return ClassPredicate::Set(std::move(one));
    bits.Add(one);
    used_bits = true;
    return std::nullopt;
  }

  // Java's family(): \p{..} / \P{..}.
  std::optional<ClassPredicate> Family(bool single_letter, bool complement) {
    Next();
    std::string name;
    if (single_letter) {
      formats::AppendUtf8(static_cast<uint32_t>(At(cursor_)), name);
      Read();
    } else {
      const int i = cursor_;
      Mark('}');
      while (Read() != '}') {
      }
      Mark(0);
      const int j = cursor_;
      if (j > pattern_length_) {
        Error("Unclosed character family");
        return std::nullopt;
      }
      if (i + 1 >= j) {
        Error("Empty character family");
        return std::nullopt;
      }
      for (int k = i; k < j - 1; ++k) formats::AppendUtf8(static_cast<uint32_t>(At(k)), name);
    }
    const bool ci = Has(kCaseInsensitive);
    std::optional<ClassPredicate> p;
    std::string refusal;
    bool known = false;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      const std::string value = name.substr(eq + 1);
      const std::string key = absl::AsciiStrToLower(name.substr(0, eq));
      if (key == "sc" || key == "script") {
        p = ScriptPredicate(value);
        known = p.has_value();
      } else if (key == "blk" || key == "block") {
        refusal = "Unicode blocks (\\p{blk=...}) are not supported by RE2";
        known = true;
      } else if (key == "gc" || key == "general_category") {
        p = CategoryPredicate(value, ci, known, refusal);
      }
      if (!known) {
        Error(absl::StrCat("Unknown Unicode property {name=<", key, ">, value=<", value, ">}"));
        return std::nullopt;
      }
    } else {
      if (name.rfind("In", 0) == 0) {
        refusal = "Unicode blocks (\\p{In...}) are not supported by RE2";
        known = true;
      } else if (name.rfind("Is", 0) == 0) {
        const std::string short_name = name.substr(2);
        p = BinaryPropertyPredicate(absl::AsciiStrToUpper(short_name), ci, known, refusal);
        if (!known) p = CategoryPredicate(short_name, ci, known, refusal);
        if (!known) {
          p = ScriptPredicate(short_name);
          known = p.has_value();
        }
      } else {
        p = CategoryPredicate(name, ci, known, refusal);
      }
      if (!known) {
        Error(absl::StrCat("Unknown character property name {", name, "}"));
        return std::nullopt;
      }
    }
    if (!p.has_value()) {
      Refuse(refusal);
      return ClassPredicate::Set(CodePointSet());
    }
    if (complement) {
      std::optional<ClassPredicate> n = p->Negate();
      if (!n.has_value()) {
        Refuse("negating this Unicode property is not supported by RE2");
        return ClassPredicate::Set(CodePointSet());
      }
      return n;
    }
    return p;
  }

  // Java's group0(). nullopt (without error) for a flag-only group "(?i)".
  std::optional<Fragment> Group() {
    const int saved_flags = flags_;
    Fragment head;
    bool zero_width = false;
    int32_t ch = Next();
    if (ch == '?') {
      ch = Skip();
      switch (ch) {
        case ':':
          head = Expr();
          if (failed()) return std::nullopt;
          head.re2 = absl::StrCat("(?:", head.re2, ")");
          break;
        case '=':
        case '!':
          head = Expr();
          if (failed()) return std::nullopt;
          Refuse(absl::StrCat("lookahead groups are not supported by RE2", kLinearTime));
          zero_width = true;
          break;
        case '>':
          head = Expr();
          if (failed()) return std::nullopt;
          Refuse(absl::StrCat("atomic groups (?>...) are not supported by RE2", kLinearTime));
          head.re2 = absl::StrCat("(?:", head.re2, ")");
          break;
        case '<': {
          ch = Read();
          if (ch != '=' && ch != '!') {
            std::string name = GroupName(ch);
            if (failed()) return std::nullopt;
            if (named_groups_.count(name) != 0) {
              Error(absl::StrCat("Named capturing group <", name, "> is already defined"));
              return std::nullopt;
            }
            const int index = capturing_group_count_++;
            named_groups_[name] = index;
            head = Expr();
            if (failed()) return std::nullopt;
            head.re2 = absl::StrCat("(", head.re2, ")");
            break;
          }
          head = Expr();
          if (failed()) return std::nullopt;
          TreeInfo info;
          RunStudy(head.study, info);
          if (!info.max_valid) {
            Error("Look-behind group does not have an obvious maximum length");
            return std::nullopt;
          }
          Refuse(absl::StrCat("lookbehind groups are not supported by RE2", kLinearTime));
          zero_width = true;
          break;
        }
        case '$':
        case '@':
          Error("Unknown group type");
          return std::nullopt;
        default:
          Unread();
          AddFlags();
          ch = Read();
          if (ch == ')') return std::nullopt;  // flags only; they stay set
          if (ch != ':') {
            Error("Unknown inline modifier");
            return std::nullopt;
          }
          head = Expr();
          if (failed()) return std::nullopt;
          head.re2 = absl::StrCat("(?:", head.re2, ")");
          break;
      }
    } else {
      capturing_group_count_++;
      head = Expr();
      if (failed()) return std::nullopt;
      head.re2 = absl::StrCat("(", head.re2, ")");
    }
    if (!Accept(')', "Unclosed group")) return std::nullopt;
    flags_ = saved_flags;
    head.is_group = true;
    if (zero_width) {
      head.study.clear();
      head.zero_width_group = true;
    }
    Fragment node = Closure(head);
    if (failed()) return std::nullopt;
    return node;
  }

  void AddFlags() {
    int32_t ch = Peek();
    for (;;) {
      switch (ch) {
        case 'i': flags_ |= kCaseInsensitive; break;
        case 'm': flags_ |= kMultiline; break;
        case 's': flags_ |= kDotAll; break;
        case 'd': flags_ |= kUnixLines; break;
        case 'u': flags_ |= kUnicodeCase; break;
        case 'c':
          flags_ |= kCanonEq;
          Refuse("the CANON_EQ flag (?c) is not supported by RE2");
          break;
        case 'x': flags_ |= kComments; break;
        case 'U':
          flags_ |= kUnicodeCharacterClass | kUnicodeCase;
          Refuse("the UNICODE_CHARACTER_CLASS flag (?U) is not supported by RE2");
          break;
        case '-':
          Next();
          SubtractFlags();
          return;
        default:
          return;
      }
      ch = Next();
    }
  }

  void SubtractFlags() {
    int32_t ch = Peek();
    for (;;) {
      switch (ch) {
        case 'i': flags_ &= ~kCaseInsensitive; break;
        case 'm': flags_ &= ~kMultiline; break;
        case 's': flags_ &= ~kDotAll; break;
        case 'd': flags_ &= ~kUnixLines; break;
        case 'u': flags_ &= ~kUnicodeCase; break;
        case 'c': flags_ &= ~kCanonEq; break;
        case 'x': flags_ &= ~kComments; break;
        case 'U': flags_ &= ~(kUnicodeCharacterClass | kUnicodeCase); break;
        default: return;
      }
      ch = Next();
    }
  }

  enum class Quantifier { kGreedy, kLazy, kPossessive };

  Quantifier QuantifierType() {
    const int32_t ch = Next();
    if (ch == '?') {
      Next();
      return Quantifier::kLazy;
    }
    if (ch == '+') {
      Next();
      return Quantifier::kPossessive;
    }
    return Quantifier::kGreedy;
  }

  Fragment Repeat(Fragment f, int64_t min, int64_t max /* -1: unbounded */, Quantifier q) {
    if (q == Quantifier::kPossessive) {
      Refuse(absl::StrCat("possessive quantifiers are not supported by RE2", kLinearTime));
    }
    if (min > kMaxRe2Repeat || max > kMaxRe2Repeat) {
      Refuse(absl::StrCat("repetition counts above ", kMaxRe2Repeat,
                          " are not supported by RE2"));
    }
    Fragment out;
    std::string op;
    if (min == 0 && max == 1) {
      op = "?";
    } else if (min == 0 && max < 0) {
      op = "*";
    } else if (min == 1 && max < 0) {
      op = "+";
    } else if (max < 0) {
      op = absl::StrCat("{", min, ",}");
    } else if (min == max) {
      op = absl::StrCat("{", min, "}");
    } else {
      op = absl::StrCat("{", min, ",", max, "}");
    }
    if (q == Quantifier::kLazy) op += "?";
    out.re2 = f.re2.empty() ? std::string() : absl::StrCat("(?:", f.re2, ")", op);
    const bool question = min == 0 && max == 1;
    const int32_t cmax = max < 0 ? kMaxReps : static_cast<int32_t>(max);
    StudyStep step;
    if (question) {
      if (f.is_group && !f.zero_width_group && q != Quantifier::kPossessive) {
        step.kind = StudyStep::Kind::kBranch;  // Java: Branch(group, null)
        step.children = {std::move(f.study), Study()};
      } else {
        step.kind = StudyStep::Kind::kQuestion;
        step.children = {std::move(f.study)};
      }
    } else if (max < 0 && q == Quantifier::kGreedy && f.is_char_property) {
      step.kind = StudyStep::Kind::kGreedyChar;
      step.min = static_cast<int32_t>(min);
    } else {
      step.kind = StudyStep::Kind::kCurly;
      step.min = static_cast<int32_t>(min);
      step.max = cmax;
      if (f.is_group && !f.zero_width_group && q != Quantifier::kPossessive) {
        TreeInfo body;
        RunStudy(f.study, body);
        if (!body.deterministic) step.kind = StudyStep::Kind::kLoop;
      }
      step.children = {std::move(f.study)};
    }
    out.study.push_back(std::move(step));
    return out;
  }

  // Java's closure(): a quantifier after a node.
  Fragment Closure(Fragment prev) {
    int32_t ch = Peek();
    switch (ch) {
      case '?':
        return Repeat(std::move(prev), 0, 1, QuantifierType());
      case '*':
        return Repeat(std::move(prev), 0, -1, QuantifierType());
      case '+':
        return Repeat(std::move(prev), 1, -1, QuantifierType());
      case '{': {
        ch = Skip();
        if (!IsAsciiDigit(ch)) {
          Error("Illegal repetition");
          return {};
        }
        int64_t cmin = 0;
        int64_t cmax = 0;
        bool overflow = false;
        do {
          cmin = cmin * 10 + (ch - '0');
          if (cmin > 0x7FFFFFFF) overflow = true;
        } while (!overflow && IsAsciiDigit(ch = Read()));
        if (!overflow) {
          if (ch == ',') {
            ch = Read();
            if (ch == '}') {
              Unread();
              return Repeat(std::move(prev), cmin, -1, QuantifierType());
            }
            cmax = 0;
            while (IsAsciiDigit(ch)) {
              cmax = cmax * 10 + (ch - '0');
              if (cmax > 0x7FFFFFFF) {
                overflow = true;
                break;
              }
              ch = Read();
            }
          } else {
            cmax = cmin;
          }
        }
        if (overflow) {
          Error("Illegal repetition range");
          return {};
        }
        if (ch != '}') {
          Error("Unclosed counted closure");
          return {};
        }
        if (cmax < cmin) {
          Error("Illegal repetition range");
          return {};
        }
        Unread();
        return Repeat(std::move(prev), cmin, cmax, QuantifierType());
      }
      default:
        return prev;
    }
  }

  std::string pattern_;
  std::vector<int32_t> temp_;
  int pattern_length_ = 0;
  int cursor_ = 0;
  int flags_ = 0;
  int capturing_group_count_ = 1;
  std::map<std::string, int> named_groups_;
  std::optional<SyntaxError> error_;
  std::optional<std::string> refusal_;
  // What the last Escape() produced when it returned -1.
  std::optional<ClassPredicate> escape_predicate_;
  Fragment escape_fragment_;
};

// PatternSyntaxException.getMessage() on a JVM whose line separator is "\n".
std::string JavaSyntaxMessage(const SyntaxError& e, std::string_view pattern) {
  std::string out = e.description;
  if (e.index >= 0) absl::StrAppend(&out, " near index ", e.index);
  absl::StrAppend(&out, "\n", Av(pattern));
  const std::vector<uint16_t> utf16 = ToUtf16(pattern);
  if (e.index >= 0 && static_cast<size_t>(e.index) < utf16.size()) {
    out += "\n";
    for (int i = 0; i < e.index; ++i) out += utf16[i] == '\t' ? '\t' : ' ';
    out += "^";
  }
  return out;
}

constexpr std::string_view kIllegalArgument = "java.lang.IllegalArgumentException";
constexpr std::string_view kIndexOutOfBounds = "java.lang.IndexOutOfBoundsException";

absl::Status ReplacementError(std::string_view java_class, std::string_view message) {
  return convert::JavaError(absl::StatusCode::kInvalidArgument, java_class, message);
}

}  // namespace

absl::StatusOr<JavaPattern> JavaPattern::Compile(std::string_view pattern) {
  Translator translator(pattern);
  std::string re2_pattern;
  if (!translator.Run(re2_pattern)) {
    if (translator.error().has_value()) {
      return absl::InvalidArgumentError(JavaSyntaxMessage(*translator.error(), pattern));
    }
    return absl::UnimplementedError(*translator.refusal());
  }
  RE2::Options options;
  options.set_log_errors(false);
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_max_mem(64 << 20);
  auto re2 = std::make_shared<const RE2>(re2_pattern, options);
  if (!re2->ok()) {
    return absl::UnimplementedError(
        absl::StrCat("the pattern cannot be run by RE2: ", re2->error()));
  }
  JavaPattern p;
  p.pattern_ = std::string(pattern);
  p.re2_pattern_ = std::move(re2_pattern);
  p.group_count_ = translator.group_count();
  p.named_groups_ = translator.named_groups();
  p.re2_ = std::move(re2);
  return p;
}

bool JavaPattern::FullMatch(std::string_view input) const {
  return re2_->Match(re2::StringPiece(input.data(), input.size()), 0, input.size(),
                     RE2::ANCHOR_BOTH, nullptr, 0);
}

absl::StatusOr<std::string> JavaPattern::ReplaceFirst(std::string_view input,
                                                      std::string_view replacement) const {
  std::vector<re2::StringPiece> groups(group_count_ + 1);
  const re2::StringPiece text(input.data(), input.size());
  if (!re2_->Match(text, 0, input.size(), RE2::UNANCHORED, groups.data(),
                   static_cast<int>(groups.size()))) {
    return std::string(input);
  }
  const size_t match_start = groups[0].data() - input.data();
  std::string out(input.substr(0, match_start));
  size_t cursor = 0;
  while (cursor < replacement.size()) {
    char next = replacement[cursor];
    if (next == '\\') {
      ++cursor;
      if (cursor == replacement.size()) {
        return ReplacementError(kIllegalArgument, "character to be escaped is missing");
      }
      out.push_back(replacement[cursor++]);
    } else if (next == '$') {
      ++cursor;
      if (cursor == replacement.size()) {
        return ReplacementError(kIllegalArgument,
                                "Illegal group reference: group index is missing");
      }
      next = replacement[cursor];
      int ref = -1;
      if (next == '{') {
        ++cursor;
        std::string name;
        while (cursor < replacement.size()) {
          next = replacement[cursor];
          if (IsAsciiAlnum(static_cast<unsigned char>(next))) {
            name.push_back(next);
            ++cursor;
          } else {
            break;
          }
        }
        if (name.empty()) {
          return ReplacementError(kIllegalArgument, "named capturing group has 0 length name");
        }
        if (next != '}') {
          return ReplacementError(kIllegalArgument,
                                  "named capturing group is missing trailing '}'");
        }
        if (IsAsciiDigit(static_cast<unsigned char>(name[0]))) {
          return ReplacementError(
              kIllegalArgument,
              absl::StrCat("capturing group name {", name, "} starts with digit character"));
        }
        auto it = named_groups_.find(name);
        if (it == named_groups_.end()) {
          return ReplacementError(kIllegalArgument,
                                  absl::StrCat("No group with name {", name, "}"));
        }
        ref = it->second;
        ++cursor;
      } else {
        ref = next - '0';
        if (ref < 0 || ref > 9) {
          return ReplacementError(kIllegalArgument, "Illegal group reference");
        }
        ++cursor;
        while (cursor < replacement.size()) {
          const int digit = replacement[cursor] - '0';
          if (digit < 0 || digit > 9) break;
          const int next_ref = ref * 10 + digit;
          if (group_count_ < next_ref) break;
          ref = next_ref;
          ++cursor;
        }
      }
      if (ref > group_count_) {
        return ReplacementError(kIndexOutOfBounds, absl::StrCat("No group ", ref));
      }
      const re2::StringPiece& g = groups[ref];
      if (g.data() != nullptr) out.append(g.data(), g.size());
    } else {
      out.push_back(next);
      ++cursor;
    }
  }
  const size_t match_end = match_start + groups[0].size();
  out.append(input.substr(match_end));
  return out;
}

absl::Status ValidateJavaPattern(std::string_view pattern) {
  return JavaPattern::Compile(pattern).status();
}

ConfigValidator JavaRegexValidator() {
  return [](const std::string& name, const ConfigValue& value) -> absl::Status {
    std::string shown;
    std::string reason;
    if (const auto* s = std::get_if<std::string>(&value)) {
      absl::Status status = ValidateJavaPattern(*s);
      if (status.ok()) return absl::OkStatus();
      shown = *s;
      reason = std::string(status.message());
    } else {
      // Pattern.compile(null): a NullPointerException, whose helpful message Java 17 prints.
      shown = "null";
      reason = "Cannot invoke \"String.isEmpty()\" because \"this.pattern\" is null";
    }
    return absl::InvalidArgumentError(absl::StrCat("Invalid value ", shown,
                                                   " for configuration ", name,
                                                   ": Invalid regex: ", reason));
  };
}

}  // namespace sluice::transforms
