// The Kafka requests and responses of group membership, in exactly the versions the worker
// speaks: ApiVersions v0, FindCoordinator v1, JoinGroup v5, SyncGroup v3, Heartbeat v3,
// LeaveGroup v3, and for SASL, SaslHandshake v1 and SaslAuthenticate v1. These are the newest non-flexible versions (no tagged fields, no compact
// encodings) that both Kafka 3.9 and librdkafka's mock cluster serve (DESIGN.md §4); the client
// checks them against the broker's ApiVersions answer before using them.
//
//   absl::StatusOr<std::string> frame = EncodeRequest(request, {correlation_id, "sluice-1"});
//   ... write *frame, read a frame back, then:
//   absl::StatusOr<ResponseFrame> header = ParseResponseHeaderV0(payload);
//   absl::StatusOr<JoinGroupResponse> response = DecodeJoinGroupResponse(header->body);
//
// Encoders return the whole size-prefixed frame (request header v1 + body). Decoders take the
// body after the response header and return InvalidArgument ("JoinGroup v5 response: Error
// reading field 'members': ...") when it is truncated, malformed or longer than the message.
// Field layouts: clients/src/main/resources/common/message/*.json in Kafka's source.
//
// Thread-safe: pure functions.
#ifndef SLUICE_SERVER_DISTRIBUTED_GROUP_MESSAGES_H_
#define SLUICE_SERVER_DISTRIBUTED_GROUP_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/distributed/kafka_errors.h"
#include "server/distributed/kafka_wire.h"

namespace sluice::distributed {

// Who sends a request: the header fields besides the API key and version.
struct RequestIdentity {
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
};

// ---- ApiVersions v0

struct ApiVersionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  static constexpr int16_t kVersion = 0;
};

struct ApiVersionRange {
  int16_t api_key = 0;
  int16_t min_version = 0;
  int16_t max_version = 0;
  bool operator==(const ApiVersionRange& o) const {
    return api_key == o.api_key && min_version == o.min_version && max_version == o.max_version;
  }
};

struct ApiVersionsResponse {
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
  std::vector<ApiVersionRange> api_keys;
};

// Whether the broker serves `version` of `key`.
bool Supports(const ApiVersionsResponse& response, ApiKey key, int16_t version);

// ---- FindCoordinator v1

enum class CoordinatorKeyType : int8_t { kGroup = 0, kTransaction = 1 };

struct FindCoordinatorRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr int16_t kVersion = 1;
  std::string key;  // the group.id
  CoordinatorKeyType key_type = CoordinatorKeyType::kGroup;
};

struct FindCoordinatorResponse {
  absl::Duration throttle_time;
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
  std::optional<std::string> error_message;
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
};

// ---- JoinGroup v5

// One protocol a member offers: its name ("sessioned") and its metadata.
struct JoinGroupProtocol {
  std::string name;
  std::string metadata;
  bool operator==(const JoinGroupProtocol& o) const {
    return name == o.name && metadata == o.metadata;
  }
};

struct JoinGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  static constexpr int16_t kVersion = 5;
  std::string group_id;
  absl::Duration session_timeout;    // sent in whole milliseconds
  absl::Duration rebalance_timeout;  // sent in whole milliseconds
  std::string member_id;             // "" on the first join
  std::optional<std::string> group_instance_id;
  std::string protocol_type = "connect";
  std::vector<JoinGroupProtocol> protocols;  // in order of preference
};

struct JoinGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string metadata;
};

struct JoinGroupResponse {
  absl::Duration throttle_time;
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
  int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<JoinGroupMember> members;  // filled for the leader only

  bool IsLeader() const { return !member_id.empty() && leader == member_id; }
};

// ---- SyncGroup v3

struct SyncGroupAssignment {
  std::string member_id;
  std::string assignment;
};

struct SyncGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  static constexpr int16_t kVersion = 3;
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<SyncGroupAssignment> assignments;  // the leader's; empty for followers
};

