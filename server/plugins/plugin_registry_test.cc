// The registry's describe cache and its validation hosts' lifecycle, with the real
// sluice-plugin-host and the file plugin (from SLUICE_BUILD_DIR), copied to a per-test plugin
// path so that a test can change it.
#include "server/plugins/plugin_registry.h"

#include <stdlib.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include "server/plugins/plugin_test_support.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/plugins/describe_cache.h"

namespace sluice::plugins {
namespace {

namespace fs = std::filesystem;
namespace pb = ::sluice::plugin::v1;
using ::testing::Contains;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kSourceClass[] = "org.apache.kafka.connect.file.FileStreamSourceConnector";

using ::sluice::plugins::testing::BuildDir;

// A per-test directory, removed at the end.
class TempDir : public ::sluice::plugins::testing::TempDir {
 public:
  TempDir() : ::sluice::plugins::testing::TempDir("sluice-registry") {}
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Polls `condition` until it holds or `timeout` passes.
template <typename Condition>
bool Eventually(Condition condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));  // polling a condition with a deadline
  }
  return true;
}

class PluginRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(BuildDir().empty()) << "SLUICE_BUILD_DIR is not set";
    ASSERT_FALSE(dir_.path().empty());
    plugin_dir_ = dir_.path() + "/plugins/file";
    fs::create_directories(plugin_dir_);
    fs::copy(BuildDir() + "/plugins/file", plugin_dir_, fs::copy_options::recursive);
    fs::create_directories(dir_.path() + "/sockets");
  }

  PluginRegistry::Options Options() const {
    return {.plugin_path = {dir_.path() + "/plugins"},
            .host_binary = BuildDir() + "/bin/sluice-plugin-host",
            .socket_dir = dir_.path() + "/sockets",
            .call_timeout = absl::Seconds(10),
            .describe_cache_dir = dir_.path() + "/cache"};
  }

  std::unique_ptr<PluginRegistry> Create(PluginRegistry::Options options) {
    absl::StatusOr<std::unique_ptr<PluginRegistry>> registry =
        PluginRegistry::Create(std::move(options));
    EXPECT_TRUE(registry.ok()) << registry.status();
    return registry.ok() ? *std::move(registry) : nullptr;
  }

  TempDir dir_;
  std::string plugin_dir_;
};

TEST_F(PluginRegistryTest, DescribesFromTheCacheWithoutStartingAHost) {
  std::vector<std::string> described;
  size_t source_keys = 0;
  {
    std::unique_ptr<PluginRegistry> first = Create(Options());
    ASSERT_NE(first, nullptr);
    const ConnectorPlugin* source = first->Find(kSourceClass);
    ASSERT_NE(source, nullptr);
    source_keys = source->config.size();
    for (const ConnectorPlugin& c : first->connectors()) described.push_back(c.class_name);
    // The host that described the plugin stays as its validation host.
    EXPECT_TRUE(first->ValidationHostPid(*source).has_value());
  }
  std::unique_ptr<PluginRegistry> second = Create(Options());
  ASSERT_NE(second, nullptr);
  std::vector<std::string> cached;
  for (const ConnectorPlugin& c : second->connectors()) cached.push_back(c.class_name);
  EXPECT_EQ(cached, described);
  const ConnectorPlugin* source = second->Find("FileStreamSource");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->class_name, kSourceClass);
  EXPECT_EQ(source->config.size(), source_keys);
  EXPECT_EQ(source->version, "3.9.0");
  // The manifest's sandbox paths come from the manifest, cached or not.
  EXPECT_EQ(source->path_keys.count("file"), 1u);
  EXPECT_EQ(second->ValidationHostPid(*source), std::nullopt);

  // The first validation starts the host.
  absl::StatusOr<std::vector<ConfigValueResult>> results =
      second->Validate(*source, {{"file", "/tmp/in.txt"}, {"topic", "t"}});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(*results, Contains(Field(&ConfigValueResult::name, "file")));
  EXPECT_TRUE(second->ValidationHostPid(*source).has_value());
}

