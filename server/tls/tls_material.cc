#include "server/tls/tls_material.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/kafka/key_stores.h"

namespace sluice::tls {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct Pkcs12Deleter {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Pkcs12Deleter>;

// The reason OpenSSL gives for its last error (and its queue cleared).
std::string OpenSslError() {
  const unsigned long code = ERR_peek_last_error();
  char text[256] = {0};
  ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return code == 0 ? std::string("unknown error") : std::string(text);
}

absl::StatusOr<std::string> ReadFile(const std::string& path, absl::string_view key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid value ", path, " for configuration ", key, ": cannot read ", path,
                     ": ", std::strerror(errno)));
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

BioPtr MemoryBio(absl::string_view bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// OpenSSL's password callback: the password given, or none (never a terminal prompt).
int GivenPassword(char* buf, int size, int /*rwflag*/, void* password) {
  if (password == nullptr) return 0;
  const std::string& p = *static_cast<const std::string*>(password);
  const int n = std::min<int>(size, static_cast<int>(p.size()));
  std::memcpy(buf, p.data(), n);
  return n;
}

absl::StatusOr<std::string> ToPem(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr || PEM_write_bio_X509(out.get(), cert) != 1) {
    return absl::InternalError(absl::StrCat("Cannot write a certificate as PEM: ", OpenSslError()));
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, n);
}

absl::StatusOr<std::string> ToPem(EVP_PKEY* key) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr ||
      PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return absl::InternalError(absl::StrCat("Cannot write a private key as PEM: ", OpenSslError()));
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, n);
}

// Every certificate in PEM text (other blocks skipped), re-encoded.
absl::StatusOr<std::vector<X509Ptr>> PemCertificates(absl::string_view text) {
  const std::string normalized = kafka::NormalizePem(std::string_view(text.data(), text.size()));
  BioPtr in = MemoryBio(normalized);
  std::vector<X509Ptr> certs;
  while (X509* cert = PEM_read_bio_X509(in.get(), nullptr, &GivenPassword, nullptr)) {
    certs.emplace_back(cert);
  }
  ERR_clear_error();  // the end of the text
  return certs;
}

absl::StatusOr<std::string> CertificatesPem(const std::vector<X509Ptr>& certs) {
  std::string pem;
  for (const X509Ptr& cert : certs) {
    absl::StatusOr<std::string> one = ToPem(cert.get());
    if (!one.ok()) return one.status();
    pem += *one;
  }
  return pem;
}

// The key pair of a PEM key store: text with a private key (encrypted with `key_password`, or
// not) and its certificate chain.
absl::Status ReadPemKeyStore(absl::string_view key_text, absl::string_view chain_text,
                             const std::optional<std::string>& key_password,
                             absl::string_view key_name, KeyPtr& key,
                             std::vector<X509Ptr>& chain) {
  const std::string normalized =
      kafka::NormalizePem(std::string_view(key_text.data(), key_text.size()));
  BioPtr in = MemoryBio(normalized);
  std::string password = key_password.value_or("");
  key.reset(PEM_read_bio_PrivateKey(in.get(), nullptr, &GivenPassword,
                                    key_password.has_value() ? &password : nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid value for configuration ", key_name, ": no private key could be read (",
        OpenSslError(), key_password.has_value() ? ")" : "; an encrypted key needs ssl.key.password)"));
  }
  absl::StatusOr<std::vector<X509Ptr>> certs = PemCertificates(chain_text);
  if (!certs.ok()) return certs.status();
  chain = *std::move(certs);
  return absl::OkStatus();
}

absl::Status ReadPkcs12KeyStore(const std::string& path, const config::TlsSettings& settings,
                                KeyPtr& key, std::vector<X509Ptr>& chain) {
  absl::StatusOr<std::string> bytes = ReadFile(path, "ssl.keystore.location");
  if (!bytes.ok()) return bytes.status();
  BioPtr in = MemoryBio(*bytes);
  Pkcs12Ptr p12(d2i_PKCS12_bio(in.get(), nullptr));
  if (p12 == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid value ", path, " for configuration ssl.keystore.location: not a "
                     "PKCS12 key store (", OpenSslError(), ")"));
  }
  // Java reads the store with ssl.keystore.password and the key with ssl.key.password; in a
  // PKCS12 store both are normally the same, and OpenSSL takes one password for both.
  std::vector<std::string> passwords;
  if (settings.keystore_password.has_value()) passwords.push_back(*settings.keystore_password);
  if (settings.key_password.has_value()) passwords.push_back(*settings.key_password);
  if (passwords.empty()) passwords.push_back("");
  for (const std::string& password : passwords) {
    EVP_PKEY* k = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    if (PKCS12_parse(p12.get(), password.c_str(), &k, &cert, &ca) != 1) continue;
    key.reset(k);
    chain.clear();
    if (cert != nullptr) chain.emplace_back(cert);
    for (int i = 0; ca != nullptr && i < sk_X509_num(ca); ++i) {
      chain.emplace_back(X509_dup(sk_X509_value(ca, i)));
    }
    sk_X509_pop_free(ca, X509_free);
    ERR_clear_error();
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "Invalid value ", path, " for configuration ssl.keystore.location: keystore password was "
      "incorrect (", OpenSslError(), ")"));
}

