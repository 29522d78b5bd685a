#include "server/distributed/kafka_connection.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace sluice::distributed {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string OpenSslErrors() {
  std::vector<std::string> errors;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    errors.push_back(buf);
  }
  return errors.empty() ? "no OpenSSL error" : absl::StrJoin(errors, "; ");
}

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

int PemPassword(char* buf, int size, int /*rwflag*/, void* userdata) {
  const std::string* password = static_cast<const std::string*>(userdata);
  if (password == nullptr) return 0;
  const int n = std::min<int>(size, static_cast<int>(password->size()));
  std::memcpy(buf, password->data(), n);
  return n;
}

// The TLS context for `options`: trust, client certificate, TLS 1.2 at least (Kafka's
// ssl.enabled.protocols default is TLSv1.2,TLSv1.3).
absl::StatusOr<std::unique_ptr<SSL_CTX, SslCtxFree>> NewSslContext(
    const KafkaConnectionOptions& options) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (ctx == nullptr) return absl::InternalError("SSL_CTX_new: " + OpenSslErrors());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (options.ca_pem.has_value()) {
    std::unique_ptr<BIO, BioFree> bio(
        BIO_new_mem_buf(options.ca_pem->data(), static_cast<int>(options.ca_pem->size())));
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
    int added = 0;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store, cert);
      X509_free(cert);
      ++added;
    }
    ERR_clear_error();  // the end of the PEM text reads as an error
    if (added == 0) {
      return absl::InvalidArgumentError("ssl.ca.pem holds no PEM certificate");
    }
  } else if (options.ca_location.has_value()) {
    if (SSL_CTX_load_verify_locations(ctx.get(), options.ca_location->c_str(), nullptr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("Cannot read the trusted certificates in ",
                                                     *options.ca_location, ": ",
                                                     OpenSslErrors()));
    }
  } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
    return absl::InternalError("SSL_CTX_set_default_verify_paths: " + OpenSslErrors());
  }
  if (options.certificate_pem.has_value() != options.key_pem.has_value()) {
    return absl::InvalidArgumentError(
        "A client certificate needs both its certificate chain and its private key");
  }
  if (options.certificate_pem.has_value()) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(
        options.certificate_pem->data(), static_cast<int>(options.certificate_pem->size())));
    X509* leaf = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (leaf == nullptr || SSL_CTX_use_certificate(ctx.get(), leaf) != 1) {
      if (leaf != nullptr) X509_free(leaf);
      return absl::InvalidArgumentError("Cannot use the client certificate: " + OpenSslErrors());
    }
    X509_free(leaf);
    while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      SSL_CTX_add_extra_chain_cert(ctx.get(), ca);  // takes ownership
    }
    ERR_clear_error();
    std::unique_ptr<BIO, BioFree> key_bio(
        BIO_new_mem_buf(options.key_pem->data(), static_cast<int>(options.key_pem->size())));
    std::string password = options.key_password.value_or("");
    EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, &PemPassword, &password);
    if (key == nullptr || SSL_CTX_use_PrivateKey(ctx.get(), key) != 1) {
      if (key != nullptr) EVP_PKEY_free(key);
      return absl::InvalidArgumentError("Cannot use the client private key: " + OpenSslErrors());
    }
    EVP_PKEY_free(key);
  }
  if (options.pkcs12.has_value()) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(options.pkcs12->data());
    PKCS12* p12 = d2i_PKCS12(nullptr, &p, static_cast<long>(options.pkcs12->size()));
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* chain = nullptr;
    const bool parsed =
        p12 != nullptr &&
        PKCS12_parse(p12, options.pkcs12_password.value_or("").c_str(), &key, &cert, &chain) == 1;
    if (p12 != nullptr) PKCS12_free(p12);
    absl::Status status;
    if (!parsed || key == nullptr || cert == nullptr) {
      status = absl::InvalidArgumentError(
          "Cannot read the PKCS#12 key store (ssl.keystore.location): " + OpenSslErrors());
    } else if (SSL_CTX_use_certificate(ctx.get(), cert) != 1 ||
               SSL_CTX_use_PrivateKey(ctx.get(), key) != 1) {
      status = absl::InvalidArgumentError("Cannot use the PKCS#12 key store's key: " +
                                          OpenSslErrors());
    } else {
      for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
        X509* ca = sk_X509_value(chain, i);
        X509_up_ref(ca);
        SSL_CTX_add_extra_chain_cert(ctx.get(), ca);  // takes the reference
      }
    }
    if (key != nullptr) EVP_PKEY_free(key);
    if (cert != nullptr) X509_free(cert);
    if (chain != nullptr) sk_X509_pop_free(chain, X509_free);
    if (!status.ok()) return status;
  }
  return ctx;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& setting, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot read ", path, " (", setting, "): ", std::strerror(errno)));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Blocks SIGPIPE in this thread while OpenSSL writes with plain send(2) (no MSG_NOSIGNAL), and
