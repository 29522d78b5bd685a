#include "plugin-host/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"

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

TEST(ParseManifest, ReadsAJvmPlugin) {
  absl::StatusOr<PluginManifest> m = ParseManifest(
      R"({"name": "debezium-connector-postgres", "version": "3.6.1.Final", "runtime": "jvm",
          "jvm": {"heap": "512M", "options": ["-XX:+UseSerialGC", "-Dfoo=bar"]},
          "connectors": ["io.debezium.connector.postgresql.PostgresConnector"]})",
      "m.json");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->runtime, PluginRuntime::kJvm);
  EXPECT_EQ(m->version, "3.6.1.Final");
  EXPECT_EQ(m->jvm.heap, "512M");
  EXPECT_EQ(m->jvm.options, (std::vector<std::string>{"-XX:+UseSerialGC", "-Dfoo=bar"}));
  EXPECT_EQ(m->connectors,
            (std::vector<std::string>{"io.debezium.connector.postgresql.PostgresConnector"}));
  EXPECT_FALSE(m->synthesized);

  // jvm and connectors are optional.
  m = ParseManifest(R"({"name":"j","version":"1","runtime":"jvm"})", "m.json");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->jvm.heap, "");
  EXPECT_TRUE(m->jvm.options.empty());
  EXPECT_TRUE(m->connectors.empty());
}

TEST(JvmSizes, ReadTheXmxSyntax) {
  EXPECT_EQ(ParseJvmSize("256m", "heap").value_or(0), int64_t{256} << 20);
  EXPECT_EQ(ParseJvmSize("2G", "heap").value_or(0), int64_t{2} << 30);
  EXPECT_EQ(ParseJvmSize("65536k", "heap").value_or(0), int64_t{64} << 20);
  EXPECT_EQ(ParseJvmSize("33554432", "heap").value_or(0), int64_t{32} << 20);
  for (const char* bad : {"", "m", "-1g", "1.5g", "12x", "1 g", "99999999999999t"}) {
    EXPECT_FALSE(ParseJvmSize(bad, "heap").ok()) << bad;
  }
  EXPECT_EQ(JvmSizeArg(int64_t{256} << 20), "256m");
  EXPECT_EQ(JvmSizeArg(123456789), "123456789");
  // The non-heap allowance: direct memory (a quarter of the heap, at least 64 MiB) + 256 MiB.
  EXPECT_EQ(JvmDirectMemoryBytes(int64_t{256} << 20), int64_t{64} << 20);
  EXPECT_EQ(JvmDirectMemoryBytes(int64_t{1} << 30), int64_t{256} << 20);
  EXPECT_EQ(JvmNonHeapBytes(int64_t{256} << 20), int64_t{320} << 20);
}

TEST(JvmHostJar, LiesNextToTheHostUnlessTheEnvironmentSaysOtherwise) {
  unsetenv(kJvmHostJarEnv);
  EXPECT_EQ(JvmHostJar("/opt/sluice/bin/sluice-plugin-host"),
            "/opt/sluice/bin/sluice-jvm-host.jar");
  setenv(kJvmHostJarEnv, "/elsewhere/host.jar", 1);
  EXPECT_EQ(JvmHostJar("/opt/sluice/bin/sluice-plugin-host"), "/elsewhere/host.jar");
  unsetenv(kJvmHostJarEnv);
}

TEST(JvmHostArchive, LiesNextToTheJar) {
  EXPECT_EQ(JvmHostArchive("/opt/sluice/bin/sluice-jvm-host.jar"),
            "/opt/sluice/bin/sluice-jvm-host.jsa");
  EXPECT_EQ(JvmHostArchive("/elsewhere/host.jar"), "/elsewhere/host.jsa");
  EXPECT_EQ(JvmHostArchive("/elsewhere/host"), "/elsewhere/host.jsa");
}

