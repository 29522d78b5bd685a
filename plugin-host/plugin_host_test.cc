// Drives the real sluice-plugin-host (started through the worker's PluginProcess) over the
// plugin protocol, with the file plugin (connectors/file) and the crashy and multitask test
// plugins.
#include <stdlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include "server/plugins/plugin_test_support.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sdk/cpp/wire/codec.h"
#include "server/plugins/plugin_process.h"
#include "sluice/sdk/data.h"

namespace sluice::plugin_host {
namespace {

namespace fs = std::filesystem;
namespace pb = ::sluice::plugin::v1;
using ::sluice::plugins::PluginProcess;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using ::sluice::plugins::testing::BuildDir;

// A per-test directory, removed at the end.
class TempDir : public ::sluice::plugins::testing::TempDir {
 public:
  TempDir() : ::sluice::plugins::testing::TempDir("sluice-ph") {}
};

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(30);
}

class PluginHostTest : public ::testing::Test {
 protected:
  void StartHost(const std::string& plugin_dir) {
    ASSERT_FALSE(BuildDir().empty()) << "SLUICE_BUILD_DIR is not set";
    ASSERT_TRUE(fs::exists(plugin_dir + "/sluice-plugin.json")) << plugin_dir;
    absl::StatusOr<std::unique_ptr<PluginProcess>> host =
        PluginProcess::Start({.host_binary = BuildDir() + "/bin/sluice-plugin-host",
                              .plugin_dir = plugin_dir,
                              .socket_dir = sockets_.path(),
                              .label = "host-test"});
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
  }
  pb::Plugin::Stub& stub() { return host_->stub(); }

