// Loads a native plugin: dlopen()s its shared library, checks its ABI version and lets it
// register its connector classes (see sdk/cpp/include/sluice/sdk/plugin.h).
//
// The library is opened with RTLD_NOW | RTLD_LOCAL: every symbol it needs from the SDK must
// resolve at load against the host executable, which exports the whole SDK (see
// plugin-host/CMakeLists.txt), so a missing symbol is a clear load error, not a crash later.
//
// Thread-safety: LoadedPlugin is immutable after Load and may be shared by threads.
#ifndef SLUICE_PLUGIN_HOST_LOADER_H_
#define SLUICE_PLUGIN_HOST_LOADER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sluice/sdk/plugin.h"

namespace sluice::plugin_host {

class LoadedPlugin {
 public:
  // Opens `library_path` and registers its connectors. FailedPrecondition for a library that
  // cannot be opened, lacks the entry points or was built for another ABI version; the message
  // names the library and the cause (dlerror's text).
  static absl::StatusOr<std::unique_ptr<LoadedPlugin>> Load(const std::string& library_path);

  // Deliberately keeps the library loaded: plugin objects and threads may outlive us during
  // shutdown, and the process exits right after.
  ~LoadedPlugin() = default;

  const PluginRegistrar& registrar() const { return registrar_; }

  // The registration whose class name or one of its aliases is `name`; null when none.
  const ConnectorRegistration* FindConnector(std::string_view name) const;
  // The registration whose task class name is `task_class`; null when none.
  const ConnectorRegistration* FindByTaskClass(std::string_view task_class) const;

 private:
  LoadedPlugin() = default;
  void* handle_ = nullptr;
  PluginRegistrar registrar_;
};

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_LOADER_H_
