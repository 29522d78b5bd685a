// Turns connector classes into a plugin that sluice-plugin-host can load.
//
// In one .cc file of the plugin's shared library:
//
//   SLUICE_PLUGIN(registrar) {
//     registrar.SetPlugin("file", "3.9.0");
//     registrar.AddSource<FileStreamSourceConnector, FileStreamSourceTask>(
//         {.class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
//          .aliases = {"FileStreamSource", "FileStreamSourceConnector"},
//          .task_class_name = "org.apache.kafka.connect.file.FileStreamSourceTask"});
//   }
//
// The library exports two C symbols (sluice_plugin_abi_version_v1, sluice_plugin_register_v1)
// and nothing else needs to be visible. The SDK's own functions (data model, ConfigDef, Log) are
// provided by the process that loads the plugin, so a plugin has one copy of them.
#ifndef SLUICE_SDK_PLUGIN_H_
#define SLUICE_SDK_PLUGIN_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/sdk/connector.h"

namespace sluice {

// Bumped when a change to the SDK's C++ interfaces breaks already-built plugins.
// 2: SourceConnector and SinkConnector gained the virtual AlterOffsets.
inline constexpr int kPluginAbiVersion = 2;

struct ConnectorClassInfo {
  std::string class_name;
  std::vector<std::string> aliases;
  std::string task_class_name;
};

enum class ConnectorKind { kSource, kSink };

struct ConnectorRegistration {
  ConnectorClassInfo info;
  ConnectorKind kind = ConnectorKind::kSource;
  std::function<std::unique_ptr<SourceConnector>()> new_source_connector;
  std::function<std::unique_ptr<SourceTask>()> new_source_task;
  std::function<std::unique_ptr<SinkConnector>()> new_sink_connector;
  std::function<std::unique_ptr<SinkTask>()> new_sink_task;
};

// Collects what a plugin provides. Thread-compatible; used once, at load.
class PluginRegistrar {
 public:
  void SetPlugin(std::string name, std::string version) {
    name_ = std::move(name);
    version_ = std::move(version);
  }

  template <typename ConnectorT, typename TaskT>
  void AddSource(ConnectorClassInfo info) {
    ConnectorRegistration r;
    r.info = std::move(info);
    r.kind = ConnectorKind::kSource;
    r.new_source_connector = [] { return std::make_unique<ConnectorT>(); };
    r.new_source_task = [] { return std::make_unique<TaskT>(); };
    connectors_.push_back(std::move(r));
  }

  template <typename ConnectorT, typename TaskT>
  void AddSink(ConnectorClassInfo info) {
    ConnectorRegistration r;
    r.info = std::move(info);
    r.kind = ConnectorKind::kSink;
    r.new_sink_connector = [] { return std::make_unique<ConnectorT>(); };
    r.new_sink_task = [] { return std::make_unique<TaskT>(); };
    connectors_.push_back(std::move(r));
  }

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::vector<ConnectorRegistration>& connectors() const { return connectors_; }

 private:
  std::string name_;
  std::string version_;
  std::vector<ConnectorRegistration> connectors_;
};

}  // namespace sluice

#define SLUICE_PLUGIN(registrar)                                                           \
  static void SluicePluginRegister(::sluice::PluginRegistrar& registrar);                  \
  extern "C" __attribute__((visibility("default"))) int sluice_plugin_abi_version_v1() {   \
    return ::sluice::kPluginAbiVersion;                                                    \
  }                                                                                        \
  extern "C" __attribute__((visibility("default"))) void sluice_plugin_register_v1(        \
      ::sluice::PluginRegistrar* r) {                                                      \
    SluicePluginRegister(*r);                                                              \
  }                                                                                        \
  static void SluicePluginRegister(::sluice::PluginRegistrar& registrar)

#endif  // SLUICE_SDK_PLUGIN_H_
