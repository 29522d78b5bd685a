// ConnectService's internal methods (Kafka Connect's InternalConnectResource): the requests
// workers of one cluster send each other, with their KIP-507 signature read as Kafka Connect's
// InternalRequestSignature.fromHeaders reads it, before the herder is asked.
#include <optional>
#include <string>
#include <vector>

#include "server/api/connect_service.h"
#include "server/api/status_mapping.h"
#include "server/distributed/request_signature.h"

namespace sluice::api {

namespace v1 = ::sluice::v1;

namespace {

// The request's signature: nullopt when it carried none; InvalidArgument (Kafka Connect's 400)
// when the algorithm is unknown or the signature is not base64.
absl::StatusOr<std::optional<distributed::RequestSignature>> SignatureOf(
    bool has_signature, const v1::InternalRequestSignature& signature, const std::string& body) {
  if (!has_signature) return std::nullopt;
  return distributed::RequestSignature::FromHeaders(signature.algorithm(), signature.signature(),
                                                    body);
}

// Kafka Connect's REST layer answers the UnsupportedOperationException of a herder that does
// not serve an internal request (standalone) with 500; for gRPC it stays Unimplemented.
absl::Status InternalAnswer(absl::Status status) {
  if (status.code() == absl::StatusCode::kUnimplemented) return WithHttpStatus(status, 500);
  return status;
}

}  // namespace

grpc::Status ConnectServiceImpl::PutTaskConfigs(grpc::ServerContext* context,
                                                const v1::PutTaskConfigsRequest* request,
                                                google::protobuf::Empty*) {
  absl::StatusOr<std::optional<distributed::RequestSignature>> signature =
      SignatureOf(request->has_signature(), request->signature(), request->body());
  if (!signature.ok()) return ToGrpcStatus(signature.status(), context);
  std::vector<ConfigMap> configs;
  configs.reserve(request->task_configs_size());
  for (const v1::TaskConfigMap& task : request->task_configs()) {
    configs.emplace_back(task.config().begin(), task.config().end());
  }
  return ToGrpcStatus(
      InternalAnswer(herder_->PutTaskConfigs(request->name(), configs, *signature)), context);
}

grpc::Status ConnectServiceImpl::FenceZombies(grpc::ServerContext* context,
                                              const v1::FenceZombiesRequest* request,
                                              google::protobuf::Empty*) {
  absl::StatusOr<std::optional<distributed::RequestSignature>> signature =
      SignatureOf(request->has_signature(), request->signature(), request->body());
  if (!signature.ok()) return ToGrpcStatus(signature.status(), context);
  return ToGrpcStatus(InternalAnswer(herder_->FenceZombies(request->name(), *signature)),
                      context);
}

}  // namespace sluice::api
