// The ConnectService that the worker serves: every call authenticated and authorized by
// AccessControl before it reaches ConnectServiceImpl, a tenant's listings cut to its own
// connectors, its changes held to its quotas, and every change written to the audit log.
//
// What each call needs:
//   - server info, health: an authenticated caller;
//   - connector plugins, validation, logger reads, listing connectors: a caller the policy
//     knows (an admin, or a member of a tenant, who sees only its tenant's connectors);
//   - everything about one connector: a caller who owns it; creating or changing a config also
//     keeps the tenant within its quotas;
//   - logger level changes, and the metrics (which name every connector): an admin; the
//     metrics also through the gateway's own metrics listener (metrics.listener), which the
//     operator opened to Prometheus without authentication;
//   - the internal endpoints (task configs, zombie fencing): nothing, they are signed (KIP-507).
//
// Thread-safe.
#ifndef SLUICE_SERVER_API_GUARDED_CONNECT_SERVICE_H_
#define SLUICE_SERVER_API_GUARDED_CONNECT_SERVICE_H_

#include <functional>
#include <optional>
#include <string>

#include "server/api/access_control.h"
#include "server/api/connect_service.h"
#include "server/herder/herder.h"

namespace sluice::api {

class GuardedConnectService final : public sluice::v1::ConnectService::Service {
 public:
  // REQUIRES: all three outlive this service.
  GuardedConnectService(ConnectServiceImpl* service, AccessControl* access,
                        herder::Herder* herder)
      : service_(service), access_(access), herder_(herder) {}

#define SLUICE_GUARDED_RPC(Method, Request, Response)                              \
  grpc::Status Method(grpc::ServerContext* context, const sluice::v1::Request* request, \
                      Response* response) override;
  SLUICE_GUARDED_RPC(GetServerInfo, GetServerInfoRequest, sluice::v1::ServerInfo)
  SLUICE_GUARDED_RPC(GetHealth, GetHealthRequest, sluice::v1::WorkerHealth)
  SLUICE_GUARDED_RPC(ListConnectors, ListConnectorsRequest, sluice::v1::ListConnectorsResponse)
  SLUICE_GUARDED_RPC(CreateConnector, CreateConnectorRequest, sluice::v1::ConnectorInfo)
  SLUICE_GUARDED_RPC(GetConnector, GetConnectorRequest, sluice::v1::ConnectorInfo)
  SLUICE_GUARDED_RPC(DeleteConnector, DeleteConnectorRequest, google::protobuf::Empty)
  SLUICE_GUARDED_RPC(GetConnectorConfig, GetConnectorConfigRequest, sluice::v1::ConnectorConfig)
  SLUICE_GUARDED_RPC(PutConnectorConfig, PutConnectorConfigRequest, sluice::v1::ConnectorInfo)
  SLUICE_GUARDED_RPC(PatchConnectorConfig, PatchConnectorConfigRequest,
                     sluice::v1::ConnectorInfo)
  SLUICE_GUARDED_RPC(GetConnectorStatus, GetConnectorStatusRequest,
                     sluice::v1::ConnectorStateInfo)
  SLUICE_GUARDED_RPC(ListTasks, ListTasksRequest, sluice::v1::ListTasksResponse)
  SLUICE_GUARDED_RPC(GetTasksConfig, GetTasksConfigRequest, sluice::v1::TasksConfig)
  SLUICE_GUARDED_RPC(GetTaskStatus, GetTaskStatusRequest, sluice::v1::TaskState)
  SLUICE_GUARDED_RPC(ListConnectorPlugins, ListConnectorPluginsRequest,
                     sluice::v1::ListConnectorPluginsResponse)
  SLUICE_GUARDED_RPC(GetConnectorPluginConfig, GetConnectorPluginConfigRequest,
                     sluice::v1::PluginConfigDefinitions)
  SLUICE_GUARDED_RPC(ValidateConnectorConfig, ValidateConnectorConfigRequest,
                     sluice::v1::ConfigInfos)
  SLUICE_GUARDED_RPC(PauseConnector, PauseConnectorRequest, google::protobuf::Empty)
  SLUICE_GUARDED_RPC(ResumeConnector, ResumeConnectorRequest, google::protobuf::Empty)
  SLUICE_GUARDED_RPC(StopConnector, StopConnectorRequest, google::protobuf::Empty)
  SLUICE_GUARDED_RPC(RestartConnector, RestartConnectorRequest,
                     sluice::v1::RestartConnectorResponse)
  SLUICE_GUARDED_RPC(RestartTask, RestartTaskRequest, google::protobuf::Empty)
  SLUICE_GUARDED_RPC(GetConnectorTopics, GetConnectorTopicsRequest, sluice::v1::ConnectorTopics)
  SLUICE_GUARDED_RPC(ResetConnectorTopics, ResetConnectorTopicsRequest, google::protobuf::Empty)
  SLUICE_GUARDED_RPC(AlterConnectorOffsets, AlterConnectorOffsetsRequest,
                     sluice::v1::OffsetsMessage)
  SLUICE_GUARDED_RPC(ResetConnectorOffsets, ResetConnectorOffsetsRequest,
                     sluice::v1::OffsetsMessage)
  SLUICE_GUARDED_RPC(GetConnectorOffsets, GetConnectorOffsetsRequest,
                     sluice::v1::ConnectorOffsets)
  SLUICE_GUARDED_RPC(PutTaskConfigs, PutTaskConfigsRequest, google::protobuf::Empty)
  SLUICE_GUARDED_RPC(FenceZombies, FenceZombiesRequest, google::protobuf::Empty)
  SLUICE_GUARDED_RPC(ListLoggers, ListLoggersRequest, sluice::v1::ListLoggersResponse)
  SLUICE_GUARDED_RPC(GetLogger, GetLoggerRequest, sluice::v1::LoggerLevel)
  SLUICE_GUARDED_RPC(SetLoggerLevel, SetLoggerLevelRequest, sluice::v1::SetLoggerLevelResponse)
  SLUICE_GUARDED_RPC(GetMetrics, GetMetricsRequest, sluice::v1::MetricsExposition)
  SLUICE_GUARDED_RPC(GetSandbox, GetSandboxRequest, sluice::v1::SandboxStatus)
  SLUICE_GUARDED_RPC(GetConnectorResources, GetConnectorResourcesRequest,
                     sluice::v1::ConnectorResources)
#undef SLUICE_GUARDED_RPC

 private:
  // What a call needs (see the file comment).
  enum class Need { kAuthenticated, kKnownCaller, kOwner, kAdmin };

  struct Rule {
    Need need = Need::kOwner;
    std::string connector;   // kOwner: the connector the call is about
    const char* change = nullptr;  // a change: its audit action name
    const char* admin_action = nullptr;  // kAdmin: what is refused to others, for the message
    // Create and config changes: the connector's config after the call, for the quotas.
    std::optional<ConfigMap> new_config;
  };

  // Authenticates and authorizes the call, then (when allowed) runs `call`, and audits a change
  // with its outcome.
  grpc::Status Guard(grpc::ServerContext* context, const Rule& rule,
                     const std::function<grpc::Status(const Caller&)>& call);

  ConnectServiceImpl* const service_;
  AccessControl* const access_;
  herder::Herder* const herder_;
};

// What the call presents: its metadata and its connection's verified client certificate.
CallCredentials CredentialsOf(const grpc::ServerContext& context);

}  // namespace sluice::api

#endif  // SLUICE_SERVER_API_GUARDED_CONNECT_SERVICE_H_
