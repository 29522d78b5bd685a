#include "server/tls/tls_material.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sluice::tls {
namespace {

// Fixtures made with Java 17's keytool (server/kafka/testdata/README.md), passwords changeit.
const std::string kTestdata = SLUICE_KAFKA_TESTDATA;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// The subjects (one line, OpenSSL's RFC 2253 form) and serials of the certificates in PEM text.
std::vector<std::string> Subjects(const std::string& pem) {
  std::vector<std::string> out;
  BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  while (X509* cert = PEM_read_bio_X509(in, nullptr, nullptr, nullptr)) {
    BIO* name = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(name, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    long n = BIO_get_mem_data(name, &data);
    out.emplace_back(data, n);
    BIO_free(name);
    X509_free(cert);
  }
  BIO_free(in);
  return out;
}

long Serial(const std::string& pem) {
  BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  if (cert == nullptr) return -1;
  long serial = ASN1_INTEGER_get(X509_get_serialNumber(cert));
  X509_free(cert);
  return serial;
}

// A fresh self-signed P-256 certificate: {key PEM (encrypted with `password` when given),
// certificate PEM}.
std::pair<std::string, std::string> SelfSigned(const std::string& cn, long serial,
                                               const std::string& password = "") {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  X509_sign(cert, key, EVP_sha256());
  BIO* key_out = BIO_new(BIO_s_mem());
  if (password.empty()) {
    PEM_write_bio_PrivateKey(key_out, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PKCS8PrivateKey(key_out, key, EVP_aes_256_cbc(), password.data(),
                                  static_cast<int>(password.size()), nullptr, nullptr);
  }
  BIO* cert_out = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_out, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(key_out, &data);
  std::string key_pem(data, n);
  n = BIO_get_mem_data(cert_out, &data);
  std::string cert_pem(data, n);
  BIO_free(key_out);
  BIO_free(cert_out);
  X509_free(cert);
  EVP_PKEY_free(key);
  return {key_pem, cert_pem};
}

config::TlsSettings Pkcs12Settings() {
  config::TlsSettings s;
  s.keystore_location = kTestdata + "/keystore.p12";  // typed JKS, Kafka's default
  s.keystore_password = "changeit";
  s.truststore_location = kTestdata + "/truststore.jks";
  s.truststore_password = "changeit";
  return s;
}

class PemFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("tls_material_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST(LoadPemMaterial, ReadsAJksTypedPkcs12KeyStoreAndAJksTrustStore) {
  absl::StatusOr<PemMaterial> m = LoadPemMaterial(Pkcs12Settings());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->private_key.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0) << m->private_key;
  EXPECT_EQ(Subjects(m->certificate_chain), std::vector<std::string>{"CN=sluice-client"});
  EXPECT_EQ(Subjects(m->trusted_certificates), std::vector<std::string>{"CN=Sluice Test CA"});
  // The same certificate keytool exported.
  EXPECT_EQ(m->trusted_certificates, Read(kTestdata + "/ca.pem"));
}

TEST(LoadPemMaterial, ReadsAPkcs12TrustStore) {
  config::TlsSettings s = Pkcs12Settings();
  s.keystore_type = "PKCS12";
  s.truststore_type = "PKCS12";
  s.truststore_location = kTestdata + "/truststore.p12";
  absl::StatusOr<PemMaterial> m = LoadPemMaterial(s);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(Subjects(m->trusted_certificates), std::vector<std::string>{"CN=Sluice Test CA"});
}

TEST(LoadPemMaterial, RefusesAWrongKeyStorePassword) {
  config::TlsSettings s = Pkcs12Settings();
  s.keystore_password = "wrong";
  absl::StatusOr<PemMaterial> m = LoadPemMaterial(s);
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(m.status().message(),
                               absl::StrCat("Invalid value ", kTestdata,
                                            "/keystore.p12 for configuration "
                                            "ssl.keystore.location: keystore password was "
                                            "incorrect (")))
      << m.status();
}

TEST(LoadPemMaterial, RefusesAJksKeyStoreNamingTheKeytoolConversion) {
  config::TlsSettings s = Pkcs12Settings();
  s.keystore_location = kTestdata + "/keystore.jks";
  absl::StatusOr<PemMaterial> m = LoadPemMaterial(s);
  EXPECT_EQ(std::string(m.status().message()),
            absl::StrCat("Invalid value ", kTestdata,
                         "/keystore.jks for configuration ssl.keystore.location: a JKS key "
                         "store, which Sluice cannot read without a JVM. Convert it once to "
                         "PKCS12 with keytool -importkeystore -srckeystore ",
                         kTestdata,
                         "/keystore.jks -srcstoretype JKS -destkeystore <new file>.p12 "
                         "-deststoretype PKCS12, then set ssl.keystore.type=PKCS12 and "
                         "ssl.keystore.location=<new file>.p12"));
}

TEST_F(PemFiles, ReadsAPemKeyStoreFileWithAnEncryptedKey) {
  auto [key, cert] = SelfSigned("pem-worker", 7, "kp");
  const std::string path = dir_ + "/worker.pem";
  Write(path, key + cert);
  config::TlsSettings s;
  s.keystore_type = "PEM";
  s.keystore_location = path;
  s.key_password = "kp";
  s.truststore_type = "PEM";
  s.truststore_location = path;  // the certificate trusts itself
  absl::StatusOr<PemMaterial> m = LoadPemMaterial(s);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->private_key.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
  EXPECT_EQ(m->certificate_chain, cert);
  EXPECT_EQ(m->trusted_certificates, cert);

  s.key_password.reset();
  EXPECT_TRUE(absl::StartsWith(
      LoadPemMaterial(s).status().message(),
      "Invalid value for configuration ssl.keystore.location: no private key could be read ("))
      << LoadPemMaterial(s).status();
}

TEST(LoadPemMaterial, ReadsInlinePemGivenOnOneLine) {
  auto [key, cert] = SelfSigned("inline-worker", 8);
  // Properties files often carry PEM on one line; Kafka's PEM parser ignores the line breaks.
  std::string one_line_cert = cert;
  std::replace(one_line_cert.begin(), one_line_cert.end(), '\n', ' ');
  config::TlsSettings s;
  s.keystore_type = "PEM";
  s.keystore_key = key;
  s.keystore_certificate_chain = one_line_cert;
  s.truststore_type = "PEM";
  s.truststore_certificates = one_line_cert;
  absl::StatusOr<PemMaterial> m = LoadPemMaterial(s);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->certificate_chain, cert);
  EXPECT_EQ(m->trusted_certificates, cert);
}

