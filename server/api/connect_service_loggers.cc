// ConnectService's logger methods (Kafka Connect's /admin/loggers): a thin mapping onto
// logging::LoggerLevels, which holds the levels and changes spdlog's.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "server/api/connect_service.h"
#include "server/api/status_mapping.h"

namespace sluice::api {

namespace v1 = ::sluice::v1;

namespace {

constexpr char kClusterScope[] = "cluster";

// Kafka Connect answers an unknown level with 404 (NotFoundException); for gRPC it stays
// InvalidArgument.
constexpr int kUnknownLevelHttpStatus = 404;

void ToProto(const logging::LoggerLevel& level, v1::LoggerLevel* out) {
  out->set_level(level.level);
  if (level.last_modified_ms.has_value()) out->set_last_modified(*level.last_modified_ms);
}

}  // namespace

grpc::Status ConnectServiceImpl::ListLoggers(grpc::ServerContext*, const v1::ListLoggersRequest*,
                                             v1::ListLoggersResponse* response) {
  for (const auto& [name, level] : loggers_->ExplicitLevels()) {
    ToProto(level, &(*response->mutable_loggers())[name]);
  }
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::GetLogger(grpc::ServerContext* context,
                                           const v1::GetLoggerRequest* request,
                                           v1::LoggerLevel* response) {
  absl::StatusOr<logging::LoggerLevel> level = loggers_->GetLevel(request->logger());
  if (!level.ok()) return ToGrpcStatus(level.status(), context);
  ToProto(*level, response);
  return grpc::Status::OK;
}

grpc::Status ConnectServiceImpl::SetLoggerLevel(grpc::ServerContext* context,
                                                const v1::SetLoggerLevelRequest* request,
                                                v1::SetLoggerLevelResponse* response) {
  const std::string& level_name = request->body().level();
  absl::StatusOr<logging::LogLevel> level = logging::ParseLogLevel(level_name);
  if (!level.ok()) {
    absl::Status status = level.status();
    // An empty level means "missing" (400); anything else is an unknown level.
    if (!level_name.empty()) status = WithHttpStatus(std::move(status), kUnknownLevelHttpStatus);
    return ToGrpcStatus(status, context);
  }
  // scope=cluster: the answer is empty (REST: 204). A distributed herder writes the level to the
  // config topic, whence every worker applies it; a standalone worker is the whole cluster, so
  // the change applies here. Scope is case-insensitive; any other is "worker", as in Kafka
  // Connect.
  if (absl::AsciiStrToLower(request->scope()) == kClusterScope) {
    absl::StatusOr<bool> written =
        herder_->SetClusterLoggerLevel(request->logger(), level_name);
    if (!written.ok()) return ToGrpcStatus(written.status(), context);
    if (!*written) loggers_->SetLevel(request->logger(), *level);
    return grpc::Status::OK;
  }
  for (std::string& name : loggers_->SetLevel(request->logger(), *level)) {
    response->add_loggers(std::move(name));
  }
  return grpc::Status::OK;
}

}  // namespace sluice::api
