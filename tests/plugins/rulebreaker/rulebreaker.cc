// rulebreaker: an exec plugin (it speaks the plugin protocol itself, without the C++ SDK, so the
// host does not keep the rules for it) that breaks a known set of the protocol's rules, one per
// check of sluice-plugin-check that it is meant to trip:
//
//   handshake.version-refused   accepts any protocol version
//   describe.config             RuleBreakerSource defines "topic" twice and an INT default "many"
//   validate.empty              RuleBreakerSink reports no error for its required "file"
//   validate.unknown-class      an unknown class validates OK instead of NOT_FOUND
//   connector.task-configs      RuleBreakerSource returns max_tasks + 1 task configs
//   source.poll-credits         a Poll of n credits gets n + 1 records
//   source.stop                 Stop is never answered
//   task.error                  RuleBreakerSource's TaskError (for a config without "topic")
//                               has no trace
//   sink.pre-commit             PreCommit answers offsets 100 beyond what was delivered
//
// Everything else follows the protocol: the handshake line, Describe, records that are
// well-formed, the sink's PutDone and TaskStopped, Shutdown and stdin EOF.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "sluice/plugin/v1/plugin.grpc.pb.h"

namespace {

namespace pb = ::sluice::plugin::v1;

constexpr char kSource[] = "sluice.test.RuleBreakerSource";
constexpr char kSink[] = "sluice.test.RuleBreakerSink";

// Set by Shutdown or stdin's EOF; main waits for it.
absl::Mutex exit_mu;
bool exit_requested ABSL_GUARDED_BY(exit_mu) = false;

void RequestExit() {
  absl::MutexLock lock(&exit_mu);
  exit_requested = true;
}

pb::ConfigKeyDefinition* AddKey(pb::ConnectorClass* c, const std::string& name,
                                pb::ConfigKeyDefinition::Type type) {
  pb::ConfigKeyDefinition* key = c->add_config();
  key->set_name(name);
  key->set_type(type);
  key->set_importance(pb::ConfigKeyDefinition::IMPORTANCE_HIGH);
  key->set_documentation(absl::StrCat("The ", name));
  key->set_order_in_group(-1);
  return key;
}

pb::Value StringValue(const std::string& s) {
  pb::Value v;
  v.set_string_value(s);
  return v;
}

pb::Value OneEntryMap(const std::string& key, const pb::Value& value) {
  pb::Value v;
  pb::MapEntry* entry = v.mutable_map_value()->add_entries();
  *entry->mutable_key() = StringValue(key);
  *entry->mutable_value() = value;
  return v;
}

class RuleBreakerService final : public pb::Plugin::Service {
 public:
  grpc::Status Handshake(grpc::ServerContext*, const pb::HandshakeRequest*,
                         pb::HandshakeResponse* response) override {
    response->set_protocol_version(1);  // whatever the worker speaks
    response->set_sdk("cpp/rulebreaker");
    return grpc::Status::OK;
  }

  grpc::Status Describe(grpc::ServerContext*, const pb::DescribeRequest*,
                        pb::DescribeResponse* response) override {
    response->set_plugin_name("rulebreaker");
    response->set_plugin_version("0.1.0");
    pb::ConnectorClass* source = response->add_connectors();
    source->set_class_name(kSource);
    source->add_aliases("RuleBreakerSource");
    source->set_type(pb::CONNECTOR_TYPE_SOURCE);
    source->set_version("0.1.0");
    AddKey(source, "topic", pb::ConfigKeyDefinition::TYPE_STRING);
    AddKey(source, "topic", pb::ConfigKeyDefinition::TYPE_STRING);
    AddKey(source, "batch", pb::ConfigKeyDefinition::TYPE_INT)->set_default_value("many");
    pb::ConnectorClass* sink = response->add_connectors();
    sink->set_class_name(kSink);
    sink->add_aliases("RuleBreakerSink");
    sink->set_type(pb::CONNECTOR_TYPE_SINK);
    sink->set_version("0.1.0");
    AddKey(sink, "file", pb::ConfigKeyDefinition::TYPE_STRING);
    return grpc::Status::OK;
  }

  grpc::Status Validate(grpc::ServerContext*, const pb::ValidateRequest* request,
                        pb::ValidateResponse* response) override {
    if (request->connector_class() == kSource || request->connector_class() == "RuleBreakerSource") {
      pb::ConfigValueResult* topic = response->add_values();
      topic->set_name("topic");
      topic->set_visible(true);
      if (!request->config().contains("topic")) {
        topic->add_errors("Missing required configuration \"topic\" which has no default value.");
      }
    } else if (request->connector_class() == kSink ||
               request->connector_class() == "RuleBreakerSink") {
      pb::ConfigValueResult* file = response->add_values();
      file->set_name("file");
      file->set_visible(true);
    }
    return grpc::Status::OK;  // also for a class it does not have
  }

  grpc::Status StartConnector(grpc::ServerContext*, const pb::StartConnectorRequest* request,
                              pb::StartConnectorResponse*) override {
    absl::MutexLock lock(&mu_);
    connector_class_ = request->connector_class();
    config_ = request->config();
    return grpc::Status::OK;
  }

