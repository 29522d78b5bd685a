// The worker's TLS material for its own listeners (REST through sluice-gateway, gRPC), read
// from the key and trust stores a Kafka Connect user configures (config::TlsSettings) and
// written as the PEM files gRPC and Go read: an unencrypted private key, the certificate chain
// and the trusted CA certificates.
//
// Stores: a PKCS12 key store (also when typed JKS, as the JVM reads a PKCS12 file given as JKS);
// a PEM key store as a file (private key and certificates, the key optionally encrypted with
// ssl.key.password) or inline (ssl.keystore.key / ssl.keystore.certificate.chain). A JKS or
// JCEKS key store is refused with the keytool command that converts it. Trust stores: PKCS12,
// JKS (their certificates need no JVM), PEM file or inline; without one, the system's CA bundle,
// as the JVM falls back on its cacerts.
//
//   absl::StatusOr<std::unique_ptr<TlsMaterialRunner>> material =
//       TlsMaterialRunner::Start({.settings = *worker.rest_tls});
//   ... (*material)->key_file(), (*material)->cert_file(), (*material)->ca_file() ...
#ifndef SLUICE_SERVER_TLS_TLS_MATERIAL_H_
#define SLUICE_SERVER_TLS_TLS_MATERIAL_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/config/tls_settings.h"

namespace sluice::tls {

// The PEM form of the settings' stores.
struct PemMaterial {
  std::string private_key;           // unencrypted PKCS#8
  std::string certificate_chain;     // the key's certificate first
  std::string trusted_certificates;  // "" when there are none
};

// Reads the stores the settings name. InvalidArgument naming the key and the reason: a file
// that cannot be read, a wrong password, a JKS/JCEKS key store (with the keytool command that
// converts it), no private key or certificate, a key that does not belong to the certificate.
// Thread-safe (reads files only).
absl::StatusOr<PemMaterial> LoadPemMaterial(const config::TlsSettings& settings);

// The files LoadPemMaterial reads (the stores given as files; the system CA bundle when there
// is no trust store): when one of them changes, the material is read again.
std::vector<std::string> SourceFiles(const config::TlsSettings& settings);

// Keeps the PEM files of a worker's TLS material in a private directory (mode 0700, files
// 0600): written at Start, and again when a source file's content changes (checked every
// poll_interval), so that a renewed certificate reaches new connections without a restart.
// Each file is replaced by a rename, never rewritten in place. A renewal that cannot be read
// is logged and the files keep the previous material. Owns its polling thread and the
// directory: both end with the object.
//
// Thread-safe.
class TlsMaterialRunner {
 public:
  struct Options {
    config::TlsSettings settings;
    absl::Duration poll_interval = absl::Seconds(1);
    std::string parent_dir;  // where the private directory is made; "" = the temp directory
  };

  // Reads the material and writes the files. The errors of LoadPemMaterial; Internal when the
  // directory or a file cannot be written.
  static absl::StatusOr<std::unique_ptr<TlsMaterialRunner>> Start(Options options);
  ~TlsMaterialRunner();

  // The files' paths (fixed for the runner's life).
  const std::string& dir() const { return dir_; }
  const std::string& key_file() const { return key_file_; }
  const std::string& cert_file() const { return cert_file_; }
  // The trusted certificates; empty file when there are none.
  const std::string& ca_file() const { return ca_file_; }
  // The trusted certificates and this worker's own certificate chain: what a local client (the
  // gateway dialing this worker's gRPC) trusts to reach this worker whoever signed its
  // certificate.
  const std::string& peer_ca_file() const { return peer_ca_file_; }

  // Reads the sources now and rewrites the files when their content changed since the last
  // read. Returns whether the files were rewritten; the error of a material that cannot be read
  // (the files then keep the previous material).
  absl::StatusOr<bool> RefreshIfChanged() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit TlsMaterialRunner(Options options) : options_(std::move(options)) {}
  absl::Status Write(const PemMaterial& material);
  void Poll() ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  std::string dir_, key_file_, cert_file_, ca_file_, peer_ca_file_;
  absl::Mutex mu_;
  std::string sources_seen_ ABSL_GUARDED_BY(mu_);  // the source files' contents last read
  bool read_once_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread poller_;
};

}  // namespace sluice::tls

#endif  // SLUICE_SERVER_TLS_TLS_MATERIAL_H_
