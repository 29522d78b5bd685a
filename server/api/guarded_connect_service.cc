#include "server/api/guarded_connect_service.h"

#include <grpcpp/security/auth_context.h>

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/status_mapping.h"

namespace sluice::api {

namespace v1 = ::sluice::v1;

namespace {

constexpr char kHttpStatusHeader[] = "sluice-http-status";

std::optional<std::string> Metadata(const grpc::ServerContext& context, const char* key) {
  auto it = context.client_metadata().find(key);
  if (it == context.client_metadata().end()) return std::nullopt;
  return std::string(it->second.data(), it->second.size());
}

absl::Status FromGrpc(const grpc::Status& status) {
  return status.ok() ? absl::OkStatus()
                     : absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                                    status.error_message());
}

}  // namespace

CallCredentials CredentialsOf(const grpc::ServerContext& context) {
  CallCredentials credentials{
      .authorization = Metadata(context, "authorization"),
      .gateway_token = Metadata(context, kGatewayTokenMetadata),
      .gateway_principal = Metadata(context, kGatewayPrincipalMetadata),
      .metrics_listener = Metadata(context, kGatewayMetricsListenerMetadata).has_value(),
  };
  // A client certificate counts only when the TLS handshake verified it.
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    std::vector<grpc::string_ref> subject = auth->FindPropertyValues("x509_subject");
    if (!subject.empty()) {
      credentials.certificate_subject = std::string(subject[0].data(), subject[0].size());
    }
  }
  return credentials;
}

grpc::Status GuardedConnectService::Guard(
    grpc::ServerContext* context, const Rule& rule,
    const std::function<grpc::Status(const Caller&)>& call) {
  absl::StatusOr<std::string> principal = access_->Authenticate(CredentialsOf(*context));
  if (!principal.ok()) {
    if (rule.change != nullptr) access_->Audit("", nullptr, rule.change, rule.connector,
                                               principal.status());
    context->AddInitialMetadata(kHttpStatusHeader, "401");
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, std::string(kUnauthenticatedMessage));
  }
  Caller caller{.principal = *principal, .admin = true};
  absl::Status allowed = absl::OkStatus();
  if (rule.need != Need::kAuthenticated) {
    absl::StatusOr<Caller> identified = access_->Identify(*principal);
    if (identified.ok()) {
      caller = *identified;
    } else {
      allowed = identified.status();
    }
  }
  if (allowed.ok() && rule.need == Need::kOwner) {
    allowed = access_->CheckConnector(caller, rule.connector);
  }
  if (allowed.ok() && rule.need == Need::kAdmin) {
    allowed = access_->CheckAdmin(caller, rule.admin_action);
  }
  if (allowed.ok() && rule.new_config.has_value() && !caller.admin) {
    std::map<std::string, ConfigMap> configs;
    for (const std::string& name : herder_->ConnectorNames()) {
      if (access_->TenantOf(name) != caller.tenant) continue;
      absl::StatusOr<ConfigMap> config = herder_->GetConnectorConfig(name);
      if (config.ok()) configs.emplace(name, *std::move(config));
    }
    allowed = access_->CheckQuota(caller, rule.connector, *rule.new_config, configs);
  }
  if (!allowed.ok()) {
    if (rule.change != nullptr) {
      access_->Audit(caller.principal, &caller, rule.change, rule.connector, allowed);
    }
    return ToGrpcStatus(allowed, context);
  }
  grpc::Status result = call(caller);
  if (rule.change != nullptr) {
    access_->Audit(caller.principal, &caller, rule.change, rule.connector, FromGrpc(result));
  }
  return result;
}

// Each call: its rule, then the plain service's method.
#define SLUICE_DELEGATE(Method) \
  [&](const Caller&) { return service_->Method(context, request, response); }

grpc::Status GuardedConnectService::GetServerInfo(grpc::ServerContext* context,
                                                  const v1::GetServerInfoRequest* request,
                                                  v1::ServerInfo* response) {
  return Guard(context, {.need = Need::kAuthenticated}, SLUICE_DELEGATE(GetServerInfo));
}

grpc::Status GuardedConnectService::GetHealth(grpc::ServerContext* context,
                                              const v1::GetHealthRequest* request,
                                              v1::WorkerHealth* response) {
  return Guard(context, {.need = Need::kAuthenticated}, SLUICE_DELEGATE(GetHealth));
}

grpc::Status GuardedConnectService::ListConnectors(grpc::ServerContext* context,
                                                   const v1::ListConnectorsRequest* request,
                                                   v1::ListConnectorsResponse* response) {
  return Guard(context, {.need = Need::kKnownCaller}, [&](const Caller& caller) {
    grpc::Status status = service_->ListConnectors(context, request, response);
    if (!status.ok() || caller.admin) return status;
    // A tenant's list holds its own connectors only.
    v1::ListConnectorsResponse all;
    all.Swap(response);
    response->set_expand_requested(all.expand_requested());
    for (const std::string& name : all.names()) {
      if (access_->Owns(caller, name)) response->add_names(name);
    }
    for (auto& [name, expansion] : *all.mutable_expanded()) {
      if (access_->Owns(caller, name)) (*response->mutable_expanded())[name] = expansion;
    }
    return status;
  });
}

