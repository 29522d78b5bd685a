// Distributed mode's status store: connector and task statuses and the topics connectors use, in
// the status topic, as Kafka Connect 3.9's KafkaStatusBackingStore keeps them (reference §3.4).
//
//   KafkaStatusStore store({.kafka = options});
//   absl::Status s = store.Start(absl::Seconds(60));  // read the topic to its end
//   store.PutTask("orders", 0, {State::kRunning, "10.0.0.5:8083", std::nullopt, 7});
//   std::optional<InstanceStatus> mine = store.GetTask("orders", 0);  // once read back
//   store.Stop();
//
// Writes are asynchronous, as Java's: a Put returns at once, its record goes through a producer
// with retries=0, and a failure that is retriable is sent again from the store's retry thread
// unless the status changed since (Java's KafkaStatusBackingStore.send: the entry was removed,
// a status of another generation was put since, or, for a safe put, a later put of the same
// entry was made or the cached status no longer allows it). Reads come from the cache of what
// was read from the topic (StatusTopicState, status_records.h), so a status this worker put is
// seen once read back, and statuses other workers write arrive the same way: the cache is how
// the herder learns them (Refresh reads to the end first).
#ifndef SLUICE_SERVER_STORE_KAFKA_STATUS_STORE_H_
#define SLUICE_SERVER_STORE_KAFKA_STATUS_STORE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/kafka/kafka_log.h"
#include "server/store/kafka_store_options.h"
#include "server/store/status_records.h"
#include "server/store/status_store.h"

namespace sluice::store {

// Thread-safe; never calls back into its callers. Owns a retry thread between Start and Stop.
// REQUIRES: Start returned OK before any other call but Stop (a Put before then is dropped and
// logged); no call is in progress when the store is destroyed.
class KafkaStatusStore final : public StatusStore {
 public:
  struct Options {
    // The status topic and its clients (client id "<base>statuses"). The writer is forced to
    // retries=0 and enable.idempotence=false, as Java's; KafkaLog adds acks=all and one
    // request in flight. Without delivery.timeout.ms (or message.timeout.ms) it gets the Java
    // producer's default, 120000.
    KafkaStoreOptions kafka;
  };

  // What became of sends that failed, for monitoring and tests.
  struct SendCounts {
    int64_t retried = 0;  // retriable failures sent again
    int64_t dropped = 0;  // failures not sent again (not retriable, or the status changed)
  };

  explicit KafkaStatusStore(Options options);
  ~KafkaStatusStore() override;

  KafkaStatusStore(const KafkaStatusStore&) = delete;
  KafkaStatusStore& operator=(const KafkaStatusStore&) = delete;

  // Java's configure + start: ensures the topic (unless the options say it exists) and reads it
  // to its end. Errors: OpenStoreLog's; FailedPrecondition when already started. After an error
  // the store is stopped.
  absl::Status Start(absl::Duration timeout);
  // Stops the log (statuses not yet acknowledged are dropped: Flush first to wait for them),
  // then the retry thread. Idempotent.
  void Stop();
  // Reads the topic to its end, so that the cache holds every status written before the call.
  absl::Status Refresh(absl::Duration timeout);
  // Java's flush(): waits until every status sent so far is acknowledged or failed.
  absl::Status Flush(absl::Duration timeout);

