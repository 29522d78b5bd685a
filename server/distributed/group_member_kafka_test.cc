// KafkaConnection and GroupMember against a real Kafka broker:
// tests/integration/test_group_membership.py starts one with tools/kafka (PLAINTEXT,
// SASL_PLAINTEXT with PLAIN and SCRAM users, SSL with a self-signed certificate) and runs this
// binary with SLUICE_TEST_KAFKA_* naming them. Without them the tests fail, rather than pass
// without a broker.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/distributed/group_member.h"
#include "server/kafka/client_configs.h"

namespace sluice::distributed {
namespace {

using ::testing::UnorderedElementsAreArray;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}
std::string Bootstrap() { return Env("SLUICE_TEST_KAFKA_BOOTSTRAP"); }

std::string ReadFile(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

KafkaConnectionOptions SaslOptions(const std::string& mechanism) {
  KafkaConnectionOptions o;
  o.security_protocol = SecurityProtocol::kSaslPlaintext;
  o.sasl_mechanism = mechanism;
  o.sasl_username = Env("SLUICE_TEST_KAFKA_USER");
  o.sasl_password = Env("SLUICE_TEST_KAFKA_PASSWORD");
  return o;
}

KafkaConnectionOptions SslOptions() {
  KafkaConnectionOptions o;
  o.security_protocol = SecurityProtocol::kSsl;
  o.ca_pem = ReadFile(Env("SLUICE_TEST_KAFKA_CA_PEM"));
  return o;
}

absl::StatusOr<std::unique_ptr<KafkaConnection>> ConnectTo(const std::string& bootstrap,
                                                           const KafkaConnectionOptions& o) {
  return ConnectBootstrap({bootstrap}, o, absl::Now() + absl::Seconds(15), nullptr);
}

// Whether `c` can do a group request (FindCoordinator) after its setup.
void ExpectFindsCoordinator(KafkaConnection& c) {
  FindCoordinatorRequest find;
  find.key = "sluice-test-any";
  absl::StatusOr<FindCoordinatorResponse> r = c.Call(find, absl::Now() + absl::Seconds(15), nullptr);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->error_code, ::testing::AnyOf(KafkaErrorCode::kNone,
                                              KafkaErrorCode::kCoordinatorNotAvailable));
}

std::string UniqueGroup(const std::string& name) {
  return absl::StrCat("sluice-test-", name, "-", absl::ToUnixNanos(absl::Now()));
}

const std::vector<std::string> kConnectors = {"c0", "c1", "c2", "c3", "c4"};

// A fake leader's assignor: every connector with its task 0, dealt round-robin over the
// members sorted by member id.
absl::StatusOr<std::map<std::string, ConnectAssignment>> DealConnectors(const LeaderInput& in) {
  std::vector<std::string> ids;
  std::string leader_url;
  for (const GroupMemberMetadata& m : in.members) {
    ids.push_back(m.member_id);
    if (m.member_id == in.leader_id) leader_url = m.metadata.url;
  }
  std::sort(ids.begin(), ids.end());
  std::map<std::string, ConnectAssignment> out;
  for (const std::string& id : ids) {
    out[id].leader = in.leader_id;
    out[id].leader_url = leader_url;
  }
  for (size_t i = 0; i < kConnectors.size(); ++i) {
    out[ids[i % ids.size()]].assigned.push_back({kConnectors[i], {kConnectorTask, 0}});
  }
  return out;
}

// One member and what it was given, waited for without sleeping.
class TestMember {
 public:
  TestMember(const std::string& group, std::string url, absl::Duration heartbeat_interval,
             const std::string& bootstrap = Bootstrap(),
             const KafkaConnectionOptions& connection = {})
      : url_(std::move(url)) {
    GroupMemberOptions options;
    options.bootstrap_servers = {bootstrap};
    options.connection = connection;
    options.group_id = group;
    options.session_timeout = absl::Seconds(10);
    options.heartbeat_interval = heartbeat_interval;
    options.rebalance_timeout = absl::Seconds(20);
    options.connection.client_id = url_;
    GroupMemberCallbacks callbacks;
    callbacks.on_join_prepare = [this](int32_t generation, const std::string& member_id) {
      absl::MutexLock lock(&mu_);
      prepared_.emplace_back(generation, member_id);
    };
    callbacks.metadata = [this] {
      {
        absl::MutexLock lock(&mu_);
        ++joins_;
      }
      WorkerMetadata m;
      m.url = url_;
      m.config_offset = 7;
      return m;
    };
    callbacks.assign = [this](const LeaderInput& in) {
      absl::MutexLock lock(&mu_);
      leader_inputs_.push_back(in);
      return DealConnectors(in);
    };
    callbacks.on_assignment = [this](const MemberAssignment& a) {
      absl::MutexLock lock(&mu_);
      assignments_.push_back(a);
    };
    callbacks.on_fatal_error = [this](const absl::Status& s) {
      absl::MutexLock lock(&mu_);
      fatal_ = s;
    };
    member_ = std::make_unique<GroupMember>(options, callbacks);
  }

