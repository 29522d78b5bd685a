#include "sluice/sdk/config_def.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ConfigKey Key(std::string name, ConfigType type) {
  ConfigKey key;
  key.name = std::move(name);
  key.type = type;
  return key;
}

absl::StatusOr<ConfigValue> Parse(ConfigType type, std::string_view text) {
  return ConfigDef::ParseValue(Key("k", type), text);
}

TEST(ConfigDefParseValue, FollowsKafkaTypeRules) {
  EXPECT_EQ(*Parse(ConfigType::kString, "  topic \t"), ConfigValue(std::string("topic")));
  EXPECT_EQ(*Parse(ConfigType::kBoolean, " TRUE "), ConfigValue(true));
  EXPECT_EQ(*Parse(ConfigType::kBoolean, "False"), ConfigValue(false));
  EXPECT_EQ(*Parse(ConfigType::kInt, " -42 "), ConfigValue(int32_t{-42}));
  EXPECT_EQ(*Parse(ConfigType::kInt, "+7"), ConfigValue(int32_t{7}));
  EXPECT_EQ(*Parse(ConfigType::kShort, "32767"), ConfigValue(int32_t{32767}));
  EXPECT_EQ(*Parse(ConfigType::kLong, "-9223372036854775808"),
            ConfigValue(int64_t{INT64_MIN}));
  EXPECT_EQ(*Parse(ConfigType::kDouble, "1.5e3"), ConfigValue(1500.0));
  EXPECT_EQ(*Parse(ConfigType::kDouble, "2d"), ConfigValue(2.0));
  EXPECT_TRUE(std::isinf(std::get<double>(*Parse(ConfigType::kDouble, "-Infinity"))));
  EXPECT_EQ(*Parse(ConfigType::kList, " a , b,c "),
            ConfigValue(std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(*Parse(ConfigType::kList, "a,"), ConfigValue(std::vector<std::string>{"a", ""}));
  EXPECT_EQ(*Parse(ConfigType::kList, "  "), ConfigValue(std::vector<std::string>{}));
  EXPECT_EQ(*Parse(ConfigType::kPassword, " secret "), ConfigValue(std::string("secret")));
}

TEST(ConfigDefParseValue, ReportsKafkaMessages) {
  EXPECT_EQ(Parse(ConfigType::kBoolean, "yes").status().message(),
            "Invalid value yes for configuration k: Expected value to be either true or false");
  EXPECT_EQ(Parse(ConfigType::kInt, "2147483648").status().message(),
            "Invalid value 2147483648 for configuration k: Not a number of type INT");
  EXPECT_EQ(Parse(ConfigType::kInt, "1.0").status().message(),
            "Invalid value 1.0 for configuration k: Not a number of type INT");
  EXPECT_EQ(Parse(ConfigType::kShort, "40000").status().message(),
            "Invalid value 40000 for configuration k: Not a number of type SHORT");
  EXPECT_EQ(Parse(ConfigType::kLong, "9223372036854775808").status().message(),
            "Invalid value 9223372036854775808 for configuration k: Not a number of type LONG");
  EXPECT_EQ(Parse(ConfigType::kDouble, "abc").status().message(),
            "Invalid value abc for configuration k: Not a number of type DOUBLE");
  EXPECT_EQ(Parse(ConfigType::kInt, "").status().code(), absl::StatusCode::kInvalidArgument);
}

ConfigDef SampleDef() {
  ConfigDef def;
  ConfigKey file = Key("file", ConfigType::kString);
  file.null_default = true;
  def.Define(file);
  ConfigKey topic = Key("topic", ConfigType::kString);
  topic.validator = validators::NonEmptyString();
  def.Define(topic);
  ConfigKey tasks = Key("tasks.max", ConfigType::kInt);
  tasks.default_value = "1";
  tasks.validator = validators::AtLeast(1);
  def.Define(tasks);
  ConfigKey mode = Key("mode", ConfigType::kString);
  mode.default_value = "a";
  mode.validator = validators::OneOf({"a", "b"});
  mode.recommended_values = {"a", "b"};
  def.Define(mode);
  ConfigKey pw = Key("password", ConfigType::kPassword);
  pw.default_value = "";
  def.Define(pw);
  ConfigKey list = Key("topics", ConfigType::kList);
  list.default_value = "";
  def.Define(list);
  return def;
}

TEST(ConfigDef, ParseAppliesDefaultsAndTypes) {
  absl::StatusOr<ParsedConfig> parsed =
      SampleDef().Parse({{"topic", " t "}, {"topics", "x, y"}, {"unknown", "ignored"}});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->GetString("topic"), "t");
  EXPECT_EQ(parsed->GetOptionalString("file"), std::nullopt);
  EXPECT_EQ(parsed->GetString("file"), "");
  EXPECT_EQ(parsed->GetInt("tasks.max"), 1);
  EXPECT_EQ(parsed->GetLong("tasks.max"), 1);
  EXPECT_EQ(parsed->GetString("mode"), "a");
  EXPECT_THAT(parsed->GetList("topics"), ElementsAre("x", "y"));
  EXPECT_TRUE(parsed->Has("file"));
  EXPECT_FALSE(parsed->Has("unknown"));
}

TEST(ConfigDef, ParseListsEveryErrorOnePerLine) {
  absl::StatusOr<ParsedConfig> parsed =
      SampleDef().Parse({{"tasks.max", "0"}, {"mode", "c"}});
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(),
            "Missing required configuration \"topic\" which has no default value.\n"
            "Invalid value 0 for configuration tasks.max: Value must be at least 1\n"
            "Invalid value c for configuration mode: String must be one of: a, b");
  EXPECT_EQ(SampleDef().Parse({{"topic", ""}}).status().message(),
            "Invalid value  for configuration topic: String must be non-empty");
}

