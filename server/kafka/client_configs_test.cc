// The Java clients' definitions and their translation to librdkafka. Definitions and the parse
// errors quoted below come from Kafka 3.9.1 (ConfigDef.parseType and the clients' ConfigDefs run
// on the same input); librdkafka names from librdkafka 2.0.2's CONFIGURATION.md.
#include "server/kafka/client_configs.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <librdkafka/rdkafka.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/kafka/client.h"

namespace sluice::kafka {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string TestData(const std::string& name) {
  return std::string(SLUICE_KAFKA_TESTDATA) + "/" + name;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whether this librdkafka was built with OAuth/OIDC (libcurl).
bool OidcBuiltIn() {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[256];
  const bool ok = rd_kafka_conf_set(conf, "sasl.oauthbearer.method", "oidc", errstr,
                                    sizeof(errstr)) == RD_KAFKA_CONF_OK;
  rd_kafka_conf_destroy(conf);
  return ok;
}

std::vector<std::string> IgnoredKeys(const ClientSettings& s) {
  std::vector<std::string> keys;
  for (const IgnoredClientSetting& i : s.ignored) keys.push_back(i.key);
  return keys;
}

TEST(JavaClientConfigDef, HoldsEveryKeyOfKafkasClients) {
  EXPECT_EQ(JavaClientConfigDef(ClientType::kProducer).keys().size(), 95u);
  EXPECT_EQ(JavaClientConfigDef(ClientType::kConsumer).keys().size(), 98u);
  EXPECT_EQ(JavaClientConfigDef(ClientType::kAdmin).keys().size(), 74u);
  EXPECT_EQ(JavaClientConfigDef(ClientType::kProducer).keys().front().name, "bootstrap.servers");
}

TEST(JavaClientConfigDef, DescribesKeysAsKafkaPrintsThem) {
  const ConfigKey* records = JavaClientConfigDef(ClientType::kConsumer).Find("max.poll.records");
  ASSERT_NE(records, nullptr);
  EXPECT_EQ(records->type, ConfigType::kInt);
  EXPECT_EQ(records->default_value, "500");
  EXPECT_EQ(records->importance, ConfigImportance::kMedium);
  EXPECT_FALSE(records->group.has_value());
  EXPECT_EQ(records->order_in_group, -1);
  EXPECT_EQ(records->width, ConfigWidth::kNone);
  EXPECT_EQ(records->display_name, "max.poll.records");
  EXPECT_THAT(records->documentation,
              HasSubstr("The maximum number of records returned in a single call to poll()"));

  const ConfigKey* jaas = JavaClientConfigDef(ClientType::kProducer).Find("sasl.jaas.config");
  ASSERT_NE(jaas, nullptr);
  EXPECT_EQ(jaas->type, ConfigType::kPassword);
  EXPECT_TRUE(jaas->null_default);
  EXPECT_FALSE(jaas->required());

  // A list of classes prints as Kafka's convertToString prints it.
  const ConfigKey* assignors =
      JavaClientConfigDef(ClientType::kConsumer).Find("partition.assignment.strategy");
  ASSERT_NE(assignors, nullptr);
  EXPECT_EQ(assignors->default_value,
            "class org.apache.kafka.clients.consumer.RangeAssignor,"
            "class org.apache.kafka.clients.consumer.CooperativeStickyAssignor");

  // Internal keys have an empty group, not none.
  const ConfigKey* internal =
      JavaClientConfigDef(ClientType::kConsumer).Find("internal.leave.group.on.close");
  ASSERT_NE(internal, nullptr);
  EXPECT_EQ(internal->group, "");

  EXPECT_EQ(JavaClientConfigDef(ClientType::kAdmin).Find("max.poll.records"), nullptr);
  EXPECT_NE(JavaClientConfigDef(ClientType::kAdmin).Find("bootstrap.controllers"), nullptr);
}

TEST(ParseJavaClientValue, GivesKafkasParseErrors) {
  const ConfigDef& consumer = JavaClientConfigDef(ClientType::kConsumer);
  const ConfigDef& producer = JavaClientConfigDef(ClientType::kProducer);
  const struct {
    const ConfigDef& def;
    const char* key;
    const char* value;
    const char* error;
  } cases[] = {
      {consumer, "max.poll.records", "abc",
       "Invalid value abc for configuration max.poll.records: Not a number of type INT"},
      {producer, "linger.ms", "1.5",
       "Invalid value 1.5 for configuration linger.ms: Not a number of type LONG"},
      {consumer, "enable.auto.commit", "yes",
       "Invalid value yes for configuration enable.auto.commit: Expected value to be either "
       "true or false"},
      {consumer, "sasl.login.refresh.buffer.seconds", "40000",
       "Invalid value 40000 for configuration sasl.login.refresh.buffer.seconds: Not a number of "
       "type SHORT"},
      {consumer, "key.deserializer", "not a class",
       "Invalid value not a class for configuration key.deserializer: Class not a class could "
       "not be found."},
  };
  for (const auto& c : cases) {
    absl::StatusOr<ConfigValue> v = ParseJavaClientValue(*c.def.Find(c.key), c.value);
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << c.key;
    EXPECT_EQ(v.status().message(), c.error) << c.key;
  }
  EXPECT_EQ(std::get<int32_t>(*ParseJavaClientValue(*consumer.Find("max.poll.records"), " 1000 ")),
            1000);
  EXPECT_EQ(std::get<int32_t>(*ParseJavaClientValue(*consumer.Find("max.poll.records"), "+7")), 7);
  EXPECT_EQ(std::get<std::string>(*ParseJavaClientValue(
                *consumer.Find("key.deserializer"),
                " org.apache.kafka.common.serialization.StringDeserializer ")),
            "org.apache.kafka.common.serialization.StringDeserializer");
}

// One Java setting and what librdkafka gets for it.
struct Translation {
  ClientType type;
  const char* key;
  const char* value;
  ConfigMap librdkafka;  // empty: ignored
};

TEST(ToLibrdkafka, TranslatesEachJavaKey) {
  constexpr ClientType P = ClientType::kProducer;
  constexpr ClientType C = ClientType::kConsumer;
  constexpr ClientType A = ClientType::kAdmin;
  const Translation table[] = {
      // Same name, same meaning (values normalised as Kafka parses them).
      {P, "bootstrap.servers", " a:9092 , b:9092 ", {{"bootstrap.servers", "a:9092,b:9092"}}},
      {C, "client.id", "me", {{"client.id", "me"}}},
      {P, "acks", "all", {{"acks", "all"}}},
      {P, "linger.ms", " 20 ", {{"linger.ms", "20"}}},
      {P, "compression.type", "lz4", {{"compression.type", "lz4"}}},
      {P, "enable.idempotence", "TRUE", {{"enable.idempotence", "true"}}},
      {P, "max.in.flight.requests.per.connection", "1",
       {{"max.in.flight.requests.per.connection", "1"}}},
      {P, "retries", "3", {{"retries", "3"}}},
      {P, "retry.backoff.ms", "250", {{"retry.backoff.ms", "250"}}},
      {P, "request.timeout.ms", "15000", {{"request.timeout.ms", "15000"}}},
      {P, "transactional.id", "tx", {{"transactional.id", "tx"}}},
      {P, "transaction.timeout.ms", "30000", {{"transaction.timeout.ms", "30000"}}},
      {C, "group.id", "g", {{"group.id", "g"}}},
      {C, "session.timeout.ms", "6000", {{"session.timeout.ms", "6000"}}},
      {C, "heartbeat.interval.ms", "1000", {{"heartbeat.interval.ms", "1000"}}},
      {C, "max.poll.interval.ms", "600000", {{"max.poll.interval.ms", "600000"}}},
      {C, "fetch.min.bytes", "10", {{"fetch.min.bytes", "10"}}},
      {C, "fetch.max.bytes", "1048576", {{"fetch.max.bytes", "1048576"}}},
      {C, "max.partition.fetch.bytes", "65536", {{"max.partition.fetch.bytes", "65536"}}},
      {C, "isolation.level", "read_committed", {{"isolation.level", "read_committed"}}},
      {C, "enable.auto.commit", "false", {{"enable.auto.commit", "false"}}},
      {C, "auto.commit.interval.ms", "1000", {{"auto.commit.interval.ms", "1000"}}},
      {C, "allow.auto.create.topics", "false", {{"allow.auto.create.topics", "false"}}},
      {C, "client.rack", "r1", {{"client.rack", "r1"}}},
      {C, "group.instance.id", "i1", {{"group.instance.id", "i1"}}},
      {C, "check.crcs", "false", {{"check.crcs", "false"}}},
      {A, "connections.max.idle.ms", "60000", {{"connections.max.idle.ms", "60000"}}},
      {A, "metadata.max.age.ms", "60000", {{"metadata.max.age.ms", "60000"}}},
      {A, "reconnect.backoff.ms", "100", {{"reconnect.backoff.ms", "100"}}},
      {A, "reconnect.backoff.max.ms", "5000", {{"reconnect.backoff.max.ms", "5000"}}},
      {A, "socket.connection.setup.timeout.ms", "20000",
       {{"socket.connection.setup.timeout.ms", "20000"}}},
      {A, "security.protocol", "SASL_SSL", {{"security.protocol", "SASL_SSL"}}},
      {A, "sasl.kerberos.service.name", "kafka", {{"sasl.kerberos.service.name", "kafka"}}},
      {A, "sasl.kerberos.min.time.before.relogin", "30000",
       {{"sasl.kerberos.min.time.before.relogin", "30000"}}},
      // Renamed.
      {P, "delivery.timeout.ms", "300000", {{"message.timeout.ms", "300000"}}},
      {P, "max.request.size", "2097152", {{"message.max.bytes", "2097152"}}},
      {C, "fetch.max.wait.ms", "100", {{"fetch.wait.max.ms", "100"}}},
      {C, "request.timeout.ms", "40000", {{"socket.timeout.ms", "40000"}}},
      {A, "request.timeout.ms", "40000", {{"socket.timeout.ms", "40000"}}},
      {A, "sasl.mechanism", "SCRAM-SHA-512", {{"sasl.mechanisms", "SCRAM-SHA-512"}}},
      // Converted.
      {P, "buffer.memory", "33554432", {{"queue.buffering.max.kbytes", "32768"}}},
      {P, "buffer.memory", "1000", {{"queue.buffering.max.kbytes", "1"}}},
      {P, "buffer.memory", "1025", {{"queue.buffering.max.kbytes", "2"}}},
      {P, "batch.size", "0", {{"batch.size", "1"}}},
      {P, "batch.size", "65536", {{"batch.size", "65536"}}},
      {P, "send.buffer.bytes", "-1", {{"socket.send.buffer.bytes", "0"}}},
      {P, "send.buffer.bytes", "131072", {{"socket.send.buffer.bytes", "131072"}}},
      {C, "receive.buffer.bytes", "65536", {{"socket.receive.buffer.bytes", "65536"}}},
      {C, "receive.buffer.bytes", "-1", {{"socket.receive.buffer.bytes", "0"}}},
      {C, "auto.offset.reset", "earliest", {{"auto.offset.reset", "earliest"}}},
      {C, "auto.offset.reset", "none", {{"auto.offset.reset", "error"}}},
      {A, "ssl.endpoint.identification.algorithm", "", {{"ssl.endpoint.identification.algorithm",
                                                         "none"}}},
      {A, "ssl.endpoint.identification.algorithm", "HTTPS",
       {{"ssl.endpoint.identification.algorithm", "https"}}},
      {C, "partition.assignment.strategy",
       "org.apache.kafka.clients.consumer.RoundRobinAssignor, "
       "org.apache.kafka.clients.consumer.RangeAssignor",
       {{"partition.assignment.strategy", "roundrobin,range"}}},
      {A, "sasl.kerberos.kinit.cmd", "/opt/krb/bin/kinit",
       {{"sasl.kerberos.kinit.cmd",
         "/opt/krb/bin/kinit -R -t \"%{sasl.kerberos.keytab}\" -k %{sasl.kerberos.principal} || "
         "/opt/krb/bin/kinit -t \"%{sasl.kerberos.keytab}\" -k %{sasl.kerberos.principal}"}}},
      {P, "ssl.cipher.suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
       {{"ssl.cipher.suites", "ECDHE-RSA-AES128-GCM-SHA256"}}},
      // Ignored: no librdkafka equivalent.
      {P, "key.serializer", "org.apache.kafka.common.serialization.StringSerializer", {}},
      {P, "value.serializer", "org.apache.kafka.common.serialization.StringSerializer", {}},
      {P, "partitioner.class", "org.apache.kafka.clients.producer.RoundRobinPartitioner", {}},
      {P, "interceptor.classes", "com.example.Interceptor", {}},
      {P, "max.block.ms", "1000", {}},
      {C, "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer", {}},
      {C, "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer", {}},
      {C, "interceptor.classes", "com.example.Interceptor", {}},
      {C, "default.api.timeout.ms", "1000", {}},
      {C, "exclude.internal.topics", "false", {}},
      {C, "retry.backoff.ms", "250", {}},
      {C, "partition.assignment.strategy",
       "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", {}},
      {A, "retries", "5", {}},
      {A, "metric.reporters", "com.example.Reporter", {}},
      {A, "client.dns.lookup", "use_all_dns_ips", {}},
      {A, "ssl.enabled.protocols", "TLSv1.3", {}},
      {A, "ssl.protocol", "TLSv1.3", {}},
      {A, "sasl.login.refresh.window.factor", "0.9", {}},
      {A, "bootstrap.controllers", "c:9093", {}},
      {P, "compression.zstd.level", "5", {}},  // without compression.type=zstd
  };
  for (const Translation& t : table) {
    absl::StatusOr<ClientSettings> s = ToLibrdkafka(t.type, {{t.key, t.value}});
    ASSERT_TRUE(s.ok()) << t.key << "=" << t.value << ": " << s.status();
    EXPECT_EQ(s->librdkafka, t.librdkafka) << ClientTypeName(t.type) << " " << t.key << "="
                                           << t.value;
    if (t.librdkafka.empty()) {
      EXPECT_THAT(IgnoredKeys(*s), ElementsAre(t.key)) << t.key;
      EXPECT_FALSE(s->ignored.front().reason.empty()) << t.key;
    } else {
      EXPECT_THAT(s->ignored, IsEmpty()) << t.key;
    }
  }
}

TEST(ToLibrdkafka, HasARuleForEveryKeyOfEveryJavaClient) {
  for (ClientType type : {ClientType::kProducer, ClientType::kConsumer, ClientType::kAdmin}) {
    for (const ConfigKey& key : JavaClientConfigDef(type).keys()) {
      // A value of the key's type; the default where there is one.
      std::string value = key.default_value.value_or("");
      if (!key.default_value.has_value() || value.empty()) {
        switch (key.type) {
          case ConfigType::kInt: case ConfigType::kShort: case ConfigType::kLong:
            value = "1000";
            break;
          case ConfigType::kDouble: value = "0.5"; break;
          case ConfigType::kBoolean: value = "true"; break;
          case ConfigType::kClass: value = "com.example.Thing"; break;
          default: value = "x"; break;
        }
      }
      if (key.name == "sasl.jaas.config") {
        value = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\";";
      }
      if (key.name == "partition.assignment.strategy") {
        value = "org.apache.kafka.clients.consumer.RangeAssignor";
      }
      absl::StatusOr<ClientSettings> s = ToLibrdkafka(type, {{key.name, value}});
      EXPECT_NE(s.status().code(), absl::StatusCode::kInternal)
          << ClientTypeName(type) << " " << key.name << ": " << s.status();
      if (s.ok()) {
        // Either it reached librdkafka, the worker, or it was reported as ignored.
        const bool reported = !s->ignored.empty() || !s->librdkafka.empty() ||
                              key.name == "max.poll.records" ||
                              absl::StartsWith(key.name, "ssl.");
        EXPECT_TRUE(reported) << ClientTypeName(type) << " " << key.name;
      }
    }
  }
}

TEST(ToLibrdkafka, CompressionLevelFollowsTheChosenCodec) {
  absl::StatusOr<ClientSettings> s =
      ToLibrdkafka(ClientType::kProducer, {{"compression.type", "zstd"},
                                           {"compression.zstd.level", "7"},
                                           {"compression.gzip.level", "4"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->librdkafka, (ConfigMap{{"compression.level", "7"}, {"compression.type", "zstd"}}));
  EXPECT_THAT(IgnoredKeys(*s), ElementsAre("compression.gzip.level"));
}

TEST(ToLibrdkafka, ReportsJavasParseErrorForAnyKnownKey) {
  // Also for keys Sluice ignores: a Java client fails on them too.
  absl::StatusOr<ClientSettings> s =
      ToLibrdkafka(ClientType::kConsumer, {{"metrics.num.samples", "many"}});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(),
            "Invalid value many for configuration metrics.num.samples: Not a number of type INT");
}

TEST(ToLibrdkafka, AppliesMaxPollRecordsInTheWorker) {
  absl::StatusOr<ClientSettings> s =
      ToLibrdkafka(ClientType::kConsumer, {{"max.poll.records", "1000"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->max_poll_records, 1000);
  EXPECT_THAT(s->librdkafka, IsEmpty());
  EXPECT_EQ(ToLibrdkafka(ClientType::kConsumer, {})->max_poll_records, 500);
  // The consumer's validator (Kafka 3.9.1's message when a KafkaConsumer is made with 0).
  absl::StatusOr<ClientSettings> zero =
      ToLibrdkafka(ClientType::kConsumer, {{"max.poll.records", "0"}});
  EXPECT_EQ(zero.status().message(),
            "Invalid value 0 for configuration max.poll.records: Value must be at least 1");
}

TEST(ToLibrdkafka, PassesLibrdkafkaNamesAndIgnoresUnknownKeys) {
  absl::StatusOr<ClientSettings> s = ToLibrdkafka(
      ClientType::kConsumer,
      {{"queued.max.messages.kbytes", "1024"}, {"fetch.wait.max.ms", "50"}, {"debug", "cgrp"},
       {"no.such.setting", "1"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->librdkafka, (ConfigMap{{"debug", "cgrp"},
                                      {"fetch.wait.max.ms", "50"},
                                      {"queued.max.messages.kbytes", "1024"}}));
  EXPECT_THAT(IgnoredKeys(*s), ElementsAre("no.such.setting"));
}

TEST(ToLibrdkafka, NamesTheKeyOfAValueLibrdkafkaRefuses) {
  absl::StatusOr<ClientSettings> passthrough =
      ToLibrdkafka(ClientType::kConsumer, {{"queued.max.messages.kbytes", "lots"}});
  EXPECT_EQ(passthrough.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(passthrough.status().message(),
              HasSubstr("Invalid value lots for configuration queued.max.messages.kbytes: "));
  absl::StatusOr<ClientSettings> renamed =
      ToLibrdkafka(ClientType::kProducer, {{"max.request.size", "10"}});
  EXPECT_EQ(renamed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(renamed.status().message(),
              HasSubstr("Invalid value for configuration max.request.size: librdkafka's "
                        "message.max.bytes=10 is refused: "));
}

TEST(ToLibrdkafka, AJavaKeyWinsOverTheSamePropertyUnderALibrdkafkaName) {
  absl::StatusOr<ClientSettings> s = ToLibrdkafka(
      ClientType::kProducer, {{"message.timeout.ms", "1000"}, {"delivery.timeout.ms", "2000"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->librdkafka, (ConfigMap{{"message.timeout.ms", "2000"}}));
}

TEST(ToLibrdkafka, TakesCredentialsFromPlainAndScramLogins) {
  for (const char* module : {"org.apache.kafka.common.security.plain.PlainLoginModule",
                             "org.apache.kafka.common.security.scram.ScramLoginModule"}) {
    absl::StatusOr<ClientSettings> s = ToLibrdkafka(
        ClientType::kProducer,
        {{"security.protocol", "SASL_PLAINTEXT"},
         {"sasl.mechanism", "PLAIN"},
         {"sasl.jaas.config", absl::StrCat(module, " required username=\"alice\" "
                                                   "password=\"alice-secret\";")}});
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->librdkafka, (ConfigMap{{"sasl.mechanisms", "PLAIN"},
                                        {"sasl.password", "alice-secret"},
                                        {"sasl.username", "alice"},
                                        {"security.protocol", "SASL_PLAINTEXT"}}));
  }
}

TEST(ToLibrdkafka, TakesKerberosAndOAuthLogins) {
  absl::StatusOr<ClientSettings> krb = ToLibrdkafka(
      ClientType::kConsumer,
      {{"sasl.jaas.config",
        "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true "
        "keyTab=\"/etc/connect.keytab\" principal=\"connect@EXAMPLE.COM\";"}});
  ASSERT_TRUE(krb.ok()) << krb.status();
  EXPECT_EQ(krb->librdkafka, (ConfigMap{{"sasl.kerberos.keytab", "/etc/connect.keytab"},
                                        {"sasl.kerberos.principal", "connect@EXAMPLE.COM"}}));

  const ConfigMap oidc_settings = {
      {"sasl.jaas.config",
       "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
       "clientId=\"connect\" clientSecret=\"s\" scope=\"kafka\" extension_tenant=\"t1\";"},
      {"sasl.oauthbearer.token.endpoint.url", "https://idp/token"}};
  absl::StatusOr<ClientSettings> oidc = ToLibrdkafka(ClientType::kConsumer, oidc_settings);
  if (!OidcBuiltIn()) {
    // Debian's librdkafka 2.0.2 is built without libcurl: librdkafka's own refusal.
    EXPECT_EQ(oidc.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(oidc.status().message(), HasSubstr("not supported in this build"));
  } else {
    ASSERT_TRUE(oidc.ok()) << oidc.status();
    EXPECT_EQ(oidc->librdkafka, (ConfigMap{{"sasl.oauthbearer.client.id", "connect"},
                                           {"sasl.oauthbearer.client.secret", "s"},
                                           {"sasl.oauthbearer.extensions", "tenant=t1"},
                                           {"sasl.oauthbearer.method", "oidc"},
                                           {"sasl.oauthbearer.scope", "kafka"},
                                           {"sasl.oauthbearer.token.endpoint.url",
                                            "https://idp/token"}}));
  }

  absl::StatusOr<ClientSettings> unsecured = ToLibrdkafka(
      ClientType::kAdmin,
      {{"sasl.jaas.config",
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
        "unsecuredLoginStringClaim_sub=\"admin\";"}});
  ASSERT_TRUE(unsecured.ok()) << unsecured.status();
  EXPECT_EQ(unsecured->librdkafka, (ConfigMap{{"enable.sasl.oauthbearer.unsecure.jwt", "true"},
                                              {"sasl.oauthbearer.config", "principal=admin"}}));
}

TEST(ToLibrdkafka, RefusesAJaasConfigItCannotUse) {
  absl::StatusOr<ClientSettings> bad = ToLibrdkafka(
      ClientType::kProducer,
      {{"sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                            "username=\"a\""}});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "Invalid value for configuration sasl.jaas.config: JAAS config entry not terminated "
            "by semi-colon");
  absl::StatusOr<ClientSettings> custom = ToLibrdkafka(
      ClientType::kProducer, {{"sasl.jaas.config", "com.example.MyLogin required;"}});
  EXPECT_EQ(custom.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(custom.status().message(),
              HasSubstr("login module com.example.MyLogin has no equivalent"));
  // The secret is never quoted back.
  EXPECT_THAT(bad.status().message(), testing::Not(HasSubstr("username")));
}

TEST(ToLibrdkafka, IgnoresStoresWithoutSsl) {
  absl::StatusOr<ClientSettings> s = ToLibrdkafka(
      ClientType::kConsumer, {{"ssl.truststore.location", "/nonexistent/truststore.jks"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->librdkafka, IsEmpty());
  EXPECT_THAT(IgnoredKeys(*s), ElementsAre("ssl.truststore.location"));
}

TEST(ToLibrdkafka, ReadsJksAndPkcs12TrustStoresIntoPem) {
  for (const char* store : {"truststore.jks", "truststore.p12"}) {
    for (const char* type : {"JKS", "PKCS12"}) {
      absl::StatusOr<ClientSettings> s =
          ToLibrdkafka(ClientType::kProducer, {{"security.protocol", "SSL"},
                                               {"ssl.truststore.type", type},
                                               {"ssl.truststore.location", TestData(store)},
                                               {"ssl.truststore.password", "changeit"}});
      ASSERT_TRUE(s.ok()) << store << " as " << type << ": " << s.status();
      EXPECT_EQ(s->librdkafka, (ConfigMap{{"security.protocol", "SSL"},
                                          {"ssl.ca.pem", Read(TestData("ca.pem"))}}))
          << store << " as " << type;
    }
  }
}

TEST(ToLibrdkafka, PassesPemTrustStores) {
  absl::StatusOr<ClientSettings> file =
      ToLibrdkafka(ClientType::kAdmin, {{"security.protocol", "SSL"},
                                        {"ssl.truststore.type", "PEM"},
                                        {"ssl.truststore.location", TestData("ca.pem")}});
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->librdkafka, (ConfigMap{{"security.protocol", "SSL"},
                                         {"ssl.ca.location", TestData("ca.pem")}}));
  // Kafka takes a certificate on one line; OpenSSL wants lines of 64 characters.
  std::string pem = Read(TestData("ca.pem"));
  std::string one_line = pem;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  absl::StatusOr<ClientSettings> text =
      ToLibrdkafka(ClientType::kAdmin, {{"security.protocol", "SSL"},
                                        {"ssl.truststore.type", "PEM"},
                                        {"ssl.truststore.certificates", one_line}});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->librdkafka.at("ssl.ca.pem"), pem);
}

TEST(ToLibrdkafka, RefusesTrustStoreCombinationsKafkaRefuses) {
  absl::StatusOr<ClientSettings> s =
      ToLibrdkafka(ClientType::kAdmin, {{"security.protocol", "SSL"},
                                        {"ssl.truststore.certificates", "x"}});
  EXPECT_EQ(s.status().message(),
            "SSL trust store certs can be specified only for PEM, but trust store type is JKS.");
}

TEST(ToLibrdkafka, PassesPkcs12KeyStoresAndRefusesJksOnes) {
  absl::StatusOr<ClientSettings> p12 =
      ToLibrdkafka(ClientType::kProducer, {{"security.protocol", "SSL"},
                                           {"ssl.keystore.location", TestData("keystore.p12")},
                                           {"ssl.keystore.password", "changeit"},
                                           {"ssl.key.password", "changeit"}});
  ASSERT_TRUE(p12.ok()) << p12.status();
  EXPECT_EQ(p12->librdkafka, (ConfigMap{{"security.protocol", "SSL"},
                                        {"ssl.keystore.location", TestData("keystore.p12")},
                                        {"ssl.keystore.password", "changeit"}}));

  absl::StatusOr<ClientSettings> jks =
      ToLibrdkafka(ClientType::kProducer, {{"security.protocol", "SSL"},
                                           {"ssl.keystore.location", TestData("keystore.jks")},
                                           {"ssl.keystore.password", "changeit"}});
  EXPECT_EQ(jks.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(jks.status().message(), HasSubstr("is a JKS key store, which Sluice's Kafka "
                                                "clients (librdkafka) cannot read"));
}

TEST(ToLibrdkafka, PassesPemKeyStores) {
  absl::StatusOr<ClientSettings> file =
      ToLibrdkafka(ClientType::kConsumer, {{"security.protocol", "SSL"},
                                           {"ssl.keystore.type", "PEM"},
                                           {"ssl.keystore.location", "/etc/client.pem"},
                                           {"ssl.key.password", "k"}});
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->librdkafka, (ConfigMap{{"security.protocol", "SSL"},
                                         {"ssl.certificate.location", "/etc/client.pem"},
                                         {"ssl.key.location", "/etc/client.pem"},
                                         {"ssl.key.password", "k"}}));
  absl::StatusOr<ClientSettings> strings = ToLibrdkafka(
      ClientType::kConsumer,
      {{"security.protocol", "SSL"},
       {"ssl.keystore.type", "PEM"},
       {"ssl.keystore.certificate.chain", "-----BEGIN CERTIFICATE----- QUJD -----END CERTIFICATE-----"},
       {"ssl.keystore.key", "-----BEGIN PRIVATE KEY----- REVG -----END PRIVATE KEY-----"}});
  ASSERT_TRUE(strings.ok()) << strings.status();
  EXPECT_EQ(strings->librdkafka,
            (ConfigMap{{"security.protocol", "SSL"},
                       {"ssl.certificate.pem",
                        "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n"},
                       {"ssl.key.pem", "-----BEGIN PRIVATE KEY-----\nREVG\n-----END PRIVATE KEY-----\n"}}));
}

TEST(ToLibrdkafka, GivesStoresLibrdkafkaLoads) {
  // librdkafka reads the certificates and keys when the client is made.
  absl::StatusOr<ClientSettings> s =
      ToLibrdkafka(ClientType::kProducer, {{"bootstrap.servers", "127.0.0.1:1"},
                                           {"security.protocol", "SSL"},
                                           {"ssl.truststore.location", TestData("truststore.jks")},
                                           {"ssl.truststore.password", "changeit"},
                                           {"ssl.keystore.type", "PKCS12"},
                                           {"ssl.keystore.location", TestData("keystore.p12")},
                                           {"ssl.keystore.password", "changeit"}});
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(s->librdkafka);
  ASSERT_TRUE(conf.ok()) << conf.status();
  absl::StatusOr<KafkaHandle> client = NewClient(RD_KAFKA_PRODUCER, *conf);
  EXPECT_TRUE(client.ok()) << client.status();

  // A wrong key store password is librdkafka's to find.
  ConfigMap wrong = s->librdkafka;
  wrong["ssl.keystore.password"] = "wrong";
  absl::StatusOr<rd_kafka_conf_t*> wrong_conf = NewConf(wrong);
  ASSERT_TRUE(wrong_conf.ok()) << wrong_conf.status();
  absl::StatusOr<KafkaHandle> refused = NewClient(RD_KAFKA_PRODUCER, *wrong_conf);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ApplyLibrdkafkaSettings, ReplacesAPropertyGivenUnderAnotherName) {
  ConfigMap base = {{"acks", "all"}, {"bootstrap.servers", "a:1"}, {"message.timeout.ms", "0"}};
  ApplyLibrdkafkaSettings({{"request.required.acks", "1"}, {"delivery.timeout.ms", "5000"},
                           {"metadata.broker.list", "b:2"}},
                          base);
  EXPECT_EQ(base, (ConfigMap{{"delivery.timeout.ms", "5000"},
                             {"metadata.broker.list", "b:2"},
                             {"request.required.acks", "1"}}));
}

TEST(ConnectorClientSettings, LayersDefaultsWorkerAndConnectorSettings) {
  absl::StatusOr<ClientSettings> s = ConnectorClientSettings(
      ClientType::kConsumer,
      {{"bootstrap.servers", "k:9092"}, {"group.id", "connect-c"}, {"auto.offset.reset", "earliest"}},
      {{"max.poll.records", "200"}, {"session.timeout.ms", "6000"}, {"fetch.max.wait.ms", "10"}},
      {{"max.poll.records", "1000"}, {"group.id", "custom"}, {"fetch.wait.max.ms", "20"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->max_poll_records, 1000);
  // The worker's Java fetch.max.wait.ms and the connector's librdkafka fetch.wait.max.ms name the
  // same property: the Java key wins (documented in ToLibrdkafka).
  EXPECT_EQ(s->librdkafka, (ConfigMap{{"auto.offset.reset", "earliest"},
                                      {"bootstrap.servers", "k:9092"},
                                      {"fetch.wait.max.ms", "10"},
                                      {"group.id", "custom"},
                                      {"session.timeout.ms", "6000"}}));
}

}  // namespace
}  // namespace sluice::kafka
