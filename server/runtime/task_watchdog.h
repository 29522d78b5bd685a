// TaskWatchdog: the worker's deadline on the task calls that a plugin answers on a stream, where
// gRPC deadlines do not reach (a stream lives as long as its task): a source task's poll, a sink
// task's put and its flush / pre_commit. A runner arms its Watch when it hands the plugin such a
// call and disarms it when the answer arrives; when an armed call outlives its deadline, the
// watchdog's thread runs the watch's expiry action once (the runner kills the plugin host's
// process group, which ends the stream) and the watch remembers why, for the task's trace:
//
//   org.apache.kafka.connect.errors.ConnectException: Task orders-0 did not answer poll within
//   30000 ms; its plugin host was killed by the watchdog (sluice.task.watchdog.poll.ms)
//
// A task's stop has its deadline in Kafka Connect's task.shutdown.graceful.timeout.ms, which
// the worker already enforces the same way (Worker::StopTask); it is not timed here.
//
// Thread-safety: thread-safe. Expiry actions run on the watchdog's thread with its lock held:
// they must be quick and must not call into the watchdog (killing a process group is both).
// The watchdog owns its thread; the destructor stops and joins it. Watches must be destroyed
// before their watchdog.
#ifndef SLUICE_SERVER_RUNTIME_TASK_WATCHDOG_H_
#define SLUICE_SERVER_RUNTIME_TASK_WATCHDOG_H_

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sluice::runtime {

// The task calls the watchdog times.
enum class WatchedCall { kPoll, kPut, kFlush };

// "poll", "put", "flush".
const char* WatchedCallName(WatchedCall call);
// The worker / connector key of the call's deadline, e.g. "sluice.task.watchdog.poll.ms".
std::string WatchedCallKey(WatchedCall call);

class TaskWatchdog {
 public:
  struct Options {
    // How often armed calls are checked; a call is caught at most this late.
    absl::Duration tick = absl::Milliseconds(100);
    // Tests inject time; the thread is not started when `start_thread` is false and the test
    // calls Check() itself.
    std::function<absl::Time()> now = [] { return absl::Now(); };
    bool start_thread = true;
  };

  class Watch;

  explicit TaskWatchdog(Options options);
  TaskWatchdog() : TaskWatchdog(Options()) {}
  ~TaskWatchdog();
  TaskWatchdog(const TaskWatchdog&) = delete;
  TaskWatchdog& operator=(const TaskWatchdog&) = delete;

  // A watch for task `task` (e.g. "orders-0"); `on_expired` is its expiry action, given the
  // trace. The watch is disarmed until Arm.
  std::unique_ptr<Watch> NewWatch(std::string task,
                                  std::function<void(const std::string& trace)> on_expired)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Fires every armed watch whose deadline has passed. The thread calls it every tick.
  void Check() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  void Remove(Watch* watch) ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  absl::Mutex mu_;
  std::set<Watch*> watches_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// One task's view of the watchdog. Thread-safe (the runner's thread and Stop may both arm).
class TaskWatchdog::Watch {
 public:
  ~Watch();
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  // Starts timing `call` now, replacing whatever was armed. A deadline of zero (or infinite)
  // disarms: that call is not watched.
  void Arm(WatchedCall call, absl::Duration deadline) ABSL_LOCKS_EXCLUDED(owner_->mu_);
  void Disarm() ABSL_LOCKS_EXCLUDED(owner_->mu_);
  // The trace, once the watch fired; it fires at most once.
  std::optional<std::string> fired() const ABSL_LOCKS_EXCLUDED(owner_->mu_);

 private:
  friend class TaskWatchdog;
  Watch(TaskWatchdog* owner, std::string task, std::function<void(const std::string&)> on_expired)
      : owner_(owner), task_(std::move(task)), on_expired_(std::move(on_expired)) {}

  TaskWatchdog* const owner_;
  const std::string task_;
  const std::function<void(const std::string&)> on_expired_;
  // Guarded by owner_->mu_.
  bool armed_ = false;
  WatchedCall call_ = WatchedCall::kPoll;
  absl::Duration deadline_;
  absl::Time since_;
  std::optional<std::string> fired_;
};

// The trace of a task whose `call` outlived `deadline`.
std::string WatchdogTrace(const std::string& task, WatchedCall call, absl::Duration deadline);

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_TASK_WATCHDOG_H_
