#include "server/distributed/group_messages.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/distributed/test_hex.h"

namespace sluice::distributed {
namespace {

using ::sluice::distributed::testing::Hex;
using ::sluice::distributed::testing::Unhex;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Every hex string below was printed by a throwaway Java program running Kafka 3.9.1's own
// classes (kafka-clients' org.apache.kafka.common.message.*Data serialized with
// RequestUtils.serialize(header, body); connect-runtime's IncrementalCooperativeConnectProtocol
// for the metadata and assignments inside them). Requests are header v1 + body, without the
// size prefix, which the tests add; responses are header v0 + body.

constexpr char kClientId[] = "sluice-worker";
constexpr char kGroup[] = "connect-cluster";
constexpr char kLeader[] = "connect-1-6a3c7b0e-1f0e-4c53-9d2a-0b8e5e4f2d11";

// The Java request bytes with their size prefix, as EncodeRequest returns them.
std::string Framed(std::string_view java_hex) { return Hex(*SizePrefixed(Unhex(java_hex))); }

// The body of a Java response (after header v0), checking the correlation id on the way.
std::string Body(std::string_view java_hex, int32_t correlation_id) {
  const std::string payload = Unhex(java_hex);
  absl::StatusOr<ResponseFrame> frame = ParseResponseHeaderV0(payload);
  EXPECT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(frame->correlation_id, correlation_id);
  return std::string(frame->body);
}

// Metadata and assignments inside the messages (see connect_protocol_test.cc).
const std::string kMetaV2NullAllocation = Unhex("00020015687474703a2f2f31302e302e302e353a383038332f000000000000002affffffff");
const std::string kMetaV1NullAllocation = Unhex("00010015687474703a2f2f31302e302e302e353a383038332f000000000000002affffffff");
const std::string kMetaV0 = Unhex("00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a");
const std::string kMetaV1WithAllocation = Unhex("00010015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300010000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
const std::string kMetaV2WithAllocation = Unhex("00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
const std::string kAssignV2Several = Unhex("00020000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff000366733200000001000000000000000000000000");
const std::string kAssignV2RevokedDelay = Unhex("00020000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000170000000100"
    "016100000002ffffffff00000000000000020004676f6e6500000002ffffffff0000000300047a6574610000"
    "0003ffffffff0000000000000001000493e0");

TEST(EncodeRequest, WritesApiVersionsV0AsKafkaDoes) {
  absl::StatusOr<std::string> frame = EncodeRequest(ApiVersionsRequest{}, {1, kClientId});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(Hex(*frame), Framed("0012000000000001000d736c756963652d776f726b6572"));
  EXPECT_EQ(Hex(*EncodeRequest(ApiVersionsRequest{}, {1, std::nullopt})),
            Framed("0012000000000001ffff"));
}

TEST(EncodeRequest, WritesFindCoordinatorV1ForAGroupAsKafkaDoes) {
  FindCoordinatorRequest request;
  request.key = kGroup;
  absl::StatusOr<std::string> frame = EncodeRequest(request, {2, kClientId});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(Hex(*frame), Framed("000a000100000002000d736c756963652d776f726b6572000f636f6e6e6563742d636c757374657200"));
}

TEST(EncodeRequest, WritesAFirstJoinGroupV5AsKafkaDoes) {
  JoinGroupRequest request;
  request.group_id = kGroup;
  request.session_timeout = absl::Seconds(10);
  request.rebalance_timeout = absl::Minutes(1);
  request.member_id = "";
  request.protocols = {{"sessioned", kMetaV2NullAllocation},
                       {"compatible", kMetaV1NullAllocation},
                       {"default", kMetaV0}};
  absl::StatusOr<std::string> frame = EncodeRequest(request, {3, kClientId});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(Hex(*frame), Framed("000b000500000003000d736c756963652d776f726b6572000f636f6e6e6563742d636c757374657200002710"
    "0000ea600000ffff0007636f6e6e65637400000003000973657373696f6e6564000000250002001568747470"
    "3a2f2f31302e302e302e353a383038332f000000000000002affffffff000a636f6d70617469626c65000000"
    "2500010015687474703a2f2f31302e302e302e353a383038332f000000000000002affffffff000764656661"
    "756c740000002100000015687474703a2f2f31302e302e302e353a383038332f000000000000002a"));
}

TEST(EncodeRequest, WritesARejoinWithMemberAndInstanceIdAsKafkaDoes) {
  JoinGroupRequest request;
  request.group_id = kGroup;
  request.session_timeout = absl::Seconds(6);
  request.rebalance_timeout = absl::Minutes(5);
  request.member_id = "sluice-worker-0c1d";
  request.group_instance_id = "worker-a";
  request.protocols = {{"compatible", kMetaV1WithAllocation}, {"default", kMetaV0}};
  absl::StatusOr<std::string> frame = EncodeRequest(request, {4, kClientId});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(Hex(*frame), Framed("000b000500000004000d736c756963652d776f726b6572000f636f6e6e6563742d636c757374657200001770"
    "000493e00012736c756963652d776f726b65722d306331640008776f726b65722d610007636f6e6e65637400"
    "000002000a636f6d70617469626c65000000f800010015687474703a2f2f31302e302e302e353a383038332f"
    "000000000000002a000000d300010000002e636f6e6e6563742d312d36613363376230652d316630652d3463"
    "35332d396432612d3062386535653466326431310015687474703a2f2f31302e302e302e353a383038332f00"
    "000000000000110000000600047a65746100000002ffffffff0000000200016200000001ffffffff0005616c"
    "70686100000004ffffffff000000000000000100000003000b6f72646572732d73696e6b00000002ffffffff"
    "00000000000c636f6e6e6563746f722d313000000001ffffffff000366733200000001000000000000000000"
    "000000000764656661756c740000002100000015687474703a2f2f31302e302e302e353a383038332f000000"
    "000000002a"));
}

TEST(EncodeRequest, RefusesATimeoutThatDoesNotFitAnInt32OfMilliseconds) {
  JoinGroupRequest request;
  request.group_id = kGroup;
  request.session_timeout = absl::Hours(24 * 30);
  absl::StatusOr<std::string> frame = EncodeRequest(request, {3, kClientId});
  EXPECT_EQ(frame.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(frame.status().message(),
            "JoinGroup v5 request: Error writing field 'session_timeout_ms': 2592000000 ms does "
            "not fit an int32");
}

TEST(EncodeRequest, WritesTheLeadersSyncGroupV3AsKafkaDoes) {
  SyncGroupRequest request;
  request.group_id = kGroup;
  request.generation_id = 3;
  request.member_id = kLeader;
  request.assignments = {{kLeader, kAssignV2Several}, {"connect-2-x", kAssignV2RevokedDelay}};
  absl::StatusOr<std::string> frame = EncodeRequest(request, {5, kClientId});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(Hex(*frame), Framed("000e000300000005000d736c756963652d776f726b6572000f636f6e6e6563742d636c757374657200000003"
    "002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466"
    "32643131ffff00000002002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432"
    "612d306238653565346632643131000000d300020000002e636f6e6e6563742d312d36613363376230652d31"
    "6630652d346335332d396432612d3062386535653466326431310015687474703a2f2f31302e302e302e353a"
    "383038332f00000000000000110000000600047a65746100000002ffffffff0000000200016200000001ffff"
    "ffff0005616c70686100000004ffffffff000000000000000100000003000b6f72646572732d73696e6b0000"
    "0002ffffffff00000000000c636f6e6e6563746f722d313000000001ffffffff000366733200000001000000"
    "000000000000000000000b636f6e6e6563742d322d780000009600020000002e636f6e6e6563742d312d3661"
    "3363376230652d316630652d346335332d396432612d3062386535653466326431310015687474703a2f2f31"
    "302e302e302e353a383038332f00000000000000170000000100016100000002ffffffff0000000000000002"
    "0004676f6e6500000002ffffffff0000000300047a65746100000003ffffffff0000000000000001000493e0"));
}

TEST(EncodeRequest, WritesAFollowersSyncGroupV3AsKafkaDoes) {
  SyncGroupRequest request;
  request.group_id = kGroup;
  request.generation_id = 3;
  request.member_id = "connect-2-x";
  request.group_instance_id = "worker-b";
  absl::StatusOr<std::string> frame = EncodeRequest(request, {6, kClientId});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(Hex(*frame), Framed("000e000300000006000d736c756963652d776f726b6572000f636f6e6e6563742d636c757374657200000003"
    "000b636f6e6e6563742d322d780008776f726b65722d6200000000"));
}

TEST(EncodeRequest, WritesHeartbeatV3AsKafkaDoes) {
  HeartbeatRequest request;
  request.group_id = kGroup;
  request.generation_id = 3;
  request.member_id = kLeader;
  absl::StatusOr<std::string> frame = EncodeRequest(request, {7, kClientId});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(Hex(*frame), Framed("000c000300000007000d736c756963652d776f726b6572000f636f6e6e6563742d636c757374657200000003"
    "002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466"
    "32643131ffff"));
}

TEST(EncodeRequest, WritesLeaveGroupV3AsKafkaDoes) {
  LeaveGroupRequest request;
  request.group_id = kGroup;
  request.members = {{kLeader, std::nullopt}, {"connect-2-x", "worker-b"}};
  absl::StatusOr<std::string> frame = EncodeRequest(request, {8, kClientId});
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(Hex(*frame), Framed("000d000300000008000d736c756963652d776f726b6572000f636f6e6e6563742d636c757374657200000002"
    "002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466"
    "32643131ffff000b636f6e6e6563742d322d780008776f726b65722d62"));
}

TEST(DecodeResponse, ReadsApiVersionsV0) {
  absl::StatusOr<ApiVersionsResponse> response =
      DecodeApiVersionsResponse(Body("00000001000000000006001200000004000a00000006000b00000009000c00000004000d00000005000e0000"
    "0005", 1));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->error_code, KafkaErrorCode::kNone);
  EXPECT_EQ(response->api_keys, (std::vector<ApiVersionRange>{
                                    {18, 0, 4}, {10, 0, 6}, {11, 0, 9}, {12, 0, 4}, {13, 0, 5},
                                    {14, 0, 5}}));
  EXPECT_TRUE(Supports(*response, ApiKey::kJoinGroup, JoinGroupRequest::kVersion));
  EXPECT_TRUE(Supports(*response, ApiKey::kFindCoordinator, 1));
  EXPECT_FALSE(Supports(*response, ApiKey::kLeaveGroup, 6));
  ApiVersionsResponse without_sync = *response;
  without_sync.api_keys.pop_back();
  EXPECT_FALSE(Supports(without_sync, ApiKey::kSyncGroup, 3));
}

TEST(DecodeResponse, ReadsFindCoordinatorV1) {
  absl::StatusOr<FindCoordinatorResponse> response =
      DecodeFindCoordinatorResponse(Body("00000002000000000000ffff00000001001062726f6b65722d312e6578616d706c6500002384", 2));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->throttle_time, absl::ZeroDuration());
  EXPECT_EQ(response->error_code, KafkaErrorCode::kNone);
  EXPECT_EQ(response->error_message, std::nullopt);
  EXPECT_EQ(response->node_id, 1);
  EXPECT_EQ(response->host, "broker-1.example");
  EXPECT_EQ(response->port, 9092);
}

TEST(DecodeResponse, ReadsAFindCoordinatorV1Error) {
  absl::StatusOr<FindCoordinatorResponse> response =
      DecodeFindCoordinatorResponse(Body("0000000200000019000f002154686520636f6f7264696e61746f72206973206e6f7420617661696c61626c65"
    "2effffffff0000ffffffff", 2));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->throttle_time, absl::Milliseconds(25));
  EXPECT_EQ(response->error_code, KafkaErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(response->error_message, "The coordinator is not available.");
  EXPECT_EQ(response->node_id, -1);
  EXPECT_EQ(response->host, "");
  EXPECT_EQ(response->port, -1);
}

TEST(DecodeResponse, ReadsTheLeadersJoinGroupV5WithEveryMembersMetadata) {
  absl::StatusOr<JoinGroupResponse> response =
      DecodeJoinGroupResponse(Body("0000000300000000000000000003000973657373696f6e6564002e636f6e6e6563742d312d36613363376230"
    "652d316630652d346335332d396432612d306238653565346632643131002e636f6e6e6563742d312d366133"
    "63376230652d316630652d346335332d396432612d30623865356534663264313100000002002e636f6e6e65"
    "63742d312d36613363376230652d316630652d346335332d396432612d306238653565346632643131ffff00"
    "0000f800020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000"
    "002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466"
    "326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574"
    "6100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000"
    "00000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d"
    "313000000001ffffffff000366733200000001000000000000000000000000000b636f6e6e6563742d322d78"
    "0008776f726b65722d620000002500020015687474703a2f2f31302e302e302e353a383038332f0000000000"
    "00002affffffff", 3));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->error_code, KafkaErrorCode::kNone);
  EXPECT_EQ(response->generation_id, 3);
  EXPECT_EQ(response->protocol_name, "sessioned");
  EXPECT_EQ(response->leader, kLeader);
  EXPECT_EQ(response->member_id, kLeader);
  EXPECT_TRUE(response->IsLeader());
  ASSERT_EQ(response->members.size(), 2u);
  EXPECT_EQ(response->members[0].member_id, kLeader);
  EXPECT_EQ(response->members[0].group_instance_id, std::nullopt);
  EXPECT_EQ(Hex(response->members[0].metadata), Hex(kMetaV2WithAllocation));
  EXPECT_EQ(response->members[1].member_id, "connect-2-x");
  EXPECT_EQ(response->members[1].group_instance_id, "worker-b");
  EXPECT_EQ(Hex(response->members[1].metadata), Hex(kMetaV2NullAllocation));
}

TEST(DecodeResponse, ReadsMemberIdRequiredWithTheMemberIdToRejoinWith) {
  absl::StatusOr<JoinGroupResponse> response =
      DecodeJoinGroupResponse(Body("0000000300000000004fffffffff000000000012636f6e6e6563742d312d366133633762306500000000", 3));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->error_code, KafkaErrorCode::kMemberIdRequired);
  EXPECT_EQ(response->generation_id, -1);
  EXPECT_EQ(response->member_id, "connect-1-6a3c7b0e");
  EXPECT_FALSE(response->IsLeader());
  EXPECT_TRUE(response->members.empty());
}

TEST(DecodeResponse, ReadsSyncGroupV3) {
  absl::StatusOr<SyncGroupResponse> response =
      DecodeSyncGroupResponse(Body("000000050000000000000000009600020000002e636f6e6e6563742d312d36613363376230652d316630652d"
    "346335332d396432612d3062386535653466326431310015687474703a2f2f31302e302e302e353a38303833"
    "2f00000000000000170000000100016100000002ffffffff00000000000000020004676f6e6500000002ffff"
    "ffff0000000300047a65746100000003ffffffff0000000000000001000493e0", 5));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->error_code, KafkaErrorCode::kNone);
  EXPECT_EQ(Hex(response->assignment), Hex(kAssignV2RevokedDelay));
}

