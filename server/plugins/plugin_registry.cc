#include "server/plugins/plugin_registry.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "plugin-host/manifest.h"
#include "sdk/cpp/wire/codec.h"
#include "sluice/sdk/internal/check.h"

namespace sluice::plugins {

namespace pb = ::sluice::plugin::v1;

namespace {

constexpr uint32_t kProtocolVersion = 1;
constexpr char kManifest[] = "sluice-plugin.json";
// How long a JVM plugin's host may take to its handshake line.
constexpr absl::Duration kJvmHandshakeTimeout = absl::Seconds(60);
// Plugins described at once when the cache does not know them.
constexpr size_t kParallelDescribes = 4;

std::chrono::system_clock::time_point Deadline(absl::Duration timeout) {
  return absl::ToChronoTime(absl::Now() + timeout);
}

// The key of a plugin directory's validation host in validation_hosts_ (also how its log lines
// name it).
std::string ValidationKey(const std::string& plugin_dir, bool network) {
  return network ? absl::StrCat(plugin_dir, " (with network)") : plugin_dir;
}

absl::Status FromGrpc(const grpc::Status& s, absl::string_view context) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(context, ": ", s.error_message()));
}

}  // namespace

absl::Status Handshake(PluginProcess& process, absl::Duration timeout,
                       std::set<std::string>* capabilities) {
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout));
  pb::HandshakeRequest request;
  request.set_protocol_version(kProtocolVersion);
  // Connector-level offset reads (ConnectorEvent.offsets_request) are answered: ConnectorHost.
  request.add_worker_capabilities("connector_offsets");
  pb::HandshakeResponse response;
  grpc::Status s = process.stub().Handshake(&context, request, &response);
  if (!s.ok()) return FromGrpc(s, "Plugin handshake failed");
  if (response.protocol_version() != kProtocolVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("The plugin speaks plugin protocol version ", response.protocol_version(),
                     "; this worker speaks ", kProtocolVersion));
  }
  if (capabilities != nullptr) {
    capabilities->clear();
    capabilities->insert(response.capabilities().begin(), response.capabilities().end());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<PluginRegistry>> PluginRegistry::Create(Options options) {
  auto registry = std::unique_ptr<PluginRegistry>(new PluginRegistry(std::move(options)));
  std::vector<std::string> dirs;
  for (const std::string& path_entry : registry->options_.plugin_path) {
    // Relative entries are relative to the worker's working directory, as in Kafka Connect; the
    // hosts get absolute paths.
    std::error_code ec;
    const std::string entry = std::filesystem::absolute(path_entry, ec).lexically_normal().string();
    if (!std::filesystem::is_directory(entry, ec)) {
      return absl::InvalidArgumentError(
          absl::StrCat("plugin.path entry ", entry, " is not a directory"));
    }
    if (std::filesystem::exists(std::filesystem::path(entry) / kManifest)) {
      dirs.push_back(entry);
      continue;
    }
    std::vector<std::string> children;
    for (const auto& child : std::filesystem::directory_iterator(entry, ec)) {
      // A directory with a manifest, or Kafka Connect's layout (a directory of jars, an uber jar).
      if ((child.is_directory() && std::filesystem::exists(child.path() / kManifest)) ||
          plugin_host::ConnectLayoutManifest(child.path().string()).has_value()) {
        children.push_back(child.path().string());
      }
    }
    std::sort(children.begin(), children.end());
    dirs.insert(dirs.end(), children.begin(), children.end());
  }
  registry->ProbeSandbox();
  // Each plugin from the cache or its own host; hosts start side by side (a Python plugin's
  // takes hundreds of milliseconds to answer).
  std::vector<absl::StatusOr<Described>> described;
  described.reserve(dirs.size());
  for (size_t i = 0; i < dirs.size(); ++i) described.emplace_back(absl::UnknownError("skipped"));
  {
    std::vector<std::thread> workers;
    const size_t parallel = std::min(kParallelDescribes, dirs.size());
    for (size_t w = 0; w < parallel; ++w) {
      workers.emplace_back([&, w] {
        for (size_t i = w; i < dirs.size(); i += parallel) {
          described[i] = registry->Describe(dirs[i]);
        }
      });
    }
    for (std::thread& t : workers) t.join();
  }
  for (size_t i = 0; i < dirs.size(); ++i) {
    if (!described[i].ok()) {
      spdlog::error("Skipping plugin {}: {}", dirs[i], std::string(described[i].status().message()));
      continue;
    }
    for (ConnectorPlugin& plugin : described[i]->connectors) {
      registry->connectors_.push_back(std::move(plugin));
    }
    auto entry = std::make_unique<ValidationHost>();
    {
      absl::MutexLock lock(&entry->mu);
      entry->process = std::move(described[i]->host);
      entry->capabilities = std::move(described[i]->capabilities);
      entry->last_used = absl::Now();
    }
    registry->validation_hosts_[ValidationKey(dirs[i], false)] = std::move(entry);
    registry->validation_hosts_[ValidationKey(dirs[i], true)] = std::make_unique<ValidationHost>();
  }
  std::sort(registry->connectors_.begin(), registry->connectors_.end(),
            [](const ConnectorPlugin& a, const ConnectorPlugin& b) {
              return a.class_name < b.class_name;
            });
  // Names: full class names win over aliases; an alias claimed twice is ambiguous and dropped.
  std::map<std::string, int, std::less<>> alias_count;
  auto derived = [](const ConnectorPlugin& c) {
    std::vector<std::string> names = c.aliases;
    std::string simple = c.class_name.substr(c.class_name.rfind('.') + 1);
    names.push_back(simple);
    if (absl::EndsWith(simple, "Connector") && simple.size() > 9) {
      names.push_back(simple.substr(0, simple.size() - 9));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  };
  for (const ConnectorPlugin& c : registry->connectors_) {
    for (const std::string& n : derived(c)) ++alias_count[n];
  }
  for (size_t i = 0; i < registry->connectors_.size(); ++i) {
    for (const std::string& n : derived(registry->connectors_[i])) {
      if (alias_count[n] == 1) registry->by_name_.emplace(n, i);
    }
  }
  for (size_t i = 0; i < registry->connectors_.size(); ++i) {
    registry->by_name_[registry->connectors_[i].class_name] = i;
  }
  spdlog::info("Found {} connector classes in {} plugins", registry->connectors_.size(),
               dirs.size());
  if (registry->options_.validation_idle_timeout != absl::InfiniteDuration()) {
    registry->idle_stopper_ = std::thread([r = registry.get()] { r->StopIdleValidationHosts(); });
  }
  return registry;
}

std::string PluginRegistry::DefaultDescribeCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return absl::StrCat(xdg, "/sluice/plugins");
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return absl::StrCat(home, "/.cache/sluice/plugins");
  return "";
}

void PluginRegistry::StopIdleValidationHosts() {
  const absl::Duration timeout = options_.validation_idle_timeout;
  const absl::Duration interval =
      std::clamp(timeout / 4, absl::Milliseconds(50), absl::Seconds(5));
  while (true) {
    {
      absl::MutexLock lock(&stopper_mu_);
      stopper_mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval);
      if (stopping_) return;
    }
    for (auto& [dir, host] : validation_hosts_) {
      if (!host->mu.TryLock()) continue;  // serving a call: not idle
      if (host->process != nullptr && absl::Now() - host->last_used >= timeout) {
        spdlog::info("Stopping the validation host of plugin {} (pid {}): idle for {}", dir,
                     host->process->pid(), absl::FormatDuration(timeout));
        host->process->Stop(absl::Seconds(2));
        host->process.reset();
      }
      host->mu.Unlock();
    }
  }
}

