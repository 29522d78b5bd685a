// Kafka Connect's dynamic log levels (`/admin/loggers`, KIP-495 and KIP-976) over spdlog.
//
// Logger names are dotted namespaces ("sluice.runtime.sink"). "root" (any case) is spdlog's
// default logger. LoggerLevels remembers the level each logger was given through the API and
// when; the loggers that exist are root, those set through the API, and every logger in
// spdlog's registry (except the default logger, which is root under another name). Setting a
// level changes the real spdlog level of the matching registry loggers, so it takes effect at
// once.
//
//   LoggerLevels levels;
//   absl::StatusOr<LogLevel> debug = ParseLogLevel("debug");
//   levels.SetLevel("sluice.runtime", *debug);  // {"sluice.runtime", "sluice.runtime.sink"}
//   levels.GetLevel("sluice.runtime.sink");      // {"DEBUG", last_modified = now}
//
// A spdlog logger registered after a namespace above it was set starts at spdlog's global level
// (root's), not at the namespace's, until the namespace is set again.
#ifndef SLUICE_SERVER_LOGGING_LOGGER_LEVELS_H_
#define SLUICE_SERVER_LOGGING_LOGGER_LEVELS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sluice::logging {

// Kafka Connect's (log4j's) levels, most to least severe.
enum class LogLevel { kOff, kFatal, kError, kWarn, kInfo, kDebug, kTrace, kAll };

// Parses a level name as Kafka Connect does (case-insensitive: OFF, FATAL, ERROR, WARN, INFO,
// DEBUG, TRACE, ALL). Errors, both InvalidArgument, with Kafka Connect's messages:
//   ""  -> "Desired 'level' parameter was not specified in request."
//   "x" -> "invalid log level 'x'."
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name);

// "OFF", "FATAL", ... as Kafka Connect writes them.
std::string_view LogLevelName(LogLevel level);

// The spdlog level that implements `level` (FATAL -> critical, ALL -> trace), and back
// (critical -> kFatal, trace -> kTrace).
spdlog::level::level_enum ToSpdlogLevel(LogLevel level);
LogLevel FromSpdlogLevel(spdlog::level::level_enum level);

inline constexpr char kRootLoggerName[] = "root";

struct LoggerLevel {
  std::string level;                       // Kafka Connect's name: "INFO"
  std::optional<int64_t> last_modified_ms;  // epoch ms of the last change through the API
};

// Thread-safe. Changes spdlog's process-wide registry, so one instance serves a process.
class LoggerLevels {
 public:
  using Clock = std::function<absl::Time()>;

  // `clock` stamps last_modified (tests pass a fake).
  explicit LoggerLevels(Clock clock = [] { return absl::Now(); });

  LoggerLevels(const LoggerLevels&) = delete;
  LoggerLevels& operator=(const LoggerLevels&) = delete;

  // Every logger whose level was set explicitly, plus "root", keyed by name.
  std::map<std::string, LoggerLevel> ExplicitLevels() const ABSL_LOCKS_EXCLUDED(mu_);

  // The effective level of `name` (its own, else its nearest dotted ancestor's, else root's)
  // and when it was last set. NotFound "Logger {name} not found." when no such logger exists.
  absl::StatusOr<LoggerLevel> GetLevel(std::string_view name) const ABSL_LOCKS_EXCLUDED(mu_);

  // Sets `level` on `name_space` and on every existing logger whose name starts with it
  // ("root": on every logger), creating `name_space` if it does not exist yet, and changes the
  // level of the matching spdlog loggers (for root also spdlog's global level). As in Kafka
  // Connect 3.x, a logger whose effective level already equals `level` is left as it is (it
  // keeps inheriting, and keeps its last_modified) but is still counted. Returns the affected
  // names, sorted.
  std::vector<std::string> SetLevel(std::string_view name_space, LogLevel level)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    std::optional<LogLevel> level;  // unset: follows its ancestors
    std::optional<absl::Time> last_modified;
  };

  // Root's level: spdlog's default logger, named as it was last set through the API when that
  // still matches (so ALL reads back as ALL, not TRACE).
  LogLevel RootLevel() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  LogLevel EffectiveLevel(std::string_view name) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Names of the non-root loggers that exist: entries_ and spdlog's registry.
  std::vector<std::string> KnownNames() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  LoggerLevel Describe(std::string_view name) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const Clock clock_;
  mutable absl::Mutex mu_;
  Entry root_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Entry, std::less<>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::logging

#endif  // SLUICE_SERVER_LOGGING_LOGGER_LEVELS_H_