TEST(DecodeResponse, ReadsHeartbeatV3) {
  absl::StatusOr<HeartbeatResponse> response =
      DecodeHeartbeatResponse(Body("0000000700000064001b", 7));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->throttle_time, absl::Milliseconds(100));
  EXPECT_EQ(response->error_code, KafkaErrorCode::kRebalanceInProgress);
}

TEST(DecodeResponse, ReadsLeaveGroupV3WithPerMemberErrors) {
  absl::StatusOr<LeaveGroupResponse> response =
      DecodeLeaveGroupResponse(Body("0000000800000000000000000002002e636f6e6e6563742d312d36613363376230652d316630652d34633533"
    "2d396432612d306238653565346632643131ffff0000000b636f6e6e6563742d322d780008776f726b65722d"
    "620019", 8));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->error_code, KafkaErrorCode::kNone);
  ASSERT_EQ(response->members.size(), 2u);
  EXPECT_EQ(response->members[0].member_id, kLeader);
  EXPECT_EQ(response->members[0].group_instance_id, std::nullopt);
  EXPECT_EQ(response->members[0].error_code, KafkaErrorCode::kNone);
  EXPECT_EQ(response->members[1].member_id, "connect-2-x");
  EXPECT_EQ(response->members[1].group_instance_id, "worker-b");
  EXPECT_EQ(response->members[1].error_code, KafkaErrorCode::kUnknownMemberId);
}

