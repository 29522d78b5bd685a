#include "server/api/status_mapping.h"

#include <optional>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "server/herder/request_target.h"

namespace sluice::api {

absl::Status WithHttpStatus(absl::Status status, int http_status) {
  status.SetPayload(kHttpStatusPayload, absl::Cord(std::to_string(http_status)));
  return status;
}

int DefaultHttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

std::vector<std::pair<std::string, std::string>> TrailingMetadata(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> md;
  if (status.ok()) return md;
  const bool not_leader = herder::IsNotLeader(status);
  const bool rebalance = herder::IsRebalanceNeeded(status);
  if (absl::optional<absl::Cord> http = status.GetPayload(kHttpStatusPayload); http.has_value()) {
    md.emplace_back(kHttpStatusMetadata, std::string(*http));
  } else if (not_leader || rebalance) {
    // Kafka Connect answers these with 500 wherever its REST layer does not forward.
    md.emplace_back(kHttpStatusMetadata, "500");
  }
  if (not_leader) {
    md.emplace_back(kNotLeaderMetadata, "true");
    std::optional<std::string> url = herder::LeaderUrl(status);
    auto printable = [](const std::string& s) {
      for (char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
      }
      return true;
    };
    if (url.has_value() && printable(*url)) md.emplace_back(kLeaderUrlMetadata, *url);
  }
  if (rebalance) md.emplace_back(kRebalanceNeededMetadata, "true");
  return md;
}

grpc::Status ToGrpcStatus(const absl::Status& status, grpc::ServerContext* context) {
  if (status.ok()) return grpc::Status::OK;
  if (context != nullptr) {
    for (auto& [key, value] : TrailingMetadata(status)) context->AddTrailingMetadata(key, value);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

}  // namespace sluice::api
