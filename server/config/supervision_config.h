// How the worker supervises a connector's tasks beyond Kafka Connect: the watchdog's deadlines
// on task calls (runtime/task_watchdog.h) and automatic restarts with back-off
// (herder/restart_scheduler.h). Both are Sluice's, under `sluice.`; docs/configuration.md and
// docs/security.md describe them.
//
// Worker config (defaults in brackets):
//   sluice.task.watchdog.poll.ms [60000]    a source task's poll; 0: not watched
//   sluice.task.watchdog.put.ms [60000]     a sink task's put
//   sluice.task.watchdog.flush.ms [60000]   a sink task's flush / pre_commit
//   sluice.task.watchdog.max.ms [600000]    the most a connector may set its own deadlines to
// Connector config (each optional):
//   sluice.task.watchdog.poll.ms, .put.ms, .flush.ms   1 .. the worker's max
//   sluice.restart.enabled [false]                     Kafka Connect restarts nothing by itself
//   sluice.restart.initial.backoff.ms [1000]           the wait before the first restart
//   sluice.restart.max.backoff.ms [300000]             the back-off doubles up to this
//   sluice.restart.max.attempts [-1]                   restarts in a row before giving up; -1: no
//                                                      limit
//   sluice.restart.backoff.reset.ms [600000]           running this long resets the back-off
//
// Value types and pure functions; thread-compatible.
#ifndef SLUICE_SERVER_CONFIG_SUPERVISION_CONFIG_H_
#define SLUICE_SERVER_CONFIG_SUPERVISION_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sluice/sdk/config_def.h"

namespace sluice::config {

// Deadlines of the task calls the watchdog times; zero: not watched.
struct TaskCallDeadlines {
  absl::Duration poll = absl::Seconds(60);
  absl::Duration put = absl::Seconds(60);
  absl::Duration flush = absl::Seconds(60);

  bool operator==(const TaskCallDeadlines&) const = default;
};

// The worker's sluice.task.watchdog.* keys.
struct WatchdogSettings {
  TaskCallDeadlines deadlines;
  absl::Duration max = absl::Minutes(10);
};

struct RestartPolicy {
  bool enabled = false;
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  int32_t max_attempts = -1;  // -1: no limit
  absl::Duration backoff_reset = absl::Minutes(10);

  // The wait before restart number `attempt` (1 for the first) of a run of failures:
  // initial_backoff * 2^(attempt-1), at most max_backoff.
  absl::Duration Backoff(int attempt) const;
  bool operator==(const RestartPolicy&) const = default;
};

struct SupervisionConfig {
  TaskCallDeadlines deadlines;
  RestartPolicy restart;
};

inline constexpr char kRestartPrefix[] = "sluice.restart.";
inline constexpr char kWatchdogPrefix[] = "sluice.task.watchdog.";

// The worker's keys. InvalidArgument in Kafka's words for a bad value.
absl::StatusOr<WatchdogSettings> ParseWatchdogSettings(const ConfigMap& worker_props);

// Per-key errors in Kafka's validation words, e.g. {"sluice.restart.max.attempts": ["Invalid
// value x for configuration sluice.restart.max.attempts: Not a number of type INT"]}.
using SupervisionErrors = std::map<std::string, std::vector<std::string>>;

// A connector's supervision: the worker's deadlines unless it sets its own (within
// sluice.task.watchdog.max.ms), and its restart policy. Bad values are errors of their keys in
// `errors`; the defaults are used for them.
SupervisionConfig ParseSupervision(const ConfigMap& config, const WatchdogSettings& worker,
                                   SupervisionErrors& errors);

// The connector keys above, for validation's listing (group "Supervision").
std::vector<ConfigKey> SupervisionConfigKeys();

}  // namespace sluice::config

#endif  // SLUICE_SERVER_CONFIG_SUPERVISION_CONFIG_H_
