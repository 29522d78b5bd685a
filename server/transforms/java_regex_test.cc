// Expected values come from running java.util.regex.Pattern / Matcher (OpenJDK 17, the JVM Kafka
// 3.9.1 runs on here) on the same inputs, and from Kafka 3.9.1's RegexRouter and
// TopicNameMatches config validation.
#include "server/transforms/java_regex.h"

#include <string>

#include "gtest/gtest.h"
#include "server/convert/connect_exception.h"

namespace sluice::transforms {
namespace {

struct ErrorCase {
  const char* pattern;
  const char* message;  // PatternSyntaxException.getMessage()
};

TEST(JavaPattern, RejectsWhatJavaRejectsWithJavasMessage) {
  const ErrorCase cases[] = {
      {"(ab", "Unclosed group near index 3\n(ab"},
      {"a{2,1}", "Illegal repetition range near index 5\na{2,1}\n     ^"},
      {"[b-a]", "Illegal character range near index 3\n[b-a]\n   ^"},
      {"*a", "Dangling meta character '*' near index 0\n*a\n^"},
      {"a)", "Unmatched closing ')' near index 0\na)\n^"},
      {"[a", "Unclosed character class near index 1\n[a\n ^"},
      {"a{", "Illegal repetition near index 2\na{"},
      {"a{,2}", "Illegal repetition near index 2\na{,2}\n  ^"},
      {"\\", "Unexpected internal error near index 1\n\\"},
      {"\\y", "Illegal/unsupported escape sequence near index 1\n\\y\n ^"},
      {"(?<1a>x)",
       "capturing group name does not start with a Latin letter near index 3\n(?<1a>x)\n   ^"},
      {"(?<n>a)(?<n>b)",
       "Named capturing group <n> is already defined near index 11\n(?<n>a)(?<n>b)\n"
       "           ^"},
      {"\\k<m>", "named capturing group <m> does not exist near index 4\n\\k<m>\n    ^"},
      {"\\p{Foo}", "Unknown character property name {Foo} near index 6\n\\p{Foo}\n      ^"},
      {"\\p{IsFoo}",
       "Unknown character property name {IsFoo} near index 8\n\\p{IsFoo}\n        ^"},
      {"(?z)", "Unknown inline modifier near index 2\n(?z)\n  ^"},
      {"\\x{110000}", "Hexadecimal codepoint is too big near index 8\n\\x{110000}\n        ^"},
      {"\\u12", "Illegal Unicode escape sequence near index 4\n\\u12"},
      {"\\0", "Illegal octal escape sequence near index 2\n\\0"},
      {"(?<=(a|bc){2})b",
       "Look-behind group does not have an obvious maximum length near index 12\n"
       "(?<=(a|bc){2})b\n            ^"},
      // The caret line keeps the pattern's tabs.
      {"\ta(", "Unclosed group near index 3\n\ta("},
      {"\ta(b(", "Unclosed group near index 5\n\ta(b("},
  };
  for (const ErrorCase& c : cases) {
    absl::StatusOr<JavaPattern> p = JavaPattern::Compile(c.pattern);
    ASSERT_FALSE(p.ok()) << c.pattern;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.pattern;
    EXPECT_EQ(p.status().message(), c.message) << c.pattern;
  }
}

TEST(JavaPattern, RefusesWhatRe2CannotRunNamingTheConstruct) {
  const ErrorCase cases[] = {
      {"(a)\\1", "backreferences are not supported by RE2 (Sluice runs regexes in linear time)"},
      {"(?<n>a)\\k<n>",
       "backreferences are not supported by RE2 (Sluice runs regexes in linear time)"},
      {"a(?=b)", "lookahead groups are not supported by RE2 (Sluice runs regexes in linear time)"},
      {"(?<!a)b",
       "lookbehind groups are not supported by RE2 (Sluice runs regexes in linear time)"},
      // Java accepts this lookbehind (its length is bounded as Java counts), so it is refused.
      {"(?<=a+)b",
       "lookbehind groups are not supported by RE2 (Sluice runs regexes in linear time)"},
      {"(?>ab)", "atomic groups (?>...) are not supported by RE2 (Sluice runs regexes in linear "
                 "time)"},
      {"a*+", "possessive quantifiers are not supported by RE2 (Sluice runs regexes in linear "
              "time)"},
      {"a{1001}", "repetition counts above 1000 are not supported by RE2"},
      {"\\p{InGreek}", "Unicode blocks (\\p{In...}) are not supported by RE2"},
      {"\\p{javaLowerCase}",
       "the java.lang.Character class \\p{javaLowerCase} is not supported by RE2"},
      {"(?U)\\w", "the UNICODE_CHARACTER_CLASS flag (?U) is not supported by RE2"},
      {"\\G", "\\G is not supported by RE2"},
      {"\\X", "\\X (grapheme clusters) is not supported by RE2"},
      {"[\\p{L}&&[a-z]]",
       "character class intersections (&&) with Unicode properties are not supported by RE2"},
      {"[\\d9&&]", "a class intersection with nothing after && is not supported (Java fails with a "
                 "NullPointerException when it matches)"},
  };
  for (const ErrorCase& c : cases) {
    absl::StatusOr<JavaPattern> p = JavaPattern::Compile(c.pattern);
    ASSERT_FALSE(p.ok()) << c.pattern;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kUnimplemented) << c.pattern;
    EXPECT_EQ(p.status().message(), c.message) << c.pattern;
  }
}

TEST(JavaPattern, JavaErrorWinsOverARefusalEarlierInThePattern) {
  absl::StatusOr<JavaPattern> p = JavaPattern::Compile("(a)\\1(");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(), "Unclosed group near index 6\n(a)\\1(");
}

