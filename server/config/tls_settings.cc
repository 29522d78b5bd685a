#include "server/config/tls_settings.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sluice::config {
namespace {

constexpr absl::string_view kHttpsPrefix = "listeners.https.";

// The ssl.* values that count: the listeners.https.* ones when there is any, else the plain
// ones (AbstractConfig.valuesWithPrefixAllOrNothing).
ConfigMap SslValues(const ConfigMap& props) {
  ConfigMap prefixed;
  for (const auto& [key, value] : props) {
    if (absl::StartsWith(key, kHttpsPrefix)) prefixed[key.substr(kHttpsPrefix.size())] = value;
  }
  if (!prefixed.empty()) return prefixed;
  ConfigMap plain;
  for (const auto& [key, value] : props) {
    if (absl::StartsWith(key, "ssl.")) plain[key] = value;
  }
  return plain;
}

std::optional<std::string> Find(const ConfigMap& values, const std::string& key) {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

// ConfigDef's PASSWORD: surrounding blanks trimmed as for a STRING.
std::optional<std::string> Password(const ConfigMap& values, const std::string& key) {
  std::optional<std::string> v = Find(values, key);
  if (!v.has_value()) return std::nullopt;
  return std::string(absl::StripAsciiWhitespace(*v));
}

// ConfigDef's STRING: surrounding blanks trimmed.
std::string Trimmed(const ConfigMap& values, const std::string& key) {
  std::optional<std::string> v = Find(values, key);
  return v.has_value() ? std::string(absl::StripAsciiWhitespace(*v)) : std::string();
}

std::string Invalid(absl::string_view value, absl::string_view key, absl::string_view why) {
  return absl::StrCat("Invalid value ", value, " for configuration ", key, ": ", why);
}

absl::StatusOr<std::string> StoreType(const ConfigMap& values, const std::string& key,
                                      const std::string& location_key) {
  std::optional<std::string> given = Find(values, key);
  if (!given.has_value()) return std::string("JKS");
  std::string type = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(*given));
  if (type == "PEM" || type == "PKCS12" || type == "JKS") return type;
  if (type == "JCEKS") {
    return absl::InvalidArgumentError(Invalid(
        *given, key,
        absl::StrCat("Sluice reads PKCS12 and PEM stores, not JCEKS. Convert the store with "
                     "keytool -importkeystore -srckeystore <store>.jceks -srcstoretype JCEKS "
                     "-destkeystore <store>.p12 -deststoretype PKCS12 and set ",
                     key, "=PKCS12 and ", location_key, "=<store>.p12")));
  }
  return absl::InvalidArgumentError(
      Invalid(*given, key, "Sluice reads the store types PKCS12 and PEM (and JKS-typed PKCS12 "
                           "files)"));
}

absl::StatusOr<TlsSettings::TlsVersion> ParseVersion(absl::string_view name,
                                                     absl::string_view value,
                                                     absl::string_view key) {
  if (name == "TLSv1.2") return TlsSettings::TlsVersion::kTls12;
  if (name == "TLSv1.3") return TlsSettings::TlsVersion::kTls13;
  return absl::InvalidArgumentError(Invalid(
      value, key, absl::StrCat("Sluice's listeners serve TLSv1.2 and TLSv1.3; ", name,
                               " is not supported")));
}

}  // namespace

const char* ClientAuthName(TlsSettings::ClientAuth auth) {
  switch (auth) {
    case TlsSettings::ClientAuth::kRequested:
      return "requested";
    case TlsSettings::ClientAuth::kRequired:
      return "required";
    case TlsSettings::ClientAuth::kNone:
      break;
  }
  return "none";
}

