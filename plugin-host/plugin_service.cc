#include "plugin-host/plugin_service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "plugin-host/grpc_status.h"
#include "plugin-host/plugin_call.h"
#include "plugin-host/sink_task_session.h"
#include "plugin-host/source_task_session.h"
#include "sdk/cpp/wire/codec.h"
#include "sluice/sdk/log.h"

namespace sluice::plugin_host {
namespace {

constexpr size_t kMaxQueuedLogs = 10000;
constexpr size_t kMaxQueuedEvents = 100;
// How often a server-streaming handler checks for cancellation and shutdown.
constexpr absl::Duration kStreamPollInterval = absl::Milliseconds(200);

grpc::Status Error(grpc::StatusCode code, std::string message) {
  return grpc::Status(code, std::move(message));
}

pb::LogRecord::Level ToProto(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return pb::LogRecord::LEVEL_TRACE;
    case LogLevel::kDebug:
      return pb::LogRecord::LEVEL_DEBUG;
    case LogLevel::kInfo:
      return pb::LogRecord::LEVEL_INFO;
    case LogLevel::kWarn:
      return pb::LogRecord::LEVEL_WARN;
    case LogLevel::kError:
      return pb::LogRecord::LEVEL_ERROR;
  }
  return pb::LogRecord::LEVEL_INFO;
}

spdlog::level::level_enum ToSpdlog(pb::LogRecord::Level level) {
  switch (level) {
    case pb::LogRecord::LEVEL_TRACE:
      return spdlog::level::trace;
    case pb::LogRecord::LEVEL_DEBUG:
      return spdlog::level::debug;
    case pb::LogRecord::LEVEL_WARN:
      return spdlog::level::warn;
    case pb::LogRecord::LEVEL_ERROR:
      return spdlog::level::err;
    default:
      return spdlog::level::info;
  }
}

ConfigMap ToConfigMap(const google::protobuf::Map<std::string, std::string>& config) {
  return ConfigMap(config.begin(), config.end());
}

std::string ConnectorDescription(const ConnectorRegistration& r) {
  return r.info.class_name;
}

}  // namespace

class PluginService::ContextImpl final : public ConnectorContext {
 public:
  explicit ContextImpl(PluginService* service) : service_(service) {}
  void RequestTaskReconfiguration() override {
    pb::ConnectorEvent event;
    event.mutable_reconfigure();
    service_->PublishEvent(event);
  }
  void RaiseError(const absl::Status& error) override {
    pb::ConnectorEvent event;
    event.mutable_failure()->set_message(std::string(error.message()));
    event.mutable_failure()->set_trace(TraceOf(error));
    service_->PublishEvent(event);
  }

 private:
  PluginService* const service_;
};

PluginService::PluginService(const LoadedPlugin& plugin, PluginManifest manifest,
                             std::function<void()> on_shutdown)
    : plugin_(plugin),
      manifest_(std::move(manifest)),
      on_shutdown_(std::move(on_shutdown)),
      logs_(kMaxQueuedLogs,
            [](const pb::LogRecord& record) {
              spdlog::log(ToSpdlog(record.level()), "[plugin {} task {}] {}", record.logger(),
                          record.task(), record.message());
            }),
      events_(kMaxQueuedEvents, [this](const pb::ConnectorEvent& event) {
        absl::MutexLock lock(&mu_);
        event_backlog_.push_back(event);
        if (event_backlog_.size() > kMaxQueuedEvents) event_backlog_.pop_front();
      }) {}

PluginService::~PluginService() { SetLogSink(nullptr); }

void PluginService::InstallLogSink() {
  SetLogSink([this](LogLevel level, std::string_view logger, std::string_view message) {
    pb::LogRecord record;
    record.set_level(ToProto(level));
    record.set_logger(std::string(logger));
    record.set_message(std::string(message));
    record.set_task(CurrentTask());
    record.set_timestamp_ms(absl::ToUnixMillis(absl::Now()));
    logs_.Publish(record);
  });
}

void PluginService::PublishEvent(const pb::ConnectorEvent& event) { events_.Publish(event); }

void PluginService::BeginShutdown() {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    for (grpc::ServerContext* context : streams_) context->TryCancel();
  }
  logs_.Close();
  events_.Close();
}

