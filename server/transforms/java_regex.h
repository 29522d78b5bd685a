// Java regular expressions (java.util.regex.Pattern) run on RE2.
//
// Kafka Connect users write Java regexes: RegexRouter's `regex`, TopicNameMatches' `pattern`, a
// sink's `topics.regex`. Sluice runs every regex on RE2, in time linear in the input (DESIGN §7),
// so a Java pattern is translated into an RE2 pattern that matches the same strings. A pattern
// Java rejects gets Java's own error text (PatternSyntaxException.getMessage()); a valid Java
// pattern that RE2 cannot run with the same meaning is refused with a message that names the
// construct:
//
//   absl::StatusOr<JavaPattern> p = JavaPattern::Compile("(?<env>[a-z]+)-(.*)");
//   p->FullMatch("prod-orders");                               // Matcher.matches(): true
//   p->ReplaceFirst("prod-orders", "${env}_$2");               // "prod_orders"
//   JavaPattern::Compile("(a)\\1").status();
//   // Unimplemented "backreferences are not supported by RE2 (Sluice runs regexes in linear
//   // time)"
//
// What is refused (Unimplemented): backreferences (\1, \k<name>), lookahead and lookbehind,
// atomic groups (?>...), possessive quantifiers (*+ ++ ?+ {n,m}+), \G, \X, \b{g}, \N{name},
// the flags (?U) and (?c), Unicode blocks (\p{InGreek}, \p{blk=...}), the java* classes
// (\p{javaLowerCase}) and the Unicode binary properties that RE2 has no table for
// (\p{IsAlphabetic}, \p{IsLowercase}, ...), intersections (&&) or negated unions that involve
// Unicode properties, and repetition counts above 1000.
//
// What is translated exactly: literals and every escape (\t \n \xhh \x{h..} \uhhhh \0ooo \cX
// \Q...\E), classes with unions, intersections and negation ([a-z&&[^aeiou]]), \d \s \w \h \v
// \R and their negations (ASCII, as in Java), POSIX classes (\p{Alpha}, ...), Unicode general
// categories and scripts (\p{Lu}, \p{IsL}, \p{IsGreek}, \p{sc=Greek}), `.` with Java's line
// terminators, named groups, (?imsdux-imsdux) flags, (?x) comments, greedy and reluctant
// quantifiers. Java's case-insensitive matching folds ASCII only unless (?u) is on, and so does
// the translation.
//
// Where the meaning can differ, only for inputs that contain line terminators or non-ASCII
// letters (never a Kafka topic name, whose characters are [a-zA-Z0-9._-]):
// - `$` and \Z (without MULTILINE) match only at the very end; Java's also match before a final
//   line terminator. With MULTILINE, `^` and `$` know only \n as a line terminator (Java: also
//   \r, \r\n, \u0085, \u2028, \u2029), and `^` also matches after a final \n.
// - \b and \B use ASCII word characters (Java 17's use Character.isLetterOrDigit).
// - (?iu) folds case with RE2's Unicode tables; categories and scripts use RE2's Unicode
//   version, which may be newer than the JVM's.
//
// Thread-safety: JavaPattern is immutable after Compile and thread-safe; copies share the
// compiled RE2.
#ifndef SLUICE_SERVER_TRANSFORMS_JAVA_REGEX_H_
#define SLUICE_SERVER_TRANSFORMS_JAVA_REGEX_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace sluice::transforms {

class JavaPattern {
 public:
  // Pattern.compile(pattern) with no flags. InvalidArgument whose message is exactly Java's
  // PatternSyntaxException.getMessage() ("Unclosed group near index 3\n(ab") where Java rejects
  // the pattern; Unimplemented naming the construct where Java accepts it but RE2 cannot run it
  // with the same meaning.
  static absl::StatusOr<JavaPattern> Compile(std::string_view pattern);

  // The Java pattern as given.
  const std::string& pattern() const { return pattern_; }
  // The RE2 pattern it was translated to.
  const std::string& re2_pattern() const { return re2_pattern_; }
  // Matcher.groupCount().
  int group_count() const { return group_count_; }
  // Named groups and their numbers.
  const std::map<std::string, int>& named_groups() const { return named_groups_; }

  // Matcher.matches(): the whole input matches.
  bool FullMatch(std::string_view input) const;

  // Matcher.replaceFirst(replacement): the first match (leftmost, Java's alternative order)
  // replaced by `replacement` with $n, ${name} and \-escapes expanded; the input unchanged when
  // nothing matches. InvalidArgument carrying Java's exception (class
  // java.lang.IllegalArgumentException or java.lang.IndexOutOfBoundsException, see
  // convert::JavaExceptionClass) and message for a bad replacement: "No group 3",
  // "Illegal group reference", "No group with name {x}", "character to be escaped is missing".
  absl::StatusOr<std::string> ReplaceFirst(std::string_view input,
                                           std::string_view replacement) const;

 private:
  JavaPattern() = default;

  std::string pattern_;
  std::string re2_pattern_;
  int group_count_ = 0;
  std::map<std::string, int> named_groups_;
  std::shared_ptr<const re2::RE2> re2_;  // shared by copies; RE2 is thread-safe
};

// What is wrong with `pattern` as a Java regex run by Sluice: OK, InvalidArgument with Java's
// PatternSyntaxException.getMessage(), or Unimplemented with the refusal (as Compile).
absl::Status ValidateJavaPattern(std::string_view pattern);

// Kafka Connect's RegexValidator (connect-transforms util.RegexValidator), whose toString() is
// "valid regex": "Invalid value <v> for configuration <name>: Invalid regex: <reason>", where
// <reason> is Java's error text or Sluice's refusal. A null value gets Java's "Invalid regex:
// null"-style message as Kafka Connect prints it.
ConfigValidator JavaRegexValidator();
inline constexpr std::string_view kJavaRegexValidatorDoc = "valid regex";

}  // namespace sluice::transforms

#endif  // SLUICE_SERVER_TRANSFORMS_JAVA_REGEX_H_
