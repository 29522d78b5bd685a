#include "server/distributed/group_messages.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace sluice::distributed {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// A timeout as the int32 of milliseconds the request carries.
void WriteMillis(WireWriter& w, std::string_view field, absl::Duration d) {
  const int64_t ms = absl::ToInt64Milliseconds(d);
  if (ms < std::numeric_limits<int32_t>::min() || ms > std::numeric_limits<int32_t>::max()) {
    w.Fail(field, absl::StrCat(ms, " ms does not fit an int32"));
    return;
  }
  w.Int32(static_cast<int32_t>(ms));
}

KafkaErrorCode ReadErrorCode(WireReader& r, std::string_view field = "error_code") {
  return static_cast<KafkaErrorCode>(r.Int16(field));
}

absl::Duration ReadThrottle(WireReader& r) {
  return absl::Milliseconds(r.Int32("throttle_time_ms"));
}

// ---- Bodies

void WriteBody(WireWriter&, const ApiVersionsRequest&) {}

void WriteBody(WireWriter& w, const FindCoordinatorRequest& r) {
  w.String("key", r.key);
  w.Int8(static_cast<int8_t>(r.key_type));
}

void WriteBody(WireWriter& w, const JoinGroupRequest& r) {
  w.String("group_id", r.group_id);
  WriteMillis(w, "session_timeout_ms", r.session_timeout);
  WriteMillis(w, "rebalance_timeout_ms", r.rebalance_timeout);
  w.String("member_id", r.member_id);
  w.NullableString("group_instance_id", r.group_instance_id);
  w.String("protocol_type", r.protocol_type);
  w.ArrayCount("protocols", r.protocols.size());
  for (const JoinGroupProtocol& p : r.protocols) {
    w.String("name", p.name);
    w.Bytes("metadata", p.metadata);
  }
}

void WriteBody(WireWriter& w, const SyncGroupRequest& r) {
  w.String("group_id", r.group_id);
  w.Int32(r.generation_id);
  w.String("member_id", r.member_id);
  w.NullableString("group_instance_id", r.group_instance_id);
  w.ArrayCount("assignments", r.assignments.size());
  for (const SyncGroupAssignment& a : r.assignments) {
    w.String("member_id", a.member_id);
    w.Bytes("assignment", a.assignment);
  }
}

void WriteBody(WireWriter& w, const HeartbeatRequest& r) {
  w.String("group_id", r.group_id);
  w.Int32(r.generation_id);
  w.String("member_id", r.member_id);
  w.NullableString("group_instance_id", r.group_instance_id);
}

void WriteBody(WireWriter& w, const LeaveGroupRequest& r) {
  w.String("group_id", r.group_id);
  w.ArrayCount("members", r.members.size());
  for (const LeavingMember& m : r.members) {
    w.String("member_id", m.member_id);
    w.NullableString("group_instance_id", m.group_instance_id);
  }
}

void WriteBody(WireWriter& w, const SaslHandshakeRequest& r) {
  w.String("mechanism", r.mechanism);
}

void WriteBody(WireWriter& w, const SaslAuthenticateRequest& r) {
  w.Bytes("auth_bytes", r.auth_bytes);
}

void ReadBody(WireReader& r, ApiVersionsResponse& out) {
  out.error_code = ReadErrorCode(r);
  const int32_t n = r.ArrayCount("api_keys");
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    r.EnterStruct("api_keys");
    ApiVersionRange range;
    range.api_key = r.Int16("api_key");
    range.min_version = r.Int16("min_version");
    range.max_version = r.Int16("max_version");
    r.ExitStruct();
    out.api_keys.push_back(range);
  }
}

void ReadBody(WireReader& r, FindCoordinatorResponse& out) {
  out.throttle_time = ReadThrottle(r);
  out.error_code = ReadErrorCode(r);
  out.error_message = r.NullableString("error_message");
  out.node_id = r.Int32("node_id");
  out.host = r.String("host");
  out.port = r.Int32("port");
}

void ReadBody(WireReader& r, JoinGroupResponse& out) {
  out.throttle_time = ReadThrottle(r);
  out.error_code = ReadErrorCode(r);
  out.generation_id = r.Int32("generation_id");
  out.protocol_name = r.String("protocol_name");
  out.leader = r.String("leader");
  out.member_id = r.String("member_id");
  const int32_t n = r.ArrayCount("members");
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    r.EnterStruct("members");
    JoinGroupMember m;
    m.member_id = r.String("member_id");
    m.group_instance_id = r.NullableString("group_instance_id");
    m.metadata = r.Bytes("metadata");
    r.ExitStruct();
    out.members.push_back(std::move(m));
  }
}

void ReadBody(WireReader& r, SyncGroupResponse& out) {
  out.throttle_time = ReadThrottle(r);
  out.error_code = ReadErrorCode(r);
  out.assignment = r.Bytes("assignment");
}

void ReadBody(WireReader& r, HeartbeatResponse& out) {
  out.throttle_time = ReadThrottle(r);
  out.error_code = ReadErrorCode(r);
}

void ReadBody(WireReader& r, LeaveGroupResponse& out) {
  out.throttle_time = ReadThrottle(r);
  out.error_code = ReadErrorCode(r);
  const int32_t n = r.ArrayCount("members");
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    r.EnterStruct("members");
    LeftMember m;
    m.member_id = r.String("member_id");
    m.group_instance_id = r.NullableString("group_instance_id");
    m.error_code = ReadErrorCode(r);
    r.ExitStruct();
    out.members.push_back(std::move(m));
  }
}

