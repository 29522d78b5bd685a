// Runs sluice-gateway (the REST front end) as a child of sluiced and keeps it running: started
// with the REST listener and the worker's gRPC address, restarted with a back-off if it dies,
// and stopped (never orphaned: it exits when its stdin closes) when the worker stops.
//
// Thread-safe.
#ifndef SLUICE_SERVER_GATEWAY_GATEWAY_SUPERVISOR_H_
#define SLUICE_SERVER_GATEWAY_GATEWAY_SUPERVISOR_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/process/child_process.h"

namespace sluice::gateway {

class GatewaySupervisor {
 public:
  struct Options {
    std::string binary;   // path of sluice-gateway
    std::string listen;   // host:port for REST ("" host = all interfaces)
    std::string backend;  // the worker's gRPC address
    // A PropertyFileLoginModule credentials file: the gateway then requires HTTP basic
    // authentication (Kafka Connect's BasicAuthSecurityRestExtension). Empty: none.
    std::string basic_auth_credentials_file;
    // A 0600 file holding the secret with which the gateway speaks for the REST caller it
    // authenticated (server/api/access_control.h). Empty: none.
    std::string backend_token_file;
    // host:port of a second listener serving only GET /metrics, without authentication
    // (Sluice's metrics.listener). Empty: none.
    std::string metrics_listen;
    // REST over https (empty tls_cert_file: plain http): the PEM certificate chain and key,
    // which the gateway reads again when they change; the CA file that verifies client
    // certificates, ssl.client.auth ("none", "requested", "required") and the TLS versions
    // served ("1.2" / "1.3"; "" = both).
    std::string tls_cert_file;
    std::string tls_key_file;
    std::string tls_client_ca_file;
    std::string tls_client_auth;
    std::string tls_min_version;
    std::string tls_max_version;
    // sluiced's gRPC over TLS (empty backend_tls_ca_file: plaintext): the CA file that verifies
    // its certificate, and the client key pair presented when it requires one.
    std::string backend_tls_ca_file;
    std::string backend_tls_cert_file;
    std::string backend_tls_key_file;
    // Requests forwarded to an https leader: the CA file (default: the system's) and the client
    // key pair presented when the leader asks for one.
    std::string forward_tls_ca_file;
    std::string forward_tls_cert_file;
    std::string forward_tls_key_file;
    // Whether the leader's certificate must name its host (Kafka's
    // ssl.endpoint.identification.algorithm; false: the chain is verified, not the name).
    bool forward_tls_verify_hostname = true;
  };

  // Starts the gateway and waits until it listens. Unavailable when it exits first (e.g. the
  // port is taken), with its stderr.
  static absl::StatusOr<std::unique_ptr<GatewaySupervisor>> Start(Options options);
  ~GatewaySupervisor();

  // host:port the gateway bound.
  std::string address() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit GatewaySupervisor(Options options) : options_(std::move(options)) {}
  absl::StatusOr<std::unique_ptr<process::ChildProcess>> Spawn();
  void Watch() ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  mutable absl::Mutex mu_;
  std::unique_ptr<process::ChildProcess> child_ ABSL_GUARDED_BY(mu_);
  std::string address_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread watcher_;
};

}  // namespace sluice::gateway

#endif  // SLUICE_SERVER_GATEWAY_GATEWAY_SUPERVISOR_H_