  GroupMember& member() { return *member_; }

  // The first assignment of a generation after `after`, or nullopt after 30 s.
  std::optional<MemberAssignment> AwaitGenerationAfter(int32_t after) {
    absl::MutexLock lock(&mu_);
    auto arrived = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !fatal_.ok() || (!assignments_.empty() && assignments_.back().generation > after);
    };
    mu_.AwaitWithTimeout(absl::Condition(&arrived), absl::Seconds(30));
    EXPECT_TRUE(fatal_.ok()) << fatal_;
    if (assignments_.empty() || assignments_.back().generation <= after) return std::nullopt;
    return assignments_.back();
  }

  // Whether the member got to send its n-th JoinGroup within 10 s.
  bool AwaitJoins(int n) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return joins_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(10));
  }

  std::vector<std::pair<int32_t, std::string>> prepared() {
    absl::MutexLock lock(&mu_);
    return prepared_;
  }

  std::vector<LeaderInput> leader_inputs() {
    absl::MutexLock lock(&mu_);
    return leader_inputs_;
  }

 private:
  const std::string url_;
  absl::Mutex mu_;
  std::vector<MemberAssignment> assignments_ ABSL_GUARDED_BY(mu_);
  std::vector<LeaderInput> leader_inputs_ ABSL_GUARDED_BY(mu_);
  absl::Status fatal_ ABSL_GUARDED_BY(mu_);
  int joins_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::pair<int32_t, std::string>> prepared_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<GroupMember> member_;
};

std::vector<std::string> Connectors(const MemberAssignment& a) {
  return ConnectorsOf(a.assignment.assigned);
}

class GroupMemberOnKafka : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Bootstrap().empty()) << "SLUICE_TEST_KAFKA_BOOTSTRAP names no broker";
  }
};

