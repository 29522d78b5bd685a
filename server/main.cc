// sluiced: the Sluice worker.
//
//   sluiced standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]
//
// Start-up order: worker config, Kafka (the embedded broker when bootstrap.servers is absent),
// stores, plugin registry, herder, gRPC API, connectors, REST gateway. Shutdown (SIGINT/SIGTERM)
// runs it backwards: the gateway first (no new REST requests), then every connector (tasks flush
// and commit offsets), the gRPC server, the plugin hosts, the broker.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "formats/properties.h"
#include "server/api/connect_service.h"
#include "server/build_info.h"
#include "server/config/worker_config.h"
#include "server/gateway/gateway_supervisor.h"
#include "server/herder/standalone_herder.h"
#include "server/worker/connector_host.h"
#include "server/kafka/client.h"
#include "server/kafka/embedded_broker.h"
#include "server/logging/logger_levels.h"
#include "server/plugins/plugin_registry.h"
#include "server/store/config_store.h"
#include "server/store/status_store.h"
#include "server/store/offset_store.h"

namespace sluice {
namespace {

constexpr char kUsage[] =
    R"(Usage: sluiced standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]

Runs a standalone Sluice worker: Kafka Connect's REST API (listeners, default http://:8083,
served by sluice-gateway), the gRPC API (grpc.listener, default 0.0.0.0:8084), and the
connectors given on the command line or created through the APIs.

Without bootstrap.servers in WORKER.properties the worker starts an embedded Kafka broker that
keeps data in memory only.

  --help      this text
  --version   the version
)";

constexpr char kKafkaConnectApiVersion[] = "3.9.0";


[[noreturn]] void Die(const std::string& message) {
  spdlog::critical("{}", message);
  std::exit(1);
}

std::string ExecutableDir() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "." : self.parent_path().string();
}

std::string Hostname() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}

// "0.0.0.0:8084" / ":8084" / "[::]:8084" -> an address a local client can dial.
std::string LocalDialAddress(const std::string& listen) {
  size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.empty() || host == "0.0.0.0" || host == "[::]" || host == "::") host = "127.0.0.1";
  return absl::StrCat(host, listen.substr(colon));
}

