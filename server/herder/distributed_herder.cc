#include "server/herder/distributed_herder.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/schemaless_json.h"
#include "server/distributed/request_signature.h"

namespace sluice::herder {

namespace {

using distributed::ConnectAssignment;
using distributed::ConnectorTaskId;
using distributed::MemberAssignment;
using TaskKey = std::pair<std::string, int>;

// Java's RECONFIGURE_CONNECTOR_TASKS_BACKOFF_INITIAL_MS and _MAX_MS.
constexpr absl::Duration kReconfigureBackoffInitial = absl::Milliseconds(250);
constexpr absl::Duration kReconfigureBackoffMax = absl::Seconds(60);
// How long a pause waits for the connector's tasks to act on it.
constexpr absl::Duration kPauseTimeout = absl::Seconds(5);

absl::Duration ReconfigureBackoff(int attempt) {
  absl::Duration d = kReconfigureBackoffInitial;
  for (int i = 0; i < attempt && d < kReconfigureBackoffMax; ++i) d *= 2;
  return std::min(d, kReconfigureBackoffMax);
}

std::string TaskName(const std::string& connector, int task) {
  return absl::StrCat(connector, "-", task);
}

// A path segment, percent-encoded as a URI builder encodes it.
std::string EncodePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The body of POST /connectors/{c}/tasks: a JSON array of the task configs.
std::string TaskConfigsJson(const std::vector<ConfigMap>& tasks) {
  std::vector<Value> items;
  for (const ConfigMap& task : tasks) {
    std::vector<MapEntry> entries;
    for (const auto& [k, v] : task) entries.push_back({Value::String(k), Value::String(v)});
    items.push_back(Value::Map(std::move(entries)));
  }
  return formats::SerializeSchemaless(Value::Array(std::move(items)));
}

std::optional<store::TargetState> InitialTargetState(const std::string& state) {
  std::string upper = absl::AsciiStrToUpper(state);
  if (upper == "RUNNING") return store::TargetState::kStarted;
  if (upper == "PAUSED") return store::TargetState::kPaused;
  if (upper == "STOPPED") return store::TargetState::kStopped;
  return std::nullopt;
}

store::TargetState TargetOf(const store::ClusterConfigState& s, const std::string& name) {
  auto it = s.target_states.find(name);
  return it == s.target_states.end() ? store::TargetState::kStarted : it->second;
}

// The committed task configs of `name` (none while inconsistent).
std::vector<ConfigMap> TasksOf(const store::ClusterConfigState& s, const std::string& name) {
  if (s.inconsistent.contains(name)) return {};
  auto it = s.task_configs.find(name);
  return it == s.task_configs.end() ? std::vector<ConfigMap>{} : it->second;
}

absl::Status RequestTimedOut() { return absl::DeadlineExceededError("Request timed out"); }

absl::Status ShuttingDown() { return absl::UnavailableError("The worker is shutting down"); }

}  // namespace

absl::StatusOr<std::unique_ptr<DistributedHerder>> DistributedHerder::Create(Options options) {
  if (options.config == nullptr || options.registry == nullptr || options.hosts == nullptr ||
      options.config_store == nullptr || options.status_store == nullptr ||
      options.offsets == nullptr || !options.membership_factory) {
    return absl::InvalidArgumentError("DistributedHerder: missing options");
  }
  absl::StatusOr<distributed::ConnectProtocolCompatibility> protocol =
      distributed::ParseConnectProtocolSetting(options.config->connect_protocol);
  if (!protocol.ok()) return protocol.status();
  std::unique_ptr<DistributedHerder> herder(new DistributedHerder(std::move(options)));
  herder->protocol_setting_ = *protocol;
  herder->restarts_ = std::make_unique<RestartScheduler>(RestartScheduler::Options{
      .restart =
          [h = herder.get()](const std::string& name) {
            absl::MutexLock lock(&h->mu_);
            h->auto_restarts_.insert(name);
            h->wake_.SignalAll();
          }});
  herder->worker_ = std::make_unique<worker::Worker>(
      worker::Worker::Options{.worker = &herder->options_.config->worker,
                              .bootstrap_servers = herder->options_.bootstrap_servers,
                              .ensure_topic = herder->options_.ensure_topic,
                              .topic_admin_factory = herder->options_.topic_admin_factory,
                              .registry = herder->options_.registry,
                              .hosts = herder->options_.hosts,
                              .offsets = herder->options_.offsets,
                              .listener = herder.get(),
                              .metrics = herder->options_.metrics});
  herder->assignor_ = distributed::NewConnectAssignor(
      herder->options_.config->scheduled_rebalance_max_delay, herder->options_.now);
  {
    absl::MutexLock lock(&herder->mu_);
    herder->protocol_ = *protocol;
    herder->snapshot_ = herder->options_.config_store->Snapshot();
    herder->session_key_ = herder->options_.config_store->TopicSnapshot().session_key;
  }
  return herder;
}

DistributedHerder::DistributedHerder(Options options)
    : options_(std::move(options)),
      rest_client_(options_.rest_client),
      offsets_({.worker = &options_.config->worker,
                .bootstrap_servers = options_.bootstrap_servers,
                .registry = options_.registry,
                .offsets = options_.offsets}) {}

DistributedHerder::~DistributedHerder() { Shutdown(); }

void DistributedHerder::Start() {
  {
    absl::MutexLock lock(&mu_);
    if (started_) return;
    started_ = true;
  }
  thread_ = std::thread([this] { Run(); });
  forwarder_ = std::thread([this] { RunForwarder(); });
  distributed::GroupMemberCallbacks callbacks;
  callbacks.on_join_prepare = [this](int32_t, const std::string&) { OnJoinPrepare(); };
  callbacks.metadata = [this] { return Metadata(); };
  callbacks.assign = [this](const distributed::LeaderInput& in) { return Assign(in); };
  callbacks.on_assignment = [this](const MemberAssignment& a) { OnAssignment(a); };
  callbacks.on_fatal_error = [](const absl::Status& status) {
    spdlog::critical("This worker can no longer take part in its group: {}",
                     std::string(status.message()));
  };
  membership_ = options_.membership_factory(std::move(callbacks));
  membership_->Start();
}

void DistributedHerder::Shutdown() {
  if (restarts_ != nullptr) restarts_->Stop();
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ || !started_) {
      stopping_ = true;
      return;
    }
    stopping_ = true;
    wake_.SignalAll();
  }
  spdlog::info("Stopping connectors and tasks that are still assigned to this worker.");
  if (thread_.joinable()) thread_.join();
  if (forwarder_.joinable()) forwarder_.join();
  // The membership still heartbeats while the work stops, so the group does not rebalance
  // before the statuses say UNASSIGNED.
  std::set<TaskKey> tasks;
  std::set<std::string> connectors;
  {
    absl::MutexLock lock(&mu_);
    tasks = running_tasks_;
    connectors = running_connectors_;
  }
  for (const TaskKey& t : tasks) StopTaskHere({t.first, t.second});
  for (const std::string& c : connectors) StopConnectorHere(c);
  std::map<std::string, uint64_t> hosts;
  {
    absl::MutexLock lock(&mu_);
    hosts.swap(hosts_);
  }
  for (const auto& [name, generation] : hosts) worker_->StopConnectorHost(name);
  if (options_.flush_statuses) options_.flush_statuses();
  if (membership_) membership_->Stop();
  spdlog::info("Herder stopped");
}

// ---- The membership's callbacks -------------------------------------------------------------

void DistributedHerder::OnJoinPrepare() {
  if (options_.metrics != nullptr) options_.metrics->RebalanceStarted();
  absl::MutexLock lock(&mu_);
  resolved_ = false;
  // Java's onJoinPrepare under the eager protocol revokes everything; under the cooperative ones
  // the herder has stopped what the last assignment revoked before it rejoins. Either way the
  // herder thread must be done with the assignments handed over, so that the metadata reports
  // what runs.
  if (protocol_ == distributed::ConnectProtocolCompatibility::kEager) revoke_all_ = true;
  wake_.SignalAll();
  const absl::Time deadline = absl::Now() + options_.config->rebalance_timeout;
  while (!stopping_ && (pending_assignments_ > 0 || revoke_all_)) {
    if (wake_.WaitWithDeadline(&mu_, deadline)) {
      spdlog::warn("Rejoining the group before this worker finished applying its assignment");
      break;
    }
  }
}

distributed::WorkerMetadata DistributedHerder::Metadata() {
  store::ClusterConfigState snapshot = options_.config_store->Snapshot();
  absl::MutexLock lock(&mu_);
  distributed::WorkerMetadata metadata;
  metadata.url = options_.advertised_url;
  metadata.config_offset = snapshot.offset;
  if (assignment_.has_value() && protocol_ != distributed::ConnectProtocolCompatibility::kEager &&
      !revoke_all_) {
    metadata.assignment = assignment_->assignment;
  }
  metadata_snapshot_ = std::move(snapshot);
  return metadata;
}