// consumes a SIGPIPE the write raised, so that a broker closing the connection is an error
// instead of the end of the process.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old_);
  }
  ~SigpipeBlocked() {
    if (!was_pending_) {
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe, nullptr, &zero) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t old_;
  bool was_pending_ = false;
};

bool IsNumericHost(const std::string& host) {
  in6_addr addr;
  return inet_pton(AF_INET, host.c_str(), &addr) == 1 || inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

// ---- SCRAM (RFC 5802), as Kafka's ScramSaslClient speaks it.

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n);
  return out;
}

std::optional<std::string> Unbase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  if (!text.empty() && text.back() == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

std::string Hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

// saslname: ',' and '=' escaped as RFC 5802 says.
std::string ScramName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '=') {
      out += "=3D";
    } else if (c == ',') {
      out += "=2C";
    } else {
      out += c;
    }
  }
  return out;
}

// The attributes of a SCRAM server message ("r=...,s=...,i=4096").
std::map<char, std::string> ScramAttributes(std::string_view message) {
  std::map<char, std::string> out;
  for (absl::string_view part : absl::StrSplit(Av(message), ',')) {
    if (part.size() >= 2 && part[1] == '=') out[part[0]] = std::string(part.substr(2));
  }
  return out;
}

}  // namespace

// ---- Canceller

Canceller::Canceller() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
Canceller::~Canceller() {
  if (fd_ >= 0) close(fd_);
}
void Canceller::Cancel() {
  const uint64_t one = 1;
  if (fd_ >= 0) (void)!write(fd_, &one, sizeof(one));
}
void Canceller::Reset() {
  uint64_t value;
  if (fd_ >= 0) (void)!read(fd_, &value, sizeof(value));
}
bool Canceller::cancelled() const {
  pollfd p{fd_, POLLIN, 0};
  return fd_ >= 0 && poll(&p, 1, 0) == 1;
}

// ---- Options

