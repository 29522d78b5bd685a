// A Kafka topic read as a shared log: the I/O under distributed mode's config, offset and status
// stores (Kafka Connect's KafkaBasedLog). Every worker reads the whole topic from the beginning
// and then follows it, and may append to it; ReadToEnd lets a worker know it has seen everything
// written so far, which is how the workers of a group agree on the stores' contents.
//
//   absl::StatusOr<std::unique_ptr<KafkaLog>> log = KafkaLog::Create({
//       .topic = "connect-status",
//       .consumer_settings = {{"bootstrap.servers", servers}, {"client.id", "connect-statuses"}},
//       .producer_settings = ConfigMap{{"bootstrap.servers", servers},
//                                      {"client.id", "connect-statuses"}, {"retries", "0"}},
//       .on_record = [&](const LogRecord& r) { store.Apply(r); }});
//   absl::Status s = (*log)->Start(absl::Seconds(60));  // read to the end once, then follow
//   (*log)->Send("status-connector-c", value, std::nullopt, [](auto sent) { ... });
//   s = (*log)->ReadToEnd(absl::Seconds(30));           // everything written so far was applied
//   (*log)->Stop();
//
// Reading takes no consumer group: the log assigns itself every partition of the topic and
// commits nothing. Writing goes through a producer with acks=all, idempotence off, one request
// in flight and Kafka's default partitioner for keyed records (murmur2 of the key), so a record
// lands in the partition a Java worker would pick for the same key.
#ifndef SLUICE_SERVER_KAFKA_KAFKA_LOG_H_
#define SLUICE_SERVER_KAFKA_KAFKA_LOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/kafka/client.h"
#include "sluice/sdk/config_def.h"

namespace sluice::kafka {

// One record read from the log. The views are valid only during the callback that receives it.
struct LogRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string_view> key;    // nullopt: the record has no key
  std::optional<std::string_view> value;  // nullopt: a tombstone
  int64_t timestamp_ms = -1;              // -1: the record carries none
};

// Where a sent record landed.
struct SentRecord {
  int32_t partition = 0;
  int64_t offset = 0;
};

// Thread-safe. Callbacks run on the log's own threads: records on the reader thread, in offset
// order within each partition and one at a time; send completions on the writer thread, one at
// a time (those of records Stop discards may run on the thread calling Stop). A record callback
// may call Send but not ReadToEnd, Flush or Stop; a send completion may call Send but not Flush,
// ReadToEnd or Stop (each would wait for the thread it runs on). REQUIRES: no call is in
// progress when the log is destroyed.
class KafkaLog {
 public:
  using RecordCallback = std::function<void(const LogRecord&)>;
  using SendCallback = std::function<void(const absl::StatusOr<SentRecord>&)>;

  struct Options {
    std::string topic;
    // librdkafka settings of the reader: bootstrap.servers and security (the worker's settings
    // through ToLibrdkafka) and client.id (Kafka Connect uses "<group.id>-configs",
    // "-offsets", "-statuses"). isolation.level defaults to read_uncommitted, Java's default.
    // Forced: no group.id / group.instance.id (dropped if given), enable.auto.commit=false,
    // enable.auto.offset.store=false, auto.offset.reset=earliest.
    ConfigMap consumer_settings;
    // librdkafka settings of the writer: as the reader's, plus `retries` (Kafka Connect's status
    // store uses 0) and any other producer tuning. Forced: acks=all, enable.idempotence=false,
    // max.in.flight.requests.per.connection=1, partitioner=murmur2_random. nullopt: a read-only
    // log, whose Send answers FailedPrecondition.
    std::optional<ConfigMap> producer_settings;
    // Called for every record read. Required.
    RecordCallback on_record;
  };

  // Builds the clients (no I/O yet). InvalidArgument for an empty topic, a missing callback, or
  // a setting librdkafka refuses.
  static absl::StatusOr<std::unique_ptr<KafkaLog>> Create(Options options);

  // Stops the log (see Stop).
  ~KafkaLog();

  KafkaLog(const KafkaLog&) = delete;
  KafkaLog& operator=(const KafkaLog&) = delete;