void ReadBody(WireReader& r, SaslHandshakeResponse& out) {
  out.error_code = ReadErrorCode(r);
  const int32_t n = r.ArrayCount("mechanisms");
  for (int32_t i = 0; i < n && r.ok(); ++i) out.mechanisms.push_back(r.String("mechanisms"));
}

void ReadBody(WireReader& r, SaslAuthenticateResponse& out) {
  out.error_code = ReadErrorCode(r);
  out.error_message = r.NullableString("error_message");
  out.auth_bytes = r.Bytes("auth_bytes");
  out.session_lifetime = absl::Milliseconds(r.Int64("session_lifetime_ms"));
}

// ---- The one encoder and the one decoder every message goes through.

template <typename Request>
absl::StatusOr<std::string> Encode(const Request& request, const RequestIdentity& identity) {
  WireWriter w;
  WriteRequestHeaderV1(w, RequestHeader{Request::kApiKey, Request::kVersion,
                                        identity.correlation_id, identity.client_id});
  WriteBody(w, request);
  absl::StatusOr<std::string> payload = std::move(w).Finish();
  if (!payload.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(Av(ApiKeyName(Request::kApiKey)), " v",
                                                   Request::kVersion, " request: ",
                                                   payload.status().message()));
  }
  return SizePrefixed(*payload);
}

template <typename Response>
absl::StatusOr<Response> Decode(std::string_view body, ApiKey key, int16_t version) {
  WireReader r(body);
  Response out;
  ReadBody(r, out);
  if (r.ok() && r.remaining() > 0) {
    r.Fail(absl::StrCat(r.remaining(), " bytes left after the last field (", body.size(),
                        " bytes in all)"));
  }
  if (!r.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(Av(ApiKeyName(key)), " v", version,
                                                   " response: ", r.status().message()));
  }
  return out;
}

}  // namespace

bool Supports(const ApiVersionsResponse& response, ApiKey key, int16_t version) {
  for (const ApiVersionRange& range : response.api_keys) {
    if (range.api_key == static_cast<int16_t>(key)) {
      return range.min_version <= version && version <= range.max_version;
    }
  }
  return false;
}

absl::StatusOr<std::string> EncodeRequest(const ApiVersionsRequest& request,
                                          const RequestIdentity& identity) {
  return Encode(request, identity);
}
absl::StatusOr<std::string> EncodeRequest(const FindCoordinatorRequest& request,
                                          const RequestIdentity& identity) {
  return Encode(request, identity);
}
absl::StatusOr<std::string> EncodeRequest(const JoinGroupRequest& request,
                                          const RequestIdentity& identity) {
  return Encode(request, identity);
}
absl::StatusOr<std::string> EncodeRequest(const SyncGroupRequest& request,
                                          const RequestIdentity& identity) {
  return Encode(request, identity);
}
absl::StatusOr<std::string> EncodeRequest(const HeartbeatRequest& request,
                                          const RequestIdentity& identity) {
  return Encode(request, identity);
}
absl::StatusOr<std::string> EncodeRequest(const LeaveGroupRequest& request,
                                          const RequestIdentity& identity) {
  return Encode(request, identity);
}

absl::StatusOr<std::string> EncodeRequest(const SaslHandshakeRequest& request,
                                          const RequestIdentity& identity) {
  return Encode(request, identity);
}
absl::StatusOr<std::string> EncodeRequest(const SaslAuthenticateRequest& request,
                                          const RequestIdentity& identity) {
  return Encode(request, identity);
}

absl::StatusOr<ApiVersionsResponse> DecodeApiVersionsResponse(std::string_view body) {
  return Decode<ApiVersionsResponse>(body, ApiVersionsRequest::kApiKey,
                                     ApiVersionsRequest::kVersion);
}
absl::StatusOr<FindCoordinatorResponse> DecodeFindCoordinatorResponse(std::string_view body) {
  return Decode<FindCoordinatorResponse>(body, FindCoordinatorRequest::kApiKey,
                                         FindCoordinatorRequest::kVersion);
}
absl::StatusOr<JoinGroupResponse> DecodeJoinGroupResponse(std::string_view body) {
  return Decode<JoinGroupResponse>(body, JoinGroupRequest::kApiKey, JoinGroupRequest::kVersion);
}
absl::StatusOr<SyncGroupResponse> DecodeSyncGroupResponse(std::string_view body) {
  return Decode<SyncGroupResponse>(body, SyncGroupRequest::kApiKey, SyncGroupRequest::kVersion);
}
absl::StatusOr<HeartbeatResponse> DecodeHeartbeatResponse(std::string_view body) {
  return Decode<HeartbeatResponse>(body, HeartbeatRequest::kApiKey, HeartbeatRequest::kVersion);
}
absl::StatusOr<LeaveGroupResponse> DecodeLeaveGroupResponse(std::string_view body) {
  return Decode<LeaveGroupResponse>(body, LeaveGroupRequest::kApiKey,
                                    LeaveGroupRequest::kVersion);
}

absl::StatusOr<SaslHandshakeResponse> DecodeSaslHandshakeResponse(std::string_view body) {
  return Decode<SaslHandshakeResponse>(body, SaslHandshakeRequest::kApiKey,
                                       SaslHandshakeRequest::kVersion);
}
absl::StatusOr<SaslAuthenticateResponse> DecodeSaslAuthenticateResponse(std::string_view body) {
  return Decode<SaslAuthenticateResponse>(body, SaslAuthenticateRequest::kApiKey,
                                          SaslAuthenticateRequest::kVersion);
}

}  // namespace sluice::distributed
