#include "plugin-host/loader.h"

#include <dlfcn.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "plugin-host/plugin_call.h"

namespace sluice::plugin_host {
namespace {

using AbiVersionFn = int (*)();
using RegisterFn = void (*)(PluginRegistrar*);

std::string DlError() {
  const char* error = dlerror();
  return error != nullptr ? error : "unknown dlerror";
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoadedPlugin>> LoadedPlugin::Load(
    const std::string& library_path) {
  void* handle = dlopen(library_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("Cannot load plugin library ", library_path, ": ", DlError()));
  }
  auto abi_version = reinterpret_cast<AbiVersionFn>(dlsym(handle, "sluice_plugin_abi_version_v1"));
  auto register_fn = reinterpret_cast<RegisterFn>(dlsym(handle, "sluice_plugin_register_v1"));
  if (abi_version == nullptr || register_fn == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Plugin library ", library_path,
        " does not export sluice_plugin_abi_version_v1 and sluice_plugin_register_v1 "
        "(was it built with SLUICE_PLUGIN from sluice/sdk/plugin.h?)"));
  }
  absl::StatusOr<int> version = CallPlugin("sluice_plugin_abi_version_v1", kConnectorTask,
                                           [&] { return abi_version(); });
  if (!version.ok()) return version.status();
  if (*version != kPluginAbiVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("Plugin library ", library_path, " was built for SDK ABI version ", *version,
                     "; this host supports version ", kPluginAbiVersion));
  }
  auto plugin = std::unique_ptr<LoadedPlugin>(new LoadedPlugin());
  plugin->handle_ = handle;
  absl::Status registered = CallPlugin("sluice_plugin_register_v1", kConnectorTask,
                                       [&] { register_fn(&plugin->registrar_); });
  if (!registered.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("Registering plugin ", library_path, " failed: ", registered.message()));
  }
  if (plugin->registrar_.connectors().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("Plugin library ", library_path, " registers no connector class"));
  }
  return plugin;
}

const ConnectorRegistration* LoadedPlugin::FindConnector(std::string_view name) const {
  for (const ConnectorRegistration& r : registrar_.connectors()) {
    if (r.info.class_name == name ||
        std::find(r.info.aliases.begin(), r.info.aliases.end(), name) != r.info.aliases.end()) {
      return &r;
    }
  }
  return nullptr;
}

const ConnectorRegistration* LoadedPlugin::FindByTaskClass(std::string_view task_class) const {
  for (const ConnectorRegistration& r : registrar_.connectors()) {
    if (r.info.task_class_name == task_class) return &r;
  }
  return nullptr;
}

}  // namespace sluice::plugin_host
