// A blocking connection to one Kafka broker, for the group membership client of distributed
// mode: TCP, optionally TLS (OpenSSL) and SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), one request
// at a time, each answered by its correlated response within a deadline.
//
//   absl::StatusOr<KafkaConnectionOptions> options = ConnectionOptionsFromLibrdkafka(settings);
//   absl::StatusOr<std::unique_ptr<KafkaConnection>> c = ConnectBootstrap(
//       {"broker-1:9092", "broker-2:9092"}, *options, absl::Now() + absl::Seconds(10), &cancel);
//   absl::StatusOr<JoinGroupResponse> joined =
//       (*c)->Call(join, absl::Now() + absl::Seconds(65), &cancel);
//
// Connecting opens the socket, does the TLS handshake, asks ApiVersions (v0) and checks that the
// broker serves every version the client speaks (FailedPrecondition naming the first it lacks),
// then authenticates with SASL when the security protocol says so (SaslHandshake v1,
// SaslAuthenticate v1). All I/O is non-blocking under poll(2), so every call ends by its deadline
// (DeadlineExceeded) or as soon as its Canceller is cancelled (Cancelled), whatever the broker
// does. After any failed call the connection is broken (its stream may hold half a response)
// and every later call fails at once: open a new one. Name resolution (getaddrinfo) is the one
// step that does not watch the deadline. A broker closing the connection never raises SIGPIPE
// (MSG_NOSIGNAL, and SIGPIPE blocked in the thread while OpenSSL writes).
//
// Thread-compatible: one thread uses a connection at a time. A Canceller is thread-safe.
#ifndef SLUICE_SERVER_DISTRIBUTED_KAFKA_CONNECTION_H_
#define SLUICE_SERVER_DISTRIBUTED_KAFKA_CONNECTION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/distributed/group_messages.h"

namespace sluice::distributed {

// Wakes the blocked I/O of the connections it is passed to, from any thread: once Cancel() is
// called, every call watching it returns Cancelled until Reset(). An eventfd. Thread-safe.
class Canceller {
 public:
  Canceller();
  ~Canceller();
  Canceller(const Canceller&) = delete;
  Canceller& operator=(const Canceller&) = delete;

  void Cancel();
  void Reset();
  bool cancelled() const;
  // The file descriptor that is readable while cancelled (for poll), -1 if none could be made.
  int fd() const { return fd_; }

 private:
  int fd_;
};

// The Kafka client's security.protocol.
enum class SecurityProtocol { kPlaintext, kSsl, kSaslPlaintext, kSaslSsl };

// How to connect and authenticate, from the worker's client settings.
struct KafkaConnectionOptions {
  std::string client_id = "sluice";
  SecurityProtocol security_protocol = SecurityProtocol::kPlaintext;

  // TLS (kSsl, kSaslSsl). Trusted certificates: `ca_pem` (PEM text), else `ca_location` (a PEM
  // file), else OpenSSL's default trust store (as a Java client falls back on the JVM's).
  std::optional<std::string> ca_pem;
  std::optional<std::string> ca_location;
  // ssl.endpoint.identification.algorithm=https (Kafka's default): the broker's certificate
  // must name the host connected to. "" turns it off.
  bool verify_hostname = true;
  // A client certificate (mutual TLS), either PEM (certificate chain, leaf first, and private
  // key, encrypted with key_password or not) or a PKCS#12 key store's bytes and password.
  std::optional<std::string> certificate_pem;
  std::optional<std::string> key_pem;
  std::optional<std::string> key_password;
  std::optional<std::string> pkcs12;
  std::optional<std::string> pkcs12_password;

  // SASL (kSaslPlaintext, kSaslSsl): PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
  std::string sasl_mechanism = "GSSAPI";  // Kafka's default, which Sluice's client refuses
  std::string sasl_username;
  std::string sasl_password;

  // The largest response accepted (a corrupt size prefix must not allocate gigabytes).
  int32_t max_response_bytes = 100 * 1024 * 1024;
};

// The options for the librdkafka settings that server/kafka/client_configs.h's ToLibrdkafka
// makes of a worker's Java client settings (security.protocol, ssl.ca.pem, ssl.ca.location,
// ssl.certificate.pem / ssl.key.pem, ssl.certificate.location / ssl.key.location,
// ssl.keystore.location (PKCS#12) / ssl.keystore.password, ssl.key.password,
// ssl.endpoint.identification.algorithm, sasl.mechanisms, sasl.username, sasl.password,
// client.id), so that the group client connects wherever the worker's librdkafka clients do.
// Files named are read now. InvalidArgument for a security protocol or SASL mechanism this client
// cannot speak, or a file that cannot be read.
absl::StatusOr<KafkaConnectionOptions> ConnectionOptionsFromLibrdkafka(
    const std::map<std::string, std::string>& librdkafka);

// The request versions the client speaks; a broker must serve all of them (plus the SASL ones
// when authenticating).
struct RequiredApi {
  ApiKey key;
  int16_t version;
};
std::vector<RequiredApi> RequiredApis(SecurityProtocol protocol);

// Splits "host:port" (also "[v6::addr]:port"). InvalidArgument with Kafka's wording for a
// bootstrap.servers entry it cannot read ("Invalid url in bootstrap.servers: x").
absl::StatusOr<std::pair<std::string, int>> ParseHostPort(std::string_view address);

class KafkaConnection {
 public:
  // Connects to host:port and sets the connection up (see the file comment). Unavailable when
  // the broker cannot be reached or drops the connection, DeadlineExceeded, Cancelled,
  // FailedPrecondition for a broker lacking an API version, Unauthenticated for a TLS or SASL
  // failure (the message says which).
  static absl::StatusOr<std::unique_ptr<KafkaConnection>> Connect(
      const std::string& host, int port, const KafkaConnectionOptions& options,
      absl::Time deadline, const Canceller* cancel);

