// RestClient against a one-request HTTP server in the test: what it sends (Kafka Connect's
// RestClient headers, the signature, the body) and how it reads answers.
#include "server/distributed/rest_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::distributed {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A socket listening on 127.0.0.1 at a free port (written to *port), for one connection.
int ListenOnLoopback(int* port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::listen(fd, 1);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

// Serves one request on 127.0.0.1 with `response` (a whole HTTP response) and keeps what came.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response) : response_(std::move(response)) {
    listener_ = ListenOnLoopback(&port_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  std::string url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }
  // The request as received (after the server answered).
  const std::string& received() {
    thread_.join();
    thread_ = std::thread([] {});
    return received_;
  }

 private:
  void Serve() {
    int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    char buf[4096];
    size_t want = std::string::npos;
    while (received_.size() < want) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      received_.append(buf, static_cast<size_t>(n));
      size_t end = received_.find("\r\n\r\n");
      if (end != std::string::npos && want == std::string::npos) {
        size_t body = 0;
        size_t at = received_.find("Content-Length: ");
        if (at != std::string::npos && at < end) {
          (void)absl::SimpleAtoi(received_.substr(at + 16, received_.find("\r\n", at) - at - 16),
                                 &body);
        }
        want = end + 4 + body;
      }
    }
    (void)!::write(fd, response_.data(), response_.size());
    ::close(fd);
  }

  const std::string response_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string received_;
};

