// Distributed mode's config store: connector configs, target states, task configs, the session
// key, restart requests and cluster-wide logger levels in the config topic, as Kafka Connect
// 3.9's KafkaConfigBackingStore keeps them (reference §3.2), so that Sluice and Java workers can
// share one config topic.
//
//   KafkaConfigStore store({.kafka = options, .on_update = [&](const ConfigUpdate& u) {...}});
//   absl::Status s = store.Start(absl::Seconds(60));  // read the topic to its end
//   s = store.PutConnectorConfig("orders", config, TargetState::kStopped);
//   ConfigSnapshot snapshot = store.TopicSnapshot();
//   store.Stop();
//
// Every worker reads the whole topic and follows it: the state is what the topic's records say,
// applied by ConfigTopicState (config_records.h) on the log's reader thread. A write returns
// once Kafka acknowledged it and, for the writes Java reads back, once this store has read the
// topic to its end (so the snapshot then reflects it).
//
// Records are written byte for byte as Java writes them, but for one thing: a connector config's
// entries. Java writes the map the REST request built, in the request's key order; the
// ConfigStore interface hands a std::map, so Sluice writes the keys sorted. Readers (Java's and
// Sluice's) parse the JSON object into a map, so the difference shows only in the bytes. Write
// through PutConnectorConfigProperties / PutTaskConfigProperties to keep a given order.
//
// Not supported: the transactional ("fencable") leader producer Java uses for exactly-once
// source support, which Sluice refuses for now; writes go through the log's plain producer
// (idempotence off), as Java's do without exactly-once source.
#ifndef SLUICE_SERVER_STORE_KAFKA_CONFIG_STORE_H_
#define SLUICE_SERVER_STORE_KAFKA_CONFIG_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/kafka/kafka_log.h"
#include "server/store/config_records.h"
#include "server/store/config_store.h"
#include "server/store/kafka_store_options.h"

namespace sluice::store {

// Thread-safe. The update listener runs on the log's reader thread, outside the store's lock:
// it may call TopicSnapshot, Snapshot and TakeRestartRequests, but no call that writes or reads
// to the end (each would wait for the thread it runs on).
// REQUIRES: Start returned OK before any other call but Stop; no call is in progress when the
// store is destroyed.
class KafkaConfigStore final : public ConfigStore {
 public:
  // Java's ConfigBackingStore.UpdateListener, one call per update (ConfigUpdate::Kind names the
  // method). Called only for records read after Start's first read to the end.
  using UpdateListener = std::function<void(const ConfigUpdate&)>;

  // Java's KafkaConfigBackingStore.READ_WRITE_TOTAL_TIMEOUT_MS: the bound of each write.
  static constexpr absl::Duration kReadWriteTotalTimeout = absl::Seconds(30);

  struct Options {
    // The config topic and its clients (client id "<base>configs"). The writer is forced to
    // enable.idempotence=false and delivery.timeout.ms=2147483647 (Integer.MAX_VALUE), as
    // Java's; KafkaLog adds acks=all and one request in flight.
    KafkaStoreOptions kafka;
    UpdateListener on_update;  // optional
    // How long each write may take; Java's is kReadWriteTotalTimeout.
    absl::Duration write_timeout = kReadWriteTotalTimeout;
  };

  explicit KafkaConfigStore(Options options);
  ~KafkaConfigStore() override;

  KafkaConfigStore(const KafkaConfigStore&) = delete;
  KafkaConfigStore& operator=(const KafkaConfigStore&) = delete;

  // Java's configure + start: ensures the topic (unless the options say it exists), reads it to
  // its end, checks that it has one partition, and marks the state started (updates are heard
  // from then on). Errors: OpenStoreLog's; InvalidArgument (Kafka Connect's ConfigException)
  // "Topic '<t>' supplied via the 'config.storage.topic' property is required to have a single
  // partition in order to guarantee consistency of connector configurations, but found <n>
  // partitions."; FailedPrecondition when already started. After an error the store is stopped.
  absl::Status Start(absl::Duration timeout);
  // Stops reading and writing. Idempotent.
  void Stop();

  // Java's refresh(timeout): reads the topic to its end. Errors: KafkaLog::ReadToEnd's
  // (DeadlineExceeded after `timeout`).
  absl::Status Refresh(absl::Duration timeout);

