#include "server/gateway/gateway_supervisor.h"

#include <spdlog/spdlog.h>

#include <initializer_list>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sluice::gateway {
namespace {

constexpr char kReadyPrefix[] = "SLUICE-GATEWAY|listening|";
constexpr absl::Duration kRestartBackoff = absl::Seconds(1);

}  // namespace

absl::StatusOr<std::unique_ptr<GatewaySupervisor>> GatewaySupervisor::Start(Options options) {
  auto supervisor = std::unique_ptr<GatewaySupervisor>(new GatewaySupervisor(std::move(options)));
  absl::StatusOr<std::unique_ptr<process::ChildProcess>> child = supervisor->Spawn();
  if (!child.ok()) return child.status();
  {
    absl::MutexLock lock(&supervisor->mu_);
    supervisor->address_ = std::string(
        absl::StripPrefix((*child)->handshake(), kReadyPrefix));
    supervisor->child_ = *std::move(child);
  }
  supervisor->watcher_ = std::thread([s = supervisor.get()] { s->Watch(); });
  return supervisor;
}

absl::StatusOr<std::unique_ptr<process::ChildProcess>> GatewaySupervisor::Spawn() {
  std::vector<std::string> argv = {options_.binary, "--listen", options_.listen, "--backend",
                                   options_.backend, "--exit-on-stdin-eof"};
  if (!options_.basic_auth_credentials_file.empty()) {
    argv.insert(argv.end(),
                {"--basic-auth-credentials-file", options_.basic_auth_credentials_file});
  }
  if (!options_.backend_token_file.empty()) {
    argv.insert(argv.end(), {"--backend-token-file", options_.backend_token_file});
  }
  if (!options_.metrics_listen.empty()) {
    argv.insert(argv.end(), {"--metrics-listen", options_.metrics_listen});
  }
  for (const auto& [flag, value] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"--tls-cert-file", &options_.tls_cert_file},
           {"--tls-key-file", &options_.tls_key_file},
           {"--tls-client-ca-file", &options_.tls_client_ca_file},
           {"--tls-client-auth", &options_.tls_client_auth},
           {"--tls-min-version", &options_.tls_min_version},
           {"--tls-max-version", &options_.tls_max_version},
           {"--backend-tls-ca-file", &options_.backend_tls_ca_file},
           {"--backend-tls-cert-file", &options_.backend_tls_cert_file},
           {"--backend-tls-key-file", &options_.backend_tls_key_file},
           {"--forward-tls-ca-file", &options_.forward_tls_ca_file},
           {"--forward-tls-cert-file", &options_.forward_tls_cert_file},
           {"--forward-tls-key-file", &options_.forward_tls_key_file}}) {
    if (!value->empty()) argv.insert(argv.end(), {flag, *value});
  }
  if (!options_.forward_tls_verify_hostname) argv.push_back("--forward-tls-no-hostname-check");
  absl::StatusOr<std::unique_ptr<process::ChildProcess>> child = process::ChildProcess::Start(
      {.argv = std::move(argv),
       .description = "REST gateway",
       .handshake_prefix = kReadyPrefix});
  if (!child.ok()) {
    return absl::Status(child.status().code(),
                        absl::StrCat("Could not start the REST gateway on ", options_.listen,
                                     ": ", child.status().message()));
  }
  return child;
}

void GatewaySupervisor::Watch() {
  while (true) {
    process::ChildProcess* child;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      child = child_.get();
    }
    // Wake up now and then to notice stopping_.
    std::optional<process::ExitInfo> exit = child->WaitForExit(absl::Milliseconds(200));
    if (!exit.has_value()) continue;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    spdlog::error("{}; restarting it", exit->Describe());
    absl::SleepFor(kRestartBackoff);  // back-off between restarts, not synchronisation
    absl::StatusOr<std::unique_ptr<process::ChildProcess>> fresh = Spawn();
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    if (fresh.ok()) {
      address_ = std::string(absl::StripPrefix((*fresh)->handshake(), kReadyPrefix));
      child_ = *std::move(fresh);
    } else {
      spdlog::error("{}", std::string(fresh.status().message()));
    }
  }
}

std::string GatewaySupervisor::address() const {
  absl::MutexLock lock(&mu_);
  return address_;
}

GatewaySupervisor::~GatewaySupervisor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (watcher_.joinable()) watcher_.join();
  absl::MutexLock lock(&mu_);
  if (child_ != nullptr) child_->Stop(absl::Seconds(2));
}

}  // namespace sluice::gateway
