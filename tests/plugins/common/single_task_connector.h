// The connector most test plugins need: it checks its config against its ConfigDef at Start and
// hands that same config to one task. A plugin derives from it, naming the SDK base
// (SourceConnector or SinkConnector), and may refuse or act at Start in CheckStart.
//
//   class MySourceConnector final : public SingleTaskConnector<SourceConnector> {
//    public:
//     MySourceConnector() : SingleTaskConnector(kVersion, &SourceConfig) {}
//   };
//
// Thread-safety: as the SDK's connectors, called by one thread at a time.
#ifndef SLUICE_TESTS_PLUGINS_COMMON_SINGLE_TASK_CONNECTOR_H_
#define SLUICE_TESTS_PLUGINS_COMMON_SINGLE_TASK_CONNECTOR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"

namespace sluice::test {

template <typename Base>
class SingleTaskConnector : public Base {
 public:
  SingleTaskConnector(const char* version, ConfigDef (*config)())
      : version_(version), config_(config) {}

  std::string Version() const override { return version_; }
  ConfigDef Config() const override { return config_(); }
  absl::Status Start(ConnectorContext&, const ConfigMap& config) override {
    absl::StatusOr<ParsedConfig> parsed = config_().Parse(config);
    if (!parsed.ok()) return parsed.status();
    if (absl::Status checked = CheckStart(config); !checked.ok()) return checked;
    config_map_ = config;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ConfigMap>> TaskConfigs(int) override {
    return std::vector<ConfigMap>{config_map_};
  }
  absl::Status Stop() override { return absl::OkStatus(); }

 protected:
  // Runs at Start once the config has parsed; an error fails the connector.
  virtual absl::Status CheckStart(const ConfigMap&) { return absl::OkStatus(); }

 private:
  const char* const version_;
  ConfigDef (*const config_)();
  ConfigMap config_map_;
};

}  // namespace sluice::test

#endif  // SLUICE_TESTS_PLUGINS_COMMON_SINGLE_TASK_CONNECTOR_H_
