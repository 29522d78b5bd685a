// Requests from this worker to another worker's REST API, as Kafka Connect's RestClient sends
// them: a follower handing the task configs its connector generated to the leader
// (POST /connectors/{c}/tasks, signed with the session key, KIP-507), or asking it to fence
// zombies. libcurl underneath; no redirects followed.
//
//   RestClient client({});
//   absl::StatusOr<RestResponse> r = client.Send({.method = "POST", .url = leader + "connectors/c/tasks",
//                                                 .body = json, .signature = headers});
//
// Thread-safe (each Send uses its own handle).
#ifndef SLUICE_SERVER_DISTRIBUTED_REST_CLIENT_H_
#define SLUICE_SERVER_DISTRIBUTED_REST_CLIENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/distributed/request_signature.h"

namespace sluice::distributed {

struct RestRequest {
  std::string method = "GET";
  std::string url;
  std::optional<std::string> body;  // JSON, sent as application/json
  std::optional<SignatureHeaders> signature;
};

struct RestResponse {
  int status = 0;
  std::string body;  // empty for 204
};

struct RestClientOptions {
  // How long a request may take in all (Java's request has no deadline but the herder's; ours
  // is explicit).
  absl::Duration timeout = absl::Seconds(30);
  absl::Duration connect_timeout = absl::Seconds(15);  // Jetty's default
  // https: the CA bundle to trust (default: the system's), and a client certificate.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Whether the other worker's certificate must name the host of its URL (Kafka's
  // ssl.endpoint.identification.algorithm=https, the default; "" turns the check off).
  bool verify_host = true;
};

class RestClient {
 public:
  explicit RestClient(RestClientOptions options);

  // Sends `request` with Kafka Connect's RestClient headers (Accept: application/json,
  // User-Agent: kafka-connect, and the signature's X-Connect-Authorization and
  // X-Connect-Request-Signature-Algorithm) and returns the answer, whatever its status.
  // Unavailable "IO Error trying to forward REST request: <why>" when there is none (connection
  // refused, timeout, TLS failure), as Kafka Connect words it.
  absl::StatusOr<RestResponse> Send(const RestRequest& request) const;

 private:
  const RestClientOptions options_;
};

// OK for a 2xx answer; otherwise the error Kafka Connect's RestClient raises for it: for a
// status >= 400 the other worker's message (from its {"error_code":..,"message":..} body; the
// body itself when it is not one), for other statuses "Unexpected status code when handling
// forwarded request: N". The code is Unknown; `http_status` (when not null) receives the status
// the worker should answer with (the other worker's for >= 400, else 500).
absl::Status ErrorOf(const RestResponse& response, int* http_status = nullptr);

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_REST_CLIENT_H_