absl::StatusOr<std::map<std::string, ConnectAssignment>> DistributedHerder::Assign(
    const distributed::LeaderInput& in) {
  store::ClusterConfigState snapshot;
  {
    absl::MutexLock lock(&mu_);
    snapshot = metadata_snapshot_;
  }
  int64_t max_offset = snapshot.offset;
  for (const distributed::GroupMemberMetadata& m : in.members) {
    max_offset = std::max(max_offset, m.metadata.config_offset);
  }
  if (max_offset > snapshot.offset) {
    // configFreshSnapshot: a member has read further than this leader.
    if (absl::Status s = options_.config_store->Refresh(options_.config->worker_sync_timeout);
        !s.ok()) {
      spdlog::warn("Leader could not read the config topic to its end: {}",
                   std::string(s.message()));
    }
    snapshot = options_.config_store->Snapshot();
  }
  distributed::ConfigSnapshot config;
  config.offset = snapshot.offset;
  for (const auto& [name, c] : snapshot.connectors) {
    config.task_counts[name] = static_cast<int32_t>(TasksOf(snapshot, name).size());
  }
  absl::StatusOr<std::map<std::string, ConnectAssignment>> result = assignor_->Assign(in, config);
  if (!result.ok()) return result;
  // Who runs what after this round, for requests this leader must send to the owner.
  std::map<std::string, std::string> connector_owners;
  std::map<TaskKey, std::string> task_owners;
  for (const distributed::GroupMemberMetadata& m : in.members) {
    auto it = result->find(m.member_id);
    if (it == result->end()) continue;
    ConnectAssignment running = m.metadata.assignment.value_or(ConnectAssignment{});
    if (in.protocol == distributed::ConnectProtocolCompatibility::kEager) running = {};
    ConnectAssignment after = distributed::RunningAfter(running, it->second);
    for (const std::string& c : distributed::ConnectorsOf(after.assigned)) {
      connector_owners[c] = m.metadata.url;
    }
    for (const ConnectorTaskId& t : distributed::TasksOf(after.assigned)) {
      task_owners[{t.connector, t.task}] = m.metadata.url;
    }
  }
  absl::MutexLock lock(&mu_);
  connector_owners_ = std::move(connector_owners);
  task_owners_ = std::move(task_owners);
  return result;
}

void DistributedHerder::OnAssignment(const MemberAssignment& assignment) {
  absl::MutexLock lock(&mu_);
  assignments_.push_back(assignment);
  ++pending_assignments_;
  resolved_ = false;
  wake_.SignalAll();
}

// ---- The config topic's updates -------------------------------------------------------------

void DistributedHerder::OnConfigUpdate(const store::ConfigUpdate& update) {
  if (update.kind == store::ConfigUpdate::Kind::kLoggerLevelSet) {
    spdlog::info("Setting level of namespace {} and children to {}", update.name, update.level);
    if (options_.on_logger_level) options_.on_logger_level(update.name, update.level);
    return;
  }
  std::optional<store::SessionKey> key;
  if (update.kind == store::ConfigUpdate::Kind::kSessionKeyUpdated) {
    key = options_.config_store->TopicSnapshot().session_key;
  }
  absl::MutexLock lock(&mu_);
  switch (update.kind) {
    case store::ConfigUpdate::Kind::kConnectorConfigUpdated:
      spdlog::info("Connector {} config updated", update.name);
      // A new connector needs a rebalance to be assigned; a changed one is restarted where it
      // runs.
      if (!snapshot_.connectors.contains(update.name)) {
        needs_rebalance_ = true;
      } else {
        connector_updates_.insert(update.name);
      }
      break;
    case store::ConfigUpdate::Kind::kConnectorConfigRemoved:
      spdlog::info("Connector {} config removed", update.name);
      if (snapshot_.connectors.contains(update.name)) {
        needs_rebalance_ = true;
      } else {
        connector_updates_.insert(update.name);
      }
      break;
    case store::ConfigUpdate::Kind::kTargetStateChanged:
      spdlog::info("Connector {} target state change", update.name);
      target_state_updates_.insert(update.name);
      break;
    case store::ConfigUpdate::Kind::kTaskConfigsCommitted:
      spdlog::info("Tasks of {} configs updated", update.name);
      needs_rebalance_ = true;
      task_config_updates_.insert(update.name);
      break;
    case store::ConfigUpdate::Kind::kSessionKeyUpdated:
      spdlog::info("Session key updated");
      session_key_ = key;
      break;
    case store::ConfigUpdate::Kind::kRestartRequested:
      spdlog::info("Received and enqueuing restart request for connector {}",
                   update.restart.connector);
      restart_requests_pending_ = true;
      break;
    case store::ConfigUpdate::Kind::kLoggerLevelSet:
      break;  // applied below, outside the lock
  }
  if (needs_rebalance_) resolved_ = false;
  wake_.SignalAll();
}

// ---- The herder thread ----------------------------------------------------------------------

void DistributedHerder::Run() {
  while (true) {
    bool revoke_all = false;
    std::optional<MemberAssignment> assignment;
    {
      absl::MutexLock lock(&mu_);
      auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        const absl::Time now = options_.now();
        if (stopping_ || revoke_all_ || !assignments_.empty() || needs_rebalance_ ||
            !connector_updates_.empty() || !target_state_updates_.empty() ||
            !task_config_updates_.empty() || restart_requests_pending_ || !events_.empty() ||
            !auto_restarts_.empty() ||
            now >= scheduled_rebalance_) {
          return true;
        }
        if (resolved_) {
          for (const Request& r : requests_) {
            if (r.not_before <= now) return true;
          }
        }
        return false;
      };
      while (!has_work()) {
        // Wake for scheduled work: a rebalance, a key rotation, a delayed request.
        absl::Time next = scheduled_rebalance_;
        for (const Request& r : requests_) next = std::min(next, r.not_before);
        if (session_key_.has_value() && assignment_.has_value() && assignment_->leader) {
          next = std::min(next, absl::FromUnixMillis(session_key_->creation_timestamp_ms) +
                                    options_.config->inter_worker_key_ttl);
        }
        // The injected clock may differ from the real one: poll at least every second.
        wake_.WaitWithTimeout(&mu_, std::clamp(next - options_.now(), absl::Milliseconds(1),
                                               absl::Seconds(1)));
      }
      if (stopping_) return;
      revoke_all = revoke_all_;
      if (!revoke_all && !assignments_.empty()) {
        assignment = std::move(assignments_.front());
        assignments_.pop_front();
      }
    }
    if (revoke_all) {
      std::vector<std::string> connectors;
      std::vector<ConnectorTaskId> tasks;
      {
        absl::MutexLock lock(&mu_);
        connectors.assign(running_connectors_.begin(), running_connectors_.end());
        for (const TaskKey& t : running_tasks_) tasks.push_back({t.first, t.second});
      }
      StopRevoked(connectors, tasks);
      absl::MutexLock lock(&mu_);
      assignment_.reset();
      revoke_all_ = false;
      wake_.SignalAll();
      continue;
    }
    if (assignment.has_value()) {
      HandleAssignment(*assignment);
      absl::MutexLock lock(&mu_);
      --pending_assignments_;
      wake_.SignalAll();
      continue;
    }
    HandleConfigUpdates();
    {
      bool rejoin = false;
      {
        absl::MutexLock lock(&mu_);
        if (options_.now() >= scheduled_rebalance_) {
          spdlog::info("Requesting the rebalance scheduled by the leader");
          scheduled_rebalance_ = absl::InfiniteFuture();
          resolved_ = false;
          rejoin = true;
        }
      }
      if (rejoin) membership_->RequestRejoin();
    }
    MaybeRotateSessionKey();
    ProcessRestartRequests();
    {
      std::set<std::string> due;
      {
        absl::MutexLock lock(&mu_);
        due.swap(auto_restarts_);
      }
      for (const std::string& name : due) {
        ApplyRestart(store::RestartRequest{name, /*only_failed=*/true, /*include_tasks=*/true});
      }
    }
    // Connector events.
    while (true) {
      std::pair<std::string, worker::ConnectorEvent> event;
      {
        absl::MutexLock lock(&mu_);
        if (events_.empty()) break;
        event = std::move(events_.front());
        events_.pop_front();
      }
      if (!OwnsConnector(event.first)) continue;
      if (event.second.kind == worker::ConnectorEvent::Kind::kReconfigure) {
        ReconfigureConnector(event.first, 0);
      } else {
        OnConnectorFailed(event.first, event.second.message);
      }
    }
    // Requests, once this worker's generation is resolved.
    while (true) {
      Request request;
      {
        absl::MutexLock lock(&mu_);
        if (stopping_ || !resolved_ || needs_rebalance_) break;
        const absl::Time now = options_.now();
        auto it = std::find_if(requests_.begin(), requests_.end(),
                               [now](const Request& r) { return r.not_before <= now; });
        if (it == requests_.end()) break;
        request = std::move(*it);
        requests_.erase(it);
      }
      request.run();
    }
  }
}