struct MatchCase {
  const char* pattern;
  const char* input;
  bool matches;  // Matcher.matches()
};

TEST(JavaPattern, FullMatchAgreesWithJava) {
  const MatchCase cases[] = {
      {"^[a-z]+\\.orders$", "prod.orders", true},
      {"\\Qa.b\\E", "a.b", true},
      {"\\Qa.b\\E", "axb", false},
      {"(?i)orders", "ORDERS", true},
      // Without (?u), Java folds ASCII only.
      {"(?i)\u00e9", "\u00c9", false},
      {"(?iu)\u00e9", "\u00c9", true},
      {"[a-z&&[^aeiou]]+", "xyz", true},
      {"[a-z&&[^aeiou]]+", "xaz", false},
      {"[^a[b]]", "b", false},  // Java negates the whole union
      {"[^a[b]]", "c", true},
      {"\\p{Lu}\\p{Ll}+", "Orders", true},
      {"\\p{IsGreek}+", "\u03b1\u03b2", true},
      {"\\p{sc=Greek}\\p{gc=Ll}", "\u03b1\u03b2", true},
      {"\\h\\v\\R", " \n\r\n", true},
      {"\\s", "\x0b", true},  // Java's \s has VT, RE2's has not
      {".", "\r", false},
      {".", "\xc2\x85", false},  // U+0085 is a Java line terminator
      {"(?s).", "\r", true},
      {"(?d).", "\r", true},
      {"(?x) a b # comment\n c", "abc", true},
      {"\\x41\\u0042\\0103\\cD", "ABC\x04", true},
      {"a{2,3}?", "aaa", true},
      {"[\\w-]+", "topic-1_x", true},
      {"(?<env>[a-z]+)-.*", "prod-orders", true},
      {"foo", "foobar", false},
      {"", "", true},
      {"a|ab", "ab", true},
      {"{2}x", "x", true},  // Java repeats an empty slice
      {"x]}", "x]}", true},
      {"[\\Q]-\\E]+", "]-]", true},
      {"\\p{Punct}+", "!-~", true},
      {"\\p{L1}", "\xc3\xbf", true},
      {"\\P{L}", "1", true},
  };
  for (const MatchCase& c : cases) {
    absl::StatusOr<JavaPattern> p = JavaPattern::Compile(c.pattern);
    ASSERT_TRUE(p.ok()) << c.pattern << ": " << p.status();
    EXPECT_EQ(p->FullMatch(c.input), c.matches) << c.pattern << " on " << c.input;
  }
}

struct ReplaceCase {
  const char* pattern;
  const char* input;
  const char* replacement;
  const char* result;
};