PluginRegistry::~PluginRegistry() {
  {
    absl::MutexLock lock(&stopper_mu_);
    stopping_ = true;
  }
  if (idle_stopper_.joinable()) idle_stopper_.join();
  for (auto& [dir, host] : validation_hosts_) {
    absl::MutexLock lock(&host->mu);
    // A host replaced after a timeout leaves an empty entry.
    if (host->process != nullptr) host->process->Stop(absl::Seconds(2));
    host->process.reset();
  }
  RemoveCgroupBases(support_);
}

void PluginRegistry::ProbeSandbox() {
  if (!options_.sandbox.enabled) {
    spdlog::warn("Sandbox: sluice.sandbox.enabled=false: plugin hosts run without namespaces, "
                 "Landlock, seccomp or cgroups");
    return;
  }
  absl::StatusOr<SandboxSupport> support = ProbeSandboxSupport(options_.host_binary);
  if (!support.ok()) {
    spdlog::error("Sandbox: cannot probe this machine ({}); assuming no kernel isolation",
                  std::string(support.status().message()));
    support = SandboxSupport{};
  }
  support_ = *std::move(support);
  DetectCgroups(support_);
  std::vector<std::string> missing = support_.Missing();
  if (missing.empty()) {
    spdlog::info("Sandbox: namespaces, Landlock (ABI {}), seccomp and cgroups are all available",
                 support_.landlock_abi);
    return;
  }
  for (const std::string& line : missing) {
    spdlog::warn("SANDBOX PROTECTION MISSING on this machine: {}", line);
  }
}

