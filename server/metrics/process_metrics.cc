#include "server/metrics/process_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sluice::metrics {

namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The system's boot time (btime in /proc/stat), in seconds since the epoch.
double BootTimeSeconds() {
  static const double boot = [] {
    std::optional<std::string> stat = ReadFile("/proc/stat");
    if (!stat.has_value()) return 0.0;
    for (absl::string_view line : absl::StrSplit(*stat, '\n')) {
      if (absl::ConsumePrefix(&line, "btime ")) {
        double value = 0;
        if (absl::SimpleAtod(line, &value)) return value;
      }
    }
    return 0.0;
  }();
  return boot;
}

double CountFds(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return 0;
  double count = 0;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] != '.') count += 1;
  }
  closedir(d);
  return count;
}

double MaxFds(const std::string& limits_path) {
  std::optional<std::string> limits = ReadFile(limits_path);
  if (!limits.has_value()) return 0;
  for (absl::string_view line : absl::StrSplit(*limits, '\n')) {
    if (!absl::ConsumePrefix(&line, "Max open files")) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    double value = 0;
    if (!fields.empty() && absl::SimpleAtod(fields[0], &value)) return value;
  }
  return 0;
}

}  // namespace

std::optional<ProcessStats> ReadProcessStats(pid_t pid) {
  const std::string dir = pid == 0 ? "/proc/self" : absl::StrCat("/proc/", pid);
  std::optional<std::string> stat = ReadFile(dir + "/stat");
  if (!stat.has_value()) return std::nullopt;
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const size_t close = stat->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(*stat).substr(close + 1), ' ', absl::SkipEmpty());
  // fields[0] is the state (field 3 of proc(5)): field n is fields[n - 3].
  if (fields.size() < 22) return std::nullopt;
  double utime = 0, stime = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
  if (!absl::SimpleAtod(fields[14 - 3], &utime) || !absl::SimpleAtod(fields[15 - 3], &stime) ||
      !absl::SimpleAtod(fields[22 - 3], &start_ticks) ||
      !absl::SimpleAtod(fields[23 - 3], &vsize) || !absl::SimpleAtod(fields[24 - 3], &rss_pages)) {
    return std::nullopt;
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcessStats stats;
  stats.cpu_seconds = (utime + stime) / ticks;
  stats.resident_bytes = rss_pages * page;
  stats.virtual_bytes = vsize;
  stats.start_time_seconds = BootTimeSeconds() + start_ticks / ticks;
  stats.open_fds = CountFds(dir + "/fd");
  stats.max_fds = MaxFds(dir + "/limits");
  return stats;
}

Collector ProcessCollector() {
  return [](std::vector<MetricFamily>& out) {
    std::optional<ProcessStats> stats = ReadProcessStats(0);
    if (!stats.has_value()) return;
    // Names and help texts as Prometheus's client libraries write them.
    auto add = [&](const char* name, const char* help, MetricType type, double value) {
      out.push_back(MetricFamily{name, help, type, {Sample{{}, value}}});
    };
    add("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
        MetricType::kCounter, stats->cpu_seconds);
    add("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
        MetricType::kGauge, stats->start_time_seconds);
    add("process_open_fds", "Number of open file descriptors.", MetricType::kGauge,
        stats->open_fds);
    if (stats->max_fds > 0) {
      add("process_max_fds", "Maximum number of open file descriptors.", MetricType::kGauge,
          stats->max_fds);
    }
    add("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::kGauge,
        stats->virtual_bytes);
    add("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::kGauge,
        stats->resident_bytes);
  };
}

}  // namespace sluice::metrics