  // Finds the topic's partitions (asking again until the topic appears), assigns them all from
  // their beginning, reads every record up to the end offsets, and then keeps reading on the
  // reader thread. Returns once the first read to the end is done. Errors: DeadlineExceeded
  // when the topic's partitions cannot be found (Kafka Connect's ConnectException text "Could
  // not look up partition metadata for topic '<topic>' in the allotted period. ...") or the end
  // is not reached within `timeout`; FailedPrecondition when already started or stopped. After
  // an error the log is stopped.
  absl::Status Start(absl::Duration timeout);

  // Flushes this log's pending sends, asks Kafka for the end offset of every partition
  // (read_uncommitted: the high watermark, as Java's admin client asks), and waits until every
  // record before those offsets has been passed to the record callback and the callback has
  // returned. Records written after the end offsets were taken may or may not have been passed
  // too. Errors: DeadlineExceeded when that takes longer than `timeout` (also when Kafka does
  // not answer: the end offsets are asked again until the deadline); Cancelled when Stop is
  // called meanwhile; FailedPrecondition before Start or after Stop.
  absl::Status ReadToEnd(absl::Duration timeout);

  // Queues a record for the topic: `value` nullopt writes a tombstone; `partition` nullopt lets
  // the partitioner choose (murmur2 of the key). When OK is returned, `done` is called exactly
  // once, before Stop returns, with where the record landed or why it was not written
  // (Unavailable for transient errors such as timeouts; Cancelled when Stop discarded it).
  // Errors, with `done` not called: FailedPrecondition for a read-only log, before Start or
  // after Stop; Unavailable when the producer's queue is full; InvalidArgument for a record
  // librdkafka refuses (e.g. too large).
  absl::Status Send(std::string_view key, std::optional<std::string_view> value,
                    std::optional<int32_t> partition, SendCallback done);

  // Waits until every record sent so far (and any sent meanwhile) is acknowledged or has failed,
  // and its `done` has returned. DeadlineExceeded after `timeout`; FailedPrecondition before Start or after
  // Stop. OK at once for a read-only log.
  absl::Status Flush(absl::Duration timeout);

  // Stops reading and writing: records not yet acknowledged are discarded (their `done` gets
  // Cancelled; call Flush first to wait for them). Returns promptly, without waiting for Kafka;
  // no callback runs after it returns. Idempotent; concurrent calls all return once stopped.
  void Stop();

  const std::string& topic() const { return topic_; }
  // The number of partitions Start found; 0 before.
  int32_t partition_count() const;

 private:
  enum class State { kCreated, kStarted, kStopped };

  KafkaLog(std::string topic, RecordCallback on_record);

  // Start's steps, without the state checks.
  absl::Status StartReading(absl::Time deadline);
  // The latest (RD_KAFKA_OFFSET_END) or earliest (RD_KAFKA_OFFSET_BEGINNING) offset of every
  // partition, asked again on transient errors until `deadline`.
  absl::StatusOr<std::vector<int64_t>> QueryOffsets(int64_t which, absl::Time deadline);
  absl::Status ReadToEndBy(absl::Time deadline);
  absl::Status FlushBy(absl::Time deadline);
  void ReadLoop();
  void WriteLoop();
  // Runs the send completions of a delivery report (and logs an error event); destroys it.
  void HandleWriteEvent(rd_kafka_event_t* event);
  // Stores the reader's positions (after the records passed to the callback, and any
  // transaction markers skipped) and wakes ReadToEnd.
  void UpdatePositions(rd_kafka_topic_partition_list_t* list);

  const std::string topic_;
  const RecordCallback on_record_;

  KafkaHandle consumer_;
  // Asks for offsets (read_uncommitted), on a connection of its own.
  KafkaHandle end_offsets_client_;
  KafkaHandle producer_;  // null for a read-only log
  rd_kafka_queue_t* read_queue_ = nullptr;  // the consumer's partitions feed it
  rd_kafka_topic_t* read_topic_ = nullptr;
  rd_kafka_queue_t* write_events_ = nullptr;  // the producer's delivery reports
  std::thread reader_;
  std::thread writer_;

  // Held for the whole of Stop, so concurrent Stop calls return only once stopped.
  absl::Mutex stop_mu_;
  mutable absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kCreated;
  bool stop_reading_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_writing_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<int32_t> partitions_ ABSL_GUARDED_BY(mu_);
  // The next offset to be passed to the callback, by partition.
  std::map<int32_t, int64_t> positions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_KAFKA_LOG_H_
