// What a herder answers when this worker cannot serve a request but another can: Kafka Connect's
// NotLeaderException (a RequestTargetException carrying the leader's REST URL) and
// RebalanceNeededException. In distributed mode only the leader writes connector configs, task
// configs, target states, restarts and offsets; a follower answers NotLeader and Kafka Connect's
// REST layer forwards the HTTP request to the leader (HerderRequestHandler
// .completeOrForwardRequest). Here sluice-gateway does that forwarding: server/api's status
// mapping turns these statuses into gRPC trailing metadata ("sluice-not-leader",
// "sluice-leader-url", "sluice-rebalance-needed"; see gateway/README.md), and gRPC clients read
// the same metadata to go to the leader themselves.
//
// Both statuses keep Kafka Connect's message; where the REST layer does not forward (or for a
// gRPC client), the answer is that message with HTTP status 500, as Java's is.
#ifndef SLUICE_SERVER_HERDER_REQUEST_TARGET_H_
#define SLUICE_SERVER_HERDER_REQUEST_TARGET_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace sluice::herder {

// Status payloads (type URLs) that mark the two statuses; read them with the functions below.
inline constexpr char kNotLeaderPayload[] = "sluice.dev/not-leader";  // the leader's URL or ""
inline constexpr char kRebalanceNeededPayload[] = "sluice.dev/rebalance-needed";

// Kafka Connect's message for the rebalance its herder expects before it can serve a write.
inline constexpr char kRebalanceNeededMessage[] =
    "Request cannot be completed because a rebalance is expected";

// This worker is not the leader; `leader_url` is the leader's REST URL as the leader advertised
// it in the group ("http://host:8083/"), nullopt while no leader is known. FailedPrecondition
// with `message` (Kafka Connect's, e.g. "Only the leader can set connector configs.").
absl::Status NotLeader(std::string_view message, std::optional<std::string> leader_url);

// A rebalance is about to start, so this worker's view of the leader may be stale.
// Unavailable with kRebalanceNeededMessage.
absl::Status RebalanceNeeded();

bool IsNotLeader(const absl::Status& status);
// The leader URL a NotLeader status carries; nullopt when unknown or not a NotLeader status.
std::optional<std::string> LeaderUrl(const absl::Status& status);
bool IsRebalanceNeeded(const absl::Status& status);

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_REQUEST_TARGET_H_