  // ---- StatusStore ----
  // put(ConnectorStatus) / putSafe / put(TaskStatus) / putSafe: a status record, or a
  // tombstone for kDestroyed. The safe forms skip the write when CanWriteSafely says no for the
  // cached status.
  void PutConnector(const std::string& connector, const InstanceStatus& status) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void PutConnectorSafe(const std::string& connector, const InstanceStatus& status) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void PutTask(const std::string& connector, int task, const InstanceStatus& status) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void PutTaskSafe(const std::string& connector, int task, const InstanceStatus& status) override
      ABSL_LOCKS_EXCLUDED(mu_);
  // From the cache. A status record without worker_id reads as an empty worker id.
  std::optional<InstanceStatus> GetConnector(const std::string& connector) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<InstanceStatus> GetTask(const std::string& connector, int task) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  std::map<int, InstanceStatus> GetTasks(const std::string& connector) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  // AbstractHerder.onDeletion(connector): a DESTROYED tombstone for every task of the connector
  // with a cached status, then for the connector; in the store's latest generation. The cache
  // forgets them when the tombstones are read back.
  void RemoveConnector(const std::string& connector) override ABSL_LOCKS_EXCLUDED(mu_);
  void RemoveTask(const std::string& connector, int task) override ABSL_LOCKS_EXCLUDED(mu_);
  // A task's recordActiveTopic: writes status-topic-{topic}:connector-{c} unless the cache holds
  // that topic for the connector already, with the current time as discoverTimestamp;
  // PutTopicStatus writes a given one.
  void PutTopic(const std::string& connector, const std::string& topic, int task) override
      ABSL_LOCKS_EXCLUDED(mu_);
  std::set<std::string> GetTopics(const std::string& connector) const override
      ABSL_LOCKS_EXCLUDED(mu_);
  // The herder's resetConnectorActiveTopics: a tombstone for every cached topic of the connector.
  void RemoveTopics(const std::string& connector) override ABSL_LOCKS_EXCLUDED(mu_);

  // ---- Beyond StatusStore ----
  // Java's put(TopicStatus): writes the record, whatever the cache holds.
  void PutTopicStatus(const TopicStatus& status) ABSL_LOCKS_EXCLUDED(mu_);
  // Java's getAllTopics(connector), by topic name.
  std::map<std::string, TopicStatus> GetTopicStatuses(const std::string& connector) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Java's connectors(): every connector with a cached connector status.
  std::vector<std::string> Connectors() const override ABSL_LOCKS_EXCLUDED(mu_);
  SendCounts send_counts() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Java's CacheEntry without its value (the value is in state_): a write's sequence number,
  // and whether the entry was removed (by a tombstone read back) since.
  struct Entry {
    int64_t sequence = 0;
    bool deleted = false;
  };
  // A connector's status (task nullopt) or a task's.
  struct StatusKey {
    std::string connector;
    std::optional<int32_t> task;
  };
  // One status or topic record on its way, kept until acknowledged or given up.
  struct Pending {
    TopicRecord record;
    // For statuses (nullopt for topic records, which are sent again unconditionally).
    std::optional<StatusKey> key;
    std::optional<StatusValue> status;  // nullopt for a tombstone
    int32_t generation = 0;
    bool safe = false;
    std::shared_ptr<Entry> entry;  // shared with entries_ maps while the entry lives
    int64_t sequence = 0;
  };

  void PutStatus(StatusKey key, const InstanceStatus& status, bool safe) ABSL_LOCKS_EXCLUDED(mu_);
  void Send(std::shared_ptr<Pending> pending) ABSL_LOCKS_EXCLUDED(mu_);
  void OnSent(const std::shared_ptr<Pending>& pending, const absl::Status& result)
      ABSL_LOCKS_EXCLUDED(mu_);
  void OnRecord(const kafka::LogRecord& record) ABSL_LOCKS_EXCLUDED(mu_);
  void RetryLoop() ABSL_LOCKS_EXCLUDED(mu_);
  std::shared_ptr<Entry> GetOrAdd(const StatusKey& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::optional<StatusValue> Cached(const StatusKey& key) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveEntries(const std::string& connector) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  // Set by Start; read without the lock afterwards (REQUIRES above).
  std::unique_ptr<kafka::KafkaLog> log_;
  std::thread retry_thread_;

  mutable absl::Mutex mu_;
  StatusTopicState state_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<Entry>> connector_entries_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<int32_t, std::shared_ptr<Entry>>> task_entries_
      ABSL_GUARDED_BY(mu_);
  // The generation of the latest status put (Java's `generation` field).
  int32_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<std::shared_ptr<Pending>> retries_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  SendCounts counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_KAFKA_STATUS_STORE_H_
