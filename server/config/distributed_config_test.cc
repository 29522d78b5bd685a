// Every expected value and message here comes from Kafka 3.9.1: a throwaway Java program built
// org.apache.kafka.connect.runtime.distributed.DistributedConfig from the same properties and
// printed its getters (and topic settings), or the ConfigException's message. Its JVM offered
// exactly the Mac and KeyGenerator algorithms Sluice implements (the JDK's own HmacSHA1,
// HmacSHA256, HmacSHA384 and HmacSHA512 with their OID aliases, every other provider but SUN
// removed), so that Java's "the supported algorithms are: [...]" lists Sluice's set.
#include "server/config/distributed_config.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "formats/properties.h"
#include "gtest/gtest.h"

namespace sluice::config {
namespace {

ConfigMap Minimal() {
  return {{"group.id", "connect-cluster"},
          {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
          {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
          {"config.storage.topic", "connect-configs"},
          {"offset.storage.topic", "connect-offsets"},
          {"status.storage.topic", "connect-status"}};
}

// Settings to add to (a value) or remove from (nullopt) the minimal configuration.
using Changes = std::vector<std::pair<std::string, std::optional<std::string>>>;

ConfigMap With(const Changes& changes) {
  ConfigMap props = Minimal();
  for (const auto& [key, value] : changes) {
    if (value.has_value()) {
      props[key] = *value;
    } else {
      props.erase(key);
    }
  }
  return props;
}

DistributedConfig ParseOk(const ConfigMap& props) {
  absl::StatusOr<DistributedConfig> config = ParseDistributedConfig(props);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *std::move(config) : DistributedConfig();
}

// A configuration Kafka Connect refuses, and its ConfigException message.
struct Refusal {
  const char* name;
  Changes changes;
  const char* message;
};

void ExpectRefused(const std::vector<Refusal>& refusals) {
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.name);
    absl::StatusOr<DistributedConfig> config = ParseDistributedConfig(With(refusal.changes));
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(config.status().message()), refusal.message);
  }
}

TEST(DistributedConfig, AppliesKafkaConnectDefaults) {
  DistributedConfig config = ParseOk(Minimal());
  EXPECT_EQ(config.group_id, "connect-cluster");
  EXPECT_EQ(config.config_storage.topic, "connect-configs");
  EXPECT_EQ(config.config_storage.partitions, 1);
  EXPECT_EQ(config.config_storage.replication_factor, 3);
  EXPECT_EQ(config.config_storage.topic_configs, ConfigMap());
  EXPECT_EQ(config.offset_storage.topic, "connect-offsets");
  EXPECT_EQ(config.offset_storage.partitions, 25);
  EXPECT_EQ(config.offset_storage.replication_factor, 3);
  EXPECT_EQ(config.offset_storage.topic_configs, ConfigMap());
  EXPECT_EQ(config.status_storage.topic, "connect-status");
  EXPECT_EQ(config.status_storage.partitions, 5);
  EXPECT_EQ(config.status_storage.replication_factor, 3);
  EXPECT_EQ(config.status_storage.topic_configs, ConfigMap());
  EXPECT_EQ(config.session_timeout, absl::Milliseconds(10000));
  EXPECT_EQ(config.heartbeat_interval, absl::Milliseconds(3000));
  EXPECT_EQ(config.rebalance_timeout, absl::Milliseconds(60000));
  EXPECT_EQ(config.worker_sync_timeout, absl::Milliseconds(3000));
  EXPECT_EQ(config.worker_unsync_backoff, absl::Milliseconds(300000));
  // Sluice's own default (Kafka Connect's is 300000).
  EXPECT_EQ(config.scheduled_rebalance_max_delay, absl::Milliseconds(30000));
  EXPECT_EQ(config.connect_protocol, "sessioned");
  EXPECT_EQ(config.exactly_once_source_support, ExactlyOnceSourceSupport::kDisabled);
  EXPECT_FALSE(config.transactional_leader_enabled());
  EXPECT_EQ(config.inter_worker_key_generation_algorithm, "HmacSHA256");
  EXPECT_EQ(config.inter_worker_key_size, std::nullopt);
  EXPECT_EQ(config.inter_worker_key_ttl, absl::Milliseconds(3600000));
  EXPECT_EQ(config.inter_worker_signature_algorithm, "HmacSHA256");
  EXPECT_EQ(config.inter_worker_verification_algorithms, std::vector<std::string>{"HmacSHA256"});
  EXPECT_EQ(config.client_id, "");
  EXPECT_EQ(config.metadata_max_age, absl::Milliseconds(300000));
  EXPECT_EQ(config.send_buffer_bytes, 131072);
  EXPECT_EQ(config.receive_buffer_bytes, 32768);
  EXPECT_EQ(config.reconnect_backoff, absl::Milliseconds(50));
  EXPECT_EQ(config.reconnect_backoff_max, absl::Milliseconds(1000));
  EXPECT_EQ(config.socket_connection_setup_timeout, absl::Milliseconds(10000));
  EXPECT_EQ(config.socket_connection_setup_timeout_max, absl::Milliseconds(30000));
  EXPECT_EQ(config.retry_backoff, absl::Milliseconds(100));
  EXPECT_EQ(config.retry_backoff_max, absl::Milliseconds(1000));
  EXPECT_EQ(config.request_timeout, absl::Milliseconds(40000));
  EXPECT_EQ(config.connections_max_idle, absl::Milliseconds(540000));
  EXPECT_EQ(config.security_protocol, "PLAINTEXT");
  EXPECT_EQ(config.metadata_recovery_strategy, "none");
  EXPECT_TRUE(CheckSupported(config).ok());
}

TEST(DistributedConfig, ReadsEverySetting) {
  DistributedConfig config = ParseOk(With({
      {"group.id", " my-cluster "},
      {"session.timeout.ms", "45000"},
      {"heartbeat.interval.ms", " 15000 "},
      {"rebalance.timeout.ms", "120000"},
      {"worker.sync.timeout.ms", "4000"},
      {"worker.unsync.backoff.ms", "60000"},
      {"scheduled.rebalance.max.delay.ms", "0"},
      {"connect.protocol", "EAGER"},
      {"exactly.once.source.support", "Preparing"},
      {"inter.worker.key.generation.algorithm", "HmacSHA512"},
      {"inter.worker.key.size", "512"},
      {"inter.worker.key.ttl.ms", "600000"},
      {"inter.worker.signature.algorithm", "HmacSHA512"},
      {"inter.worker.verification.algorithms", "HmacSHA256 , HmacSHA512"},
      {"config.storage.topic", "cfg"},
      {"config.storage.replication.factor", "-1"},
      {"config.storage.partitions", "7"},
      {"config.storage.cleanup.policy", "delete"},
      {"config.storage.min.insync.replicas", "2"},
      {"offset.storage.topic", "offs"},
      {"offset.storage.partitions", "-1"},
      {"offset.storage.replication.factor", "2"},
      {"offset.storage.segment.bytes", "1048576"},
      {"status.storage.topic", "stat"},
      {"status.storage.partitions", "1"},
      {"status.storage.replication.factor", "5"},
      {"client.id", "w1"},
      {"metadata.max.age.ms", "0"},
      {"send.buffer.bytes", "-1"},
      {"receive.buffer.bytes", "65536"},
      {"reconnect.backoff.ms", "20"},
      {"socket.connection.setup.timeout.ms", "5000"},
      {"socket.connection.setup.timeout.max.ms", "60000"},
      {"retry.backoff.ms", "250"},
      {"retry.backoff.max.ms", "2000"},
      {"request.timeout.ms", "30000"},
      {"connections.max.idle.ms", "-1"},
      {"security.protocol", "sasl_ssl"},
      {"metadata.recovery.strategy", "REBOOTSTRAP"},
  }));
  EXPECT_EQ(config.group_id, "my-cluster");
  EXPECT_EQ(config.config_storage.topic, "cfg");
  EXPECT_EQ(config.config_storage.partitions, 1);  // config.storage.partitions is ignored
  EXPECT_EQ(config.config_storage.replication_factor, -1);
  // cleanup.policy is always compact; partitions is not a topic config.
  EXPECT_EQ(config.config_storage.topic_configs, (ConfigMap{{"min.insync.replicas", "2"}}));
  EXPECT_EQ(config.offset_storage.topic, "offs");
  EXPECT_EQ(config.offset_storage.partitions, -1);
  EXPECT_EQ(config.offset_storage.replication_factor, 2);
  EXPECT_EQ(config.offset_storage.topic_configs, (ConfigMap{{"segment.bytes", "1048576"}}));
  EXPECT_EQ(config.status_storage.topic, "stat");
  EXPECT_EQ(config.status_storage.partitions, 1);
  EXPECT_EQ(config.status_storage.replication_factor, 5);
  EXPECT_EQ(config.status_storage.topic_configs, ConfigMap());
  EXPECT_EQ(config.session_timeout, absl::Milliseconds(45000));
  EXPECT_EQ(config.heartbeat_interval, absl::Milliseconds(15000));
  EXPECT_EQ(config.rebalance_timeout, absl::Milliseconds(120000));
  EXPECT_EQ(config.worker_sync_timeout, absl::Milliseconds(4000));
  EXPECT_EQ(config.worker_unsync_backoff, absl::Milliseconds(60000));
  EXPECT_EQ(config.scheduled_rebalance_max_delay, absl::ZeroDuration());
  EXPECT_EQ(config.connect_protocol, "eager");  // Java keeps "EAGER" and matches it ignoring case
  EXPECT_EQ(config.exactly_once_source_support, ExactlyOnceSourceSupport::kPreparing);
  EXPECT_TRUE(config.transactional_leader_enabled());
  EXPECT_EQ(config.inter_worker_key_generation_algorithm, "HmacSHA512");
  EXPECT_EQ(config.inter_worker_key_size, 512);
  EXPECT_EQ(config.inter_worker_key_ttl, absl::Milliseconds(600000));
  EXPECT_EQ(config.inter_worker_signature_algorithm, "HmacSHA512");
  EXPECT_EQ(config.inter_worker_verification_algorithms,
            (std::vector<std::string>{"HmacSHA256", "HmacSHA512"}));
  EXPECT_EQ(config.client_id, "w1");
  EXPECT_EQ(config.metadata_max_age, absl::ZeroDuration());
  EXPECT_EQ(config.send_buffer_bytes, -1);
  EXPECT_EQ(config.receive_buffer_bytes, 65536);
  EXPECT_EQ(config.reconnect_backoff, absl::Milliseconds(20));
  // reconnect.backoff.ms given without reconnect.backoff.max.ms: the maximum follows it.
  EXPECT_EQ(config.reconnect_backoff_max, absl::Milliseconds(20));
  EXPECT_EQ(config.socket_connection_setup_timeout, absl::Milliseconds(5000));
  EXPECT_EQ(config.socket_connection_setup_timeout_max, absl::Milliseconds(60000));
  EXPECT_EQ(config.retry_backoff, absl::Milliseconds(250));
  EXPECT_EQ(config.retry_backoff_max, absl::Milliseconds(2000));
  EXPECT_EQ(config.request_timeout, absl::Milliseconds(30000));
  EXPECT_EQ(config.connections_max_idle, absl::Milliseconds(-1));
  EXPECT_EQ(config.security_protocol, "SASL_SSL");  // Java keeps "sasl_ssl"
  EXPECT_EQ(config.metadata_recovery_strategy, "rebootstrap");  // Java keeps "REBOOTSTRAP"
}

TEST(DistributedConfig, KeepsAGivenReconnectBackoffMax) {
  DistributedConfig config =
      ParseOk(With({{"reconnect.backoff.ms", "20"}, {"reconnect.backoff.max.ms", "5000"}}));
  EXPECT_EQ(config.reconnect_backoff, absl::Milliseconds(20));
  EXPECT_EQ(config.reconnect_backoff_max, absl::Milliseconds(5000));
}

TEST(DistributedConfig, ReadsTheSampleConfigAsKafkaConnectDoes) {
  absl::StatusOr<ConfigMap> props =
      formats::ReadPropertiesFile(std::string(SLUICE_SOURCE_DIR) +
                                  "/config/connect-distributed.properties");
  ASSERT_TRUE(props.ok()) << props.status();
  DistributedConfig config = ParseOk(*props);
  EXPECT_EQ(config.group_id, "connect-cluster");
  EXPECT_EQ(config.config_storage.topic, "connect-configs");
  EXPECT_EQ(config.config_storage.replication_factor, 1);
  EXPECT_EQ(config.offset_storage.topic, "connect-offsets");
  EXPECT_EQ(config.offset_storage.partitions, 25);
  EXPECT_EQ(config.offset_storage.replication_factor, 1);
  EXPECT_EQ(config.status_storage.topic, "connect-status");
  EXPECT_EQ(config.status_storage.partitions, 5);
  EXPECT_EQ(config.status_storage.replication_factor, 1);
  EXPECT_EQ(config.worker.bootstrap_servers, "localhost:9092");
  EXPECT_EQ(config.worker.key_converter.class_name,
            "org.apache.kafka.connect.json.JsonConverter");
  EXPECT_EQ(config.worker.key_converter.config, (ConfigMap{{"schemas.enable", "true"}}));
  EXPECT_EQ(config.worker.offset_flush_interval, absl::Milliseconds(10000));
  // Sluice's recommended delay (docs/distributed.md); Kafka Connect's default is 300000.
  EXPECT_EQ(config.scheduled_rebalance_max_delay, absl::Milliseconds(30000));
  EXPECT_EQ(config.worker.plugin_path, std::vector<std::string>{"build/plugins"});
  EXPECT_EQ(config.worker.rest_listener, ":8083");
  EXPECT_EQ(config.worker.offset_storage_file, "");
  EXPECT_EQ(config.worker.connector_storage_file, "");
  EXPECT_TRUE(CheckSupported(config).ok());
}

TEST(DistributedConfig, MatchesNamesIgnoringCaseAsJavaDoes) {
  // toUpperCase(Locale.ROOT) (exactly.once.source.support, security.protocol,
  // metadata.recovery.strategy) maps ı to I, ſ to S, ß to SS and ligatures to their letters;
  // equalsIgnoreCase (connect.protocol, booleans) also folds İ to i and the Kelvin sign to k.
  DistributedConfig config = ParseOk(With({{"connect.protocol", "\u017Fe\u017F\u017Fioned"},
                                           {"exactly.once.source.support", "d\u0131sabled"},
                                           {"security.protocol", "SASL_\u00DFL"},
                                           {"metadata.recovery.strategy", "REBOOT\uFB06RAP"},
                                           {"topic.tracking.enable", "fal\u017Fe"}}));
  EXPECT_EQ(config.connect_protocol, "sessioned");
  EXPECT_EQ(config.exactly_once_source_support, ExactlyOnceSourceSupport::kDisabled);
  EXPECT_EQ(config.security_protocol, "SASL_SSL");
  EXPECT_EQ(config.metadata_recovery_strategy, "rebootstrap");
  EXPECT_FALSE(config.worker.topic_tracking_enable);
  EXPECT_EQ(config.worker.raw.at("topic.tracking.enable"), "fal\u017Fe");

  EXPECT_EQ(ParseOk(With({{"metadata.recovery.strategy", "reboot\uFB05rap"}}))
                .metadata_recovery_strategy,
            "rebootstrap");
  EXPECT_EQ(ParseOk(With({{"connect.protocol", "compat\u0130ble"}})).connect_protocol,
            "compatible");
  EXPECT_EQ(ParseOk(With({{"connect.protocol", "compat\u0131ble"}})).connect_protocol,
            "compatible");
}

TEST(DistributedConfig, AcceptsEmptyNamesAsKafkaConnectDoes) {
  DistributedConfig config =
      ParseOk(With({{"group.id", ""}, {"config.storage.topic", " "}, {"client.id", ""}}));
  EXPECT_EQ(config.group_id, "");
  EXPECT_EQ(config.config_storage.topic, "");
}

TEST(DistributedConfig, AcceptsNumbersWithASignAndSpaces) {
  DistributedConfig config =
      ParseOk(With({{"session.timeout.ms", " +12000 "}, {"metadata.max.age.ms", "+0"}}));
  EXPECT_EQ(config.session_timeout, absl::Milliseconds(12000));
  EXPECT_EQ(config.metadata_max_age, absl::ZeroDuration());
}

TEST(DistributedConfig, IgnoresConfigStoragePartitionsWhateverItsValue) {
  DistributedConfig config = ParseOk(With({{"config.storage.partitions", "abc"}}));
  EXPECT_EQ(config.config_storage.partitions, 1);
  EXPECT_EQ(config.config_storage.topic_configs, ConfigMap());
}

TEST(DistributedConfig, ResolvesAlgorithmNamesAsAJvmDoes) {
  DistributedConfig config = ParseOk(With({
      {"inter.worker.key.generation.algorithm", "hmacsha1"},
      {"inter.worker.key.size", "0"},
      {"inter.worker.signature.algorithm", "1.2.840.113549.2.9"},
      {"inter.worker.verification.algorithms",
       "OID.1.2.840.113549.2.11,1.2.840.113549.2.9,hmac\u017Fha384"},
  }));
  // Kept as given, as Java keeps them.
  EXPECT_EQ(config.inter_worker_key_generation_algorithm, "hmacsha1");
  EXPECT_EQ(config.inter_worker_key_size, 0);
  EXPECT_EQ(config.inter_worker_signature_algorithm, "1.2.840.113549.2.9");
  EXPECT_EQ(config.inter_worker_verification_algorithms,
            (std::vector<std::string>{"OID.1.2.840.113549.2.11", "1.2.840.113549.2.9",
                                      "hmac\u017Fha384"}));

  EXPECT_EQ(CanonicalHmacAlgorithm("hmacsha1")->name, "HmacSHA1");
  EXPECT_EQ(CanonicalHmacAlgorithm("1.2.840.113549.2.9")->name, "HmacSHA256");
  EXPECT_EQ(CanonicalHmacAlgorithm("oid.1.2.840.113549.2.7")->name, "HmacSHA1");
  EXPECT_EQ(CanonicalHmacAlgorithm("OID.1.2.840.113549.2.11")->name, "HmacSHA512");
  EXPECT_EQ(CanonicalHmacAlgorithm("hmac\u017Fha384")->name, "HmacSHA384");
  EXPECT_EQ(CanonicalHmacAlgorithm("HMACSHA256")->digest, "SHA256");
  EXPECT_EQ(CanonicalHmacAlgorithm("HmacSHA256")->default_key_bits, 256);
  EXPECT_EQ(CanonicalHmacAlgorithm("HmacSHA1")->default_key_bits, 512);
  EXPECT_EQ(CanonicalHmacAlgorithm("HmacSHA224"), std::nullopt);
  EXPECT_EQ(CanonicalHmacAlgorithm(" HmacSHA256"), std::nullopt);
}

TEST(DistributedConfig, AcceptsHeaderRulesAndListenersKafkaConnectAccepts) {
  for (const char* rules :
       {"set X-Frame-Options: DENY, \"add Cache-Control: no-cache, no-store\", setDate Expires: "
        "31540000000, ADDDATE Last-Modified: 0",
        "\"set X-A: \\\"q\\\"\"junk, setdate X-B: 1 ,\tadd X-C:c",
        // U+0085 is not whitespace to \s, and `.` does not match it: no whitespace run qualifies.
        "set X\u0085 Y: v"}) {
    SCOPED_TRACE(rules);
    ParseOk(With({{"response.http.headers.config", rules}}));
  }
  ParseOk(With({{"listeners", "http://:8083,http://:8084"}, {"admin.listeners", ""}}));
}

TEST(DistributedConfig, NamesTheFirstMissingRequiredKeyInJavasOrder) {
  ExpectRefused({
      {"MissingGroupId",
       {{"group.id", std::nullopt}},
       "Missing required configuration \"group.id\" which has no default value."},
      {"MissingKeyConverterBeforeGroupId",
       {{"group.id", std::nullopt}, {"key.converter", std::nullopt}},
       "Missing required configuration \"key.converter\" which has no default value."},
      {"MissingOffsetTopicBeforeConfigTopic",
       {{"config.storage.topic", std::nullopt},
        {"offset.storage.topic", std::nullopt},
        {"status.storage.topic", std::nullopt}},
       "Missing required configuration \"offset.storage.topic\" which has no default value."},
      {"MissingConfigTopic",
       {{"config.storage.topic", std::nullopt}},
       "Missing required configuration \"config.storage.topic\" which has no default value."},
      {"MissingStatusTopic",
       {{"status.storage.topic", std::nullopt}},
       "Missing required configuration \"status.storage.topic\" which has no default value."},
  });
  EXPECT_EQ(std::string(ParseDistributedConfig({}).status().message()),
            "Missing required configuration \"key.converter\" which has no default value.");
}

TEST(DistributedConfig, RefusesValuesOfTheWrongTypeWithJavasMessage) {
  ExpectRefused({
      {"IntNotANumber",
       {{"session.timeout.ms", "10s"}},
       "Invalid value 10s for configuration session.timeout.ms: Not a number of type INT"},
      {"IntOverflow",
       {{"heartbeat.interval.ms", "2147483648"}},
       "Invalid value 2147483648 for configuration heartbeat.interval.ms: Not a number of type "
       "INT"},
      {"IntDecimal",
       {{"rebalance.timeout.ms", "60000.0"}},
       "Invalid value 60000.0 for configuration rebalance.timeout.ms: Not a number of type INT"},
      {"LongNotANumber",
       {{"metadata.max.age.ms", "5m"}},
       "Invalid value 5m for configuration metadata.max.age.ms: Not a number of type LONG"},
      {"ShortOverflow",
       {{"offset.storage.replication.factor", "40000"}},
       "Invalid value 40000 for configuration offset.storage.replication.factor: Not a number of "
       "type SHORT"},
      {"SocketSetupTimeoutNotANumber",
       {{"socket.connection.setup.timeout.ms", "ten"}},
       "Invalid value ten for configuration socket.connection.setup.timeout.ms: Not a number of "
       "type LONG"},
      {"KeySizeNotANumber",
       {{"inter.worker.key.size", "big"}},
       "Invalid value big for configuration inter.worker.key.size: Not a number of type INT"},
      {"DoubleNotANumber",
       {{"sasl.kerberos.ticket.renew.jitter", "x"}},
       "Invalid value x for configuration sasl.kerberos.ticket.renew.jitter: Not a number of "
       "type DOUBLE"},
      {"TopicTrackingNotBoolean",
       {{"topic.tracking.enable", "yes"}},
       "Invalid value yes for configuration topic.tracking.enable: Expected value to be either "
       "true or false"},
      {"KeyConverterBlank",
       {{"key.converter", "  "}},
       "Invalid value    for configuration key.converter: Class    could not be found."},
  });
}

TEST(DistributedConfig, RefusesValuesOutOfRange) {
  ExpectRefused({
      {"LongBelowZero",
       {{"metadata.max.age.ms", "-1"}},
       "Invalid value -1 for configuration metadata.max.age.ms: Value must be at least 0"},
      {"ScheduledDelayNegative",
       {{"scheduled.rebalance.max.delay.ms", "-1"}},
       "Invalid value -1 for configuration scheduled.rebalance.max.delay.ms: Value must be at "
       "least 0"},
      {"KeyTtlNegative",
       {{"inter.worker.key.ttl.ms", "-5"}},
       "Invalid value -5 for configuration inter.worker.key.ttl.ms: Value must be at least 0"},
      {"SendBufferBelowMinusOne",
       {{"send.buffer.bytes", "-2"}},
       "Invalid value -2 for configuration send.buffer.bytes: Value must be at least -1"},
      {"ReceiveBufferBelowMinusOne",
       {{"receive.buffer.bytes", "-100"}},
       "Invalid value -100 for configuration receive.buffer.bytes: Value must be at least -1"},
      {"RequestTimeoutNegative",
       {{"request.timeout.ms", "-1"}},
       "Invalid value -1 for configuration request.timeout.ms: Value must be at least 0"},
      {"RetryBackoffNegative",
       {{"retry.backoff.ms", "-1"}},
       "Invalid value -1 for configuration retry.backoff.ms: Value must be at least 0"},
      {"ReconnectBackoffMaxNegative",
       {{"reconnect.backoff.max.ms", "-1"}},
       "Invalid value -1 for configuration reconnect.backoff.max.ms: Value must be at least 0"},
      {"MetricsNumSamplesZero",
       {{"metrics.num.samples", "0"}},
       "Invalid value 0 for configuration metrics.num.samples: Value must be at least 1"},
      {"DoubleBelowRange",
       {{"sasl.login.refresh.window.factor", "0.4"}},
       "Invalid value 0.4 for configuration sasl.login.refresh.window.factor: Value must be at "
       "least 0.5"},
      {"DoubleAboveRange",
       {{"sasl.login.refresh.window.factor", "1.5"}},
       "Invalid value 1.5 for configuration sasl.login.refresh.window.factor: Value must be no "
       "more than 1.0"},
      {"DoubleJitterAboveRange",
       {{"sasl.login.refresh.window.jitter", "0.3"}},
       "Invalid value 0.3 for configuration sasl.login.refresh.window.jitter: Value must be no "
       "more than 0.25"},
      {"ShortAboveRange",
       {{"sasl.login.refresh.buffer.seconds", "4000"}},
       "Invalid value 4000 for configuration sasl.login.refresh.buffer.seconds: Value must be no "
       "more than 3600"},
  });
}

TEST(DistributedConfig, RefusesInternalTopicPartitionsAndReplicationFactorsBelowOne) {
  ExpectRefused({
      {"ReplicationFactorZero",
       {{"config.storage.replication.factor", "0"}},
       "Invalid value 0 for configuration config.storage.replication.factor: Replication factor "
       "must be positive and not larger than the number of brokers in the Kafka cluster, or -1 "
       "to use the broker's default"},
      {"ReplicationFactorBelowMinusOne",
       {{"status.storage.replication.factor", "-2"}},
       "Invalid value -2 for configuration status.storage.replication.factor: Replication factor "
       "must be positive and not larger than the number of brokers in the Kafka cluster, or -1 "
       "to use the broker's default"},
      {"PartitionsZero",
       {{"offset.storage.partitions", "0"}},
       "Invalid value 0 for configuration offset.storage.partitions: Number of partitions must "
       "be positive, or -1 to use the broker's default"},
      {"PartitionsBelowMinusOne",
       {{"status.storage.partitions", "-3"}},
       "Invalid value -3 for configuration status.storage.partitions: Number of partitions must "
       "be positive, or -1 to use the broker's default"},
  });
}

TEST(DistributedConfig, RefusesValuesOutsideTheirChoices) {
  ExpectRefused({
      {"ConnectProtocolUnknown",
       {{"connect.protocol", "cooperative"}},
       "Invalid value cooperative for configuration connect.protocol: Invalid Connect protocol "
       "compatibility"},
      {"ConnectProtocolEmpty",
       {{"connect.protocol", ""}},
       "Invalid value  for configuration connect.protocol: Invalid Connect protocol compatibility"},
      {"ExactlyOnceUnknown",
       {{"exactly.once.source.support", "on"}},
       "Invalid value on for configuration exactly.once.source.support: String must be one of "
       "(case insensitive): DISABLED, ENABLED, PREPARING"},
      {"SecurityProtocolUnknown",
       {{"security.protocol", "TLS"}},
       "Invalid value TLS for configuration security.protocol: String must be one of (case "
       "insensitive): SASL_SSL, PLAINTEXT, SSL, SASL_PLAINTEXT"},
      {"MetadataRecoveryUnknown",
       {{"metadata.recovery.strategy", "always"}},
       "Invalid value always for configuration metadata.recovery.strategy: String must be one of "
       "(case insensitive): REBOOTSTRAP, NONE"},
      {"ClientDnsLookupUnknown",
       {{"client.dns.lookup", "default"}},
       "Invalid value default for configuration client.dns.lookup: String must be one of: "
       "use_all_dns_ips, resolve_canonical_bootstrap_servers_only"},
      {"PluginDiscoveryUnknown",
       {{"plugin.discovery", "scan"}},
       "Invalid value scan for configuration plugin.discovery: String must be one of (case "
       "insensitive): ONLY_SCAN, SERVICE_LOAD, HYBRID_WARN, HYBRID_FAIL"},
      {"MetricsRecordingLevelIsCaseSensitive",
       {{"metrics.recording.level", "debug"}},
       "Invalid value debug for configuration metrics.recording.level: String must be one of: "
       "INFO, DEBUG"},
      {"SslClientAuthUnknown",
       {{"ssl.client.auth", "maybe"}},
       "Invalid value maybe for configuration ssl.client.auth: String must be one of: required, "
       "requested, none"},
      {"PluginDiscoveryNonAsciiLetter",
       {{"plugin.discovery", "hybrid_wa\u0280n"}},
       "Invalid value hybrid_wa\u0280n for configuration plugin.discovery: String must be one of "
       "(case insensitive): ONLY_SCAN, SERVICE_LOAD, HYBRID_WARN, HYBRID_FAIL"},
      {"KelvinSignNotUpperCase",
       {{"security.protocol", "\u212Aplaintext"}},
       "Invalid value \u212Aplaintext for configuration security.protocol: String must be one of "
       "(case insensitive): SASL_SSL, PLAINTEXT, SSL, SASL_PLAINTEXT"},
  });
}

TEST(DistributedConfig, RefusesAlgorithmsSluiceDoesNotImplement) {
  ExpectRefused({
      {"KeyAlgorithmUnsupported",
       {{"inter.worker.key.generation.algorithm", "AES"}},
       "Invalid value AES for configuration inter.worker.key.generation.algorithm: the algorithm "
       "is not supported by this JVM; the supported algorithms are: [HmacSHA256, HmacSHA384, "
       "HmacSHA1, HmacSHA512]"},
      {"KeyAlgorithmEmpty",
       {{"inter.worker.key.generation.algorithm", ""}},
       "Invalid value  for configuration inter.worker.key.generation.algorithm: the algorithm is "
       "not supported by this JVM; the supported algorithms are: [HmacSHA256, HmacSHA384, "
       "HmacSHA1, HmacSHA512]"},
      {"SignatureAlgorithmUnsupported",
       {{"inter.worker.signature.algorithm", "HmacMD5"}},
       "Invalid value HmacMD5 for configuration inter.worker.signature.algorithm: the algorithm "
       "is not supported by this JVM; the supported algorithms are: [HmacSHA256, HmacSHA384, "
       "HmacSHA1, HmacSHA512]"},
      {"VerificationAlgorithmsEmpty",
       {{"inter.worker.verification.algorithms", ""}},
       "Invalid value [] for configuration inter.worker.verification.algorithms: At least one "
       "signature verification algorithm must be provided"},
      {"VerificationAlgorithmsBlankItem",
       {{"inter.worker.verification.algorithms", "HmacSHA256,"}},
       "Invalid value  for configuration inter.worker.verification.algorithms: the algorithm is "
       "not supported by this JVM; the supported algorithms are: [HmacSHA256, HmacSHA384, "
       "HmacSHA1, HmacSHA512]"},
      {"VerificationAlgorithmUnsupported",
       {{"inter.worker.verification.algorithms", "HmacSHA256, HmacSHA3-256"}},
       "Invalid value HmacSHA3-256 for configuration inter.worker.verification.algorithms: the "
       "algorithm is not supported by this JVM; the supported algorithms are: [HmacSHA256, "
       "HmacSHA384, HmacSHA1, HmacSHA512]"},
  });
}

TEST(DistributedConfig, AppliesTheChecksOfJavasConstructorAfterTheKeys) {
  ExpectRefused({
      {"SignatureNotInVerification",
       {{"inter.worker.signature.algorithm", "HmacSHA512"}},
       "Invalid value HmacSHA512 for configuration inter.worker.signature.algorithm: Signature "
       "algorithm must be present in inter.worker.verification.algorithms list"},
      {"SignatureCaseDiffersFromVerification",
       {{"inter.worker.signature.algorithm", "hmacsha256"}},
       "Invalid value hmacsha256 for configuration inter.worker.signature.algorithm: Signature "
       "algorithm must be present in inter.worker.verification.algorithms list"},
      {"KeySizeTooSmall",
       {{"inter.worker.key.size", "39"}},
       "Unable to create key generator with algorithm HmacSHA256 and key size 39: Key length "
       "must be at least 40 bits"},
      {"KeySizeTooSmallForSha512",
       {{"inter.worker.key.generation.algorithm", "HmacSHA512"}, {"inter.worker.key.size", "-8"}},
       "Unable to create key generator with algorithm HmacSHA512 and key size -8: Key length "
       "must be at least 40 bits"},
      {"KeySizeCheckedBeforeSignatureInVerification",
       {{"inter.worker.key.size", "8"}, {"inter.worker.signature.algorithm", "HmacSHA384"}},
       "Unable to create key generator with algorithm HmacSHA256 and key size 8: Key length must "
       "be at least 40 bits"},
  });
}

TEST(DistributedConfig, ValidatesListenersAndResponseHeaderRules) {
  ExpectRefused({
      {"ListenersEmpty",
       {{"listeners", ""}},
       "Invalid value for listeners, at least one URL is expected, ex: "
       "http://localhost:8080,https://localhost:8443."},
      {"ListenersBlankItem",
       {{"listeners", "http://:8083, "}},
       "Empty URL found when parsing listeners list."},
      {"AdminListenersBlankItem",
       {{"admin.listeners", "http://:9000,,http://:9001"}},
       "Empty URL found when parsing admin.listeners list."},
      {"HeaderRuleWithoutValue",
       {{"response.http.headers.config", "set X-Frame-Options"}},
       "Invalid format of header name and header value pair 'X-Frame-Options'. Expected: "
       "'[header name]:[header value]'"},
      {"HeaderRuleUnknownAction",
       {{"response.http.headers.config", "put X-Frame-Options: DENY"}},
       "Invalid header config action: 'put'. Expected one of [set, add, setDate, addDate]"},
      {"HeaderRuleNameWithSpace",
       {{"response.http.headers.config", "set X Frame: DENY"}},
       "Invalid header name 'X Frame'. The '[header name]' cannot contain whitespace"},
      {"HeaderRuleEmptyName",
       {{"response.http.headers.config", "set :DENY"}},
       "Invalid header name ''. The '[header name]' cannot contain whitespace"},
      {"HeaderRuleTwoColons",
       {{"response.http.headers.config", "add X-A: a:b"}},
       "Invalid format of header name and header value pair 'X-A: a:b'. Expected: '[header "
       "name]:[header value]'"},
      {"HeaderRuleEmptyItem",
       {{"response.http.headers.config", "set X-A: a,,set X-B: b"}},
       "Invalid format of header config ''. Expected: '[action] [header name]:[header value]'"},
      {"HeaderRuleQuotedComma",
       {{"response.http.headers.config", "\"set X-A: a,b\", bad"}},
       "Invalid format of header config 'bad'. Expected: '[action] [header name]:[header value]'"},
      {"HeaderNameWithNewLineIsRefused",
       {{"response.http.headers.config", "set X\nY: v"}},
       "Invalid header name 'X\nY'. The '[header name]' cannot contain whitespace"},
      {"HeaderNameWithTabIsRefused",
       {{"response.http.headers.config", "add A\tB:v"}},
       "Invalid header name 'A\tB'. The '[header name]' cannot contain whitespace"},
  });
}

TEST(DistributedConfig, ReportsTheFirstBadKeyInJavasDefinitionOrder) {
  ExpectRefused({
      {"FirstErrorInDefinitionOrder",
       {{"connect.protocol", "x"}, {"security.protocol", "y"}, {"session.timeout.ms", "z"}},
       "Invalid value z for configuration session.timeout.ms: Not a number of type INT"},
      {"WorkerKeyErrorBeforeDistributedKeys",
       {{"group.id", std::nullopt}, {"offset.flush.interval.ms", "soon"}},
       "Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG"},
  });
}

TEST(DistributedConfig, AppliesSluicesOwnChecksOfSharedKeysAfterJavas) {
  // Kafka Connect accepts an http and an https listener at once; Sluice's gateway serves one.
  EXPECT_EQ(std::string(ParseDistributedConfig(With({{"listeners", "http://:8083,https://:8443"}}))
                            .status()
                            .message()),
            "Invalid value http://:8083,https://:8443 for configuration listeners: Sluice serves "
            "one REST listener, http or https, not both; name one");
  // Java's checks come first.
  EXPECT_EQ(std::string(ParseDistributedConfig(
                            With({{"listeners", "https://:8443"}, {"group.id", std::nullopt}}))
                            .status()
                            .message()),
            "Missing required configuration \"group.id\" which has no default value.");
}

TEST(CheckSupported, RefusesExactlyOnceSourceSupport) {
  // Kafka Connect accepts both.
  for (const char* setting : {"enabled", "preparing"}) {
    SCOPED_TRACE(setting);
    DistributedConfig config = ParseOk(With({{"exactly.once.source.support", setting}}));
    absl::Status status = CheckSupported(config);
    EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
    EXPECT_EQ(std::string(status.message()),
              std::string("exactly.once.source.support=") + setting +
                  ": Sluice does not support exactly-once source connectors yet (transactional "
                  "source tasks, zombie fencing and a transactional leader); set "
                  "exactly.once.source.support to disabled");
  }
}

TEST(CheckSupported, RefusesKeySizesNoKeyCanBeMadeOf) {
  // Kafka Connect accepts these (its HmacSHA1 generator takes any size at start-up, and
  // (size + 7) / 8 overflows for the largest), then fails to generate the key.
  DistributedConfig sha1 = ParseOk(With(
      {{"inter.worker.key.generation.algorithm", "HmacSHA1"}, {"inter.worker.key.size", "-8"}}));
  EXPECT_EQ(std::string(CheckSupported(sha1).message()),
            "inter.worker.key.size=-8: no HmacSHA1 key can be made of that many bits (Kafka "
            "Connect accepts the setting, then fails when its leader generates a session key)");
  DistributedConfig huge = ParseOk(With({{"inter.worker.key.size", "2147483647"}}));
  EXPECT_EQ(CheckSupported(huge).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckSupported(ParseOk(With({{"inter.worker.key.size", "40"}}))).ok());
  EXPECT_TRUE(CheckSupported(ParseOk(With({{"inter.worker.key.generation.algorithm", "HmacSHA1"},
                                           {"inter.worker.key.size", "1"}})))
                  .ok());
}

}  // namespace
}  // namespace sluice::config