  // ---- ConfigStore ----
  // ClusterConfigState of TopicSnapshot(): connector configs (null values dropped: a ConfigMap
  // holds strings only), the target state of every connector with a config (STARTED when none
  // was written), each connector's committed task configs 0..N-1 (none while inconsistent),
  // the inconsistent connectors and the offset.
  ClusterConfigState Snapshot() const override ABSL_LOCKS_EXCLUDED(mu_);
  // putConnectorConfig: sends target-state-{c} (when given) then connector-{c}, waits for both
  // acknowledgements, then reads to the end; all within write_timeout. Errors carry Java's
  // message ("Error writing connector configuration to Kafka: <cause>") with the cause's code:
  // DeadlineExceeded on timeout, Unavailable or another code when Kafka refused the write,
  // FailedPrecondition when not started.
  absl::Status PutConnectorConfig(const std::string& name, const ConfigMap& config,
                                  std::optional<TargetState> target) override;
  // removeConnectorConfig: tombstones connector-{c} and target-state-{c}, then reads to the end.
  // "Error removing connector configuration from Kafka: <cause>".
  absl::Status RemoveConnectorConfig(const std::string& name) override;
  // putTaskConfigs: reads to the end, sends task-{c}-0..N-1, reads to the end (when N > 0),
  // sends commit-{c} {"tasks":N}, reads to the end. "Error writing root configuration to Kafka"
  // or "Error writing task configurations to Kafka" as Java's steps say.
  absl::Status PutTaskConfigs(const std::string& name,
                              const std::vector<ConfigMap>& tasks) override;
  // putTargetState: sends target-state-{c} and waits for the acknowledgement only (Java does not
  // read to the end here). "Error writing target state to Kafka: <cause>".
  absl::Status PutTargetState(const std::string& name, TargetState state) override;

  // ---- What a distributed herder needs beyond ConfigStore ----

  // The state as Java's ClusterConfigState holds it, plus the herder-facing records.
  ConfigSnapshot TopicSnapshot() const ABSL_LOCKS_EXCLUDED(mu_);
  // PutConnectorConfig and PutTaskConfigs with the entries in a given order (the order Java
  // would write: see config_records.h).
  absl::Status PutConnectorConfigProperties(const std::string& name,
                                            const ConfigProperties& properties,
                                            std::optional<TargetState> target);
  absl::Status PutTaskConfigProperties(const std::string& name,
                                       const std::vector<ConfigProperties>& tasks);
  // putSessionKey: sends session-key, then reads to the end. "Error writing session key to
  // Kafka: <cause>".
  absl::Status PutSessionKey(const SessionKey& key);
  // putRestartRequest: sends restart-connector-{c}, then reads to the end. "Error writing
  // restart request for {connectorName='c', onlyFailed=false, includeTasks=true} to Kafka:
  // <cause>" (RestartRequest.toString()).
  absl::Status PutRestartRequest(const RestartRequest& request);
  // putLoggerLevel: sends logger-cluster-{ns} and waits for the acknowledgement only. "Error
  // writing logger level to Kafka: <cause>".
  absl::Status PutLoggerLevel(const std::string& logger_namespace, const std::string& level);
  // putTaskCountRecord: sends tasks-fencing-{c}, then reads to the end. "Error writing task
  // count record to Kafka: <cause>".
  absl::Status PutTaskCountRecord(const std::string& name, int32_t task_count);
  // The restart requests read since Start and not yet taken, one per connector (the herder's
  // processRestartRequests). Removes them.
  std::map<std::string, RestartRequest> TakeRestartRequests() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Runs on the reader thread.
  void OnRecord(const kafka::LogRecord& record) ABSL_LOCKS_EXCLUDED(mu_);
  // Java's sendPrivileged without a fencable writer: sends every record, then waits for each
  // acknowledgement until `deadline`.
  absl::Status SendAndWait(const std::vector<TopicRecord>& records, absl::Time deadline);
  absl::Status ReadToEnd(absl::Time deadline);
  absl::Status Started() const;

  const Options options_;
  // Set by Start; read without the lock afterwards (REQUIRES above).
  std::unique_ptr<kafka::KafkaLog> log_;

  mutable absl::Mutex mu_;
  ConfigTopicState state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_KAFKA_CONFIG_STORE_H_
