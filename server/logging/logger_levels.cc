#include "server/logging/logger_levels.h"

#include <algorithm>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace sluice::logging {

namespace {

constexpr std::pair<LogLevel, std::string_view> kLevelNames[] = {
    {LogLevel::kOff, "OFF"},     {LogLevel::kFatal, "FATAL"}, {LogLevel::kError, "ERROR"},
    {LogLevel::kWarn, "WARN"},   {LogLevel::kInfo, "INFO"},   {LogLevel::kDebug, "DEBUG"},
    {LogLevel::kTrace, "TRACE"}, {LogLevel::kAll, "ALL"},
};

bool IsRoot(std::string_view name) {
  return absl::AsciiStrToLower(std::string(name)) == kRootLoggerName;
}

// The loggers in spdlog's registry other than the default logger (that one is root).
std::vector<std::shared_ptr<spdlog::logger>> RegistryLoggers() {
  spdlog::logger* root = spdlog::default_logger_raw();
  std::vector<std::shared_ptr<spdlog::logger>> loggers;
  spdlog::apply_all([&](std::shared_ptr<spdlog::logger> logger) {
    if (logger.get() != root && !logger->name().empty()) loggers.push_back(std::move(logger));
  });
  return loggers;
}

std::optional<int64_t> ToEpochMs(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return std::nullopt;
  return absl::ToUnixMillis(*t);
}

}  // namespace

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError("Desired 'level' parameter was not specified in request.");
  }
  const std::string upper = absl::AsciiStrToUpper(std::string(name));
  for (const auto& [level, level_name] : kLevelNames) {
    if (upper == level_name) return level;
  }
  return absl::InvalidArgumentError(absl::StrCat("invalid log level '", std::string(name), "'."));
}

std::string_view LogLevelName(LogLevel level) {
  for (const auto& [l, name] : kLevelNames) {
    if (l == level) return name;
  }
  return "OFF";  // unreachable: kLevelNames names every LogLevel
}

spdlog::level::level_enum ToSpdlogLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kOff: return spdlog::level::off;
    case LogLevel::kFatal: return spdlog::level::critical;
    case LogLevel::kError: return spdlog::level::err;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kTrace:
    case LogLevel::kAll: return spdlog::level::trace;
  }
  return spdlog::level::info;  // unreachable
}

LogLevel FromSpdlogLevel(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return LogLevel::kTrace;
    case spdlog::level::debug: return LogLevel::kDebug;
    case spdlog::level::info: return LogLevel::kInfo;
    case spdlog::level::warn: return LogLevel::kWarn;
    case spdlog::level::err: return LogLevel::kError;
    case spdlog::level::critical: return LogLevel::kFatal;
    default: return LogLevel::kOff;
  }
}

LoggerLevels::LoggerLevels(Clock clock) : clock_(std::move(clock)) {}

LogLevel LoggerLevels::RootLevel() const {
  spdlog::logger* root = spdlog::default_logger_raw();
  const spdlog::level::level_enum actual = root != nullptr ? root->level() : spdlog::get_level();
  if (root_.level.has_value() && ToSpdlogLevel(*root_.level) == actual) return *root_.level;
  return FromSpdlogLevel(actual);
}

LogLevel LoggerLevels::EffectiveLevel(std::string_view name) const {
  // log4j's hierarchy: "a.b.c" inherits from "a.b", then "a", then root.
  while (true) {
    auto it = entries_.find(name);
    if (it != entries_.end() && it->second.level.has_value()) return *it->second.level;
    size_t dot = name.rfind('.');
    if (dot == std::string_view::npos) return RootLevel();
    name = name.substr(0, dot);
  }
}

std::vector<std::string> LoggerLevels::KnownNames() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  for (const auto& logger : RegistryLoggers()) {
    if (!entries_.contains(logger->name())) names.push_back(logger->name());
  }
  return names;
}

LoggerLevel LoggerLevels::Describe(std::string_view name) const {
  if (IsRoot(name)) {
    return {std::string(LogLevelName(RootLevel())), ToEpochMs(root_.last_modified)};
  }
  auto it = entries_.find(name);
  return {std::string(LogLevelName(EffectiveLevel(name))),
          it == entries_.end() ? std::nullopt : ToEpochMs(it->second.last_modified)};
}

std::map<std::string, LoggerLevel> LoggerLevels::ExplicitLevels() const {
  absl::ReaderMutexLock lock(&mu_);
  std::map<std::string, LoggerLevel> levels;
  for (const auto& [name, entry] : entries_) {
    if (entry.level.has_value()) levels.emplace(name, Describe(name));
  }
  levels.insert_or_assign(kRootLoggerName, Describe(kRootLoggerName));
  return levels;
}

absl::StatusOr<LoggerLevel> LoggerLevels::GetLevel(std::string_view name) const {
  absl::ReaderMutexLock lock(&mu_);
  if (IsRoot(name)) return Describe(kRootLoggerName);
  std::vector<std::string> known = KnownNames();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    return absl::NotFoundError(absl::StrCat("Logger ", std::string(name), " not found."));
  }
  return Describe(name);
}

std::vector<std::string> LoggerLevels::SetLevel(std::string_view name_space, LogLevel level) {
  absl::MutexLock lock(&mu_);
  const bool root = IsRoot(name_space);
  spdlog::info("Setting level of namespace {} and children to {}", root ? kRootLoggerName : name_space,
               LogLevelName(level));
  const absl::Time now = clock_();

  // Kafka Connect matches children by plain prefix ("a" also matches "ab"), as log4j's
  // LoggingResource does; the namespace itself is created when absent.
  std::vector<std::string> targets;
  for (std::string& name : KnownNames()) {
    if (root || name.starts_with(name_space)) targets.push_back(std::move(name));
  }
  if (root) {
    targets.push_back(kRootLoggerName);
  } else if (std::find(targets.begin(), targets.end(), name_space) == targets.end()) {
    targets.emplace_back(name_space);
  }

  // As Kafka Connect 3.x (log4j 1) does: a logger whose effective level already equals `level`
  // is left alone (it keeps inheriting, and its last_modified), but is still reported. Levels are
  // compared as they were before this call, so the result does not depend on the order.
  std::vector<std::pair<std::string, LogLevel>> before;
  for (const std::string& name : targets) {
    before.emplace_back(name, name == kRootLoggerName ? RootLevel() : EffectiveLevel(name));
  }
  for (const auto& [name, old_level] : before) {
    Entry& entry = name == kRootLoggerName ? root_ : entries_[name];
    if (old_level == level) continue;
    entry.level = level;
    entry.last_modified = now;
    spdlog::debug("Setting level of logger {} (excluding children) to {}", name,
                  LogLevelName(level));
  }

  // The real spdlog levels. Root's sets every registered logger and the level new ones get.
  const spdlog::level::level_enum spdlog_level = ToSpdlogLevel(level);
  if (root) {
    spdlog::set_level(spdlog_level);
    if (spdlog::logger* d = spdlog::default_logger_raw(); d != nullptr) d->set_level(spdlog_level);
  } else {
    for (const auto& logger : RegistryLoggers()) {
      if (logger->name().starts_with(name_space)) logger->set_level(spdlog_level);
    }
  }

  std::sort(targets.begin(), targets.end());
  return targets;
}

}  // namespace sluice::logging
