// sluiced: the Sluice worker.
//
//   sluiced standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]
//   sluiced distributed WORKER.properties
//
// Start-up order: worker config, Kafka (the embedded broker when bootstrap.servers is absent),
// stores, plugin registry, herder, gRPC API, connectors, REST gateway. Shutdown (SIGINT/SIGTERM)
// runs it backwards: the gateway first (no new REST requests), then every connector (tasks flush
// and commit offsets), the gRPC server, the plugin hosts, the broker.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <cstdlib>
#include <sstream>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <openssl/rand.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "formats/properties.h"
#include "server/api/access_control.h"
#include "server/api/connect_service.h"
#include "server/api/guarded_connect_service.h"
#include "server/build_info.h"
#include "server/config/worker_config.h"
#include "server/gateway/gateway_supervisor.h"
#include "server/herder/distributed_herder.h"
#include "server/herder/standalone_herder.h"
#include "server/metrics/process_metrics.h"
#include "server/metrics/worker_metrics.h"
#include "server/worker/connector_host.h"
#include "server/kafka/client.h"
#include "server/kafka/embedded_broker.h"
#include "server/logging/logger_levels.h"
#include "server/plugins/plugin_registry.h"
#include "server/store/config_store.h"
#include "server/store/status_store.h"
#include "server/store/offset_store.h"
#include "server/store/kafka_config_store.h"
#include "server/store/kafka_offset_store.h"
#include "server/store/kafka_status_store.h"
#include "server/distributed/group_member.h"
#include "server/distributed/solo_member.h"
#include "server/config/distributed_config.h"
#include "server/kafka/client_configs.h"
#include "server/kafka/internal_topics.h"
#include "server/kafka/jaas_config.h"
#include "server/tls/tls_material.h"

namespace sluice {
namespace {

constexpr char kUsage[] =
    R"(Usage: sluiced standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]
       sluiced distributed WORKER.properties

standalone: runs a standalone Sluice worker: Kafka Connect's REST API (listeners, default
http://:8083, served by sluice-gateway), the gRPC API (grpc.listener, default 0.0.0.0:8084), and
the connectors given on the command line or created through the APIs.

distributed: runs one worker of a Kafka Connect cluster (a connect-distributed.properties:
group.id and the config, offset and status topics); connectors are created through the APIs of
any worker of the cluster (docs/distributed.md).

Without bootstrap.servers in WORKER.properties the worker starts an embedded Kafka broker that
keeps data in memory only (in distributed mode: a cluster of this one worker).

  --help      this text
  --version   the version
)";

constexpr char kKafkaConnectApiVersion[] = "3.9.0";


[[noreturn]] void Die(const std::string& message) {
  spdlog::critical("{}", message);
  std::exit(1);
}

// Logs how long start-up took up to each of its phases ("Start-up: plugins ready at 41 ms"), so
// that a slow start shows where its time went.
class StartupClock {
 public:
  void Phase(const char* what) {
    spdlog::info("Start-up: {} at {} ms", what,
                 absl::ToInt64Milliseconds(absl::Now() - start_));
  }

 private:
  const absl::Time start_ = absl::Now();
};

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

// Signals are taken by sigwait in Serve; block them before any thread starts. Logs go to
// stderr; stdout carries only the ready line for scripts.
sigset_t BlockSignalsAndSetUpLogs() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  spdlog::set_default_logger(spdlog::stderr_color_mt("sluiced"));
  spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] %^%l%$ %v");
  return signals;
}

// WORKER.properties with its ${provider:[path:]key} variables resolved through the config
// providers it configures, as Kafka's AbstractConfig resolves a worker's config.
absl::StatusOr<ConfigMap> ReadWorkerProperties(const std::string& path) {
  absl::StatusOr<ConfigMap> props = formats::ReadPropertiesFile(path);
  if (!props.ok()) return props.status();
  absl::StatusOr<ConfigMap> resolved = config::ConfigProviders::ResolveWorkerProps(*props);
  if (!resolved.ok()) {
    return absl::Status(resolved.status().code(),
                        absl::StrCat(path, ": ", resolved.status().message()));
  }
  return resolved;
}

// The settings of the worker's own clients of the internal topics and of the group: the
// connection and security keys of WORKER.properties (Kafka Connect hands the worker's whole
// config to them; the other keys either mean nothing to these clients or, like group.id, must
// not reach a librdkafka consumer that would commit offsets under the Connect group's name).
ConfigMap InternalClientSettings(const ConfigMap& props, const std::string& bootstrap) {
  ConfigMap out;
  for (const auto& [key, value] : props) {
    if (key == "security.protocol" || absl::StartsWith(key, "ssl.") ||
        absl::StartsWith(key, "sasl.") || key == "client.dns.lookup" ||
        key == "socket.connection.setup.timeout.ms" ||
        key == "socket.connection.setup.timeout.max.ms" || key == "reconnect.backoff.ms" ||
        key == "reconnect.backoff.max.ms" || key == "retry.backoff.ms" ||
        key == "request.timeout.ms") {
      out[key] = value;
    }
  }
  out["bootstrap.servers"] = bootstrap;
  return out;
}

ConfigMap Librdkafka(kafka::ClientType type, const ConfigMap& java) {
  absl::StatusOr<kafka::ClientSettings> settings = kafka::ToLibrdkafka(type, java);
  if (!settings.ok()) Die(std::string(settings.status().message()));
  return settings->librdkafka;
}

