// The one place where the host calls plugin code. Plugin code may throw (our code does not):
// CallPlugin runs a callable and turns an escaping exception into a Status, so a buggy plugin
// fails its connector or task instead of the host.
//
//   absl::Status s = CallPlugin("SourceTask::Poll", task_id, [&] { return task->Poll(); });
//
// The status of an exception is UNKNOWN with the message "<what> threw <type>: <what()>" and
// carries a trace (TraceOf) naming the exception type. A plain error Status returned by plugin
// code passes through unchanged; TraceOf gives "<CODE>: <message>" for it.
//
// While the callable runs, Log() lines written by the plugin on this thread are attributed to
// `task` (-1: the connector instance); see CurrentTask().
//
// Thread-safety: thread-safe (state is per thread).
#ifndef SLUICE_PLUGIN_HOST_PLUGIN_CALL_H_
#define SLUICE_PLUGIN_HOST_PLUGIN_CALL_H_

#include <exception>
#include <string>
#include "absl/strings/string_view.h"
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice::plugin_host {

inline constexpr int kConnectorTask = -1;

// The task whose plugin code runs on this thread, or kConnectorTask.
int CurrentTask();

// The trace to report for a failure: the payload CallPlugin attached, or "<CODE>: <message>".
std::string TraceOf(const absl::Status& status);

namespace internal {

// Builds the status for the exception being handled (call from a catch block only).
absl::Status CurrentExceptionStatus(absl::string_view what);

class TaskScope {
 public:
  explicit TaskScope(int task);
  ~TaskScope();
  TaskScope(const TaskScope&) = delete;
  TaskScope& operator=(const TaskScope&) = delete;

 private:
  int previous_;
};

template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};

}  // namespace internal

// Runs `fn` (plugin code). Returns:
//   fn returns void           -> absl::Status
//   fn returns absl::Status   -> absl::Status
//   fn returns StatusOr<T>    -> StatusOr<T>
//   fn returns T              -> StatusOr<T>
template <typename F>
auto CallPlugin(absl::string_view what, int task, F&& fn) {
  using R = std::invoke_result_t<F>;
  internal::TaskScope scope(task);
  if constexpr (std::is_void_v<R>) {
    try {
      std::forward<F>(fn)();
      return absl::OkStatus();
    } catch (...) {
      return internal::CurrentExceptionStatus(what);
    }
  } else if constexpr (std::is_same_v<R, absl::Status> || internal::IsStatusOr<R>::value) {
    try {
      return R(std::forward<F>(fn)());
    } catch (...) {
      return R(internal::CurrentExceptionStatus(what));
    }
  } else {
    try {
      return absl::StatusOr<R>(std::forward<F>(fn)());
    } catch (...) {
      return absl::StatusOr<R>(internal::CurrentExceptionStatus(what));
    }
  }
}

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_PLUGIN_CALL_H_
