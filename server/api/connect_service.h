// sluice.v1.ConnectService: the control-plane API served by sluiced over gRPC (and, through
// sluice-gateway, as Kafka Connect's REST API). Each method translates between the proto
// messages and the herder's domain types; the herder decides, this layer only maps.
//
// Thread-safe (gRPC calls it from its thread pool).
#ifndef SLUICE_SERVER_API_CONNECT_SERVICE_H_
#define SLUICE_SERVER_API_CONNECT_SERVICE_H_

#include <atomic>
#include <string>

#include "server/config/worker_config.h"
#include "server/herder/connector_validation.h"
#include "server/herder/herder.h"
#include "server/logging/logger_levels.h"
#include "server/metrics/worker_metrics.h"
#include "server/plugins/plugin_registry.h"
#include "sluice/v1/connect.grpc.pb.h"

namespace sluice::api {

struct TopicTracking {
  bool enabled = true;
  bool allow_reset = true;
};

struct ServerIdentity {
  std::string version;  // the Kafka Connect version whose API we serve, e.g. "3.9.0"
  std::string commit;
  std::string kafka_cluster_id;
};

class ConnectServiceImpl final : public sluice::v1::ConnectService::Service {
 public:
  // REQUIRES: herder, registry, worker and loggers outlive this service.
  ConnectServiceImpl(herder::Herder* herder, plugins::PluginRegistry* registry,
                     const config::WorkerConfig* worker, logging::LoggerLevels* loggers,
                     ServerIdentity identity)
      : herder_(herder),
        registry_(registry),
        worker_(worker),
        loggers_(loggers),
        identity_(std::move(identity)) {}

  // Start-up has finished (connectors started): /health answers "healthy" from now on.
  void MarkReady() { ready_ = true; }
  void SetTopicTracking(TopicTracking tracking) { tracking_ = tracking; }
  // The registry GetMetrics renders (set before serving; outlives the service). Without one,
  // GetMetrics answers Unavailable.
  void SetMetrics(const metrics::WorkerMetrics* metrics) { metrics_ = metrics; }

  grpc::Status GetServerInfo(grpc::ServerContext*, const sluice::v1::GetServerInfoRequest*,
                             sluice::v1::ServerInfo*) override;
  grpc::Status GetHealth(grpc::ServerContext*, const sluice::v1::GetHealthRequest*,
                         sluice::v1::WorkerHealth*) override;
  grpc::Status ListConnectors(grpc::ServerContext*, const sluice::v1::ListConnectorsRequest*,
                              sluice::v1::ListConnectorsResponse*) override;
  grpc::Status CreateConnector(grpc::ServerContext*, const sluice::v1::CreateConnectorRequest*,
                               sluice::v1::ConnectorInfo*) override;
  grpc::Status GetConnector(grpc::ServerContext*, const sluice::v1::GetConnectorRequest*,
                            sluice::v1::ConnectorInfo*) override;
  grpc::Status DeleteConnector(grpc::ServerContext*, const sluice::v1::DeleteConnectorRequest*,
                               google::protobuf::Empty*) override;
  grpc::Status GetConnectorConfig(grpc::ServerContext*,
                                  const sluice::v1::GetConnectorConfigRequest*,
                                  sluice::v1::ConnectorConfig*) override;
  grpc::Status PutConnectorConfig(grpc::ServerContext*,
                                  const sluice::v1::PutConnectorConfigRequest*,
                                  sluice::v1::ConnectorInfo*) override;
  grpc::Status PatchConnectorConfig(grpc::ServerContext*,
                                    const sluice::v1::PatchConnectorConfigRequest*,
                                    sluice::v1::ConnectorInfo*) override;
  grpc::Status GetConnectorStatus(grpc::ServerContext*,
                                  const sluice::v1::GetConnectorStatusRequest*,
                                  sluice::v1::ConnectorStateInfo*) override;
  grpc::Status ListTasks(grpc::ServerContext*, const sluice::v1::ListTasksRequest*,
                         sluice::v1::ListTasksResponse*) override;
  grpc::Status GetTasksConfig(grpc::ServerContext*, const sluice::v1::GetTasksConfigRequest*,
                              sluice::v1::TasksConfig*) override;
  grpc::Status GetTaskStatus(grpc::ServerContext*, const sluice::v1::GetTaskStatusRequest*,
                             sluice::v1::TaskState*) override;
  grpc::Status ListConnectorPlugins(grpc::ServerContext*,
                                    const sluice::v1::ListConnectorPluginsRequest*,
                                    sluice::v1::ListConnectorPluginsResponse*) override;
  grpc::Status GetConnectorPluginConfig(grpc::ServerContext*,
                                        const sluice::v1::GetConnectorPluginConfigRequest*,
                                        sluice::v1::PluginConfigDefinitions*) override;
  grpc::Status ValidateConnectorConfig(grpc::ServerContext*,
                                       const sluice::v1::ValidateConnectorConfigRequest*,
                                       sluice::v1::ConfigInfos*) override;