PluginProcessOptions PluginRegistry::HostOptions(const std::string& plugin_dir,
                                                 const std::string& label,
                                                 SandboxPolicy policy) const {
  // A JVM loading a connector's jars takes seconds where a native host takes milliseconds.
  const absl::Duration handshake =
      policy.jvm_heap_bytes > 0 ? kJvmHandshakeTimeout : absl::Seconds(10);
  return {.host_binary = options_.host_binary,
          .plugin_dir = plugin_dir,
          .socket_dir = options_.socket_dir,
          .label = label,
          .sandbox = std::move(policy),
          .support = &support_,
          .handshake_timeout = handshake};
}

RuntimeTraits PluginRegistry::RuntimeOf(const std::string& plugin_dir) const {
  absl::StatusOr<plugin_host::PluginManifest> manifest = plugin_host::ReadManifest(plugin_dir);
  if (!manifest.ok() || manifest->runtime != plugin_host::PluginRuntime::kJvm) return {};
  return {.jvm = true, .manifest_heap = manifest->jvm.heap};
}

PolicyErrors PluginRegistry::SandboxErrors(const ConnectorPlugin& plugin,
                                           const ConfigMap& config) const {
  PolicyErrors errors;
  (void)ResolvePolicy(options_.sandbox, support_, {}, plugin.path_keys, config, errors,
                      plugin.runtime);
  return errors;
}

PluginRegistry::ValidationHost& PluginRegistry::ValidationHostOf(const ConnectorPlugin& plugin,
                                                                 bool network) const {
  auto it = validation_hosts_.find(ValidationKey(plugin.plugin_dir, network));
  SLUICE_CHECK(it != validation_hosts_.end(), "a plugin from Find has a validation host");
  return *it->second;
}

bool PluginRegistry::ValidatesWithNetwork(const ConnectorPlugin& plugin,
                                          const ConfigMap& config) const {
  PolicyErrors errors;
  const SandboxPolicy policy =
      ResolvePolicy(options_.sandbox, support_, {}, plugin.path_keys, config, errors);
  // Where the default policy has the network already (no network namespace here, or the
  // worker grants it by default), the one validation host serves every config.
  return policy.network && !errors.contains(std::string(kSandboxPrefix) + "network") &&
         !DefaultPolicy(options_.sandbox, support_).network;
}