void DistributedHerder::HandleAssignment(const MemberAssignment& received) {
  const bool eager = received.protocol == distributed::ConnectProtocolCompatibility::kEager;
  spdlog::info(
      "Joined group at generation {} with protocol {} and got assignment: leader {} ({}), "
      "config offset {}, connectors [{}], tasks [{}], revoked connectors [{}], revoked tasks "
      "[{}], delay {} ms",
      received.generation, distributed::ProtocolName(received.protocol),
      received.assignment.leader, received.assignment.leader_url,
      received.assignment.config_offset,
      absl::StrJoin(distributed::ConnectorsOf(received.assignment.assigned), ", "),
      absl::StrJoin(distributed::TasksOf(received.assignment.assigned), ", ",
                    [](std::string* out, const ConnectorTaskId& t) {
                      absl::StrAppend(out, TaskName(t.connector, t.task));
                    }),
      absl::StrJoin(distributed::ConnectorsOf(received.assignment.revoked), ", "),
      absl::StrJoin(distributed::TasksOf(received.assignment.revoked), ", ",
                    [](std::string* out, const ConnectorTaskId& t) {
                      absl::StrAppend(out, TaskName(t.connector, t.task));
                    }),
      absl::ToInt64Milliseconds(received.assignment.delay));

  // Revocations first (WorkerCoordinator.onJoinComplete calls onRevoked before onAssigned).
  const std::vector<std::string> revoked_connectors =
      distributed::ConnectorsOf(received.assignment.revoked);
  const std::vector<ConnectorTaskId> revoked_tasks = distributed::TasksOf(received.assignment.revoked);
  if (!eager && (!revoked_connectors.empty() || !revoked_tasks.empty())) {
    StopRevoked(revoked_connectors, revoked_tasks);
  }

  {
    absl::MutexLock lock(&mu_);
    MemberAssignment cumulative = received;
    if (!eager && assignment_.has_value()) {
      cumulative.assignment = distributed::RunningAfter(assignment_->assignment, received.assignment);
    } else if (!eager) {
      cumulative.assignment = distributed::RunningAfter(ConnectAssignment{}, received.assignment);
    }
    assignment_ = std::move(cumulative);
    protocol_ = received.protocol;
    generation_ = received.generation;
    scheduled_rebalance_ = received.assignment.delay > absl::ZeroDuration()
                               ? options_.now() + received.assignment.delay
                               : absl::InfiniteFuture();
  }

  // Catch up with the config topic (handleRebalanceCompleted).
  int64_t local_offset;
  {
    absl::MutexLock lock(&mu_);
    local_offset = snapshot_.offset;
  }
  bool rejoin = false;
  if (received.assignment.error == distributed::AssignmentError::kConfigMismatch) {
    spdlog::warn("Join group completed, but assignment failed. Reading to end of config and "
                 "retrying.");
    RefreshSnapshot();
    rejoin = true;
  } else if (local_offset < received.assignment.config_offset) {
    spdlog::info("Catching up to assignment's config offset {}", received.assignment.config_offset);
    if (!RefreshSnapshot()) rejoin = true;
  }
  if (!rejoin) {
    absl::MutexLock lock(&mu_);
    if (snapshot_.offset != received.assignment.config_offset) {
      spdlog::info("Current config state offset {} does not match group assignment {}. "
                   "Forcing rebalance.",
                   snapshot_.offset, received.assignment.config_offset);
      rejoin = true;
    }
  }
  if (rejoin) {
    membership_->RequestRejoin();
    return;
  }

  if (received.leader) {
    // Statuses of connectors removed before this rebalance, and of tasks past a connector's
    // task count (updateDeletedConnectorStatus, updateDeletedTaskStatus). Every rebalance, as
    // in Kafka Connect: the worker that ran a removed connector writes UNASSIGNED when it stops
    // it, which may land after an earlier round's removal. Only once caught up with the config
    // topic, so that a connector this worker has not read yet keeps its statuses.
    store::ClusterConfigState s = options_.config_store->Snapshot();
    for (const std::string& c : options_.status_store->Connectors()) {
      if (s.connectors.contains(c)) continue;
      options_.status_store->RemoveConnector(c);
      options_.status_store->RemoveTopics(c);
    }
    for (const auto& [name, config] : s.connectors) {
      const size_t count = TasksOf(s, name).size();
      for (const auto& [task, status] : options_.status_store->GetTasks(name)) {
        if (task >= 0 && static_cast<size_t>(task) >= count && !s.inconsistent.contains(name)) {
          options_.status_store->RemoveTask(name, task);
        }
      }
    }
  }

  // startWork: what the assignment holds and is not running yet.
  std::vector<std::string> to_start;
  std::vector<ConnectorTaskId> tasks_to_start;
  std::vector<std::string> to_stop;
  std::vector<ConnectorTaskId> tasks_to_stop;
  {
    absl::MutexLock lock(&mu_);
    for (const TaskKey& t : tasks_to_restart_) running_tasks_.erase(t);
    tasks_to_restart_.clear();
    const std::vector<std::string> connectors = distributed::ConnectorsOf(assignment_->assignment.assigned);
    const std::vector<ConnectorTaskId> tasks = distributed::TasksOf(assignment_->assignment.assigned);
    std::set<std::string> assigned_connectors(connectors.begin(), connectors.end());
    std::set<TaskKey> assigned_tasks;
    for (const ConnectorTaskId& t : tasks) assigned_tasks.insert({t.connector, t.task});
    for (const std::string& c : connectors) {
      if (!running_connectors_.contains(c)) to_start.push_back(c);
    }
    for (const ConnectorTaskId& t : tasks) {
      if (!running_tasks_.contains({t.connector, t.task})) tasks_to_start.push_back(t);
    }
    // Under the eager protocol everything was stopped before the join; under the cooperative
    // ones only what was revoked. Anything else still running is no longer ours.
    for (const std::string& c : running_connectors_) {
      if (!assigned_connectors.contains(c)) to_stop.push_back(c);
    }
    for (const TaskKey& t : running_tasks_) {
      if (!assigned_tasks.contains(t)) tasks_to_stop.push_back({t.first, t.second});
    }
  }
  if (!to_stop.empty() || !tasks_to_stop.empty()) StopRevoked(to_stop, tasks_to_stop);
  spdlog::info("Starting connectors and tasks using config offset {}",
               received.assignment.config_offset);
  for (const std::string& c : to_start) StartConnector(c);
  for (const ConnectorTaskId& t : tasks_to_start) StartTask(t);
  spdlog::info("Finished starting connectors and tasks");

  const bool revoked = !revoked_connectors.empty() || !revoked_tasks.empty();
  if (options_.metrics != nullptr) {
    // Kafka Connect's HerderMetrics (connect-protocol is the enum's name) and the
    // coordinator's assigned-connectors / assigned-tasks.
    options_.metrics->SetConnectProtocol(
        absl::AsciiStrToUpper(std::string(distributed::ProtocolName(received.protocol))));
    absl::MutexLock lock(&mu_);
    options_.metrics->RebalanceSucceeded(
        received.generation, received.assignment.leader_url,
        static_cast<int>(distributed::ConnectorsOf(assignment_->assignment.assigned).size()),
        static_cast<int>(distributed::TasksOf(assignment_->assignment.assigned).size()));
  }
  {
    absl::MutexLock lock(&mu_);
    resolved_ = !revoked;
    wake_.SignalAll();
  }
  // After revocations, the second round assigns what was revoked to its new owners.
  if (revoked) membership_->RequestRejoin();
}

void DistributedHerder::StopRevoked(const std::vector<std::string>& connectors,
                                    const std::vector<ConnectorTaskId>& tasks) {
  for (const ConnectorTaskId& t : tasks) StopTaskHere(t);
  for (const std::string& c : connectors) StopConnectorHere(c);
  spdlog::info("Finished stopping {} connectors and {} tasks in preparation for rebalance",
               connectors.size(), tasks.size());
  if (options_.flush_statuses) options_.flush_statuses();
}

bool DistributedHerder::RefreshSnapshot() {
  absl::Status s = options_.config_store->Refresh(options_.config->worker_sync_timeout);
  store::ClusterConfigState snapshot = options_.config_store->Snapshot();
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(snapshot);
  if (!s.ok()) {
    spdlog::warn("Didn't reach end of config log quickly enough: {}", std::string(s.message()));
    return false;
  }
  spdlog::info("Finished reading to end of log and updated config snapshot, new config log "
               "offset: {}",
               snapshot_.offset);
  return true;
}

