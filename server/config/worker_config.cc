#include "server/config/worker_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sluice::config {
namespace {

std::vector<std::string> SplitList(const std::string& value) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

ConfigMap WithPrefix(const ConfigMap& props, absl::string_view prefix) {
  ConfigMap out;
  for (const auto& [k, v] : props) {
    if (absl::StartsWith(k, prefix) && k.size() > prefix.size()) out[k.substr(prefix.size())] = v;
  }
  return out;
}

absl::Status ReadMillis(const ConfigMap& props, const std::string& key, absl::Duration& out) {
  auto it = props.find(key);
  if (it == props.end()) return absl::OkStatus();
  int64_t ms = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(it->second), &ms) || ms < 0) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid value ", it->second,
                                                   " for configuration ", key,
                                                   ": Not a number of type LONG"));
  }
  out = absl::Milliseconds(ms);
  return absl::OkStatus();
}

absl::StatusOr<ConverterSetting> ReadConverter(const ConfigMap& props, const std::string& key) {
  auto it = props.find(key);
  if (it == props.end() || absl::StripAsciiWhitespace(it->second).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Missing required configuration \"", key, "\" which has no default value."));
  }
  ConverterSetting setting;
  setting.class_name = std::string(absl::StripAsciiWhitespace(it->second));
  setting.config = WithPrefix(props, key + ".");
  return setting;
}

}  // namespace

absl::StatusOr<RestListener> ParseRestListener(const std::string& listeners) {
  std::optional<RestListener> first;
  for (const std::string& listener : SplitList(listeners)) {
    absl::string_view rest = listener;
    RestListener parsed;
    // The protocol is case-insensitive, as in Kafka Connect's RestServer.
    if (absl::StartsWithIgnoreCase(rest, "https://")) {
      parsed.scheme = "https";
      rest.remove_prefix(8);
    } else if (absl::StartsWithIgnoreCase(rest, "http://")) {
      parsed.scheme = "http";
      rest.remove_prefix(7);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", listener,
          " for configuration listeners: expected PROTOCOL://host:port, e.g. http://:8083"));
    }
    size_t colon = rest.rfind(':');
    int port = 0;
    if (colon == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(colon + 1), &port) ||
        port < 0 || port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid value ", listener, " for configuration listeners: bad port"));
    }
    parsed.address = std::string(rest);
    if (!first.has_value()) {
      first = std::move(parsed);
    } else if (first->scheme != parsed.scheme) {
      // One gateway serves one scheme.
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", listeners,
          " for configuration listeners: Sluice serves one REST listener, http or https, not "
          "both; name one"));
    }
  }
  if (!first.has_value()) {
    return absl::InvalidArgumentError("Configuration listeners names no http listener");
  }
  return *first;
}

absl::StatusOr<std::string> RestListenerAddress(const std::string& listeners) {
  absl::StatusOr<RestListener> listener = ParseRestListener(listeners);
  if (!listener.ok()) return listener.status();
  if (listener->scheme != "http") {
    return absl::InvalidArgumentError(
        absl::StrCat("Configuration listeners (", listeners, ") names no http listener"));
  }
  return listener->address;
}

namespace {

// metrics.listener: http://host:port (or host:port); the host may be empty (all interfaces).
absl::StatusOr<std::string> MetricsListenerAddress(const std::string& value) {
  absl::string_view rest = absl::StripAsciiWhitespace(value);
  if (!absl::ConsumePrefix(&rest, "http://")) (void)absl::ConsumePrefix(&rest, "HTTP://");
  size_t colon = rest.rfind(':');
  int port = 0;
  if (rest.find("://") != absl::string_view::npos || colon == absl::string_view::npos ||
      !absl::SimpleAtoi(rest.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Invalid value ", value,
        " for configuration metrics.listener: expected http://host:port, e.g. http://:9404"));
  }
  return std::string(rest);
}

}  // namespace