  ~KafkaConnection();
  KafkaConnection(const KafkaConnection&) = delete;
  KafkaConnection& operator=(const KafkaConnection&) = delete;

  // Sends `request` and returns its decoded response. The request's errors (EncodeRequest), the
  // connection's, or the decoder's; Kafka error codes inside the response are the caller's.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(const Request& request, absl::Time deadline,
                                const Canceller* cancel,
                                absl::StatusOr<Response> (*decode)(std::string_view)) {
    absl::StatusOr<std::string> frame = EncodeRequest(request, NextIdentity());
    if (!frame.ok()) return frame.status();
    absl::StatusOr<std::string> body = RoundTrip(*frame, deadline, cancel);
    if (!body.ok()) return body.status();
    return decode(*body);
  }

  absl::StatusOr<FindCoordinatorResponse> Call(const FindCoordinatorRequest& r, absl::Time d,
                                               const Canceller* c) {
    return Call(r, d, c, &DecodeFindCoordinatorResponse);
  }
  absl::StatusOr<JoinGroupResponse> Call(const JoinGroupRequest& r, absl::Time d,
                                         const Canceller* c) {
    return Call(r, d, c, &DecodeJoinGroupResponse);
  }
  absl::StatusOr<SyncGroupResponse> Call(const SyncGroupRequest& r, absl::Time d,
                                         const Canceller* c) {
    return Call(r, d, c, &DecodeSyncGroupResponse);
  }
  absl::StatusOr<HeartbeatResponse> Call(const HeartbeatRequest& r, absl::Time d,
                                         const Canceller* c) {
    return Call(r, d, c, &DecodeHeartbeatResponse);
  }
  absl::StatusOr<LeaveGroupResponse> Call(const LeaveGroupRequest& r, absl::Time d,
                                          const Canceller* c) {
    return Call(r, d, c, &DecodeLeaveGroupResponse);
  }

  // "host:port", for messages.
  const std::string& address() const { return address_; }
  // What the broker answered to ApiVersions.
  const ApiVersionsResponse& api_versions() const { return api_versions_; }
  // Whether a call failed, so that the connection must not be used again.
  bool broken() const { return broken_; }

 private:
  struct Tls;
  KafkaConnection(int fd, std::string address, const KafkaConnectionOptions& options);

  RequestIdentity NextIdentity();
  // Writes `frame`, reads frames until the one with the request's correlation id, returns its
  // body. Breaks the connection on any failure.
  absl::StatusOr<std::string> RoundTrip(std::string_view frame, absl::Time deadline,
                                        const Canceller* cancel);
  absl::Status WriteAll(std::string_view bytes, absl::Time deadline, const Canceller* cancel);
  absl::Status ReadSome(absl::Time deadline, const Canceller* cancel);
  // Waits until the socket is readable (`events` POLLIN) or writable (POLLOUT).
  absl::Status Wait(short events, absl::Time deadline, const Canceller* cancel,
                    std::string_view doing);
  absl::Status StartTls(const std::string& host, absl::Time deadline, const Canceller* cancel);
  absl::Status Handshake(absl::Time deadline, const Canceller* cancel);
  absl::Status Authenticate(absl::Time deadline, const Canceller* cancel);
  absl::Status AuthenticateScram(absl::Time deadline, const Canceller* cancel);
  absl::StatusOr<std::string> SaslExchange(std::string auth_bytes, absl::Time deadline,
                                           const Canceller* cancel);

  int fd_;
  std::string address_;
  KafkaConnectionOptions options_;
  std::unique_ptr<Tls> tls_;
  std::string in_;  // bytes read and not yet consumed
  int32_t next_correlation_id_ = 1;
  bool broken_ = false;
  ApiVersionsResponse api_versions_;
};

// Connects to the first of `bootstrap_servers` ("host:port") that answers, trying each in turn
// within the deadline. The last error, naming every address tried, when none does.
absl::StatusOr<std::unique_ptr<KafkaConnection>> ConnectBootstrap(
    const std::vector<std::string>& bootstrap_servers, const KafkaConnectionOptions& options,
    absl::Time deadline, const Canceller* cancel);

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_KAFKA_CONNECTION_H_