TEST_F(GroupMemberOnKafka, TwoMembersSplitTheWorkAndTheSurvivorGetsAllOfItWhenOneLeaves) {
  const std::string group = UniqueGroup("split");
  TestMember a(group, "http://worker-a:8083/", absl::Milliseconds(300));
  TestMember b(group, "http://worker-b:8083/", absl::Milliseconds(300));

  a.member().Start();
  std::optional<MemberAssignment> alone = a.AwaitGenerationAfter(-1);
  ASSERT_TRUE(alone.has_value());
  EXPECT_TRUE(alone->leader);
  EXPECT_EQ(alone->protocol, ConnectProtocolCompatibility::kSessioned);
  EXPECT_THAT(Connectors(*alone), UnorderedElementsAreArray(kConnectors));
  EXPECT_EQ(alone->assignment.leader_url, "http://worker-a:8083/");
  EXPECT_FALSE(alone->member_id.empty());

  b.member().Start();
  std::optional<MemberAssignment> b_split = b.AwaitGenerationAfter(alone->generation);
  std::optional<MemberAssignment> a_split = a.AwaitGenerationAfter(alone->generation);
  ASSERT_TRUE(a_split.has_value());
  ASSERT_TRUE(b_split.has_value());
  EXPECT_EQ(a_split->generation, b_split->generation);
  EXPECT_NE(a_split->member_id, b_split->member_id);
  EXPECT_NE(a_split->leader, b_split->leader);
  // Both were given work, none of it twice, all of it once.
  EXPECT_FALSE(Connectors(*a_split).empty());
  EXPECT_FALSE(Connectors(*b_split).empty());
  std::vector<std::string> all = Connectors(*a_split);
  for (const std::string& c : Connectors(*b_split)) all.push_back(c);
  EXPECT_THAT(all, UnorderedElementsAreArray(kConnectors));
  // The leader saw both members' metadata as they sent it.
  TestMember& leader = a_split->leader ? a : b;
  ASSERT_FALSE(leader.leader_inputs().empty());
  const LeaderInput in = leader.leader_inputs().back();
  EXPECT_EQ(in.generation, a_split->generation);
  std::set<std::string> urls;
  for (const GroupMemberMetadata& m : in.members) {
    urls.insert(m.metadata.url);
    EXPECT_EQ(m.metadata.config_offset, 7);
    EXPECT_EQ(m.metadata.version, 2);
  }
  EXPECT_EQ(urls, (std::set<std::string>{"http://worker-a:8083/", "http://worker-b:8083/"}));

  const absl::Time stopping = absl::Now();
  b.member().Stop();
  EXPECT_LT(absl::Now() - stopping, absl::Seconds(1));
  EXPECT_EQ(b.member().member_id(), "") << "LeaveGroup was answered";
  std::optional<MemberAssignment> a_again = a.AwaitGenerationAfter(a_split->generation);
  ASSERT_TRUE(a_again.has_value());
  EXPECT_TRUE(a_again->leader);
  EXPECT_THAT(Connectors(*a_again), UnorderedElementsAreArray(kConnectors));
  a.member().Stop();
}

TEST_F(GroupMemberOnKafka, StopReturnsPromptlyWhileAJoinIsHeldByTheCoordinator) {
  const std::string group = UniqueGroup("stop");
  // A heartbeats rarely, so the coordinator holds B's JoinGroup until A rejoins.
  TestMember a(group, "http://worker-a:8083/", absl::Seconds(8));
  TestMember b(group, "http://worker-b:8083/", absl::Milliseconds(300));
  a.member().Start();
  std::optional<MemberAssignment> alone = a.AwaitGenerationAfter(-1);
  ASSERT_TRUE(alone.has_value());

  b.member().Start();
  // B's second JoinGroup (with the member id the first fetched) is the one the coordinator
  // holds until A rejoins.
  ASSERT_TRUE(b.AwaitJoins(2));
  EXPECT_FALSE(b.member().member_id().empty());
  const absl::Time stopping = absl::Now();
  b.member().Stop();
  const absl::Duration took = absl::Now() - stopping;
  EXPECT_LT(took, absl::Seconds(1)) << "Stop took " << took;
  a.member().Stop();
}

TEST_F(GroupMemberOnKafka, RequestRejoinStartsANewGeneration) {
  const std::string group = UniqueGroup("rejoin");
  TestMember a(group, "http://worker-a:8083/", absl::Seconds(3));
  a.member().Start();
  std::optional<MemberAssignment> first = a.AwaitGenerationAfter(-1);
  ASSERT_TRUE(first.has_value());
  a.member().RequestRejoin();
  std::optional<MemberAssignment> second = a.AwaitGenerationAfter(first->generation);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->member_id, first->member_id);
  // Each join was announced with what it leaves behind.
  const std::vector<std::pair<int32_t, std::string>> prepared = a.prepared();
  ASSERT_EQ(prepared.size(), 2u);
  EXPECT_EQ(prepared[0], std::make_pair(-1, std::string()));
  EXPECT_EQ(prepared[1], std::make_pair(first->generation, first->member_id));
  a.member().Stop();
}