absl::StatusOr<KafkaConnectionOptions> ConnectionOptionsFromLibrdkafka(
    const std::map<std::string, std::string>& s) {
  KafkaConnectionOptions o;
  auto get = [&](const std::string& key) -> std::optional<std::string> {
    auto it = s.find(key);
    if (it == s.end()) return std::nullopt;
    return it->second;
  };
  if (auto v = get("client.id")) o.client_id = *v;
  const std::string protocol = absl::AsciiStrToUpper(get("security.protocol").value_or("PLAINTEXT"));
  if (protocol == "PLAINTEXT") {
    o.security_protocol = SecurityProtocol::kPlaintext;
  } else if (protocol == "SSL") {
    o.security_protocol = SecurityProtocol::kSsl;
  } else if (protocol == "SASL_PLAINTEXT") {
    o.security_protocol = SecurityProtocol::kSaslPlaintext;
  } else if (protocol == "SASL_SSL") {
    o.security_protocol = SecurityProtocol::kSaslSsl;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid value ", protocol, " for configuration security.protocol"));
  }
  o.ca_pem = get("ssl.ca.pem");
  o.ca_location = get("ssl.ca.location");
  o.certificate_pem = get("ssl.certificate.pem");
  o.key_pem = get("ssl.key.pem");
  o.key_password = get("ssl.key.password");
  for (auto [setting, field] : {std::make_pair("ssl.certificate.location", &o.certificate_pem),
                                std::make_pair("ssl.key.location", &o.key_pem),
                                std::make_pair("ssl.keystore.location", &o.pkcs12)}) {
    if (std::optional<std::string> path = get(setting)) {
      absl::StatusOr<std::string> bytes = ReadWholeFile(setting, *path);
      if (!bytes.ok()) return bytes.status();
      *field = *std::move(bytes);
    }
  }
  o.pkcs12_password = get("ssl.keystore.password");
  if (auto v = get("ssl.endpoint.identification.algorithm")) {
    const std::string a = absl::AsciiStrToLower(*v);
    o.verify_hostname = !(a.empty() || a == "none");
  }
  if (auto v = get("sasl.mechanisms")) o.sasl_mechanism = absl::AsciiStrToUpper(*v);
  if (auto v = get("sasl.mechanism")) o.sasl_mechanism = absl::AsciiStrToUpper(*v);
  o.sasl_username = get("sasl.username").value_or("");
  o.sasl_password = get("sasl.password").value_or("");
  if (o.security_protocol == SecurityProtocol::kSaslPlaintext ||
      o.security_protocol == SecurityProtocol::kSaslSsl) {
    if (o.sasl_mechanism != "PLAIN" && o.sasl_mechanism != "SCRAM-SHA-256" &&
        o.sasl_mechanism != "SCRAM-SHA-512") {
      return absl::InvalidArgumentError(absl::StrCat(
          "The group membership client speaks SASL PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, not ",
          o.sasl_mechanism));
    }
  }
  return o;
}

std::vector<RequiredApi> RequiredApis(SecurityProtocol protocol) {
  std::vector<RequiredApi> apis = {
      {FindCoordinatorRequest::kApiKey, FindCoordinatorRequest::kVersion},
      {JoinGroupRequest::kApiKey, JoinGroupRequest::kVersion},
      {SyncGroupRequest::kApiKey, SyncGroupRequest::kVersion},
      {HeartbeatRequest::kApiKey, HeartbeatRequest::kVersion},
      {LeaveGroupRequest::kApiKey, LeaveGroupRequest::kVersion},
  };
  if (protocol == SecurityProtocol::kSaslPlaintext || protocol == SecurityProtocol::kSaslSsl) {
    apis.push_back({SaslHandshakeRequest::kApiKey, SaslHandshakeRequest::kVersion});
    apis.push_back({SaslAuthenticateRequest::kApiKey, SaslAuthenticateRequest::kVersion});
  }
  return apis;
}

absl::StatusOr<std::pair<std::string, int>> ParseHostPort(std::string_view address) {
  const absl::string_view a = absl::StripAsciiWhitespace(Av(address));
  const size_t colon = a.rfind(':');
  auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat("Invalid url in bootstrap.servers: ", a));
  };
  if (colon == absl::string_view::npos || colon == 0) return invalid();
  absl::string_view host = a.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  if (!absl::SimpleAtoi(a.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return invalid();
  }
  return std::make_pair(std::string(host), port);
}

// ---- KafkaConnection

struct KafkaConnection::Tls {
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx;
  std::unique_ptr<SSL, SslFree> ssl;
};

KafkaConnection::KafkaConnection(int fd, std::string address,
                                 const KafkaConnectionOptions& options)
    : fd_(fd), address_(std::move(address)), options_(options) {}

// No TLS close_notify: the broker does not need it, and it would write to a socket that may
// be gone.
KafkaConnection::~KafkaConnection() { close(fd_); }

RequestIdentity KafkaConnection::NextIdentity() {
  return RequestIdentity{next_correlation_id_++, options_.client_id};
}

absl::Status KafkaConnection::Wait(short events, absl::Time deadline, const Canceller* cancel,
                                   std::string_view doing) {
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat("Timed out ", Av(doing), " broker ", address_));
    }
    pollfd fds[2] = {{fd_, events, 0}, {cancel != nullptr ? cancel->fd() : -1, POLLIN, 0}};
    const int timeout_ms =
        static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1 << 30));
    const int n = poll(fds, 2, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    }
    if (fds[1].revents != 0) {
      return absl::CancelledError(absl::StrCat("Cancelled ", Av(doing), " broker ", address_));
    }
    if (fds[0].revents != 0) return absl::OkStatus();
  }
}

