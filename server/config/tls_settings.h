// TLS settings of the worker's own listeners (REST `listeners=https://...` and
// `grpc.listener=https://...`), read from Kafka Connect's keys as its SSLUtils reads them for
// the REST server: when any `listeners.https.*` key is present, only the prefixed keys count
// (AbstractConfig.valuesWithPrefixAllOrNothing), with SSLUtils' defaults for those not given;
// otherwise the unprefixed `ssl.*` keys with the worker config's defaults.
//
// Parsing checks the values only; the key and trust stores are read when the listeners start
// (server/tls/tls_material.h).
//
// Thread-compatible value types.
#ifndef SLUICE_SERVER_CONFIG_TLS_SETTINGS_H_
#define SLUICE_SERVER_CONFIG_TLS_SETTINGS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"

namespace sluice::config {

struct TlsSettings {
  // ssl.keystore.type, upper-cased: "PEM", "PKCS12", or Kafka's default "JKS", which is taken
  // for a PKCS12 file as the JVM does (keystore.type.compat) and refused for a real JKS file
  // once the file is read.
  std::string keystore_type = "JKS";
  std::string keystore_location;                 // ssl.keystore.location ("" = none)
  std::optional<std::string> keystore_password;  // ssl.keystore.password
  std::optional<std::string> key_password;       // ssl.key.password
  std::string keystore_certificate_chain;        // ssl.keystore.certificate.chain (inline PEM)
  std::string keystore_key;                      // ssl.keystore.key (inline PEM)
  std::string truststore_type = "JKS";           // ssl.truststore.type, as keystore_type
  std::string truststore_location;               // ssl.truststore.location ("" = none)
  std::optional<std::string> truststore_password;  // ssl.truststore.password
  std::string truststore_certificates;           // ssl.truststore.certificates (inline PEM)

  // ssl.client.auth (Kafka's default none).
  enum class ClientAuth { kNone, kRequested, kRequired };
  ClientAuth client_auth = ClientAuth::kNone;

  // ssl.enabled.protocols, bounded by ssl.protocol: the TLS versions served.
  enum class TlsVersion { kTls12, kTls13 };
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;

  // ssl.endpoint.identification.algorithm: "https" (Kafka's default) checks the host name of
  // a worker this one forwards requests to; "" does not.
  std::string endpoint_identification_algorithm = "https";

  // The key pair is given inline (ssl.keystore.key) rather than in a file.
  bool inline_key() const { return !keystore_key.empty(); }
  bool has_truststore() const {
    return !truststore_location.empty() || !truststore_certificates.empty();
  }
};

// "none" / "requested" / "required" (as written in ssl.client.auth).
const char* ClientAuthName(TlsSettings::ClientAuth auth);

// The TLS settings for the worker's https listeners from the worker properties (see the file
// comment for which keys count). InvalidArgument naming the key for a bad value: an unknown
// ssl.client.auth, a protocol other than TLSv1.2/TLSv1.3, a JCEKS or unknown store type, a
// PEM key given both inline and as a file, settings Sluice cannot honour (ssl.cipher.suites,
// ssl.provider), or no key store at all.
absl::StatusOr<TlsSettings> ParseTlsSettings(const ConfigMap& props);

}  // namespace sluice::config

#endif  // SLUICE_SERVER_CONFIG_TLS_SETTINGS_H_