TEST_F(GroupMemberOnKafka, ConnectsWithSaslPlainAndScram) {
  for (const std::string mechanism : {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}) {
    SCOPED_TRACE(mechanism);
    absl::StatusOr<std::unique_ptr<KafkaConnection>> c =
        ConnectTo(Env("SLUICE_TEST_KAFKA_SASL_BOOTSTRAP"), SaslOptions(mechanism));
    ASSERT_TRUE(c.ok()) << c.status();
    ExpectFindsCoordinator(**c);
  }
}

TEST_F(GroupMemberOnKafka, RefusesAWrongSaslPasswordWithTheBrokersMessage) {
  for (const std::string mechanism : {"PLAIN", "SCRAM-SHA-256"}) {
    SCOPED_TRACE(mechanism);
    KafkaConnectionOptions o = SaslOptions(mechanism);
    o.sasl_password = "wrong";
    absl::StatusOr<std::unique_ptr<KafkaConnection>> c =
        ConnectTo(Env("SLUICE_TEST_KAFKA_SASL_BOOTSTRAP"), o);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kUnauthenticated) << c.status();
    EXPECT_THAT(c.status().message(), ::testing::HasSubstr("SASL_AUTHENTICATION_FAILED"));
  }
}

TEST_F(GroupMemberOnKafka, FailsSaslOnAPlaintextListener) {
  absl::StatusOr<std::unique_ptr<KafkaConnection>> c =
      ConnectTo(Env("SLUICE_TEST_KAFKA_BOOTSTRAP"), SaslOptions("PLAIN"));
  // A PLAINTEXT listener answers SaslHandshake as an illegal SASL state, or drops the
  // connection; either way the client must not get further.
  EXPECT_FALSE(c.ok());
}

TEST_F(GroupMemberOnKafka, ConnectsWithTlsCheckingTheBrokersNameAndTrust) {
  absl::StatusOr<std::unique_ptr<KafkaConnection>> c =
      ConnectTo(Env("SLUICE_TEST_KAFKA_SSL_BOOTSTRAP"), SslOptions());
  ASSERT_TRUE(c.ok()) << c.status();
  ExpectFindsCoordinator(**c);

  // The self-signed certificate is not in OpenSSL's default trust store.
  KafkaConnectionOptions untrusted = SslOptions();
  untrusted.ca_pem.reset();
  absl::StatusOr<std::unique_ptr<KafkaConnection>> refused =
      ConnectTo(Env("SLUICE_TEST_KAFKA_SSL_BOOTSTRAP"), untrusted);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated) << refused.status();
  EXPECT_THAT(refused.status().message(), ::testing::HasSubstr("certificate verification failed"));
}

TEST_F(GroupMemberOnKafka, MembersOnSaslAndTlsListenersFormOneGroup) {
  const std::string group = UniqueGroup("secured");
  TestMember a(group, "http://worker-a:8083/", absl::Milliseconds(300),
               Env("SLUICE_TEST_KAFKA_SASL_BOOTSTRAP"), SaslOptions("SCRAM-SHA-512"));
  TestMember b(group, "http://worker-b:8083/", absl::Milliseconds(300),
               Env("SLUICE_TEST_KAFKA_SSL_BOOTSTRAP"), SslOptions());
  a.member().Start();
  std::optional<MemberAssignment> alone = a.AwaitGenerationAfter(-1);
  ASSERT_TRUE(alone.has_value());
  b.member().Start();
  std::optional<MemberAssignment> a_split = a.AwaitGenerationAfter(alone->generation);
  std::optional<MemberAssignment> b_split = b.AwaitGenerationAfter(alone->generation);
  ASSERT_TRUE(a_split.has_value());
  ASSERT_TRUE(b_split.has_value());
  std::vector<std::string> all = Connectors(*a_split);
  for (const std::string& c : Connectors(*b_split)) all.push_back(c);
  EXPECT_THAT(all, UnorderedElementsAreArray(kConnectors));
  b.member().Stop();
  a.member().Stop();
}