// Kafka 3.9.1's own readers refuse every strict prefix of these bodies; so do ours, saying which
// response and which field.
TEST(DecodeResponse, RefusesEveryTruncationOfEveryResponse) {
  struct Case {
    std::string body;
    absl::Status (*decode)(std::string_view);
    const char* context;
  };
  const Case cases[] = {
      {Body("00000001000000000006001200000004000a00000006000b00000009000c00000004000d00000005000e0000"
    "0005", 1),
       [](std::string_view b) { return DecodeApiVersionsResponse(b).status(); },
       "ApiVersions v0 response: "},
      {Body("00000002000000000000ffff00000001001062726f6b65722d312e6578616d706c6500002384", 2),
       [](std::string_view b) { return DecodeFindCoordinatorResponse(b).status(); },
       "FindCoordinator v1 response: "},
      {Body("0000000300000000000000000003000973657373696f6e6564002e636f6e6e6563742d312d36613363376230"
    "652d316630652d346335332d396432612d306238653565346632643131002e636f6e6e6563742d312d366133"
    "63376230652d316630652d346335332d396432612d30623865356534663264313100000002002e636f6e6e65"
    "63742d312d36613363376230652d316630652d346335332d396432612d306238653565346632643131ffff00"
    "0000f800020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000"
    "002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466"
    "326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574"
    "6100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000"
    "00000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d"
    "313000000001ffffffff000366733200000001000000000000000000000000000b636f6e6e6563742d322d78"
    "0008776f726b65722d620000002500020015687474703a2f2f31302e302e302e353a383038332f0000000000"
    "00002affffffff", 3),
       [](std::string_view b) { return DecodeJoinGroupResponse(b).status(); },
       "JoinGroup v5 response: "},
      {Body("000000050000000000000000009600020000002e636f6e6e6563742d312d36613363376230652d316630652d"
    "346335332d396432612d3062386535653466326431310015687474703a2f2f31302e302e302e353a38303833"
    "2f00000000000000170000000100016100000002ffffffff00000000000000020004676f6e6500000002ffff"
    "ffff0000000300047a65746100000003ffffffff0000000000000001000493e0", 5),
       [](std::string_view b) { return DecodeSyncGroupResponse(b).status(); },
       "SyncGroup v3 response: "},
      {Body("0000000700000064001b", 7),
       [](std::string_view b) { return DecodeHeartbeatResponse(b).status(); },
       "Heartbeat v3 response: "},
      {Body("0000000800000000000000000002002e636f6e6e6563742d312d36613363376230652d316630652d34633533"
    "2d396432612d306238653565346632643131ffff0000000b636f6e6e6563742d322d780008776f726b65722d"
    "620019", 8),
       [](std::string_view b) { return DecodeLeaveGroupResponse(b).status(); },
       "LeaveGroup v3 response: "},
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(c.decode(c.body).ok()) << c.context;
    for (size_t n = 0; n < c.body.size(); ++n) {
      const absl::Status status = c.decode(std::string_view(c.body).substr(0, n));
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.context << n;
      EXPECT_THAT(status.message(), StartsWith(std::string(c.context) + "Error reading field '"))
          << n;
    }
  }
}

