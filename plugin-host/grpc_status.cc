#include "plugin-host/grpc_status.h"

#include <string>

namespace sluice::plugin_host {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace sluice::plugin_host
