// Config providers as Kafka's ConfigTransformer and its File, Directory and EnvVar providers
// behave (org.apache.kafka.common.config.provider, Kafka 3.9): what resolves, what stays as
// written, and the messages of what is refused.
#include "server/config/config_providers.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::config {
namespace {

namespace fs = std::filesystem;

constexpr char kFile[] = "org.apache.kafka.common.config.provider.FileConfigProvider";
constexpr char kDirectory[] = "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
constexpr char kEnv[] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";

class ConfigProvidersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "providers-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Write(dir_ / "db.properties", "user=alice\npassword=s3cr3t\n");
    fs::create_directories(dir_ / "secrets");
    Write(dir_ / "secrets" / "token", "tok-123");
    ::setenv("SLUICE_TEST_DB_HOST", "db.internal", 1);
    ::setenv("SLUICE_OTHER_VAR", "not-allowed", 1);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static void Write(const fs::path& path, const std::string& content) {
    std::ofstream(path) << content;
  }

  std::shared_ptr<const ConfigProviders> Providers(ConfigMap props) {
    absl::StatusOr<std::shared_ptr<const ConfigProviders>> p =
        ConfigProviders::FromWorkerProps(props);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : nullptr;
  }

  ConfigMap AllThree() {
    return {{"config.providers", "file,dir,env"},
            {"config.providers.file.class", kFile},
            {"config.providers.dir.class", kDirectory},
            {"config.providers.env.class", kEnv},
            {"config.providers.env.param.allowlist.pattern", "SLUICE_TEST_.*"}};
  }

  fs::path dir_;
};

TEST_F(ConfigProvidersTest, ResolvesFileDirectoryAndEnvironmentVariables) {
  std::shared_ptr<const ConfigProviders> p = Providers(AllThree());
  ASSERT_NE(p, nullptr);
  const std::string props = (dir_ / "db.properties").string();
  absl::StatusOr<ConfigMap> out = p->Transform({
      {"connection.password", "${file:" + props + ":password}"},
      {"connection.url", "jdbc://${env:SLUICE_TEST_DB_HOST}:5432/${file:" + props + ":user}"},
      {"token", "${dir:" + (dir_ / "secrets").string() + ":token}"},
      {"plain", "no variables here"},
  });
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->at("connection.password"), "s3cr3t");
  EXPECT_EQ(out->at("connection.url"), "jdbc://db.internal:5432/alice");
  EXPECT_EQ(out->at("token"), "tok-123");
  EXPECT_EQ(out->at("plain"), "no variables here");
}

TEST_F(ConfigProvidersTest, WhatCannotBeResolvedStaysAsWritten) {
  std::shared_ptr<const ConfigProviders> p = Providers(AllThree());
  ASSERT_NE(p, nullptr);
  const std::string props = (dir_ / "db.properties").string();
  const ConfigMap in = {
      {"unknown.provider", "${vault:secret/db:password}"},
      {"missing.key", "${file:" + props + ":nope}"},
      {"not.allowed.env", "${env:SLUICE_OTHER_VAR}"},
      {"missing.dir.file", "${dir:" + dir_.string() + ":nothing}"},
      {"no.path", "${file:password}"},
  };
  absl::StatusOr<ConfigMap> out = p->Transform(in);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, in);
}