absl::StatusOr<PluginRegistry::Described> PluginRegistry::Describe(
    const std::string& plugin_dir) const {
  absl::StatusOr<plugin_host::PluginManifest> manifest = plugin_host::ReadManifest(plugin_dir);
  if (!manifest.ok()) return manifest.status();
  RuntimeTraits runtime;
  std::vector<std::string> runtime_files;
  if (manifest->runtime == plugin_host::PluginRuntime::kJvm) {
    runtime = {.jvm = true, .manifest_heap = manifest->jvm.heap};
    // The JVM plugin host is part of the plugin's runtime: a new jar may describe it otherwise;
    // so is the JDK (its `release` file changes with each update).
    runtime_files.push_back(plugin_host::JvmHostJar(options_.host_binary));
    if (absl::StatusOr<std::string> java = plugin_host::FindJava(); java.ok()) {
      runtime_files.push_back(
          (std::filesystem::path(*java).parent_path().parent_path() / "release").string());
    }
  }
  const DescribeCache cache(options_.describe_cache_dir);
  absl::StatusOr<std::string> fingerprint =
      cache.dir().empty() ? absl::StatusOr<std::string>(absl::UnavailableError("no cache"))
                          : PluginFingerprint(plugin_dir, options_.host_binary, runtime_files);
  Described out;
  std::optional<PluginDescription> description;
  if (fingerprint.ok()) description = cache.Load(plugin_dir, *fingerprint);
  const bool cached = description.has_value();
  if (!cached) {
    absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start(
        HostOptions(plugin_dir, "", DefaultPolicy(options_.sandbox, support_, runtime)));
    if (!host.ok()) return host.status();
    description.emplace();
    if (absl::Status s = Handshake(**host, options_.call_timeout, &description->capabilities);
        !s.ok()) {
      return s;
    }
    grpc::ClientContext context;
    context.set_deadline(Deadline(options_.call_timeout));
    grpc::Status s =
        (*host)->stub().Describe(&context, pb::DescribeRequest(), &description->describe);
    if (!s.ok()) return FromGrpc(s, "Describe failed");
    out.host = *std::move(host);
    if (fingerprint.ok()) {
      if (absl::Status stored = cache.Store(plugin_dir, *fingerprint, *description); !stored.ok()) {
        spdlog::warn("Plugin {}: its description is not cached: {}", plugin_dir,
                     std::string(stored.message()));
      }
    }
  }
  out.capabilities = description->capabilities;
  const pb::DescribeResponse& response = description->describe;
  for (const pb::ConnectorClass& c : response.connectors()) {
    ConnectorPlugin plugin;
    plugin.class_name = c.class_name();
    plugin.aliases.assign(c.aliases().begin(), c.aliases().end());
    if (c.type() == pb::CONNECTOR_TYPE_SINK) {
      plugin.type = ConnectorType::kSink;
    } else if (c.type() == pb::CONNECTOR_TYPE_SOURCE) {
      plugin.type = ConnectorType::kSource;
    } else {
      spdlog::error("Plugin {}: connector {} has no type; skipped", plugin_dir, c.class_name());
      continue;
    }
    plugin.version = c.version();
    for (const pb::ConfigKeyDefinition& key : c.config()) {
      plugin.config.push_back(wire::ConfigKeyFromProto(key));
    }
    plugin.plugin_name = response.plugin_name();
    plugin.plugin_dir = plugin_dir;
    plugin.runtime = runtime;
    // The manifest names a class by its full name or an alias.
    for (const auto& [name, keys] : manifest->sandbox.path_keys) {
      if (name == plugin.class_name ||
          std::find(plugin.aliases.begin(), plugin.aliases.end(), name) != plugin.aliases.end()) {
        plugin.path_keys.insert(keys.begin(), keys.end());
      }
    }
    spdlog::info("Plugin {} ({}): {} connector {} version {}{}", response.plugin_name(),
                 plugin_dir, ConnectorTypeName(plugin.type), plugin.class_name, plugin.version,
                 cached ? " (described earlier: unchanged since)" : "");
    out.connectors.push_back(std::move(plugin));
  }
  return out;
}

const ConnectorPlugin* PluginRegistry::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &connectors_[it->second];
}

std::string PluginRegistry::UnknownClassMessage(absl::string_view name) const {
  std::vector<std::string> descs;
  for (const ConnectorPlugin& c : connectors_) {
    std::string type(ConnectorTypeName(c.type));
    descs.push_back(absl::StrCat("PluginDesc{klass=class ", c.class_name, ", name='", c.class_name,
                                 "', version='", c.version, "', encodedVersion=", c.version,
                                 ", type=", type, ", typeName='", type, "', location='",
                                 c.plugin_dir, "'}"));
  }
  return absl::StrCat(
      "Failed to find any class that implements Connector and which name matches ", name,
      ", available connectors are: ", absl::StrJoin(descs, ", "));
}