absl::Status ReadKeyStore(const config::TlsSettings& settings, PemMaterial& out) {
  KeyPtr key;
  std::vector<X509Ptr> chain;
  const std::string& location = settings.keystore_location;
  if (settings.inline_key()) {
    if (absl::Status s = ReadPemKeyStore(settings.keystore_key, settings.keystore_certificate_chain,
                                         settings.key_password, "ssl.keystore.key", key, chain);
        !s.ok()) {
      return s;
    }
  } else if (settings.keystore_type == "PEM") {
    absl::StatusOr<std::string> text = ReadFile(location, "ssl.keystore.location");
    if (!text.ok()) return text.status();
    if (absl::Status s = ReadPemKeyStore(*text, *text, settings.key_password,
                                         "ssl.keystore.location", key, chain);
        !s.ok()) {
      return s;
    }
  } else {
    absl::StatusOr<kafka::KeyStoreFormat> format = kafka::SniffKeyStore(location);
    if (!format.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", location, " for configuration ssl.keystore.location: ",
          format.status().message()));
    }
    if (*format != kafka::KeyStoreFormat::kPkcs12) {
      const char* type = *format == kafka::KeyStoreFormat::kJks ? "JKS" : "JCEKS";
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", location, " for configuration ssl.keystore.location: a ", type,
          " key store, which Sluice cannot read without a JVM. Convert it once to PKCS12 with "
          "keytool -importkeystore -srckeystore ", location, " -srcstoretype ", type,
          " -destkeystore <new file>.p12 -deststoretype PKCS12, then set "
          "ssl.keystore.type=PKCS12 and ssl.keystore.location=<new file>.p12"));
    }
    if (absl::Status s = ReadPkcs12KeyStore(location, settings, key, chain); !s.ok()) return s;
  }
  const std::string key_name = settings.inline_key() ? "ssl.keystore.key" : "ssl.keystore.location";
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid value for configuration ", key_name, ": the key store holds no "
                     "private key"));
  }
  if (chain.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid value for configuration ",
        settings.inline_key() ? "ssl.keystore.certificate.chain" : key_name,
        ": the key store holds no certificate"));
  }
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid value for configuration ", key_name, ": the private key does not "
                     "belong to the first certificate of the chain (", OpenSslError(), ")"));
  }
  absl::StatusOr<std::string> key_pem = ToPem(key.get());
  if (!key_pem.ok()) return key_pem.status();
  absl::StatusOr<std::string> chain_pem = CertificatesPem(chain);
  if (!chain_pem.ok()) return chain_pem.status();
  out.private_key = *std::move(key_pem);
  out.certificate_chain = *std::move(chain_pem);
  return absl::OkStatus();
}

// The system's CA bundle: SSL_CERT_FILE, else OpenSSL's default file.
std::string SystemCaFile() {
  const char* env = std::getenv(X509_get_default_cert_file_env());
  return env != nullptr && *env != '\0' ? std::string(env)
                                        : std::string(X509_get_default_cert_file());
}

absl::Status ReadTrustStore(const config::TlsSettings& settings, PemMaterial& out) {
  std::vector<X509Ptr> certs;
  if (!settings.truststore_certificates.empty()) {
    absl::StatusOr<std::vector<X509Ptr>> parsed =
        PemCertificates(settings.truststore_certificates);
    if (!parsed.ok()) return parsed.status();
    certs = *std::move(parsed);
    if (certs.empty()) {
      return absl::InvalidArgumentError(
          "Invalid value for configuration ssl.truststore.certificates: no PEM certificate");
    }
  } else if (settings.truststore_location.empty()) {
    // As the JVM trusts its cacerts without a trust store. A machine without a bundle trusts
    // nothing.
    std::ifstream in(SystemCaFile(), std::ios::binary);
    if (!in) return absl::OkStatus();
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<std::vector<X509Ptr>> parsed = PemCertificates(text.str());
    if (!parsed.ok()) return parsed.status();
    certs = *std::move(parsed);
  } else if (settings.truststore_type == "PEM") {
    absl::StatusOr<std::string> text =
        ReadFile(settings.truststore_location, "ssl.truststore.location");
    if (!text.ok()) return text.status();
    absl::StatusOr<std::vector<X509Ptr>> parsed = PemCertificates(*text);
    if (!parsed.ok()) return parsed.status();
    certs = *std::move(parsed);
    if (certs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", settings.truststore_location,
          " for configuration ssl.truststore.location: no PEM certificate"));
    }
  } else {
    // JKS or PKCS12, read by content as the JVM does.
    absl::StatusOr<std::string> pem =
        kafka::TrustedCertificatesPem(settings.truststore_location, settings.truststore_password);
    if (!pem.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value for configuration ssl.truststore.location: ", pem.status().message()));
    }
    out.trusted_certificates = *std::move(pem);
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> pem = CertificatesPem(certs);
  if (!pem.ok()) return pem.status();
  out.trusted_certificates = *std::move(pem);
  return absl::OkStatus();
}