// The Kafka the worker uses: bootstrap.servers, or an embedded broker started here.
struct Kafka {
  std::unique_ptr<kafka::EmbeddedBroker> broker;
  std::string bootstrap;
  std::function<absl::Status(const std::string&)> ensure_topic;
  kafka::TopicAdminFactory topic_admin_factory =
      [](const ConfigMap& settings) { return kafka::NewKafkaTopicAdmin(settings); };
  std::string cluster_id;
};

Kafka StartKafka(config::WorkerConfig& worker) {
  Kafka k;
  if (worker.bootstrap_servers.has_value()) {
    k.bootstrap = *worker.bootstrap_servers;
  } else {
    absl::StatusOr<std::unique_ptr<kafka::EmbeddedBroker>> started =
        kafka::EmbeddedBroker::Start({});
    if (!started.ok()) Die(std::string(started.status().message()));
    k.broker = *std::move(started);
    k.bootstrap = k.broker->bootstrap_servers();
    kafka::EmbeddedBroker* b = k.broker.get();
    // The embedded broker keeps a consumer that left its group as a member until its session
    // expires, so a restarted sink task would wait librdkafka's default 45 s before it gets
    // its partitions. A short session (the minimum a real broker allows) keeps that to seconds.
    worker.consumer_overrides.try_emplace("session.timeout.ms", "6000");
    worker.consumer_overrides.try_emplace("heartbeat.interval.ms", "1000");
    k.ensure_topic = [b](const std::string& topic) { return b->EnsureTopic(topic); };
    k.topic_admin_factory =
        [b](const ConfigMap&) -> absl::StatusOr<std::unique_ptr<kafka::TopicAdmin>> {
      return kafka::NewEmbeddedTopicAdmin(b);
    };
    spdlog::warn("==================================================================");
    spdlog::warn("No bootstrap.servers: started the EMBEDDED Kafka broker at {}", k.bootstrap);
    spdlog::warn("It keeps data IN MEMORY ONLY (about 5 MiB per partition) and loses it");
    spdlog::warn("when sluiced stops. Other Kafka clients can use it: kcat -b {} -L", k.bootstrap);
    spdlog::warn("==================================================================");
  }
  absl::StatusOr<std::string> cluster_id = kafka::FetchClusterId(
      k.bootstrap, absl::Seconds(30),
      k.broker ? ConfigMap() : Librdkafka(kafka::ClientType::kAdmin,
                                          InternalClientSettings(worker.raw, k.bootstrap)));
  if (!cluster_id.ok()) Die(std::string(cluster_id.status().message()));
  k.cluster_id = *cluster_id;
  return k;
}

// The plugin registry. Sockets live in a private directory that only this worker can enter.
struct Plugins {
  std::string socket_dir;
  std::unique_ptr<plugins::PluginRegistry> registry;

  ~Plugins() {
    registry.reset();
    std::error_code ec;
    if (!socket_dir.empty()) std::filesystem::remove_all(socket_dir, ec);
  }
};

// sluice.plugin.describe.cache.dir (absent: PluginRegistry::DefaultDescribeCacheDir(); empty:
// no cache) and sluice.plugin.validation.idle.timeout.ms (-1: never stopped).
void PluginRegistrySettings(const config::WorkerConfig& worker,
                            plugins::PluginRegistry::Options& options) {
  auto cache = worker.raw.find("sluice.plugin.describe.cache.dir");
  options.describe_cache_dir = cache == worker.raw.end()
                                   ? plugins::PluginRegistry::DefaultDescribeCacheDir()
                                   : std::string(absl::StripAsciiWhitespace(cache->second));
  if (auto idle = worker.raw.find("sluice.plugin.validation.idle.timeout.ms");
      idle != worker.raw.end()) {
    int64_t ms = 0;
    if (!absl::SimpleAtoi(idle->second, &ms) || ms < -1) {
      Die(absl::StrCat("Invalid value ", idle->second,
                       " for configuration sluice.plugin.validation.idle.timeout.ms: a number of "
                       "milliseconds, or -1 to keep validation hosts running"));
    }
    options.validation_idle_timeout =
        ms < 0 ? absl::InfiniteDuration() : absl::Milliseconds(ms);
  }
}

void StartPlugins(const config::WorkerConfig& worker, Plugins& p) {
  std::string socket_template = (std::filesystem::temp_directory_path() / "sluice-XXXXXX").string();
  if (::mkdtemp(socket_template.data()) == nullptr) Die("Could not create a socket directory");
  p.socket_dir = socket_template;
  absl::StatusOr<plugins::SandboxSettings> sandbox = plugins::ParseSandboxSettings(worker.raw);
  if (!sandbox.ok()) Die(std::string(sandbox.status().message()));
  plugins::PluginRegistry::Options options{
      .plugin_path = worker.plugin_path,
      .host_binary = (std::filesystem::path(worker.bin_dir) / "sluice-plugin-host").string(),
      .socket_dir = p.socket_dir,
      .call_timeout = worker.plugin_call_timeout,
      .sandbox = *std::move(sandbox)};
  PluginRegistrySettings(worker, options);
  absl::StatusOr<std::unique_ptr<plugins::PluginRegistry>> registry =
      plugins::PluginRegistry::Create(std::move(options));
  if (!registry.ok()) Die(std::string(registry.status().message()));
  p.registry = *std::move(registry);
}

// The advertised REST host and port (rest.advertised.host.name / .port, else the listener's).
struct Advertised {
  std::string host;
  std::string port;
  std::string worker_id() const { return absl::StrCat(host, ":", port); }
};

