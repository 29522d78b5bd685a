#include "server/store/kafka_status_store.h"

#include <utility>

#include "absl/time/clock.h"
#include "spdlog/spdlog.h"

namespace sluice::store {
namespace {

StatusValue ToValue(const InstanceStatus& status) {
  return StatusValue{.state = status.state,
                     .trace = status.trace,
                     .worker_id = status.worker_id,
                     .generation = status.generation};
}

InstanceStatus ToInstance(const StatusValue& value) {
  return InstanceStatus{.state = value.state,
                        .worker_id = value.worker_id.value_or(""),
                        .trace = value.trace,
                        .generation = value.generation};
}

// Java's RetriableException for a producer send: timeouts, a broker or leader not reachable,
// an unknown topic or partition (metadata not there yet), not enough replicas.
bool IsRetriable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
         absl::IsNotFound(status);
}

}  // namespace

KafkaStatusStore::KafkaStatusStore(Options options) : options_(std::move(options)) {}

KafkaStatusStore::~KafkaStatusStore() { Stop(); }

absl::Status KafkaStatusStore::Start(absl::Duration timeout) {
  if (log_ != nullptr) return absl::FailedPreconditionError("The status store was started already");
  StoreLogSpec spec{
      .purpose = kafka::InternalTopic::kStatus,
      .client_id_suffix = "statuses",
      .forced_producer_settings = {{"retries", "0"}, {"enable.idempotence", "false"}},
      .on_record = [this](const kafka::LogRecord& record) { OnRecord(record); }};
  // A failed send is what starts the store's retry: without a setting of the user's, it fails
  // after the Java producer's default delivery.timeout.ms (120 s) rather than librdkafka's
  // (300 s).
  KafkaStoreOptions kafka = options_.kafka;
  if (kafka.producer_settings.count("delivery.timeout.ms") == 0 &&
      kafka.producer_settings.count("message.timeout.ms") == 0) {
    kafka.producer_settings["delivery.timeout.ms"] = "120000";
  }
  absl::StatusOr<std::unique_ptr<kafka::KafkaLog>> log =
      OpenStoreLog(kafka, std::move(spec), timeout);
  if (!log.ok()) return log.status();
  log_ = *std::move(log);
  retry_thread_ = std::thread([this] { RetryLoop(); });
  return absl::OkStatus();
}

void KafkaStatusStore::Stop() {
  if (log_ != nullptr) log_->Stop();
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (retry_thread_.joinable()) retry_thread_.join();
}

absl::Status KafkaStatusStore::Refresh(absl::Duration timeout) {
  if (log_ == nullptr) return absl::FailedPreconditionError("The status store is not started");
  return log_->ReadToEnd(timeout);
}

absl::Status KafkaStatusStore::Flush(absl::Duration timeout) {
  if (log_ == nullptr) return absl::FailedPreconditionError("The status store is not started");
  return log_->Flush(timeout);
}

// ---- Writing ----

std::shared_ptr<KafkaStatusStore::Entry> KafkaStatusStore::GetOrAdd(const StatusKey& key) {
  std::shared_ptr<Entry>& entry = key.task.has_value()
                                      ? task_entries_[key.connector][*key.task]
                                      : connector_entries_[key.connector];
  if (entry == nullptr) entry = std::make_shared<Entry>();
  return entry;
}

std::optional<StatusValue> KafkaStatusStore::Cached(const StatusKey& key) const {
  return key.task.has_value() ? state_.Task({key.connector, *key.task})
                              : state_.Connector(key.connector);
}

void KafkaStatusStore::PutStatus(StatusKey key, const InstanceStatus& status, bool safe) {
  const StatusValue value = ToValue(status);
  absl::StatusOr<TopicRecord> record =
      key.task.has_value() ? TaskStatusRecord({key.connector, *key.task}, value)
                           : ConnectorStatusRecord(key.connector, value);
  if (!record.ok()) {
    spdlog::error("Failed to write status update: {}", record.status().ToString());
    return;
  }
  auto pending = std::make_shared<Pending>();
  {
    absl::MutexLock lock(&mu_);
    generation_ = status.generation;
    std::shared_ptr<Entry> entry = GetOrAdd(key);
    if (safe && !CanWriteSafely(Cached(key), value)) return;
    pending->sequence = ++entry->sequence;
    pending->entry = std::move(entry);
  }
  pending->record = *std::move(record);
  pending->key = std::move(key);
  if (status.state != State::kDestroyed) pending->status = value;
  pending->generation = status.generation;
  pending->safe = safe;
  Send(std::move(pending));
}

