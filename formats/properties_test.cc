#include "formats/properties.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::formats {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(Properties, ParsesSeparatorsCommentsAndOverrides) {
  absl::StatusOr<ConfigMap> props = ParseProperties(
      "# comment\n"
      "! also a comment\n"
      "bootstrap.servers=localhost:9092\n"
      "  key.converter : org.apache.kafka.connect.json.JsonConverter\n"
      "plugin.path /a,/b\n"
      "empty=\n"
      "bootstrap.servers = broker:9093\n");
  ASSERT_TRUE(props.ok()) << props.status();
  EXPECT_THAT(*props, ElementsAre(Pair("bootstrap.servers", "broker:9093"), Pair("empty", ""),
                                  Pair("key.converter", "org.apache.kafka.connect.json.JsonConverter"),
                                  Pair("plugin.path", "/a,/b")));
}

TEST(Properties, JoinsContinuationLinesAndDecodesEscapes) {
  absl::StatusOr<ConfigMap> props = ParseProperties(
      "list=a,\\\n    b,\\\n    c\n"
      "tab=x\\ty\n"
      "unicode=caf\\u00e9\n"
      "key\\=with\\:seps=v\r\n"
      "backslash=C:\\\\dir\n");
  ASSERT_TRUE(props.ok()) << props.status();
  EXPECT_EQ(props->at("list"), "a,b,c");
  EXPECT_EQ(props->at("tab"), "x\ty");
  EXPECT_EQ(props->at("unicode"), "caf\xc3\xa9");
  EXPECT_EQ(props->at("key=with:seps"), "v");
  EXPECT_EQ(props->at("backslash"), "C:\\dir");
}

TEST(Properties, RejectsMalformedUnicodeEscapeNamingTheLine) {
  absl::StatusOr<ConfigMap> props = ParseProperties("a=1\nb=\\u12x4\n");
  ASSERT_FALSE(props.ok());
  EXPECT_EQ(props.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(props.status().message(), "Malformed \\uxxxx encoding on line 2");
}

class ConnectorFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << content;
    return path;
  }
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sluice-config-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ConnectorFileTest, ReadsPropertiesFile) {
  absl::StatusOr<ConnectorFile> file =
      ReadConnectorFile(Write("src.properties", "name=src\nconnector.class=FileStreamSource\n"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->name, "src");
  EXPECT_EQ(file->config.at("connector.class"), "FileStreamSource");
  EXPECT_FALSE(file->initial_state.has_value());
}

TEST_F(ConnectorFileTest, ReadsCreateConnectorRequestJson) {
  absl::StatusOr<ConnectorFile> file = ReadConnectorFile(Write(
      "snk.json",
      R"({"name":"snk","config":{"connector.class":"FileStreamSink","tasks.max":2,"x":true},)"
      R"("initial_state":"PAUSED"})"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->name, "snk");
  EXPECT_EQ(file->config.at("tasks.max"), "2");
  EXPECT_EQ(file->config.at("x"), "true");
  EXPECT_EQ(file->initial_state, "PAUSED");
}

TEST_F(ConnectorFileTest, ReadsFlatJsonMap) {
  absl::StatusOr<ConnectorFile> file =
      ReadConnectorFile(Write("flat.json", R"({"name":"flat","connector.class":"FileStreamSink"})"));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->name, "flat");
  EXPECT_EQ(file->config.at("connector.class"), "FileStreamSink");
}

TEST_F(ConnectorFileTest, ReportsBadFiles) {
  EXPECT_EQ(ReadConnectorFile((dir_ / "missing.properties").string()).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<ConnectorFile> no_name = ReadConnectorFile(Write("a.properties", "topic=t\n"));
  ASSERT_TRUE(no_name.ok());
  EXPECT_EQ(no_name->name, "");  // the caller decides
  absl::Status bad_json = ReadConnectorFile(Write("b.json", "{not json")).status();
  EXPECT_EQ(bad_json.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_json.message()), ::testing::HasSubstr("is not valid JSON"));
  absl::Status nested = ReadConnectorFile(Write("c.json", R"({"name":"c","x":{"y":1}})")).status();
  EXPECT_THAT(std::string(nested.message()), ::testing::HasSubstr("\"x\" must be a string"));
}

}  // namespace
}  // namespace sluice::formats