TEST_F(PluginRegistryTest, ValidatesAConfigThatAsksForTheNetworkOnAHostThatHasIt) {
  std::unique_ptr<PluginRegistry> registry = Create(Options());
  ASSERT_NE(registry, nullptr);
  const ConnectorPlugin* source = registry->Find(kSourceClass);
  ASSERT_NE(source, nullptr);
  const ConfigMap offline = {{"file", "/tmp/in.txt"}, {"topic", "t"}};
  ConfigMap online = offline;
  online["sluice.sandbox.network"] = "true";
  ASSERT_TRUE(registry->Validate(*source, offline).ok());
  ASSERT_TRUE(registry->Validate(*source, online).ok());
  std::optional<pid_t> offline_host = registry->ValidationHostPid(*source, false);
  std::optional<pid_t> online_host = registry->ValidationHostPid(*source, true);
  ASSERT_TRUE(offline_host.has_value());
  if (DefaultPolicy(registry->options().sandbox, registry->sandbox_support()).network) {
    // No network namespace here: every host has the network, one validation host serves all.
    EXPECT_EQ(online_host, std::nullopt);
  } else {
    ASSERT_TRUE(online_host.has_value());
    EXPECT_NE(*online_host, *offline_host);
  }
}

TEST_F(PluginRegistryTest, DescribesAPluginAgainWhenItsFilesChange) {
  { ASSERT_NE(Create(Options()), nullptr); }
  // The same manifest, one byte longer.
  std::ifstream in(plugin_dir_ + "/sluice-plugin.json");
  std::string manifest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  WriteFile(plugin_dir_ + "/sluice-plugin.json", manifest + "\n");
  std::unique_ptr<PluginRegistry> registry = Create(Options());
  ASSERT_NE(registry, nullptr);
  const ConnectorPlugin* source = registry->Find(kSourceClass);
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE(registry->ValidationHostPid(*source).has_value()) << "described without a host";
}

TEST_F(PluginRegistryTest, WithoutACacheDescribesEveryTime) {
  PluginRegistry::Options options = Options();
  options.describe_cache_dir = "";
  { ASSERT_NE(Create(options), nullptr); }
  std::unique_ptr<PluginRegistry> registry = Create(options);
  ASSERT_NE(registry, nullptr);
  const ConnectorPlugin* source = registry->Find(kSourceClass);
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE(registry->ValidationHostPid(*source).has_value());
  EXPECT_FALSE(fs::exists(dir_.path() + "/cache"));
}

TEST_F(PluginRegistryTest, StopsAnIdleValidationHostAndStartsItAgainWhenNeeded) {
  PluginRegistry::Options options = Options();
  options.validation_idle_timeout = absl::Milliseconds(200);
  std::unique_ptr<PluginRegistry> registry = Create(options);
  ASSERT_NE(registry, nullptr);
  const ConnectorPlugin* source = registry->Find(kSourceClass);
  ASSERT_NE(source, nullptr);
  std::optional<pid_t> pid = registry->ValidationHostPid(*source);
  ASSERT_TRUE(pid.has_value());
  EXPECT_TRUE(Eventually([&] { return !registry->ValidationHostPid(*source).has_value(); },
                         absl::Seconds(10)))
      << "the idle validation host was not stopped";
  EXPECT_NE(kill(*pid, 0), 0) << "the stopped host's process is still there";

  absl::StatusOr<std::vector<ConfigValueResult>> results =
      registry->Validate(*source, {{"file", "/tmp/in.txt"}, {"topic", "t"}});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_THAT(*results, Not(IsEmpty()));
  EXPECT_TRUE(registry->ValidationHostPid(*source).has_value());
}

