#include "server/distributed/kafka_connection.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/distributed/group_member.h"

namespace sluice::distributed {
namespace {

using ::testing::HasSubstr;

// A request as the fake broker sees it.
struct SeenRequest {
  ApiKey key;
  int16_t version;
  int32_t correlation_id;
};

// A broker on 127.0.0.1 that speaks just enough: one connection at a time, each request
// answered with the body `respond` returns (nullopt: never answered, as a broker holding a
// JoinGroup). The answer's header carries `correlation_offset` + the request's id.
class FakeBroker {
 public:
  using Respond = std::function<std::optional<std::string>(const SeenRequest&)>;

  explicit FakeBroker(Respond respond) : respond_(std::move(respond)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(listen_fd_, 8);
    thread_ = std::thread([this] { Serve(); });
  }

  ~FakeBroker() {
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    stop_.Notify();
    thread_.join();
  }

  int port() const { return port_; }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  std::atomic<int32_t> correlation_offset{0};

  // Waits until the broker has seen a request of `key` (10 s at most).
  bool AwaitRequest(ApiKey key) {
    absl::MutexLock lock(&mu_);
    auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      for (const SeenRequest& r : seen_) {
        if (r.key == key) return true;
      }
      return false;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&seen), absl::Seconds(10));
  }

 private:
  void Serve() {
    while (!stop_.HasBeenNotified()) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::string in;
      char buf[4096];
      while (true) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 50) == 0) {
          if (stop_.HasBeenNotified()) break;
          continue;
        }
        const ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        while (true) {
          absl::StatusOr<std::optional<std::string_view>> frame = NextFrame(in, 1 << 20);
          if (!frame.ok() || !frame->has_value()) break;
          WireReader r(**frame);
          SeenRequest seen{static_cast<ApiKey>(r.Int16("api_key")), r.Int16("api_version"),
                           r.Int32("correlation_id")};
          in.erase(0, 4 + (*frame)->size());
          {
            absl::MutexLock lock(&mu_);
            seen_.push_back(seen);
          }
          std::optional<std::string> body = respond_(seen);
          if (!body.has_value()) continue;
          WireWriter w;
          w.Int32(seen.correlation_id + correlation_offset);
          std::string payload = *std::move(w).Finish() + *body;
          std::string out = *SizePrefixed(payload);
          send(fd, out.data(), out.size(), MSG_NOSIGNAL);
        }
      }
      close(fd);
    }
  }

  Respond respond_;
  int listen_fd_;
  int port_ = 0;
  absl::Notification stop_;
  absl::Mutex mu_;
  std::vector<SeenRequest> seen_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// ApiVersions v0 response body serving `ranges`.
std::string ApiVersionsBody(const std::vector<ApiVersionRange>& ranges) {
  WireWriter w;
  w.Int16(0);
  w.ArrayCount("api_keys", ranges.size());
  for (const ApiVersionRange& r : ranges) {
    w.Int16(r.api_key);
    w.Int16(r.min_version);
    w.Int16(r.max_version);
  }
  return *std::move(w).Finish();
}

// What Kafka 3.9 serves of the APIs the client uses.
std::vector<ApiVersionRange> Kafka39Versions() {
  return {{10, 0, 5}, {11, 0, 9}, {12, 0, 4}, {13, 0, 5}, {14, 0, 5}, {17, 0, 1},
          {18, 0, 4}, {36, 0, 2}};
}

std::optional<std::string> AnswerApiVersions(const SeenRequest& r) {
  if (r.key == ApiKey::kApiVersions) return ApiVersionsBody(Kafka39Versions());
  return std::nullopt;  // everything else is held
}

FindCoordinatorRequest AnyFind() {
  FindCoordinatorRequest find;
  find.key = "g";
  return find;
}

TEST(ParseHostPort, SplitsHostAndPortAndRefusesWhatKafkaRefuses) {
  EXPECT_EQ(*ParseHostPort("broker-1:9092"), std::make_pair(std::string("broker-1"), 9092));
  EXPECT_EQ(*ParseHostPort(" [::1]:9093 "), std::make_pair(std::string("::1"), 9093));
  EXPECT_EQ(ParseHostPort("broker-1").status().message(),
            "Invalid url in bootstrap.servers: broker-1");
  EXPECT_FALSE(ParseHostPort("broker-1:x").ok());
  EXPECT_FALSE(ParseHostPort(":9092").ok());
}