TEST(LoadPemMaterial, RefusesAKeyThatIsNotTheCertificates) {
  auto [key, cert] = SelfSigned("a", 1);
  auto [other_key, other_cert] = SelfSigned("b", 2);
  config::TlsSettings s;
  s.keystore_type = "PEM";
  s.keystore_key = other_key;
  s.keystore_certificate_chain = cert;
  s.truststore_certificates = cert;
  EXPECT_TRUE(absl::StartsWith(LoadPemMaterial(s).status().message(),
                               "Invalid value for configuration ssl.keystore.key: the private "
                               "key does not belong to the first certificate of the chain ("))
      << LoadPemMaterial(s).status();
}

TEST_F(PemFiles, RunnerWritesPrivateFilesAndRewritesThemWhenTheSourceChanges) {
  auto [key, cert] = SelfSigned("worker", 100);
  const std::string source = dir_ + "/worker.pem";
  Write(source, key + cert);
  config::TlsSettings s;
  s.keystore_type = "PEM";
  s.keystore_location = source;
  s.truststore_type = "PEM";
  s.truststore_certificates = cert;
  // A long poll interval: the test refreshes by hand.
  absl::StatusOr<std::unique_ptr<TlsMaterialRunner>> runner = TlsMaterialRunner::Start(
      {.settings = s, .poll_interval = absl::Hours(1), .parent_dir = dir_});
  ASSERT_TRUE(runner.ok()) << runner.status();
  TlsMaterialRunner& r = **runner;
  struct stat st;
  ASSERT_EQ(::stat(r.dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(r.key_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Serial(Read(r.cert_file())), 100);
  EXPECT_EQ(Read(r.ca_file()), cert);
  EXPECT_EQ(Read(r.peer_ca_file()), cert + cert);

  EXPECT_EQ(r.RefreshIfChanged().value_or(true), false);

  auto [new_key, new_cert] = SelfSigned("worker", 101);
  Write(source, new_key + new_cert);
  absl::StatusOr<bool> refreshed = r.RefreshIfChanged();
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_TRUE(*refreshed);
  EXPECT_EQ(Serial(Read(r.cert_file())), 101);

  // A renewal that cannot be read leaves the files as they were.
  Write(source, new_cert);
  EXPECT_FALSE(r.RefreshIfChanged().ok());
  EXPECT_EQ(Serial(Read(r.cert_file())), 101);

  const std::string private_dir = r.dir();
  runner->reset();
  EXPECT_FALSE(std::filesystem::exists(private_dir));
}

}  // namespace
}  // namespace sluice::tls