TEST(ConfigDef, ValidateGivesOneResultPerKeyInDefinitionOrder) {
  std::vector<ConfigValueResult> results = SampleDef().Validate(
      {{"tasks.max", "abc"}, {"password", "hunter2"}, {"topics", "a, b"}, {"mode", "b"}});
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0].name, "file");
  EXPECT_EQ(results[0].value, std::nullopt);
  EXPECT_THAT(results[0].errors, IsEmpty());

  EXPECT_EQ(results[1].name, "topic");
  EXPECT_THAT(results[1].errors,
              ElementsAre("Missing required configuration \"topic\" which has no default value."));

  // As in Kafka, the validator also sees the null left by the unparsable value.
  EXPECT_EQ(results[2].name, "tasks.max");
  EXPECT_EQ(results[2].value, std::nullopt);
  EXPECT_THAT(results[2].errors,
              ElementsAre("Invalid value abc for configuration tasks.max: Not a number of type INT",
                          "Invalid value null for configuration tasks.max: Value must be non-null"));

  EXPECT_EQ(results[3].name, "mode");
  EXPECT_EQ(results[3].value, "b");
  EXPECT_THAT(results[3].recommended_values, ElementsAre("a", "b"));
  EXPECT_THAT(results[3].errors, IsEmpty());

  EXPECT_EQ(results[4].value, "[hidden]");
  EXPECT_EQ(results[5].value, "a,b");
  EXPECT_TRUE(results[5].visible);
}

TEST(ConfigDef, ValidateShowsDefaults) {
  std::vector<ConfigValueResult> results = SampleDef().Validate({{"topic", "t"}});
  EXPECT_EQ(results[1].value, "t");
  EXPECT_EQ(results[2].value, "1");
  EXPECT_EQ(results[5].value, "");
  for (const ConfigValueResult& r : results) EXPECT_THAT(r.errors, IsEmpty()) << r.name;
}

// Values from Kafka 3.9.1's ConfigDef.validate on JDK 17 (Double.toString of the parsed value).
TEST(ConfigDef, ValidateShowsDoublesAsJdk17PrintsThem) {
  ConfigDef def;
  ConfigKey ratio = Key("ratio", ConfigType::kDouble);
  ratio.default_value = "0.1";
  ConfigKey big = Key("big", ConfigType::kDouble);
  big.default_value = "1e23";
  ConfigKey given = Key("given", ConfigType::kDouble);
  given.default_value = "1.0";
  def.Define(ratio).Define(big).Define(given);
  std::vector<ConfigValueResult> results = def.Validate({{"given", "2e23"}});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].value, "0.1");
  EXPECT_EQ(results[1].value, "9.999999999999999E22");
  EXPECT_EQ(results[2].value, "1.9999999999999998E23");
}

TEST(ConfigDef, MergeAddsOnlyNewKeys) {
  ConfigDef def;
  ConfigKey a = Key("a", ConfigType::kInt);
  a.default_value = "1";
  def.Define(a);
  ConfigDef other;
  ConfigKey a2 = Key("a", ConfigType::kString);
  other.Define(a2);
  other.Define(Key("b", ConfigType::kString));
  def.Merge(other);
  ASSERT_EQ(def.keys().size(), 2u);
  EXPECT_EQ(def.Find("a")->type, ConfigType::kInt);
  EXPECT_NE(def.Find("b"), nullptr);
  EXPECT_EQ(def.Find("c"), nullptr);
  EXPECT_TRUE(def.Find("b")->required());
  EXPECT_FALSE(def.Find("a")->required());
}

TEST(Validators, RangeAndOneOfMessages) {
  ConfigValidator range = validators::Range(0, 10);
  EXPECT_TRUE(range("x", int32_t{10}).ok());
  EXPECT_EQ(range("x", int64_t{11}).message(),
            "Invalid value 11 for configuration x: Value must be no more than 10");
  EXPECT_EQ(validators::AtLeast(0.5)("x", 0.25).message(),
            "Invalid value 0.25 for configuration x: Value must be at least 0.5");
  ConfigValidator one_of = validators::OneOf({"none", "all"}, /*ignore_case=*/true);
  EXPECT_TRUE(one_of("x", std::string("ALL")).ok());
  EXPECT_EQ(one_of("x", std::string("some")).message(),
            "Invalid value some for configuration x: String must be one of (case insensitive): "
            "none, all");
  EXPECT_TRUE(validators::NonEmptyString()("x", std::monostate()).ok());
}

TEST(ConfigNames, MatchKafka) {
  EXPECT_EQ(ConfigTypeName(ConfigType::kPassword), "PASSWORD");
  EXPECT_EQ(ConfigImportanceName(ConfigImportance::kMedium), "MEDIUM");
  EXPECT_EQ(ConfigWidthName(ConfigWidth::kNone), "NONE");
}

}  // namespace
}  // namespace sluice