  TempDir sockets_;
  TempDir data_;
  std::unique_ptr<PluginProcess> host_;
};

std::map<std::string, const pb::ConfigKeyDefinition*> KeysOf(const pb::ConnectorClass& c) {
  std::map<std::string, const pb::ConfigKeyDefinition*> keys;
  for (const pb::ConfigKeyDefinition& key : c.config()) keys[key.name()] = &key;
  return keys;
}

// A source task stream with helpers that assert what comes back.
class SourceStream {
 public:
  explicit SourceStream(pb::Plugin::Stub& stub) {
    context_.set_deadline(Deadline());
    stream_ = stub.SourceTask(&context_);
  }
  void Send(const pb::SourceWorkerMessage& m) { ASSERT_TRUE(stream_->Write(m)); }
  pb::SourcePluginMessage Receive() {
    pb::SourcePluginMessage m;
    EXPECT_TRUE(stream_->Read(&m)) << "the stream ended early";
    return m;
  }
  void Start(std::map<std::string, std::string> config) {
    pb::SourceWorkerMessage m;
    m.mutable_start()->set_task(0);
    m.mutable_start()->set_connector_name("host-test");
    m.mutable_start()->mutable_config()->insert(config.begin(), config.end());
    Send(m);
  }
  void Poll(uint32_t max_records) {
    pb::SourceWorkerMessage m;
    m.mutable_poll()->set_max_records(max_records);
    Send(m);
  }
  void ReplyOffset(uint64_t request_id, const Value* partition, const Value* offset) {
    pb::SourceWorkerMessage m;
    m.mutable_offsets_reply()->set_request_id(request_id);
    if (partition != nullptr) {
      pb::PartitionOffset* entry = m.mutable_offsets_reply()->add_offsets();
      wire::ValueToProto(*partition, entry->mutable_partition());
      if (offset != nullptr) wire::ValueToProto(*offset, entry->mutable_offset());
    }
    Send(m);
  }
  // The next message that is not an OffsetsRequest; offset reads on the way are answered with
  // `offset` (or "none stored") for `partition`, which they must ask for.
  pb::SourcePluginMessage ReceiveAnsweringOffsets(const Value& partition, const Value* offset) {
    while (true) {
      pb::SourcePluginMessage m = Receive();
      if (!m.has_offsets_request()) return m;
      ++offset_reads_;
      EXPECT_EQ(m.offsets_request().partitions_size(), 1);
      EXPECT_EQ(*wire::ValueFromProto(m.offsets_request().partitions(0), nullptr), partition);
      ReplyOffset(m.offsets_request().request_id(), &partition, offset);
    }
  }
  int offset_reads() const { return offset_reads_; }
  // Values of a batch, as strings.
  std::vector<std::string> Values(const pb::SourcePluginMessage& m) {
    std::vector<std::string> values;
    EXPECT_TRUE(m.has_batch()) << m.DebugString();
    for (const pb::SourceRecord& r : m.batch().records()) {
      values.push_back(r.value().value().string_value());
    }
    return values;
  }
  std::vector<uint64_t> Ids(const pb::SourcePluginMessage& m) {
    std::vector<uint64_t> ids;
    for (const pb::SourceRecord& r : m.batch().records()) ids.push_back(r.id());
    return ids;
  }
  void StopAndExpectStopped() {
    pb::SourceWorkerMessage m;
    m.mutable_stop();
    Send(m);
    pb::SourcePluginMessage answer = Receive();
    EXPECT_TRUE(answer.has_stopped()) << answer.DebugString();
    EXPECT_FALSE(stream_->Read(&answer));
    grpc::Status status = stream_->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  grpc::ClientReaderWriter<pb::SourceWorkerMessage, pb::SourcePluginMessage>& raw() {
    return *stream_;
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<pb::SourceWorkerMessage, pb::SourcePluginMessage>>
      stream_;
  int offset_reads_ = 0;
};

Value CrashyPartition() {
  return Value::Map({MapEntry{Value::String("crashy"), Value::String("0")}});
}

// ---- handshake, describe, validate, connector lifecycle ----------------------------------------

TEST_F(PluginHostTest, HandshakeRefusesAnotherProtocolVersion) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  grpc::ClientContext context;
  pb::HandshakeRequest request;
  request.set_protocol_version(2);
  pb::HandshakeResponse response;
  grpc::Status status = stub().Handshake(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(),
            "plugin protocol version 2 is not supported (this host speaks 1)");
}

TEST_F(PluginHostTest, DescribesTheFilePlugin) {
  StartHost(BuildDir() + "/plugins/file");
  grpc::ClientContext context;
  pb::DescribeResponse response;
  grpc::Status status = stub().Describe(&context, pb::DescribeRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.plugin_name(), "file");
  ASSERT_EQ(response.connectors_size(), 2);
  const pb::ConnectorClass& source = response.connectors(0);
  EXPECT_EQ(source.class_name(), "org.apache.kafka.connect.file.FileStreamSourceConnector");
  EXPECT_THAT(source.aliases(), ElementsAre("FileStreamSource", "FileStreamSourceConnector"));
  EXPECT_EQ(source.type(), pb::CONNECTOR_TYPE_SOURCE);
  EXPECT_FALSE(source.version().empty());
  auto keys = KeysOf(source);
  ASSERT_TRUE(keys.contains("file"));
  ASSERT_TRUE(keys.contains("topic"));
  ASSERT_TRUE(keys.contains("batch.size"));
  EXPECT_EQ(keys["topic"]->type(), pb::ConfigKeyDefinition::TYPE_STRING);
  EXPECT_EQ(keys["batch.size"]->type(), pb::ConfigKeyDefinition::TYPE_INT);
  const pb::ConnectorClass& sink = response.connectors(1);
  EXPECT_EQ(sink.class_name(), "org.apache.kafka.connect.file.FileStreamSinkConnector");
  EXPECT_THAT(sink.aliases(), ElementsAre("FileStreamSink", "FileStreamSinkConnector"));
  EXPECT_EQ(sink.type(), pb::CONNECTOR_TYPE_SINK);
  EXPECT_TRUE(KeysOf(sink).contains("file"));
}

TEST_F(PluginHostTest, DescribesTheCrashyPlugin) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  grpc::ClientContext context;
  pb::DescribeResponse response;
  ASSERT_TRUE(stub().Describe(&context, pb::DescribeRequest(), &response).ok());
  EXPECT_EQ(response.plugin_name(), "crashy");
  EXPECT_EQ(response.plugin_version(), "0.1.0");
  ASSERT_EQ(response.connectors_size(), 2);
  const pb::ConnectorClass& source = response.connectors(0);
  EXPECT_EQ(source.class_name(), "sluice.test.CrashySourceConnector");
  EXPECT_THAT(source.aliases(), ElementsAre("CrashySource", "CrashySourceConnector"));
  EXPECT_EQ(source.version(), "0.1.0");
  auto keys = KeysOf(source);
  ASSERT_EQ(keys.size(), 5u);
  EXPECT_FALSE(keys["topic"]->has_default_value()) << "topic is required";
  EXPECT_EQ(keys["fail.before.record"]->default_value(), "0");
  EXPECT_EQ(keys["hang"]->default_value(), "none");
  EXPECT_EQ(keys["mode"]->default_value(), "none");
  EXPECT_THAT(keys["mode"]->recommended_values(),
              ElementsAre("none", "segfault", "exit", "error", "hog"));
  EXPECT_EQ(keys["after.records"]->type(), pb::ConfigKeyDefinition::TYPE_LONG);
  EXPECT_EQ(keys["after.records"]->default_value(), "10");
  EXPECT_EQ(response.connectors(1).class_name(), "sluice.test.CrashySinkConnector");
  EXPECT_EQ(response.connectors(1).type(), pb::CONNECTOR_TYPE_SINK);
}

TEST_F(PluginHostTest, ValidateReportsErrorsPerKey) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  grpc::ClientContext context;
  pb::ValidateRequest request;
  request.set_connector_class("CrashySource");
  (*request.mutable_config())["mode"] = "explode";
  pb::ValidateResponse response;
  grpc::Status status = stub().Validate(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::map<std::string, pb::ConfigValueResult> values;
  for (const pb::ConfigValueResult& v : response.values()) values[v.name()] = v;
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values["hang"].errors_size(), 0);
  EXPECT_EQ(values["fail.before.record"].errors_size(), 0);
  EXPECT_EQ(values["topic"].errors_size(), 1);
  EXPECT_THAT(values["topic"].errors(0), HasSubstr("topic"));
  EXPECT_EQ(values["mode"].errors_size(), 1);
  EXPECT_THAT(values["mode"].errors(0), HasSubstr("explode"));
  EXPECT_EQ(values["after.records"].errors_size(), 0);

