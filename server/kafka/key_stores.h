// Java key and trust stores, read for librdkafka. A Kafka Connect user's SSL settings name Java
// key stores (ssl.truststore.location / ssl.keystore.location with a type of JKS, PKCS12 or PEM);
// librdkafka reads PEM files and strings and PKCS#12 client key stores, but no JKS file and no
// PKCS#12 trust store. This module reads what librdkafka cannot, so that the translation of
// client settings (client_configs.h) can hand librdkafka the certificates as PEM.
//
// As Java 9+ does (keystore.type.compat), a store of type JKS or PKCS12 is read by its content:
// a JKS file is read as JKS whichever of the two types it is given, anything else as PKCS#12.
//
// Thread-safe: pure functions (they read the files they are given).
#ifndef SLUICE_SERVER_KAFKA_KEY_STORES_H_
#define SLUICE_SERVER_KAFKA_KEY_STORES_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sluice::kafka {

enum class KeyStoreFormat { kJks, kJceks, kPkcs12 };

// What the file at `path` holds, by its first bytes. InvalidArgument when it cannot be read.
absl::StatusOr<KeyStoreFormat> SniffKeyStore(const std::string& path);

// The certificates Java would trust from the JKS or PKCS#12 store at `path` (its trusted
// certificate entries and the certificates of its key entries), as concatenated PEM. With a
// `password`, the store's integrity is checked as Java checks it. InvalidArgument with the reason
// for a file that cannot be read, a store Sluice cannot read (JCEKS), a wrong password
// ("Keystore was tampered with, or password was incorrect", Java's words) or a store without
// certificates.
absl::StatusOr<std::string> TrustedCertificatesPem(const std::string& path,
                                                   const std::optional<std::string>& password);

// PEM text as Kafka accepts it (Java's PEM parser ignores whitespace inside a block, so a
// certificate given on one line works) rewritten as OpenSSL reads it; text without a PEM block
// is returned as it is.
std::string NormalizePem(std::string_view text);

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_KEY_STORES_H_