absl::StatusOr<TlsSettings> ParseTlsSettings(const ConfigMap& props) {
  const ConfigMap values = SslValues(props);
  TlsSettings tls;

  absl::StatusOr<std::string> keystore_type =
      StoreType(values, "ssl.keystore.type", "ssl.keystore.location");
  if (!keystore_type.ok()) return keystore_type.status();
  tls.keystore_type = *keystore_type;
  absl::StatusOr<std::string> truststore_type =
      StoreType(values, "ssl.truststore.type", "ssl.truststore.location");
  if (!truststore_type.ok()) return truststore_type.status();
  tls.truststore_type = *truststore_type;

  tls.keystore_location = Trimmed(values, "ssl.keystore.location");
  tls.keystore_password = Password(values, "ssl.keystore.password");
  tls.key_password = Password(values, "ssl.key.password");
  tls.keystore_certificate_chain = Trimmed(values, "ssl.keystore.certificate.chain");
  tls.keystore_key = Trimmed(values, "ssl.keystore.key");
  tls.truststore_location = Trimmed(values, "ssl.truststore.location");
  tls.truststore_password = Password(values, "ssl.truststore.password");
  tls.truststore_certificates = Trimmed(values, "ssl.truststore.certificates");

  // Kafka's rules for PEM given inline (DefaultSslEngineFactory).
  if (!tls.keystore_key.empty() || !tls.keystore_certificate_chain.empty()) {
    if (tls.keystore_type != "PEM") {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", tls.keystore_type,
          " for configuration ssl.keystore.type: ssl.keystore.key and "
          "ssl.keystore.certificate.chain need ssl.keystore.type=PEM"));
    }
    if (tls.keystore_key.empty() || tls.keystore_certificate_chain.empty()) {
      return absl::InvalidArgumentError(
          "SSL private key and certificate chain must be provided together: set both "
          "ssl.keystore.key and ssl.keystore.certificate.chain");
    }
    if (!tls.keystore_location.empty()) {
      return absl::InvalidArgumentError(
          "Both ssl.keystore.location and ssl.keystore.key are set: give the PEM key store "
          "either as a file or inline, not both");
    }
  }
  if (!tls.truststore_certificates.empty()) {
    if (tls.truststore_type != "PEM") {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", tls.truststore_type,
          " for configuration ssl.truststore.type: ssl.truststore.certificates needs "
          "ssl.truststore.type=PEM"));
    }
    if (!tls.truststore_location.empty()) {
      return absl::InvalidArgumentError(
          "Both ssl.truststore.location and ssl.truststore.certificates are set: give the PEM "
          "trust store either as a file or inline, not both");
    }
  }
  if (tls.keystore_location.empty() && tls.keystore_key.empty()) {
    return absl::InvalidArgumentError(
        "An https listener needs a key store: set ssl.keystore.location (PKCS12 or PEM), or "
        "ssl.keystore.type=PEM with ssl.keystore.key and ssl.keystore.certificate.chain (as "
        "listeners.https.ssl.* or ssl.*)");
  }

  if (std::optional<std::string> auth = Find(values, "ssl.client.auth"); auth.has_value()) {
    const std::string value(absl::StripAsciiWhitespace(*auth));
    if (value == "required") {
      tls.client_auth = TlsSettings::ClientAuth::kRequired;
    } else if (value == "requested") {
      tls.client_auth = TlsSettings::ClientAuth::kRequested;
    } else if (value == "none") {
      tls.client_auth = TlsSettings::ClientAuth::kNone;
    } else {
      return absl::InvalidArgumentError(
          Invalid(value, "ssl.client.auth", "String must be one of: required, requested, none"));
    }
  }

  // ssl.protocol names the SSLContext: TLSv1.3 (Kafka's default) or TLS allow TLSv1.3 and
  // below, TLSv1.2 caps the versions at TLSv1.2.
  TlsSettings::TlsVersion cap = TlsSettings::TlsVersion::kTls13;
  if (std::optional<std::string> protocol = Find(values, "ssl.protocol"); protocol.has_value()) {
    const std::string value(absl::StripAsciiWhitespace(*protocol));
    if (value == "TLSv1.2") {
      cap = TlsSettings::TlsVersion::kTls12;
    } else if (value != "TLSv1.3" && value != "TLS") {
      return absl::InvalidArgumentError(Invalid(
          value, "ssl.protocol", "Sluice's listeners serve TLSv1.2 and TLSv1.3 (ssl.protocol "
                                 "TLSv1.3, TLSv1.2 or TLS)"));
    }
  }
  if (std::optional<std::string> enabled = Find(values, "ssl.enabled.protocols");
      enabled.has_value()) {
    std::vector<TlsSettings::TlsVersion> versions;
    for (absl::string_view name : absl::StrSplit(*enabled, ',', absl::SkipWhitespace())) {
      absl::StatusOr<TlsSettings::TlsVersion> v =
          ParseVersion(absl::StripAsciiWhitespace(name), *enabled, "ssl.enabled.protocols");
      if (!v.ok()) return v.status();
      versions.push_back(*v);
    }
    if (versions.empty()) {
      return absl::InvalidArgumentError(
          Invalid(*enabled, "ssl.enabled.protocols", "no protocol is enabled"));
    }
    tls.min_version = *std::min_element(versions.begin(), versions.end());
    tls.max_version = *std::max_element(versions.begin(), versions.end());
  }
  if (tls.max_version > cap) tls.max_version = cap;
  if (tls.min_version > tls.max_version) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ssl.protocol=TLSv1.2 leaves none of the ssl.enabled.protocols (",
        Find(values, "ssl.enabled.protocols").value_or(""), ") to serve"));
  }

  for (const char* key : {"ssl.cipher.suites", "ssl.provider"}) {
    if (!Trimmed(values, key).empty()) {
      return absl::InvalidArgumentError(Invalid(
          Trimmed(values, key), key,
          "Sluice's listeners use OpenSSL's (gRPC) and Go's default cipher suites and "
          "provider; remove this setting"));
    }
  }
  if (std::optional<std::string> alg = Find(values, "ssl.endpoint.identification.algorithm");
      alg.has_value()) {
    tls.endpoint_identification_algorithm = std::string(absl::StripAsciiWhitespace(*alg));
    if (!tls.endpoint_identification_algorithm.empty() &&
        absl::AsciiStrToLower(tls.endpoint_identification_algorithm) != "https") {
      return absl::InvalidArgumentError(Invalid(tls.endpoint_identification_algorithm,
                                                "ssl.endpoint.identification.algorithm",
                                                "Sluice knows https and \"\" (none)"));
    }
  }
  return tls;
}

}  // namespace sluice::config
