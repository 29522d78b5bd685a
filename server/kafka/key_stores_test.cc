// Reads key stores that Java 17's keytool wrote (testdata/README.md). What Java sees in each
// store (which entries, and its error for a wrong password) was checked with
// java.security.KeyStore on Java 17.
#include "server/kafka/key_stores.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::kafka {
namespace {

using ::testing::HasSubstr;

std::string TestData(const std::string& name) {
  return std::string(SLUICE_KAFKA_TESTDATA) + "/" + name;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(KeyStores, SniffsJksAndPkcs12ByContent) {
  EXPECT_EQ(*SniffKeyStore(TestData("truststore.jks")), KeyStoreFormat::kJks);
  EXPECT_EQ(*SniffKeyStore(TestData("keystore.jks")), KeyStoreFormat::kJks);
  EXPECT_EQ(*SniffKeyStore(TestData("truststore.p12")), KeyStoreFormat::kPkcs12);
  EXPECT_EQ(*SniffKeyStore(TestData("keystore.p12")), KeyStoreFormat::kPkcs12);
}

TEST(KeyStores, ReadsTheTrustedCertificateOfAJksTrustStore) {
  absl::StatusOr<std::string> pem = TrustedCertificatesPem(TestData("truststore.jks"), "changeit");
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_EQ(*pem, Read(TestData("ca.pem")));
}

TEST(KeyStores, ReadsAJksTrustStoreWithoutPassword) {
  // Java skips the integrity check when no password is given.
  absl::StatusOr<std::string> pem = TrustedCertificatesPem(TestData("truststore.jks"), std::nullopt);
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_EQ(*pem, Read(TestData("ca.pem")));
}

TEST(KeyStores, ReadsTheTrustedCertificateOfAPkcs12TrustStore) {
  absl::StatusOr<std::string> pem = TrustedCertificatesPem(TestData("truststore.p12"), "changeit");
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_EQ(*pem, Read(TestData("ca.pem")));
}

TEST(KeyStores, TrustsTheCertificateOfAKeyEntry) {
  for (const char* store : {"keystore.jks", "keystore.p12"}) {
    absl::StatusOr<std::string> pem = TrustedCertificatesPem(TestData(store), "changeit");
    ASSERT_TRUE(pem.ok()) << store << ": " << pem.status();
    EXPECT_THAT(*pem, HasSubstr("-----BEGIN CERTIFICATE-----\n")) << store;
    EXPECT_NE(*pem, Read(TestData("ca.pem"))) << store;
  }
}

TEST(KeyStores, RefusesAWrongPasswordWithJavasWords) {
  absl::StatusOr<std::string> jks = TrustedCertificatesPem(TestData("truststore.jks"), "wrong");
  EXPECT_EQ(jks.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(jks.status().message(),
              HasSubstr("Keystore was tampered with, or password was incorrect"));
  absl::StatusOr<std::string> p12 = TrustedCertificatesPem(TestData("truststore.p12"), "wrong");
  EXPECT_EQ(p12.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(p12.status().message(), HasSubstr("keystore password was incorrect"));
}

TEST(KeyStores, NamesAFileItCannotRead) {
  absl::StatusOr<std::string> pem = TrustedCertificatesPem("/nonexistent/trust.jks", "changeit");
  EXPECT_EQ(pem.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(pem.status().message(), "Cannot read /nonexistent/trust.jks");
  EXPECT_EQ(SniffKeyStore("/nonexistent/trust.jks").status().message(),
            "Cannot read /nonexistent/trust.jks");
}

TEST(KeyStores, RefusesAFileThatIsNoKeyStore) {
  absl::StatusOr<std::string> pem = TrustedCertificatesPem(TestData("README.md"), "changeit");
  EXPECT_EQ(pem.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(pem.status().message(), HasSubstr("not a JKS or PKCS12 key store"));
}

}  // namespace
}  // namespace sluice::kafka
