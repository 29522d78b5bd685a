#include "server/config/tls_settings.h"

#include "gtest/gtest.h"
#include "server/config/worker_config.h"

namespace sluice::config {
namespace {

ConfigMap Minimal() {
  return {{"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
          {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
          {"offset.storage.file.filename", "/tmp/x.offsets"}};
}

ConfigMap Https(ConfigMap extra) {
  ConfigMap props = Minimal();
  props["listeners"] = "https://127.0.0.1:8443";
  for (auto& [k, v] : extra) props[k] = v;
  return props;
}

TEST(TlsSettings, HttpsListenerReadsPlainSslKeysWithKafkasDefaults) {
  // Passwords are trimmed, as ConfigDef trims a PASSWORD; the protocol's case does not matter.
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(
      Https({{"listeners", "HTTPS://127.0.0.1:8443"},
             {"ssl.keystore.location", "/etc/w.p12"},
             {"ssl.keystore.password", " pw "}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->rest_listener, "127.0.0.1:8443");
  EXPECT_EQ(config->rest_advertised_protocol, "https");
  ASSERT_TRUE(config->rest_tls.has_value());
  EXPECT_FALSE(config->grpc_tls.has_value());
  const TlsSettings& tls = *config->rest_tls;
  EXPECT_EQ(tls.keystore_type, "JKS");  // Kafka's default, read as PKCS12 when the file is one
  EXPECT_EQ(tls.keystore_location, "/etc/w.p12");
  EXPECT_EQ(tls.keystore_password, "pw");
  EXPECT_EQ(tls.key_password, std::nullopt);
  EXPECT_EQ(tls.truststore_type, "JKS");
  EXPECT_FALSE(tls.has_truststore());
  EXPECT_EQ(tls.client_auth, TlsSettings::ClientAuth::kNone);
  EXPECT_EQ(tls.min_version, TlsSettings::TlsVersion::kTls12);
  EXPECT_EQ(tls.max_version, TlsSettings::TlsVersion::kTls13);
  EXPECT_EQ(tls.endpoint_identification_algorithm, "https");
}

TEST(TlsSettings, ListenersHttpsPrefixedKeysReplaceAllPlainSslKeys) {
  // valuesWithPrefixAllOrNothing: one listeners.https.* key and the plain ssl.* keys are all
  // ignored, also those the prefixed keys do not repeat.
  absl::StatusOr<TlsSettings> tls = ParseTlsSettings(Https({
      {"ssl.keystore.location", "/etc/plain.p12"},
      {"ssl.client.auth", "required"},
      {"ssl.truststore.location", "/etc/plain-trust.p12"},
      {"listeners.https.ssl.keystore.location", "/etc/https.pem"},
      {"listeners.https.ssl.keystore.type", "pem"},
      {"listeners.https.ssl.key.password", "kp"},
  }));
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_EQ(tls->keystore_location, "/etc/https.pem");
  EXPECT_EQ(tls->keystore_type, "PEM");
  EXPECT_EQ(tls->key_password, "kp");
  EXPECT_EQ(tls->client_auth, TlsSettings::ClientAuth::kNone);
  EXPECT_EQ(tls->truststore_location, "");
}

TEST(TlsSettings, ReadsInlinePemStoresAndClientAuth) {
  absl::StatusOr<TlsSettings> tls = ParseTlsSettings(Https({
      {"ssl.keystore.type", "PEM"},
      {"ssl.keystore.key", "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"},
      {"ssl.keystore.certificate.chain", "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----"},
      {"ssl.truststore.type", "PEM"},
      {"ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----\ny\n-----END CERTIFICATE-----"},
      {"ssl.client.auth", "requested"},
  }));
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_TRUE(tls->inline_key());
  EXPECT_TRUE(tls->has_truststore());
  EXPECT_EQ(tls->client_auth, TlsSettings::ClientAuth::kRequested);
  EXPECT_STREQ(ClientAuthName(tls->client_auth), "requested");
}

TEST(TlsSettings, MapsProtocolsToVersionBounds) {
  absl::StatusOr<TlsSettings> only13 = ParseTlsSettings(
      Https({{"ssl.keystore.location", "/k.p12"}, {"ssl.enabled.protocols", "TLSv1.3"}}));
  ASSERT_TRUE(only13.ok()) << only13.status();
  EXPECT_EQ(only13->min_version, TlsSettings::TlsVersion::kTls13);
  EXPECT_EQ(only13->max_version, TlsSettings::TlsVersion::kTls13);
  absl::StatusOr<TlsSettings> capped = ParseTlsSettings(
      Https({{"ssl.keystore.location", "/k.p12"}, {"ssl.protocol", "TLSv1.2"}}));
  ASSERT_TRUE(capped.ok()) << capped.status();
  EXPECT_EQ(capped->min_version, TlsSettings::TlsVersion::kTls12);
  EXPECT_EQ(capped->max_version, TlsSettings::TlsVersion::kTls12);
}

TEST(TlsSettings, RefusesWhatItCannotHonourNamingTheKey) {
  struct Case {
    ConfigMap extra;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{},
       "An https listener needs a key store: set ssl.keystore.location (PKCS12 or PEM), or "
       "ssl.keystore.type=PEM with ssl.keystore.key and ssl.keystore.certificate.chain (as "
       "listeners.https.ssl.* or ssl.*)"},
      {{{"ssl.keystore.location", "/k.p12"}, {"ssl.client.auth", "REQUIRED"}},
       "Invalid value REQUIRED for configuration ssl.client.auth: String must be one of: "
       "required, requested, none"},
      {{{"ssl.keystore.location", "/k.jceks"}, {"ssl.keystore.type", "JCEKS"}},
       "Invalid value JCEKS for configuration ssl.keystore.type: Sluice reads PKCS12 and PEM "
       "stores, not JCEKS. Convert the store with keytool -importkeystore -srckeystore "
       "<store>.jceks -srcstoretype JCEKS -destkeystore <store>.p12 -deststoretype PKCS12 and "
       "set ssl.keystore.type=PKCS12 and ssl.keystore.location=<store>.p12"},
      {{{"ssl.keystore.location", "/k.p12"}, {"ssl.truststore.type", "BKS"}},
       "Invalid value BKS for configuration ssl.truststore.type: Sluice reads the store types "
       "PKCS12 and PEM (and JKS-typed PKCS12 files)"},
      {{{"ssl.keystore.location", "/k.p12"}, {"ssl.enabled.protocols", "TLSv1.1,TLSv1.2"}},
       "Invalid value TLSv1.1,TLSv1.2 for configuration ssl.enabled.protocols: Sluice's "
       "listeners serve TLSv1.2 and TLSv1.3; TLSv1.1 is not supported"},
      {{{"ssl.keystore.location", "/k.p12"}, {"ssl.protocol", "SSL"}},
       "Invalid value SSL for configuration ssl.protocol: Sluice's listeners serve TLSv1.2 and "
       "TLSv1.3 (ssl.protocol TLSv1.3, TLSv1.2 or TLS)"},
      {{{"ssl.keystore.location", "/k.p12"},
        {"ssl.protocol", "TLSv1.2"},
        {"ssl.enabled.protocols", "TLSv1.3"}},
       "ssl.protocol=TLSv1.2 leaves none of the ssl.enabled.protocols (TLSv1.3) to serve"},
      {{{"ssl.keystore.location", "/k.p12"},
        {"ssl.cipher.suites", "TLS_AES_128_GCM_SHA256"}},
       "Invalid value TLS_AES_128_GCM_SHA256 for configuration ssl.cipher.suites: Sluice's "
       "listeners use OpenSSL's (gRPC) and Go's default cipher suites and provider; remove this "
       "setting"},
      {{{"ssl.keystore.key", "k"}, {"ssl.keystore.certificate.chain", "c"}},
       "Invalid value JKS for configuration ssl.keystore.type: ssl.keystore.key and "
       "ssl.keystore.certificate.chain need ssl.keystore.type=PEM"},
      {{{"ssl.keystore.key", "k"}, {"ssl.keystore.type", "PEM"}},
       "SSL private key and certificate chain must be provided together: set both "
       "ssl.keystore.key and ssl.keystore.certificate.chain"},
      {{{"ssl.keystore.key", "k"},
        {"ssl.keystore.certificate.chain", "c"},
        {"ssl.keystore.type", "PEM"},
        {"ssl.keystore.location", "/k.pem"}},
       "Both ssl.keystore.location and ssl.keystore.key are set: give the PEM key store either "
       "as a file or inline, not both"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(Https(c.extra));
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(config.status().message()), c.message);
  }
}

TEST(TlsSettings, HttpListenerIgnoresSslKeys) {
  ConfigMap props = Minimal();
  props["ssl.client.auth"] = "bogus";
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->rest_tls.has_value());
  EXPECT_EQ(config->rest_advertised_protocol, "http");
}

TEST(TlsSettings, RefusesHttpAndHttpsListenersTogether) {
  ConfigMap props = Https({{"ssl.keystore.location", "/k.p12"}});
  props["listeners"] = "http://:8083,https://:8443";
  EXPECT_EQ(std::string(ParseWorkerConfig(props).status().message()),
            "Invalid value http://:8083,https://:8443 for configuration listeners: Sluice serves "
            "one REST listener, http or https, not both; name one");
}

TEST(TlsSettings, HttpsGrpcListenerUsesTheSameSettings) {
  ConfigMap props = Minimal();
  props["grpc.listener"] = "https://127.0.0.1:8084";
  props["listeners.https.ssl.keystore.location"] = "/k.p12";
  props["listeners.https.ssl.client.auth"] = "required";
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->grpc_listener, "127.0.0.1:8084");
  ASSERT_TRUE(config->grpc_tls.has_value());
  EXPECT_EQ(config->grpc_tls->keystore_location, "/k.p12");
  EXPECT_EQ(config->grpc_tls->client_auth, TlsSettings::ClientAuth::kRequired);
  EXPECT_FALSE(config->rest_tls.has_value());

  props["ssl.enabled.protocols"] = "TLSv1.3";  // ignored: listeners.https.* keys are present
  ASSERT_TRUE(ParseWorkerConfig(props).ok());
  props["listeners.https.ssl.enabled.protocols"] = "TLSv1.3";
  EXPECT_EQ(std::string(ParseWorkerConfig(props).status().message()),
            "grpc.listener=https://...: the gRPC listener serves both TLSv1.2 and TLSv1.3; "
            "ssl.protocol / ssl.enabled.protocols can narrow only the REST listener's versions");
}

TEST(TlsSettings, BareGrpcListenerStaysPlaintext) {
  ConfigMap props = Minimal();
  props["grpc.listener"] = "127.0.0.1:8084";
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->grpc_listener, "127.0.0.1:8084");
  EXPECT_FALSE(config->grpc_tls.has_value());
}

TEST(TlsSettings, AdvertisedListenerOverridesTheScheme) {
  ConfigMap props = Minimal();
  props["rest.advertised.listener"] = "HTTPS";
  EXPECT_EQ(ParseWorkerConfig(props)->rest_advertised_protocol, "https");
  props["rest.advertised.listener"] = "ftp";
  EXPECT_EQ(std::string(ParseWorkerConfig(props).status().message()),
            "Invalid value ftp for configuration rest.advertised.listener: Sluice's workers "
            "advertise http or https");
}

}  // namespace
}  // namespace sluice::config