Advertised AdvertisedAddress(const config::WorkerConfig& worker) {
  const std::string& listen = worker.rest_listener.has_value() ? *worker.rest_listener
                                                               : worker.grpc_listener;
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.empty() || host == "0.0.0.0" || host == "[::]" || host == "::") host = Hostname();
  return {worker.rest_advertised_host.value_or(host),
          worker.rest_advertised_port.has_value() ? std::to_string(*worker.rest_advertised_port)
                                                  : listen.substr(colon + 1)};
}

constexpr char kBasicAuthExtension[] =
    "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension";
constexpr char kPropertyFileLoginModule[] =
    "org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule";

// rest.extension.classes: Kafka Connect's BasicAuthSecurityRestExtension, set up as for Kafka
// Connect: KAFKA_OPTS names the JAAS file (-Djava.security.auth.login.config=...), whose
// KafkaConnect entry is a PropertyFileLoginModule with the credentials file. Returns that file
// ("" without the extension). Any other extension class cannot run without a JVM: refused.
absl::StatusOr<std::string> BasicAuthCredentialsFile(const config::WorkerConfig& worker) {
  auto classes = worker.raw.find("rest.extension.classes");
  if (classes == worker.raw.end()) return std::string();
  bool basic_auth = false;
  for (absl::string_view cls : absl::StrSplit(classes->second, ',', absl::SkipWhitespace())) {
    cls = absl::StripAsciiWhitespace(cls);
    if (cls != kBasicAuthExtension) {
      return absl::InvalidArgumentError(absl::StrCat(
          "rest.extension.classes: ", cls, " cannot be loaded; Sluice serves Kafka Connect's ",
          kBasicAuthExtension, " only"));
    }
    basic_auth = true;
  }
  if (!basic_auth) return std::string();
  const char* opts = std::getenv("KAFKA_OPTS");
  std::string jaas_path;
  for (absl::string_view opt : absl::StrSplit(opts == nullptr ? "" : opts, ' ', absl::SkipEmpty())) {
    if (absl::ConsumePrefix(&opt, "-Djava.security.auth.login.config=")) {
      absl::ConsumePrefix(&opt, "=");  // "==": this file only, as for the JVM
      jaas_path = std::string(opt);
    }
  }
  if (jaas_path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        kBasicAuthExtension, " needs a JAAS file with a KafkaConnect entry: set KAFKA_OPTS="
        "-Djava.security.auth.login.config=/path/to/jaas.conf, as for Kafka Connect"));
  }
  std::ifstream in(jaas_path);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("Could not read the JAAS file ", jaas_path));
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  // The KafkaConnect { <module> <flag> <options>; }; entry.
  size_t name = content.find("KafkaConnect");
  size_t open = name == std::string::npos ? name : content.find('{', name);
  size_t close = open == std::string::npos ? open : content.find('}', open);
  if (close == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("The JAAS file ", jaas_path, " has no KafkaConnect entry"));
  }
  absl::StatusOr<kafka::JaasLoginModule> module =
      kafka::ParseClientJaasConfig(content.substr(open + 1, close - open - 1));
  if (!module.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(jaas_path, ": ", module.status().message()));
  }
  if (module->login_module != kPropertyFileLoginModule) {
    return absl::InvalidArgumentError(absl::StrCat(
        jaas_path, ": the KafkaConnect entry's login module ", module->login_module,
        " cannot be loaded; Sluice serves ", kPropertyFileLoginModule, " only"));
  }
  auto file = module->options.find("file");
  if (file == module->options.end() || absl::StripAsciiWhitespace(file->second).empty()) {
    return absl::InvalidArgumentError("Property Credentials file must be specified");
  }
  return file->second;
}

// Whether the gRPC listener requires a verified client certificate (an https grpc.listener with
// ssl.client.auth=required).
bool GrpcRequiresClientCertificate(const config::WorkerConfig& worker) {
  return worker.grpc_tls.has_value() &&
         worker.grpc_tls->client_auth == config::TlsSettings::ClientAuth::kRequired;
}

// 32 random bytes, hex (OpenSSL's generator, as the session keys use).
absl::StatusOr<std::string> RandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return absl::InternalError("No random bytes");
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

// Who may use the API (server/api/access_control.h), from the worker's keys: the basic-auth
// credentials (which gRPC accepts too), sluice.auth.bearer.tokens.file (principal=token lines),
// client certificates, sluice.auth.policy.file (tenants), sluice.audit.log.file. The gateway's
// token is written to `token_file` (0600, in the worker's private directory).
std::unique_ptr<api::AccessControl> StartAccessControl(const config::WorkerConfig& worker,
                                                       const std::string& token_file) {
  api::AccessControl::Options options;
  absl::StatusOr<std::string> credentials_file = BasicAuthCredentialsFile(worker);
  if (!credentials_file.ok()) Die(std::string(credentials_file.status().message()));
  if (!credentials_file->empty()) {
    absl::StatusOr<std::map<std::string, std::string>> credentials =
        api::ReadCredentialsFile(*credentials_file);
    if (!credentials.ok()) Die(std::string(credentials.status().message()));
    options.basic_credentials = *std::move(credentials);
  }
  if (auto it = worker.raw.find("sluice.auth.bearer.tokens.file"); it != worker.raw.end()) {
    absl::StatusOr<std::map<std::string, std::string>> tokens =
        api::ReadCredentialsFile(it->second);
    if (!tokens.ok()) Die(absl::StrCat("sluice.auth.bearer.tokens.file: ", tokens.status().message()));
    for (const auto& [principal, token] : *tokens) {
      if (token.size() < 16) {
        Die(absl::StrCat("sluice.auth.bearer.tokens.file: the token of ", principal,
                         " is shorter than 16 characters"));
      }
      options.bearer_tokens[token] = principal;
    }
  }
  options.client_certificate_required = GrpcRequiresClientCertificate(worker);
  if (auto it = worker.raw.find("sluice.auth.policy.file"); it != worker.raw.end()) {
    std::ifstream in(it->second);
    if (!in) Die(absl::StrCat("Could not read sluice.auth.policy.file ", it->second));
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<api::TenantPolicy> policy = api::ParseTenantPolicy(text.str());
    if (!policy.ok()) Die(absl::StrCat(it->second, ": ", policy.status().message()));
    options.policy = *std::move(policy);
  }
  if (auto it = worker.raw.find("sluice.audit.log.file"); it != worker.raw.end()) {
    options.audit_log_path = it->second;
  }
  absl::StatusOr<std::string> token = RandomToken();
  if (!token.ok()) Die(std::string(token.status().message()));
  const int fd = ::open(token_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, token->data(), token->size()) != static_cast<ssize_t>(token->size())) {
    Die(absl::StrCat("Could not write ", token_file));
  }
  ::close(fd);
  options.gateway_token = *token;
  absl::StatusOr<std::unique_ptr<api::AccessControl>> control =
      api::AccessControl::Create(std::move(options));
  if (!control.ok()) Die(std::string(control.status().message()));
  return *std::move(control);
}

