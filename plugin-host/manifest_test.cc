#include "plugin-host/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace sluice::plugin_host {
namespace {

using ::testing::HasSubstr;

TEST(ParseManifest, ReadsANativePlugin) {
  absl::StatusOr<PluginManifest> m = ParseManifest(
      R"({"name":"file","version":"0.1.0","runtime":"native","library":"libsluice-file.so"})",
      "m.json");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->name, "file");
  EXPECT_EQ(m->version, "0.1.0");
  EXPECT_EQ(m->runtime, PluginRuntime::kNative);
  EXPECT_EQ(m->library, "libsluice-file.so");
}

TEST(ParseManifest, ReadsAnExecPlugin) {
  absl::StatusOr<PluginManifest> m = ParseManifest(
      R"({"name":"py","version":"1","runtime":"exec","command":["python3","main.py"]})", "m.json");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->runtime, PluginRuntime::kExec);
  EXPECT_EQ(m->command, (std::vector<std::string>{"python3", "main.py"}));
}

TEST(ParseManifest, NamesTheProblem) {
  struct Case {
    const char* json;
    const char* error;
  };
  const Case cases[] = {
      {"{not json", "Invalid plugin manifest m.json: not valid JSON"},
      {"[1]", "Invalid plugin manifest m.json: not a JSON object"},
      {R"({"version":"1","runtime":"native","library":"x.so"})", "missing \"name\""},
      {R"({"name":1,"version":"1","runtime":"native","library":"x.so"})",
       "\"name\" must be a string"},
      {R"({"name":"a","version":"1","runtime":"jvm"})",
       "unknown runtime \"jvm\" (expected \"native\" or \"exec\")"},
      {R"({"name":"a","version":"1","runtime":"native"})", "missing \"library\""},
      {R"({"name":"a","version":"1","runtime":"native","library":"../x.so"})",
       "\"library\" must be a file name inside the plugin directory"},
      {R"({"name":"a","version":"1","runtime":"exec","command":[]})",
       "\"command\" must name a program"},
      {R"({"name":"a","version":"1","runtime":"exec","command":"python3"})",
       "\"command\" must be an array of strings"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PluginManifest> m = ParseManifest(c.json, "m.json");
    ASSERT_FALSE(m.ok()) << c.json;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(std::string(m.status().message()), HasSubstr(c.error)) << c.json;
  }
}

TEST(ReadManifest, MissingFileIsNotFound) {
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "no-manifest";
  std::filesystem::create_directories(dir);
  absl::StatusOr<PluginManifest> m = ReadManifest(dir.string());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(m.status().message(),
            "No plugin manifest at " + (dir / "sluice-plugin.json").string());
}

}  // namespace
}  // namespace sluice::plugin_host
