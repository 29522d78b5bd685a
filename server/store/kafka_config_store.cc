#include "server/store/kafka_config_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/store/kafka_send.h"
#include "spdlog/spdlog.h"

namespace sluice::store {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// ConfigMap (sorted keys) to the entries the encoders take. Java writes the REST request's key
// order instead; readers parse the JSON object into a map, so only the bytes differ.
ConfigProperties ToProperties(const ConfigMap& config) {
  ConfigProperties out;
  out.reserve(config.size());
  for (const auto& [key, value] : config) out.push_back({key, value});
  return out;
}

// A ConfigMap holds strings only: a null value (possible in a hand-written record) is dropped.
ConfigMap ToConfigMap(const ConfigProperties& properties) {
  ConfigMap out;
  for (const ConfigEntry& e : properties) {
    if (e.value.has_value()) {
      out[e.key] = *e.value;
    } else {
      out.erase(e.key);
    }
  }
  return out;
}

std::string_view BoolText(bool b) { return b ? "true" : "false"; }

}  // namespace

KafkaConfigStore::KafkaConfigStore(Options options) : options_(std::move(options)) {}

KafkaConfigStore::~KafkaConfigStore() { Stop(); }

absl::Status KafkaConfigStore::Start(absl::Duration timeout) {
  if (log_ != nullptr) return absl::FailedPreconditionError("The config store was started already");
  StoreLogSpec spec{
      .purpose = kafka::InternalTopic::kConfig,
      .client_id_suffix = "configs",
      .forced_producer_settings = {{"enable.idempotence", "false"},
                                   {"delivery.timeout.ms", "2147483647"}},
      .on_record = [this](const kafka::LogRecord& record) { OnRecord(record); }};
  absl::StatusOr<std::unique_ptr<kafka::KafkaLog>> log =
      OpenStoreLog(options_.kafka, std::move(spec), timeout);
  if (!log.ok()) return log.status();
  const int32_t partitions = (*log)->partition_count();
  if (partitions > 1) {
    (*log)->Stop();
    return absl::InvalidArgumentError(absl::StrCat(
        "Topic '", options_.kafka.topic,
        "' supplied via the 'config.storage.topic' property is required to have a single "
        "partition in order to guarantee consistency of connector configurations, but found ",
        partitions, " partitions."));
  }
  {
    absl::MutexLock lock(&mu_);
    state_.MarkStarted();
  }
  log_ = *std::move(log);
  return absl::OkStatus();
}

void KafkaConfigStore::Stop() {
  if (log_ != nullptr) log_->Stop();
}

absl::Status KafkaConfigStore::Started() const {
  if (log_ == nullptr) return absl::FailedPreconditionError("The config store is not started");
  return absl::OkStatus();
}

void KafkaConfigStore::OnRecord(const kafka::LogRecord& record) {
  if (!record.key.has_value()) {
    // Java's callback fails on a null key (record.key().startsWith); Sluice drops the record.
    spdlog::error("Ignoring a record without a key at offset {} of the config topic {}",
                  record.offset, std::string(record.topic));
    return;
  }
  TopicRecord r{std::string(*record.key), std::nullopt};
  if (record.value.has_value()) r.value = std::string(*record.value);
  std::optional<ConfigUpdate> update;
  {
    absl::MutexLock lock(&mu_);
    update = state_.Apply(record.offset, r);
  }
  if (update.has_value() && options_.on_update) options_.on_update(*update);
}

absl::Status KafkaConfigStore::Refresh(absl::Duration timeout) {
  if (absl::Status s = Started(); !s.ok()) return s;
  return log_->ReadToEnd(timeout);
}

absl::Status KafkaConfigStore::ReadToEnd(absl::Time deadline) {
  return log_->ReadToEnd(std::max(deadline - absl::Now(), absl::ZeroDuration()));
}

absl::Status KafkaConfigStore::SendAndWait(const std::vector<TopicRecord>& records,
                                           absl::Time deadline) {
  return SendAll(*log_, records, deadline).status();
}

ClusterConfigState KafkaConfigStore::Snapshot() const {
  ConfigSnapshot s = TopicSnapshot();
  ClusterConfigState out;
  out.offset = s.offset;
  for (const auto& [connector, properties] : s.connector_configs) {
    out.connectors[connector] = ToConfigMap(properties);
    auto state = s.target_states.find(connector);
    out.target_states[connector] =
        state == s.target_states.end() ? TargetState::kStarted : state->second;
    std::vector<int32_t> ids = s.Tasks(connector);
    if (ids.empty()) continue;
    std::vector<ConfigMap>& tasks = out.task_configs[connector];
    auto configs = s.task_configs.find(connector);
    for (int32_t id : ids) {
      const ConfigProperties* task = nullptr;
      if (configs != s.task_configs.end()) {
        auto it = configs->second.find(id);
        if (it != configs->second.end()) task = &it->second;
      }
      tasks.push_back(task == nullptr ? ConfigMap() : ToConfigMap(*task));
    }
  }
  out.inconsistent = s.inconsistent;
  return out;
}