// How often the gRPC server looks at the PEM files for a renewed certificate (TlsMaterialRunner
// looks at the key and trust stores as often): a renewal reaches new connections within about
// two seconds.
constexpr unsigned int kTlsRefreshSeconds = 1;

// The TLS material of the https listeners (REST, gRPC), kept current in a private directory;
// null when no listener serves TLS.
std::unique_ptr<tls::TlsMaterialRunner> StartTlsMaterial(const config::WorkerConfig& worker) {
  const std::optional<config::TlsSettings>& settings =
      worker.rest_tls.has_value() ? worker.rest_tls : worker.grpc_tls;
  if (!settings.has_value()) return nullptr;
  absl::StatusOr<std::unique_ptr<tls::TlsMaterialRunner>> material =
      tls::TlsMaterialRunner::Start({.settings = *settings,
                                     .poll_interval = absl::Seconds(kTlsRefreshSeconds)});
  if (!material.ok()) Die(std::string(material.status().message()));
  return *std::move(material);
}

const char* TlsVersionName(config::TlsSettings::TlsVersion version) {
  return version == config::TlsSettings::TlsVersion::kTls13 ? "1.3" : "1.2";
}

// The gRPC listener's credentials: TLS from the material's files (watched, so that a renewed
// certificate is served without a restart) when grpc.listener is https, else plaintext.
std::shared_ptr<grpc::ServerCredentials> GrpcCredentials(const config::WorkerConfig& worker,
                                                         const tls::TlsMaterialRunner* material) {
  if (!worker.grpc_tls.has_value() || material == nullptr) {
    return grpc::InsecureServerCredentials();
  }
  const config::TlsSettings::ClientAuth auth = worker.grpc_tls->client_auth;
  const bool verify_clients = auth != config::TlsSettings::ClientAuth::kNone;
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      material->key_file(), material->cert_file(), verify_clients ? material->ca_file() : "",
      kTlsRefreshSeconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (verify_clients) options.watch_root_certs();
  options.set_cert_request_type(
      auth == config::TlsSettings::ClientAuth::kRequired
          ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
          : auth == config::TlsSettings::ClientAuth::kRequested
                ? GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY
                : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  return grpc::experimental::TlsServerCredentials(options);
}

// The gateway's TLS options: REST over https, its dial to this worker's gRPC over TLS, and
// requests it forwards to an https leader (with this worker's trust store, and its key pair for
// a leader that asks for a client certificate, as Kafka Connect's RestClient does).
void SetGatewayTls(const config::WorkerConfig& worker, const tls::TlsMaterialRunner* material,
                   gateway::GatewaySupervisor::Options& options) {
  if (material == nullptr) return;
  if (worker.rest_tls.has_value()) {
    const config::TlsSettings& rest = *worker.rest_tls;
    options.tls_cert_file = material->cert_file();
    options.tls_key_file = material->key_file();
    options.tls_client_auth = config::ClientAuthName(rest.client_auth);
    if (rest.client_auth != config::TlsSettings::ClientAuth::kNone) {
      options.tls_client_ca_file = material->ca_file();
    }
    options.tls_min_version = TlsVersionName(rest.min_version);
    options.tls_max_version = TlsVersionName(rest.max_version);
    options.forward_tls_ca_file = material->ca_file();
    options.forward_tls_cert_file = material->cert_file();
    options.forward_tls_key_file = material->key_file();
    options.forward_tls_verify_hostname = !rest.endpoint_identification_algorithm.empty();
  }
  if (worker.grpc_tls.has_value()) {
    // The gateway trusts this worker's own certificate whoever signed it.
    options.backend_tls_ca_file = material->peer_ca_file();
    if (worker.grpc_tls->client_auth == config::TlsSettings::ClientAuth::kRequired) {
      options.backend_tls_cert_file = material->cert_file();
      options.backend_tls_key_file = material->key_file();
    }
  }
}

// The herder's client for requests to other workers (task configs to an https leader): this
// worker's trust store, and its key pair for a leader that asks for a client certificate.
distributed::RestClientOptions HerderRestClientOptions(const config::WorkerConfig& worker,
                                                       const tls::TlsMaterialRunner* material) {
  distributed::RestClientOptions options;
  if (material != nullptr && worker.rest_tls.has_value()) {
    options.ca_file = material->ca_file();
    options.cert_file = material->cert_file();
    options.key_file = material->key_file();
    options.verify_host = !worker.rest_tls->endpoint_identification_algorithm.empty();
  }
  return options;
}

// The gRPC API and the REST gateway in front of it.
class ApiServers {
 public:
  ApiServers(herder::Herder* herder, plugins::PluginRegistry* registry,
             const config::WorkerConfig* worker, logging::LoggerLevels* logger_levels,
             const std::string& cluster_id, api::AccessControl* access,
             std::string gateway_token_file)
      : service_(herder, registry, worker, logger_levels,
                 {kKafkaConnectApiVersion, BuildCommit(), cluster_id}),
        guarded_(&service_, access, herder),
        worker_(worker),
        gateway_token_file_(std::move(gateway_token_file)) {
    service_.SetTopicTracking({worker->topic_tracking_enable, worker->topic_tracking_allow_reset});
  }

  // The registry GET /metrics renders. REQUIRES: outlives the servers; called before StartGrpc.
  void SetMetrics(const metrics::WorkerMetrics* metrics) { service_.SetMetrics(metrics); }
  // The TLS material of the https listeners (null: none); it outlives this object.
  void SetTlsMaterial(const tls::TlsMaterialRunner* material) { tls_material_ = material; }

  // The gRPC server.
  void StartGrpc() {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    int grpc_port = 0;
    builder.AddListeningPort(worker_->grpc_listener, GrpcCredentials(*worker_, tls_material_),
                             &grpc_port);
    builder.RegisterService(&guarded_);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || grpc_port == 0) {
      Die(absl::StrCat("Could not listen for gRPC on ", worker_->grpc_listener));
    }
    grpc_address_ = absl::StrCat(
        worker_->grpc_listener.substr(0, worker_->grpc_listener.rfind(':')), ":", grpc_port);
  }

  // The REST gateway; then the API is marked ready and the ready line printed.
  void StartRestAndAnnounce(const std::string& worker_id, const std::string& bootstrap,
                            const std::string& cluster_id) {
    StartRest();
    Announce(worker_id, bootstrap, cluster_id);
  }

  // The REST gateway, when a REST listener is configured. Until Announce, the API answers
  // GET /health with 503 "starting", as Kafka Connect does while it starts.
  void StartRest() {
    if (worker_->rest_listener.has_value()) {
      absl::StatusOr<std::string> credentials = BasicAuthCredentialsFile(*worker_);
      if (!credentials.ok()) Die(std::string(credentials.status().message()));
      const std::string& credentials_file = *credentials;
      gateway::GatewaySupervisor::Options options{
          .binary = (std::filesystem::path(worker_->bin_dir) / "sluice-gateway").string(),
          .listen = *worker_->rest_listener,
          .backend = LocalDialAddress(grpc_address_),
          .basic_auth_credentials_file = credentials_file,
          .backend_token_file = gateway_token_file_,
          .metrics_listen = worker_->metrics_listener.value_or("")};
      SetGatewayTls(*worker_, tls_material_, options);
      absl::StatusOr<std::unique_ptr<gateway::GatewaySupervisor>> started =
          gateway::GatewaySupervisor::Start(std::move(options));
      if (!started.ok()) Die(std::string(started.status().message()));
      gateway_ = *std::move(started);
    }
  }

  // Marks the API ready and prints the ready line.
  void Announce(const std::string& worker_id, const std::string& bootstrap,
                const std::string& cluster_id) {
    service_.MarkReady();
    spdlog::info("Sluice worker {} is up: Kafka {} (cluster {}), gRPC {}{}{}", worker_id,
                 bootstrap, cluster_id, worker_->grpc_tls.has_value() ? "https://" : "",
                 grpc_address_,
                 gateway_ ? absl::StrCat(", REST ", worker_->rest_tls.has_value() ? "https" : "http",
                                         "://", gateway_->address())
                          : "");
    // One machine-readable line for scripts and tests.
    std::printf("SLUICED|ready|rest=%s|grpc=%s|kafka=%s\n",
                gateway_ ? gateway_->address().c_str() : "", grpc_address_.c_str(),
                bootstrap.c_str());
    std::fflush(stdout);
  }

  // The gateway first: no new REST requests.
  void StopRest() { gateway_.reset(); }
  void StopGrpc() {
    if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  }

 private:
  api::ConnectServiceImpl service_;
  api::GuardedConnectService guarded_;
  const config::WorkerConfig* worker_;
  const std::string gateway_token_file_;
  std::unique_ptr<grpc::Server> server_;
  std::string grpc_address_;
  std::unique_ptr<gateway::GatewaySupervisor> gateway_;
  const tls::TlsMaterialRunner* tls_material_ = nullptr;
};