absl::Status PluginService::StopConnectorIfRunning() {
  absl::MutexLock lock(&connector_mu_);
  if (connector_ == nullptr) return absl::OkStatus();
  Connector* connector = connector_.get();
  absl::Status stopped =
      CallPlugin("Connector::Stop", kConnectorTask, [&] { return connector->Stop(); });
  connector_.reset();
  connector_class_ = nullptr;
  return stopped;
}

bool PluginService::AddStream(grpc::ServerContext* context) {
  absl::MutexLock lock(&mu_);
  if (shutting_down_) return false;
  streams_.insert(context);
  return true;
}

void PluginService::RemoveStream(grpc::ServerContext* context) {
  absl::MutexLock lock(&mu_);
  streams_.erase(context);
}

const ConnectorRegistration* PluginService::FindConnectorOrNull(const std::string& name) const {
  return plugin_.FindConnector(name);
}

grpc::Status PluginService::Handshake(grpc::ServerContext*, const pb::HandshakeRequest* request,
                                      pb::HandshakeResponse* response) {
  if (request->protocol_version() != kProtocolVersion) {
    return Error(grpc::StatusCode::FAILED_PRECONDITION,
                 absl::StrCat("plugin protocol version ", request->protocol_version(),
                              " is not supported (this host speaks ", kProtocolVersion, ")"));
  }
  response->set_protocol_version(kProtocolVersion);
  response->set_sdk(kSdkName);
  response->add_capabilities(kCapabilityAlterOffsets);
  return grpc::Status::OK;
}

grpc::Status PluginService::Describe(grpc::ServerContext*, const pb::DescribeRequest*,
                                     pb::DescribeResponse* response) {
  const PluginRegistrar& registrar = plugin_.registrar();
  response->set_plugin_name(registrar.name().empty() ? manifest_.name : registrar.name());
  response->set_plugin_version(registrar.version().empty() ? manifest_.version
                                                           : registrar.version());
  for (const ConnectorRegistration& r : registrar.connectors()) {
    absl::StatusOr<std::unique_ptr<Connector>> created =
        r.kind == ConnectorKind::kSource
            ? CallPlugin("new SourceConnector", kConnectorTask,
                         [&]() -> std::unique_ptr<Connector> { return r.new_source_connector(); })
            : CallPlugin("new SinkConnector", kConnectorTask,
                         [&]() -> std::unique_ptr<Connector> { return r.new_sink_connector(); });
    if (created.ok() && *created == nullptr) {
      created = absl::InternalError("the connector factory returned null");
    }
    if (!created.ok()) {
      return ToGrpcStatus(absl::Status(
          created.status().code(), absl::StrCat("Describing ", ConnectorDescription(r), ": ",
                                                created.status().message())));
    }
    Connector* connector = created->get();
    absl::StatusOr<std::string> version =
        CallPlugin("Connector::Version", kConnectorTask, [&] { return connector->Version(); });
    absl::StatusOr<ConfigDef> config =
        CallPlugin("Connector::Config", kConnectorTask, [&] { return connector->Config(); });
    if (!version.ok() || !config.ok()) {
      absl::Status failed = !version.ok() ? version.status() : config.status();
      return ToGrpcStatus(absl::Status(
          failed.code(),
          absl::StrCat("Describing ", ConnectorDescription(r), ": ", failed.message())));
    }
    pb::ConnectorClass* out = response->add_connectors();
    out->set_class_name(r.info.class_name);
    for (const std::string& alias : r.info.aliases) out->add_aliases(alias);
    out->set_type(r.kind == ConnectorKind::kSource ? pb::CONNECTOR_TYPE_SOURCE
                                                   : pb::CONNECTOR_TYPE_SINK);
    out->set_version(*version);
    for (const ConfigKey& key : config->keys()) wire::ConfigKeyToProto(key, out->add_config());
  }
  return grpc::Status::OK;
}

