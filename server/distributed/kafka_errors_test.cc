#include "server/distributed/kafka_errors.h"

#include <string>

#include "gtest/gtest.h"

namespace sluice::distributed {
namespace {

// Name, message and whether the exception is a RetriableException, as Kafka 3.9.1's
// Errors.forCode(code) prints them.
TEST(KafkaErrors, HaveKafkasNamesMessagesAndRetriability) {
  struct Expected {
    int16_t code;
    const char* name;
    const char* message;
    bool retriable;
  };
  const Expected expected[] = {
      {-1, "UNKNOWN_SERVER_ERROR",
       "The server experienced an unexpected error when processing the request.", false},
      {0, "NONE", "NONE", false},
      {7, "REQUEST_TIMED_OUT", "The request timed out.", true},
      {13, "NETWORK_EXCEPTION", "The server disconnected before a response was received.", true},
      {14, "COORDINATOR_LOAD_IN_PROGRESS",
       "The coordinator is loading and hence can't process requests.", true},
      {15, "COORDINATOR_NOT_AVAILABLE", "The coordinator is not available.", true},
      {16, "NOT_COORDINATOR", "This is not the correct coordinator.", true},
      {22, "ILLEGAL_GENERATION", "Specified group generation id is not valid.", false},
      {23, "INCONSISTENT_GROUP_PROTOCOL",
       "The group member's supported protocols are incompatible with those of existing members "
       "or first group member tried to join with empty protocol type or empty protocol list.",
       false},
      {24, "INVALID_GROUP_ID", "The configured groupId is invalid.", false},
      {25, "UNKNOWN_MEMBER_ID", "The coordinator is not aware of this member.", false},
      {26, "INVALID_SESSION_TIMEOUT",
       "The session timeout is not within the range allowed by the broker (as configured by "
       "group.min.session.timeout.ms and group.max.session.timeout.ms).",
       false},
      {27, "REBALANCE_IN_PROGRESS", "The group is rebalancing, so a rejoin is needed.", false},
      {30, "GROUP_AUTHORIZATION_FAILED", "Group authorization failed.", false},
      {33, "UNSUPPORTED_SASL_MECHANISM",
       "The broker does not support the requested SASL mechanism.", false},
      {34, "ILLEGAL_SASL_STATE", "Request is not valid given the current SASL state.", false},
      {35, "UNSUPPORTED_VERSION", "The version of API is not supported.", false},
      {42, "INVALID_REQUEST",
       "This most likely occurs because of a request being malformed by the client library or "
       "the message was sent to an incompatible broker. See the broker logs for more details.",
       false},
      {58, "SASL_AUTHENTICATION_FAILED", "SASL Authentication failed.", false},
      {79, "MEMBER_ID_REQUIRED",
       "The group member needs to have a valid member id before actually entering a consumer "
       "group.",
       false},
      {81, "GROUP_MAX_SIZE_REACHED", "The consumer group has reached its max size.", false},
      {82, "FENCED_INSTANCE_ID",
       "The broker rejected this static consumer since another consumer with the same "
       "group.instance.id has registered with a different member.id.",
       false},
  };
  ASSERT_EQ(KafkaErrors().size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    const KafkaErrorInfo& info = KafkaErrors()[i];
    EXPECT_EQ(static_cast<int16_t>(info.code), expected[i].code);
    EXPECT_EQ(info.name, expected[i].name);
    EXPECT_EQ(info.message, expected[i].message);
    EXPECT_EQ(info.retriable, expected[i].retriable) << info.name;
    EXPECT_EQ(FindKafkaError(info.code), &info);
  }
}

TEST(KafkaErrors, NamesACodeOutsideTheTableByNumber) {
  EXPECT_EQ(KafkaErrorName(KafkaErrorCode::kNotCoordinator), "NOT_COORDINATOR");
  EXPECT_EQ(FindKafkaError(static_cast<KafkaErrorCode>(123)), nullptr);
  EXPECT_EQ(KafkaErrorName(static_cast<KafkaErrorCode>(123)), "UNKNOWN_ERROR_CODE(123)");
}

TEST(KafkaErrorToStatus, MapsEachCodeToTheStatusItsCallersActOn) {
  using C = KafkaErrorCode;
  using S = absl::StatusCode;
  const std::pair<C, S> table[] = {
      {C::kNone, S::kOk},
      {C::kUnknownServerError, S::kUnknown},
      {C::kRequestTimedOut, S::kUnavailable},
      {C::kNetworkException, S::kUnavailable},
      {C::kCoordinatorLoadInProgress, S::kUnavailable},
      {C::kCoordinatorNotAvailable, S::kUnavailable},
      {C::kNotCoordinator, S::kUnavailable},
      {C::kIllegalGeneration, S::kAborted},
      {C::kInconsistentGroupProtocol, S::kFailedPrecondition},
      {C::kInvalidGroupId, S::kFailedPrecondition},
      {C::kUnknownMemberId, S::kAborted},
      {C::kInvalidSessionTimeout, S::kFailedPrecondition},
      {C::kRebalanceInProgress, S::kAborted},
      {C::kGroupAuthorizationFailed, S::kPermissionDenied},
      {C::kUnsupportedSaslMechanism, S::kUnauthenticated},
      {C::kIllegalSaslState, S::kUnauthenticated},
      {C::kUnsupportedVersion, S::kFailedPrecondition},
      {C::kInvalidRequest, S::kInternal},
      {C::kSaslAuthenticationFailed, S::kUnauthenticated},
      {C::kMemberIdRequired, S::kAborted},
      {C::kGroupMaxSizeReached, S::kFailedPrecondition},
      {C::kFencedInstanceId, S::kFailedPrecondition},
      {static_cast<C>(123), S::kUnknown},
  };
  ASSERT_EQ(std::size(table), KafkaErrors().size() + 1) << "a code of the table is not mapped";
  for (const auto& [code, status_code] : table) {
    EXPECT_EQ(KafkaErrorToStatus(code, "JoinGroup").code(), status_code)
        << KafkaErrorName(code);
  }
}

TEST(KafkaErrorToStatus, SaysWhereTheErrorCameFromAndKafkasMessage) {
  const absl::Status status = KafkaErrorToStatus(KafkaErrorCode::kNotCoordinator,
                                                 "Heartbeat to broker-1:9092 for group connect");
  EXPECT_EQ(status.message(),
            "Heartbeat to broker-1:9092 for group connect: NOT_COORDINATOR (16): This is not the "
            "correct coordinator.");
  EXPECT_EQ(KafkaErrorToStatus(static_cast<KafkaErrorCode>(999), "SyncGroup").message(),
            "SyncGroup: UNKNOWN_ERROR_CODE(999) (999)");
}

}  // namespace
}  // namespace sluice::distributed