ConfigSnapshot KafkaConfigStore::TopicSnapshot() const {
  absl::MutexLock lock(&mu_);
  return state_.Snapshot();
}

std::map<std::string, RestartRequest> KafkaConfigStore::TakeRestartRequests() {
  absl::MutexLock lock(&mu_);
  return state_.TakeRestartRequests();
}

absl::Status KafkaConfigStore::PutConnectorConfig(const std::string& name,
                                                  const ConfigMap& config,
                                                  std::optional<TargetState> target) {
  return PutConnectorConfigProperties(name, ToProperties(config), target);
}

absl::Status KafkaConfigStore::PutConnectorConfigProperties(const std::string& name,
                                                            const ConfigProperties& properties,
                                                            std::optional<TargetState> target) {
  if (absl::Status s = Started(); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + options_.write_timeout;
  absl::Status s = SendAndWait(ConnectorConfigRecords(name, properties, target), deadline);
  if (s.ok()) s = ReadToEnd(deadline);
  return WithContext("Error writing connector configuration to Kafka", s);
}

absl::Status KafkaConfigStore::RemoveConnectorConfig(const std::string& name) {
  if (absl::Status s = Started(); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + options_.write_timeout;
  absl::Status s = SendAndWait(ConnectorRemovalRecords(name), deadline);
  if (s.ok()) s = ReadToEnd(deadline);
  return WithContext("Error removing connector configuration from Kafka", s);
}

absl::Status KafkaConfigStore::PutTaskConfigs(const std::string& name,
                                              const std::vector<ConfigMap>& tasks) {
  std::vector<ConfigProperties> properties;
  properties.reserve(tasks.size());
  for (const ConfigMap& task : tasks) properties.push_back(ToProperties(task));
  return PutTaskConfigProperties(name, properties);
}

absl::Status KafkaConfigStore::PutTaskConfigProperties(
    const std::string& name, const std::vector<ConfigProperties>& tasks) {
  if (absl::Status s = Started(); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + options_.write_timeout;
  constexpr std::string_view kRootError = "Error writing root configuration to Kafka";
  // Be at the end of the log first: the leader should be the only writer, but may lag.
  if (absl::Status s = ReadToEnd(deadline); !s.ok()) return WithContext(kRootError, s);
  if (absl::Status s = SendAndWait(TaskConfigRecords(name, tasks), deadline); !s.ok()) {
    return WithContext("Error writing task configurations to Kafka", s);
  }
  const int32_t count = static_cast<int32_t>(tasks.size());
  if (count > 0) {
    if (absl::Status s = ReadToEnd(deadline); !s.ok()) return WithContext(kRootError, s);
  }
  absl::Status s = SendAndWait({TaskCommitRecord(name, count)}, deadline);
  if (s.ok()) s = ReadToEnd(deadline);
  return WithContext(kRootError, s);
}

absl::Status KafkaConfigStore::PutTargetState(const std::string& name, TargetState state) {
  if (absl::Status s = Started(); !s.ok()) return s;
  return WithContext(
      "Error writing target state to Kafka",
      SendAndWait({TargetStateRecord(name, state)}, absl::Now() + options_.write_timeout));
}

absl::Status KafkaConfigStore::PutSessionKey(const SessionKey& key) {
  if (absl::Status s = Started(); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + options_.write_timeout;
  absl::Status s = SendAndWait({SessionKeyRecord(key)}, deadline);
  if (s.ok()) s = ReadToEnd(deadline);
  return WithContext("Error writing session key to Kafka", s);
}

absl::Status KafkaConfigStore::PutRestartRequest(const RestartRequest& request) {
  if (absl::Status s = Started(); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + options_.write_timeout;
  absl::Status s = SendAndWait({RestartRequestRecord(request)}, deadline);
  if (s.ok()) s = ReadToEnd(deadline);
  // RestartRequest.toString().
  return WithContext(absl::StrCat("Error writing restart request for {connectorName='",
                                  request.connector, "', onlyFailed=",
                                  Av(BoolText(request.only_failed)), ", includeTasks=",
                                  Av(BoolText(request.include_tasks)), "} to Kafka"),
                     s);
}

absl::Status KafkaConfigStore::PutLoggerLevel(const std::string& logger_namespace,
                                              const std::string& level) {
  if (absl::Status s = Started(); !s.ok()) return s;
  return WithContext("Error writing logger level to Kafka",
                     SendAndWait({LoggerLevelRecord(logger_namespace, level)},
                                 absl::Now() + options_.write_timeout));
}

absl::Status KafkaConfigStore::PutTaskCountRecord(const std::string& name, int32_t task_count) {
  if (absl::Status s = Started(); !s.ok()) return s;
  const absl::Time deadline = absl::Now() + options_.write_timeout;
  absl::Status s = SendAndWait({TaskCountRecord(name, task_count)}, deadline);
  if (s.ok()) s = ReadToEnd(deadline);
  return WithContext("Error writing task count record to Kafka", s);
}

}  // namespace sluice::store
