// The one mapping from absl::Status to the gRPC status of a control-plane answer.
//
// Codes map one to one (absl's canonical codes are gRPC's). When an error must reach REST
// clients with an HTTP status other than the gateway's default for its code (Kafka Connect
// answers some errors with 500 or 403), the Status carries the HTTP status as a payload under
// kHttpStatusPayload; ToGrpcStatus moves it into the trailing metadata key "sluice-http-status",
// which sluice-gateway reads.
//
// The herder's request-target statuses (server/herder/request_target.h) travel as trailing
// metadata too: NotLeader as "sluice-not-leader: true" plus "sluice-leader-url: <url>" when the
// leader is known, RebalanceNeeded as "sluice-rebalance-needed: true". sluice-gateway forwards
// the REST request to the leader, or answers Kafka Connect's 409, on the endpoints where Kafka
// Connect does; elsewhere they are errors with HTTP status 500, as in Kafka Connect.
#ifndef SLUICE_SERVER_API_STATUS_MAPPING_H_
#define SLUICE_SERVER_API_STATUS_MAPPING_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace sluice::api {

inline constexpr char kHttpStatusPayload[] = "sluice.dev/http-status";
inline constexpr char kHttpStatusMetadata[] = "sluice-http-status";
inline constexpr char kNotLeaderMetadata[] = "sluice-not-leader";
inline constexpr char kLeaderUrlMetadata[] = "sluice-leader-url";
inline constexpr char kRebalanceNeededMetadata[] = "sluice-rebalance-needed";

// Returns `status` with an HTTP status for REST clients attached.
absl::Status WithHttpStatus(absl::Status status, int http_status);

// The trailing metadata ToGrpcStatus adds for `status`, in order. A leader URL that is not
// printable ASCII (which gRPC metadata cannot carry) is left out, as if the leader were unknown.
std::vector<std::pair<std::string, std::string>> TrailingMetadata(const absl::Status& status);

// REQUIRES: `context` belongs to the RPC being answered (may be null in tests).
grpc::Status ToGrpcStatus(const absl::Status& status, grpc::ServerContext* context);

// The default HTTP status the gateway gives each code (kept in step with gateway's table).
int DefaultHttpStatus(absl::StatusCode code);

}  // namespace sluice::api

#endif  // SLUICE_SERVER_API_STATUS_MAPPING_H_
