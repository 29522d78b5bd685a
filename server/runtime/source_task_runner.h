// Runs one source task: polls its plugin for record batches (with credits), converts and
// produces them with librdkafka, and commits source offsets.
//
// Delivery (DESIGN.md §3, at least once): a record's offset becomes committable only when Kafka
// acknowledged it and every record the plugin handed over before it; committable offsets are
// written to the offset store every offset.flush.interval.ms (and on stop), and only after the
// store says they are durable is the plugin told `Committed`. A crash anywhere loses nothing:
// records after the last durable offset are polled again.
#ifndef SLUICE_SERVER_RUNTIME_SOURCE_TASK_RUNNER_H_
#define SLUICE_SERVER_RUNTIME_SOURCE_TASK_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>
#include <string>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "server/kafka/client.h"
#include "server/runtime/record_pipeline.h"
#include "server/runtime/task_runner.h"
#include "server/runtime/topic_creation.h"
#include "server/store/offset_store.h"
#include "sdk/cpp/wire/codec.h"

namespace sluice::runtime {

// Records handed to Kafka whose offsets are not committed yet, in the order the plugin gave
// them. Thread-compatible (used by the runner thread only: delivery reports arrive there too).
class SubmittedRecords {
 public:
  // A source partition's key in the offset store, shared by the records of that partition.
  using OffsetKey = std::shared_ptr<const std::string>;

  // REQUIRES: ids increase by one from the first submitted id. `key`: null for a record without
  // a source partition (it commits nothing). `offset`: the record's source offset, serialized
  // only if it is the latest of its partition when committed (a null offset removes the
  // partition's, as in Kafka Connect); nullopt when the record's offset was not kept because a
  // later record of the same partition carries one: such a record is committed only together
  // with a later one that has its offset (or has no partition). `bytes`: the record's size, for
  // bytes().
  void Submit(uint64_t id, OffsetKey key, std::optional<Value> offset, size_t bytes = 0);
  // Kafka acknowledged (or the record was skipped by error tolerance).
  void Ack(uint64_t id);
  bool empty() const { return pending_.empty(); }
  size_t size() const { return pending_.size(); }
  // The bytes of the records submitted and not committed yet.
  size_t bytes() const { return bytes_; }
  // Submitted and not acknowledged yet (source-record-active-count).
  int64_t unacked() const { return unacked_; }

  struct Committable {
    uint64_t up_to_id = 0;  // 0: nothing
    std::vector<store::OffsetWrite> writes;  // the latest offset per source partition
  };
  // The offsets of the acknowledged prefix, up to its last record whose offset can be committed
  // (see Submit), removed from the pending set.
  Committable TakeCommittable();

 private:
  struct Pending {
    uint64_t id;
    OffsetKey key;
    std::optional<Value> offset;
    size_t bytes;
    bool acked = false;
  };
  std::deque<Pending> pending_;
  int64_t unacked_ = 0;
  size_t bytes_ = 0;
};

class SourceTaskRunner final : public TaskRunner {
 public:
  SourceTaskRunner(TaskRunnerOptions options, store::OffsetStore* offsets);
  ~SourceTaskRunner() override;

 private:
  using Stream = RawTaskStream<sluice::plugin::v1::SourceWorkerMessage>;

  absl::Status RunLoop() override ABSL_LOCKS_EXCLUDED(write_mu_);
  void OnStopRequested() override ABSL_LOCKS_EXCLUDED(write_mu_);
  void OnPausedChanged() override;
  absl::Status Produce(const sluice::plugin::v1::SourceBatch& batch);
  // Before the first record to `topic`: topic creation (topic.creation.*, or the embedded
  // broker's single-partition default) and active topic tracking.
  absl::Status PrepareTopic(const std::string& topic);
  absl::Status ProduceOne(uint64_t id, ProducerRecord& record);
  absl::Status ReplyOffsets(const sluice::plugin::v1::OffsetsRequest& request);
  absl::Status CommitOffsets();
  // Writes to the plugin stream unless it is closed; after Stop only Committed acks go out. Sends
  // Stop first when a stop was asked for while another write held the stream.
  bool Write(const sluice::plugin::v1::SourceWorkerMessage& message) ABSL_LOCKS_EXCLUDED(write_mu_);
  bool WriteLocked(const sluice::plugin::v1::SourceWorkerMessage& message)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Ends the stream: no more writes, then its status. `cancel`: the call may still be open (the
  // task failed, or a message could not be read) and is cancelled first; a stream whose Read
  // returned false has ended and gives the host's own status. Never holds write_mu_ while
  // waiting.
  grpc::Status CloseStream(bool cancel) ABSL_LOCKS_EXCLUDED(write_mu_);
  // Sends Polls until kPollsInFlight are outstanding, unless paused, stopping or not started.
  // The error of a write to a stream whose host is gone, naming why it went.
  absl::Status BrokenWrite() const;
  absl::Status FillPolls() ABSL_LOCKS_EXCLUDED(write_mu_);
  std::string OffsetKey(const Value& partition) const;
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  // Hands what the last batch did to the task's metrics (once per batch).
  void RecordBatchMetrics(int records, size_t message_bytes, int64_t poll_ms);

  store::OffsetStore* const offsets_;

  // Runner-thread state.
  kafka::KafkaHandle producer_;
  SubmittedRecords submitted_;
  wire::SchemaDecoder schemas_;
  absl::flat_hash_set<std::string> known_topics_;
  std::optional<TopicCreation> topic_creation_;
  absl::Status delivery_error_;
  // The producer's max.request.size (librdkafka's message.max.bytes): the largest record, as
  // Kafka's producer estimates its size, that is sent.
  int64_t max_request_size_ = 0;
  absl::Time last_commit_;
  // Acknowledged by Kafka since the last RecordBatchMetrics (delivery reports, runner thread).
  int64_t delivered_records_ = 0;
  int64_t delivered_bytes_ = 0;

  absl::Mutex write_mu_;  // one writer at a time on the stream (runner thread and Stop)
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<Stream> stream_ ABSL_GUARDED_BY(write_mu_);
  bool stop_sent_ ABSL_GUARDED_BY(write_mu_) = false;
  bool closed_ ABSL_GUARDED_BY(write_mu_) = false;  // Finish() was called
  bool started_ ABSL_GUARDED_BY(write_mu_) = false;  // the plugin task answered Started
  int polls_in_flight_ ABSL_GUARDED_BY(write_mu_) = 0;
  // When each outstanding Poll was sent (poll-batch-*-time-ms).
  std::deque<absl::Time> polls_sent_ ABSL_GUARDED_BY(write_mu_);
  uint64_t next_record_id_ = 1;
  // Batches polled before a pause and answered after it, produced when the task resumes.
  std::vector<std::unique_ptr<sluice::plugin::v1::SourceBatch>> held_;
};

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_SOURCE_TASK_RUNNER_H_