absl::StatusOr<std::unique_ptr<KafkaConnection>> KafkaConnection::Connect(
    const std::string& host, int port, const KafkaConnectionOptions& options,
    absl::Time deadline, const Canceller* cancel) {
  const std::string address = absl::StrCat(host, ":", port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int gai = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (gai != 0) {
    return absl::UnavailableError(
        absl::StrCat("Cannot resolve broker ", address, ": ", gai_strerror(gai)));
  }
  absl::Status last = absl::UnavailableError(absl::StrCat("No address for broker ", address));
  std::unique_ptr<KafkaConnection> connection;
  for (addrinfo* ai = found; ai != nullptr && connection == nullptr; ai = ai->ai_next) {
    const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          ai->ai_protocol);
    if (fd < 0) {
      last = absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
      continue;
    }
    auto candidate = std::unique_ptr<KafkaConnection>(new KafkaConnection(fd, address, options));
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = absl::UnavailableError(
          absl::StrCat("Cannot connect to broker ", address, ": ", std::strerror(errno)));
      continue;
    }
    if (absl::Status s = candidate->Wait(POLLOUT, deadline, cancel, "connecting to"); !s.ok()) {
      last = s;
      if (!absl::IsUnavailable(s)) break;  // deadline or cancel: no point in trying the next
      continue;
    }
    int error = 0;
    socklen_t len = sizeof(error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) {
      last = absl::UnavailableError(
          absl::StrCat("Cannot connect to broker ", address, ": ", std::strerror(error)));
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    connection = std::move(candidate);
  }
  freeaddrinfo(found);
  if (connection == nullptr) return last;

  if (options.security_protocol == SecurityProtocol::kSsl ||
      options.security_protocol == SecurityProtocol::kSaslSsl) {
    if (absl::Status s = connection->StartTls(host, deadline, cancel); !s.ok()) return s;
  }
  if (absl::Status s = connection->Handshake(deadline, cancel); !s.ok()) return s;
  if (options.security_protocol == SecurityProtocol::kSaslPlaintext ||
      options.security_protocol == SecurityProtocol::kSaslSsl) {
    if (absl::Status s = connection->Authenticate(deadline, cancel); !s.ok()) return s;
  }
  return connection;
}

absl::Status KafkaConnection::StartTls(const std::string& host, absl::Time deadline,
                                       const Canceller* cancel) {
  absl::StatusOr<std::unique_ptr<SSL_CTX, SslCtxFree>> ctx = NewSslContext(options_);
  if (!ctx.ok()) return ctx.status();
  tls_ = std::make_unique<Tls>();
  tls_->ctx = std::move(*ctx);
  tls_->ssl.reset(SSL_new(tls_->ctx.get()));
  SSL* ssl = tls_->ssl.get();
  if (ssl == nullptr || SSL_set_fd(ssl, fd_) != 1) {
    return absl::InternalError("SSL_new: " + OpenSslErrors());
  }
  if (!IsNumericHost(host)) SSL_set_tlsext_host_name(ssl, host.c_str());
  if (options_.verify_hostname) {
    if (IsNumericHost(host)) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
    } else {
      SSL_set1_host(ssl, host.c_str());
    }
  }
  while (true) {
    ERR_clear_error();
    int r;
    {
      SigpipeBlocked no_sigpipe;
      r = SSL_connect(ssl);
    }
    if (r == 1) return absl::OkStatus();
    const int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      if (absl::Status s = Wait(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, cancel,
                                "in the TLS handshake with");
          !s.ok()) {
        broken_ = true;
        return s;
      }
      continue;
    }
    broken_ = true;
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      return absl::UnauthenticatedError(
          absl::StrCat("SSL handshake failed with broker ", address_,
                       ": certificate verification failed: ",
                       X509_verify_cert_error_string(verify)));
    }
    return absl::UnauthenticatedError(
        absl::StrCat("SSL handshake failed with broker ", address_, ": ", OpenSslErrors()));
  }
}

