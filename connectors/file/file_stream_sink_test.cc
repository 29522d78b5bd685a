#include "connectors/file/file_stream_sink.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sluice/sdk/java_text.h"

namespace sluice::connectors::file {
namespace {

using ::testing::ElementsAre;

class FakeSinkTaskContext final : public SinkTaskContext {
 public:
  const ConfigMap& configs() const override { return configs_; }
  void Pause(const std::vector<TopicPartition>&) override {}
  void Resume(const std::vector<TopicPartition>&) override {}
  void ReportErrant(const SinkRecord&, std::string_view) override {}
  void Offset(const TopicPartitionOffsets&) override {}
  void RequestCommit() override {}
  ConfigMap configs_;
};

class FileStreamSinkTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/file_sink_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/out.txt";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  std::string Contents() {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static SinkRecord Record(SchemaPtr schema, Value value) {
    SinkRecord r;
    r.topic = "t";
    r.value_schema = std::move(schema);
    r.value = std::move(value);
    return r;
  }

  std::string dir_;
  std::string path_;
  FakeSinkTaskContext context_;
};

TEST_F(FileStreamSinkTaskTest, AppendsOneLinePerRecordToTheFileAtEachPut) {
  {
    std::ofstream out(path_, std::ios::binary);
    out << "existing\n";
  }
  FileStreamSinkTask task;
  ASSERT_TRUE(task.Start(context_, {{"file", path_}}).ok());
  std::vector<SinkRecord> records;
  records.push_back(Record(Schema::String(), Value::String("line one")));
  records.push_back(Record(nullptr, Value()));
  records.push_back(Record(Schema::Int32(), Value::Int32(42)));
  ASSERT_TRUE(task.Put(std::move(records)).ok());
  // In the file when Put returns, as Kafka Connect's file sink writes each line through.
  EXPECT_EQ(Contents(), "existing\nline one\nnull\n42\n");
  ASSERT_TRUE(task.Flush({{TopicPartition{"t", 0}, 3}}).ok());
  EXPECT_EQ(Contents(), "existing\nline one\nnull\n42\n");
  std::vector<SinkRecord> more;
  more.push_back(Record(nullptr, Value::Boolean(true)));
  ASSERT_TRUE(task.Put(std::move(more)).ok());
  EXPECT_EQ(Contents(), "existing\nline one\nnull\n42\ntrue\n");
  ASSERT_TRUE(task.Stop().ok());
  EXPECT_EQ(Contents(), "existing\nline one\nnull\n42\ntrue\n");
  std::vector<SinkRecord> late;
  late.push_back(Record(nullptr, Value::String("x")));
  EXPECT_EQ(task.Put(std::move(late)).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(FileStreamSinkTaskTest, ReportsAFileThatCannotBeCreated) {
  FileStreamSinkTask task;
  const std::string bad = dir_ + "/no/such/dir/out.txt";
  absl::Status s = task.Start(context_, {{"file", bad}});
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "Couldn't find or create file '" + bad +
                             "' for FileStreamSinkTask: No such file or directory");
}

// The line is Java's String.valueOf(record.value()); expected values from Kafka 3.9.1 on a UTC
// JVM.
TEST(FileStreamSinkTask, WritesJavaStringValueOfTheValue) {
  auto text = [](const Schema* schema, const Value& v) { return JavaToString(schema, v); };
  EXPECT_EQ(text(nullptr, Value()), "null");
  EXPECT_EQ(text(nullptr, Value::Int64(-7)), "-7");
  EXPECT_EQ(text(nullptr, Value::Float64(1)), "1.0");
  EXPECT_EQ(text(nullptr, Value::Float64(0.5)), "0.5");
  EXPECT_EQ(text(nullptr, Value::Float64(1e10)), "1.0E10");
  EXPECT_EQ(text(nullptr, Value::Float32(0.1f)), "0.1");
  EXPECT_EQ(text(nullptr, Value::Bytes("raw")), "raw");
  EXPECT_EQ(text(nullptr, Value::Array({Value::Int32(1), Value::String("a")})), "[1, a]");
  EXPECT_EQ(text(nullptr, Value::Map({MapEntry{Value::String("k"), Value::Int32(1)},
                                      MapEntry{Value::String("j"), Value()}})),
            "{k=1, j=null}");
  SchemaPtr schema = SchemaBuilder::Struct()
                         .Field("id", Schema::Int32())
                         .Field("note", Schema::OptionalString())
                         .Field("name", Schema::String())
                         .BuildOrDie();
  Struct s(schema);
  ASSERT_TRUE(s.Put("id", Value::Int32(1)).ok());
  ASSERT_TRUE(s.Put("name", Value::String("x")).ok());
  EXPECT_EQ(text(schema.get(), Value::FromStruct(s)), "Struct{id=1,name=x}");
  SchemaPtr decimal = SchemaBuilder::Decimal(2).BuildOrDie();
  EXPECT_EQ(text(decimal.get(), Value::Bytes(*DecimalFromString("-3.10", 2))), "-3.10");
  // Kafka Connect carries Date, Time and Timestamp values as java.util.Date, whose toString
  // this is (these expectations used to be ISO text, which Java does not print).
  EXPECT_EQ(text(SchemaBuilder::Date().BuildOrDie().get(), Value::Int32(19753)),
            "Wed Jan 31 00:00:00 UTC 2024");
  EXPECT_EQ(text(SchemaBuilder::Time().BuildOrDie().get(), Value::Int32(45296789)),
            "Thu Jan 01 12:34:56 UTC 1970");
  EXPECT_EQ(text(SchemaBuilder::Timestamp().BuildOrDie().get(), Value::Int64(1706704496789)),
            "Wed Jan 31 12:34:56 UTC 2024");
  // BigDecimal.toString switches to scientific notation.
  EXPECT_EQ(text(SchemaBuilder::Decimal(7).BuildOrDie().get(), Value::Bytes("\x01")), "1E-7");
}

TEST(FileStreamSinkConnector, MakesMaxTasksIdenticalConfigs) {
  FileStreamSinkConnector connector;
  EXPECT_EQ(connector.Version(), "3.9.0");
  class NoopContext final : public ConnectorContext {
    void RequestTaskReconfiguration() override {}
    void RaiseError(const absl::Status&) override {}
  } context;
  const ConfigMap config = {{"file", "/tmp/out"}, {"topics", "a"}};
  ASSERT_TRUE(connector.Start(context, config).ok());
  absl::StatusOr<std::vector<ConfigMap>> tasks = connector.TaskConfigs(3);
  ASSERT_TRUE(tasks.ok());
  EXPECT_THAT(*tasks, ElementsAre(config, config, config));
  ConfigDef def = connector.Config();
  ASSERT_EQ(def.keys().size(), 1u);
  EXPECT_EQ(def.keys()[0].name, "file");
  EXPECT_FALSE(def.keys()[0].required());
}

TEST(FileStreamSinkConnectorAlterOffsets, AlwaysAgrees) {
  FileStreamSinkConnector connector;
  SinkOffsetChanges changes = {{TopicPartition{"t", 0}, 5}, {TopicPartition{"t", 1}, std::nullopt}};
  absl::StatusOr<bool> altered = connector.AlterOffsets({{"topics", "t"}}, changes);
  ASSERT_TRUE(altered.ok());
  EXPECT_TRUE(*altered);
}

}  // namespace
}  // namespace sluice::connectors::file
