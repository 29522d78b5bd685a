#include "server/herder/restart_scheduler.h"

#include <set>
#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"

namespace sluice::herder {
namespace {

std::string Who(const std::string& connector, int task) {
  return task == kConnectorInstance ? absl::StrCat("connector ", connector)
                                    : absl::StrCat("task ", connector, "-", task);
}

}  // namespace

RestartScheduler::RestartScheduler(Options options) : options_(std::move(options)) {
  if (options_.start_thread) thread_ = std::thread([this] { Run(); });
}

RestartScheduler::~RestartScheduler() { Stop(); }

void RestartScheduler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void RestartScheduler::OnFailed(const std::string& connector, int task,
                                const config::RestartPolicy& policy) {
  const absl::Time now = options_.now();
  absl::MutexLock lock(&mu_);
  if (stop_) return;
  Instance& instance = instances_[{connector, task}];
  if (instance.running_since.has_value() &&
      now - *instance.running_since >= policy.backoff_reset) {
    instance.counts.failures_in_a_row = 0;  // it ran healthily: the back-off starts again
  }
  instance.running_since.reset();
  if (!policy.enabled || instance.counts.next_restart.has_value()) return;
  if (policy.max_attempts >= 0 && instance.counts.failures_in_a_row >= policy.max_attempts) {
    if (!instance.counts.gave_up) {
      spdlog::error("Automatic restarts: {} failed {} times in a row; it stays FAILED "
                    "(sluice.restart.max.attempts={})",
                    Who(connector, task), instance.counts.failures_in_a_row,
                    policy.max_attempts);
    }
    instance.counts.gave_up = true;
    return;
  }
  instance.counts.gave_up = false;
  const int attempt = ++instance.counts.failures_in_a_row;
  const absl::Duration wait = policy.Backoff(attempt);
  instance.counts.next_restart = now + wait;
  ++changes_;
  spdlog::warn("Automatic restarts: {} failed; restart {} in a row in {} ms", Who(connector, task),
               attempt, absl::ToInt64Milliseconds(wait));
}

void RestartScheduler::OnRunning(const std::string& connector, int task) {
  const absl::Time now = options_.now();
  absl::MutexLock lock(&mu_);
  auto it = instances_.find({connector, task});
  if (it == instances_.end()) return;  // never failed: nothing to reset
  if (!it->second.running_since.has_value()) it->second.running_since = now;
}

void RestartScheduler::Forget(const std::string& connector) {
  absl::MutexLock lock(&mu_);
  for (auto it = instances_.lower_bound({connector, kConnectorInstance});
       it != instances_.end() && it->first.first == connector;) {
    it = instances_.erase(it);
  }
}

std::map<int, RestartCounts> RestartScheduler::CountsOf(const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  std::map<int, RestartCounts> out;
  for (auto it = instances_.lower_bound({connector, kConnectorInstance});
       it != instances_.end() && it->first.first == connector; ++it) {
    out[it->first.second] = it->second.counts;
  }
  return out;
}

std::optional<absl::Time> RestartScheduler::NextDueLocked() const {
  std::optional<absl::Time> next;
  for (const auto& [key, instance] : instances_) {
    if (instance.counts.next_restart.has_value() &&
        (!next.has_value() || *instance.counts.next_restart < *next)) {
      next = instance.counts.next_restart;
    }
  }
  return next;
}

void RestartScheduler::RunDue() {
  const absl::Time now = options_.now();
  std::set<std::string> due;
  {
    absl::MutexLock lock(&mu_);
    if (stop_) return;
    for (const auto& [key, instance] : instances_) {
      if (instance.counts.next_restart.has_value() && *instance.counts.next_restart <= now) {
        due.insert(key.first);
      }
    }
    // One restart of a connector restarts whatever of it failed: every instance of it with a
    // restart scheduled has it made now.
    for (auto& [key, instance] : instances_) {
      if (due.contains(key.first) && instance.counts.next_restart.has_value()) {
        instance.counts.next_restart.reset();
        ++instance.counts.restarts;
        spdlog::warn("Automatic restarts: restarting {} (restart {} in all, {} in a row)",
                     Who(key.first, key.second), instance.counts.restarts,
                     instance.counts.failures_in_a_row);
      }
    }
  }
  for (const std::string& connector : due) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
    }
    options_.restart(connector);
  }
}

void RestartScheduler::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      const uint64_t seen = changes_;
      auto woken = [this, seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stop_ || changes_ != seen;
      };
      std::optional<absl::Time> next = NextDueLocked();
      // Wake at the next due restart, when a new one is scheduled, or to stop.
      const absl::Duration wait =
          next.has_value() ? std::max(absl::ZeroDuration(), *next - options_.now())
                           : absl::Seconds(1);
      mu_.AwaitWithTimeout(absl::Condition(&woken), wait);
      if (stop_) return;
    }
    RunDue();
  }
}

}  // namespace sluice::herder