TEST_F(ConfigProvidersTest, AllowedPathsLimitWhatFileAndDirectoryProvidersRead) {
  ConfigMap props = AllThree();
  props["config.providers.file.param.allowed.paths"] = (dir_ / "secrets").string();
  std::shared_ptr<const ConfigProviders> p = Providers(props);
  ASSERT_NE(p, nullptr);
  const std::string outside = "${file:" + (dir_ / "db.properties").string() + ":password}";
  const std::string escaping =
      "${file:" + (dir_ / "secrets" / ".." / "db.properties").string() + ":password}";
  absl::StatusOr<ConfigMap> out = p->Transform({{"a", outside}, {"b", escaping}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->at("a"), outside);
  EXPECT_EQ(out->at("b"), escaping);

  props["config.providers.file.param.allowed.paths"] = "relative/path";
  EXPECT_EQ(ConfigProviders::FromWorkerProps(props).status().message(),
            "Path relative/path is not absolute");
  props["config.providers.file.param.allowed.paths"] = "/no/such/dir";
  EXPECT_EQ(ConfigProviders::FromWorkerProps(props).status().message(),
            "Path /no/such/dir does not exist");
}

TEST_F(ConfigProvidersTest, ProviderErrorsCarryKafkasMessages) {
  std::shared_ptr<const ConfigProviders> p = Providers(AllThree());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->Transform({{"x", "${file:/no/such.properties:k}"}}).status().message(),
            "Could not read properties from file /no/such.properties");
  EXPECT_EQ(p->Transform({{"x", "${env:some/path:SLUICE_TEST_DB_HOST}"}}).status().message(),
            "Path is not supported for EnvVarConfigProvider, invalid value 'some/path'");

  absl::StatusOr<std::shared_ptr<const ConfigProviders>> unknown = ConfigProviders::FromWorkerProps(
      {{"config.providers", "vault"}, {"config.providers.vault.class", "com.example.Vault"}});
  EXPECT_EQ(unknown.status().message(),
            "Invalid value com.example.Vault for configuration config.providers.vault.class: "
            "Could not load config provider class or one of its dependencies");
}

TEST_F(ConfigProvidersTest, AliasesAreSplitAsKafkaSplitsThemAndNeedAClass) {
  // "file, env": the second alias is " env", whose class key nobody sets: ignored, as in Kafka.
  std::shared_ptr<const ConfigProviders> p = Providers({{"config.providers", "file, env"},
                                                        {"config.providers.file.class", kFile},
                                                        {"config.providers.env.class", kEnv}});
  ASSERT_NE(p, nullptr);
  absl::StatusOr<ConfigMap> out = p->Transform({{"x", "${env:SLUICE_TEST_DB_HOST}"}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->at("x"), "${env:SLUICE_TEST_DB_HOST}");
  EXPECT_EQ(*ConfigProviders::FromWorkerProps({{"config.providers", ""}}), nullptr);
}

TEST_F(ConfigProvidersTest, WorkerPropertiesResolveButTheProviderKeysStayAsWritten) {
  ConfigMap props = AllThree();
  props["bootstrap.servers"] = "${env:SLUICE_TEST_DB_HOST}:9092";
  absl::StatusOr<ConfigMap> resolved = ConfigProviders::ResolveWorkerProps(props);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->at("bootstrap.servers"), "db.internal:9092");
  EXPECT_EQ(resolved->at("config.providers.env.param.allowlist.pattern"), "SLUICE_TEST_.*");
  ConfigMap none = {{"bootstrap.servers", "${env:SLUICE_TEST_DB_HOST}"}};
  EXPECT_EQ(*ConfigProviders::ResolveWorkerProps(none), none);
}

TEST(ReverseTransformTest, PutsBackTheVariablesOfTheConnectorConfigInItsTaskConfigs) {
  const ConfigMap raw = {{"password", "${file:/s.properties:password}"},
                         {"topic", "orders"},
                         {"url", "jdbc://${env:HOST}/db"}};
  std::vector<ConfigMap> tasks = {
      {{"password", "s3cr3t"}, {"topic", "orders"}, {"task.class", "T"}},
      {{"url", "jdbc://db.internal/db"}, {"extra", "s3cr3t"}}};
  std::vector<ConfigMap> out = ReverseTransform(raw, tasks);
  EXPECT_EQ(out[0].at("password"), "${file:/s.properties:password}");
  EXPECT_EQ(out[0].at("topic"), "orders");
  EXPECT_EQ(out[1].at("url"), "jdbc://${env:HOST}/db");
  // A key the connector config does not have is the connector's own business, as in Kafka.
  EXPECT_EQ(out[1].at("extra"), "s3cr3t");
  EXPECT_TRUE(HasConfigVariables("a ${x:y} b"));
  EXPECT_FALSE(HasConfigVariables("${topic}-${timestamp}"));
}

}  // namespace
}  // namespace sluice::config
