#include "server/distributed/connect_protocol.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/distributed/test_hex.h"

namespace sluice::distributed {
namespace {

using ::sluice::distributed::testing::Hex;
using ::sluice::distributed::testing::Unhex;
using ::testing::StartsWith;

// Every hex string and every error message below was printed by a throwaway Java program
// running Kafka 3.9.1's own classes (connect-runtime's ConnectProtocol,
// IncrementalCooperativeConnectProtocol, ExtendedWorkerState and ExtendedAssignment) on the
// inputs these tests build.

using Mode = ConnectProtocolCompatibility;

constexpr char kUrl[] = "http://10.0.0.5:8083/";
constexpr char kLeader[] = "connect-1-6a3c7b0e-1f0e-4c53-9d2a-0b8e5e4f2d11";

// Java's inputs: connectors in an order their HashSet does not keep, and tasks including one
// of a connector that is not assigned (fs2).
const std::vector<std::string> kConnectors = {"orders-sink", "zeta", "alpha", "connector-10",
                                              "b"};
const std::vector<ConnectorTaskId> kTasks = {{"alpha", 0}, {"alpha", 1}, {"zeta", 2},
                                             {"fs2", 0},   {"orders-sink", 0}, {"alpha", 3}};

ConnectAssignment Several() {
  ConnectAssignment a;
  a.leader = kLeader;
  a.leader_url = kUrl;
  a.config_offset = 17;
  a.assigned = GroupAssigned(kConnectors, kTasks);
  return a;
}

ConnectAssignment RevokedWithDelay() {
  ConnectAssignment a;
  a.version = 2;
  a.leader = kLeader;
  a.leader_url = kUrl;
  a.config_offset = 23;
  a.assigned = GroupAssigned({"a"}, {{"a", 0}});
  a.revoked = GroupRevoked({"gone", "zeta", "gone"}, {{"zeta", 0}, {"gone", 3}, {"zeta", 1}});
  a.delay = absl::Minutes(5);
  return a;
}

ConnectAssignment Empty(int64_t offset) {
  ConnectAssignment a;
  a.leader = kLeader;
  a.leader_url = kUrl;
  a.config_offset = offset;
  return a;
}

ConnectAssignment Unicode() {
  ConnectAssignment a;
  a.version = 2;
  a.leader = "mémbre-日本";
  a.leader_url = "http://wörker-ü:8083/";
  a.config_offset = 7;
  a.assigned = GroupAssigned({"café-日本-🎉"}, {{"café-日本-🎉", 0}, {"naïve", 1}});
  a.revoked = GroupRevoked({"ß"}, {{"ß", 0}});
  a.delay = absl::Milliseconds(1500);
  return a;
}

WorkerMetadata Metadata(std::optional<ConnectAssignment> assignment) {
  WorkerMetadata m;
  m.url = kUrl;
  m.config_offset = 42;
  m.assignment = std::move(assignment);
  return m;
}

std::string Encoded(const ConnectAssignment& a, Mode mode) {
  absl::StatusOr<std::string> bytes = EncodeConnectAssignment(a, mode);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? Hex(*bytes) : "";
}

std::string Encoded(const WorkerMetadata& m, Mode mode) {
  absl::StatusOr<std::string> bytes = EncodeWorkerMetadata(m, mode);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? Hex(*bytes) : "";
}

TEST(ConnectProtocolCompatibility, ParsesTheSettingIgnoringCaseAsJava) {
  EXPECT_EQ(*ParseConnectProtocolSetting("sessioned"), Mode::kSessioned);
  EXPECT_EQ(*ParseConnectProtocolSetting("Compatible"), Mode::kCompatible);
  EXPECT_EQ(*ParseConnectProtocolSetting("EAGER"), Mode::kEager);
  absl::StatusOr<Mode> unknown = ParseConnectProtocolSetting("default");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message(), "Unknown Connect protocol compatibility mode: default");
}

TEST(ConnectProtocolCompatibility, FindsTheModeOfTheProtocolTheCoordinatorChose) {
  EXPECT_EQ(*CompatibilityOfProtocol("default"), Mode::kEager);
  EXPECT_EQ(*CompatibilityOfProtocol("compatible"), Mode::kCompatible);
  EXPECT_EQ(*CompatibilityOfProtocol("SESSIONED"), Mode::kSessioned);
  EXPECT_EQ(CompatibilityOfProtocol("range").status().message(),
            "Not found Connect protocol compatibility mode for protocol: range");
  EXPECT_EQ(ProtocolVersion(Mode::kEager), 0);
  EXPECT_EQ(ProtocolVersion(Mode::kCompatible), 1);
  EXPECT_EQ(ProtocolVersion(Mode::kSessioned), 2);
  EXPECT_EQ(SettingName(Mode::kEager), "eager");
}

TEST(GroupAssigned, OrdersConnectorsAsAJavaHashSetThenAddsTasksInOrder) {
  // Java's ConnectProtocol.Assignment.asMap() on kConnectors and kTasks, as it decodes back.
  const std::vector<ConnectorAssignment> entries = GroupAssigned(kConnectors, kTasks);
  EXPECT_EQ(entries, (std::vector<ConnectorAssignment>{{"zeta", {-1, 2}},
                                                       {"b", {-1}},
                                                       {"alpha", {-1, 0, 1, 3}},
                                                       {"orders-sink", {-1, 0}},
                                                       {"connector-10", {-1}},
                                                       {"fs2", {0}}}));
  EXPECT_EQ(ConnectorsOf(entries),
            (std::vector<std::string>{"zeta", "b", "alpha", "orders-sink", "connector-10"}));
  EXPECT_EQ(TasksOf(entries), (std::vector<ConnectorTaskId>{{"zeta", 2},
                                                             {"alpha", 0},
                                                             {"alpha", 1},
                                                             {"alpha", 3},
                                                             {"orders-sink", 0},
                                                             {"fs2", 0}}));
}

TEST(EncodeWorkerMetadata, WritesEachProtocolsLayoutAsJava) {
  EXPECT_EQ(Encoded(Metadata(std::nullopt), Mode::kEager), "00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a");
  EXPECT_EQ(Encoded(Metadata(std::nullopt), Mode::kCompatible), "00010015687474703a2f2f31302e302e302e353a383038332f000000000000002affffffff");
  EXPECT_EQ(Encoded(Metadata(std::nullopt), Mode::kSessioned), "00020015687474703a2f2f31302e302e302e353a383038332f000000000000002affffffff");
  EXPECT_EQ(Encoded(Metadata(Several()), Mode::kCompatible), "00010015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300010000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
  EXPECT_EQ(Encoded(Metadata(Several()), Mode::kSessioned), "00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
  EXPECT_EQ(Encoded(Metadata(Empty(5)), Mode::kSessioned), "00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a0000005f00020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f0000000000000005000000000000000000000000");
  // The eager layout has no room for the assignment.
  EXPECT_EQ(Encoded(Metadata(Several()), Mode::kEager), "00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a");
}

TEST(EncodeWorkerMetadata, WritesUnicodeUrlsAndNamesAsUtf8AsJava) {
  WorkerMetadata m;
  m.url = "http://wörker-ü:8083/";
  m.config_offset = 8;
  m.assignment = Unicode();
  EXPECT_EQ(Encoded(m, Mode::kSessioned), "00020017687474703a2f2f77c3b6726b65722dc3bc3a383038332f0000000000000008000000800002000000"
    "0e6dc3a96d6272652de697a5e69cac0017687474703a2f2f77c3b6726b65722dc3bc3a383038332f00000000"
    "00000007000000020011636166c3a92de697a5e69cac2df09f8e8900000002ffffffff0000000000066e61c3"
    "af76650000000100000001000000010002c39f00000002ffffffff00000000000005dc");
}

TEST(EncodeConnectAssignment, WritesEachProtocolsLayoutAsJava) {
  EXPECT_EQ(Encoded(Several(), Mode::kEager), "00000000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff00036673320000000100000000");
  EXPECT_EQ(Encoded(Several(), Mode::kCompatible), "00010000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff000366733200000001000000000000000000000000");
  EXPECT_EQ(Encoded(Several(), Mode::kSessioned), "00020000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff000366733200000001000000000000000000000000");
  EXPECT_EQ(Encoded(RevokedWithDelay(), Mode::kSessioned), "00020000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000170000000100"
    "016100000002ffffffff00000000000000020004676f6e6500000002ffffffff0000000300047a6574610000"
    "0003ffffffff0000000000000001000493e0");
  EXPECT_EQ(Encoded(Empty(5), Mode::kEager), "00000000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f000000000000000500000000");
  EXPECT_EQ(Encoded(Empty(5), Mode::kCompatible), "00010000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000050000000000"
    "00000000000000");
  ConnectAssignment mismatch = Empty(99);
  mismatch.error = AssignmentError::kConfigMismatch;
  EXPECT_EQ(Encoded(mismatch, Mode::kSessioned), "00020001002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000630000000000"
    "00000000000000");
  EXPECT_EQ(Encoded(Unicode(), Mode::kSessioned), "00020000000e6dc3a96d6272652de697a5e69cac0017687474703a2f2f77c3b6726b65722dc3bc3a38303833"
    "2f0000000000000007000000020011636166c3a92de697a5e69cac2df09f8e8900000002ffffffff00000000"
    "00066e61c3af76650000000100000001000000010002c39f00000002ffffffff00000000000005dc");
}

TEST(EncodeConnectAssignment, RefusesRevocationsOrADelayInTheEagerLayout) {
  absl::StatusOr<std::string> bytes = EncodeConnectAssignment(RevokedWithDelay(), Mode::kEager);
  EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bytes.status().message(),
            "encoding Connect assignment: Error writing field 'revoked': the eager protocol "
            "(default) cannot carry revocations");
}

TEST(EncodeConnectAssignment, RefusesANameLongerThanAKafkaString) {
  ConnectAssignment a = Empty(1);
  a.assigned = {{std::string(32768, 'c'), {kConnectorTask}}};
  absl::StatusOr<std::string> bytes = EncodeConnectAssignment(a, Mode::kSessioned);
  EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bytes.status().message(),
            "encoding Connect assignment: Error writing field 'connector': String length 32768 "
            "is larger than the maximum string length.");
  EXPECT_EQ(EncodeWorkerMetadata(Metadata(a), Mode::kCompatible).status().message(),
            "encoding worker metadata: Error writing field 'connector': String length 32768 is "
            "larger than the maximum string length.");
}

TEST(JoinGroupProtocols, OffersJavasProtocolsInJavasOrderForEachSetting) {
  const WorkerMetadata m = Metadata(Several());
  const std::vector<JoinGroupProtocol> sessioned = *JoinGroupProtocols(m, Mode::kSessioned);
  ASSERT_EQ(sessioned.size(), 3u);
  EXPECT_EQ(sessioned[0].name, "sessioned");
  EXPECT_EQ(Hex(sessioned[0].metadata), "00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
  EXPECT_EQ(sessioned[1].name, "compatible");
  EXPECT_EQ(Hex(sessioned[1].metadata), "00010015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300010000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
  EXPECT_EQ(sessioned[2].name, "default");
  EXPECT_EQ(Hex(sessioned[2].metadata), "00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a");

  const std::vector<JoinGroupProtocol> compatible = *JoinGroupProtocols(m, Mode::kCompatible);
  ASSERT_EQ(compatible.size(), 2u);
  EXPECT_EQ(compatible[0].name, "compatible");
  EXPECT_EQ(Hex(compatible[0].metadata), "00010015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300010000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
  EXPECT_EQ(compatible[1].name, "default");
  EXPECT_EQ(Hex(compatible[1].metadata), "00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a");

  const std::vector<JoinGroupProtocol> eager = *JoinGroupProtocols(m, Mode::kEager);
  ASSERT_EQ(eager.size(), 1u);
  EXPECT_EQ(eager[0].name, "default");
  EXPECT_EQ(Hex(eager[0].metadata), "00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a");
}

TEST(DecodeConnectAssignment, ReadsRevocationsAndDelayAsJava) {
  absl::StatusOr<ConnectAssignment> a =
      DecodeConnectAssignment(Unhex("00020000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000170000000100"
    "016100000002ffffffff00000000000000020004676f6e6500000002ffffffff0000000300047a6574610000"
    "0003ffffffff0000000000000001000493e0"));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a, RevokedWithDelay());
  // What Java's ExtendedAssignment reports for these bytes.
  EXPECT_EQ(ConnectorsOf(a->assigned), std::vector<std::string>{"a"});
  EXPECT_EQ(TasksOf(a->assigned), (std::vector<ConnectorTaskId>{{"a", 0}}));
  EXPECT_EQ(ConnectorsOf(a->revoked), (std::vector<std::string>{"gone", "zeta"}));
  EXPECT_EQ(TasksOf(a->revoked),
            (std::vector<ConnectorTaskId>{{"gone", 3}, {"zeta", 0}, {"zeta", 1}}));
}

TEST(DecodeConnectAssignment, ReadsAnEagerAssignmentWithDefaultsForTheMissingFields) {
  absl::StatusOr<ConnectAssignment> a = DecodeConnectAssignment(Unhex("00000000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff00036673320000000100000000"));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->version, 0);
  EXPECT_EQ(a->leader, kLeader);
  EXPECT_EQ(a->leader_url, kUrl);
  EXPECT_EQ(a->config_offset, 17);
  EXPECT_TRUE(a->revoked.empty());
  EXPECT_EQ(a->delay, absl::ZeroDuration());
  EXPECT_EQ(ConnectorsOf(a->assigned),
            (std::vector<std::string>{"zeta", "b", "alpha", "orders-sink", "connector-10"}));
  EXPECT_EQ(TasksOf(a->assigned), (std::vector<ConnectorTaskId>{{"zeta", 2},
                                                                {"alpha", 0},
                                                                {"alpha", 1},
                                                                {"alpha", 3},
                                                                {"orders-sink", 0},
                                                                {"fs2", 0}}));
}

TEST(DecodeConnectAssignment, ReencodesEveryJavaAssignmentToTheSameBytes) {
  const std::pair<const char*, Mode> cases[] = {
      {"00000000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff00036673320000000100000000", Mode::kEager},
      {"00010000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff000366733200000001000000000000000000000000", Mode::kCompatible},
      {"00020000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff000366733200000001000000000000000000000000", Mode::kSessioned},
      {"00020000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000170000000100"
    "016100000002ffffffff00000000000000020004676f6e6500000002ffffffff0000000300047a6574610000"
    "0003ffffffff0000000000000001000493e0", Mode::kSessioned},
      {"00000000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f000000000000000500000000", Mode::kEager},
      {"00010000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000050000000000"
    "00000000000000", Mode::kCompatible},
      {"00020001002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000630000000000"
    "00000000000000", Mode::kSessioned},
      {"00020000000e6dc3a96d6272652de697a5e69cac0017687474703a2f2f77c3b6726b65722dc3bc3a38303833"
    "2f0000000000000007000000020011636166c3a92de697a5e69cac2df09f8e8900000002ffffffff00000000"
    "00066e61c3af76650000000100000001000000010002c39f00000002ffffffff00000000000005dc", Mode::kSessioned},
  };
  for (const auto& [hex, mode] : cases) {
    absl::StatusOr<ConnectAssignment> a = DecodeConnectAssignment(Unhex(hex));
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_EQ(a->version, ProtocolVersion(mode));
    EXPECT_EQ(Encoded(*a, mode), hex);
  }
}

TEST(DecodeWorkerMetadata, ReadsEachLayoutAsJava) {
  absl::StatusOr<WorkerMetadata> v0 = DecodeWorkerMetadata(Unhex("00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a"));
  ASSERT_TRUE(v0.ok()) << v0.status();
  EXPECT_EQ(v0->version, 0);
  EXPECT_EQ(v0->url, kUrl);
  EXPECT_EQ(v0->config_offset, 42);
  EXPECT_EQ(v0->assignment, std::nullopt);

  absl::StatusOr<WorkerMetadata> v1 = DecodeWorkerMetadata(Unhex("00010015687474703a2f2f31302e302e302e353a383038332f000000000000002affffffff"));
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->assignment, std::nullopt);

  absl::StatusOr<WorkerMetadata> v2 = DecodeWorkerMetadata(Unhex("00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000"));
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version, 2);
  ConnectAssignment expected = Several();
  expected.version = 2;
  EXPECT_EQ(v2->assignment, expected);
  EXPECT_EQ(Encoded(*v2, Mode::kSessioned), "00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
}

// Java reads any version >= 0 with the newest layout and ignores what follows the fields it
// knows, so a newer worker's metadata is understood.
TEST(DecodeWorkerMetadata, ReadsANewerVersionAndIgnoresBytesAfterTheKnownFields) {
  std::string bytes = Unhex("00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
  bytes[1] = 7;
  bytes += std::string("\0\0\x09", 3);
  absl::StatusOr<WorkerMetadata> m = DecodeWorkerMetadata(bytes);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->version, 7);
  ASSERT_TRUE(m->assignment.has_value());
  EXPECT_EQ(ConnectorsOf(m->assignment->assigned).size(), 5u);
}

TEST(DecodeWorkerMetadata, TakesANegativeAllocationLengthAsNoAssignment) {
  std::string bytes = Unhex("00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000");
  const size_t allocation_at = 2 + 2 + std::string(kUrl).size() + 8;
  bytes.replace(allocation_at, 4, Unhex("fffffffe"));
  absl::StatusOr<WorkerMetadata> m = DecodeWorkerMetadata(bytes);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->assignment, std::nullopt);
}