// The worker's Java settings, through the translation its librdkafka clients use
// (kafka::ToLibrdkafka), into the connection's options.
absl::StatusOr<KafkaConnectionOptions> FromJavaSettings(const ConfigMap& java) {
  absl::StatusOr<kafka::ClientSettings> settings =
      kafka::ToLibrdkafka(kafka::ClientType::kAdmin, java);
  if (!settings.ok()) return settings.status();
  return ConnectionOptionsFromLibrdkafka(settings->librdkafka);
}

TEST_F(GroupMemberOnKafka, ShowsAClientCertificateFromTheWorkersKeyStoreSettings) {
  const ConfigMap trust = {{"security.protocol", "SSL"},
                           {"ssl.truststore.type", "PEM"},
                           {"ssl.truststore.location", Env("SLUICE_TEST_KAFKA_CA_PEM")}};
  ConfigMap pem = trust;
  pem["ssl.keystore.type"] = "PEM";
  pem["ssl.keystore.location"] = Env("SLUICE_TEST_KAFKA_CLIENT_PEM");
  ConfigMap p12 = trust;
  p12["ssl.keystore.type"] = "PKCS12";
  p12["ssl.keystore.location"] = Env("SLUICE_TEST_KAFKA_CLIENT_P12");
  p12["ssl.keystore.password"] = Env("SLUICE_TEST_KAFKA_CLIENT_P12_PASSWORD");
  for (const ConfigMap& java : {pem, p12}) {
    SCOPED_TRACE(java.at("ssl.keystore.type"));
    absl::StatusOr<KafkaConnectionOptions> options = FromJavaSettings(java);
    ASSERT_TRUE(options.ok()) << options.status();
    absl::StatusOr<std::unique_ptr<KafkaConnection>> c =
        ConnectTo(Env("SLUICE_TEST_KAFKA_MTLS_BOOTSTRAP"), *options);
    ASSERT_TRUE(c.ok()) << c.status();
    ExpectFindsCoordinator(**c);
  }
  // Without the certificate, the listener does not let the client in.
  absl::StatusOr<KafkaConnectionOptions> anonymous = FromJavaSettings(trust);
  ASSERT_TRUE(anonymous.ok()) << anonymous.status();
  EXPECT_FALSE(ConnectTo(Env("SLUICE_TEST_KAFKA_MTLS_BOOTSTRAP"), *anonymous).ok());
}

TEST_F(GroupMemberOnKafka, JoinsOverSaslSslFromTheWorkersJaasSettings) {
  absl::StatusOr<KafkaConnectionOptions> options = FromJavaSettings({
      {"security.protocol", "SASL_SSL"},
      {"sasl.mechanism", "SCRAM-SHA-256"},
      {"sasl.jaas.config",
       absl::StrCat("org.apache.kafka.common.security.scram.ScramLoginModule required "
                    "username=\"",
                    Env("SLUICE_TEST_KAFKA_USER"), "\" password=\"",
                    Env("SLUICE_TEST_KAFKA_PASSWORD"), "\";")},
      {"ssl.truststore.type", "PEM"},
      {"ssl.truststore.location", Env("SLUICE_TEST_KAFKA_CA_PEM")},
  });
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->security_protocol, SecurityProtocol::kSaslSsl);
  EXPECT_EQ(options->sasl_mechanism, "SCRAM-SHA-256");
  const std::string group = UniqueGroup("sasl-ssl");
  TestMember a(group, "http://worker-a:8083/", absl::Milliseconds(300),
               Env("SLUICE_TEST_KAFKA_SASL_SSL_BOOTSTRAP"), *options);
  a.member().Start();
  std::optional<MemberAssignment> alone = a.AwaitGenerationAfter(-1);
  ASSERT_TRUE(alone.has_value());
  EXPECT_THAT(Connectors(*alone), UnorderedElementsAreArray(kConnectors));
  a.member().Stop();
}