TEST(DecodeResponse, NamesTheFieldThatRanShort) {
  const std::string body = Body("0000000300000000000000000003000973657373696f6e6564002e636f6e6e6563742d312d36613363376230"
    "652d316630652d346335332d396432612d306238653565346632643131002e636f6e6e6563742d312d366133"
    "63376230652d316630652d346335332d396432612d30623865356534663264313100000002002e636f6e6e65"
    "63742d312d36613363376230652d316630652d346335332d396432612d306238653565346632643131ffff00"
    "0000f800020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000"
    "002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466"
    "326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574"
    "6100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000"
    "00000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d"
    "313000000001ffffffff000366733200000001000000000000000000000000000b636f6e6e6563742d322d78"
    "0008776f726b65722d620000002500020015687474703a2f2f31302e302e302e353a383038332f0000000000"
    "00002affffffff", 3);
  EXPECT_EQ(DecodeJoinGroupResponse(std::string_view(body).substr(0, body.size() - 1))
                .status()
                .message(),
            "JoinGroup v5 response: Error reading field 'members': Error reading field "
            "'metadata': Error reading bytes of size 37, only 36 bytes available");
  EXPECT_EQ(DecodeHeartbeatResponse(Unhex("000000")).status().message(),
            "Heartbeat v3 response: Error reading field 'throttle_time_ms': "
            "java.nio.BufferUnderflowException");
}

