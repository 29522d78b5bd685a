// sluicectl: the command-line client of sluiced's gRPC API. Wiring only: parse the command line
// (cli.h), open a channel to --server / SLUICE_SERVER, run the command (commands.h), print
// `error: <message>` for a failure and exit with its code (connect_client.h). Credentials, when
// the worker asks for them, come from the environment: SLUICE_TOKEN (a bearer token), or
// SLUICE_USER and SLUICE_PASSWORD (basic authentication).
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tools/sluicectl/cli.h"
#include "tools/sluicectl/commands.h"
#include "tools/sluicectl/connect_client.h"

namespace sluice::sluicectl {
namespace {

std::string AuthorizationFromEnvironment() {
  const char* token = std::getenv("SLUICE_TOKEN");
  if (token != nullptr && *token != '\0') return absl::StrCat("Bearer ", token);
  const char* user = std::getenv("SLUICE_USER");
  const char* password = std::getenv("SLUICE_PASSWORD");
  if (user != nullptr && *user != '\0') {
    return absl::StrCat("Basic ",
                        absl::Base64Escape(absl::StrCat(user, ":", password ? password : "")));
  }
  return "";
}

absl::StatusOr<std::string> ReadEnvFile(const char* variable) {
  const char* path = std::getenv(variable);
  if (path == nullptr || *path == '\0') return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(variable, ": cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The channel's credentials for `server`: TLS for "https://host:port" (the prefix is removed
// from `server`), verified with SLUICE_TLS_CA_FILE (default: gRPC's roots) and presenting
// SLUICE_TLS_CERT_FILE / SLUICE_TLS_KEY_FILE when set; plaintext otherwise.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentials(std::string& server) {
  constexpr absl::string_view kHttps = "https://";
  if (!absl::StartsWith(server, kHttps)) return grpc::InsecureChannelCredentials();
  server = server.substr(kHttps.size());
  grpc::SslCredentialsOptions options;
  for (auto [variable, target] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"SLUICE_TLS_CA_FILE", &options.pem_root_certs},
           {"SLUICE_TLS_CERT_FILE", &options.pem_cert_chain},
           {"SLUICE_TLS_KEY_FILE", &options.pem_private_key}}) {
    absl::StatusOr<std::string> pem = ReadEnvFile(variable);
    if (!pem.ok()) return pem.status();
    *target = *std::move(pem);
  }
  if (options.pem_cert_chain.empty() != options.pem_private_key.empty()) {
    return absl::InvalidArgumentError(
        "SLUICE_TLS_CERT_FILE and SLUICE_TLS_KEY_FILE go together");
  }
  return grpc::SslCredentials(options);
}

int Run(int argc, char** argv) {
  GlobalDefaults defaults;
  if (const char* server = std::getenv("SLUICE_SERVER"); server != nullptr && *server != '\0') {
    defaults.server = server;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<Invocation> inv = ParseCommandLine(args, Commands(), defaults);
  if (!inv.ok()) {
    std::cerr << "error: " << inv.status().message() << "\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  if (inv->help) {
    std::cout << (inv->command != nullptr ? CommandHelp(*inv->command) : ToolHelp(Commands()));
    return static_cast<int>(ExitCode::kOk);
  }

  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentials(inv->server);
  if (!credentials.ok()) {
    std::cerr << "error: " << credentials.status().message() << "\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  ConnectClient client(
      sluice::v1::ConnectService::NewStub(grpc::CreateChannel(inv->server, *credentials)),
      inv->timeout, AuthorizationFromEnvironment());
  Session session(client, inv->output, std::cout);
  absl::Status status = inv->command->run(*inv, session);
  std::cout.flush();
  if (status.ok()) return static_cast<int>(ExitCode::kOk);
  std::cerr << "error: " << status.message() << "\n";
  if (IsUsageStatus(status)) {
    std::cerr << "Run 'sluicectl " << inv->command->name << " --help' for more.\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  ExitCode code = ExitCodeFor(status);
  if (code == ExitCode::kUnreachable) {
    std::cerr << "(no answer from sluiced at " << inv->server
              << "; set the address with --server or SLUICE_SERVER)\n";
  }
  return static_cast<int>(code);
}

}  // namespace
}  // namespace sluice::sluicectl

int main(int argc, char** argv) { return sluice::sluicectl::Run(argc, argv); }