// Each corruption and the message Kafka 3.9.1's deserializers throw for it.
TEST(ConnectProtocolDecoders, RefuseCorruptedInputWithJavasMessages) {
  const size_t array_at = 2 + 2 + (2 + std::string(kLeader).size()) + (2 + 21) + 8;
  const std::string several = Unhex("00000000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff00036673320000000100000000");
  const std::string meta = Unhex("00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a");
  auto with = [](std::string bytes, size_t at, std::string_view hex) {
    bytes.replace(at, hex.size() / 2, Unhex(hex));
    return bytes;
  };
  const size_t first_connector_length =
      static_cast<unsigned char>(several[array_at + 5]);  // < 256 here
  const size_t tasks_at = array_at + 4 + 2 + first_connector_length;

  struct Case {
    std::string name;
    absl::Status status;
    std::string message;
  };
  const Case cases[] = {
      {"metadata version -1", DecodeWorkerMetadata(with(meta, 0, "ffff")).status(),
       "Unsupported subscription version: -1"},
      {"assignment version -1", DecodeConnectAssignment(with(meta, 0, "ffff")).status(),
       "Unsupported subscription version: -1"},
      {"negative url length", DecodeWorkerMetadata(with(meta, 2, "80")).status(),
       "Error reading field 'url': String length -32747 cannot be negative"},
      {"url longer than the input", DecodeWorkerMetadata(with(meta, 3, "40")).status(),
       "Error reading field 'url': Error reading string of length 64, only 29 bytes available"},
      {"assignment count -2 reads as null, then the entries as 'revoked'",
       DecodeConnectAssignment(with(several, array_at, "fffffffe")).status(),
       "Error reading field 'revoked': Error reading array of size 293477, only 112 bytes "
       "available"},
      {"assignment count -1 likewise",
       DecodeConnectAssignment(with(several, array_at, "ffffffff")).status(),
       "Error reading field 'revoked': Error reading array of size 293477, only 112 bytes "
       "available"},
      {"huge assignment count", DecodeConnectAssignment(with(several, array_at, "7f")).status(),
       "Error reading field 'assignment': Error reading array of size 2130706438, only 116 bytes "
       "available"},
      {"null tasks array", DecodeConnectAssignment(with(several, tasks_at, "ffffffff")).status(),
       "Error reading field 'assignment': Error reading field 'tasks': Array size -1 cannot be "
       "negative"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(c.status.message(), c.message) << c.name;
  }
}

// Every prefix of a valid encoding: Java accepts exactly the prefixes that end where a field
// with a default begins (and reads the rest as defaults); it refuses every other one. Ours
// accepts and refuses the same prefixes, with Java's message where the Java program printed
// one.
TEST(ConnectProtocolDecoders, AcceptAndRefuseTheSamePrefixesAsJava) {
  struct Case {
    const char* name;
    std::string bytes;
    bool metadata;
    std::vector<size_t> accepted;                      // Kafka 3.9.1's accepted prefix lengths
    std::vector<std::pair<size_t, std::string>> messages;  // Kafka 3.9.1's messages
  };
  const Case cases[] = {
      {"meta_v0", Unhex("00000015687474703a2f2f31302e302e302e353a383038332f000000000000002a"), true, {},
       {{0, "SchemaException: Error reading field 'version': java.nio.BufferUnderflowException"},
        {3, "SchemaException: Error reading field 'url': java.nio.BufferUnderflowException"},
        {32, "SchemaException: Error reading field 'config-offset': java.nio.BufferUnderflowException"}}},
      {"meta_v1_null_allocation", Unhex("00010015687474703a2f2f31302e302e302e353a383038332f000000000000002affffffff"), true, {33},
       {{36, "SchemaException: Error reading field 'allocation': java.nio.BufferUnderflowException"}}},
      {"meta_v2_with_allocation", Unhex("00020015687474703a2f2f31302e302e302e353a383038332f000000000000002a000000d300020000002e63"
    "6f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d3062386535653466326431"
    "310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600047a6574610000"
    "0002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff0000000000000001"
    "00000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563746f722d313000"
    "000001ffffffff000366733200000001000000000000000000000000"), true, {33},
       {{247, "SchemaException: Error reading field 'allocation': Error reading bytes of size 211, only"
    " 210 bytes available"}}},
      {"assign_v0_several", Unhex("00000000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000110000000600"
    "047a65746100000002ffffffff0000000200016200000001ffffffff0005616c70686100000004ffffffff00"
    "0000000000000100000003000b6f72646572732d73696e6b00000002ffffffff00000000000c636f6e6e6563"
    "746f722d313000000001ffffffff00036673320000000100000000"), false, {83},
       {{3, "SchemaException: Error reading field 'error': java.nio.BufferUnderflowException"},
        {202, "SchemaException: Error reading field 'assignment': Error reading field 'tasks': java.nio"
    ".BufferUnderflowException"}}},
      {"assign_v2_revoked_delay", Unhex("00020000002e636f6e6e6563742d312d36613363376230652d316630652d346335332d396432612d30623865"
    "35653466326431310015687474703a2f2f31302e302e302e353a383038332f00000000000000170000000100"
    "016100000002ffffffff00000000000000020004676f6e6500000002ffffffff0000000300047a6574610000"
    "0003ffffffff0000000000000001000493e0"), false, {83, 102, 146},
       {{149, "SchemaException: Error reading field 'delay': java.nio.BufferUnderflowException"}}},
  };
  for (const Case& c : cases) {
    std::vector<size_t> accepted;
    for (size_t n = 0; n < c.bytes.size(); ++n) {
      const std::string_view prefix = std::string_view(c.bytes).substr(0, n);
      const absl::Status status = c.metadata ? DecodeWorkerMetadata(prefix).status()
                                             : DecodeConnectAssignment(prefix).status();
      if (status.ok()) {
        accepted.push_back(n);
        continue;
      }
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name << " " << n;
      EXPECT_THAT(status.message(), StartsWith("Error reading field '")) << c.name << " " << n;
      for (const auto& [length, message] : c.messages) {
        if (length == n) EXPECT_EQ("SchemaException: " + std::string(status.message()), message);
      }
    }
    EXPECT_EQ(accepted, c.accepted) << c.name;
  }
}

TEST(ConnectProtocolDecoders, NameTheMissingRequiredFieldOfAnAssignment) {
  EXPECT_EQ(DecodeConnectAssignment(Unhex("0001")).status().message(),
            "Error reading field 'error': Missing value for field 'error' which has no default "
            "value.");
}

TEST(RunningAfter, DropsWhatIsRevokedAndAddsWhatIsAssigned) {
  ConnectAssignment running;
  running.assigned = GroupAssigned({"a", "b"}, {{"a", 0}, {"a", 1}, {"b", 0}});
  ConnectAssignment received;
  received.leader = "leader-1";
  received.config_offset = 12;
  received.revoked = GroupRevoked({"b"}, {{"a", 1}});
  received.assigned = GroupAssigned({"c"}, {{"c", 0}});
  received.delay = absl::Seconds(3);
  ConnectAssignment after = RunningAfter(running, received);
  // In Java's order of assignment entries (GroupAssigned).
  EXPECT_THAT(ConnectorsOf(after.assigned), ::testing::UnorderedElementsAre("a", "c"));
  EXPECT_THAT(TasksOf(after.assigned),
              ::testing::UnorderedElementsAreArray(
                  std::vector<ConnectorTaskId>{{"a", 0}, {"b", 0}, {"c", 0}}));
  EXPECT_TRUE(after.revoked.empty());
  EXPECT_EQ(after.leader, "leader-1");
  EXPECT_EQ(after.config_offset, 12);
  EXPECT_EQ(after.delay, absl::Seconds(3));
}

}  // namespace
}  // namespace sluice::distributed