int WaitForSignal(sigset_t signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("Received signal {}; shutting down", sig);
  return sig;
}

// The worker's metrics registry: statuses from `statuses` (as the herder published them), and
// this process's process_* metrics.
std::unique_ptr<metrics::WorkerMetrics> NewWorkerMetrics(const store::StatusStore* statuses,
                                                         bool distributed,
                                                         const std::string& client_id) {
  metrics::WorkerMetrics::Options options;
  options.connector_state = [statuses](const std::string& name) -> std::optional<std::string> {
    std::optional<store::InstanceStatus> status = statuses->GetConnector(name);
    if (!status.has_value()) return std::nullopt;
    return std::string(store::StateName(status->state));
  };
  options.task_state = [statuses](const std::string& name,
                                  int task) -> std::optional<std::string> {
    std::optional<store::InstanceStatus> status = statuses->GetTask(name, task);
    if (!status.has_value()) return std::nullopt;
    return std::string(store::StateName(status->state));
  };
  options.distributed = distributed;
  options.coordinator_client_id = client_id;
  auto registry = std::make_unique<metrics::WorkerMetrics>(std::move(options));
  registry->AddCollector(metrics::ProcessCollector());
  return registry;
}

int RunStandalone(const std::vector<std::string>& args) {
  StartupClock clock;
  sigset_t signals = BlockSignalsAndSetUpLogs();
  absl::StatusOr<ConfigMap> props = ReadWorkerProperties(args[1]);
  if (!props.ok()) Die(std::string(props.status().message()));
  absl::StatusOr<config::WorkerConfig> worker = config::ParseWorkerConfig(*props);
  if (!worker.ok()) Die(absl::StrCat(args[1], ": ", worker.status().message()));
  if (worker->bin_dir.empty()) worker->bin_dir = ExecutableDir();
  const std::unique_ptr<tls::TlsMaterialRunner> tls_material = StartTlsMaterial(*worker);

  std::vector<formats::ConnectorFile> connector_files;
  for (size_t i = 2; i < args.size(); ++i) {
    absl::StatusOr<formats::ConnectorFile> file = formats::ReadConnectorFile(args[i]);
    if (!file.ok()) Die(std::string(file.status().message()));
    if (file->name.empty()) {
      Die(absl::StrCat("Connector file ", args[i], " does not give the connector a name"));
    }
    connector_files.push_back(*std::move(file));
  }

  // Kafka and the plugins (the sandbox probe, the plugins' descriptions) have nothing to do with
  // each other: they start side by side.
  Plugins plugins;
  std::thread plugins_starter([&] {
    StartPlugins(*worker, plugins);
    clock.Phase("plugins ready");
  });
  Kafka kafka = StartKafka(*worker);
  clock.Phase("Kafka ready");

  // Stores.
  absl::StatusOr<std::unique_ptr<store::FileOffsetStore>> offsets =
      store::FileOffsetStore::Open(worker->offset_storage_file);
  if (!offsets.ok()) Die(std::string(offsets.status().message()));
  absl::StatusOr<std::unique_ptr<store::FileConfigStore>> configs =
      store::FileConfigStore::Open(worker->connector_storage_file);
  if (!configs.ok()) Die(std::string(configs.status().message()));
  store::MemoryStatusStore statuses;

  plugins_starter.join();
  // The command-line connectors are validated first: their plugins' validation hosts start now,
  // beside the rest of the start-up (a validation waits for a host that is starting).
  std::thread validation_hosts_starter([&] {
    std::set<const plugins::ConnectorPlugin*> started;
    for (const formats::ConnectorFile& file : connector_files) {
      auto cls = file.config.find("connector.class");
      const plugins::ConnectorPlugin* plugin =
          cls == file.config.end() ? nullptr : plugins.registry->Find(cls->second);
      if (plugin != nullptr && started.insert(plugin).second) {
        plugins.registry->StartValidationHost(*plugin);
      }
    }
  });
  const std::string gateway_token_file = plugins.socket_dir + "/gateway.token";
  std::unique_ptr<api::AccessControl> access = StartAccessControl(*worker, gateway_token_file);
  // Worker id: the advertised REST host:port, as in Kafka Connect.
  const std::string worker_id = AdvertisedAddress(*worker).worker_id();

  worker::PluginConnectorHosts hosts(
      plugins.registry.get(),
      [&access](const std::string& connector) { return access->SandboxLimitsOf(connector); });
  // Their own hosts start too, while they are validated: each host's start is mostly loading
  // the binary, which the two cores do side by side.
  std::vector<std::thread> host_starters;
  for (const formats::ConnectorFile& file : connector_files) {
    auto cls = file.config.find("connector.class");
    const plugins::ConnectorPlugin* plugin =
        cls == file.config.end() ? nullptr : plugins.registry->Find(cls->second);
    if (plugin == nullptr) continue;
    host_starters.emplace_back([&hosts, plugin, &file] {
      hosts.Prestart(*plugin, file.name, file.config);
    });
  }
  std::unique_ptr<metrics::WorkerMetrics> worker_metrics =
      NewWorkerMetrics(&statuses, /*distributed=*/false, "");
  absl::StatusOr<std::unique_ptr<herder::StandaloneHerder>> herder =
      herder::StandaloneHerder::Create({.worker = &*worker,
                                        .bootstrap_servers = kafka.bootstrap,
                                        .ensure_topic = kafka.ensure_topic,
                                        .topic_admin_factory = kafka.topic_admin_factory,
                                        .registry = plugins.registry.get(),
                                        .offsets = offsets->get(),
                                        .config_store = configs->get(),
                                        .status_store = &statuses,
                                        .hosts = &hosts,
                                        .worker_id = worker_id,
                                        .metrics = worker_metrics.get()});
  if (!herder.ok()) Die(std::string(herder.status().message()));

  logging::LoggerLevels logger_levels;
  ApiServers api(herder->get(), plugins.registry.get(), &*worker, &logger_levels,
                 kafka.cluster_id, access.get(), gateway_token_file);
  api.SetMetrics(worker_metrics.get());
  api.SetTlsMaterial(tls_material.get());
  api.StartGrpc();
  clock.Phase("gRPC API up");

  // The REST gateway starts while the connectors do; the API is announced ready once both are.
  std::thread rest_starter([&] {
    api.StartRest();
    clock.Phase("REST gateway up");
  });
  // Connectors: the stored ones, then those on the command line (which replace stored ones of
  // the same name). Each connector starts on its own thread: their plugin hosts start side by
  // side. (Files that name the same connector are applied in order, on one thread.)
  (*herder)->StartAll();
  std::vector<std::vector<const formats::ConnectorFile*>> by_name;
  for (const formats::ConnectorFile& file : connector_files) {
    auto same = std::find_if(by_name.begin(), by_name.end(), [&](const auto& files) {
      return files.front()->name == file.name;
    });
    if (same == by_name.end()) {
      by_name.push_back({&file});
    } else {
      same->push_back(&file);
    }
  }
  std::vector<absl::Status> outcomes(by_name.size());
  std::vector<std::thread> starters;
  for (size_t i = 0; i < by_name.size(); ++i) {
    starters.emplace_back([&, i] {
      for (const formats::ConnectorFile* file : by_name[i]) {
        std::vector<std::string> existing = (*herder)->ConnectorNames();
        bool exists = std::find(existing.begin(), existing.end(), file->name) != existing.end();
        absl::Status s = exists ? (*herder)->PutConnectorConfig(file->name, file->config).status()
                                : (*herder)->CreateConnector(file->name, file->config,
                                                             file->initial_state).status();
        if (!s.ok()) {
          outcomes[i] = absl::Status(s.code(), absl::StrCat("Connector ", file->name, ": ",
                                                            s.message()));
          return;
        }
      }
    });
  }
  for (std::thread& t : starters) t.join();
  rest_starter.join();
  validation_hosts_starter.join();
  for (std::thread& t : host_starters) t.join();
  hosts.StopUnclaimed();
  for (const absl::Status& s : outcomes) {
    if (!s.ok()) Die(std::string(s.message()));
  }
  clock.Phase("connectors started");

  api.Announce(worker_id, kafka.bootstrap, kafka.cluster_id);
  WaitForSignal(signals);
  api.StopRest();
  (*herder)->Shutdown();
  api.StopGrpc();
  herder->reset();
  plugins.registry.reset();  // the validation hosts, before the broker
  spdlog::info("Stopped");
  return 0;
}