grpc::Status GuardedConnectService::CreateConnector(grpc::ServerContext* context,
                                                    const v1::CreateConnectorRequest* request,
                                                    v1::ConnectorInfo* response) {
  return Guard(context,
               {.connector = request->name(),
                .change = "CreateConnector",
                .new_config = ConfigMap(request->config().begin(), request->config().end())},
               SLUICE_DELEGATE(CreateConnector));
}

grpc::Status GuardedConnectService::GetConnector(grpc::ServerContext* context,
                                                 const v1::GetConnectorRequest* request,
                                                 v1::ConnectorInfo* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(GetConnector));
}

grpc::Status GuardedConnectService::DeleteConnector(grpc::ServerContext* context,
                                                    const v1::DeleteConnectorRequest* request,
                                                    google::protobuf::Empty* response) {
  return Guard(context, {.connector = request->name(), .change = "DeleteConnector"},
               SLUICE_DELEGATE(DeleteConnector));
}

grpc::Status GuardedConnectService::GetConnectorConfig(
    grpc::ServerContext* context, const v1::GetConnectorConfigRequest* request,
    v1::ConnectorConfig* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(GetConnectorConfig));
}

grpc::Status GuardedConnectService::PutConnectorConfig(
    grpc::ServerContext* context, const v1::PutConnectorConfigRequest* request,
    v1::ConnectorInfo* response) {
  return Guard(context,
               {.connector = request->name(),
                .change = "PutConnectorConfig",
                .new_config = ConfigMap(request->config().begin(), request->config().end())},
               SLUICE_DELEGATE(PutConnectorConfig));
}

grpc::Status GuardedConnectService::PatchConnectorConfig(
    grpc::ServerContext* context, const v1::PatchConnectorConfigRequest* request,
    v1::ConnectorInfo* response) {
  // The config after the patch, for the quotas (an unknown connector: the herder answers).
  ConfigMap patched = herder_->GetConnectorConfig(request->name()).value_or(ConfigMap());
  for (const auto& [key, value] : request->patch()) {
    if (value.has_value()) {
      patched[key] = value.value();
    } else {
      patched.erase(key);
    }
  }
  return Guard(context,
               {.connector = request->name(),
                .change = "PatchConnectorConfig",
                .new_config = std::move(patched)},
               SLUICE_DELEGATE(PatchConnectorConfig));
}

grpc::Status GuardedConnectService::GetConnectorStatus(
    grpc::ServerContext* context, const v1::GetConnectorStatusRequest* request,
    v1::ConnectorStateInfo* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(GetConnectorStatus));
}

grpc::Status GuardedConnectService::ListTasks(grpc::ServerContext* context,
                                              const v1::ListTasksRequest* request,
                                              v1::ListTasksResponse* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(ListTasks));
}

grpc::Status GuardedConnectService::GetTasksConfig(grpc::ServerContext* context,
                                                   const v1::GetTasksConfigRequest* request,
                                                   v1::TasksConfig* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(GetTasksConfig));
}

grpc::Status GuardedConnectService::GetTaskStatus(grpc::ServerContext* context,
                                                  const v1::GetTaskStatusRequest* request,
                                                  v1::TaskState* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(GetTaskStatus));
}

grpc::Status GuardedConnectService::ListConnectorPlugins(
    grpc::ServerContext* context, const v1::ListConnectorPluginsRequest* request,
    v1::ListConnectorPluginsResponse* response) {
  return Guard(context, {.need = Need::kKnownCaller}, SLUICE_DELEGATE(ListConnectorPlugins));
}

grpc::Status GuardedConnectService::GetConnectorPluginConfig(
    grpc::ServerContext* context, const v1::GetConnectorPluginConfigRequest* request,
    v1::PluginConfigDefinitions* response) {
  return Guard(context, {.need = Need::kKnownCaller},
               SLUICE_DELEGATE(GetConnectorPluginConfig));
}

grpc::Status GuardedConnectService::ValidateConnectorConfig(
    grpc::ServerContext* context, const v1::ValidateConnectorConfigRequest* request,
    v1::ConfigInfos* response) {
  return Guard(context, {.need = Need::kKnownCaller}, SLUICE_DELEGATE(ValidateConnectorConfig));
}

grpc::Status GuardedConnectService::PauseConnector(grpc::ServerContext* context,
                                                   const v1::PauseConnectorRequest* request,
                                                   google::protobuf::Empty* response) {
  return Guard(context, {.connector = request->name(), .change = "PauseConnector"},
               SLUICE_DELEGATE(PauseConnector));
}

grpc::Status GuardedConnectService::ResumeConnector(grpc::ServerContext* context,
                                                    const v1::ResumeConnectorRequest* request,
                                                    google::protobuf::Empty* response) {
  return Guard(context, {.connector = request->name(), .change = "ResumeConnector"},
               SLUICE_DELEGATE(ResumeConnector));
}