TEST(DecodeResponse, RefusesBytesAfterTheLastField) {
  absl::StatusOr<HeartbeatResponse> response = DecodeHeartbeatResponse(Unhex("00000000000000"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(),
            "Heartbeat v3 response: 1 bytes left after the last field (7 bytes in all)");
}

TEST(DecodeResponse, RefusesACorruptedMemberCountWithoutAllocatingIt) {
  std::string body = Body("0000000300000000000000000003000973657373696f6e6564002e636f6e6e6563742d312d36613363376230"
    "652d316630652d346335332d396432612d306238653565346632643131002e636f6e6e6563742d312d366133"
    "63376230652d316630652d346335332d396432612d30623865356534663264313100000002002e636f6e6e65"
    "63742d312d36613363376230652d316630652d346335332d396432612d306238653565346632643131ffff00"
    "0000f800020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000"
    "002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466"
    "326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574"
    "6100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000"
    "00000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d"
    "313000000001ffffffff000366733200000001000000000000000000000000000b636f6e6e6563742d322d78"
    "0008776f726b65722d620000002500020015687474703a2f2f31302e302e302e353a383038332f0000000000"
    "00002affffffff", 3);
  // The members count follows throttle, error, generation and three strings.
  const size_t at = 4 + 2 + 4 + (2 + 9) + 2 * (2 + std::string(kLeader).size());
  ASSERT_EQ(Hex(body.substr(at, 4)), "00000002");
  body[at] = '\x7f';
  absl::StatusOr<JoinGroupResponse> response = DecodeJoinGroupResponse(body);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(),
              HasSubstr("Error reading field 'members': Error reading array of size 2130706434"));
}

