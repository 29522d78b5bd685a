// Runs one sink task: consumes its topics in consumer group `connect-<connector>`, converts the
// records, hands them to the plugin in batches (the next batch only after PutDone), and commits
// consumer offsets.
//
// Delivery (DESIGN.md §3, at least once): every offset.flush.interval.ms, when the task asks
// (CommitRequest, SinkTaskContext.requestCommit), on partition revocation and on stop, the
// runner asks the plugin to PreCommit what it was handed, and commits to Kafka only the offsets
// the plugin answers with (what it has made durable).
//
// The task may move the consumer (OffsetsRewind, SinkTaskContext.offset): as Kafka Connect's
// WorkerSinkTask, the runner seeks before its next poll, or assigns the partitions at the
// offsets the task asked for in open() (when its host answers PartitionsOpened with OpenDone).
#ifndef SLUICE_SERVER_RUNTIME_SINK_TASK_RUNNER_H_
#define SLUICE_SERVER_RUNTIME_SINK_TASK_RUNNER_H_

#include <atomic>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include <google/protobuf/arena.h>

#include "absl/synchronization/notification.h"
#include "server/kafka/client.h"
#include "server/runtime/record_pipeline.h"
#include "server/runtime/task_runner.h"
#include "sdk/cpp/wire/codec.h"

namespace sluice::runtime {

class SinkTaskRunner final : public TaskRunner {
 public:
  explicit SinkTaskRunner(TaskRunnerOptions options);
  ~SinkTaskRunner() override;

 private:
  using Stream = RawTaskStream<sluice::plugin::v1::SinkWorkerMessage>;

  absl::Status RunLoop() override;
  absl::Status Subscribe();
  // Reads plugin messages until one of kind `wanted` arrives (handling pause/resume/errant on
  // the way). An Error message or a broken stream gives the failure.
  absl::StatusOr<sluice::plugin::v1::SinkPluginMessage> Await(
      sluice::plugin::v1::SinkPluginMessage::MsgCase wanted);
  absl::Status Send(const sluice::plugin::v1::SinkWorkerMessage& message);
  // Ends a broken stream and describes why. `cancel`: the call may still be open (a write
  // failed, or a message could not be read) and is cancelled first; after a Read that returned
  // false the stream has ended and gives the host's own status.
  absl::Status BrokenStream(bool cancel);
  // A record the plugin reported as errant: to the error handler with its consumed original
  // when it is in the batch being put, else rebuilt from what the plugin sent back.
  absl::Status HandleErrant(const sluice::plugin::v1::ErrantRecord& errant);
  absl::Status DeliverBatch(std::vector<rd_kafka_message_t*>& messages);
  // PreCommit for `partitions` (all assigned when empty), then a synchronous consumer commit.
  absl::Status Commit();
  absl::Status OnRebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  static void RebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque);
  // Pauses or resumes consumption of `partitions` in the consumer.
  void SetConsumption(const std::vector<TopicPartition>& partitions, bool paused);
  // Brings the consumer in line with paused(): every assigned partition paused, or every one
  // resumed except those the plugin paused itself.
  void ApplyTargetState();
  // Destroys the held and polled messages of `tp` (its partition was revoked or rewound).
  void DropFetched(const TopicPartition& tp);
  // Records `opened` as assigned (pausing them while the task is paused).
  void Assigned(const std::vector<TopicPartition>& opened);
  // WorkerSinkTask.rewind(): seeks the consumer to the offsets the task asked for
  // (SinkTaskContext.offset), drops what was fetched of those partitions and takes each offset
  // as the partition's consumed position. FailedPrecondition for a partition not assigned.
  absl::Status Rewind();

  // Runner-thread state.
  kafka::KafkaHandle consumer_;
  // The most records handed to the task in one put (the consumer's max.poll.records).
  int max_poll_records_ = kafka::kDefaultMaxPollRecords;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<Stream> stream_;
  wire::SchemaEncoder schemas_;
  wire::SchemaDecoder errant_schemas_;  // schemas of errant records the plugin sends back
  google::protobuf::Arena arena_;  // holds the batch being sent
  // The batch being put: the consumed message behind each record sent (same order as
  // put_batch_'s records), alive until the plugin answered PutDone.
  std::vector<const rd_kafka_message_t*> batch_originals_;
  const sluice::plugin::v1::SinkBatch* put_batch_ = nullptr;
  TopicPartitionOffsets consumed_;  // next offset per partition handed to the plugin
  std::vector<TopicPartition> assigned_;
  std::set<TopicPartition> plugin_paused_;  // paused by the plugin (SinkTaskContext::Pause)
  bool consumer_paused_ = false;  // every assigned partition is paused because the task is
  // The host answers PartitionsOpened with OpenDone (TaskStarted.open_done).
  bool open_done_ = false;
  // Offsets the task asked to rewind to and not yet applied (OffsetsRewind).
  TopicPartitionOffsets pending_rewind_;
  bool commit_requested_ = false;  // the task asked for a commit (CommitRequest)
  // Messages polled while paused (fetched before the pause took hold), delivered on resume.
  std::vector<rd_kafka_message_t*> held_;
  // The batch being polled: a rebalance (inside a poll) drops what it holds of revoked
  // partitions, so that a task never hands over records of a partition it no longer owns.
  std::vector<rd_kafka_message_t*> polled_;
  bool closing_ = false;  // the consumer is closing: the plugin stream is done
  absl::Status callback_error_;  // an error inside the rebalance callback
  absl::Time last_commit_;
  // Records consumed since the last commit (sink-record-active-count) and the commits asked
  // for (offset-commit-seq-no); runner thread.
  int64_t uncommitted_records_ = 0;
  int64_t commit_seq_no_ = 0;
};

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_SINK_TASK_RUNNER_H_