grpc::Status PluginService::Validate(grpc::ServerContext*, const pb::ValidateRequest* request,
                                     pb::ValidateResponse* response) {
  const ConnectorRegistration* r = FindConnectorOrNull(request->connector_class());
  if (r == nullptr) {
    return Error(grpc::StatusCode::NOT_FOUND,
                 absl::StrCat("Connector class ", request->connector_class(),
                              " is not provided by plugin ", manifest_.name));
  }
  absl::StatusOr<std::unique_ptr<Connector>> created =
      r->kind == ConnectorKind::kSource
          ? CallPlugin("new SourceConnector", kConnectorTask,
                       [&]() -> std::unique_ptr<Connector> { return r->new_source_connector(); })
          : CallPlugin("new SinkConnector", kConnectorTask,
                       [&]() -> std::unique_ptr<Connector> { return r->new_sink_connector(); });
  if (created.ok() && *created == nullptr) {
    created = absl::InternalError("the connector factory returned null");
  }
  if (!created.ok()) return ToGrpcStatus(created.status());
  Connector* connector = created->get();
  ConfigMap config = ToConfigMap(request->config());
  absl::StatusOr<ConfigDef> def =
      CallPlugin("Connector::Config", kConnectorTask, [&] { return connector->Config(); });
  if (!def.ok()) return ToGrpcStatus(def.status());
  std::vector<ConfigValueResult> results = def->Validate(config);
  absl::Status checked = CallPlugin("Connector::Validate", kConnectorTask,
                                    [&] { connector->Validate(config, results); });
  if (!checked.ok()) return ToGrpcStatus(checked);
  for (const ConfigValueResult& result : results) {
    wire::ConfigValueResultToProto(result, response->add_values());
  }
  return grpc::Status::OK;
}

grpc::Status PluginService::StartConnector(grpc::ServerContext*,
                                           const pb::StartConnectorRequest* request,
                                           pb::StartConnectorResponse*) {
  const ConnectorRegistration* r = FindConnectorOrNull(request->connector_class());
  if (r == nullptr) {
    return Error(grpc::StatusCode::NOT_FOUND,
                 absl::StrCat("Connector class ", request->connector_class(),
                              " is not provided by plugin ", manifest_.name));
  }
  absl::MutexLock lock(&connector_mu_);
  if (connector_ != nullptr) {
    return Error(grpc::StatusCode::FAILED_PRECONDITION,
                 absl::StrCat("Connector ", connector_name_,
                              " is already running in this plugin host (one per host)"));
  }
  absl::StatusOr<std::unique_ptr<Connector>> created =
      r->kind == ConnectorKind::kSource
          ? CallPlugin("new SourceConnector", kConnectorTask,
                       [&]() -> std::unique_ptr<Connector> { return r->new_source_connector(); })
          : CallPlugin("new SinkConnector", kConnectorTask,
                       [&]() -> std::unique_ptr<Connector> { return r->new_sink_connector(); });
  if (created.ok() && *created == nullptr) {
    created = absl::InternalError("the connector factory returned null");
  }
  if (!created.ok()) return ToGrpcStatus(created.status());
  if (connector_context_ == nullptr) connector_context_ = std::make_unique<ContextImpl>(this);
  ContextImpl& context = *connector_context_;
  Connector* connector = created->get();
  ConfigMap config = ToConfigMap(request->config());
  absl::Status started = CallPlugin("Connector::Start", kConnectorTask,
                                    [&] { return connector->Start(context, config); });
  if (!started.ok()) {
    return ToGrpcStatus(absl::Status(
        started.code(),
        absl::StrCat("Starting connector ", request->connector_name(), ": ", started.message())));
  }
  connector_ = *std::move(created);
  connector_class_ = r;
  connector_name_ = request->connector_name();
  return grpc::Status::OK;
}

grpc::Status PluginService::TaskConfigs(grpc::ServerContext*,
                                        const pb::TaskConfigsRequest* request,
                                        pb::TaskConfigsResponse* response) {
  if (request->max_tasks() < 1) {
    return Error(grpc::StatusCode::INVALID_ARGUMENT,
                 absl::StrCat("max_tasks must be at least 1, got ", request->max_tasks()));
  }
  absl::MutexLock lock(&connector_mu_);
  if (connector_ == nullptr) {
    return Error(grpc::StatusCode::FAILED_PRECONDITION,
                 "TaskConfigs called while no connector is running (call StartConnector first)");
  }
  Connector* connector = connector_.get();
  int max_tasks = request->max_tasks();
  absl::StatusOr<std::vector<ConfigMap>> configs = CallPlugin(
      "Connector::TaskConfigs", kConnectorTask, [&] { return connector->TaskConfigs(max_tasks); });
  if (!configs.ok()) return ToGrpcStatus(configs.status());
  // More configs than max_tasks go to the worker too: it fails the connector or runs them all, as
  // tasks.max.enforce says.
  for (const ConfigMap& config : *configs) {
    response->add_tasks()->mutable_config()->insert(config.begin(), config.end());
  }
  response->set_task_class(connector_class_->info.task_class_name);
  return grpc::Status::OK;
}

