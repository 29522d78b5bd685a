#include "server/config/supervision_config.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sluice::config {
namespace {

constexpr char kRestartEnabled[] = "sluice.restart.enabled";
constexpr char kInitialBackoff[] = "sluice.restart.initial.backoff.ms";
constexpr char kMaxBackoff[] = "sluice.restart.max.backoff.ms";
constexpr char kMaxAttempts[] = "sluice.restart.max.attempts";
constexpr char kBackoffReset[] = "sluice.restart.backoff.reset.ms";
constexpr char kPoll[] = "sluice.task.watchdog.poll.ms";
constexpr char kPut[] = "sluice.task.watchdog.put.ms";
constexpr char kFlush[] = "sluice.task.watchdog.flush.ms";
constexpr char kMax[] = "sluice.task.watchdog.max.ms";

std::string InvalidText(const std::string& key, const std::string& value, const std::string& why) {
  return absl::StrCat("Invalid value ", value, " for configuration ", key, ": ", why);
}

// A LONG value at least `min`; nullopt (and an error of the key) when it is not one.
std::optional<int64_t> Long(const ConfigMap& config, const std::string& key, int64_t min,
                            const std::string& type, SupervisionErrors& errors) {
  auto it = config.find(key);
  if (it == config.end()) return std::nullopt;
  int64_t value = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(it->second), &value) ||
      (type == "INT" && (value < std::numeric_limits<int32_t>::min() ||
                         value > std::numeric_limits<int32_t>::max()))) {
    errors[key].push_back(InvalidText(key, it->second, absl::StrCat("Not a number of type ", type)));
    return std::nullopt;
  }
  if (value < min) {
    errors[key].push_back(
        InvalidText(key, it->second, absl::StrCat("Value must be at least ", min)));
    return std::nullopt;
  }
  return value;
}

ConfigKey Key(const char* name, ConfigType type, const char* default_value, const char* doc) {
  ConfigKey key;
  key.name = name;
  key.type = type;
  if (default_value != nullptr) {
    key.default_value = default_value;
  } else {
    key.null_default = true;  // the worker's deadline
  }
  key.importance = ConfigImportance::kLow;
  key.documentation = doc;
  key.group = "Supervision";
  return key;
}

}  // namespace

absl::Duration RestartPolicy::Backoff(int attempt) const {
  absl::Duration wait = initial_backoff;
  for (int i = 1; i < attempt && wait < max_backoff; ++i) wait *= 2;
  return std::min(wait, max_backoff);
}

absl::StatusOr<WatchdogSettings> ParseWatchdogSettings(const ConfigMap& worker_props) {
  WatchdogSettings settings;
  SupervisionErrors errors;
  for (const auto& [key, target] : {std::pair{kPoll, &settings.deadlines.poll},
                                    std::pair{kPut, &settings.deadlines.put},
                                    std::pair{kFlush, &settings.deadlines.flush},
                                    std::pair{kMax, &settings.max}}) {
    if (std::optional<int64_t> ms = Long(worker_props, key, 0, "LONG", errors)) {
      *target = absl::Milliseconds(*ms);
    }
  }
  if (!errors.empty()) return absl::InvalidArgumentError(errors.begin()->second.front());
  return settings;
}

SupervisionConfig ParseSupervision(const ConfigMap& config, const WatchdogSettings& worker,
                                   SupervisionErrors& errors) {
  SupervisionConfig out;
  out.deadlines = worker.deadlines;
  for (const auto& [key, target] : {std::pair{kPoll, &out.deadlines.poll},
                                    std::pair{kPut, &out.deadlines.put},
                                    std::pair{kFlush, &out.deadlines.flush}}) {
    std::optional<int64_t> ms = Long(config, key, 1, "LONG", errors);
    if (!ms.has_value()) continue;
    if (worker.max > absl::ZeroDuration() && absl::Milliseconds(*ms) > worker.max) {
      errors[key].push_back(InvalidText(
          key, config.at(key),
          absl::StrCat("the worker allows at most ", absl::ToInt64Milliseconds(worker.max),
                       " (sluice.task.watchdog.max.ms)")));
      continue;
    }
    *target = absl::Milliseconds(*ms);
  }
  RestartPolicy& r = out.restart;
  if (auto it = config.find(kRestartEnabled); it != config.end()) {
    const std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(it->second));
    if (v == "true" || v == "false") {
      r.enabled = v == "true";
    } else {
      errors[kRestartEnabled].push_back(
          InvalidText(kRestartEnabled, it->second, "Expected value to be either true or false"));
    }
  }
  for (const auto& [key, target] : {std::pair{kInitialBackoff, &r.initial_backoff},
                                    std::pair{kMaxBackoff, &r.max_backoff},
                                    std::pair{kBackoffReset, &r.backoff_reset}}) {
    if (std::optional<int64_t> ms = Long(config, key, 0, "LONG", errors)) {
      *target = absl::Milliseconds(*ms);
    }
  }
  if (std::optional<int64_t> n = Long(config, kMaxAttempts, -1, "INT", errors)) {
    r.max_attempts = static_cast<int32_t>(*n);
  }
  if (r.max_backoff < r.initial_backoff) {
    errors[kMaxBackoff].push_back(InvalidText(
        kMaxBackoff, absl::StrCat(absl::ToInt64Milliseconds(r.max_backoff)),
        absl::StrCat("must be at least sluice.restart.initial.backoff.ms (",
                     absl::ToInt64Milliseconds(r.initial_backoff), ")")));
    r.max_backoff = r.initial_backoff;
  }
  return out;
}

std::vector<ConfigKey> SupervisionConfigKeys() {
  return {
      Key(kRestartEnabled, ConfigType::kBoolean, "false",
          "Whether the worker restarts the connector and its tasks by itself when they fail, "
          "with exponential back-off (Kafka Connect never does)"),
      Key(kInitialBackoff, ConfigType::kLong, "1000",
          "The wait before the first automatic restart, in milliseconds"),
      Key(kMaxBackoff, ConfigType::kLong, "300000",
          "The longest wait between automatic restarts: the wait doubles up to it"),
      Key(kMaxAttempts, ConfigType::kInt, "-1",
          "Automatic restarts in a row before the worker gives up and leaves it FAILED; -1: no "
          "limit"),
      Key(kBackoffReset, ConfigType::kLong, "600000",
          "How long a restarted task or connector must run before its back-off starts again "
          "from the initial wait"),
      Key(kPoll, ConfigType::kLong, nullptr,
          "How long a source task's poll may take before the watchdog kills the plugin host"),
      Key(kPut, ConfigType::kLong, nullptr,
          "How long a sink task's put may take before the watchdog kills the plugin host"),
      Key(kFlush, ConfigType::kLong, nullptr,
          "How long a sink task's flush / pre_commit may take before the watchdog kills the "
          "plugin host"),
  };
}

}  // namespace sluice::config
