// Who may call the API, and what each caller may see and change.
//
// Authentication: a caller is named by the first of
//   - the REST gateway's word: a call carrying the gateway's secret token (a random value
//     sluiced hands its gateway child at start) and a principal is made on behalf of the
//     principal the gateway authenticated (a basic-auth user, or a client certificate's
//     subject);
//   - "authorization: Basic base64(user:password)" metadata checked against the credentials of
//     Kafka Connect's basic-auth setup (the PropertyFileLoginModule file);
//   - "authorization: Bearer <token>" checked against the bearer tokens file;
//   - the verified TLS client certificate of the gRPC connection (its subject, RFC 2253), unless
//     the call comes through the gateway (whose certificate is the worker's own).
// The gateway passes a REST request's Authorization header on, so REST callers may present a
// bearer token too.
// When none of these is configured the API is open, as Kafka Connect's is by default, and every
// caller is the anonymous principal.
//
// Authorization (beyond Kafka Connect): the tenants policy file maps principals to tenants and
// names the admins. A tenant owns the connectors whose names start with its prefix: it lists,
// reads and manages only those, within its quotas of connectors and tasks, and its connectors'
// plugin hosts run within its sandbox ceilings. Admins see and manage everything. Without a
// policy every authenticated caller is an admin. Ownership by name prefix needs no stored state,
// so every worker of a cluster decides alike, before and after restarts.
//
// Audit: every change (and every refused change) is one JSON line in the audit log, with the
// time, the principal, its tenant, the action, the connector and the outcome.
//
// Thread-safe.
#ifndef SLUICE_SERVER_API_ACCESS_CONTROL_H_
#define SLUICE_SERVER_API_ACCESS_CONTROL_H_

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/plugins/plugin_process.h"
#include "sluice/sdk/config_def.h"

namespace sluice::api {

// Kafka's KafkaPrincipal.ANONYMOUS name.
inline constexpr char kAnonymousPrincipal[] = "ANONYMOUS";

// The message of every refused authentication: Kafka Connect's JaasBasicAuthFilter entity.
inline constexpr char kUnauthenticatedMessage[] = "User cannot access the resource.";

// gRPC metadata through which the gateway speaks for the REST caller.
inline constexpr char kGatewayTokenMetadata[] = "x-sluice-gateway-token";
inline constexpr char kGatewayPrincipalMetadata[] = "x-sluice-principal-bin";
// The call serves a scrape of the gateway's metrics listener (metrics.listener).
inline constexpr char kGatewayMetricsListenerMetadata[] = "x-sluice-metrics-listener";

// What a call presents, read from its metadata and its connection.
struct CallCredentials {
  std::optional<std::string> authorization;      // the "authorization" metadata
  std::optional<std::string> gateway_token;      // kGatewayTokenMetadata
  std::optional<std::string> gateway_principal;  // kGatewayPrincipalMetadata
  std::optional<std::string> certificate_subject;  // verified TLS client certificate, RFC 2253
  bool metrics_listener = false;  // kGatewayMetricsListenerMetadata
};

struct Tenant {
  std::string name;
  std::set<std::string> principals;
  std::string connector_prefix;  // default: "<name>-"
  std::optional<int64_t> max_connectors;
  std::optional<int64_t> max_tasks;  // the sum of tasks.max over its connectors
  plugins::SandboxLimits sandbox;
};

struct TenantPolicy {
  std::set<std::string> admins;
  std::vector<Tenant> tenants;
};

// The tenants policy file:
//   {"admins": ["admin", "CN=ops,O=Example"],
//    "tenants": {"orders": {"principals": ["alice"], "connector.prefix": "orders-",
//                           "max.connectors": 10, "max.tasks": 20,
//                           "sandbox": {"memory.bytes": 1073741824, "cpu.seconds": 3600,
//                                       "open.files": 256}}}}
// InvalidArgument naming the member for anything else.
absl::StatusOr<TenantPolicy> ParseTenantPolicy(absl::string_view json);

// A caller as the policy sees it.
struct Caller {
  std::string principal;
  bool admin = false;
  const Tenant* tenant = nullptr;  // null for admins and for principals of no tenant
};

class AccessControl {
 public:
  struct Options {
    std::map<std::string, std::string> basic_credentials;  // user -> password
    std::map<std::string, std::string> bearer_tokens;      // token -> principal
    // The gRPC listener requires a verified client certificate.
    bool client_certificate_required = false;
    std::string gateway_token;  // "" : no gateway speaks for callers
    std::optional<TenantPolicy> policy;
    std::string audit_log_path;  // "" : no audit log
  };

  // FailedPrecondition when a policy is given but no way to authenticate is; the audit log's
  // error when it cannot be opened for appending.
  static absl::StatusOr<std::unique_ptr<AccessControl>> Create(Options options);

  // An open API: every caller is an anonymous admin, nothing is audited.
  static std::unique_ptr<AccessControl> Open();

  bool authentication_required() const;

  // Whether the gateway (with its token) says the call serves its metrics listener.
  bool FromMetricsListener(const CallCredentials& credentials) const;

  // The calling principal. Unauthenticated (kUnauthenticatedMessage) for missing or wrong
  // credentials when authentication is required.
  absl::StatusOr<std::string> Authenticate(const CallCredentials& credentials) const;

  // The principal's role. PermissionDenied for a principal that is neither an admin nor in a
  // tenant.
  absl::StatusOr<Caller> Identify(const std::string& principal) const;

  // Whether the caller may see and manage the connector.
  bool Owns(const Caller& caller, absl::string_view connector) const;
  // PermissionDenied unless Owns.
  absl::Status CheckConnector(const Caller& caller, absl::string_view connector) const;
  // PermissionDenied unless the caller is an admin (worker-wide actions: loggers).
  absl::Status CheckAdmin(const Caller& caller, absl::string_view action) const;
  // The tenant's quotas with `config` as the connector's new config, `configs` being every
  // connector's current config. PermissionDenied with the quota that would be exceeded.
  absl::Status CheckQuota(const Caller& caller, absl::string_view connector,
                          const ConfigMap& config,
                          const std::map<std::string, ConfigMap>& configs) const;

  // The tenant whose prefix the connector's name starts with (the longest), if any.
  const Tenant* TenantOf(absl::string_view connector) const;
  // The sandbox ceilings of the connector's plugin host: its tenant's, or none.
  plugins::SandboxLimits SandboxLimitsOf(absl::string_view connector) const;

  // One audit line (when an audit log is configured).
  void Audit(const std::string& principal, const Caller* caller, absl::string_view action,
             absl::string_view connector, const absl::Status& outcome);

 private:
  explicit AccessControl(Options options) : options_(std::move(options)) {}

  const Options options_;
  absl::Mutex audit_mu_;
  std::ofstream audit_ ABSL_GUARDED_BY(audit_mu_);
};

// Reads a PropertyFileLoginModule credentials file or a bearer tokens file (Java properties:
// user=password, principal=token).
absl::StatusOr<std::map<std::string, std::string>> ReadCredentialsFile(const std::string& path);

}  // namespace sluice::api

#endif  // SLUICE_SERVER_API_ACCESS_CONTROL_H_