int Run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::printf("sluiced %s (Kafka Connect API %s, commit %s)\n", SLUICE_VERSION,
                kKafkaConnectApiVersion, BuildCommit());
    return 0;
  }
  if (args[0] == "distributed") {
    // The parts are in (server/distributed, server/store's Kafka stores); the herder that joins
    // them is not yet.
    std::fputs("sluiced: distributed mode is not available in this build yet; run "
               "`sluiced standalone WORKER.properties` (see docs/architecture.md)\n",
               stderr);
    return 2;
  }
  if (args[0] != "standalone" || args.size() < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  // Signals are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  // Logs go to stderr; stdout carries only the ready line for scripts.
  spdlog::set_default_logger(spdlog::stderr_color_mt("sluiced"));
  spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] %^%l%$ %v");
  absl::StatusOr<ConfigMap> props = formats::ReadPropertiesFile(args[1]);
  if (!props.ok()) Die(std::string(props.status().message()));
  absl::StatusOr<config::WorkerConfig> worker = config::ParseWorkerConfig(*props);
  if (!worker.ok()) Die(absl::StrCat(args[1], ": ", worker.status().message()));
  if (worker->bin_dir.empty()) worker->bin_dir = ExecutableDir();

  std::vector<formats::ConnectorFile> connector_files;
  for (size_t i = 2; i < args.size(); ++i) {
    absl::StatusOr<formats::ConnectorFile> file = formats::ReadConnectorFile(args[i]);
    if (!file.ok()) Die(std::string(file.status().message()));
    if (file->name.empty()) Die(absl::StrCat("Connector file ", args[i], " does not give the connector a name"));
    connector_files.push_back(*std::move(file));
  }

  // Kafka.
  std::unique_ptr<kafka::EmbeddedBroker> broker;
  std::string bootstrap;
  std::function<absl::Status(const std::string&)> ensure_topic;
  kafka::TopicAdminFactory topic_admin_factory =
      [](const ConfigMap& settings) { return kafka::NewKafkaTopicAdmin(settings); };
  if (worker->bootstrap_servers.has_value()) {
    bootstrap = *worker->bootstrap_servers;
  } else {
    absl::StatusOr<std::unique_ptr<kafka::EmbeddedBroker>> started =
        kafka::EmbeddedBroker::Start({});
    if (!started.ok()) Die(std::string(started.status().message()));
    broker = *std::move(started);
    bootstrap = broker->bootstrap_servers();
    kafka::EmbeddedBroker* b = broker.get();
    // The embedded broker keeps a consumer that left its group as a member until its session
    // expires, so a restarted sink task would wait librdkafka's default 45 s before it gets
    // its partitions. A short session (the minimum a real broker allows) keeps that to seconds.
    worker->consumer_overrides.try_emplace("session.timeout.ms", "6000");
    worker->consumer_overrides.try_emplace("heartbeat.interval.ms", "1000");
    ensure_topic = [b](const std::string& topic) { return b->EnsureTopic(topic); };
    topic_admin_factory = [b](const ConfigMap&) -> absl::StatusOr<std::unique_ptr<kafka::TopicAdmin>> {
      return kafka::NewEmbeddedTopicAdmin(b);
    };
    spdlog::warn("==================================================================");
    spdlog::warn("No bootstrap.servers: started the EMBEDDED Kafka broker at {}", bootstrap);
    spdlog::warn("It keeps data IN MEMORY ONLY (about 5 MiB per partition) and loses it");
    spdlog::warn("when sluiced stops. Other Kafka clients can use it: kcat -b {} -L", bootstrap);
    spdlog::warn("==================================================================");
  }
  absl::StatusOr<std::string> cluster_id = kafka::FetchClusterId(bootstrap, absl::Seconds(30));
  if (!cluster_id.ok()) Die(std::string(cluster_id.status().message()));

  // Stores.
  absl::StatusOr<std::unique_ptr<store::FileOffsetStore>> offsets =
      store::FileOffsetStore::Open(worker->offset_storage_file);
  if (!offsets.ok()) Die(std::string(offsets.status().message()));
  absl::StatusOr<std::unique_ptr<store::FileConfigStore>> configs =
      store::FileConfigStore::Open(worker->connector_storage_file);
  if (!configs.ok()) Die(std::string(configs.status().message()));
  store::MemoryStatusStore statuses;

  // Plugins. Sockets live in a private directory that only this worker can enter.
  std::string socket_template = (std::filesystem::temp_directory_path() / "sluice-XXXXXX").string();
  if (::mkdtemp(socket_template.data()) == nullptr) Die("Could not create a socket directory");
  const std::string socket_dir = socket_template;
  absl::StatusOr<std::unique_ptr<plugins::PluginRegistry>> registry =
      plugins::PluginRegistry::Create(
          {.plugin_path = worker->plugin_path,
           .host_binary = (std::filesystem::path(worker->bin_dir) / "sluice-plugin-host").string(),
           .socket_dir = socket_dir,
           .call_timeout = worker->plugin_call_timeout});
  if (!registry.ok()) Die(std::string(registry.status().message()));

  // Worker id: the advertised REST host:port, as in Kafka Connect.
  std::string rest_port = worker->rest_listener.has_value()
                              ? worker->rest_listener->substr(worker->rest_listener->rfind(':') + 1)
                              : worker->grpc_listener.substr(worker->grpc_listener.rfind(':') + 1);
  std::string worker_id = absl::StrCat(
      worker->rest_advertised_host.value_or(Hostname()), ":",
      worker->rest_advertised_port.has_value() ? std::to_string(*worker->rest_advertised_port)
                                               : rest_port);

  worker::PluginConnectorHosts hosts(registry->get());
  absl::StatusOr<std::unique_ptr<herder::StandaloneHerder>> herder =
      herder::StandaloneHerder::Create({.worker = &*worker,
                                        .bootstrap_servers = bootstrap,
                                        .ensure_topic = ensure_topic,
                                        .topic_admin_factory = topic_admin_factory,
                                        .registry = registry->get(),
                                        .offsets = offsets->get(),
                                        .config_store = configs->get(),
                                        .status_store = &statuses,
                                        .hosts = &hosts,
                                        .worker_id = worker_id});
  if (!herder.ok()) Die(std::string(herder.status().message()));

  // gRPC API.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  logging::LoggerLevels logger_levels;
  api::ConnectServiceImpl service(herder->get(), registry->get(), &*worker, &logger_levels,
                                  {kKafkaConnectApiVersion, BuildCommit(), *cluster_id});
  service.SetTopicTracking({worker->topic_tracking_enable, worker->topic_tracking_allow_reset});
  grpc::ServerBuilder builder;
  int grpc_port = 0;
  builder.AddListeningPort(worker->grpc_listener, grpc::InsecureServerCredentials(), &grpc_port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || grpc_port == 0) {
    Die(absl::StrCat("Could not listen for gRPC on ", worker->grpc_listener));
  }
  std::string grpc_address = absl::StrCat(
      worker->grpc_listener.substr(0, worker->grpc_listener.rfind(':')), ":", grpc_port);

  // Connectors: the stored ones, then those on the command line (which replace stored ones of
  // the same name).
  (*herder)->StartAll();
  for (formats::ConnectorFile& file : connector_files) {
    std::vector<std::string> existing = (*herder)->ConnectorNames();
    bool exists = std::find(existing.begin(), existing.end(), file.name) != existing.end();
    absl::Status s = exists ? (*herder)->PutConnectorConfig(file.name, file.config).status()
                            : (*herder)->CreateConnector(file.name, file.config,
                                                         file.initial_state).status();
    if (!s.ok()) Die(absl::StrCat("Connector ", file.name, ": ", s.message()));
  }

  // REST.
  std::unique_ptr<gateway::GatewaySupervisor> gateway;
  if (worker->rest_listener.has_value()) {
    absl::StatusOr<std::unique_ptr<gateway::GatewaySupervisor>> started =
        gateway::GatewaySupervisor::Start(
            {.binary = (std::filesystem::path(worker->bin_dir) / "sluice-gateway").string(),
             .listen = *worker->rest_listener,
             .backend = LocalDialAddress(grpc_address)});
    if (!started.ok()) Die(std::string(started.status().message()));
    gateway = *std::move(started);
  }

  service.MarkReady();
  spdlog::info("Sluice worker {} is up: Kafka {} (cluster {}), gRPC {}{}", worker_id, bootstrap,
               *cluster_id, grpc_address,
               gateway ? absl::StrCat(", REST http://", gateway->address()) : "");
  // One machine-readable line for scripts and tests.
  std::printf("SLUICED|ready|rest=%s|grpc=%s|kafka=%s\n",
              gateway ? gateway->address().c_str() : "", grpc_address.c_str(), bootstrap.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("Received signal {}; shutting down", sig);
  gateway.reset();
  (*herder)->Shutdown();
  server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  herder->reset();
  registry->reset();
  broker.reset();
  std::error_code ec;
  std::filesystem::remove_all(socket_dir, ec);
  spdlog::info("Stopped");
  return 0;
}

}  // namespace
}  // namespace sluice

int main(int argc, char** argv) { return sluice::Run(argc, argv); }
