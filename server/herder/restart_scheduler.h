// RestartScheduler: Sluice's automatic restarts (sluice.restart.*, supervision_config.h). When a
// connector that asks for them has its instance or a task fail, the scheduler waits a back-off
// (initial, doubling per failure in a row, up to the maximum) and then has the herder restart
// what failed of that connector (RestartConnector with includeTasks and onlyFailed, as a user
// would); the failures in a row start again from one once the restarted instance or task has
// run for sluice.restart.backoff.reset.ms; after sluice.restart.max.attempts in a row it gives
// up and the FAILED status stays. Kafka Connect restarts nothing by itself, so this is off
// unless a connector turns it on. Counts are kept per instance (the connector instance is task
// -1) for GET /sluice/connectors/{name}/resources and the logs.
//
// Thread-safety: thread-safe. It owns one thread, which calls `restart` without holding its
// lock; Stop() (or the destructor) joins it. Failure and running reports may come from any
// thread, including while `restart` runs.
#ifndef SLUICE_SERVER_HERDER_RESTART_SCHEDULER_H_
#define SLUICE_SERVER_HERDER_RESTART_SCHEDULER_H_

#include <functional>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/config/supervision_config.h"

namespace sluice::herder {

// What the scheduler knows of one instance (the connector instance or one task).
struct RestartCounts {
  int restarts = 0;            // automatic restarts made, in all
  int failures_in_a_row = 0;   // since it last ran for the reset period
  std::optional<absl::Time> next_restart;  // scheduled, not made yet
  bool gave_up = false;        // max attempts reached; it stays FAILED
};

inline constexpr int kConnectorInstance = -1;

class RestartScheduler {
 public:
  struct Options {
    // Restarts what failed of the connector (the herder's RestartConnector(name, true, true)).
    std::function<void(const std::string& connector)> restart;
    std::function<absl::Time()> now = [] { return absl::Now(); };
    // Tests call RunDue themselves.
    bool start_thread = true;
  };

  explicit RestartScheduler(Options options);
  ~RestartScheduler();
  RestartScheduler(const RestartScheduler&) = delete;
  RestartScheduler& operator=(const RestartScheduler&) = delete;

  // The instance (`task`, or kConnectorInstance) failed. With `policy.enabled`, a restart is
  // scheduled after its back-off, unless one is already, or max attempts were reached.
  void OnFailed(const std::string& connector, int task, const config::RestartPolicy& policy)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The instance runs (its back-off resets once it has run long enough, at its next failure).
  void OnRunning(const std::string& connector, int task) ABSL_LOCKS_EXCLUDED(mu_);
  // Forgets the connector (deleted, or its config replaced: a fresh start).
  void Forget(const std::string& connector) ABSL_LOCKS_EXCLUDED(mu_);
  // The counts of each instance of the connector the scheduler has seen.
  std::map<int, RestartCounts> CountsOf(const std::string& connector) const
      ABSL_LOCKS_EXCLUDED(mu_);
  // Makes the restarts that are due (the thread does, every time one falls due).
  void RunDue() ABSL_LOCKS_EXCLUDED(mu_);
  // Stops the thread; no restart is made after it returns. Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Instance {
    RestartCounts counts;
    std::optional<absl::Time> running_since;
  };
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<absl::Time> NextDueLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, int>, Instance> instances_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t changes_ ABSL_GUARDED_BY(mu_) = 0;  // wakes the thread when a restart is scheduled
  std::thread thread_;
};

}  // namespace sluice::herder

#endif  // SLUICE_SERVER_HERDER_RESTART_SCHEDULER_H_