void DistributedHerder::HandleConfigUpdates() {
  std::set<std::string> connector_updates;
  std::set<std::string> target_updates;
  std::set<std::string> task_updates;
  bool rebalance = false;
  bool eager = false;
  {
    absl::MutexLock lock(&mu_);
    if (!needs_rebalance_ && connector_updates_.empty() && target_state_updates_.empty() &&
        task_config_updates_.empty()) {
      return;
    }
  }
  store::ClusterConfigState snapshot = options_.config_store->Snapshot();
  {
    absl::MutexLock lock(&mu_);
    snapshot_ = std::move(snapshot);
    connector_updates.swap(connector_updates_);
    target_updates.swap(target_state_updates_);
    task_updates.swap(task_config_updates_);
    rebalance = needs_rebalance_;
    needs_rebalance_ = false;
    if (rebalance) resolved_ = false;
    eager = protocol_ == distributed::ConnectProtocolCompatibility::kEager;
  }
  if (rebalance) {
    spdlog::info("Requesting rebalance due to reconfiguration of tasks or connectors");
    membership_->RequestRejoin();
    // Under the eager protocol the rebalance stops and starts everything anyway.
    if (eager) return;
  }
  // A changed connector config restarts the connector where it runs.
  for (const std::string& name : connector_updates) {
    if (!OwnsConnector(name)) continue;
    bool remains;
    {
      absl::MutexLock lock(&mu_);
      remains = snapshot_.connectors.contains(name);
    }
    spdlog::info("Handling connector-only config update by {} connector {}",
                 remains ? "restarting" : "stopping", name);
    StopConnectorHere(name);
    if (remains) StartConnector(name);
  }
  for (const std::string& name : target_updates) ApplyTargetState(name);
  // New task configs: the connector's tasks here whose config changed (or that are past its new
  // task count) stop, and start again once the rebalance they trigger assigns them. Kafka
  // Connect stops every task of the connector; a task already started with its new config (its
  // assignment and the commit can arrive in either order) keeps running here.
  std::vector<ConnectorTaskId> to_stop;
  {
    absl::MutexLock lock(&mu_);
    for (const TaskKey& t : running_tasks_) {
      if (!task_updates.contains(t.first)) continue;
      const std::vector<ConfigMap> now = TasksOf(snapshot_, t.first);
      auto started = task_started_with_.find(t);
      if (t.second < 0 || static_cast<size_t>(t.second) >= now.size() ||
          started == task_started_with_.end() ||
          started->second != now[static_cast<size_t>(t.second)]) {
        to_stop.push_back({t.first, t.second});
      }
    }
  }
  for (const ConnectorTaskId& t : to_stop) {
    spdlog::info("Handling task config update by stopping task {}", TaskName(t.connector, t.task));
    StopTaskHere(t);
    absl::MutexLock lock(&mu_);
    tasks_to_restart_.insert({t.connector, t.task});
    running_tasks_.insert({t.connector, t.task});  // still assigned; restarted after the rebalance
  }
}

void DistributedHerder::ApplyTargetState(const std::string& name) {
  store::TargetState target;
  bool owns_connector;
  bool has_tasks = false;
  {
    absl::MutexLock lock(&mu_);
    if (!snapshot_.connectors.contains(name)) return;
    target = TargetOf(snapshot_, name);
    owns_connector = running_connectors_.contains(name);
    for (const TaskKey& t : running_tasks_) has_tasks = has_tasks || t.first == name;
  }
  if (has_tasks) {
    if (target == store::TargetState::kPaused) {
      worker_->PauseTasks(name, kPauseTimeout);
    } else if (target == store::TargetState::kStarted) {
      worker_->ResumeTasks(name);
    }
    std::vector<int> tasks;
    {
      absl::MutexLock lock(&mu_);
      for (const TaskKey& t : running_tasks_) {
        if (t.first == name) tasks.push_back(t.second);
      }
    }
    for (int task : tasks) {
      std::optional<InstanceStatus> current = options_.status_store->GetTask(name, task);
      if (current.has_value() && current->state == State::kFailed) continue;
      if (target == store::TargetState::kPaused) {
        options_.status_store->PutTask(name, task, Status(State::kPaused, std::nullopt));
      } else if (target == store::TargetState::kStarted) {
        options_.status_store->PutTask(name, task, Status(State::kRunning, std::nullopt));
      }
    }
  }
  if (!owns_connector) return;
  // The connector instance: stopped unless STARTED; started again (and asked for its task
  // configs, which may have changed while it was paused) when STARTED.
  bool instance_running;
  {
    absl::MutexLock lock(&mu_);
    instance_running = instances_.contains(name);
  }
  if (target == store::TargetState::kStarted) {
    if (!instance_running) StartConnector(name);
    return;
  }
  if (instance_running && worker_->HostAlive(name)) {
    worker_->StopConnector(name, options_.config->worker.task_shutdown_graceful_timeout);
  }
  {
    absl::MutexLock lock(&mu_);
    instances_.erase(name);
  }
  options_.status_store->PutConnector(
      name, Status(target == store::TargetState::kPaused ? State::kPaused : State::kStopped,
                   std::nullopt));
  MaybeStopHost(name);
}

void DistributedHerder::MaybeRotateSessionKey() {
  std::optional<store::SessionKey> key;
  {
    absl::MutexLock lock(&mu_);
    if (!assignment_.has_value() || !assignment_->leader ||
        protocol_ != distributed::ConnectProtocolCompatibility::kSessioned) {
      return;
    }
    key = session_key_;
  }
  const std::string& algorithm = options_.config->inter_worker_key_generation_algorithm;
  std::optional<config::HmacAlgorithm> hmac = config::CanonicalHmacAlgorithm(algorithm);
  if (!hmac.has_value()) return;  // refused at start-up (CheckSupported)
  const int bits = options_.config->inter_worker_key_size.value_or(hmac->default_key_bits);
  const size_t bytes = static_cast<size_t>(bits + 7) / 8;
  const absl::Time now = options_.now();
  const bool expired =
      key.has_value() && absl::FromUnixMillis(key->creation_timestamp_ms) +
                                 options_.config->inter_worker_key_ttl <= now;
  if (key.has_value() && !expired && key->algorithm == algorithm && key->key.size() == bytes) {
    return;
  }
  store::SessionKey fresh;
  fresh.key.resize(bytes);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.key.data()), static_cast<int>(bytes)) !=
      1) {
    spdlog::error("Could not generate a session key");
    return;
  }
  fresh.algorithm = algorithm;
  fresh.creation_timestamp_ms = absl::ToUnixMillis(now);
  spdlog::info("Distributing new session key");
  if (absl::Status s = options_.config_store->PutSessionKey(fresh); !s.ok()) {
    spdlog::warn("Failed to write new session key to config topic: {}", std::string(s.message()));
    return;
  }
  absl::MutexLock lock(&mu_);
  session_key_ = fresh;
}

// ---- Starting and stopping work here --------------------------------------------------------

bool DistributedHerder::NewHost(const std::string& name) {
  absl::MutexLock lock(&mu_);
  return new_hosts_.erase(name) > 0;
}

bool DistributedHerder::EnsureHost(const std::string& name) {
  ConfigMap config;
  uint64_t generation;
  {
    absl::MutexLock lock(&mu_);
    auto c = snapshot_.connectors.find(name);
    if (c == snapshot_.connectors.end()) return false;
    config = c->second;
    auto it = hosts_.find(name);
    // A host stays while its sandbox policy is the one the config asks for.
    if (it != hosts_.end() && worker_->HostAlive(name) && worker_->HostFits(name, config)) {
      new_hosts_.erase(name);
      return true;
    }
    if (it != hosts_.end()) hosts_.erase(it);
    generation = next_host_generation_++;
    hosts_[name] = generation;
    new_hosts_.insert(name);
  }
  // A host that died is cleaned up before a new one starts.
  worker_->StopConnectorHost(name);
  absl::Status s = worker_->StartConnectorHost(
      name, config,
      [this, name, generation](const std::string& trace) { OnHostExit(name, generation, trace); },
      [this, name](const worker::ConnectorEvent& event) {
        absl::MutexLock lock(&mu_);
        events_.emplace_back(name, event);
        wake_.SignalAll();
      });
  if (!s.ok()) {
    absl::MutexLock lock(&mu_);
    hosts_.erase(name);
    return false;
  }
  return true;
}

void DistributedHerder::MaybeStopHost(const std::string& name) {
  {
    absl::MutexLock lock(&mu_);
    if (instances_.contains(name) || running_connectors_.contains(name)) return;
    for (const TaskKey& t : running_tasks_) {
      if (t.first == name) return;
    }
    if (hosts_.erase(name) == 0) return;
  }
  worker_->StopConnectorHost(name);
}