// SASL: the hex strings come from Kafka 3.9.1's SaslHandshake{Request,Response}Data and
// SaslAuthenticate{Request,Response}Data, serialized as above.

TEST(EncodeRequest, WritesSaslHandshakeV1AsKafkaDoes) {
  SaslHandshakeRequest request;
  request.mechanism = "PLAIN";
  EXPECT_EQ(Hex(*EncodeRequest(request, {3, kClientId})),
            Framed("0011000100000003000d736c756963652d776f726b65720005504c41494e"));
  request.mechanism = "SCRAM-SHA-512";
  EXPECT_EQ(Hex(*EncodeRequest(request, {3, kClientId})),
            Framed("0011000100000003000d736c756963652d776f726b6572000d534352414d2d5348412d353132"));
}

TEST(EncodeRequest, WritesSaslAuthenticateV1AsKafkaDoes) {
  SaslAuthenticateRequest request;
  request.auth_bytes = std::string("\0alice\0alice-secret", 19);
  EXPECT_EQ(Hex(*EncodeRequest(request, {4, kClientId})),
            Framed("0024000100000004000d736c756963652d776f726b65720000001300616c69636500616c6963652d"
                   "736563726574"));
}

TEST(DecodeResponse, ReadsSaslHandshakeV1WithTheBrokersMechanisms) {
  absl::StatusOr<SaslHandshakeResponse> ok = DecodeSaslHandshakeResponse(
      Body("000000030000000000020005504c41494e000d534352414d2d5348412d323536", 3));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->error_code, KafkaErrorCode::kNone);
  EXPECT_THAT(ok->mechanisms, ::testing::ElementsAre("PLAIN", "SCRAM-SHA-256"));

  absl::StatusOr<SaslHandshakeResponse> refused =
      DecodeSaslHandshakeResponse(Body("000000030021000000010006475353415049", 3));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->error_code, KafkaErrorCode::kUnsupportedSaslMechanism);
  EXPECT_THAT(refused->mechanisms, ::testing::ElementsAre("GSSAPI"));
}

TEST(DecodeResponse, ReadsSaslAuthenticateV1SuccessAndFailure) {
  absl::StatusOr<SaslAuthenticateResponse> ok =
      DecodeSaslAuthenticateResponse(Body("000000040000ffff00000000000000000036ee80", 4));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->error_code, KafkaErrorCode::kNone);
  EXPECT_EQ(ok->error_message, std::nullopt);
  EXPECT_EQ(ok->auth_bytes, "");
  EXPECT_EQ(ok->session_lifetime, absl::Hours(1));

  absl::StatusOr<SaslAuthenticateResponse> failed = DecodeSaslAuthenticateResponse(
      Body("00000004003a003341757468656e7469636174696f6e206661696c65643a20496e76616c696420757365"
           "726e616d65206f722070617373776f7264000000000000000000000000",
           4));
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->error_code, KafkaErrorCode::kSaslAuthenticationFailed);
  EXPECT_EQ(failed->error_message, "Authentication failed: Invalid username or password");
  EXPECT_EQ(failed->session_lifetime, absl::ZeroDuration());
}

TEST(DecodeResponse, RefusesASaslAuthenticateV0Body) {
  // v0 has no session lifetime: the v1 decoder must notice the missing field.
  absl::StatusOr<SaslAuthenticateResponse> response =
      DecodeSaslAuthenticateResponse(Body("000000040000ffff00000000", 4));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), StartsWith("SaslAuthenticate v1 response: "));
}

}  // namespace
}  // namespace sluice::distributed