struct SyncGroupResponse {
  absl::Duration throttle_time;
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
  std::string assignment;
};

// ---- Heartbeat v3

struct HeartbeatRequest {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  static constexpr int16_t kVersion = 3;
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct HeartbeatResponse {
  absl::Duration throttle_time;
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
};

// ---- LeaveGroup v3

struct LeavingMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct LeaveGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  static constexpr int16_t kVersion = 3;
  std::string group_id;
  std::vector<LeavingMember> members;
};

struct LeftMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
};

struct LeaveGroupResponse {
  absl::Duration throttle_time;
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
  std::vector<LeftMember> members;  // one per member in the request, each with its own error
};

// ---- SaslHandshake v1 (v0 would mean raw SASL tokens after it, without SaslAuthenticate)

struct SaslHandshakeRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  static constexpr int16_t kVersion = 1;
  std::string mechanism;  // "PLAIN", "SCRAM-SHA-256", ...
};

struct SaslHandshakeResponse {
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
  std::vector<std::string> mechanisms;  // those the broker's listener enables
};

// ---- SaslAuthenticate v1 (v2 is flexible; v1 differs from v0 only in the response's session
// lifetime)

struct SaslAuthenticateRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  static constexpr int16_t kVersion = 1;
  std::string auth_bytes;  // the mechanism's client message
};

struct SaslAuthenticateResponse {
  KafkaErrorCode error_code = KafkaErrorCode::kNone;
  std::optional<std::string> error_message;
  std::string auth_bytes;  // the mechanism's server message
  // 0 when the broker does not ask for re-authentication (connections.max.reauth.ms unset).
  absl::Duration session_lifetime = absl::ZeroDuration();
};

// ---- Encoders: the size-prefixed frame. InvalidArgument when a string is longer than 32767
// bytes or a timeout does not fit an int32 of milliseconds.

absl::StatusOr<std::string> EncodeRequest(const ApiVersionsRequest& request,
                                          const RequestIdentity& identity);
absl::StatusOr<std::string> EncodeRequest(const FindCoordinatorRequest& request,
                                          const RequestIdentity& identity);
absl::StatusOr<std::string> EncodeRequest(const JoinGroupRequest& request,
                                          const RequestIdentity& identity);
absl::StatusOr<std::string> EncodeRequest(const SyncGroupRequest& request,
                                          const RequestIdentity& identity);
absl::StatusOr<std::string> EncodeRequest(const HeartbeatRequest& request,
                                          const RequestIdentity& identity);
absl::StatusOr<std::string> EncodeRequest(const LeaveGroupRequest& request,
                                          const RequestIdentity& identity);
absl::StatusOr<std::string> EncodeRequest(const SaslHandshakeRequest& request,
                                          const RequestIdentity& identity);
absl::StatusOr<std::string> EncodeRequest(const SaslAuthenticateRequest& request,
                                          const RequestIdentity& identity);

// ---- Decoders: the body after the response header.

absl::StatusOr<ApiVersionsResponse> DecodeApiVersionsResponse(std::string_view body);
absl::StatusOr<FindCoordinatorResponse> DecodeFindCoordinatorResponse(std::string_view body);
absl::StatusOr<JoinGroupResponse> DecodeJoinGroupResponse(std::string_view body);
absl::StatusOr<SyncGroupResponse> DecodeSyncGroupResponse(std::string_view body);
absl::StatusOr<HeartbeatResponse> DecodeHeartbeatResponse(std::string_view body);
absl::StatusOr<LeaveGroupResponse> DecodeLeaveGroupResponse(std::string_view body);
absl::StatusOr<SaslHandshakeResponse> DecodeSaslHandshakeResponse(std::string_view body);
absl::StatusOr<SaslAuthenticateResponse> DecodeSaslAuthenticateResponse(std::string_view body);

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_GROUP_MESSAGES_H_