void DistributedHerder::OnHostExit(const std::string& name, uint64_t host_generation,
                                   const std::string& trace) {
  std::vector<int> tasks;
  bool owns_connector;
  {
    absl::MutexLock lock(&mu_);
    auto it = hosts_.find(name);
    if (it == hosts_.end() || it->second != host_generation) return;  // stopped on purpose
    instances_.erase(name);
    owns_connector = running_connectors_.contains(name);
    for (const TaskKey& t : running_tasks_) {
      if (t.first == name) tasks.push_back(t.second);
    }
  }
  spdlog::error("The plugin host of connector {} died: {}", name, trace);
  if (owns_connector) {
    options_.status_store->PutConnectorSafe(name, Status(State::kFailed, trace));
  }
  for (int task : tasks) {
    options_.status_store->PutTaskSafe(name, task, Status(State::kFailed, trace));
  }
}

void DistributedHerder::StartConnector(const std::string& name) {
  store::TargetState target;
  {
    absl::MutexLock lock(&mu_);
    if (!snapshot_.connectors.contains(name)) return;
    target = TargetOf(snapshot_, name);
    running_connectors_.insert(name);
  }
  spdlog::info("Starting connector {}", name);
  if (target == store::TargetState::kStopped) {
    options_.status_store->PutConnector(name, Status(State::kStopped, std::nullopt));
    return;
  }
  if (!EnsureHost(name)) return;  // reported FAILED by the worker
  if (!NewHost(name)) {
    // The host outlived an earlier instance (its tasks run here): the instance starts with the
    // config of now. A config the host's plugin cannot take (another connector.class) needs a
    // host of its own: the tasks here start again in it.
    ConfigMap config;
    {
      absl::MutexLock lock(&mu_);
      config = snapshot_.connectors.at(name);
    }
    if (!worker_->ReplaceConnectorConfig(name, config).ok()) {
      std::vector<int> tasks;
      {
        absl::MutexLock lock(&mu_);
        for (const TaskKey& t : running_tasks_) {
          if (t.first == name) tasks.push_back(t.second);
        }
        hosts_.erase(name);
      }
      worker_->StopConnectorHost(name);
      if (!EnsureHost(name)) return;
      for (int task : tasks) StartTask({name, task});
    }
  }
  if (target == store::TargetState::kPaused) {
    options_.status_store->PutConnector(name, Status(State::kPaused, std::nullopt));
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    instances_.insert(name);
  }
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->StartConnector(name);
  if (!tasks.ok()) {
    absl::MutexLock lock(&mu_);
    instances_.erase(name);
    return;  // reported FAILED by the worker
  }
  if (absl::Status s = PublishTaskConfigs(name, *tasks); !s.ok()) {
    spdlog::error("Failed to reconfigure connector's tasks ({}), retrying after backoff: {}", name,
                  std::string(s.message()));
    Enqueue({.run = [this, name] { ReconfigureConnector(name, 1); },
             .not_before = options_.now() + ReconfigureBackoff(0),
             .internal = true});
  }
}

void DistributedHerder::StopConnectorHere(const std::string& name) {
  bool instance;
  {
    absl::MutexLock lock(&mu_);
    instance = instances_.erase(name) > 0;
    running_connectors_.erase(name);
  }
  if (instance && worker_->HostAlive(name)) {
    worker_->StopConnector(name, options_.config->worker.task_shutdown_graceful_timeout);
  }
  options_.status_store->PutConnectorSafe(name, Status(State::kUnassigned, std::nullopt));
  MaybeStopHost(name);
}

bool DistributedHerder::StartTask(const ConnectorTaskId& id) {
  ConfigMap task_config;
  size_t count;
  store::TargetState target;
  {
    absl::MutexLock lock(&mu_);
    std::vector<ConfigMap> tasks = TasksOf(snapshot_, id.connector);
    if (id.task < 0 || static_cast<size_t>(id.task) >= tasks.size()) {
      spdlog::warn("Task {} is assigned but has no config", TaskName(id.connector, id.task));
      return false;
    }
    task_config = tasks[static_cast<size_t>(id.task)];
    count = tasks.size();
    target = TargetOf(snapshot_, id.connector);
    running_tasks_.insert({id.connector, id.task});
    task_started_with_[{id.connector, id.task}] = task_config;
  }
  spdlog::info("Starting task {}", TaskName(id.connector, id.task));
  if (!EnsureHost(id.connector)) {
    options_.status_store->PutTask(
        id.connector, id.task,
        Status(State::kFailed,
               absl::StrCat("Could not start the plugin host of connector ", id.connector)));
    return false;
  }
  return worker_->StartTask(id.connector, id.task, task_config, count,
                            target == store::TargetState::kPaused);
}

void DistributedHerder::StopTaskHere(const ConnectorTaskId& id) {
  {
    absl::MutexLock lock(&mu_);
    running_tasks_.erase({id.connector, id.task});
    task_started_with_.erase({id.connector, id.task});
  }
  spdlog::info("Stopping task {}", TaskName(id.connector, id.task));
  if (worker_->HostAlive(id.connector)) worker_->StopTask(id.connector, id.task);
  MaybeStopHost(id.connector);
}

// ---- Task configs ---------------------------------------------------------------------------

void DistributedHerder::ReconfigureConnector(const std::string& name, int attempt) {
  {
    absl::MutexLock lock(&mu_);
    if (!instances_.contains(name) || TargetOf(snapshot_, name) != store::TargetState::kStarted) {
      return;  // not running here (any more)
    }
  }
  if (!worker_->HostAlive(name)) return;
  absl::StatusOr<std::vector<ConfigMap>> tasks = worker_->ConnectorTaskConfigs(name);
  if (!tasks.ok()) return;  // the connector is FAILED; a restart tries again
  if (absl::Status s = PublishTaskConfigs(name, *tasks); !s.ok()) {
    spdlog::error("Failed to reconfigure connector's tasks ({}), retrying after backoff: {}", name,
                  std::string(s.message()));
    Enqueue({.run = [this, name, attempt] { ReconfigureConnector(name, attempt + 1); },
             .not_before = options_.now() + ReconfigureBackoff(attempt),
             .internal = true});
  }
}

absl::Status DistributedHerder::PublishTaskConfigs(const std::string& name,
                                                   const std::vector<ConfigMap>& tasks) {
  bool leader;
  {
    absl::MutexLock lock(&mu_);
    if (TasksOf(snapshot_, name) == tasks && !snapshot_.inconsistent.contains(name) &&
        (snapshot_.task_configs.contains(name) || tasks.empty())) {
      return absl::OkStatus();  // unchanged
    }
    leader = assignment_.has_value() && assignment_->leader;
  }
  if (leader) {
    {
      absl::MutexLock lock(&mu_);
      if (!tasks.empty() && TargetOf(snapshot_, name) == store::TargetState::kStopped) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Cannot submit non-empty set of task configs for stopped connector ", name));
      }
    }
    return options_.config_store->PutTaskConfigs(name, tasks);
  }
  // A follower hands them to the leader, on the forwarding thread.
  absl::MutexLock lock(&mu_);
  forwards_.push_back({name, tasks, 0});
  wake_.SignalAll();
  return absl::OkStatus();
}

void DistributedHerder::RunForwarder() {
  while (true) {
    Forward forward;
    std::string leader_url;
    std::optional<store::SessionKey> key;
    bool sign;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !forwards_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      forward = std::move(forwards_.front());
      forwards_.pop_front();
      leader_url = assignment_.has_value() ? assignment_->assignment.leader_url : "";
      key = session_key_;
      sign = protocol_ == distributed::ConnectProtocolCompatibility::kSessioned;
    }
    absl::Status result;
    if (leader_url.empty()) {
      result = absl::UnavailableError(
          "Request to leader to reconfigure connector tasks failed because the URL of the "
          "leader's REST interface is empty!");
    } else {
      distributed::RestRequest request;
      request.method = "POST";
      request.url = absl::StrCat(leader_url, absl::EndsWith(leader_url, "/") ? "" : "/",
                                 "connectors/", EncodePathSegment(forward.connector), "/tasks");
      request.body = TaskConfigsJson(forward.tasks);
      if (sign && key.has_value()) {
        absl::StatusOr<distributed::SignatureHeaders> headers = distributed::SignRequest(
            key->key, *request.body, options_.config->inter_worker_signature_algorithm);
        if (headers.ok()) request.signature = *headers;
      }
      spdlog::debug("Forwarding task configurations for connector {} to leader", forward.connector);
      absl::StatusOr<distributed::RestResponse> response = rest_client_.Send(request);
      result = response.ok() ? distributed::ErrorOf(*response) : response.status();
    }
    if (!result.ok()) {
      spdlog::error("Request to leader to reconfigure connector tasks failed: {}",
                    std::string(result.message()));
      const std::string name = forward.connector;
      const int attempt = forward.attempt;
      Enqueue({.run = [this, name, attempt] { ReconfigureConnector(name, attempt + 1); },
               .not_before = options_.now() + ReconfigureBackoff(attempt),
               .internal = true});
    }
  }
}

// ---- Restarts -------------------------------------------------------------------------------

