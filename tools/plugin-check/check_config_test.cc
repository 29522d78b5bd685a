#include "tools/plugin-check/check_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::plugin_check {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(CheckConfigTest, ReadsClassesValuesAndFiles) {
  absl::StatusOr<CheckConfig> config = ParseCheckConfig(
      R"({"FileStreamSource": {"file": "${tmpdir}/in.txt", "batch.size": 2, "x": true},
          "$files": {"in.txt": "a\nb\n", "sub/more.txt": ""}})",
      "check.json");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->connectors,
              ElementsAre(Pair("FileStreamSource",
                               ElementsAre(Pair("batch.size", "2"),
                                           Pair("file", "${tmpdir}/in.txt"), Pair("x", "true")))));
  EXPECT_THAT(config->files, ElementsAre(Pair("in.txt", "a\nb\n"), Pair("sub/more.txt", "")));
}

TEST(CheckConfigTest, RejectsWhatItCannotUseWithTheReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"[1]", "check.json: not a JSON object"},
      {"{", "check.json: not valid JSON"},
      {R"({"A": "x"})", "check.json: \"A\" is not an object"},
      {R"({"A": {"k": [1]}})", "\"A\".\"k\" is ARRAY, not a string, number or boolean"},
      {R"({"A": {"k": null}})", "\"A\".\"k\" is NULL"},
      {R"({"$files": {"/etc/x": ""}})", "the file name \"/etc/x\" must be relative"},
      {R"({"$files": {"a/../../x": ""}})", "the file name \"a/../../x\" must be relative"},
  };
  for (const auto& [json, message] : cases) {
    absl::StatusOr<CheckConfig> config = ParseCheckConfig(json, "check.json");
    ASSERT_FALSE(config.ok()) << json;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(config.status().message(), HasSubstr(message)) << json;
  }
}

TEST(CheckConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadCheckConfig(::testing::TempDir() + "/no-such-check.json").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(CheckConfigTest, SubstitutesTheRunsDirectories) {
  EXPECT_THAT(SubstituteVariables({{"file", "${tmpdir}/out.txt"},
                                   {"schema", "${plugin_dir}/s.json ${tmpdir}"},
                                   {"plain", "$tmpdir"}},
                                  "/run/t", "/plugins/p"),
              ElementsAre(Pair("file", "/run/t/out.txt"), Pair("plain", "$tmpdir"),
                          Pair("schema", "/plugins/p/s.json /run/t")));
}

TEST(CheckConfigTest, WritesTheFilesUnderTmpdir) {
  const std::string dir = ::testing::TempDir() + "/check_config_files";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  CheckConfig config;
  config.files = {{"in.txt", "one\ntwo\n"}, {"nested/empty.txt", ""}};
  ASSERT_TRUE(WriteFiles(config, dir).ok());
  std::ifstream in(dir + "/in.txt");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "one\ntwo\n");
  EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/nested/empty.txt"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice::plugin_check
