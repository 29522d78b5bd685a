// Expected entries, orders and messages come from Kafka 3.9.1: AbstractHerder's
// validateClientOverrides and Worker's connectorClientConfigOverrides run (by reflection) on
// the same connector configs, after the ConfigTransformer and AbstractConfig copies Kafka
// Connect makes of them.
#include "server/kafka/client_override_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::kafka {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// A sink's config with fifteen consumer overrides and one producer override.
ConfigMap SinkWithConsumerOverrides() {
  ConfigMap config = {{"name", "c"}, {"connector.class", "FileStreamSink"}, {"topics", "t"},
                      {"tasks.max", "1"}, {"file", "/tmp/x"},
                      {"producer.override.linger.ms", "5"}};
  const std::pair<const char*, const char*> overrides[] = {
      {"max.poll.records", "1000"},
      {"session.timeout.ms", "6000"},
      {"fetch.min.bytes", "10"},
      {"group.id", "g"},
      {"auto.offset.reset", "latest"},
      {"client.id", " me "},
      {"isolation.level", "read_committed"},
      {"security.protocol", "SASL_SSL"},
      {"sasl.mechanism", "PLAIN"},
      {"sasl.jaas.config", "x required;"},
      {"foo.bar", " raw "},
      {"key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"},
      {"partition.assignment.strategy", "a , b"},
      {"enable.auto.commit", " TRUE"},
      {"sasl.kerberos.ticket.renew.jitter", "1e-3"},
  };
  for (const auto& [k, v] : overrides) config[std::string("consumer.override.") + k] = v;
  return config;
}

// Kafka Connect's order for SinkWithConsumerOverrides().
const char* const kConsumerOrder[] = {
    "key.deserializer", "max.poll.records", "group.id", "partition.assignment.strategy",
    "sasl.kerberos.ticket.renew.jitter", "security.protocol", "foo.bar", "enable.auto.commit",
    "sasl.mechanism", "isolation.level", "sasl.jaas.config", "fetch.min.bytes",
    "session.timeout.ms", "auto.offset.reset", "client.id"};

std::vector<std::string> Keys(const std::vector<ClientOverrideEntry>& entries) {
  std::vector<std::string> keys;
  for (const ClientOverrideEntry& e : entries) keys.push_back(e.key);
  return keys;
}

std::string Refusal(const char* policy, const std::string& key) {
  return std::string("The '") + policy + "' policy does not allow '" + key +
         "' to be overridden in the connector configuration.";
}

TEST(ValidateClientOverrides, ListsEveryOverrideInKafkaConnectsOrderWithItsValue) {
  absl::StatusOr<std::vector<ClientOverrideEntry>> entries = ValidateClientOverrides(
      ClientType::kConsumer, OverridePolicy::kAll, SinkWithConsumerOverrides());
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_THAT(Keys(*entries), ElementsAreArray(kConsumerOrder));
  std::map<std::string, std::optional<std::string>> values;
  for (const ClientOverrideEntry& e : *entries) {
    EXPECT_THAT(e.errors, IsEmpty()) << e.key;
    values[e.key] = e.value;
    if (e.key == "foo.bar") {
      EXPECT_EQ(e.definition, nullptr);
    } else {
      ASSERT_NE(e.definition, nullptr) << e.key;
      EXPECT_EQ(e.definition->name, e.key);
    }
  }
  // As Kafka Connect shows them: parsed, then printed by type.
  EXPECT_EQ(values["client.id"], "me");
  EXPECT_EQ(values["foo.bar"], " raw ");
  EXPECT_EQ(values["partition.assignment.strategy"], "a,b");
  EXPECT_EQ(values["enable.auto.commit"], "true");
  EXPECT_EQ(values["sasl.kerberos.ticket.renew.jitter"], "0.001");
  EXPECT_EQ(values["sasl.jaas.config"], "[hidden]");
  EXPECT_EQ(values["max.poll.records"], "1000");
}

TEST(ValidateClientOverrides, TheNonePolicyRefusesEveryKey) {
  absl::StatusOr<std::vector<ClientOverrideEntry>> entries = ValidateClientOverrides(
      ClientType::kConsumer, OverridePolicy::kNone, SinkWithConsumerOverrides());
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_THAT(Keys(*entries), ElementsAreArray(kConsumerOrder));
  for (const ClientOverrideEntry& e : *entries) {
    EXPECT_THAT(e.errors, ElementsAre(Refusal("None", e.key))) << e.key;
  }
}

TEST(ValidateClientOverrides, ThePrincipalPolicyAllowsOnlyTheSaslKeysAndSecurityProtocol) {
  absl::StatusOr<std::vector<ClientOverrideEntry>> entries = ValidateClientOverrides(
      ClientType::kConsumer, OverridePolicy::kPrincipal, SinkWithConsumerOverrides());
  ASSERT_TRUE(entries.ok()) << entries.status();
  int refused = 0;
  for (const ClientOverrideEntry& e : *entries) {
    if (e.key == "sasl.jaas.config" || e.key == "sasl.mechanism" ||
        e.key == "security.protocol") {
      EXPECT_THAT(e.errors, IsEmpty()) << e.key;
    } else {
      EXPECT_THAT(e.errors, ElementsAre(Refusal("Principal", e.key))) << e.key;
      ++refused;
    }
  }
  EXPECT_EQ(refused, 12);  // Kafka Connect's error_count for these entries
}

