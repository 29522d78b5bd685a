// The worker's configuration, typed: Kafka Connect's worker keys (reference §4.1) plus Sluice's
// own (grpc.listener, ...), and the standalone worker's offsets file (distributed mode adds
// DistributedConfig around it). Parsed once at start-up; every component reads the
// typed fields instead of parsing strings again.
//
// Thread-compatible value type.
#ifndef SLUICE_SERVER_CONFIG_WORKER_CONFIG_H_
#define SLUICE_SERVER_CONFIG_WORKER_CONFIG_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/config/config_providers.h"
#include "server/config/supervision_config.h"
#include "server/config/tls_settings.h"
#include "sluice/sdk/config_def.h"

namespace sluice::config {

struct ConverterSetting {
  std::string class_name;
  ConfigMap config;  // the prefixed keys with the prefix stripped
};

struct WorkerConfig {
  // Unset: start the embedded (in-memory) broker.
  std::optional<std::string> bootstrap_servers;
  ConverterSetting key_converter;
  ConverterSetting value_converter;
  // header.converter: Kafka Connect's default is SimpleHeaderConverter.
  ConverterSetting header_converter{"org.apache.kafka.connect.storage.SimpleHeaderConverter", {}};
  // offset.storage.file.filename (standalone only).
  std::string offset_storage_file;
  // Where REST- and CLI-created connector configs are kept across restarts (Sluice's addition;
  // standalone only). Default: "<offset_storage_file>.connectors.json".
  std::string connector_storage_file;
  absl::Duration offset_flush_interval = absl::Seconds(60);
  absl::Duration offset_flush_timeout = absl::Seconds(5);
  absl::Duration task_shutdown_graceful_timeout = absl::Seconds(5);
  std::vector<std::string> plugin_path;
  // The REST listener as host:port ("" host = all interfaces); unset = no REST gateway.
  std::optional<std::string> rest_listener;
  std::string grpc_listener = "0.0.0.0:8084";
  // metrics.listener (Sluice's): host:port of a second HTTP listener serving only GET /metrics
  // for Prometheus, without authentication; unset = /metrics on the REST listener only.
  std::optional<std::string> metrics_listener;
  // sluice.metrics.statistics.interval.ms: how often task clients' librdkafka statistics are
  // taken for the kafka_producer_* / kafka_consumer_* metrics; 0 turns them off.
  absl::Duration metrics_statistics_interval = absl::Seconds(15);
  std::optional<std::string> rest_advertised_host;
  std::optional<int> rest_advertised_port;
  // Active topic tracking (GET /connectors/{c}/topics) and its reset.
  bool topic_tracking_enable = true;
  bool topic_tracking_allow_reset = true;
  // Client overrides applied to every connector's producer / consumer ("producer.*").
  ConfigMap producer_overrides;
  ConfigMap consumer_overrides;
  ConfigMap admin_overrides;  // "admin.*"
  // topic.creation.enable (KIP-158): source connectors may create their topics.
  bool topic_creation_enable = true;
  // connector.client.config.override.policy: which producer.override.* / consumer.override.* /
  // admin.override.* keys a connector may set. Kafka Connect's default is All.
  enum class OverridePolicy { kAll, kNone, kPrincipal };
  OverridePolicy client_override_policy = OverridePolicy::kAll;
  // Directory holding sluice-plugin-host and sluice-gateway; default: sluiced's own directory.
  std::string bin_dir;
  // Deadline for calls into a plugin that are not long polls (start, validate, stop).
  absl::Duration plugin_call_timeout = absl::Seconds(30);
  // sluice.task.watchdog.*: deadlines of task calls answered on streams (supervision_config.h).
  WatchdogSettings watchdog;
  // Kept as given, for GET / and logs.
  ConfigMap raw;
  // sluice.config.hide.passwords: GET /connectors/{c}/config (and a connector's info) shows the
  // PASSWORD-typed values written literally in a connector config as "[hidden]".
  bool hide_passwords = false;
  // config.providers: resolves ${provider:[path:]key} in connector and task configs when they
  // are used (null: none configured).
  std::shared_ptr<const ConfigProviders> config_providers;
  // listeners=https://...: the REST listener serves TLS with these settings (listeners.https.*
  // or ssl.*, see tls_settings.h); unset for an http listener.
  std::optional<TlsSettings> rest_tls;
  // grpc.listener=https://host:port: the gRPC listener serves TLS with the same settings
  // (grpc_listener then holds host:port); unset for a plaintext listener.
  std::optional<TlsSettings> grpc_tls;
  // The scheme of this worker's advertised URL: rest.advertised.listener, else the REST
  // listener's ("http" or "https").
  std::string rest_advertised_protocol = "http";
};

// Which worker the properties configure: a standalone worker keeps offsets (and Sluice's
// connector configs) in files, a distributed one in Kafka topics (see distributed_config.h).
enum class WorkerMode { kStandalone, kDistributed };

// Builds the typed config from the worker properties. InvalidArgument naming the key for a
// missing required key (key.converter, value.converter; offset.storage.file.filename in
// standalone mode) or a bad value. In distributed mode offset_storage_file and
// connector_storage_file stay empty. Relative file paths (plugin.path, offset file) are kept as
// given: they resolve from the current directory, as in Kafka Connect.
absl::StatusOr<WorkerConfig> ParseWorkerConfig(const ConfigMap& props,
                                               WorkerMode mode = WorkerMode::kStandalone);

// "http://host:port" / "http://:port" -> "host:port" (the first http listener of `listeners`).
absl::StatusOr<std::string> RestListenerAddress(const std::string& listeners);

// The REST listener named by `listeners`: its scheme ("http" or "https") and host:port.
// Sluice serves one REST listener: InvalidArgument for a bad URL, another scheme, or more than
// one listener.
struct RestListener {
  std::string scheme;
  std::string address;
};
absl::StatusOr<RestListener> ParseRestListener(const std::string& listeners);

}  // namespace sluice::config

#endif  // SLUICE_SERVER_CONFIG_WORKER_CONFIG_H_