TEST(DescribeCache, GivesBackWhatWasStoredForTheSameDirectoryAndFingerprint) {
  TempDir dir;
  DescribeCache cache(dir.path() + "/cache");
  PluginDescription description;
  description.describe.set_plugin_name("p");
  pb::ConnectorClass* c = description.describe.add_connectors();
  c->set_class_name("com.example.Source");
  c->set_type(pb::CONNECTOR_TYPE_SOURCE);
  description.capabilities = {"alter_offsets", "exactly_once"};
  ASSERT_TRUE(cache.Store("/plugins/p", "f1", description).ok());

  std::optional<PluginDescription> hit = cache.Load("/plugins/p", "f1");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->describe.plugin_name(), "p");
  ASSERT_EQ(hit->describe.connectors_size(), 1);
  EXPECT_EQ(hit->describe.connectors(0).class_name(), "com.example.Source");
  EXPECT_EQ(hit->capabilities, description.capabilities);

  EXPECT_EQ(cache.Load("/plugins/p", "f2"), std::nullopt) << "another fingerprint";
  EXPECT_EQ(cache.Load("/plugins/q", "f1"), std::nullopt) << "another directory";
  EXPECT_EQ(DescribeCache("").Load("/plugins/p", "f1"), std::nullopt) << "the cache is off";
}

TEST(DescribeCache, IgnoresAnEntryItCannotRead) {
  TempDir dir;
  DescribeCache cache(dir.path());
  ASSERT_TRUE(cache.Store("/plugins/p", "f1", PluginDescription()).ok());
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    WriteFile(entry.path().string(), "sluice-describe-cache 1\n99\n/plugins/p");
  }
  EXPECT_EQ(cache.Load("/plugins/p", "f1"), std::nullopt);
}

TEST(PluginFingerprint, ChangesWithTheFilesOfThePluginButNotWithPythonsBytecode) {
  TempDir dir;
  WriteFile(dir.path() + "/sluice-plugin.json", "{}");
  fs::create_directories(dir.path() + "/lib");
  WriteFile(dir.path() + "/lib/code.py", "x = 1\n");
  const std::string host = dir.path() + "/sluice-plugin.json";
  absl::StatusOr<std::string> before = PluginFingerprint(dir.path(), host);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_THAT(*before, ::testing::HasSubstr("lib/code.py"));

  fs::create_directories(dir.path() + "/lib/__pycache__");
  WriteFile(dir.path() + "/lib/__pycache__/code.cpython-311.pyc", "bytecode");
  EXPECT_EQ(PluginFingerprint(dir.path(), host).value_or(""), *before);

  WriteFile(dir.path() + "/lib/code.py", "x = 12\n");
  EXPECT_NE(PluginFingerprint(dir.path(), host).value_or(*before), *before);

  EXPECT_FALSE(PluginFingerprint(dir.path() + "/missing", host).ok());
}

TEST(PluginFingerprint, ChangesWithTheJvmPluginHostJar) {
  TempDir dir;
  fs::create_directories(dir.path() + "/plugin/lib");
  WriteFile(dir.path() + "/plugin/lib/connector.jar", "PK");
  const std::string host = dir.path() + "/sluice-plugin-host";
  const std::string jar = dir.path() + "/sluice-jvm-host.jar";
  WriteFile(host, "host");
  WriteFile(jar, "jar 1");
  absl::StatusOr<std::string> before = PluginFingerprint(dir.path() + "/plugin", host, {jar});
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_THAT(*before, ::testing::HasSubstr("runtime " + jar + " 5 "));
  EXPECT_EQ(PluginFingerprint(dir.path() + "/plugin", host, {jar}).value_or(""), *before);
  WriteFile(jar, "jar 2, rebuilt");
  EXPECT_NE(PluginFingerprint(dir.path() + "/plugin", host, {jar}).value_or(*before), *before);
  // A plugin without runtime files (native, exec) does not depend on the jar.
  absl::StatusOr<std::string> native = PluginFingerprint(dir.path() + "/plugin", host);
  ASSERT_TRUE(native.ok());
  EXPECT_THAT(*native, Not(::testing::HasSubstr("runtime")));
}

TEST(PluginFingerprint, OfAnUberJarIsTheJarsOwn) {
  TempDir dir;
  const std::string uber = dir.path() + "/connector-all.jar";
  const std::string host = dir.path() + "/sluice-plugin-host";
  WriteFile(uber, "PK 1");
  WriteFile(host, "host");
  absl::StatusOr<std::string> before = PluginFingerprint(uber, host);
  ASSERT_TRUE(before.ok()) << before.status();
  WriteFile(uber, "PK 22");
  EXPECT_NE(PluginFingerprint(uber, host).value_or(*before), *before);
}

}  // namespace
}  // namespace sluice::plugins