TEST(ValidateClientOverrides, OrdersTwentyProducerKeysAsKafkaConnect) {
  ConfigMap config = {{"name", "c"}, {"connector.class", "FileStreamSink"}, {"topics", "t"},
                      {"tasks.max", "1"}, {"file", "/tmp/x"}};
  const char* const keys[] = {
      "acks", "linger.ms", "batch.size", "buffer.memory", "compression.type", "retries",
      "delivery.timeout.ms", "max.request.size", "client.id", "enable.idempotence",
      "max.in.flight.requests.per.connection", "request.timeout.ms", "send.buffer.bytes",
      "receive.buffer.bytes", "metadata.max.age.ms", "transactional.id", "partitioner.class",
      "interceptor.classes", "security.protocol", "sasl.mechanism"};
  for (const char* key : keys) {
    const std::string k = key;
    const bool text = k == "acks" || k == "compression.type" || k == "client.id" ||
                      k == "transactional.id" || k == "security.protocol" ||
                      k == "sasl.mechanism" || k == "interceptor.classes";
    config["producer.override." + k] =
        k == "partitioner.class" ? "org.apache.kafka.clients.producer.RoundRobinPartitioner"
        : k == "enable.idempotence" ? "false"
        : text                      ? "v"
                                    : "100";
  }
  const char* const order[] = {
      "compression.type", "metadata.max.age.ms", "enable.idempotence", "request.timeout.ms",
      "batch.size", "acks", "delivery.timeout.ms", "receive.buffer.bytes", "buffer.memory",
      "transactional.id", "security.protocol", "retries", "max.request.size", "sasl.mechanism",
      "partitioner.class", "interceptor.classes", "send.buffer.bytes",
      "max.in.flight.requests.per.connection", "client.id", "linger.ms"};
  absl::StatusOr<std::vector<ClientOverrideEntry>> entries =
      ValidateClientOverrides(ClientType::kProducer, OverridePolicy::kNone, config);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_THAT(Keys(*entries), ElementsAreArray(order));
  EXPECT_THAT(OverrideKeysInJavaOrder(config, "producer.override.", false),
              ElementsAreArray(order));
}

TEST(ValidateClientOverrides, RaisesTheFirstParseErrorInKafkaConnectsOrder) {
  ConfigMap config = {{"name", "c"}, {"connector.class", "FileStreamSink"}, {"topics", "t"},
                      {"tasks.max", "1"}, {"file", "/tmp/x"},
                      {"consumer.override.max.poll.records", "abc"},
                      {"consumer.override.session.timeout.ms", "x"},
                      {"consumer.override.fetch.min.bytes", "y"}};
  absl::StatusOr<std::vector<ClientOverrideEntry>> entries =
      ValidateClientOverrides(ClientType::kConsumer, OverridePolicy::kNone, config);
  EXPECT_EQ(entries.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(entries.status().message(),
            "Invalid value y for configuration fetch.min.bytes: Not a number of type INT");
}

TEST(ValidateClientOverrides, ShowsANullValueAsNone) {
  ConfigMap config = {{"name", "c"}, {"consumer.override.max.poll.records", ""}};
  absl::StatusOr<std::vector<ClientOverrideEntry>> entries = ValidateClientOverrides(
      ClientType::kConsumer, OverridePolicy::kAll, config,
      {"consumer.override.max.poll.records"});
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].value, std::nullopt);
}

TEST(ValidateClientOverrides, IgnoresTheBarePrefix) {
  absl::StatusOr<std::vector<ClientOverrideEntry>> entries = ValidateClientOverrides(
      ClientType::kConsumer, OverridePolicy::kNone, {{"consumer.override.", "x"}});
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_THAT(*entries, IsEmpty());
}

TEST(CheckClientOverrides, GivesTheWorkersMessageWithTheValuesAsGiven) {
  ConfigMap config = {{"name", "c"}, {"connector.class", "FileStreamSink"}, {"topics", "t"},
                      {"tasks.max", "1"}, {"file", "/tmp/x"},
                      {"consumer.override.max.poll.records", "abc"},
                      {"consumer.override.session.timeout.ms", "x"},
                      {"consumer.override.fetch.min.bytes", "y"}};
  absl::Status s = CheckClientOverrides(ClientType::kConsumer, OverridePolicy::kNone, config);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "Client Config Overrides not allowed "
            "[[fetch.min.bytes,y,[],[The 'None' policy does not allow 'fetch.min.bytes' to be "
            "overridden in the connector configuration.],true], "
            "[max.poll.records,abc,[],[The 'None' policy does not allow 'max.poll.records' to be "
            "overridden in the connector configuration.],true], "
            "[session.timeout.ms,x,[],[The 'None' policy does not allow 'session.timeout.ms' to "
            "be overridden in the connector configuration.],true]]");
}

TEST(CheckClientOverrides, ListsOnlyWhatThePrincipalPolicyRefuses) {
  ConfigMap config = SinkWithConsumerOverrides();
  absl::Status s =
      CheckClientOverrides(ClientType::kConsumer, OverridePolicy::kPrincipal, config);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()),
              ::testing::StartsWith(
                  "Client Config Overrides not allowed [[key.deserializer,"
                  "org.apache.kafka.common.serialization.StringDeserializer,[],[The 'Principal' "
                  "policy does not allow 'key.deserializer' to be overridden in the connector "
                  "configuration.],true], [max.poll.records,1000,"));
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("[foo.bar, raw ,[],"));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(::testing::HasSubstr("[sasl.mechanism,")));
  EXPECT_TRUE(CheckClientOverrides(ClientType::kConsumer, OverridePolicy::kAll, config).ok());
  EXPECT_TRUE(CheckClientOverrides(ClientType::kProducer, OverridePolicy::kPrincipal,
                                   {{"producer.override.sasl.jaas.config", "x"}})
                  .ok());
}

}  // namespace
}  // namespace sluice::kafka
