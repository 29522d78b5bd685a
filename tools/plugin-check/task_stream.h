// TaskStream: one task stream of the plugin protocol (SourceTask or SinkTask) as the checker
// drives it. The worker's runners read their stream on their own thread and trust the host's
// deadlines to be enforced by killing it; the checker instead must say *that* a plugin missed a
// deadline and go on, so a reader thread moves every plugin message into a queue and each wait
// on it has a deadline.
//
// Plugin messages arrive as bytes and are parsed with the worker's ParsePluginMessage, so an
// unreadable message is reported as such (server/runtime/task_runner.h).
//
// Ownership: owns the call and its reader thread; the destructor cancels the call if it is still
// open and joins the thread. Thread-safety: Write, Next and Finish are called from one thread
// (the checker's); the reader thread only fills the queue.
#ifndef SLUICE_TOOLS_PLUGIN_CHECK_TASK_STREAM_H_
#define SLUICE_TOOLS_PLUGIN_CHECK_TASK_STREAM_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/runtime/task_runner.h"

namespace sluice::plugin_check {

template <typename WorkerMessage, typename PluginMessage>
class TaskStream {
 public:
  // Opens the stream `method` (e.g. "/sluice.plugin.v1.Plugin/SourceTask", static storage).
  TaskStream(grpc::ChannelInterface* channel, const char* method) {
    stream_ = runtime::OpenRawTaskStream<WorkerMessage>(channel, method, &context_);
    reader_ = std::thread([this] { ReadLoop(); });
  }
  ~TaskStream() {
    if (!finished_) {
      context_.TryCancel();
      reader_.join();
      stream_->Finish();
    }
  }
  TaskStream(const TaskStream&) = delete;
  TaskStream& operator=(const TaskStream&) = delete;

  // False when the stream is broken (the plugin ended it, or the call was cancelled).
  bool Write(const WorkerMessage& message) { return !writes_done_ && stream_->Write(message); }

  // The next plugin message. DeadlineExceeded when none came within `timeout`; OutOfRange when
  // the plugin ended the stream (Finish gives its status); InvalidArgument when it sent something
  // that cannot be read.
  absl::StatusOr<PluginMessage> Next(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !queue_.empty() || ended_;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&ready), timeout)) {
      return absl::DeadlineExceededError(
          absl::StrCat("nothing within ", absl::FormatDuration(timeout)));
    }
    if (!queue_.empty()) {
      absl::StatusOr<PluginMessage> next = std::move(queue_.front());
      queue_.pop_front();
      return next;
    }
    return absl::OutOfRangeError("the plugin ended the stream");
  }

  // Half-closes the worker's side (as the worker does once it has sent Stop) and waits up to
  // `timeout` for the plugin to end the stream; then its final status. DeadlineExceeded (and
  // the call is cancelled) when the plugin keeps it open.
  absl::StatusOr<grpc::Status> Finish(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_) {
    if (!writes_done_) {
      writes_done_ = true;
      stream_->WritesDone();
    }
    {
      absl::MutexLock lock(&mu_);
      auto ended = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return ended_; };
      if (!mu_.AwaitWithTimeout(absl::Condition(&ended), timeout)) {
        context_.TryCancel();
        return absl::DeadlineExceededError(absl::StrCat(
            "the stream stayed open ", absl::FormatDuration(timeout), " after the worker's side "
            "was closed"));
      }
    }
    reader_.join();
    reader_ = std::thread();
    finished_ = true;
    return stream_->Finish();
  }

 private:
  void ReadLoop() ABSL_LOCKS_EXCLUDED(mu_) {
    grpc::ByteBuffer bytes;
    while (stream_->Read(&bytes)) {
      PluginMessage message;
      absl::Status parsed = runtime::ParsePluginMessage(bytes, &message);
      absl::MutexLock lock(&mu_);
      if (parsed.ok()) {
        queue_.push_back(std::move(message));
      } else {
        queue_.push_back(parsed);
      }
    }
    absl::MutexLock lock(&mu_);
    ended_ = true;
  }

  grpc::ClientContext context_;
  std::unique_ptr<runtime::RawTaskStream<WorkerMessage>> stream_;
  std::thread reader_;
  bool writes_done_ = false;
  bool finished_ = false;

  absl::Mutex mu_;
  std::deque<absl::StatusOr<PluginMessage>> queue_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sluice::plugin_check

#endif  // SLUICE_TOOLS_PLUGIN_CHECK_TASK_STREAM_H_