absl::StatusOr<WorkerConfig> ParseWorkerConfig(const ConfigMap& props, WorkerMode mode) {
  WorkerConfig config;
  config.raw = props;
  absl::StatusOr<std::shared_ptr<const ConfigProviders>> providers =
      ConfigProviders::FromWorkerProps(props);
  if (!providers.ok()) return providers.status();
  config.config_providers = *std::move(providers);
  if (auto it = props.find("bootstrap.servers");
      it != props.end() && !absl::StripAsciiWhitespace(it->second).empty()) {
    config.bootstrap_servers = std::string(absl::StripAsciiWhitespace(it->second));
  }
  absl::StatusOr<ConverterSetting> key = ReadConverter(props, "key.converter");
  if (!key.ok()) return key.status();
  config.key_converter = *std::move(key);
  absl::StatusOr<ConverterSetting> value = ReadConverter(props, "value.converter");
  if (!value.ok()) return value.status();
  config.value_converter = *std::move(value);

  if (mode == WorkerMode::kStandalone) {
    auto offsets = props.find("offset.storage.file.filename");
    if (offsets == props.end() || absl::StripAsciiWhitespace(offsets->second).empty()) {
      return absl::InvalidArgumentError(
          "Missing required configuration \"offset.storage.file.filename\" which has no default "
          "value.");
    }
    config.offset_storage_file = std::string(absl::StripAsciiWhitespace(offsets->second));
    if (auto it = props.find("sluice.connector.storage.file"); it != props.end()) {
      config.connector_storage_file = it->second;
    } else {
      config.connector_storage_file = config.offset_storage_file + ".connectors.json";
    }
  }

  for (const auto& [key_name, target] :
       std::initializer_list<std::pair<const char*, absl::Duration*>>{
           {"offset.flush.interval.ms", &config.offset_flush_interval},
           {"offset.flush.timeout.ms", &config.offset_flush_timeout},
           {"task.shutdown.graceful.timeout.ms", &config.task_shutdown_graceful_timeout},
           {"sluice.plugin.call.timeout.ms", &config.plugin_call_timeout},
           {"sluice.metrics.statistics.interval.ms", &config.metrics_statistics_interval}}) {
    if (absl::Status s = ReadMillis(props, key_name, *target); !s.ok()) return s;
  }

  absl::StatusOr<WatchdogSettings> watchdog = ParseWatchdogSettings(props);
  if (!watchdog.ok()) return watchdog.status();
  config.watchdog = *watchdog;

  if (auto it = props.find("plugin.path"); it != props.end()) {
    config.plugin_path = SplitList(it->second);
  }
  if (auto it = props.find("sluice.config.hide.passwords"); it != props.end()) {
    // ConfigDef's BOOLEAN: true or false, ignoring case and surrounding blanks.
    std::string value = absl::AsciiStrToLower(absl::StripAsciiWhitespace(it->second));
    if (value != "true" && value != "false") {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", it->second,
          " for configuration sluice.config.hide.passwords: Expected value to be either true or "
          "false"));
    }
    config.hide_passwords = value == "true";
  }
  // Kafka Connect's default listener is http://:8083; an empty value disables REST here.
  std::string listeners = "http://:8083";
  if (auto it = props.find("listeners"); it != props.end()) listeners = it->second;
  if (!SplitList(listeners).empty()) {
    absl::StatusOr<RestListener> listener = ParseRestListener(listeners);
    if (!listener.ok()) return listener.status();
    config.rest_listener = listener->address;
    config.rest_advertised_protocol = listener->scheme;
    if (listener->scheme == "https") {
      absl::StatusOr<TlsSettings> tls = ParseTlsSettings(props);
      if (!tls.ok()) return tls.status();
      config.rest_tls = *std::move(tls);
    }
  }
  if (auto it = props.find("grpc.listener"); it != props.end()) {
    absl::string_view grpc = absl::StripAsciiWhitespace(it->second);
    if (absl::ConsumePrefix(&grpc, "https://")) {
      absl::StatusOr<TlsSettings> tls = ParseTlsSettings(props);
      if (!tls.ok()) return tls.status();
      // gRPC 1.51's TLS credentials serve TLSv1.2 and TLSv1.3 and cannot be narrowed.
      if (tls->min_version != TlsSettings::TlsVersion::kTls12 ||
          tls->max_version != TlsSettings::TlsVersion::kTls13) {
        return absl::InvalidArgumentError(
            "grpc.listener=https://...: the gRPC listener serves both TLSv1.2 and TLSv1.3; "
            "ssl.protocol / ssl.enabled.protocols can narrow only the REST listener's versions");
      }
      config.grpc_tls = *std::move(tls);
    } else {
      absl::ConsumePrefix(&grpc, "http://");
    }
    config.grpc_listener = std::string(grpc);
  }
  if (auto it = props.find("rest.advertised.listener");
      it != props.end() && !absl::StripAsciiWhitespace(it->second).empty()) {
    std::string protocol = absl::AsciiStrToLower(absl::StripAsciiWhitespace(it->second));
    if (protocol != "http" && protocol != "https") {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", it->second,
          " for configuration rest.advertised.listener: Sluice's workers advertise http or "
          "https"));
    }
    config.rest_advertised_protocol = protocol;
  }
  if (auto it = props.find("metrics.listener");
      it != props.end() && !absl::StripAsciiWhitespace(it->second).empty()) {
    absl::StatusOr<std::string> address = MetricsListenerAddress(it->second);
    if (!address.ok()) return address.status();
    if (!config.rest_listener.has_value()) {
      return absl::InvalidArgumentError(
          "metrics.listener needs a REST listener (listeners): the REST gateway serves both");
    }
    config.metrics_listener = *address;
  }
  if (auto it = props.find("rest.advertised.host.name");
      it != props.end() && !it->second.empty()) {
    config.rest_advertised_host = it->second;
  }
  if (auto it = props.find("rest.advertised.port"); it != props.end() && !it->second.empty()) {
    int port = 0;
    if (!absl::SimpleAtoi(it->second, &port)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", it->second, " for configuration rest.advertised.port: Not a number "
                                        "of type INT"));
    }
    config.rest_advertised_port = port;
  }
  for (const auto& [key_name, target] : std::initializer_list<std::pair<const char*, bool*>>{
           {"topic.tracking.enable", &config.topic_tracking_enable},
           {"topic.tracking.allow.reset", &config.topic_tracking_allow_reset}}) {
    auto it = props.find(key_name);
    if (it == props.end()) continue;
    std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(it->second));
    if (v != "true" && v != "false") {
      return absl::InvalidArgumentError(absl::StrCat("Invalid value ", it->second,
                                                     " for configuration ", key_name,
                                                     ": Expected value to be either true or false"));
    }
    *target = v == "true";
  }
  if (auto it = props.find("header.converter");
      it != props.end() && !absl::StripAsciiWhitespace(it->second).empty()) {
    config.header_converter.class_name = std::string(absl::StripAsciiWhitespace(it->second));
  }
  config.header_converter.config = WithPrefix(props, "header.converter.");
  if (auto it = props.find("topic.creation.enable"); it != props.end()) {
    std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(it->second));
    if (v != "true" && v != "false") {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", it->second,
          " for configuration topic.creation.enable: Expected value to be either true or false"));
    }
    config.topic_creation_enable = v == "true";
  }
  if (auto it = props.find("connector.client.config.override.policy"); it != props.end()) {
    const std::string policy(absl::StripAsciiWhitespace(it->second));
    // Kafka Connect takes a class name or its alias (the simple name, without the
    // ConnectorClientConfigOverridePolicy suffix).
    constexpr absl::string_view kPackage = "org.apache.kafka.connect.connector.policy.";
    constexpr absl::string_view kSuffix = "ConnectorClientConfigOverridePolicy";
    absl::string_view name = policy;
    absl::ConsumePrefix(&name, kPackage);
    absl::ConsumeSuffix(&name, kSuffix);
    if (name == "All") {
      config.client_override_policy = WorkerConfig::OverridePolicy::kAll;
    } else if (name == "None") {
      config.client_override_policy = WorkerConfig::OverridePolicy::kNone;
    } else if (name == "Principal") {
      config.client_override_policy = WorkerConfig::OverridePolicy::kPrincipal;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid value ", policy,
          " for configuration connector.client.config.override.policy: Sluice provides the "
          "policies All, None and Principal (org.apache.kafka.connect.connector.policy."
          "<name>ConnectorClientConfigOverridePolicy); custom policy classes are not supported"));
    }
  }
  config.producer_overrides = WithPrefix(props, "producer.");
  config.consumer_overrides = WithPrefix(props, "consumer.");
  config.admin_overrides = WithPrefix(props, "admin.");
  if (auto it = props.find("sluice.bin.dir"); it != props.end()) config.bin_dir = it->second;
  return config;
}

}  // namespace sluice::config