std::optional<pid_t> PluginRegistry::ValidationHostPid(const ConnectorPlugin& plugin,
                                                       bool network) const {
  ValidationHost& entry = ValidationHostOf(plugin, network);
  absl::MutexLock lock(&entry.mu);
  if (entry.process == nullptr || entry.process->exit_info().has_value()) return std::nullopt;
  return entry.process->pid();
}

void PluginRegistry::StartValidationHost(const ConnectorPlugin& plugin) {
  ValidationHost& entry = ValidationHostOf(plugin, false);
  absl::MutexLock lock(&entry.mu);
  (void)StartedLocked(entry, plugin.plugin_dir, false);
}

absl::StatusOr<std::vector<ConfigValueResult>> PluginRegistry::Validate(
    const ConnectorPlugin& plugin, const ConfigMap& config) {
  const bool network = ValidatesWithNetwork(plugin, config);
  ValidationHost& entry = ValidationHostOf(plugin, network);
  absl::MutexLock lock(&entry.mu);
  absl::StatusOr<PluginProcess*> validation_host =
      StartedLocked(entry, plugin.plugin_dir, network);
  if (!validation_host.ok()) return validation_host.status();
  std::unique_ptr<PluginProcess>& host = entry.process;
  grpc::ClientContext context;
  context.set_deadline(Deadline(options_.call_timeout));
  pb::ValidateRequest request;
  request.set_connector_class(plugin.class_name);
  request.mutable_config()->insert(config.begin(), config.end());
  pb::ValidateResponse response;
  grpc::Status s = host->stub().Validate(&context, request, &response);
  if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    // A plugin stuck in validate must not hold later requests: replace its host.
    host->Stop(absl::ZeroDuration());
    host.reset();
    return absl::DeadlineExceededError(absl::StrCat(
        "Request timed out: the plugin did not validate the config within ",
        absl::FormatDuration(options_.call_timeout)));
  }
  if (!s.ok()) return FromGrpc(s, absl::StrCat("Validating with plugin ", plugin.plugin_name));
  std::vector<ConfigValueResult> results;
  for (const pb::ConfigValueResult& r : response.values()) {
    results.push_back(wire::ConfigValueResultFromProto(r));
  }
  return results;
}

absl::StatusOr<PluginProcess*> PluginRegistry::StartedLocked(ValidationHost& host,
                                                             const std::string& plugin_dir,
                                                             bool network) {
  host.last_used = absl::Now();
  if (host.process == nullptr || host.process->exit_info().has_value()) {
    SandboxPolicy policy =
        DefaultPolicy(options_.sandbox, support_, RuntimeOf(plugin_dir));
    policy.network = policy.network || network;
    absl::StatusOr<std::unique_ptr<PluginProcess>> fresh =
        PluginProcess::Start(HostOptions(plugin_dir, "", std::move(policy)));
    if (!fresh.ok()) return fresh.status();
    std::set<std::string> capabilities;
    if (absl::Status s = Handshake(**fresh, options_.call_timeout, &capabilities); !s.ok()) {
      return s;
    }
    host.process = *std::move(fresh);
    host.capabilities = std::move(capabilities);
  }
  return host.process.get();
}

absl::StatusOr<bool> PluginRegistry::AlterSourceOffsets(const ConnectorPlugin& plugin,
                                                        const std::string& connector_name,
                                                        const ConfigMap& config,
                                                        const SourceOffsetChanges& offsets) {
  pb::AlterOffsetsRequest request;
  for (const SourceOffsetChange& change : offsets) {
    pb::PartitionOffset* entry = request.add_source_offsets();
    wire::ValueToProto(change.partition, entry->mutable_partition());
    if (change.offset.has_value()) wire::ValueToProto(*change.offset, entry->mutable_offset());
  }
  return AlterOffsets(plugin, connector_name, config, std::move(request));
}

absl::StatusOr<bool> PluginRegistry::AlterSinkOffsets(const ConnectorPlugin& plugin,
                                                      const std::string& connector_name,
                                                      const ConfigMap& config,
                                                      const SinkOffsetChanges& offsets) {
  pb::AlterOffsetsRequest request;
  for (const auto& [tp, offset] : offsets) {
    pb::SinkPartitionOffset* entry = request.add_sink_offsets();
    entry->set_topic(tp.topic);
    entry->set_partition(tp.partition);
    if (offset.has_value()) entry->set_offset(*offset);
  }
  return AlterOffsets(plugin, connector_name, config, std::move(request));
}