TEST(ConnectionOptionsFromLibrdkafka, TakesTheWorkersTranslatedSecuritySettings) {
  absl::StatusOr<KafkaConnectionOptions> o = ConnectionOptionsFromLibrdkafka({
      {"security.protocol", "sasl_ssl"},
      {"sasl.mechanisms", "SCRAM-SHA-512"},
      {"sasl.username", "alice"},
      {"sasl.password", "secret"},
      {"ssl.ca.pem", "-----BEGIN CERTIFICATE-----"},
      {"ssl.endpoint.identification.algorithm", "none"},
      {"client.id", "connect-1"},
  });
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->security_protocol, SecurityProtocol::kSaslSsl);
  EXPECT_EQ(o->sasl_mechanism, "SCRAM-SHA-512");
  EXPECT_EQ(o->sasl_username, "alice");
  EXPECT_EQ(o->sasl_password, "secret");
  EXPECT_EQ(o->ca_pem, "-----BEGIN CERTIFICATE-----");
  EXPECT_FALSE(o->verify_hostname);
  EXPECT_EQ(o->client_id, "connect-1");

  absl::StatusOr<KafkaConnectionOptions> plain = ConnectionOptionsFromLibrdkafka({});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->security_protocol, SecurityProtocol::kPlaintext);
  EXPECT_TRUE(plain->verify_hostname);
}

TEST(ConnectionOptionsFromLibrdkafka, RefusesWhatTheClientCannotSpeak) {
  EXPECT_THAT(ConnectionOptionsFromLibrdkafka({{"security.protocol", "SASL_PLAINTEXT"}})
                  .status()
                  .message(),
              HasSubstr("not GSSAPI"));
  EXPECT_FALSE(ConnectionOptionsFromLibrdkafka({{"security.protocol", "TLS"}}).ok());
  EXPECT_EQ(ConnectionOptionsFromLibrdkafka(
                {{"security.protocol", "SSL"}, {"ssl.keystore.location", "/nonexistent/k.p12"}})
                .status()
                .message(),
            "Cannot read /nonexistent/k.p12 (ssl.keystore.location): No such file or directory");
}

TEST(KafkaConnection, RefusesABrokerWithoutTheVersionsItSpeaks) {
  FakeBroker broker([](const SeenRequest& r) -> std::optional<std::string> {
    // A broker from before KIP-345: JoinGroup up to v4 only.
    return ApiVersionsBody({{10, 0, 2}, {11, 0, 4}, {12, 0, 3}, {13, 0, 3}, {14, 0, 3}});
  });
  absl::StatusOr<std::unique_ptr<KafkaConnection>> c = KafkaConnection::Connect(
      "127.0.0.1", broker.port(), {}, absl::Now() + absl::Seconds(10), nullptr);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(c.status().message(),
            absl::StrCat("Broker ", broker.address(),
                         " does not serve JoinGroup v5 (it serves v0 to v4), which the group "
                         "membership client needs"));
}