TEST(RestClient, SendsWhatKafkaConnectsRestClientSends) {
  OneShotServer server("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
  RestClient client({});
  absl::StatusOr<RestResponse> r =
      client.Send({.method = "POST",
                   .url = server.url("/connectors/c/tasks?forward=true"),
                   .body = R"([{"task.class":"T"}])",
                   .signature = SignatureHeaders{"c2ln", "HmacSHA256"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 204);
  EXPECT_TRUE(r->body.empty());
  EXPECT_TRUE(ErrorOf(*r).ok());
  const std::string& sent = server.received();
  EXPECT_THAT(sent, StartsWith("POST /connectors/c/tasks?forward=true HTTP/1.1\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nAccept: application/json\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nUser-Agent: kafka-connect\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nContent-Type: application/json\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nX-Connect-Authorization: c2ln\r\n"));
  EXPECT_THAT(sent, HasSubstr("\r\nX-Connect-Request-Signature-Algorithm: HmacSHA256\r\n"));
  EXPECT_FALSE(absl::StrContains(sent, "Expect:"));
  EXPECT_TRUE(absl::EndsWith(sent, "\r\n\r\n[{\"task.class\":\"T\"}]"));
}

TEST(RestClient, AnErrorAnswerGivesTheOtherWorkersMessageAndStatus) {
  const std::string body = R"({"error_code":409,"message":"Cannot complete request"})";
  OneShotServer server(absl::StrCat("HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\n",
                                    "Content-Length: ", body.size(), "\r\n\r\n", body));
  absl::StatusOr<RestResponse> r = RestClient({}).Send({.url = server.url("/connectors")});
  ASSERT_TRUE(r.ok()) << r.status();
  int http = 0;
  absl::Status error = ErrorOf(*r, &http);
  EXPECT_EQ(error.message(), "Cannot complete request");
  EXPECT_EQ(http, 409);
}

TEST(RestClient, ARedirectIsNotFollowed) {
  OneShotServer server(
      "HTTP/1.1 302 Found\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n");
  absl::StatusOr<RestResponse> r = RestClient({}).Send({.url = server.url("/")});
  ASSERT_TRUE(r.ok()) << r.status();
  int http = 0;
  EXPECT_EQ(ErrorOf(*r, &http).message(),
            "Unexpected status code when handling forwarded request: 302");
  EXPECT_EQ(http, 500);
}

TEST(RestClient, NoAnswerIsAnIoError) {
  int port = 0;
  {
    OneShotServer closed("");
    port = std::stoi(closed.url("").substr(std::string("http://127.0.0.1:").size()));
  }
  absl::StatusOr<RestResponse> r =
      RestClient({}).Send({.url = absl::StrCat("http://127.0.0.1:", port, "/")});
  ASSERT_TRUE(absl::IsUnavailable(r.status()));
  EXPECT_THAT(std::string(r.status().message()),
              StartsWith("IO Error trying to forward REST request: "));
}

// A self-signed certificate for `dns_name` (only), its key, and a one-request https server
// presenting it on 127.0.0.1.
class OneShotTlsServer {
 public:
  OneShotTlsServer(const std::string& dns_name, std::string response)
      : response_(std::move(response)) {
    key_ = EVP_EC_gen("P-256");
    cert_ = X509_new();
    X509_set_version(cert_, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert_), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert_), 3600);
    X509_NAME* name = X509_get_subject_name(cert_);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(dns_name.c_str()), -1, -1,
                               0);
    X509_set_issuer_name(cert_, name);
    X509_set_pubkey(cert_, key_);
    const std::string san = "DNS:" + dns_name;
    X509_EXTENSION* ext =
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
    X509_add_ext(cert_, ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(cert_, key_, EVP_sha256());
    ca_file_ = (std::filesystem::temp_directory_path() /
                absl::StrCat("rest_client_test_ca_", ::getpid(), "_", port_seq_++, ".pem"))
                   .string();
    FILE* f = std::fopen(ca_file_.c_str(), "w");
    PEM_write_X509(f, cert_);
    std::fclose(f);

    // A client that refuses the certificate closes the connection after TLS 1.3's handshake,
    // which the server finishes first: its write then meets a closed socket. That is EPIPE
    // here, not a signal that ends the test.
    ::signal(SIGPIPE, SIG_IGN);
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, cert_);
    SSL_CTX_use_PrivateKey(ctx_, key_);
    listener_ = ListenOnLoopback(&port_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~OneShotTlsServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
    SSL_CTX_free(ctx_);
    X509_free(cert_);
    EVP_PKEY_free(key_);
    std::filesystem::remove(ca_file_);
  }
  std::string url(const std::string& path) const {
    return absl::StrCat("https://127.0.0.1:", port_, path);
  }
  const std::string& ca_file() const { return ca_file_; }

 private:
  void Serve() {
    int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        int n = SSL_read(ssl, buf, sizeof(buf));
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      SSL_write(ssl, response_.data(), static_cast<int>(response_.size()));
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ::close(fd);
  }

  static inline int port_seq_ = 0;
  const std::string response_;
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  SSL_CTX* ctx_ = nullptr;
  std::string ca_file_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(RestClient, HttpsChecksTheCertificateAndItsHostNameUnlessTurnedOff) {
  constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]";
  {
    // The certificate names worker.example, the URL 127.0.0.1:
    // ssl.endpoint.identification.algorithm=https refuses it.
    OneShotTlsServer server("worker.example", kOk);
    absl::StatusOr<RestResponse> r =
        RestClient({.ca_file = server.ca_file()}).Send({.url = server.url("/connectors")});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(r.status().message(), StartsWith("IO Error trying to forward REST request: "));
  }
  {
    // ssl.endpoint.identification.algorithm="": the chain is checked, the name not.
    OneShotTlsServer server("worker.example", kOk);
    absl::StatusOr<RestResponse> r =
        RestClient({.ca_file = server.ca_file(), .verify_host = false})
            .Send({.url = server.url("/connectors")});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "[]");
  }
  {
    // A certificate the CA file does not hold is refused with the name check off too.
    OneShotTlsServer other("worker.example", kOk);
    OneShotTlsServer server("worker.example", kOk);
    absl::StatusOr<RestResponse> r =
        RestClient({.ca_file = other.ca_file(), .verify_host = false})
            .Send({.url = server.url("/connectors")});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  }
}

}  // namespace
}  // namespace sluice::distributed