grpc::Status GuardedConnectService::StopConnector(grpc::ServerContext* context,
                                                  const v1::StopConnectorRequest* request,
                                                  google::protobuf::Empty* response) {
  return Guard(context, {.connector = request->name(), .change = "StopConnector"},
               SLUICE_DELEGATE(StopConnector));
}

grpc::Status GuardedConnectService::RestartConnector(grpc::ServerContext* context,
                                                     const v1::RestartConnectorRequest* request,
                                                     v1::RestartConnectorResponse* response) {
  return Guard(context, {.connector = request->name(), .change = "RestartConnector"},
               SLUICE_DELEGATE(RestartConnector));
}

grpc::Status GuardedConnectService::RestartTask(grpc::ServerContext* context,
                                                const v1::RestartTaskRequest* request,
                                                google::protobuf::Empty* response) {
  return Guard(context, {.connector = request->name(), .change = "RestartTask"},
               SLUICE_DELEGATE(RestartTask));
}

grpc::Status GuardedConnectService::GetConnectorTopics(
    grpc::ServerContext* context, const v1::GetConnectorTopicsRequest* request,
    v1::ConnectorTopics* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(GetConnectorTopics));
}

grpc::Status GuardedConnectService::ResetConnectorTopics(
    grpc::ServerContext* context, const v1::ResetConnectorTopicsRequest* request,
    google::protobuf::Empty* response) {
  return Guard(context, {.connector = request->name(), .change = "ResetConnectorTopics"},
               SLUICE_DELEGATE(ResetConnectorTopics));
}

grpc::Status GuardedConnectService::AlterConnectorOffsets(
    grpc::ServerContext* context, const v1::AlterConnectorOffsetsRequest* request,
    v1::OffsetsMessage* response) {
  return Guard(context, {.connector = request->name(), .change = "AlterConnectorOffsets"},
               SLUICE_DELEGATE(AlterConnectorOffsets));
}

grpc::Status GuardedConnectService::ResetConnectorOffsets(
    grpc::ServerContext* context, const v1::ResetConnectorOffsetsRequest* request,
    v1::OffsetsMessage* response) {
  return Guard(context, {.connector = request->name(), .change = "ResetConnectorOffsets"},
               SLUICE_DELEGATE(ResetConnectorOffsets));
}

grpc::Status GuardedConnectService::GetConnectorOffsets(
    grpc::ServerContext* context, const v1::GetConnectorOffsetsRequest* request,
    v1::ConnectorOffsets* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(GetConnectorOffsets));
}

grpc::Status GuardedConnectService::PutTaskConfigs(grpc::ServerContext* context,
                                                   const v1::PutTaskConfigsRequest* request,
                                                   google::protobuf::Empty* response) {
  // Signed by the forwarding worker (KIP-507), as Kafka Connect exempts it from basic auth.
  return service_->PutTaskConfigs(context, request, response);
}

grpc::Status GuardedConnectService::FenceZombies(grpc::ServerContext* context,
                                                 const v1::FenceZombiesRequest* request,
                                                 google::protobuf::Empty* response) {
  return service_->FenceZombies(context, request, response);
}

grpc::Status GuardedConnectService::ListLoggers(grpc::ServerContext* context,
                                                const v1::ListLoggersRequest* request,
                                                v1::ListLoggersResponse* response) {
  return Guard(context, {.need = Need::kKnownCaller}, SLUICE_DELEGATE(ListLoggers));
}

grpc::Status GuardedConnectService::GetLogger(grpc::ServerContext* context,
                                              const v1::GetLoggerRequest* request,
                                              v1::LoggerLevel* response) {
  return Guard(context, {.need = Need::kKnownCaller}, SLUICE_DELEGATE(GetLogger));
}

grpc::Status GuardedConnectService::SetLoggerLevel(grpc::ServerContext* context,
                                                   const v1::SetLoggerLevelRequest* request,
                                                   v1::SetLoggerLevelResponse* response) {
  return Guard(context,
               {.need = Need::kAdmin,
                .change = "SetLoggerLevel",
                .admin_action = "change logger levels"},
               SLUICE_DELEGATE(SetLoggerLevel));
}

grpc::Status GuardedConnectService::GetMetrics(grpc::ServerContext* context,
                                               const v1::GetMetricsRequest* request,
                                               v1::MetricsExposition* response) {
  if (access_->FromMetricsListener(CredentialsOf(*context))) {
    return service_->GetMetrics(context, request, response);
  }
  return Guard(context, {.need = Need::kAdmin, .admin_action = "read the worker's metrics"},
               SLUICE_DELEGATE(GetMetrics));
}

grpc::Status GuardedConnectService::GetSandbox(grpc::ServerContext* context,
                                               const v1::GetSandboxRequest* request,
                                               v1::SandboxStatus* response) {
  return Guard(context, {.need = Need::kAuthenticated}, SLUICE_DELEGATE(GetSandbox));
}

grpc::Status GuardedConnectService::GetConnectorResources(
    grpc::ServerContext* context, const v1::GetConnectorResourcesRequest* request,
    v1::ConnectorResources* response) {
  return Guard(context, {.connector = request->name()}, SLUICE_DELEGATE(GetConnectorResources));
}

#undef SLUICE_DELEGATE

}  // namespace sluice::api