int RunDistributed(const std::string& path) {
  sigset_t signals = BlockSignalsAndSetUpLogs();
  absl::StatusOr<ConfigMap> props = ReadWorkerProperties(path);
  if (!props.ok()) Die(std::string(props.status().message()));
  absl::StatusOr<config::DistributedConfig> config = config::ParseDistributedConfig(*props);
  if (!config.ok()) Die(absl::StrCat(path, ": ", config.status().message()));
  if (absl::Status s = config::CheckSupported(*config); !s.ok()) {
    Die(absl::StrCat(path, ": ", s.message()));
  }
  config::WorkerConfig& worker = config->worker;
  if (worker.bin_dir.empty()) worker.bin_dir = ExecutableDir();
  const std::unique_ptr<tls::TlsMaterialRunner> tls_material = StartTlsMaterial(worker);
  absl::StatusOr<distributed::ConnectProtocolCompatibility> protocol =
      distributed::ParseConnectProtocolSetting(config->connect_protocol);
  if (!protocol.ok()) Die(std::string(protocol.status().message()));

  Kafka kafka = StartKafka(worker);
  const bool embedded = kafka.broker != nullptr;
  if (embedded) {
    spdlog::warn("Distributed mode on the embedded broker: this worker forms a cluster of one. "
                 "A cluster of several workers needs a real Kafka (bootstrap.servers).");
  } else if (absl::StartsWith(kafka.cluster_id, "mockCluster")) {
    // librdkafka's mock coordinator aborts the process that hosts it when the members of a group
    // offer different first protocols (DESIGN.md section 4): no group is joined there.
    Die(absl::StrCat("bootstrap.servers ", kafka.bootstrap,
                     " is another Sluice worker's embedded broker, which cannot coordinate a "
                     "cluster of workers. A cluster of several workers needs a real Kafka; "
                     "without bootstrap.servers, a distributed worker forms a cluster of one on "
                     "its own embedded broker."));
  }
  const Advertised advertised = AdvertisedAddress(worker);
  const std::string worker_id = advertised.worker_id();
  const std::string advertised_url = absl::StrCat(worker.rest_advertised_protocol, "://",
                                                 advertised.host, ":", advertised.port, "/");

  // The three internal topics, created compacted when missing and checked when present (on the
  // embedded broker, whose mock answers no admin calls, created directly).
  const ConfigMap client_settings = InternalClientSettings(*props, kafka.bootstrap);
  const ConfigMap consumer = Librdkafka(kafka::ClientType::kConsumer, client_settings);
  const ConfigMap producer = Librdkafka(kafka::ClientType::kProducer, client_settings);
  const ConfigMap admin = Librdkafka(kafka::ClientType::kAdmin, client_settings);
  auto store_options = [&](const config::InternalTopicSettings& topic, kafka::InternalTopic purpose) {
    store::KafkaStoreOptions o;
    o.topic = topic.topic;
    o.client_id_base = store::ClientIdBase(*props);
    o.consumer_settings = consumer;
    o.producer_settings = producer;
    if (embedded) {
      // The mock keeps about 5 MiB per partition in memory: a few partitions are plenty here.
      const int partitions = std::clamp<int32_t>(topic.partitions, 1, 5);
      absl::StatusOr<bool> created = kafka.broker->CreateTopic(topic.topic, partitions);
      if (!created.ok()) Die(std::string(created.status().message()));
    } else {
      o.topic_creation = store::KafkaStoreTopic{
          .admin_settings = admin,
          .partitions = topic.partitions,
          .replication_factor = topic.replication_factor,
          .topic_settings = kafka::InternalTopicSettings(*props, purpose)};
    }
    return o;
  };
  constexpr absl::Duration kStartTimeout = absl::Seconds(60);
  std::atomic<herder::DistributedHerder*> listener{nullptr};
  store::KafkaConfigStore configs(
      {.kafka = store_options(config->config_storage, kafka::InternalTopic::kConfig),
       .on_update = [&listener](const store::ConfigUpdate& update) {
         if (herder::DistributedHerder* h = listener.load()) h->OnConfigUpdate(update);
       }});
  store::KafkaOffsetStore offsets(
      {.kafka = store_options(config->offset_storage, kafka::InternalTopic::kOffsets),
       .write_timeout = worker.offset_flush_timeout});
  store::KafkaStatusStore statuses(
      {.kafka = store_options(config->status_storage, kafka::InternalTopic::kStatus)});
  if (absl::Status s = offsets.Start(kStartTimeout); !s.ok()) Die(std::string(s.message()));
  if (absl::Status s = statuses.Start(kStartTimeout); !s.ok()) Die(std::string(s.message()));
  if (absl::Status s = configs.Start(kStartTimeout); !s.ok()) Die(std::string(s.message()));

  Plugins plugins;
  StartPlugins(worker, plugins);
  const std::string gateway_token_file = plugins.socket_dir + "/gateway.token";
  std::unique_ptr<api::AccessControl> access = StartAccessControl(worker, gateway_token_file);
  worker::PluginConnectorHosts hosts(
      plugins.registry.get(),
      [&access](const std::string& connector) { return access->SandboxLimitsOf(connector); });

  // Group membership: Kafka's group coordinator, or a group of one on the embedded broker.
  std::function<std::unique_ptr<distributed::Membership>(distributed::GroupMemberCallbacks)>
      membership;
  const std::string client_id =
      config->client_id.empty() ? absl::StrCat("connect-", worker_id) : config->client_id;
  if (embedded) {
    membership = [&](distributed::GroupMemberCallbacks callbacks) {
      return std::make_unique<distributed::SoloMember>(
          distributed::SoloMemberOptions{.client_id = client_id,
                                         .protocol = *protocol,
                                         .retry_backoff = config->retry_backoff},
          std::move(callbacks));
    };
  } else {
    absl::StatusOr<distributed::KafkaConnectionOptions> connection =
        distributed::ConnectionOptionsFromLibrdkafka(admin);
    if (!connection.ok()) Die(std::string(connection.status().message()));
    connection->client_id = client_id;
    distributed::GroupMemberOptions options;
    for (absl::string_view server : absl::StrSplit(kafka.bootstrap, ',', absl::SkipWhitespace())) {
      options.bootstrap_servers.emplace_back(absl::StripAsciiWhitespace(server));
    }
    options.connection = *connection;
    options.group_id = config->group_id;
    options.protocol = *protocol;
    options.session_timeout = config->session_timeout;
    options.heartbeat_interval = config->heartbeat_interval;
    options.rebalance_timeout = config->rebalance_timeout;
    options.request_timeout = config->request_timeout;
    options.retry_backoff = config->retry_backoff;
    membership = [options](distributed::GroupMemberCallbacks callbacks) {
      return std::make_unique<distributed::GroupMember>(options, std::move(callbacks));
    };
  }

  logging::LoggerLevels logger_levels;
  std::unique_ptr<metrics::WorkerMetrics> worker_metrics =
      NewWorkerMetrics(&statuses, /*distributed=*/true, client_id);
  absl::StatusOr<std::unique_ptr<herder::DistributedHerder>> herder =
      herder::DistributedHerder::Create(
          {.config = &*config,
           .bootstrap_servers = kafka.bootstrap,
           .ensure_topic = kafka.ensure_topic,
           .topic_admin_factory = kafka.topic_admin_factory,
           .registry = plugins.registry.get(),
           .hosts = &hosts,
           .config_store = &configs,
           .status_store = &statuses,
           .offsets = &offsets,
           .flush_statuses = [&statuses] { (void)statuses.Flush(absl::Seconds(5)); },
           .membership_factory = membership,
           .advertised_url = advertised_url,
           .worker_id = worker_id,
           .rest_client = HerderRestClientOptions(worker, tls_material.get()),
           .on_logger_level =
               [&logger_levels](const std::string& logger_namespace, const std::string& level) {
                 absl::StatusOr<logging::LogLevel> parsed = logging::ParseLogLevel(level);
                 if (parsed.ok()) logger_levels.SetLevel(logger_namespace, *parsed);
               },
           .metrics = worker_metrics.get()});
  if (!herder.ok()) Die(std::string(herder.status().message()));
  listener.store(herder->get());

  ApiServers api(herder->get(), plugins.registry.get(), &worker, &logger_levels,
                 kafka.cluster_id, access.get(), gateway_token_file);
  api.SetMetrics(worker_metrics.get());
  api.SetTlsMaterial(tls_material.get());
  api.StartGrpc();
  (*herder)->Start();
  api.StartRestAndAnnounce(worker_id, kafka.bootstrap, kafka.cluster_id);
  spdlog::info("Joining group {} as {} (advertised URL {})", config->group_id, worker_id,
               advertised_url);

  WaitForSignal(signals);
  api.StopRest();
  (*herder)->Shutdown();
  listener.store(nullptr);
  api.StopGrpc();
  configs.Stop();
  statuses.Stop();
  offsets.Stop();
  herder->reset();
  spdlog::info("Stopped");
  return 0;
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
  if (args[0] == "distributed" && args.size() == 2) return RunDistributed(args[1]);
  if (args[0] == "standalone" && args.size() >= 2) return RunStandalone(args);
  std::fputs(kUsage, stderr);
  return 2;
}

}  // namespace
}  // namespace sluice

int main(int argc, char** argv) { return sluice::Run(argc, argv); }
