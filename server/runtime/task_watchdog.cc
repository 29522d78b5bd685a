#include "server/runtime/task_watchdog.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"

namespace sluice::runtime {

const char* WatchedCallName(WatchedCall call) {
  switch (call) {
    case WatchedCall::kPoll:
      return "poll";
    case WatchedCall::kPut:
      return "put";
    case WatchedCall::kFlush:
      return "flush";
  }
  return "call";
}

std::string WatchedCallKey(WatchedCall call) {
  return absl::StrCat("sluice.task.watchdog.", WatchedCallName(call), ".ms");
}

std::string WatchdogTrace(const std::string& task, WatchedCall call, absl::Duration deadline) {
  return absl::StrCat("org.apache.kafka.connect.errors.ConnectException: Task ", task,
                      " did not answer ", WatchedCallName(call), " within ",
                      absl::ToInt64Milliseconds(deadline),
                      " ms; its plugin host was killed by the watchdog (", WatchedCallKey(call),
                      ")");
}

TaskWatchdog::TaskWatchdog(Options options) : options_(std::move(options)) {
  if (options_.start_thread) thread_ = std::thread([this] { Run(); });
}

TaskWatchdog::~TaskWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void TaskWatchdog::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stop_), options_.tick)) return;
    }
    Check();
  }
}

std::unique_ptr<TaskWatchdog::Watch> TaskWatchdog::NewWatch(
    std::string task, std::function<void(const std::string&)> on_expired) {
  auto watch = std::unique_ptr<Watch>(new Watch(this, std::move(task), std::move(on_expired)));
  absl::MutexLock lock(&mu_);
  watches_.insert(watch.get());
  return watch;
}

void TaskWatchdog::Remove(Watch* watch) {
  absl::MutexLock lock(&mu_);
  watches_.erase(watch);
}

void TaskWatchdog::Check() {
  const absl::Time now = options_.now();
  absl::MutexLock lock(&mu_);
  for (Watch* w : watches_) {
    if (!w->armed_ || w->fired_.has_value() || now - w->since_ < w->deadline_) continue;
    w->fired_ = WatchdogTrace(w->task_, w->call_, w->deadline_);
    w->armed_ = false;
    spdlog::error("Watchdog: task {} did not answer {} within {} ms; killing its plugin host",
                  w->task_, WatchedCallName(w->call_), absl::ToInt64Milliseconds(w->deadline_));
    if (w->on_expired_) w->on_expired_(*w->fired_);
  }
}

TaskWatchdog::Watch::~Watch() { owner_->Remove(this); }

void TaskWatchdog::Watch::Arm(WatchedCall call, absl::Duration deadline) {
  const absl::Time now = owner_->options_.now();
  absl::MutexLock lock(&owner_->mu_);
  if (deadline <= absl::ZeroDuration() || deadline == absl::InfiniteDuration()) {
    armed_ = false;
    return;
  }
  armed_ = true;
  call_ = call;
  deadline_ = deadline;
  since_ = now;
}

void TaskWatchdog::Watch::Disarm() {
  absl::MutexLock lock(&owner_->mu_);
  armed_ = false;
}

std::optional<std::string> TaskWatchdog::Watch::fired() const {
  absl::MutexLock lock(&owner_->mu_);
  return fired_;
}

}  // namespace sluice::runtime