grpc::Status PluginService::StopConnector(grpc::ServerContext*, const pb::StopConnectorRequest*,
                                          pb::StopConnectorResponse*) {
  {
    absl::MutexLock lock(&connector_mu_);
    if (connector_ == nullptr) {
      return Error(grpc::StatusCode::FAILED_PRECONDITION,
                   "StopConnector called while no connector is running");
    }
  }
  return ToGrpcStatus(StopConnectorIfRunning());
}

grpc::Status PluginService::AlterOffsets(grpc::ServerContext*,
                                         const pb::AlterOffsetsRequest* request,
                                         pb::AlterOffsetsResponse* response) {
  const ConnectorRegistration* r = FindConnectorOrNull(request->connector_class());
  if (r == nullptr) {
    return Error(grpc::StatusCode::NOT_FOUND,
                 absl::StrCat("Connector class ", request->connector_class(),
                              " is not provided by plugin ", manifest_.name));
  }
  const bool source = r->kind == ConnectorKind::kSource;
  if (source ? request->sink_offsets_size() > 0 : request->source_offsets_size() > 0) {
    return Error(grpc::StatusCode::INVALID_ARGUMENT,
                 absl::StrCat(r->info.class_name, " is a ", source ? "source" : "sink",
                              " connector; AlterOffsets got ", source ? "sink" : "source",
                              " offsets"));
  }
  ConfigMap config = ToConfigMap(request->config());
  absl::StatusOr<bool> altered;
  if (source) {
    SourceOffsetChanges changes;
    changes.reserve(request->source_offsets_size());
    for (const pb::PartitionOffset& entry : request->source_offsets()) {
      absl::StatusOr<Value> partition = wire::ValueFromProto(entry.partition(), nullptr);
      if (!partition.ok()) return ToGrpcStatus(partition.status());
      SourceOffsetChange change{*std::move(partition), std::nullopt};
      if (entry.has_offset()) {
        absl::StatusOr<Value> offset = wire::ValueFromProto(entry.offset(), nullptr);
        if (!offset.ok()) return ToGrpcStatus(offset.status());
        change.offset = *std::move(offset);
      }
      changes.push_back(std::move(change));
    }
    absl::StatusOr<std::unique_ptr<SourceConnector>> created = CallPlugin(
        "new SourceConnector", kConnectorTask, [&] { return r->new_source_connector(); });
    if (created.ok() && *created == nullptr) {
      created = absl::InternalError("the connector factory returned null");
    }
    if (!created.ok()) return ToGrpcStatus(created.status());
    SourceConnector* connector = created->get();
    altered = CallPlugin("SourceConnector::AlterOffsets", kConnectorTask,
                         [&] { return connector->AlterOffsets(config, changes); });
  } else {
    SinkOffsetChanges changes;
    for (const pb::SinkPartitionOffset& entry : request->sink_offsets()) {
      changes[TopicPartition{entry.topic(), entry.partition()}] =
          entry.has_offset() ? std::optional<int64_t>(entry.offset()) : std::nullopt;
    }
    absl::StatusOr<std::unique_ptr<SinkConnector>> created = CallPlugin(
        "new SinkConnector", kConnectorTask, [&] { return r->new_sink_connector(); });
    if (created.ok() && *created == nullptr) {
      created = absl::InternalError("the connector factory returned null");
    }
    if (!created.ok()) return ToGrpcStatus(created.status());
    SinkConnector* connector = created->get();
    altered = CallPlugin("SinkConnector::AlterOffsets", kConnectorTask,
                         [&] { return connector->AlterOffsets(config, changes); });
  }
  if (!altered.ok()) return ToGrpcStatus(altered.status());
  response->set_altered(*altered);
  return grpc::Status::OK;
}

grpc::Status PluginService::ConnectorEvents(grpc::ServerContext* context,
                                            const pb::ConnectorEventsRequest*,
                                            grpc::ServerWriter<pb::ConnectorEvent>* writer) {
  std::deque<pb::ConnectorEvent> backlog;
  {
    absl::MutexLock lock(&mu_);
    backlog.swap(event_backlog_);
  }
  auto subscription = events_.Subscribe(std::move(backlog));
  while (!context->IsCancelled()) {
    std::optional<pb::ConnectorEvent> event = subscription->Next(kStreamPollInterval);
    if (event.has_value()) {
      if (!writer->Write(*event)) break;
      continue;
    }
    absl::MutexLock lock(&mu_);
    if (shutting_down_) break;
  }
  return grpc::Status::OK;
}