void DistributedHerder::ProcessRestartRequests() {
  {
    absl::MutexLock lock(&mu_);
    if (!restart_requests_pending_) return;
    restart_requests_pending_ = false;
  }
  for (const auto& [name, request] : options_.config_store->TakeRestartRequests()) {
    ApplyRestart(request);
  }
}

void DistributedHerder::ApplyRestart(const store::RestartRequest& request) {
  const std::string& name = request.connector;
  std::optional<InstanceStatus> status = options_.status_store->GetConnector(name);
  if (!status.has_value()) {
    spdlog::debug("Skipping restart of connector '{}' since no status is available", name);
    return;
  }
  const bool restart_connector =
      (!request.only_failed || status->state == State::kFailed) && OwnsConnector(name);
  std::vector<int> tasks;
  if (request.include_tasks) {
    for (const auto& [task, task_status] : options_.status_store->GetTasks(name)) {
      if ((!request.only_failed || task_status.state == State::kFailed) && OwnsTask(name, task)) {
        tasks.push_back(task);
      }
    }
  }
  if (restart_connector) {
    StopConnectorHere(name);
    options_.status_store->PutConnector(name, Status(State::kRestarting, std::nullopt));
  }
  for (int task : tasks) {
    StopTaskHere({name, task});
    options_.status_store->PutTask(name, task, Status(State::kRestarting, std::nullopt));
  }
  if (restart_connector) StartConnector(name);
  for (int task : tasks) StartTask({name, task});
  if (restart_connector || !tasks.empty()) {
    spdlog::info("Restarted connector {} ({}) and {} of its tasks", name,
                 restart_connector ? "restarted" : "not restarted", tasks.size());
  }
}

// ---- Requests -------------------------------------------------------------------------------

void DistributedHerder::Enqueue(Request request) {
  absl::MutexLock lock(&mu_);
  requests_.push_back(std::move(request));
  wake_.SignalAll();
}

absl::Status DistributedHerder::RunOnHerderThread(std::function<absl::Status()> body) {
  struct Outcome {
    bool started = false;
    bool cancelled = false;
    bool done = false;
    absl::Status status;
  };
  auto outcome = std::make_shared<Outcome>();
  Enqueue({.run =
               [this, outcome, body = std::move(body)] {
                 {
                   absl::MutexLock lock(&mu_);
                   if (outcome->cancelled) return;
                   outcome->started = true;
                 }
                 absl::Status status = body();
                 absl::MutexLock lock(&mu_);
                 outcome->status = std::move(status);
                 outcome->done = true;
                 wake_.SignalAll();
               }});
  const absl::Time deadline = absl::Now() + options_.request_timeout;
  absl::MutexLock lock(&mu_);
  while (!outcome->done) {
    if (stopping_ && !outcome->started) {
      outcome->cancelled = true;
      return ShuttingDown();
    }
    // Once the body runs, its caller waits for it: the body may write into the caller's frame.
    if (wake_.WaitWithDeadline(&mu_, deadline) && !outcome->started && !outcome->done) {
      outcome->cancelled = true;
      return RequestTimedOut();
    }
  }
  return outcome->status;
}

bool DistributedHerder::IsLeader() const {
  absl::MutexLock lock(&mu_);
  return assignment_.has_value() && assignment_->leader;
}

absl::Status DistributedHerder::NotLeaderError(std::string_view message) const {
  absl::MutexLock lock(&mu_);
  std::optional<std::string> url;
  if (assignment_.has_value() && !assignment_->assignment.leader_url.empty()) {
    url = assignment_->assignment.leader_url;
  }
  return NotLeader(message, url);
}

absl::StatusOr<ValidatedConfig> DistributedHerder::Validate(
    const ConfigMap& config, const std::set<std::string>& null_keys) {
  absl::StatusOr<ValidatedConfig> validated =
      ValidateConnectorConfig(*options_.registry, options_.config->worker, config, null_keys);
  if (!validated.ok()) return validated.status();
  if (validated->error_count > 0) {
    return absl::InvalidArgumentError(InvalidConfigMessage(*validated));
  }
  return validated;
}

absl::StatusOr<PutResult> DistributedHerder::DoPutConnectorConfig(
    const std::string& name, ConfigMap config, std::optional<store::TargetState> target,
    bool allow_replace, const std::set<std::string>& null_keys) {
  if (auto it = config.find("name"); it != config.end() && it->second != name) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Connector name configuration (", it->second,
        ") doesn't match connector name in the URL (", name, ")"));
  }
  config["name"] = name;
  // Wait for the rebalance under way, then go to the leader when this is not it.
  if (absl::Status s = RunOnHerderThread([] { return absl::OkStatus(); }); !s.ok()) return s;
  if (!IsLeader()) return NotLeaderError("Only the leader can set connector configs.");
  absl::StatusOr<ValidatedConfig> validated = Validate(config, null_keys);
  if (!validated.ok()) return validated.status();
  PutResult result;
  absl::Status written = RunOnHerderThread([&]() -> absl::Status {
    if (!IsLeader()) return NotLeaderError("Only the leader can set connector configs.");
    store::ClusterConfigState s = options_.config_store->Snapshot();
    const bool exists = s.connectors.contains(name);
    if (!allow_replace && exists) {
      return absl::AlreadyExistsError(absl::StrCat("Connector ", name, " already exists"));
    }
    if (absl::Status w = options_.config_store->PutConnectorConfig(name, config, target);
        !w.ok()) {
      return w;
    }
    result.created = !exists;
    result.info.name = name;
    result.info.config = config;
    for (size_t i = 0; i < TasksOf(s, name).size(); ++i) {
      result.info.tasks.push_back(static_cast<int>(i));
    }
    result.info.type = std::string(plugins::ConnectorTypeName(validated->plugin->type));
    return absl::OkStatus();
  });
  if (!written.ok()) return written;
  spdlog::info("{} connector {}", result.created ? "Created" : "Reconfigured", name);
  return result;
}

absl::StatusOr<ConnectorInfo> DistributedHerder::CreateConnector(
    std::string name, ConfigMap config, std::optional<std::string> initial_state,
    const std::set<std::string>& null_keys) {
  name = std::string(absl::StripAsciiWhitespace(name));
  std::optional<store::TargetState> target;
  if (initial_state.has_value()) {
    target = InitialTargetState(*initial_state);
    if (!target.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Invalid initial state ", *initial_state,
          "; the initial state must be one of RUNNING, PAUSED or STOPPED"));
    }
  }
  absl::StatusOr<PutResult> result =
      DoPutConnectorConfig(name, std::move(config), target, /*allow_replace=*/false, null_keys);
  if (!result.ok()) return result.status();
  return result->info;
}

absl::StatusOr<PutResult> DistributedHerder::PutConnectorConfig(
    const std::string& name, ConfigMap config, const std::set<std::string>& null_keys) {
  return DoPutConnectorConfig(name, std::move(config), std::nullopt, /*allow_replace=*/true,
                              null_keys);
}

absl::StatusOr<ConnectorInfo> DistributedHerder::PatchConnectorConfig(
    const std::string& name, const std::map<std::string, std::optional<std::string>>& patch) {
  if (absl::Status s = RunOnHerderThread([] { return absl::OkStatus(); }); !s.ok()) return s;
  if (!IsLeader()) return NotLeaderError("Only the leader can set connector configs.");
  absl::StatusOr<ConfigMap> merged = GetConnectorConfig(name);
  if (!merged.ok()) return merged.status();
  for (const auto& [key, value] : patch) {
    if (value.has_value()) {
      (*merged)[key] = *value;
    } else {
      merged->erase(key);
    }
  }
  absl::StatusOr<PutResult> result = PutConnectorConfig(name, *std::move(merged));
  if (!result.ok()) return result.status();
  return result->info;
}

absl::Status DistributedHerder::DeleteConnector(const std::string& name) {
  return RunOnHerderThread([&]() -> absl::Status {
    if (!IsLeader()) return NotLeaderError("Only the leader can delete connector configs.");
    if (!options_.config_store->Snapshot().connectors.contains(name)) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
    if (absl::Status s = options_.config_store->RemoveConnectorConfig(name); !s.ok()) return s;
    spdlog::info("Deleted connector {}", name);
    return absl::OkStatus();
  });
}

absl::Status DistributedHerder::PauseConnector(const std::string& name) {
  // Any worker writes a target state (Java's pauseConnector does not go through the leader).
  if (!options_.config_store->Snapshot().connectors.contains(name)) {
    return absl::NotFoundError(absl::StrCat("Unknown connector ", name));
  }
  return options_.config_store->PutTargetState(name, store::TargetState::kPaused);
}

absl::Status DistributedHerder::ResumeConnector(const std::string& name) {
  if (!options_.config_store->Snapshot().connectors.contains(name)) {
    return absl::NotFoundError(absl::StrCat("Unknown connector ", name));
  }
  return options_.config_store->PutTargetState(name, store::TargetState::kStarted);
}

