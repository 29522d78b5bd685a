// ConnectService's Sluice-only reads of the sandbox: GetSandbox, what it enforces on this
// worker (server/plugins/sandbox_policy.h), and GetConnectorResources, what a connector's plugin
// host uses, its limits and its automatic restarts.
#include "server/api/connect_service.h"
#include "server/plugins/plugin_registry.h"
#include "server/api/status_mapping.h"
#include "absl/time/time.h"

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

grpc::Status ConnectServiceImpl::GetConnectorResources(
    grpc::ServerContext* context, const v1::GetConnectorResourcesRequest* request,
    v1::ConnectorResources* response) {
  absl::StatusOr<herder::ConnectorResources> resources =
      herder_->GetConnectorResources(request->name());
  if (!resources.ok()) return ToGrpcStatus(resources.status(), context);
  response->set_name(resources->name);
  response->set_worker_id(resources->worker_id);
  response->set_running(resources->host.has_value());
  if (resources->host.has_value()) {
    const plugins::HostUsage& u = resources->host->usage;
    v1::HostUsage* usage = response->mutable_usage();
    usage->set_pid(u.pid);
    usage->set_memory_bytes(u.memory_bytes);
    usage->set_cpu_seconds(u.cpu_seconds);
    usage->set_tasks(u.tasks);
    usage->set_processes(u.processes);
    usage->set_measured_by(u.measured_by);
    const plugins::SandboxPolicy& p = resources->host->policy;
    v1::HostLimits* limits = response->mutable_limits();
    limits->set_sandboxed(p.full);
    limits->set_memory_bytes(p.memory_bytes);
    limits->set_processes(p.processes);
    limits->set_cpu_cores(p.cpu_cores);
    limits->set_cpu_seconds(p.cpu_seconds);
    limits->set_network(p.network);
  }
  response->set_restart_enabled(resources->restart_enabled);
  for (const auto& [task, counts] : resources->restarts) {
    v1::RestartCount* count = response->add_restarts();
    count->set_task(task);
    count->set_restarts(counts.restarts);
    count->set_failures_in_a_row(counts.failures_in_a_row);
    if (counts.next_restart.has_value()) {
      count->set_next_restart(absl::FormatTime(absl::RFC3339_sec, *counts.next_restart,
                                               absl::UTCTimeZone()));
    }
    count->set_gave_up(counts.gave_up);
  }
  return grpc::Status::OK;
}

}  // namespace sluice::api
