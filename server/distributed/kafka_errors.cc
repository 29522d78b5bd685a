#include "server/distributed/kafka_errors.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace sluice::distributed {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

using C = KafkaErrorCode;

// Names and messages are Kafka 3.9's (Errors.java); kafka_errors_test.cc pins them against what
// Kafka 3.9.1's Errors.forCode(code) prints.
constexpr KafkaErrorInfo kErrors[] = {
    {C::kUnknownServerError, "UNKNOWN_SERVER_ERROR",
     "The server experienced an unexpected error when processing the request.", false},
    {C::kNone, "NONE", "NONE", false},
    {C::kRequestTimedOut, "REQUEST_TIMED_OUT", "The request timed out.", true},
    {C::kNetworkException, "NETWORK_EXCEPTION",
     "The server disconnected before a response was received.", true},
    {C::kCoordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS",
     "The coordinator is loading and hence can't process requests.", true},
    {C::kCoordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE",
     "The coordinator is not available.", true},
    {C::kNotCoordinator, "NOT_COORDINATOR", "This is not the correct coordinator.", true},
    {C::kIllegalGeneration, "ILLEGAL_GENERATION", "Specified group generation id is not valid.",
     false},
    {C::kInconsistentGroupProtocol, "INCONSISTENT_GROUP_PROTOCOL",
     "The group member's supported protocols are incompatible with those of existing members or "
     "first group member tried to join with empty protocol type or empty protocol list.",
     false},
    {C::kInvalidGroupId, "INVALID_GROUP_ID", "The configured groupId is invalid.", false},
    {C::kUnknownMemberId, "UNKNOWN_MEMBER_ID", "The coordinator is not aware of this member.",
     false},
    {C::kInvalidSessionTimeout, "INVALID_SESSION_TIMEOUT",
     "The session timeout is not within the range allowed by the broker (as configured by "
     "group.min.session.timeout.ms and group.max.session.timeout.ms).",
     false},
    {C::kRebalanceInProgress, "REBALANCE_IN_PROGRESS",
     "The group is rebalancing, so a rejoin is needed.", false},
    {C::kGroupAuthorizationFailed, "GROUP_AUTHORIZATION_FAILED", "Group authorization failed.",
     false},
    {C::kUnsupportedSaslMechanism, "UNSUPPORTED_SASL_MECHANISM",
     "The broker does not support the requested SASL mechanism.", false},
    {C::kIllegalSaslState, "ILLEGAL_SASL_STATE",
     "Request is not valid given the current SASL state.", false},
    {C::kUnsupportedVersion, "UNSUPPORTED_VERSION", "The version of API is not supported.",
     false},
    {C::kInvalidRequest, "INVALID_REQUEST",
     "This most likely occurs because of a request being malformed by the client library or the "
     "message was sent to an incompatible broker. See the broker logs for more details.",
     false},
    {C::kSaslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED", "SASL Authentication failed.",
     false},
    {C::kMemberIdRequired, "MEMBER_ID_REQUIRED",
     "The group member needs to have a valid member id before actually entering a consumer "
     "group.",
     false},
    {C::kGroupMaxSizeReached, "GROUP_MAX_SIZE_REACHED",
     "The consumer group has reached its max size.", false},
    {C::kFencedInstanceId, "FENCED_INSTANCE_ID",
     "The broker rejected this static consumer since another consumer with the same "
     "group.instance.id has registered with a different member.id.",
     false},
};

absl::StatusCode StatusCodeFor(KafkaErrorCode code) {
  switch (code) {
    case C::kNone:
      return absl::StatusCode::kOk;
    case C::kRequestTimedOut:
    case C::kNetworkException:
    case C::kCoordinatorLoadInProgress:
    case C::kCoordinatorNotAvailable:
    case C::kNotCoordinator:
      return absl::StatusCode::kUnavailable;
    case C::kIllegalGeneration:
    case C::kUnknownMemberId:
    case C::kRebalanceInProgress:
    case C::kMemberIdRequired:
      return absl::StatusCode::kAborted;
    case C::kGroupAuthorizationFailed:
      return absl::StatusCode::kPermissionDenied;
    case C::kSaslAuthenticationFailed:
    case C::kUnsupportedSaslMechanism:
    case C::kIllegalSaslState:
      return absl::StatusCode::kUnauthenticated;
    case C::kInconsistentGroupProtocol:
    case C::kInvalidGroupId:
    case C::kInvalidSessionTimeout:
    case C::kUnsupportedVersion:
    case C::kGroupMaxSizeReached:
    case C::kFencedInstanceId:
      return absl::StatusCode::kFailedPrecondition;
    case C::kInvalidRequest:
      return absl::StatusCode::kInternal;
    case C::kUnknownServerError:
      return absl::StatusCode::kUnknown;
  }
  return absl::StatusCode::kUnknown;
}

}  // namespace

absl::Span<const KafkaErrorInfo> KafkaErrors() { return kErrors; }

const KafkaErrorInfo* FindKafkaError(KafkaErrorCode code) {
  for (const KafkaErrorInfo& info : kErrors) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

std::string KafkaErrorName(KafkaErrorCode code) {
  if (const KafkaErrorInfo* info = FindKafkaError(code)) return std::string(info->name);
  return absl::StrCat("UNKNOWN_ERROR_CODE(", static_cast<int16_t>(code), ")");
}

absl::Status KafkaErrorToStatus(KafkaErrorCode code, std::string_view context) {
  const absl::StatusCode status_code = StatusCodeFor(code);
  if (status_code == absl::StatusCode::kOk) return absl::OkStatus();
  const KafkaErrorInfo* info = FindKafkaError(code);
  return absl::Status(
      status_code,
      absl::StrCat(Av(context), ": ", KafkaErrorName(code), " (", static_cast<int16_t>(code),
                   ")", info != nullptr ? ": " : "", info != nullptr ? Av(info->message) : ""));
}

}  // namespace sluice::distributed
