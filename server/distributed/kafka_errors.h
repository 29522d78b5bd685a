// The Kafka error codes that the group membership client meets and must react to, with Kafka's
// names and messages (org.apache.kafka.common.protocol.Errors, Kafka 3.9), and the one mapping
// from a Kafka error code to an absl::Status.
//
// How the client reacts is its own business; as Kafka's AbstractCoordinator does:
//   COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: find the coordinator again, then retry;
//   COORDINATOR_LOAD_IN_PROGRESS: retry after a backoff;
//   UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION: forget the member id / generation and rejoin;
//   REBALANCE_IN_PROGRESS: rejoin (keeping the member id);
//   MEMBER_ID_REQUIRED: rejoin at once with the member id the JoinGroup response carries;
//   GROUP_AUTHORIZATION_FAILED, INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT,
//   INVALID_GROUP_ID, GROUP_MAX_SIZE_REACHED, FENCED_INSTANCE_ID, UNSUPPORTED_VERSION: fatal for
//   the worker's membership.
//
// Thread-safe: constant data and pure functions.
#ifndef SLUICE_SERVER_DISTRIBUTED_KAFKA_ERRORS_H_
#define SLUICE_SERVER_DISTRIBUTED_KAFKA_ERRORS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace sluice::distributed {

// A Kafka error code as it comes on the wire. Any int16 may arrive; the enumerators name the
// ones in KafkaErrors().
enum class KafkaErrorCode : int16_t {
  kUnknownServerError = -1,
  kNone = 0,
  kRequestTimedOut = 7,
  kNetworkException = 13,
  kCoordinatorLoadInProgress = 14,
  kCoordinatorNotAvailable = 15,
  kNotCoordinator = 16,
  kIllegalGeneration = 22,
  kInconsistentGroupProtocol = 23,
  kInvalidGroupId = 24,
  kUnknownMemberId = 25,
  kInvalidSessionTimeout = 26,
  kRebalanceInProgress = 27,
  kGroupAuthorizationFailed = 30,
  kUnsupportedSaslMechanism = 33,
  kIllegalSaslState = 34,
  kUnsupportedVersion = 35,
  kInvalidRequest = 42,
  kSaslAuthenticationFailed = 58,
  kMemberIdRequired = 79,
  kGroupMaxSizeReached = 81,
  kFencedInstanceId = 82,
};

struct KafkaErrorInfo {
  KafkaErrorCode code;
  std::string_view name;     // Kafka's enum constant, "NOT_COORDINATOR"
  std::string_view message;  // Kafka's default message
  bool retriable;            // Kafka's exception is a RetriableException
};

// Every code of KafkaErrorCode, in code order.
absl::Span<const KafkaErrorInfo> KafkaErrors();

// The entry for `code`, or nullptr when it is not one of KafkaErrors().
const KafkaErrorInfo* FindKafkaError(KafkaErrorCode code);

// "NOT_COORDINATOR", or "UNKNOWN_ERROR_CODE(123)" for a code not in KafkaErrors().
std::string KafkaErrorName(KafkaErrorCode code);

// OK for kNone; otherwise "<context>: <NAME> (<code>): <message>" with the status code the
// client's callers act on:
//   Unavailable         coordinator not available / moved / loading, request timed out,
//                       network exception (retry, after finding the coordinator again)
//   Aborted             rebalance in progress, unknown member id, illegal generation, member id
//                       required (the join must start over)
//   PermissionDenied    group authorization failed
//   Unauthenticated     SASL authentication failed, unsupported SASL mechanism, illegal SASL
//                       state
//   FailedPrecondition  inconsistent group protocol, invalid session timeout, invalid group id,
//                       group max size reached, fenced instance id, unsupported version
//   Internal            invalid request (a request this client built is malformed)
//   Unknown             unknown server error, and any code not in KafkaErrors()
absl::Status KafkaErrorToStatus(KafkaErrorCode code, std::string_view context);

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_KAFKA_ERRORS_H_