// A Java Kafka Connect 3.9.1 worker in distributed mode leads the group named by
// SLUICE_TEST_JAVA_CONNECT_GROUP (advertising SLUICE_TEST_JAVA_CONNECT_URL) and runs two
// connectors of one task each; test_group_membership.py starts it. A Sluice member joins with
// the sessioned protocol and must be handed a share of the work by the Java leader's
// incremental cooperative assignor (after the leader revoked it from the Java worker).
TEST(JavaInterop, AJavaLeaderAssignsWorkToOurMember) {
  const std::string group = Env("SLUICE_TEST_JAVA_CONNECT_GROUP");
  const std::string java_url = Env("SLUICE_TEST_JAVA_CONNECT_URL");
  ASSERT_FALSE(group.empty()) << "SLUICE_TEST_JAVA_CONNECT_GROUP names no Java Connect group";

  absl::Mutex mu;
  std::vector<MemberAssignment> seen;
  ConnectAssignment running;  // what the member runs: every assignment minus the revocations
  bool has_running = false;

  GroupMemberOptions options;
  options.bootstrap_servers = {Bootstrap()};
  options.group_id = group;
  options.heartbeat_interval = absl::Milliseconds(300);
  options.connection.client_id = "sluice-interop";
  GroupMemberCallbacks callbacks;
  callbacks.metadata = [&] {
    absl::MutexLock lock(&mu);
    WorkerMetadata m;
    m.url = "http://127.0.0.1:1/";
    m.config_offset = -1;
    if (has_running) m.assignment = running;
    return m;
  };
  callbacks.assign = [](const LeaderInput&) -> absl::StatusOr<std::map<std::string, ConnectAssignment>> {
    return absl::FailedPreconditionError("the Java worker is expected to lead");
  };
  callbacks.on_assignment = [&](const MemberAssignment& a) {
    absl::MutexLock lock(&mu);
    seen.push_back(a);
    running = RunningAfter(running, a.assignment);
    running.delay = absl::ZeroDuration();
    has_running = true;
  };
  GroupMember member(options, callbacks);
  member.Start();
  {
    absl::MutexLock lock(&mu);
    auto given_work = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return has_running && !running.assigned.empty();
    };
    EXPECT_TRUE(mu.AwaitWithTimeout(absl::Condition(&given_work), absl::Seconds(40)))
        << "no work from the Java leader after " << seen.size() << " assignments";
    ASSERT_FALSE(seen.empty());
    const MemberAssignment& last = seen.back();
    EXPECT_FALSE(last.leader);
    EXPECT_EQ(last.protocol, ConnectProtocolCompatibility::kSessioned);
    EXPECT_EQ(last.assignment.error, AssignmentError::kNoError);
    EXPECT_EQ(last.assignment.leader_url, java_url);
    EXPECT_NE(last.assignment.leader, last.member_id);
    EXPECT_GE(last.assignment.config_offset, 0);
    for (const ConnectorAssignment& c : running.assigned) {
      EXPECT_THAT(c.connector, ::testing::AnyOf("fs1", "fs2"));
    }
    for (const MemberAssignment& a : seen) {
      std::cout << "generation " << a.generation << ": assigned";
      for (const ConnectorAssignment& c : a.assignment.assigned) {
        std::cout << " " << c.connector << "[" << absl::StrJoin(c.tasks, ",") << "]";
      }
      std::cout << "; revoked";
      for (const ConnectorAssignment& c : a.assignment.revoked) {
        std::cout << " " << c.connector << "[" << absl::StrJoin(c.tasks, ",") << "]";
      }
      std::cout << "; delay " << absl::FormatDuration(a.assignment.delay) << "\n";
    }
  }
  member.Stop();
}

}  // namespace
}  // namespace sluice::distributed