// Writes `content` to `path` through a temporary file and a rename, mode 0600.
absl::Status ReplaceFile(const std::string& path, const std::string& content) {
  const std::string temp = absl::StrCat(path, ".new");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("Cannot write ", temp, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return absl::InternalError(absl::StrCat("Cannot write ", temp, ": ", std::strerror(err)));
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("Cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// The contents of the source files, to notice a change.
std::string SourcesSnapshot(const config::TlsSettings& settings) {
  std::string snapshot;
  for (const std::string& path : SourceFiles(settings)) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    if (in) bytes << in.rdbuf();
    const std::string content = bytes.str();
    absl::StrAppend(&snapshot, path, "\n", in ? content.size() : -1, "\n", content);
  }
  return snapshot;
}

}  // namespace

absl::StatusOr<PemMaterial> LoadPemMaterial(const config::TlsSettings& settings) {
  PemMaterial material;
  if (absl::Status s = ReadKeyStore(settings, material); !s.ok()) return s;
  if (absl::Status s = ReadTrustStore(settings, material); !s.ok()) return s;
  return material;
}

std::vector<std::string> SourceFiles(const config::TlsSettings& settings) {
  std::vector<std::string> files;
  if (!settings.keystore_location.empty()) files.push_back(settings.keystore_location);
  if (!settings.truststore_location.empty()) {
    files.push_back(settings.truststore_location);
  } else if (settings.truststore_certificates.empty()) {
    files.push_back(SystemCaFile());
  }
  return files;
}

absl::StatusOr<std::unique_ptr<TlsMaterialRunner>> TlsMaterialRunner::Start(Options options) {
  auto runner = std::unique_ptr<TlsMaterialRunner>(new TlsMaterialRunner(std::move(options)));
  const std::filesystem::path parent = runner->options_.parent_dir.empty()
                                           ? std::filesystem::temp_directory_path()
                                           : std::filesystem::path(runner->options_.parent_dir);
  std::string dir_template = (parent / "sluice-tls-XXXXXX").string();
  if (::mkdtemp(dir_template.data()) == nullptr) {  // mode 0700
    return absl::InternalError(
        absl::StrCat("Cannot make a directory for the TLS material in ", parent.string(), ": ",
                     std::strerror(errno)));
  }
  runner->dir_ = dir_template;
  runner->key_file_ = runner->dir_ + "/key.pem";
  runner->cert_file_ = runner->dir_ + "/cert.pem";
  runner->ca_file_ = runner->dir_ + "/ca.pem";
  runner->peer_ca_file_ = runner->dir_ + "/peer-ca.pem";
  absl::StatusOr<bool> written = runner->RefreshIfChanged();
  if (!written.ok()) return written.status();
  runner->poller_ = std::thread([r = runner.get()] { r->Poll(); });
  return runner;
}

TlsMaterialRunner::~TlsMaterialRunner() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (poller_.joinable()) poller_.join();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

absl::Status TlsMaterialRunner::Write(const PemMaterial& material) {
  // The chain before the key: a reader between the two renames sees the new chain with the old
  // key, which does not match and is not taken (gRPC and the gateway keep the previous pair).
  for (const auto& [path, content] : std::initializer_list<std::pair<const std::string*,
                                                                    const std::string*>>{
           {&ca_file_, &material.trusted_certificates},
           {&cert_file_, &material.certificate_chain},
           {&key_file_, &material.private_key}}) {
    if (absl::Status s = ReplaceFile(*path, *content); !s.ok()) return s;
  }
  return ReplaceFile(peer_ca_file_,
                     absl::StrCat(material.trusted_certificates, material.certificate_chain));
}

absl::StatusOr<bool> TlsMaterialRunner::RefreshIfChanged() {
  absl::MutexLock lock(&mu_);
  std::string snapshot = SourcesSnapshot(options_.settings);
  // Inline PEM never changes; the first read writes the files.
  if (read_once_ && snapshot == sources_seen_) return false;
  read_once_ = true;
  sources_seen_ = std::move(snapshot);
  absl::StatusOr<PemMaterial> material = LoadPemMaterial(options_.settings);
  if (!material.ok()) return material.status();
  if (absl::Status s = Write(*material); !s.ok()) return s;
  return true;
}

void TlsMaterialRunner::Poll() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.poll_interval)) return;
    }
    absl::StatusOr<bool> refreshed = RefreshIfChanged();
    if (!refreshed.ok()) {
      spdlog::error("TLS key or trust store changed but cannot be read; the listeners keep the "
                    "previous certificate: {}",
                    std::string(refreshed.status().message()));
    } else if (*refreshed) {
      spdlog::info("TLS key or trust store changed: new connections get the new certificate");
    }
  }
}

}  // namespace sluice::tls
