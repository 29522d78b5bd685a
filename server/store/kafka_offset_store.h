// Distributed mode's offset store: source connectors' offsets in the offsets topic, as Kafka
// Connect 3.9's KafkaOffsetBackingStore keeps them (reference §3.3). Keys and values are the
// exact bytes Java writes (OffsetStore's contract), each record goes to the partition Java's
// producer picks (murmur2 of the key, kafka::KafkaLog), and the store's contents are what was
// read from the topic (OffsetTopicState, offset_records.h), as in Java.
//
//   KafkaOffsetStore store({.kafka = options});
//   absl::Status s = store.Start(absl::Seconds(60));  // read the topic to its end
//   s = store.Write({{key, value}});                   // acknowledged and read back
//   std::optional<std::string> v = store.Get(key);
//   store.Stop();
#ifndef SLUICE_SERVER_STORE_KAFKA_OFFSET_STORE_H_
#define SLUICE_SERVER_STORE_KAFKA_OFFSET_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/kafka/kafka_log.h"
#include "server/store/kafka_store_options.h"
#include "server/store/offset_records.h"
#include "server/store/offset_store.h"
#include "sluice/sdk/data.h"

namespace sluice::store {

// Thread-safe; never calls back into its callers.
// REQUIRES: Start returned OK before any other call but Stop; no call is in progress when the
// store is destroyed.
class KafkaOffsetStore final : public OffsetStore {
 public:
  struct Options {
    // The offsets topic and its clients (client id "<base>offsets"). The writer is forced to
    // enable.idempotence=false and delivery.timeout.ms=2147483647 (Integer.MAX_VALUE), as
    // Java's; KafkaLog adds acks=all, one request in flight and murmur2 partitioning.
    KafkaStoreOptions kafka;
    // How long a Write waits for Kafka: the worker's offset.flush.timeout.ms (default 5 s), the
    // bound Java's source tasks put on an offset commit.
    absl::Duration write_timeout = absl::Seconds(5);
  };

  explicit KafkaOffsetStore(Options options);
  ~KafkaOffsetStore() override;

  KafkaOffsetStore(const KafkaOffsetStore&) = delete;
  KafkaOffsetStore& operator=(const KafkaOffsetStore&) = delete;

  // Java's configure + start: ensures the topic (unless the options say it exists) and reads it
  // to its end. Errors: OpenStoreLog's; FailedPrecondition when already started. After an error
  // the store is stopped.
  absl::Status Start(absl::Duration timeout);
  // Stops reading and writing. Idempotent.
  void Stop();
  // Reads the topic to its end, as Java's get() does before it answers: afterwards Get sees
  // every offset written (by any worker) before the call.
  absl::Status Refresh(absl::Duration timeout);

  // ---- OffsetStore ----
  // From what was read (see Refresh).
  std::optional<std::string> Get(absl::string_view key) const override ABSL_LOCKS_EXCLUDED(mu_);
  // Java's set(): sends every write (a nullopt value as a tombstone) in order, waits until Kafka
  // acknowledged all of them, then until the reader has read them back, so that Get and All see
  // them (should the reader lag past write_timeout, the acknowledged writes are applied to the
  // cache directly). Errors, within write_timeout: "Failed to write offsets to topic '<t>': "
  // and the first failure, Unavailable for a transient one (broker down), DeadlineExceeded when
  // Kafka did not acknowledge them in time; FailedPrecondition when not started. Unlike the
  // interface's in-memory stores, a failed Write may have written some records (Kafka has no
  // undo; Java's writer has the same window): they are read back as any record.
  absl::Status Write(const std::vector<OffsetWrite>& writes) override ABSL_LOCKS_EXCLUDED(mu_);
  // Every entry read with a non-null key, sorted by key bytes.
  std::vector<std::pair<std::string, std::string>> All() const override ABSL_LOCKS_EXCLUDED(mu_);

  // ---- Beyond OffsetStore ----
  // Java's connectorPartitions(connector): the partitions with an offset, in the order first
  // read.
  std::vector<Value> ConnectorPartitions(const std::string& connector) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void OnRecord(const kafka::LogRecord& record) ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  // Set by Start; read without the lock afterwards (REQUIRES above).
  std::unique_ptr<kafka::KafkaLog> log_;

  mutable absl::Mutex mu_;
  OffsetTopicState state_ ABSL_GUARDED_BY(mu_);
  // By partition, the offset after the last record read.
  std::map<int32_t, int64_t> read_positions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_KAFKA_OFFSET_STORE_H_