TEST(KafkaConnection, EndsACallThatIsNeverAnsweredAtItsDeadline) {
  FakeBroker broker(&AnswerApiVersions);
  absl::StatusOr<std::unique_ptr<KafkaConnection>> c = KafkaConnection::Connect(
      "127.0.0.1", broker.port(), {}, absl::Now() + absl::Seconds(10), nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  const absl::Time start = absl::Now();
  absl::StatusOr<FindCoordinatorResponse> r =
      (*c)->Call(AnyFind(), start + absl::Milliseconds(200), nullptr);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(200));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE((*c)->broken());
  // A broken connection is not used again.
  EXPECT_EQ((*c)->Call(AnyFind(), absl::Now() + absl::Seconds(10), nullptr).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(KafkaConnection, ACancelFromAnotherThreadEndsABlockedCallAtOnce) {
  FakeBroker broker(&AnswerApiVersions);
  Canceller cancel;
  absl::StatusOr<std::unique_ptr<KafkaConnection>> c = KafkaConnection::Connect(
      "127.0.0.1", broker.port(), {}, absl::Now() + absl::Seconds(10), &cancel);
  ASSERT_TRUE(c.ok()) << c.status();
  std::thread canceller([&] {
    broker.AwaitRequest(ApiKey::kFindCoordinator);
    cancel.Cancel();
  });
  const absl::Time start = absl::Now();
  absl::StatusOr<FindCoordinatorResponse> r =
      (*c)->Call(AnyFind(), start + absl::Seconds(30), &cancel);
  canceller.join();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled) << r.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_TRUE(cancel.cancelled());
  cancel.Reset();
  EXPECT_FALSE(cancel.cancelled());
}

TEST(KafkaConnection, RefusesAResponseToAnotherRequest) {
  FakeBroker broker([](const SeenRequest& r) -> std::optional<std::string> {
    if (r.key == ApiKey::kApiVersions) return ApiVersionsBody(Kafka39Versions());
    WireWriter w;  // a FindCoordinator v1 answer
    w.Int32(0);
    w.Int16(0);
    w.NullableString("error_message", std::nullopt);
    w.Int32(1);
    w.String("host", "127.0.0.1");
    w.Int32(9092);
    return *std::move(w).Finish();
  });
  absl::StatusOr<std::unique_ptr<KafkaConnection>> c = KafkaConnection::Connect(
      "127.0.0.1", broker.port(), {}, absl::Now() + absl::Seconds(10), nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<FindCoordinatorResponse> ok =
      (*c)->Call(AnyFind(), absl::Now() + absl::Seconds(10), nullptr);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->port, 9092);
  broker.correlation_offset = 5;
  absl::StatusOr<FindCoordinatorResponse> wrong =
      (*c)->Call(AnyFind(), absl::Now() + absl::Seconds(10), nullptr);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(wrong.status().message(), HasSubstr("answered correlation id 8 to request 3"));
}

TEST(ConnectBootstrap, TriesTheNextServerWhenOneIsDown) {
  FakeBroker broker(&AnswerApiVersions);
  // A port nothing listens on: bind one, then close it.
  int closed_port;
  {
    FakeBroker gone(&AnswerApiVersions);
    closed_port = gone.port();
  }
  absl::StatusOr<std::unique_ptr<KafkaConnection>> c =
      ConnectBootstrap({absl::StrCat("127.0.0.1:", closed_port), broker.address()}, {},
                       absl::Now() + absl::Seconds(10), nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ((*c)->address(), broker.address());

  absl::StatusOr<std::unique_ptr<KafkaConnection>> none = ConnectBootstrap(
      {absl::StrCat("127.0.0.1:", closed_port)}, {}, absl::Now() + absl::Seconds(10), nullptr);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(none.status().message(), HasSubstr("No broker of bootstrap.servers answered"));
}

// ---- GroupMember against the fake broker: what needs no real coordinator.

GroupMemberOptions FakeOptions(const FakeBroker& broker) {
  GroupMemberOptions o;
  o.bootstrap_servers = {broker.address()};
  o.group_id = "g";
  return o;
}

TEST(GroupMember, StopReturnsPromptlyWhileARequestIsHeld) {
  FakeBroker broker(&AnswerApiVersions);  // FindCoordinator is never answered
  GroupMember member(FakeOptions(broker), {});
  member.Start();
  ASSERT_TRUE(broker.AwaitRequest(ApiKey::kFindCoordinator));
  const absl::Time start = absl::Now();
  member.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  member.Stop();  // idempotent
}

TEST(GroupMember, GivesUpOnAFatalErrorAndSaysWhy) {
  FakeBroker broker([](const SeenRequest& r) -> std::optional<std::string> {
    if (r.key == ApiKey::kApiVersions) return ApiVersionsBody(Kafka39Versions());
    WireWriter w;  // FindCoordinator v1: GROUP_AUTHORIZATION_FAILED
    w.Int32(0);
    w.Int16(30);
    w.NullableString("error_message", std::nullopt);
    w.Int32(-1);
    w.String("host", "");
    w.Int32(-1);
    return *std::move(w).Finish();
  });
  absl::Notification fatal;
  absl::Status error;
  GroupMemberCallbacks callbacks;
  callbacks.on_fatal_error = [&](const absl::Status& s) {
    error = s;
    fatal.Notify();
  };
  GroupMember member(FakeOptions(broker), callbacks);
  member.Start();
  ASSERT_TRUE(fatal.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(error.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(error.message(), HasSubstr("GROUP_AUTHORIZATION_FAILED (30)"));
  member.Stop();
}

}  // namespace
}  // namespace sluice::distributed