  // Connector lifecycle.
  grpc::Status PauseConnector(grpc::ServerContext*, const sluice::v1::PauseConnectorRequest*,
                              google::protobuf::Empty*) override;
  grpc::Status ResumeConnector(grpc::ServerContext*, const sluice::v1::ResumeConnectorRequest*,
                               google::protobuf::Empty*) override;
  grpc::Status StopConnector(grpc::ServerContext*, const sluice::v1::StopConnectorRequest*,
                             google::protobuf::Empty*) override;
  grpc::Status RestartConnector(grpc::ServerContext*, const sluice::v1::RestartConnectorRequest*,
                                sluice::v1::RestartConnectorResponse*) override;
  grpc::Status RestartTask(grpc::ServerContext*, const sluice::v1::RestartTaskRequest*,
                           google::protobuf::Empty*) override;
  grpc::Status GetConnectorTopics(grpc::ServerContext*,
                                  const sluice::v1::GetConnectorTopicsRequest*,
                                  sluice::v1::ConnectorTopics*) override;
  grpc::Status ResetConnectorTopics(grpc::ServerContext*,
                                    const sluice::v1::ResetConnectorTopicsRequest*,
                                    google::protobuf::Empty*) override;
  grpc::Status AlterConnectorOffsets(grpc::ServerContext*,
                                     const sluice::v1::AlterConnectorOffsetsRequest*,
                                     sluice::v1::OffsetsMessage*) override;
  grpc::Status ResetConnectorOffsets(grpc::ServerContext*,
                                     const sluice::v1::ResetConnectorOffsetsRequest*,
                                     sluice::v1::OffsetsMessage*) override;
  grpc::Status GetConnectorOffsets(grpc::ServerContext*,
                                   const sluice::v1::GetConnectorOffsetsRequest*,
                                   sluice::v1::ConnectorOffsets*) override;

  // Internal endpoints (worker to worker), in connect_service_internal.cc.
  grpc::Status PutTaskConfigs(grpc::ServerContext*, const sluice::v1::PutTaskConfigsRequest*,
                              google::protobuf::Empty*) override;
  grpc::Status FenceZombies(grpc::ServerContext*, const sluice::v1::FenceZombiesRequest*,
                            google::protobuf::Empty*) override;

  // Loggers (/admin/loggers), in connect_service_loggers.cc.
  grpc::Status ListLoggers(grpc::ServerContext*, const sluice::v1::ListLoggersRequest*,
                           sluice::v1::ListLoggersResponse*) override;
  grpc::Status GetLogger(grpc::ServerContext*, const sluice::v1::GetLoggerRequest*,
                         sluice::v1::LoggerLevel*) override;
  grpc::Status SetLoggerLevel(grpc::ServerContext*, const sluice::v1::SetLoggerLevelRequest*,
                              sluice::v1::SetLoggerLevelResponse*) override;

  // GET /metrics (Prometheus), in connect_service_metrics.cc.
  grpc::Status GetSandbox(grpc::ServerContext*, const sluice::v1::GetSandboxRequest*,
                          sluice::v1::SandboxStatus*) override;
  grpc::Status GetConnectorResources(grpc::ServerContext*,
                                     const sluice::v1::GetConnectorResourcesRequest*,
                                     sluice::v1::ConnectorResources*) override;
  grpc::Status GetMetrics(grpc::ServerContext*, const sluice::v1::GetMetricsRequest*,
                          sluice::v1::MetricsExposition*) override;

 private:
  // `config` as GET shows it: with sluice.config.hide.passwords, the PASSWORD-typed values
  // (the connector's own keys, and client overrides) written literally become "[hidden]".
  ConfigMap Shown(ConfigMap config) const;

  herder::Herder* const herder_;
  plugins::PluginRegistry* const registry_;
  const config::WorkerConfig* const worker_;
  logging::LoggerLevels* const loggers_;
  const ServerIdentity identity_;
  std::atomic<bool> ready_{false};
  TopicTracking tracking_;  // set before serving
  const metrics::WorkerMetrics* metrics_ = nullptr;  // set before serving
};

}  // namespace sluice::api

#endif  // SLUICE_SERVER_API_CONNECT_SERVICE_H_