absl::Status DistributedHerder::StopConnector(const std::string& name) {
  return RunOnHerderThread([&]() -> absl::Status {
    if (!options_.config_store->Snapshot().connectors.contains(name)) {
      return absl::NotFoundError(absl::StrCat("Unknown connector ", name));
    }
    if (!IsLeader()) {
      return NotLeaderError("Only the leader can transition connectors to the STOPPED state.");
    }
    // Task configs first: a RUNNING connector with no tasks is better than a STOPPED one with
    // tasks, should this worker die in between.
    if (absl::Status s = options_.config_store->PutTaskConfigs(name, {}); !s.ok()) return s;
    if (absl::Status s = options_.config_store->PutTargetState(name, store::TargetState::kStopped);
        !s.ok()) {
      return s;
    }
    if (!RefreshSnapshot()) {
      spdlog::warn("Failed to read to end of config topic after writing the STOPPED target state "
                   "for connector {}",
                   name);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<RestartResult> DistributedHerder::RestartConnector(const std::string& name,
                                                                  bool include_tasks,
                                                                  bool only_failed) {
  RestartResult result;
  absl::Status s = RunOnHerderThread([&]() -> absl::Status {
    store::ClusterConfigState snapshot = options_.config_store->Snapshot();
    if (!snapshot.connectors.contains(name)) {
      return absl::NotFoundError(absl::StrCat("Unknown connector: ", name));
    }
    if (!include_tasks && !only_failed) {
      // restartConnector: the owner restarts it; the leader points at the owner.
      if (OwnsConnector(name)) {
        StopConnectorHere(name);
        StartConnector(name);
        return absl::OkStatus();
      }
      if (IsLeader()) {
        absl::MutexLock lock(&mu_);
        auto it = connector_owners_.find(name);
        return NotLeader("Cannot restart connector since it is not assigned to this member",
                         it == connector_owners_.end() ? std::nullopt
                                                       : std::optional<std::string>(it->second));
      }
      return NotLeaderError("Only the leader can process restart requests.");
    }
    if (!IsLeader()) return NotLeaderError("Only the leader can process restart requests.");
    store::RestartRequest request{name, only_failed, include_tasks};
    if (absl::Status w = options_.config_store->PutRestartRequest(request); !w.ok()) return w;
    // The plan, as the request was accepted: what will restart is shown RESTARTING.
    std::optional<InstanceStatus> connector = options_.status_store->GetConnector(name);
    if (!connector.has_value()) {
      return absl::NotFoundError(absl::StrCat("Status for connector ", name, " not found"));
    }
    ConnectorStatus status{name, *connector, options_.status_store->GetTasks(name),
                           TypeOf(snapshot.connectors.at(name))};
    if (!only_failed || connector->state == State::kFailed) {
      status.connector.state = State::kRestarting;
      status.connector.trace.reset();
    }
    for (auto& [task, task_status] : status.tasks) {
      if (include_tasks && (!only_failed || task_status.state == State::kFailed)) {
        task_status.state = State::kRestarting;
        task_status.trace.reset();
      }
    }
    result.status = std::move(status);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return result;
}

absl::Status DistributedHerder::RestartTask(const std::string& name, int task) {
  return RunOnHerderThread([&]() -> absl::Status {
    store::ClusterConfigState snapshot = options_.config_store->Snapshot();
    if (!snapshot.connectors.contains(name)) {
      return absl::NotFoundError(absl::StrCat("Unknown connector: ", name));
    }
    if (task < 0 || static_cast<size_t>(task) >= TasksOf(snapshot, name).size()) {
      return absl::NotFoundError(absl::StrCat("Unknown task: ", TaskName(name, task)));
    }
    if (OwnsTask(name, task)) {
      StopTaskHere({name, task});
      if (!StartTask({name, task})) {
        return absl::InternalError(absl::StrCat("Failed to start task: ", TaskName(name, task)));
      }
      return absl::OkStatus();
    }
    constexpr char kNotAssigned[] = "Cannot restart task since it is not assigned to this member";
    if (IsLeader()) {
      absl::MutexLock lock(&mu_);
      auto it = task_owners_.find({name, task});
      return NotLeader(kNotAssigned, it == task_owners_.end()
                                         ? std::nullopt
                                         : std::optional<std::string>(it->second));
    }
    return NotLeaderError(kNotAssigned);
  });
}

absl::StatusOr<ConfigMap> DistributedHerder::StoppedForOffsets(const std::string& name) {
  if (!IsLeader()) {
    return NotLeaderError("Only the leader can process external offsets modification requests");
  }
  if (!RefreshSnapshot()) {
    return absl::InternalError(
        "Failed to read to end of config topic before modifying connector offsets");
  }
  absl::MutexLock lock(&mu_);
  auto it = snapshot_.connectors.find(name);
  if (it == snapshot_.connectors.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  auto count = snapshot_.task_configs.find(name);
  if (TargetOf(snapshot_, name) != store::TargetState::kStopped ||
      (count != snapshot_.task_configs.end() && !count->second.empty())) {
    return absl::FailedPreconditionError(NotStoppedForOffsetsMessage(name));
  }
  return it->second;
}

absl::StatusOr<std::string> DistributedHerder::ChangeOffsets(
    const std::string& name,
    const std::function<absl::StatusOr<std::string>(const ConfigMap&)>& change) {
  std::string message;
  absl::Status s = RunOnHerderThread([&]() -> absl::Status {
    absl::StatusOr<ConfigMap> config = StoppedForOffsets(name);
    if (!config.ok()) return config.status();
    absl::StatusOr<std::string> done = change(*config);
    if (!done.ok()) return done.status();
    message = *std::move(done);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return message;
}

absl::StatusOr<std::string> DistributedHerder::AlterSourceOffsets(
    const std::string& name,
    const std::vector<std::pair<sluice::Value, std::optional<sluice::Value>>>& offsets,
    bool reset_all) {
  return ChangeOffsets(name, [&](const ConfigMap& config) {
    return offsets_.AlterSource(name, config, offsets, reset_all);
  });
}

absl::StatusOr<std::string> DistributedHerder::ModifySinkOffsets(const std::string& name,
                                                                 const SinkOffsetChanges& offsets,
                                                                 bool reset_all) {
  return ChangeOffsets(name, [&](const ConfigMap& config) {
    return offsets_.ModifySink(name, config, offsets, reset_all);
  });
}

// ---- Reads ----------------------------------------------------------------------------------

std::string DistributedHerder::TypeOf(const ConfigMap& config) const {
  auto cls = config.find("connector.class");
  const plugins::ConnectorPlugin* plugin =
      cls == config.end() ? nullptr : options_.registry->Find(cls->second);
  return plugin == nullptr ? "unknown" : std::string(plugins::ConnectorTypeName(plugin->type));
}

std::vector<std::string> DistributedHerder::ConnectorNames() const {
  std::vector<std::string> names;
  for (const auto& [name, config] : options_.config_store->Snapshot().connectors) {
    names.push_back(name);
  }
  return names;
}

absl::StatusOr<ConfigMap> DistributedHerder::GetConnectorConfig(const std::string& name) const {
  store::ClusterConfigState s = options_.config_store->Snapshot();
  auto it = s.connectors.find(name);
  if (it == s.connectors.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  return it->second;
}

absl::StatusOr<std::string> DistributedHerder::ConnectorType(const std::string& name) const {
  absl::StatusOr<ConfigMap> config = GetConnectorConfig(name);
  if (!config.ok()) return config.status();
  return TypeOf(*config);
}

absl::StatusOr<ConnectorInfo> DistributedHerder::GetConnectorInfo(const std::string& name) const {
  store::ClusterConfigState s = options_.config_store->Snapshot();
  auto it = s.connectors.find(name);
  if (it == s.connectors.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  ConnectorInfo info{name, it->second, {}, TypeOf(it->second)};
  for (size_t i = 0; i < TasksOf(s, name).size(); ++i) info.tasks.push_back(static_cast<int>(i));
  return info;
}

absl::StatusOr<std::vector<TaskInfo>> DistributedHerder::GetTasks(const std::string& name) const {
  store::ClusterConfigState s = options_.config_store->Snapshot();
  if (!s.connectors.contains(name)) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  std::vector<TaskInfo> tasks;
  std::vector<ConfigMap> configs = TasksOf(s, name);
  for (size_t i = 0; i < configs.size(); ++i) {
    tasks.push_back({static_cast<int>(i), std::move(configs[i])});
  }
  return tasks;
}

absl::StatusOr<ConnectorStatus> DistributedHerder::GetConnectorStatus(
    const std::string& name) const {
  std::optional<InstanceStatus> connector = options_.status_store->GetConnector(name);
  if (!connector.has_value()) {
    return absl::NotFoundError(absl::StrCat("No status found for connector ", name));
  }
  absl::StatusOr<ConfigMap> config = GetConnectorConfig(name);
  return ConnectorStatus{name, *std::move(connector), options_.status_store->GetTasks(name),
                         config.ok() ? TypeOf(*config) : "unknown"};
}

absl::StatusOr<InstanceStatus> DistributedHerder::GetTaskStatus(const std::string& name,
                                                                int task) const {
  std::optional<InstanceStatus> status = options_.status_store->GetTask(name, task);
  if (!status.has_value()) {
    return absl::NotFoundError(absl::StrCat("No status found for task ", TaskName(name, task)));
  }
  return *status;
}

absl::StatusOr<std::vector<PartitionOffsetJson>> DistributedHerder::GetSourceOffsets(
    const std::string& name) const {
  if (absl::StatusOr<ConfigMap> config = GetConnectorConfig(name); !config.ok()) {
    return config.status();
  }
  return offsets_.SourceOffsets(name);
}

absl::StatusOr<std::vector<kafka::CommittedOffset>> DistributedHerder::GetSinkOffsets(
    const std::string& name) const {
  absl::StatusOr<ConfigMap> config = GetConnectorConfig(name);
  if (!config.ok()) return config.status();
  return offsets_.SinkOffsets(name, *config);
}

std::vector<std::string> DistributedHerder::GetActiveTopics(const std::string& name) const {
  std::set<std::string> topics = options_.status_store->GetTopics(name);
  return std::vector<std::string>(topics.begin(), topics.end());
}

void DistributedHerder::ResetActiveTopics(const std::string& name) {
  options_.status_store->RemoveTopics(name);
}

// ---- Internal endpoints ---------------------------------------------------------------------

absl::Status DistributedHerder::CheckSignature(
    const std::optional<distributed::RequestSignature>& signature) const {
  std::optional<store::SessionKey> key;
  {
    absl::MutexLock lock(&mu_);
    if (protocol_ != distributed::ConnectProtocolCompatibility::kSessioned) {
      return absl::OkStatus();
    }
    key = session_key_;
  }
  if (!signature.has_value()) {
    return absl::InvalidArgumentError("Internal request missing required signature");
  }
  const std::vector<std::string>& allowed = options_.config->inter_worker_verification_algorithms;
  if (std::find(allowed.begin(), allowed.end(), signature->algorithm()) == allowed.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "This worker does not support the '", signature->algorithm(),
        "' key signing algorithm used by other workers. This worker is currently configured to "
        "use: [",
        absl::StrJoin(allowed, ", "),
        "]. Check that all workers' configuration files permit the same set of signature "
        "algorithms, and correct any misconfigured worker and restart it."));
  }
  if (!key.has_value()) {
    return absl::UnavailableError(
        "This worker is still starting up and has not been able to read a session key from the "
        "config topic yet");
  }
  absl::StatusOr<bool> valid = signature->IsValid(key->key);
  if (!valid.ok()) return absl::InternalError(valid.status().message());
  if (!*valid) return absl::PermissionDeniedError("Internal request contained invalid signature.");
  return absl::OkStatus();
}

absl::Status DistributedHerder::PutTaskConfigs(
    const std::string& name, const std::vector<ConfigMap>& configs,
    const std::optional<distributed::RequestSignature>& signature) {
  if (absl::Status s = CheckSignature(signature); !s.ok()) return s;
  return RunOnHerderThread([&]() -> absl::Status {
    if (!IsLeader()) return NotLeaderError("Only the leader may write task configurations.");
    store::ClusterConfigState snapshot = options_.config_store->Snapshot();
    if (!snapshot.connectors.contains(name)) {
      return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
    }
    if (!configs.empty() && TargetOf(snapshot, name) == store::TargetState::kStopped) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Cannot submit non-empty set of task configs for stopped connector ", name));
    }
    return options_.config_store->PutTaskConfigs(name, configs);
  });
}

absl::Status DistributedHerder::FenceZombies(
    const std::string& name, const std::optional<distributed::RequestSignature>& signature) {
  if (absl::Status s = CheckSignature(signature); !s.ok()) return s;
  return RunOnHerderThread([&]() -> absl::Status {
    if (!IsLeader()) return NotLeaderError("Only the leader may perform zombie fencing.");
    return absl::UnimplementedError(absl::StrCat(
        "Cannot fence zombie tasks of connector ", name,
        ": this worker does not support exactly-once source connectors"));
  });
}

absl::StatusOr<bool> DistributedHerder::SetClusterLoggerLevel(const std::string& logger_namespace,
                                                              const std::string& level) {
  if (absl::Status s = options_.config_store->PutLoggerLevel(logger_namespace, level); !s.ok()) {
    return s;
  }
  return true;
}

// ---- Statuses -------------------------------------------------------------------------------

InstanceStatus DistributedHerder::Status(State state, std::optional<std::string> trace) const {
  absl::MutexLock lock(&mu_);
  return InstanceStatus{state, options_.worker_id, std::move(trace), std::max(generation_, 0)};
}

bool DistributedHerder::OwnsConnector(const std::string& name) const {
  absl::MutexLock lock(&mu_);
  return running_connectors_.contains(name);
}

bool DistributedHerder::OwnsTask(const std::string& name, int task) const {
  absl::MutexLock lock(&mu_);
  return running_tasks_.contains({name, task});
}

void DistributedHerder::OnConnectorRunning(const std::string& name) {
  if (!OwnsConnector(name)) return;
  options_.status_store->PutConnector(name, Status(State::kRunning, std::nullopt));
  restarts_->OnRunning(name, kConnectorInstance);
}

config::RestartPolicy DistributedHerder::RestartPolicyOf(const std::string& name) const {
  store::ClusterConfigState snapshot = options_.config_store->Snapshot();
  auto it = snapshot.connectors.find(name);
  if (it == snapshot.connectors.end()) return config::RestartPolicy();  // deleted: none
  config::SupervisionErrors errors;  // validation refused bad values before they were stored
  return config::ParseSupervision(it->second, options_.config->worker.watchdog, errors).restart;
}

void DistributedHerder::OnConnectorFailed(const std::string& name, const std::string& trace) {
  spdlog::error("Connector {} failed: {}", name, trace);
  if (!OwnsConnector(name)) return;
  options_.status_store->PutConnectorSafe(name, Status(State::kFailed, trace));
  restarts_->OnFailed(name, kConnectorInstance, RestartPolicyOf(name));
}

void DistributedHerder::OnTaskRunning(const runtime::TaskId& id) {
  State state = State::kRunning;
  {
    absl::MutexLock lock(&mu_);
    if (TargetOf(snapshot_, id.connector) == store::TargetState::kPaused) state = State::kPaused;
  }
  options_.status_store->PutTask(id.connector, id.task, Status(state, std::nullopt));
  restarts_->OnRunning(id.connector, id.task);
}

void DistributedHerder::OnTaskFailed(const runtime::TaskId& id, const std::string& trace) {
  options_.status_store->PutTaskSafe(id.connector, id.task, Status(State::kFailed, trace));
  restarts_->OnFailed(id.connector, id.task, RestartPolicyOf(id.connector));
}

absl::StatusOr<ConnectorResources> DistributedHerder::GetConnectorResources(
    const std::string& name) const {
  store::ClusterConfigState snapshot = options_.config_store->Snapshot();
  auto it = snapshot.connectors.find(name);
  if (it == snapshot.connectors.end()) {
    return absl::NotFoundError(absl::StrCat("Connector ", name, " not found"));
  }
  ConnectorResources out;
  out.name = name;
  out.worker_id = options_.worker_id;
  config::SupervisionErrors errors;
  out.restart_enabled =
      config::ParseSupervision(it->second, options_.config->worker.watchdog, errors).restart.enabled;
  out.host = worker_->ResourcesOf(name);
  out.restarts = restarts_->CountsOf(name);
  return out;
}

void DistributedHerder::OnTaskStopped(const runtime::TaskId& id) {
  options_.status_store->PutTaskSafe(id.connector, id.task,
                                     Status(State::kUnassigned, std::nullopt));
}

void DistributedHerder::OnTopicUsed(const runtime::TaskId& id, const std::string& topic) {
  options_.status_store->PutTopic(id.connector, topic, id.task);
}

DistributedHerder::GroupView DistributedHerder::View() const {
  absl::MutexLock lock(&mu_);
  GroupView view;
  view.generation = generation_;
  view.resolved = resolved_;
  view.waiting_requests = requests_.size();
  if (assignment_.has_value()) {
    view.member_id = assignment_->member_id;
    view.leader = assignment_->leader;
    view.leader_url = assignment_->assignment.leader_url;
  }
  view.connectors.assign(running_connectors_.begin(), running_connectors_.end());
  for (const TaskKey& t : running_tasks_) view.tasks.push_back({t.first, t.second});
  return view;
}

}  // namespace sluice::herder
