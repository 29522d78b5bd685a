// Process metrics from /proc: the standard process_* families (as Prometheus client libraries
// export them, which dashboards' process panels read) for sluiced itself, and the same figures
// for any other process (Sluice's plugin hosts).
#ifndef SLUICE_SERVER_METRICS_PROCESS_METRICS_H_
#define SLUICE_SERVER_METRICS_PROCESS_METRICS_H_

#include <optional>
#include <sys/types.h>

#include "server/metrics/worker_metrics.h"

namespace sluice::metrics {

struct ProcessStats {
  double cpu_seconds = 0;         // user + system
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;  // since the epoch
  double open_fds = 0;
  double max_fds = 0;             // the soft RLIMIT_NOFILE; 0 when unknown
};

// The figures of process `pid` (0: this process); nullopt when it cannot be read (it exited).
std::optional<ProcessStats> ReadProcessStats(pid_t pid);

// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_start_time_seconds, process_open_fds and process_max_fds of this process.
Collector ProcessCollector();

}  // namespace sluice::metrics

#endif  // SLUICE_SERVER_METRICS_PROCESS_METRICS_H_
