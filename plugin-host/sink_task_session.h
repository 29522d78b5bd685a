// SinkTaskSession: one SinkTask stream of the plugin protocol, for one task of a native plugin.
//
// Threads: everything runs on the RPC's handler thread, which reads a worker message, calls the
// task and answers, one message at a time. So the plugin's SinkTask is called from one thread,
// and Stop is read only after the current call returned: a Put that hangs is handled by the
// worker's deadline (it kills the host), not by Stop.
//
// Protocol (proto/sluice/plugin/v1/plugin.proto):
// - Start -> the task is created and started; Started, or TaskError and the stream ends (OK).
// - Open{partitions} -> task.Open;  Close{partitions} -> task.Close  (no answer unless failing)
// - Put{batch} -> task.Put -> PutDone (the credit for the next batch)
// - PreCommit{offsets} -> task.PreCommit -> PreCommitDone{offsets it returned}
// - Stop -> task.Stop -> TaskStopped, and the stream ends OK. If the worker closes its side
//   instead, the task is stopped and the stream ends without TaskStopped.
// - A failing call (error Status or exception) answers TaskError instead; the task is then dead:
//   later messages other than Stop are ignored.
// - SinkTaskContext::Pause/Resume send PauseRequest/ResumeRequest; ReportErrant sends
//   ErrantRecord (with the record and the schemas it needs).
//
// Thread-safety: Run() is called once, by the handler thread. Writes are serialised by
// write_mu_ (a plugin may call Pause/Resume from its own threads).
#ifndef SLUICE_PLUGIN_HOST_SINK_TASK_SESSION_H_
#define SLUICE_PLUGIN_HOST_SINK_TASK_SESSION_H_

#include <memory>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "sluice/plugin/v1/plugin.grpc.pb.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/plugin.h"
#include "sdk/cpp/wire/codec.h"

namespace sluice::plugin_host {

class SinkTaskSession {
 public:
  using Stream =
      grpc::ServerReaderWriter<plugin::v1::SinkPluginMessage, plugin::v1::SinkWorkerMessage>;

  // `registration` and `stream` outlive the session. `context` goes unused: the signature is
  // the one PluginService's RunTaskStream constructs both kinds of session with.
  SinkTaskSession(const ConnectorRegistration& registration, const plugin::v1::TaskStart& start,
                  grpc::ServerContext* context, Stream* stream);
  ~SinkTaskSession();
  SinkTaskSession(const SinkTaskSession&) = delete;
  SinkTaskSession& operator=(const SinkTaskSession&) = delete;

  // Runs the stream to its end. Call once, on the handler thread.
  grpc::Status Run();

 private:
  class Context;

  // Handles one message after Start. Returns false when the stream must end with *end_status.
  bool Handle(const plugin::v1::SinkWorkerMessage& message, bool* stop_received,
              grpc::Status* end_status);
  absl::Status Put(const plugin::v1::SinkBatch& batch);
  bool Write(const plugin::v1::SinkPluginMessage& message) ABSL_LOCKS_EXCLUDED(write_mu_);
  void WriteError(const absl::Status& status);
  // SinkTaskContext::ReportErrant: an ErrantRecord with the record (any thread).
  void WriteErrant(const SinkRecord& record, std::string_view error) ABSL_LOCKS_EXCLUDED(write_mu_);

  const ConnectorRegistration& registration_;
  const int task_id_;
  // The worker takes OffsetsRewind, CommitRequest and OpenDone (TaskStart.sink_context).
  const bool sink_context_;
  const ConfigMap config_;
  Stream* const stream_;
  std::unique_ptr<Context> task_context_;
  std::unique_ptr<SinkTask> task_;
  wire::SchemaDecoder schemas_;
  bool failed_ = false;

  absl::Mutex write_mu_;
  wire::SchemaEncoder errant_schemas_ ABSL_GUARDED_BY(write_mu_);  // for ErrantRecord messages
};

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_SINK_TASK_SESSION_H_