absl::StatusOr<bool> PluginRegistry::AlterOffsets(const ConnectorPlugin& plugin,
                                                  const std::string& connector_name,
                                                  const ConfigMap& config,
                                                  pb::AlterOffsetsRequest request) {
  // Shares the validation host, and its one-call-at-a-time lock, with Validate.
  const bool network = ValidatesWithNetwork(plugin, config);
  ValidationHost& entry = ValidationHostOf(plugin, network);
  absl::MutexLock lock(&entry.mu);
  absl::StatusOr<PluginProcess*> host = StartedLocked(entry, plugin.plugin_dir, network);
  if (!host.ok()) return host.status();
  if (!entry.capabilities.contains("alter_offsets")) {
    return false;  // Kafka Connect's default alterOffsets
  }
  request.set_connector_class(plugin.class_name);
  request.set_connector_name(connector_name);
  request.mutable_config()->insert(config.begin(), config.end());
  grpc::ClientContext context;
  context.set_deadline(Deadline(options_.call_timeout));
  pb::AlterOffsetsResponse response;
  grpc::Status s = (*host)->stub().AlterOffsets(&context, request, &response);
  if (s.ok()) return response.altered();
  const std::string type(ConnectorTypeName(plugin.type));
  switch (s.error_code()) {
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      // A plugin stuck in alterOffsets must not hold later requests: replace its host.
      (*host)->Stop(absl::ZeroDuration());
      entry.process.reset();
      return absl::DeadlineExceededError(
          absl::StrCat("Timed out while calling the 'alterOffsets' method for ", type,
                       " connector ", connector_name));
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::InternalError(
          absl::StrCat("Failed to modify offsets for connector ", connector_name,
                       " because it doesn't support external modification of offsets"));
    case grpc::StatusCode::UNAVAILABLE:
      return FromGrpc(s, absl::StrCat("Failed to modify offsets for ", type, " connector ",
                                      connector_name));
    default:
      // The connector rejected the offsets; Kafka Connect shows its message as it is (500).
      return absl::UnknownError(s.error_message());
  }
}

bool PluginRegistry::SameSandbox(const ConnectorPlugin& plugin, const ConfigMap& a,
                                 const ConfigMap& b) const {
  PolicyErrors errors_a;
  PolicyErrors errors_b;
  const SandboxPolicy policy_a =
      ResolvePolicy(options_.sandbox, support_, {}, plugin.path_keys, a, errors_a, plugin.runtime);
  const SandboxPolicy policy_b =
      ResolvePolicy(options_.sandbox, support_, {}, plugin.path_keys, b, errors_b, plugin.runtime);
  return policy_a == policy_b && errors_a == errors_b;
}

absl::StatusOr<std::unique_ptr<PluginProcess>> PluginRegistry::StartHost(
    const ConnectorPlugin& plugin, const std::string& label, const ConfigMap& config,
    SandboxLimits limits) {
  PolicyErrors errors;
  SandboxPolicy policy = ResolvePolicy(
      options_.sandbox, support_,
      {.memory_bytes = limits.memory_bytes, .cpu_seconds = limits.cpu_seconds}, plugin.path_keys,
      config, errors, plugin.runtime);
  if (!errors.empty()) {
    std::vector<std::string> lines;
    for (const auto& [key, messages] : errors) {
      for (const std::string& message : messages) lines.push_back(message);
    }
    return absl::FailedPreconditionError(
        absl::StrCat("The connector's sandbox policy cannot be applied: ",
                     absl::StrJoin(lines, "; ")));
  }
  PluginProcessOptions host_options = HostOptions(plugin.plugin_dir, label, std::move(policy));
  host_options.open_files = limits.open_files;
  absl::StatusOr<std::unique_ptr<PluginProcess>> host =
      PluginProcess::Start(std::move(host_options));
  if (!host.ok()) return host.status();
  if (absl::Status s = Handshake(**host, options_.call_timeout); !s.ok()) return s;
  return host;
}

}  // namespace sluice::plugins