  grpc::ClientContext unknown_context;
  request.set_connector_class("NoSuchConnector");
  status = stub().Validate(&unknown_context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "Connector class NoSuchConnector is not provided by plugin crashy");
}

TEST_F(PluginHostTest, AlterOffsetsAsksAFreshInstanceOfTheClass) {
  StartHost(BuildDir() + "/plugins/file");
  {
    grpc::ClientContext context;
    pb::HandshakeRequest request;
    request.set_protocol_version(1);
    pb::HandshakeResponse response;
    ASSERT_TRUE(stub().Handshake(&context, request, &response).ok());
    EXPECT_THAT(response.capabilities(), ElementsAre("alter_offsets"));
  }
  auto alter = [&](const std::string& connector_class, const pb::AlterOffsetsRequest& base,
                   pb::AlterOffsetsResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    pb::AlterOffsetsRequest request = base;
    request.set_connector_class(connector_class);
    request.set_connector_name("offsets-test");
    return stub().AlterOffsets(&context, request, response);
  };
  pb::AlterOffsetsRequest source;
  (*source.mutable_config())["file"] = "/data/in.txt";
  (*source.mutable_config())["topic"] = "t";
  pb::PartitionOffset* entry = source.add_source_offsets();
  wire::ValueToProto(Value::Map({{Value::String("filename"), Value::String("/data/in.txt")}}),
                     entry->mutable_partition());
  wire::ValueToProto(Value::Map({{Value::String("position"), Value::Int64(12)}}),
                     entry->mutable_offset());
  pb::AlterOffsetsResponse response;
  grpc::Status status = alter("FileStreamSource", source, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.altered());

  // The connector's rejection comes back with its message.
  entry->clear_offset();
  wire::ValueToProto(Value::Map({{Value::String("position"), Value::Int64(-3)}}),
                     entry->mutable_offset());
  status = alter("FileStreamSource", source, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "The value for the 'position' key in the offset should be a non-negative value");

  // A reset (no offset) of anything is fine.
  entry->clear_offset();
  status = alter("FileStreamSource", source, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.altered());

  // Sink offsets for a source class are a caller's mistake.
  pb::AlterOffsetsRequest sink;
  pb::SinkPartitionOffset* sink_entry = sink.add_sink_offsets();
  sink_entry->set_topic("t");
  sink_entry->set_partition(0);
  sink_entry->set_offset(4);
  status = alter("FileStreamSource", sink, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  status = alter("FileStreamSink", sink, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.altered());

  status = alter("NoSuchConnector", sink, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(PluginHostTest, AlterOffsetsDefaultsToFalse) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  grpc::ClientContext context;
  pb::AlterOffsetsRequest request;
  request.set_connector_class("CrashySource");
  (*request.mutable_config())["topic"] = "t";
  pb::AlterOffsetsResponse response;
  response.set_altered(true);
  grpc::Status status = stub().AlterOffsets(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.altered());
}

TEST_F(PluginHostTest, ConnectorLifecycleKeepsItsStates) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  {
    grpc::ClientContext context;
    pb::TaskConfigsRequest request;
    request.set_max_tasks(1);
    pb::TaskConfigsResponse response;
    grpc::Status status = stub().TaskConfigs(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  pb::StartConnectorRequest start;
  start.set_connector_class("sluice.test.CrashySourceConnector");
  start.set_connector_name("c1");
  (*start.mutable_config())["topic"] = "t";
  {
    grpc::ClientContext context;
    pb::StartConnectorResponse response;
    grpc::Status status = stub().StartConnector(&context, start, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    grpc::ClientContext context;
    pb::StartConnectorResponse response;
    grpc::Status status = stub().StartConnector(&context, start, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(status.error_message(),
              "Connector c1 is already running in this plugin host (one per host)");
  }
  {
    grpc::ClientContext context;
    pb::TaskConfigsRequest request;
    request.set_max_tasks(3);
    pb::TaskConfigsResponse response;
    grpc::Status status = stub().TaskConfigs(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.task_class(), "sluice.test.CrashySourceTask");
    ASSERT_EQ(response.tasks_size(), 1);
    EXPECT_EQ(response.tasks(0).config().at("topic"), "t");
  }
  {
    grpc::ClientContext context;
    pb::StopConnectorResponse response;
    EXPECT_TRUE(stub().StopConnector(&context, pb::StopConnectorRequest(), &response).ok());
  }
  {
    grpc::ClientContext context;
    pb::StopConnectorResponse response;
    grpc::Status status = stub().StopConnector(&context, pb::StopConnectorRequest(), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  {
    grpc::ClientContext context;
    start.set_connector_class("Nope");
    pb::StartConnectorResponse response;
    grpc::Status status = stub().StartConnector(&context, start, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  }
}

// Starts the multitask test plugin's source connector on the host, with `config` added to its
// required keys.
void StartMultiTask(pb::Plugin::Stub& stub, const std::string& dir,
                    const std::map<std::string, std::string>& config) {
  pb::StartConnectorRequest start;
  start.set_connector_class("MultiTaskSource");
  start.set_connector_name("multi");
  (*start.mutable_config())["topic"] = "t";
  (*start.mutable_config())["output.dir"] = dir;
  for (const auto& [k, v] : config) (*start.mutable_config())[k] = v;
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  pb::StartConnectorResponse response;
  grpc::Status status = stub.StartConnector(&context, start, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

TEST_F(PluginHostTest, TaskConfigsHandsOverMoreConfigsThanMaxTasks) {
  // Whether they run is the worker's call (tasks.max.enforce), not the host's.
  StartHost(BuildDir() + "/test-plugins/multitask");
  StartMultiTask(stub(), data_.path(), {{"task.count", "3"}});
  grpc::ClientContext context;
  pb::TaskConfigsRequest request;
  request.set_max_tasks(2);
  pb::TaskConfigsResponse response;
  grpc::Status status = stub().TaskConfigs(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.tasks_size(), 3);
  EXPECT_EQ(response.tasks(2).config().at("task.index"), "2");
}

TEST_F(PluginHostTest, ConnectorEventsCarryReconfigurationRequestsAndRaisedErrors) {
  StartHost(BuildDir() + "/test-plugins/multitask");
  const std::string reconfigure = data_.path() + "/reconfigure";
  const std::string error = data_.path() + "/error";
  StartMultiTask(stub(), data_.path(), {{"reconfigure.file", reconfigure}, {"error.file", error}});
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  std::unique_ptr<grpc::ClientReader<pb::ConnectorEvent>> events =
      stub().ConnectorEvents(&context, pb::ConnectorEventsRequest());

  std::ofstream(reconfigure) << "task.count=2\n";
  pb::ConnectorEvent event;
  ASSERT_TRUE(events->Read(&event));
  EXPECT_TRUE(event.has_reconfigure()) << event.DebugString();
  {
    grpc::ClientContext configs_context;
    pb::TaskConfigsRequest request;
    request.set_max_tasks(5);
    pb::TaskConfigsResponse response;
    ASSERT_TRUE(stub().TaskConfigs(&configs_context, request, &response).ok());
    EXPECT_EQ(response.tasks_size(), 2);
  }

  std::ofstream(error) << "it broke\n";
  ASSERT_TRUE(events->Read(&event));
  ASSERT_TRUE(event.has_failure()) << event.DebugString();
  EXPECT_EQ(event.failure().message(), "it broke");
  EXPECT_EQ(event.failure().trace(), "INTERNAL: it broke");
  context.TryCancel();
}

// ---- source task streams -----------------------------------------------------------------------

TEST_F(PluginHostTest, SourceBatchesRespectCreditsAndResumeFromTheStoredOffset) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  SourceStream s(stub());
  s.Start({{"topic", "t"}, {"task.class", "sluice.test.CrashySourceTask"}});
  pb::SourcePluginMessage m = s.Receive();
  ASSERT_TRUE(m.has_offsets_request()) << m.DebugString();
  ASSERT_EQ(m.offsets_request().partitions_size(), 1);
  Value partition = CrashyPartition();
  EXPECT_EQ(*wire::ValueFromProto(m.offsets_request().partitions(0), nullptr), partition);
  Value offset = Value::Map({MapEntry{Value::String("n"), Value::Int64(4)}});
  s.ReplyOffset(m.offsets_request().request_id(), &partition, &offset);
  ASSERT_TRUE(s.Receive().has_started());

  // The task returns 5 records per Poll; credits of 3 split them, and the rest waits.
  s.Poll(3);
  m = s.Receive();
  EXPECT_THAT(s.Values(m), ElementsAre("crashy-5", "crashy-6", "crashy-7"));
  EXPECT_THAT(s.Ids(m), ElementsAre(1u, 2u, 3u));
  EXPECT_EQ(m.batch().records(0).topic(), "t");
  EXPECT_EQ(*wire::ValueFromProto(m.batch().records(0).source_offset(), nullptr),
            Value::Map({MapEntry{Value::String("n"), Value::Int64(5)}}));
  s.Poll(3);
  m = s.Receive();
  EXPECT_THAT(s.Values(m), ElementsAre("crashy-8", "crashy-9"));
  EXPECT_THAT(s.Ids(m), ElementsAre(4u, 5u));
  pb::SourceWorkerMessage committed;
  committed.mutable_committed()->set_up_to_record_id(4);
  s.Send(committed);
  s.Poll(1);
  m = s.Receive();
  EXPECT_THAT(s.Values(m), ElementsAre("crashy-10"));
  EXPECT_THAT(s.Ids(m), ElementsAre(6u));
  s.Poll(0);
  EXPECT_EQ(s.Receive().batch().records_size(), 0);
  s.StopAndExpectStopped();
}

TEST_F(PluginHostTest, SourceTaskErrorIsReportedAndTheTaskStopsOnStop) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  SourceStream s(stub());
  s.Start({{"topic", "t"}, {"mode", "error"}, {"after.records", "2"},
           {"connector.class", "CrashySource"}});
  pb::SourcePluginMessage m = s.Receive();
  ASSERT_TRUE(m.has_offsets_request());
  s.ReplyOffset(m.offsets_request().request_id(), nullptr, nullptr);
  ASSERT_TRUE(s.Receive().has_started());
  s.Poll(10);
  EXPECT_THAT(s.Values(s.Receive()), ElementsAre("crashy-1", "crashy-2"));
  s.Poll(10);
  m = s.Receive();
  ASSERT_TRUE(m.has_error()) << m.DebugString();
  EXPECT_EQ(m.error().message(), "crashy error after 2 records");
  EXPECT_EQ(m.error().trace(), "INTERNAL: crashy error after 2 records");
  s.StopAndExpectStopped();
}

TEST_F(PluginHostTest, SourceStartFailureEndsTheStream) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  SourceStream s(stub());
  s.Start({{"mode", "none"}, {"task.class", "sluice.test.CrashySourceTask"}});  // no topic
  pb::SourcePluginMessage m = s.Receive();
  ASSERT_TRUE(m.has_error()) << m.DebugString();
  EXPECT_THAT(m.error().message(), HasSubstr("Starting task 0 failed: "));
  EXPECT_THAT(m.error().message(), HasSubstr("topic"));
  EXPECT_FALSE(s.raw().Read(&m));
  EXPECT_TRUE(s.raw().Finish().ok());
}

TEST_F(PluginHostTest, UnknownTaskClassIsNotFound) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  SourceStream s(stub());
  s.Start({{"topic", "t"}, {"task.class", "com.example.Nope"}});
  pb::SourcePluginMessage m;
  EXPECT_FALSE(s.raw().Read(&m));
  grpc::Status status = s.raw().Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "Task class com.example.Nope is not provided by plugin crashy");
}

TEST_F(PluginHostTest, FileSourceReadsLinesAndResumesAfterTheStoredPosition) {
  StartHost(BuildDir() + "/plugins/file");
  std::string file = data_.path() + "/in.txt";
  std::ofstream(file) << "alpha\nbeta\ngamma\ndelta\n";
  Value partition = Value::Map({MapEntry{Value::String("filename"), Value::String(file)}});
  std::map<std::string, std::string> config = {
      {"file", file},
      {"topic", "lines"},
      {"task.class", "org.apache.kafka.connect.file.FileStreamSourceTask"}};

  // The file source reads its offset when it opens the file: during Start or its first Poll.
  std::vector<std::string> lines;
  {
    SourceStream s(stub());
    s.Start(config);
    ASSERT_TRUE(s.ReceiveAnsweringOffsets(partition, nullptr).has_started());
    uint64_t last_id = 0;
    for (int polls = 0; lines.size() < 4 && polls < 100; ++polls) {
      s.Poll(2);
      pb::SourcePluginMessage m = s.ReceiveAnsweringOffsets(partition, nullptr);
      ASSERT_TRUE(m.has_batch()) << m.DebugString();
      ASSERT_LE(m.batch().records_size(), 2);
      for (const pb::SourceRecord& r : m.batch().records()) {
        EXPECT_EQ(r.id(), last_id + 1);
        last_id = r.id();
        EXPECT_EQ(r.topic(), "lines");
        lines.push_back(r.value().value().string_value());
      }
    }
    EXPECT_EQ(s.offset_reads(), 1);
    pb::SourceWorkerMessage committed;
    committed.mutable_committed()->set_up_to_record_id(last_id);
    s.Send(committed);
    s.StopAndExpectStopped();
  }
  EXPECT_THAT(lines, ElementsAre("alpha", "beta", "gamma", "delta"));

  // A new task resumes after "alpha\nbeta\n" (11 bytes).
  SourceStream s(stub());
  s.Start(config);
  Value position = Value::Map({MapEntry{Value::String("position"), Value::Int64(11)}});
  ASSERT_TRUE(s.ReceiveAnsweringOffsets(partition, &position).has_started());
  std::vector<std::string> resumed;
  for (int polls = 0; resumed.size() < 2 && polls < 100; ++polls) {
    s.Poll(10);
    for (const std::string& v : s.Values(s.ReceiveAnsweringOffsets(partition, &position))) {
      resumed.push_back(v);
    }
  }
  EXPECT_THAT(resumed, ElementsAre("gamma", "delta"));
  EXPECT_EQ(s.offset_reads(), 1);
  s.StopAndExpectStopped();
}

// ---- sink task streams -------------------------------------------------------------------------

class SinkStream {
 public:
  explicit SinkStream(pb::Plugin::Stub& stub) {
    context_.set_deadline(Deadline());
    stream_ = stub.SinkTask(&context_);
  }
  void Send(const pb::SinkWorkerMessage& m) { ASSERT_TRUE(stream_->Write(m)); }
  pb::SinkPluginMessage Receive() {
    pb::SinkPluginMessage m;
    EXPECT_TRUE(stream_->Read(&m)) << "the stream ended early";
    return m;
  }
  void Start(std::map<std::string, std::string> config) {
    pb::SinkWorkerMessage m;
    m.mutable_start()->set_task(0);
    m.mutable_start()->set_sink_context(true);  // as the worker does
    m.mutable_start()->mutable_config()->insert(config.begin(), config.end());
    Send(m);
  }
  void Put(const std::vector<std::string>& values, int64_t first_offset) {
    pb::SinkWorkerMessage m;
    for (size_t i = 0; i < values.size(); ++i) {
      SinkRecord record;
      record.topic = "in";
      record.partition = 0;
      record.offset = first_offset + static_cast<int64_t>(i);
      record.value_schema = Schema::String();
      record.value = Value::String(values[i]);
      wire::SinkRecordToProto(record, encoder_, m.mutable_put());
    }
    Send(m);
  }
  void StopAndExpectStopped() {
    pb::SinkWorkerMessage m;
    m.mutable_stop();
    Send(m);
    pb::SinkPluginMessage answer = Receive();
    EXPECT_TRUE(answer.has_stopped()) << answer.DebugString();
    EXPECT_FALSE(stream_->Read(&answer));
    grpc::Status status = stream_->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

 private:
  grpc::ClientContext context_;
  wire::SchemaEncoder encoder_;
  std::unique_ptr<grpc::ClientReaderWriter<pb::SinkWorkerMessage, pb::SinkPluginMessage>> stream_;
};

TEST_F(PluginHostTest, FileSinkWritesWhatItIsPutAndConfirmsPreCommit) {
  StartHost(BuildDir() + "/plugins/file");
  std::string file = data_.path() + "/out.txt";
  SinkStream s(stub());
  s.Start({{"file", file}, {"task.class", "org.apache.kafka.connect.file.FileStreamSinkTask"}});
  pb::SinkPluginMessage started = s.Receive();
  ASSERT_TRUE(started.has_started());
  EXPECT_TRUE(started.started().open_done());
  pb::SinkWorkerMessage open;
  pb::TopicPartition* tp = open.mutable_open()->add_partitions();
  tp->set_topic("in");
  tp->set_partition(0);
  s.Send(open);
  ASSERT_TRUE(s.Receive().has_open_done());
  s.Put({"one", "two"}, 0);
  ASSERT_TRUE(s.Receive().has_put_done());
  s.Put({"three"}, 2);
  ASSERT_TRUE(s.Receive().has_put_done());
  pb::SinkWorkerMessage pre_commit;
  pb::TopicPartitionOffset* offset = pre_commit.mutable_pre_commit()->add_offsets();
  offset->set_topic("in");
  offset->set_partition(0);
  offset->set_offset(3);
  s.Send(pre_commit);
  pb::SinkPluginMessage done = s.Receive();
  ASSERT_TRUE(done.has_pre_commit_done()) << done.DebugString();
  ASSERT_EQ(done.pre_commit_done().offsets_size(), 1);
  EXPECT_EQ(done.pre_commit_done().offsets(0).offset(), 3);
  std::stringstream content;
  content << std::ifstream(file).rdbuf();
  EXPECT_EQ(content.str(), "one\ntwo\nthree\n");
  s.StopAndExpectStopped();
}

TEST_F(PluginHostTest, SinkTaskErrorIsReported) {
  StartHost(BuildDir() + "/test-plugins/crashy");
  SinkStream s(stub());
  s.Start({{"mode", "error"}, {"after.records", "3"}, {"connector.class", "CrashySink"}});
  ASSERT_TRUE(s.Receive().has_started());
  s.Put({"a", "b"}, 0);
  ASSERT_TRUE(s.Receive().has_put_done());
  s.Put({"c"}, 2);
  pb::SinkPluginMessage m = s.Receive();
  ASSERT_TRUE(m.has_error()) << m.DebugString();
  EXPECT_EQ(m.error().message(), "crashy error after 3 records");
  s.StopAndExpectStopped();
}

}  // namespace
}  // namespace sluice::plugin_host