void KafkaStatusStore::Send(std::shared_ptr<Pending> pending) {
  if (log_ == nullptr) {
    spdlog::error("Dropping the status update {}: the status store is not started",
                  pending->record.key);
    return;
  }
  std::optional<std::string_view> value;
  if (pending->record.value.has_value()) value = *pending->record.value;
  absl::Status sent =
      log_->Send(pending->record.key, value, std::nullopt,
                 [this, pending](const absl::StatusOr<kafka::SentRecord>& result) {
                   OnSent(pending, result.status());
                 });
  // A send the log refuses (its queue is full) fails as Java's send does when the producer's
  // buffer stays full: through the completion path.
  if (!sent.ok()) OnSent(pending, sent);
}

void KafkaStatusStore::OnSent(const std::shared_ptr<Pending>& pending,
                              const absl::Status& result) {
  if (result.ok()) return;
  absl::MutexLock lock(&mu_);
  if (!IsRetriable(result) || stopping_) {
    ++counts_.dropped;
    if (absl::IsCancelled(result)) {
      // Discarded by Stop.
      spdlog::debug("Status update {} not written: {}", pending->record.key, result.ToString());
    } else {
      spdlog::error("Failed to write status update {}: {}", pending->record.key,
                    result.ToString());
    }
    return;
  }
  if (pending->key.has_value()) {
    // Java's check before a retry: the entry was removed, another generation's status was put
    // since, or (safe puts) a later put of this entry was made or the cache no longer allows it.
    const Entry& entry = *pending->entry;
    bool changed = entry.deleted || pending->generation != generation_;
    if (!changed && pending->safe) {
      StatusValue incoming;
      if (pending->status.has_value()) {
        incoming = *pending->status;
      } else {
        incoming.generation = pending->generation;
      }
      changed = entry.sequence != pending->sequence ||
                !CanWriteSafely(Cached(*pending->key), incoming);
    }
    if (changed) {
      ++counts_.dropped;
      return;
    }
  }
  ++counts_.retried;
  retries_.push_back(pending);
}

void KafkaStatusStore::RetryLoop() {
  while (true) {
    std::shared_ptr<Pending> next;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !retries_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      next = std::move(retries_.front());
      retries_.pop_front();
    }
    Send(std::move(next));
  }
}

void KafkaStatusStore::PutConnector(const std::string& connector, const InstanceStatus& status) {
  PutStatus({connector, std::nullopt}, status, /*safe=*/false);
}

void KafkaStatusStore::PutConnectorSafe(const std::string& connector,
                                        const InstanceStatus& status) {
  PutStatus({connector, std::nullopt}, status, /*safe=*/true);
}

void KafkaStatusStore::PutTask(const std::string& connector, int task,
                               const InstanceStatus& status) {
  PutStatus({connector, task}, status, /*safe=*/false);
}

void KafkaStatusStore::PutTaskSafe(const std::string& connector, int task,
                                   const InstanceStatus& status) {
  PutStatus({connector, task}, status, /*safe=*/true);
}

void KafkaStatusStore::RemoveConnector(const std::string& connector) {
  std::vector<int32_t> tasks;
  InstanceStatus destroyed{.state = State::kDestroyed};
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [task, status] : state_.Tasks(connector)) tasks.push_back(task);
    destroyed.generation = generation_;
  }
  for (int32_t task : tasks) PutTask(connector, task, destroyed);
  PutConnector(connector, destroyed);
}

void KafkaStatusStore::RemoveTask(const std::string& connector, int task) {
  InstanceStatus destroyed{.state = State::kDestroyed};
  {
    absl::MutexLock lock(&mu_);
    destroyed.generation = generation_;
  }
  PutTask(connector, task, destroyed);
}

