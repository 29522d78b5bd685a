// KIP-507 internal request signatures: how Kafka Connect workers prove to each other that a
// request to an internal endpoint (POST /connectors/{c}/tasks, PUT /connectors/{c}/fence) comes
// from a member of the cluster. The leader writes a session key to the config topic; a worker
// signs the body of an internal request with it (a MAC, `inter.worker.signature.algorithm`,
// HmacSHA256 by default) and sends
//
//   X-Connect-Authorization: <base64 of the MAC of the body>
//   X-Connect-Request-Signature-Algorithm: <the MAC algorithm's name>
//
// and the receiver recomputes the MAC over the body bytes it received. Java's
// InternalRequestSignature and Crypto, for every MAC a Java 17 JVM provides.
//
//   absl::StatusOr<SignatureHeaders> h = SignRequest(session_key, body, "HmacSHA256");
//   ...
//   absl::StatusOr<std::optional<RequestSignature>> s =
//       RequestSignature::FromHeaders(algorithm_header, signature_header, body);
//   if (s.ok() && s->has_value()) valid = (*s)->IsValid(session_key);
//
// Functions here are pure (thread-safe); RequestSignature is a value type.
#ifndef SLUICE_SERVER_DISTRIBUTED_REQUEST_SIGNATURE_H_
#define SLUICE_SERVER_DISTRIBUTED_REQUEST_SIGNATURE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice::distributed {

inline constexpr char kSignatureHeader[] = "X-Connect-Authorization";
inline constexpr char kSignatureAlgorithmHeader[] = "X-Connect-Request-Signature-Algorithm";

// The canonical name of the MAC algorithm `name` stands for, as Java's Mac.getInstance finds it
// on a Java 17 JVM (SunJCE): a standard name in any ASCII case ("hmacsha256"), or an OID alias
// ("1.2.840.113549.2.9", "OID.1.2.840.113549.2.9"). nullopt when the JVM has no such MAC.
std::optional<std::string_view> CanonicalMacAlgorithm(std::string_view name);

// The MAC of `data` under the raw key bytes `key`, as Java's Mac.init(key) + doFinal(data)
// computes it. `algorithm` is any name CanonicalMacAlgorithm accepts. Errors: InvalidArgument
// "Algorithm X not available" (Java's NoSuchAlgorithmException message) for an unknown name;
// FailedPrecondition "java.security.InvalidKeyException: Missing password" for the
// password-based MACs (HmacPBE*, PBEWithHmac*), which refuse a raw key in Java too.
absl::StatusOr<std::string> ComputeMac(std::string_view algorithm, std::string_view key,
                                       std::string_view data);

// The header values of a request whose body is `body`, signed with `key`: Java's
// InternalRequestSignature.addToRequest. Errors as ComputeMac.
struct SignatureHeaders {
  std::string signature;  // X-Connect-Authorization: standard base64, padded
  std::string algorithm;  // X-Connect-Request-Signature-Algorithm: `algorithm` as given
};
absl::StatusOr<SignatureHeaders> SignRequest(std::string_view key, std::string_view body,
                                             std::string_view algorithm);


// The signature of one received request: Java's InternalRequestSignature.
class RequestSignature {
 public:
  // The signature the two header values give the request body `body` (the bytes as received),
  // as InternalRequestSignature.fromHeaders reads them. A header the request did not carry is
  // nullopt (several values of one header are joined with ","); then the request is unsigned and
  // the result is nullopt. Errors (Kafka Connect answers both with 400): InvalidArgument
  // "Algorithm X not available" when no MAC has that name, else InvalidArgument with Java's
  // base64 message when the signature does not decode.
  static absl::StatusOr<std::optional<RequestSignature>> FromHeaders(
      std::optional<std::string_view> algorithm, std::optional<std::string_view> signature,
      std::string body);

  // The algorithm as the request named it: what Java's keyAlgorithm() returns and compares, as
  // is, with inter.worker.verification.algorithms.
  const std::string& algorithm() const { return algorithm_; }
  // The decoded signature bytes and the body they are meant to sign.
  const std::string& signature() const { return signature_; }
  const std::string& body() const { return body_; }

  // Whether the signature is the MAC of the body under `key` (compared in constant time).
  // Errors as ComputeMac (Java throws them as a ConnectException: a 500).
  absl::StatusOr<bool> IsValid(std::string_view key) const;

 private:
  RequestSignature(std::string algorithm, std::string signature, std::string body)
      : algorithm_(std::move(algorithm)),
        signature_(std::move(signature)),
        body_(std::move(body)) {}

  std::string algorithm_;
  std::string signature_;
  std::string body_;
};

}  // namespace sluice::distributed

#endif  // SLUICE_SERVER_DISTRIBUTED_REQUEST_SIGNATURE_H_
