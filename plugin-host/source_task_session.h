// SourceTaskSession: one SourceTask stream of the plugin protocol, for one task of a native
// plugin.
//
// Threads: the RPC's handler thread is the *reader*: it reads every worker message and
// dispatches it. The plugin's task runs on the session's *task thread*: Start, Poll, CommitRecord
// and Commit are called only there. Stop is called from the reader thread, so that a blocked
// Poll returns. Writes to the stream are serialised by write_mu_.
//
// Protocol (proto/sluice/plugin/v1/plugin.proto):
// - Start -> the task thread creates and starts the task; Started, or TaskError and the stream
//   ends (OK). While Start runs, the reader reads only to answer the task's offset reads.
// - Poll{max_records, max_bytes}: answered by exactly one SourceBatch with at most max_records
//   records (and, past the first record, about max_bytes). When no records are kept from an
//   earlier Poll, the task's Poll is called once; an empty result gives an empty batch. Records
//   beyond the credit are kept for the next Poll. Record ids increase from 1.
// - OffsetStorageReader::Offset sends OffsetsRequest and waits for the matching OffsetsReply
//   (kOffsetsTimeout, then UNAVAILABLE).
// - Committed{up_to}: CommitRecord for each record sent with id <= up_to, in order, then Commit.
//   Their errors are logged, not fatal (as in Kafka Connect).
// - Stop: the task's Stop (on the reader thread), then the task thread ends, TaskStopped, and
//   the stream ends OK. If the worker closes its side instead, the task is stopped the same way
//   and the stream ends without TaskStopped.
// - A failure of Poll (error Status or exception) sends TaskError; the task is then dead: later
//   Polls get no batch, and the worker is expected to send Stop (or close the stream).
//
// Thread-safety: Run() is called once, by the handler thread; the rest is internal.
#ifndef SLUICE_PLUGIN_HOST_SOURCE_TASK_SESSION_H_
#define SLUICE_PLUGIN_HOST_SOURCE_TASK_SESSION_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sluice/plugin/v1/plugin.grpc.pb.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/plugin.h"
#include "sdk/cpp/wire/codec.h"

namespace sluice::plugin_host {

class SourceTaskSession {
 public:
  using Stream = grpc::ServerReaderWriter<plugin::v1::SourcePluginMessage,
                                          plugin::v1::SourceWorkerMessage>;
  static constexpr absl::Duration kOffsetsTimeout = absl::Seconds(30);

  // `registration`, `context` and `stream` outlive the session.
  SourceTaskSession(const ConnectorRegistration& registration, const plugin::v1::TaskStart& start,
                    grpc::ServerContext* context, Stream* stream);
  ~SourceTaskSession();
  SourceTaskSession(const SourceTaskSession&) = delete;
  SourceTaskSession& operator=(const SourceTaskSession&) = delete;

  // Runs the stream to its end. Call once, on the handler thread.
  grpc::Status Run() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  class Context;
  struct Command {
    enum class Kind { kPoll, kCommitted };
    Kind kind;
    plugin::v1::Poll poll;
    uint64_t up_to = 0;
  };

  // Task thread.
  void TaskLoop() ABSL_LOCKS_EXCLUDED(mu_);
  void HandlePoll(const plugin::v1::Poll& poll) ABSL_LOCKS_EXCLUDED(mu_);
  void HandleCommitted(uint64_t up_to) ABSL_LOCKS_EXCLUDED(mu_);
  // Offset read for the task (any thread but the reader).
  absl::StatusOr<std::optional<Value>> ReadOffset(const Value& partition) ABSL_LOCKS_EXCLUDED(mu_);

  // Reader thread.
  // Dispatches one message read while the task runs; false when the stream must end (Stop or a
  // protocol error, in *end_status).
  bool Dispatch(const plugin::v1::SourceWorkerMessage& message, bool* stop_received,
                grpc::Status* end_status) ABSL_LOCKS_EXCLUDED(mu_);
  void DeliverOffsetsReply(const plugin::v1::OffsetsReply& reply) ABSL_LOCKS_EXCLUDED(mu_);
  // Stops the task (if it started) and joins the task thread.
  void StopTask() ABSL_LOCKS_EXCLUDED(mu_);

  bool Write(const plugin::v1::SourcePluginMessage& message) ABSL_LOCKS_EXCLUDED(write_mu_);
  void WriteError(const absl::Status& status);

  const ConnectorRegistration& registration_;
  const int task_id_;
  const ConfigMap config_;
  grpc::ServerContext* const context_;
  Stream* const stream_;
  std::unique_ptr<Context> task_context_;

  absl::Mutex write_mu_;  // one writer at a time on stream_

  absl::Mutex mu_;
  std::unique_ptr<SourceTask> task_ ABSL_GUARDED_BY(mu_);
  bool start_done_ ABSL_GUARDED_BY(mu_) = false;
  bool started_ok_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The worker's side is gone or the task is stopping: offset reads fail at once.
  bool offsets_closed_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Command> commands_ ABSL_GUARDED_BY(mu_);
  uint64_t next_request_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Offset reads waiting for their reply: request id -> reply once it arrived.
  std::map<uint64_t, std::optional<plugin::v1::OffsetsReply>> pending_offsets_ ABSL_GUARDED_BY(mu_);

  // Confined to the task thread.
  // What the last Poll returned, handed out from kept_next_ on. The plugin's vector itself: a
  // huge poll is not copied, and each record is moved out (to unacked_) when sent.
  std::vector<SourceRecord> kept_;
  size_t kept_next_ = 0;
  std::deque<std::pair<uint64_t, SourceRecord>> unacked_;
  uint64_t next_record_id_ = 1;
  wire::SchemaEncoder schemas_;
  bool failed_ = false;

  std::thread task_thread_;
};

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_SOURCE_TASK_SESSION_H_