TEST(FindJava, TakesJavaHomeElseThePathAndResolvesLinks) {
  const char* saved_home = std::getenv("JAVA_HOME");
  const std::string home = saved_home ? saved_home : "";
  setenv("JAVA_HOME", "/nonexistent-jdk", 1);
  absl::StatusOr<std::string> java = FindJava();
  EXPECT_EQ(java.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(java.status().message()),
              HasSubstr("JAVA_HOME is /nonexistent-jdk but /nonexistent-jdk/bin/java is not an "
                        "executable java"));
  unsetenv("JAVA_HOME");
  const char* saved_path = std::getenv("PATH");
  const std::string path = saved_path ? saved_path : "";
  setenv("PATH", "/nonexistent-bin", 1);
  EXPECT_THAT(std::string(FindJava().status().message()), HasSubstr("no java on PATH"));
  setenv("PATH", path.c_str(), 1);
  java = FindJava();
  if (java.ok()) {  // a JDK on this machine: the real binary, not a symlink to it
    EXPECT_TRUE(absl::EndsWith(*java, "/bin/java")) << *java;
    EXPECT_FALSE(std::filesystem::is_symlink(*java)) << *java;
  }
  if (!home.empty()) setenv("JAVA_HOME", home.c_str(), 1);
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
      {R"({"name":"a","version":"1","runtime":"java"})",
       "unknown runtime \"java\" (expected \"native\", \"exec\" or \"jvm\")"},
      {R"({"name":"a","version":"1","runtime":"jvm","jvm":{"heap":"lots"}})",
       "\"jvm\": {\"heap\"} \"lots\" is not a JVM memory size (e.g. 512m, 2g)"},
      {R"({"name":"a","version":"1","runtime":"jvm","jvm":{"heap":"1m"}})",
       "\"jvm\": {\"heap\"} \"1m\" is too small: a JVM heap needs at least 16m"},
      {R"({"name":"a","version":"1","runtime":"jvm","jvm":{"options":["-Xmx2g"]}})",
       "JVM option \"-Xmx2g\" is set by the host (\"jvm\": {\"heap\"} or the connector's "
       "sluice.jvm.heap)"},
      {R"({"name":"a","version":"1","runtime":"jvm","jvm":{"options":["-cp","x.jar"]}})",
       "JVM option \"-cp\" is set by the host (the host runs sluice-jvm-host.jar)"},
      {R"({"name":"a","version":"1","runtime":"jvm","jvm":{"options":["UseSerialGC"]}})",
       "JVM option \"UseSerialGC\" is not an option (it must start with '-')"},
      {R"({"name":"a","version":"1","runtime":"jvm","jvm":{"heap":"1g","stack":"1m"}})",
       "unknown \"jvm\" field \"stack\""},
      {R"({"name":"a","version":"1","runtime":"jvm","jvm":"256m"})",
       "\"jvm\" must be {\"heap\": \"256m\", \"options\": [strings]}"},
      {R"({"name":"a","version":"1","runtime":"jvm","connectors":"a.B"})",
       "\"connectors\" must be an array of connector class names"},
      {R"({"name":"a","version":"1","runtime":"exec","command":["x"],"jvm":{}})",
       "\"jvm\" is for the \"jvm\" runtime only"},
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

// Kafka Connect's plugin layouts under a plugin.path entry.
class ConnectLayout : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  void Touch(const std::filesystem::path& path) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << "PK";
  }
  std::filesystem::path root_;
};

TEST_F(ConnectLayout, ADirectoryOfJarsIsAJavaPlugin) {
  // Debezium's archive: the jars at the top.
  Touch(root_ / "debezium-connector-postgres/debezium-core-3.6.1.Final.jar");
  // confluent-hub: the jars in lib/.
  Touch(root_ / "confluentinc-kafka-connect-jdbc/lib/kafka-connect-jdbc-10.8.0.jar");
  Touch(root_ / "confluentinc-kafka-connect-jdbc/manifest.json");
  for (const char* name : {"debezium-connector-postgres", "confluentinc-kafka-connect-jdbc"}) {
    const std::string dir = (root_ / name).string();
    std::optional<PluginManifest> m = ConnectLayoutManifest(dir);
    ASSERT_TRUE(m.has_value()) << name;
    EXPECT_EQ(m->name, name);
    EXPECT_EQ(m->version, "");
    EXPECT_EQ(m->runtime, PluginRuntime::kJvm);
    EXPECT_TRUE(m->synthesized);
    // The host reads the same manifest.
    absl::StatusOr<PluginManifest> read = ReadManifest(dir);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->name, name);
    EXPECT_EQ(read->runtime, PluginRuntime::kJvm);
    EXPECT_TRUE(read->synthesized);
  }
}

TEST_F(ConnectLayout, AnUberJarIsAJavaPluginOfItsOwn) {
  Touch(root_ / "kafka-connect-s3-all.jar");
  std::optional<PluginManifest> m =
      ConnectLayoutManifest((root_ / "kafka-connect-s3-all.jar").string());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->name, "kafka-connect-s3-all");
  absl::StatusOr<PluginManifest> read = ReadManifest((root_ / "kafka-connect-s3-all.jar").string());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->runtime, PluginRuntime::kJvm);
}

TEST_F(ConnectLayout, OtherDirectoriesAreNotPlugins) {
  Touch(root_ / "docs/README.md");
  std::filesystem::create_directories(root_ / "empty");
  Touch(root_ / "notes.txt");
  Touch(root_ / "deep/a/b/c/too-deep.jar");  // jars more than two levels down: not a layout
  // A directory with its own manifest is read from it, not synthesized.
  Touch(root_ / "native/lib.jar");
  std::ofstream(root_ / "native/sluice-plugin.json")
      << R"({"name":"n","version":"1","runtime":"native","library":"libn.so"})";
  for (const char* name : {"docs", "empty", "notes.txt", "deep", "native", "missing"}) {
    EXPECT_FALSE(ConnectLayoutManifest((root_ / name).string()).has_value()) << name;
  }
  EXPECT_EQ(ReadManifest((root_ / "docs").string()).status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<PluginManifest> native = ReadManifest((root_ / "native").string());
  ASSERT_TRUE(native.ok()) << native.status();
  EXPECT_EQ(native->runtime, PluginRuntime::kNative);
}

}  // namespace
}  // namespace sluice::plugin_host
