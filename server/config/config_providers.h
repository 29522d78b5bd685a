// Config providers (KIP-297, KIP-421): values of the form ${provider:[path:]key} in worker and
// connector configs, resolved from a file, a directory or the environment when the config is
// used, so that secrets need not be written into connector configs.
//
//   # worker.properties
//   config.providers=file,env
//   config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
//   config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
//   config.providers.env.param.allowlist.pattern=DB_.*
//
//   # a connector config
//   "connection.password": "${file:/etc/secrets/db.properties:password}"
//   "connection.user": "${env:DB_USER}"
//
//   absl::StatusOr<std::shared_ptr<const ConfigProviders>> providers =
//       ConfigProviders::FromWorkerProps(props);
//   absl::StatusOr<ConfigMap> resolved = (*providers)->Transform(connector_config);
//
// The three providers Kafka Connect ships, with their class names, parameters and behaviour
// (org.apache.kafka.common.config.provider.*, ConfigTransformer):
//   FileConfigProvider       path: a Java .properties file; key: a property in it.
//                            param allowed.paths: comma-separated absolute paths it may read.
//   DirectoryConfigProvider  path: a directory; key: a file in it, whose content is the value.
//                            param allowed.paths, as above.
//   EnvVarConfigProvider     no path; key: an environment variable.
//                            param allowlist.pattern: a regex the variable's name must match.
// A variable whose provider is not configured, or whose key the provider does not have (or may
// not read), stays as written, as in Kafka Connect. Provider-reported TTLs (and
// config.action.reload) do not apply: none of these providers reports one.
//
// Thread-safe: immutable once made.
#ifndef SLUICE_SERVER_CONFIG_CONFIG_PROVIDERS_H_
#define SLUICE_SERVER_CONFIG_CONFIG_PROVIDERS_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"

namespace sluice::config {

// One provider: the values of `keys` under `path` that it has (missing keys are left out).
// Errors carry Kafka's ConfigException messages ("Could not read properties from file /x").
class ConfigProvider {
 public:
  virtual ~ConfigProvider() = default;
  virtual absl::StatusOr<std::map<std::string, std::string>> Get(
      const std::string& path, const std::set<std::string>& keys) const = 0;
};

class ConfigProviders {
 public:
  // The providers the worker properties configure (config.providers, then for each alias
  // config.providers.<alias>.class and config.providers.<alias>.param.<name>); null when there
  // are none. InvalidArgument with Kafka's messages for an alias without a class, a class that
  // is not one of the three, or an allowed.paths entry that is not absolute or does not exist.
  static absl::StatusOr<std::shared_ptr<const ConfigProviders>> FromWorkerProps(
      const ConfigMap& props);

  // `config` with every variable replaced where its provider has the value (ConfigTransformer).
  // Errors: a provider's (an unreadable file, a path given to the env provider).
  absl::StatusOr<ConfigMap> Transform(const ConfigMap& config) const;

  // The worker's own properties resolved, as Kafka's AbstractConfig resolves its originals
  // (the config.providers keys themselves are left as they are). `props` unchanged when they
  // configure no provider.
  static absl::StatusOr<ConfigMap> ResolveWorkerProps(const ConfigMap& props);

 private:
  std::map<std::string, std::unique_ptr<ConfigProvider>> providers_;
};

// Whether `value` holds a ${provider:[path:]key} variable.
bool HasConfigVariables(std::string_view value);

// Kafka Connect's AbstractHerder.reverseTransform: in each task config a connector generated
// from its resolved config, the value of every key whose value in the connector's raw config
// holds a variable is put back to that raw value, so that resolved secrets are not stored or
// shown; they are resolved again when the task starts.
std::vector<ConfigMap> ReverseTransform(const ConfigMap& raw_connector_config,
                                        std::vector<ConfigMap> task_configs);

}  // namespace sluice::config

#endif  // SLUICE_SERVER_CONFIG_CONFIG_PROVIDERS_H_
