// ConnectService's GetSandbox: what the plugin sandbox enforces on this worker
// (server/plugins/sandbox_policy.h).
#include "server/api/connect_service.h"
#include "server/plugins/plugin_registry.h"

namespace sluice::api {

namespace v1 = ::sluice::v1;

grpc::Status ConnectServiceImpl::GetSandbox(grpc::ServerContext*, const v1::GetSandboxRequest*,
                                            v1::SandboxStatus* response) {
  const plugins::SandboxSupport& support = registry_->sandbox_support();
  response->set_enabled(registry_->options().sandbox.enabled);
  response->set_namespaces(support.namespaces());
  response->set_network_namespace(support.network_namespace);
  response->set_landlock_abi(support.landlock_abi);
  response->set_seccomp(true);
  response->set_seccomp_notify(support.seccomp_notify);
  for (const auto& [name, controller] : {std::pair{"memory", &support.memory},
                                         std::pair{"cpu", &support.cpu},
                                         std::pair{"pids", &support.pids}}) {
    (*response->mutable_cgroups())[name] =
        controller->version == 0 ? "none" : (controller->version == 1 ? "v1" : "v2");
  }
  for (const std::string& line : support.Missing()) response->add_missing(line);
  return grpc::Status::OK;
}

}  // namespace sluice::api
