// The host's one mapping from absl::Status to grpc::Status (the boundary to the worker).
// Canonical codes have the same numbers in both; the message passes through unchanged.
//
// Thread-safety: thread-safe.
#ifndef SLUICE_PLUGIN_HOST_GRPC_STATUS_H_
#define SLUICE_PLUGIN_HOST_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace sluice::plugin_host {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_GRPC_STATUS_H_