void KafkaStatusStore::PutTopic(const std::string& connector, const std::string& topic,
                                int task) {
  {
    absl::MutexLock lock(&mu_);
    if (state_.Topics(connector).count(topic) > 0) return;
  }
  PutTopicStatus({.topic = topic,
                  .connector = connector,
                  .task = task,
                  .discover_timestamp_ms = absl::ToUnixMillis(absl::Now())});
}

void KafkaStatusStore::PutTopicStatus(const TopicStatus& status) {
  auto pending = std::make_shared<Pending>();
  pending->record = TopicStatusRecord(status);
  Send(std::move(pending));
}

void KafkaStatusStore::RemoveTopics(const std::string& connector) {
  std::vector<std::string> topics;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [topic, status] : state_.Topics(connector)) topics.push_back(topic);
  }
  for (const std::string& topic : topics) {
    auto pending = std::make_shared<Pending>();
    pending->record = TopicStatusTombstone(topic, connector);
    Send(std::move(pending));
  }
}

// ---- Reading ----

void KafkaStatusStore::RemoveEntries(const std::string& connector) {
  auto c = connector_entries_.find(connector);
  if (c != connector_entries_.end()) {
    c->second->deleted = true;
    connector_entries_.erase(c);
  }
  auto t = task_entries_.find(connector);
  if (t != task_entries_.end()) {
    for (auto& [task, entry] : t->second) entry->deleted = true;
    task_entries_.erase(t);
  }
}

void KafkaStatusStore::OnRecord(const kafka::LogRecord& record) {
  if (!record.key.has_value()) {
    spdlog::warn("Discarding record with invalid key null");
    return;
  }
  TopicRecord r{std::string(*record.key), std::nullopt};
  if (record.value.has_value()) r.value = std::string(*record.value);
  const std::string_view key = r.key;
  absl::MutexLock lock(&mu_);
  // A tombstone removes the cache entries as Java's remove() does, so that pending retries of
  // the removed statuses are given up.
  if (!r.value.has_value()) {
    if (key.substr(0, kConnectorStatusPrefix.size()) == kConnectorStatusPrefix) {
      if (std::optional<std::string> connector = ParseConnectorStatusKey(key)) {
        RemoveEntries(*connector);
      }
    } else if (key.substr(0, kTaskStatusPrefix.size()) == kTaskStatusPrefix) {
      if (std::optional<ConnectorTaskId> id = ParseTaskStatusKey(key)) {
        auto t = task_entries_.find(id->connector);
        if (t != task_entries_.end()) {
          auto e = t->second.find(id->task);
          if (e != t->second.end()) {
            e->second->deleted = true;
            t->second.erase(e);
          }
        }
      }
    }
  }
  state_.Apply(r);
}

std::optional<InstanceStatus> KafkaStatusStore::GetConnector(const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  std::optional<StatusValue> v = state_.Connector(connector);
  if (!v.has_value()) return std::nullopt;
  return ToInstance(*v);
}

std::optional<InstanceStatus> KafkaStatusStore::GetTask(const std::string& connector,
                                                        int task) const {
  absl::MutexLock lock(&mu_);
  std::optional<StatusValue> v = state_.Task({connector, task});
  if (!v.has_value()) return std::nullopt;
  return ToInstance(*v);
}

std::map<int, InstanceStatus> KafkaStatusStore::GetTasks(const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  std::map<int, InstanceStatus> out;
  for (const auto& [task, value] : state_.Tasks(connector)) out[task] = ToInstance(value);
  return out;
}

std::set<std::string> KafkaStatusStore::GetTopics(const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  std::set<std::string> out;
  for (const auto& [topic, status] : state_.Topics(connector)) out.insert(topic);
  return out;
}

std::map<std::string, TopicStatus> KafkaStatusStore::GetTopicStatuses(
    const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  return state_.Topics(connector);
}

std::vector<std::string> KafkaStatusStore::Connectors() const {
  absl::MutexLock lock(&mu_);
  return state_.Connectors();
}

KafkaStatusStore::SendCounts KafkaStatusStore::send_counts() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

}  // namespace sluice::store
