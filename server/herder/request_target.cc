#include "server/herder/request_target.h"

#include <utility>

#include "absl/strings/cord.h"

namespace sluice::herder {

absl::Status NotLeader(std::string_view message, std::optional<std::string> leader_url) {
  absl::Status status(absl::StatusCode::kFailedPrecondition,
                      absl::string_view(message.data(), message.size()));
  status.SetPayload(kNotLeaderPayload, absl::Cord(leader_url.value_or("")));
  return status;
}

absl::Status RebalanceNeeded() {
  absl::Status status = absl::UnavailableError(kRebalanceNeededMessage);
  status.SetPayload(kRebalanceNeededPayload, absl::Cord("true"));
  return status;
}

bool IsNotLeader(const absl::Status& status) {
  return status.GetPayload(kNotLeaderPayload).has_value();
}

std::optional<std::string> LeaderUrl(const absl::Status& status) {
  absl::optional<absl::Cord> url = status.GetPayload(kNotLeaderPayload);
  if (!url.has_value() || url->empty()) return std::nullopt;
  return std::string(*url);
}

bool IsRebalanceNeeded(const absl::Status& status) {
  return status.GetPayload(kRebalanceNeededPayload).has_value();
}

}  // namespace sluice::herder