TEST(JavaPattern, ReplaceFirstExpandsGroupsAsJava) {
  const ReplaceCase cases[] = {
      {"(a)(b)", "ab", "$2$1", "ba"},
      {"(a)(b)", "ab", "$12", "a2"},  // $12 is $1 then "2": there is no group 12
      {"(a)(b)", "ab", "\\$1", "$1"},
      {"(?<first>a)(b)", "ab", "${first}", "a"},
      {"(.*)-(.*)", "prod-orders", "$2_$1", "orders_prod"},
      {"a|ab", "ab", "X", "Xb"},  // the first alternative wins, as in Java
      {"(?:(a)|b)+", "ab", "[$1]", "[a]"},
      {"(a)?b", "b", "[$1]", "[]"},
      {"(a|ab)(c|bcd)(d*)", "abcd", "[$1|$2|$3]", "[a|bcd|]"},
      {".*", "orders", "x$0y", "xordersy"},
      {"(?<a1>o)(r)(d)(e)(r)(s)(x)?(y)?(z)?(w)?", "orders", "$10|$11|$1a|${a1}", "|o1|oa|o"},
      {"(\\w+)\\.(\\w+)", "db.table", "\\\\$2", "\\table"},
      {"b", "abc", "X", "aXc"},
      {"z", "abc", "X", "abc"},
  };
  for (const ReplaceCase& c : cases) {
    absl::StatusOr<JavaPattern> p = JavaPattern::Compile(c.pattern);
    ASSERT_TRUE(p.ok()) << c.pattern << ": " << p.status();
    absl::StatusOr<std::string> r = p->ReplaceFirst(c.input, c.replacement);
    ASSERT_TRUE(r.ok()) << c.pattern << ": " << r.status();
    EXPECT_EQ(*r, c.result) << c.pattern << " / " << c.replacement;
  }
}

TEST(JavaPattern, ReplaceFirstRaisesJavasExceptionsForBadReplacements) {
  struct Case {
    const char* replacement;
    const char* java_class;
    const char* message;
  };
  const Case cases[] = {
      {"$3", "java.lang.IndexOutOfBoundsException", "No group 3"},
      {"$", "java.lang.IllegalArgumentException",
       "Illegal group reference: group index is missing"},
      {"\\", "java.lang.IllegalArgumentException", "character to be escaped is missing"},
      {"$x", "java.lang.IllegalArgumentException", "Illegal group reference"},
      {"${first}-${second}", "java.lang.IllegalArgumentException", "No group with name {second}"},
      {"${}", "java.lang.IllegalArgumentException", "named capturing group has 0 length name"},
      {"${first", "java.lang.IllegalArgumentException",
       "named capturing group is missing trailing '}'"},
      {"${1a}", "java.lang.IllegalArgumentException",
       "capturing group name {1a} starts with digit character"},
  };
  absl::StatusOr<JavaPattern> p = JavaPattern::Compile("(?<first>a)(b)");
  ASSERT_TRUE(p.ok());
  for (const Case& c : cases) {
    absl::StatusOr<std::string> r = p->ReplaceFirst("ab", c.replacement);
    ASSERT_FALSE(r.ok()) << c.replacement;
    EXPECT_EQ(convert::JavaExceptionClass(r.status()), c.java_class) << c.replacement;
    EXPECT_EQ(r.status().message(), c.message) << c.replacement;
  }
}

TEST(JavaPattern, KnowsItsGroups) {
  absl::StatusOr<JavaPattern> p = JavaPattern::Compile("(?<env>a)(?:b)(c)(?i:d)");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->group_count(), 2);
  EXPECT_EQ(p->named_groups().at("env"), 1);
}

TEST(JavaRegexValidator, SaysWhatKafkaConnectsRegexValidatorSays) {
  ConfigValidator v = JavaRegexValidator();
  EXPECT_TRUE(v("regex", ConfigValue(std::string("(.*)-x"))).ok());
  EXPECT_EQ(v("pattern", ConfigValue(std::string("(a"))).message(),
            "Invalid value (a for configuration pattern: Invalid regex: Unclosed group near "
            "index 2\n(a");
  EXPECT_EQ(v("regex", ConfigValue()).message(),
            "Invalid value null for configuration regex: Invalid regex: Cannot invoke "
            "\"String.isEmpty()\" because \"this.pattern\" is null");
  EXPECT_EQ(v("regex", ConfigValue(std::string("(a)\\1"))).message(),
            "Invalid value (a)\\1 for configuration regex: Invalid regex: backreferences are not "
            "supported by RE2 (Sluice runs regexes in linear time)");
}

}  // namespace
}  // namespace sluice::transforms