absl::Status KafkaConnection::Handshake(absl::Time deadline, const Canceller* cancel) {
  absl::StatusOr<ApiVersionsResponse> versions =
      Call(ApiVersionsRequest{}, deadline, cancel, &DecodeApiVersionsResponse);
  if (!versions.ok()) return versions.status();
  if (versions->error_code != KafkaErrorCode::kNone) {
    return KafkaErrorToStatus(versions->error_code, absl::StrCat("ApiVersions to ", address_));
  }
  api_versions_ = *std::move(versions);
  for (const RequiredApi& api : RequiredApis(options_.security_protocol)) {
    if (Supports(api_versions_, api.key, api.version)) continue;
    std::string served = "not at all";
    for (const ApiVersionRange& r : api_versions_.api_keys) {
      if (r.api_key == static_cast<int16_t>(api.key)) {
        served = absl::StrCat("v", r.min_version, " to v", r.max_version);
      }
    }
    broken_ = true;
    return absl::FailedPreconditionError(absl::StrCat(
        "Broker ", address_, " does not serve ", Av(ApiKeyName(api.key)), " v", api.version,
        " (it serves ", served, "), which the group membership client needs"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> KafkaConnection::SaslExchange(std::string auth_bytes,
                                                          absl::Time deadline,
                                                          const Canceller* cancel) {
  SaslAuthenticateRequest request;
  request.auth_bytes = std::move(auth_bytes);
  absl::StatusOr<SaslAuthenticateResponse> response =
      Call(request, deadline, cancel, &DecodeSaslAuthenticateResponse);
  if (!response.ok()) return response.status();
  if (response->error_code != KafkaErrorCode::kNone) {
    broken_ = true;
    absl::Status s = KafkaErrorToStatus(
        response->error_code, absl::StrCat("SASL authentication with broker ", address_));
    if (response->error_message.has_value()) {
      return absl::Status(s.code(), absl::StrCat(s.message(), " (", *response->error_message, ")"));
    }
    return s;
  }
  return std::move(response->auth_bytes);
}

absl::Status KafkaConnection::Authenticate(absl::Time deadline, const Canceller* cancel) {
  SaslHandshakeRequest handshake;
  handshake.mechanism = options_.sasl_mechanism;
  absl::StatusOr<SaslHandshakeResponse> response =
      Call(handshake, deadline, cancel, &DecodeSaslHandshakeResponse);
  if (!response.ok()) return response.status();
  if (response->error_code != KafkaErrorCode::kNone) {
    broken_ = true;
    absl::Status s = KafkaErrorToStatus(
        response->error_code, absl::StrCat("SaslHandshake (", options_.sasl_mechanism,
                                           ") with broker ", address_));
    return absl::Status(s.code(), absl::StrCat(s.message(), " The broker enables [",
                                               absl::StrJoin(response->mechanisms, ", "), "]."));
  }
  if (options_.sasl_mechanism == "PLAIN") {
    // RFC 4616: authzid NUL authcid NUL passwd, with an empty authzid as Kafka's PlainSaslClient
    // sends it.
    std::string message;
    message.push_back('\0');
    message += options_.sasl_username;
    message.push_back('\0');
    message += options_.sasl_password;
    return SaslExchange(std::move(message), deadline, cancel).status();
  }
  return AuthenticateScram(deadline, cancel);
}

absl::Status KafkaConnection::AuthenticateScram(absl::Time deadline, const Canceller* cancel) {
  const EVP_MD* md = options_.sasl_mechanism == "SCRAM-SHA-512" ? EVP_sha512() : EVP_sha256();
  auto fail = [&](std::string_view why) {
    broken_ = true;
    return absl::UnauthenticatedError(absl::StrCat(options_.sasl_mechanism,
                                                   " authentication with broker ", address_,
                                                   " failed: ", Av(why)));
  };
  unsigned char nonce_bytes[24];
  if (RAND_bytes(nonce_bytes, sizeof(nonce_bytes)) != 1) return fail("no random bytes");
  std::string nonce = Base64(std::string_view(reinterpret_cast<char*>(nonce_bytes), 24));
  for (char& c : nonce) {
    if (c == '+' || c == '/' || c == '=') c = 'x';  // printable, no ','
  }
  const std::string client_first_bare = absl::StrCat("n=", ScramName(options_.sasl_username),
                                                     ",r=", nonce);
  absl::StatusOr<std::string> server_first =
      SaslExchange(absl::StrCat("n,,", client_first_bare), deadline, cancel);
  if (!server_first.ok()) return server_first.status();
  std::map<char, std::string> attrs = ScramAttributes(*server_first);
  if (attrs.count('e')) return fail(attrs['e']);
  const std::string& server_nonce = attrs['r'];
  std::optional<std::string> salt = Unbase64(attrs['s']);
  int iterations = 0;
  if (!absl::StartsWith(server_nonce, nonce) || !salt.has_value() ||
      !absl::SimpleAtoi(attrs['i'], &iterations) || iterations <= 0) {
    return fail(absl::StrCat("unexpected server message '", *server_first, "'"));
  }
  std::string salted(EVP_MD_size(md), '\0');
  PKCS5_PBKDF2_HMAC(options_.sasl_password.data(), static_cast<int>(options_.sasl_password.size()),
                    reinterpret_cast<const unsigned char*>(salt->data()),
                    static_cast<int>(salt->size()), iterations, md, static_cast<int>(salted.size()),
                    reinterpret_cast<unsigned char*>(salted.data()));
  const std::string client_key = Hmac(md, salted, "Client Key");
  const std::string stored_key = Digest(md, client_key);
  const std::string without_proof = absl::StrCat("c=biws,r=", server_nonce);  // biws = "n,,"
  const std::string auth_message =
      absl::StrCat(client_first_bare, ",", *server_first, ",", without_proof);
  std::string proof = Hmac(md, stored_key, auth_message);
  for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= client_key[i];
  absl::StatusOr<std::string> server_final = SaslExchange(
      absl::StrCat(without_proof, ",p=", Base64(proof)), deadline, cancel);
  if (!server_final.ok()) return server_final.status();
  std::map<char, std::string> final_attrs = ScramAttributes(*server_final);
  if (final_attrs.count('e')) return fail(final_attrs['e']);
  const std::string server_signature = Hmac(md, Hmac(md, salted, "Server Key"), auth_message);
  if (Unbase64(final_attrs['v']) != server_signature) {
    return fail("the broker's signature does not match (wrong server or password store)");
  }
  return absl::OkStatus();
}

absl::Status KafkaConnection::WriteAll(std::string_view bytes, absl::Time deadline,
                                       const Canceller* cancel) {
  size_t done = 0;
  while (done < bytes.size()) {
    if (tls_ != nullptr) {
      ERR_clear_error();
      size_t written = 0;
      int r;
      {
        SigpipeBlocked no_sigpipe;
        r = SSL_write_ex(tls_->ssl.get(), bytes.data() + done, bytes.size() - done, &written);
      }
      if (r == 1) {
        done += written;
        continue;
      }
      const int e = SSL_get_error(tls_->ssl.get(), r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (absl::Status s = Wait(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, cancel,
                                  "writing to");
            !s.ok()) {
          return s;
        }
        continue;
      }
      return absl::UnavailableError(
          absl::StrCat("TLS write to broker ", address_, " failed: ", OpenSslErrors()));
    }
    const ssize_t n = send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (absl::Status s = Wait(POLLOUT, deadline, cancel, "writing to"); !s.ok()) return s;
      continue;
    }
    return absl::UnavailableError(
        absl::StrCat("Cannot write to broker ", address_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status KafkaConnection::ReadSome(absl::Time deadline, const Canceller* cancel) {
  char buf[16384];
  while (true) {
    if (tls_ != nullptr) {
      ERR_clear_error();
      size_t got = 0;
      int r;
      {
        SigpipeBlocked no_sigpipe;  // a read may write (TLS 1.3 key updates)
        r = SSL_read_ex(tls_->ssl.get(), buf, sizeof(buf), &got);
      }
      if (r == 1) {
        in_.append(buf, got);
        return absl::OkStatus();
      }
      const int e = SSL_get_error(tls_->ssl.get(), r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (absl::Status s = Wait(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, cancel,
                                  "reading from");
            !s.ok()) {
          return s;
        }
        continue;
      }
      if (e == SSL_ERROR_ZERO_RETURN) {
        return absl::UnavailableError(absl::StrCat("Broker ", address_, " closed the connection"));
      }
      return absl::UnavailableError(
          absl::StrCat("TLS read from broker ", address_, " failed: ", OpenSslErrors()));
    }
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      return absl::OkStatus();
    }
    if (n == 0) {
      return absl::UnavailableError(absl::StrCat("Broker ", address_, " closed the connection"));
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      if (absl::Status s = Wait(POLLIN, deadline, cancel, "reading from"); !s.ok()) return s;
      continue;
    }
    return absl::UnavailableError(
        absl::StrCat("Cannot read from broker ", address_, ": ", std::strerror(errno)));
  }
}

absl::StatusOr<std::string> KafkaConnection::RoundTrip(std::string_view frame,
                                                       absl::Time deadline,
                                                       const Canceller* cancel) {
  if (broken_) {
    return absl::UnavailableError(
        absl::StrCat("The connection to broker ", address_, " failed earlier"));
  }
  // The correlation id sits after the size prefix, api key and version.
  const int32_t correlation_id = static_cast<int32_t>(
      (static_cast<uint32_t>(static_cast<uint8_t>(frame[8])) << 24) |
      (static_cast<uint32_t>(static_cast<uint8_t>(frame[9])) << 16) |
      (static_cast<uint32_t>(static_cast<uint8_t>(frame[10])) << 8) |
      static_cast<uint32_t>(static_cast<uint8_t>(frame[11])));
  auto fail = [&](absl::Status s) {
    broken_ = true;
    return s;
  };
  if (absl::Status s = WriteAll(frame, deadline, cancel); !s.ok()) return fail(s);
  while (true) {
    absl::StatusOr<std::optional<std::string_view>> payload =
        NextFrame(in_, options_.max_response_bytes);
    if (!payload.ok()) {
      return fail(absl::UnavailableError(absl::StrCat("Broker ", address_, " sent a bad frame: ",
                                                      payload.status().message())));
    }
    if (!payload->has_value()) {
      if (absl::Status s = ReadSome(deadline, cancel); !s.ok()) return fail(s);
      continue;
    }
    const size_t frame_size = 4 + (*payload)->size();
    absl::StatusOr<ResponseFrame> response = ParseResponseHeaderV0(**payload);
    if (!response.ok()) return fail(response.status());
    if (response->correlation_id != correlation_id) {
      // One request at a time: anything else is a broker bug or a stream out of step.
      return fail(absl::InternalError(
          absl::StrCat("Broker ", address_, " answered correlation id ",
                       response->correlation_id, " to request ", correlation_id)));
    }
    std::string body(response->body);
    in_.erase(0, frame_size);
    return body;
  }
}

absl::StatusOr<std::unique_ptr<KafkaConnection>> ConnectBootstrap(
    const std::vector<std::string>& bootstrap_servers, const KafkaConnectionOptions& options,
    absl::Time deadline, const Canceller* cancel) {
  if (bootstrap_servers.empty()) {
    return absl::InvalidArgumentError("No resolvable bootstrap urls given in bootstrap.servers");
  }
  std::vector<std::string> errors;
  absl::Status last;
  for (const std::string& server : bootstrap_servers) {
    absl::StatusOr<std::pair<std::string, int>> hp = ParseHostPort(server);
    if (!hp.ok()) return hp.status();
    absl::StatusOr<std::unique_ptr<KafkaConnection>> c =
        KafkaConnection::Connect(hp->first, hp->second, options, deadline, cancel);
    if (c.ok()) return c;
    // A broker that is there but refuses us (authentication, versions) would refuse on every
    // address; so would a cancel or the end of the deadline.
    if (!absl::IsUnavailable(c.status())) return c.status();
    errors.push_back(std::string(c.status().message()));
    last = c.status();
  }
  return absl::Status(last.code(), absl::StrCat("No broker of bootstrap.servers answered: ",
                                                absl::StrJoin(errors, "; ")));
}

}  // namespace sluice::distributed