  grpc::Status TaskConfigs(grpc::ServerContext*, const pb::TaskConfigsRequest* request,
                           pb::TaskConfigsResponse* response) override {
    absl::MutexLock lock(&mu_);
    const bool source = connector_class_ == kSource;
    const int count = request->max_tasks() + (source ? 1 : 0);
    for (int i = 0; i < count; ++i) *response->add_tasks()->mutable_config() = config_;
    response->set_task_class(source ? "sluice.test.RuleBreakerSourceTask"
                                    : "sluice.test.RuleBreakerSinkTask");
    return grpc::Status::OK;
  }

  grpc::Status StopConnector(grpc::ServerContext*, const pb::StopConnectorRequest*,
                             pb::StopConnectorResponse*) override {
    return grpc::Status::OK;
  }

  grpc::Status SourceTask(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<pb::SourcePluginMessage, pb::SourceWorkerMessage>* stream) override {
    pb::SourceWorkerMessage in;
    if (!stream->Read(&in) || !in.has_start()) return grpc::Status::OK;
    if (!in.start().config().contains("topic")) {
      pb::SourcePluginMessage error;
      error.mutable_error()->set_message("no topic configured");
      stream->Write(error);
      return grpc::Status::OK;
    }
    const std::string topic = in.start().config().at("topic");
    pb::SourcePluginMessage started;
    started.mutable_started();
    stream->Write(started);
    uint64_t id = 0;
    while (stream->Read(&in)) {
      // Stop and Committed go unanswered; only Polls are.
      if (!in.has_poll()) continue;
      pb::SourcePluginMessage out;
      for (uint32_t i = 0; i <= in.poll().max_records(); ++i) {
        pb::SourceRecord* record = out.mutable_batch()->add_records();
        record->set_id(++id);
        *record->mutable_source_partition() = OneEntryMap("rulebreaker", StringValue("p"));
        pb::Value n;
        n.set_int_value(static_cast<int64_t>(id));
        *record->mutable_source_offset() = OneEntryMap("n", n);
        record->set_topic(topic);
        *record->mutable_value()->mutable_value() = StringValue(absl::StrCat("record ", id));
      }
      if (!stream->Write(out)) break;
    }
    return grpc::Status::OK;
  }

  grpc::Status SinkTask(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<pb::SinkPluginMessage, pb::SinkWorkerMessage>* stream) override {
    pb::SinkWorkerMessage in;
    if (!stream->Read(&in) || !in.has_start()) return grpc::Status::OK;
    pb::SinkPluginMessage out;
    if (!in.start().config().contains("topics")) {
      out.mutable_error()->set_message("no topics to consume");
      out.mutable_error()->set_trace("sluice.test.RuleBreakerSinkTask.start: no topics");
      stream->Write(out);
      return grpc::Status::OK;
    }
    out.mutable_started();
    stream->Write(out);
    while (stream->Read(&in)) {
      out.Clear();
      if (in.has_put()) {
        out.mutable_put_done();
      } else if (in.has_pre_commit()) {
        for (const pb::TopicPartitionOffset& tpo : in.pre_commit().offsets()) {
          pb::TopicPartitionOffset* beyond = out.mutable_pre_commit_done()->add_offsets();
          *beyond = tpo;
          beyond->set_offset(tpo.offset() + 100);
        }
        if (in.pre_commit().offsets().empty()) out.mutable_pre_commit_done();
      } else if (in.has_stop()) {
        out.mutable_stopped();
        stream->Write(out);
        return grpc::Status::OK;
      } else {
        continue;  // open, close: nothing to answer
      }
      if (!stream->Write(out)) break;
    }
    return grpc::Status::OK;
  }

  grpc::Status Shutdown(grpc::ServerContext*, const pb::ShutdownRequest*,
                        pb::ShutdownResponse*) override {
    RequestExit();
    return grpc::Status::OK;
  }

 private:
  absl::Mutex mu_;
  std::string connector_class_ ABSL_GUARDED_BY(mu_);
  google::protobuf::Map<std::string, std::string> config_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

int main() {
  const char* socket_dir = getenv("SLUICE_PLUGIN_SOCKET_DIR");
  if (socket_dir == nullptr || *socket_dir == '\0') {
    std::cerr << "rulebreaker: SLUICE_PLUGIN_SOCKET_DIR is not set\n";
    return 1;
  }
  const std::string path = absl::StrCat(socket_dir, "/plugin-", getpid(), ".sock");
  RuleBreakerService service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("unix:", path), grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    std::cerr << "rulebreaker: cannot serve on " << path << "\n";
    return 1;
  }
  std::cout << "SLUICE-PLUGIN|1|unix|" << path << "|grpc" << std::endl;

  // The worker going away closes stdin. Detached: the process _exits with it still reading.
  std::thread([] {
    char buffer[256];
    while (read(STDIN_FILENO, buffer, sizeof(buffer)) > 0) {
    }
    RequestExit();
  }).detach();
  {
    absl::MutexLock lock(&exit_mu);
    exit_mu.Await(absl::Condition(&exit_requested));
  }
  // Streams that never ended (the unanswered Stop) are cancelled.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  unlink(path.c_str());
  _exit(0);
}
