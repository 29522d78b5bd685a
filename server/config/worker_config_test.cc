#include "server/config/worker_config.h"

#include "gtest/gtest.h"

namespace sluice::config {
namespace {

ConfigMap Minimal() {
  return {{"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
          {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
          {"offset.storage.file.filename", "/tmp/x.offsets"}};
}

TEST(WorkerConfig, AppliesKafkaConnectDefaults) {
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(Minimal());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->bootstrap_servers.has_value());
  EXPECT_EQ(config->offset_flush_interval, absl::Seconds(60));
  EXPECT_EQ(config->rest_listener, ":8083");
  EXPECT_EQ(config->grpc_listener, "0.0.0.0:8084");
  EXPECT_EQ(config->connector_storage_file, "/tmp/x.offsets.connectors.json");
}

TEST(WorkerConfig, ReadsConvertersWithTheirPrefixedKeys) {
  ConfigMap props = Minimal();
  props["key.converter.schemas.enable"] = "false";
  props["value.converter.converter.encoding"] = "UTF-8";
  props["offset.flush.interval.ms"] = "1500";
  props["listeners"] = "http://127.0.0.1:9999";
  props["grpc.listener"] = "127.0.0.1:7777";
  props["producer.linger.ms"] = "7";
  props["plugin.path"] = " /a , /b ";
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->key_converter.class_name, "org.apache.kafka.connect.json.JsonConverter");
  EXPECT_EQ(config->key_converter.config, (ConfigMap{{"schemas.enable", "false"}}));
  EXPECT_EQ(config->value_converter.config, (ConfigMap{{"converter.encoding", "UTF-8"}}));
  EXPECT_EQ(config->offset_flush_interval, absl::Milliseconds(1500));
  EXPECT_EQ(config->rest_listener, "127.0.0.1:9999");
  EXPECT_EQ(config->grpc_listener, "127.0.0.1:7777");
  EXPECT_EQ(config->producer_overrides, (ConfigMap{{"linger.ms", "7"}}));
  EXPECT_EQ(config->plugin_path, (std::vector<std::string>{"/a", "/b"}));
}

TEST(WorkerConfig, ReadsTheMetricsListenerAndStatisticsInterval) {
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(Minimal());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->metrics_listener.has_value());
  EXPECT_EQ(config->metrics_statistics_interval, absl::Seconds(15));

  ConfigMap props = Minimal();
  props["metrics.listener"] = "http://:9404";
  props["sluice.metrics.statistics.interval.ms"] = "0";
  config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->metrics_listener, ":9404");
  EXPECT_EQ(config->metrics_statistics_interval, absl::ZeroDuration());

  props["metrics.listener"] = "127.0.0.1:9405";
  config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->metrics_listener, "127.0.0.1:9405");

  props["metrics.listener"] = "https://:9404";
  EXPECT_EQ(ParseWorkerConfig(props).status().message(),
            "Invalid value https://:9404 for configuration metrics.listener: expected "
            "http://host:port, e.g. http://:9404");

  props["metrics.listener"] = "http://:9404";
  props["listeners"] = "";
  EXPECT_EQ(ParseWorkerConfig(props).status().message(),
            "metrics.listener needs a REST listener (listeners): the REST gateway serves both");
}

TEST(WorkerConfig, NamesMissingRequiredKeys) {
  ConfigMap props = Minimal();
  props.erase("value.converter");
  EXPECT_EQ(ParseWorkerConfig(props).status().message(),
            "Missing required configuration \"value.converter\" which has no default value.");
  props = Minimal();
  props.erase("offset.storage.file.filename");
  EXPECT_EQ(ParseWorkerConfig(props).status().message(),
            "Missing required configuration \"offset.storage.file.filename\" which has no "
            "default value.");
}

TEST(WorkerConfig, RejectsBadValues) {
  ConfigMap props = Minimal();
  props["offset.flush.interval.ms"] = "soon";
  EXPECT_EQ(ParseWorkerConfig(props).status().message(),
            "Invalid value soon for configuration offset.flush.interval.ms: Not a number of type "
            "LONG");
  props = Minimal();
  props["listeners"] = "localhost:8083";
  EXPECT_EQ(ParseWorkerConfig(props).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WorkerConfig, ReadsTopicTracking) {
  ConfigMap props = Minimal();
  EXPECT_TRUE(ParseWorkerConfig(props)->topic_tracking_enable);
  props["topic.tracking.enable"] = "FALSE";
  props["topic.tracking.allow.reset"] = "false";
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->topic_tracking_enable);
  EXPECT_FALSE(config->topic_tracking_allow_reset);
  props["topic.tracking.enable"] = "maybe";
  EXPECT_EQ(ParseWorkerConfig(props).status().message(),
            "Invalid value maybe for configuration topic.tracking.enable: Expected value to be "
            "either true or false");
}

TEST(WorkerConfig, EmptyListenersDisablesRest) {
  ConfigMap props = Minimal();
  props["listeners"] = "";
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->rest_listener.has_value());
}

TEST(WorkerConfig, ReadsHidePasswordsAsABooleanAndConfigProviders) {
  ConfigMap props = Minimal();
  EXPECT_FALSE(ParseWorkerConfig(props)->hide_passwords);
  EXPECT_EQ(ParseWorkerConfig(props)->config_providers, nullptr);
  props["sluice.config.hide.passwords"] = " TRUE ";
  props["config.providers"] = "env";
  props["config.providers.env.class"] =
      "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(props);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->hide_passwords);
  EXPECT_NE(config->config_providers, nullptr);
  props["sluice.config.hide.passwords"] = "yes";
  EXPECT_EQ(ParseWorkerConfig(props).status().message(),
            "Invalid value yes for configuration sluice.config.hide.passwords: Expected value "
            "to be either true or false");
}

}  // namespace
}  // namespace sluice::config