grpc::Status PluginService::Logs(grpc::ServerContext* context, const pb::LogsRequest*,
                                 grpc::ServerWriter<pb::LogRecord>* writer) {
  auto subscription = logs_.Subscribe();
  while (!context->IsCancelled()) {
    std::optional<pb::LogRecord> record = subscription->Next(kStreamPollInterval);
    if (record.has_value()) {
      if (!writer->Write(*record)) break;
      continue;
    }
    absl::MutexLock lock(&mu_);
    if (shutting_down_) break;
  }
  return grpc::Status::OK;
}

absl::StatusOr<const ConnectorRegistration*> PluginService::ResolveTaskClass(
    const pb::TaskStart& start, ConnectorKind kind) const {
  const ConnectorRegistration* found = nullptr;
  if (auto it = start.config().find("task.class"); it != start.config().end()) {
    found = plugin_.FindByTaskClass(it->second);
    if (found == nullptr) {
      return absl::NotFoundError(absl::StrCat("Task class ", it->second,
                                              " is not provided by plugin ", manifest_.name));
    }
  } else if (auto it = start.config().find("connector.class"); it != start.config().end()) {
    found = plugin_.FindConnector(it->second);
    if (found == nullptr) {
      return absl::NotFoundError(absl::StrCat("Connector class ", it->second,
                                              " is not provided by plugin ", manifest_.name));
    }
  } else {
    for (const ConnectorRegistration& r : plugin_.registrar().connectors()) {
      if (r.kind != kind) continue;
      if (found != nullptr) {
        return absl::InvalidArgumentError(
            "The task config names neither task.class nor connector.class, and the plugin "
            "provides several connector classes");
      }
      found = &r;
    }
    if (found == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("Plugin ", manifest_.name, " provides no ",
                       kind == ConnectorKind::kSource ? "source" : "sink", " connector"));
    }
  }
  if (found->kind != kind) {
    return absl::FailedPreconditionError(
        absl::StrCat(found->info.class_name, " is a ",
                     found->kind == ConnectorKind::kSource ? "source" : "sink",
                     " connector; its tasks need the ",
                     found->kind == ConnectorKind::kSource ? "SourceTask" : "SinkTask",
                     " stream"));
  }
  return found;
}

template <typename Session, typename WorkerMessage, typename Stream>
grpc::Status PluginService::RunTaskStream(grpc::ServerContext* context, Stream* stream,
                                          ConnectorKind kind) {
  if (!AddStream(context)) {
    return Error(grpc::StatusCode::UNAVAILABLE, "the plugin host is shutting down");
  }
  grpc::Status result;
  WorkerMessage first;
  if (!stream->Read(&first)) {
    result = grpc::Status::OK;
  } else if (!first.has_start()) {
    result = Error(grpc::StatusCode::FAILED_PRECONDITION,
                   "the first message on a task stream must be Start");
  } else if (absl::StatusOr<const ConnectorRegistration*> r =
                 ResolveTaskClass(first.start(), kind);
             !r.ok()) {
    result = ToGrpcStatus(r.status());
  } else {
    Session session(**r, first.start(), context, stream);
    result = session.Run();
  }
  RemoveStream(context);
  return result;
}

grpc::Status PluginService::SourceTask(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<pb::SourcePluginMessage, pb::SourceWorkerMessage>* stream) {
  return RunTaskStream<SourceTaskSession, pb::SourceWorkerMessage>(context, stream,
                                                                   ConnectorKind::kSource);
}

grpc::Status PluginService::SinkTask(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<pb::SinkPluginMessage, pb::SinkWorkerMessage>* stream) {
  return RunTaskStream<SinkTaskSession, pb::SinkWorkerMessage>(context, stream,
                                                               ConnectorKind::kSink);
}

grpc::Status PluginService::Shutdown(grpc::ServerContext*, const pb::ShutdownRequest*,
                                     pb::ShutdownResponse*) {
  bool first;
  {
    absl::MutexLock lock(&mu_);
    first = !shutdown_requested_;
    shutdown_requested_ = true;
  }
  if (first && on_shutdown_) on_shutdown_();
  return grpc::Status::OK;
}

}  // namespace sluice::plugin_host
