// Log(): plugin log lines, to the sink the plugin host installed or to stderr.
#include "sluice/sdk/log.h"

#include <cstdio>
#include <memory>
#include <mutex>
#include <utility>

namespace sluice {
namespace {

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return "TRACE";
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "UNKNOWN";
}

// The installed sink. Held through a shared_ptr so that Log() can call it outside the lock
// while SetLogSink replaces it; the old sink lives until its last caller returns.
struct SinkSlot {
  std::mutex mu;
  std::shared_ptr<const LogSink> sink;  // null: stderr
};

SinkSlot& Slot() {
  static SinkSlot* const slot = new SinkSlot();
  return *slot;
}

void WriteToStderr(LogLevel level, std::string_view logger, std::string_view message) {
  const std::string_view name = LevelName(level);
  // One fprintf call per line, so that lines from different threads do not interleave.
  std::fprintf(stderr, "%.*s %.*s: %.*s\n", static_cast<int>(name.size()), name.data(),
               static_cast<int>(logger.size()), logger.data(), static_cast<int>(message.size()),
               message.data());
}

}  // namespace

void Log(LogLevel level, std::string_view logger, std::string_view message) {
  std::shared_ptr<const LogSink> sink;
  {
    std::lock_guard<std::mutex> lock(Slot().mu);
    sink = Slot().sink;
  }
  if (sink != nullptr) {
    (*sink)(level, logger, message);
  } else {
    WriteToStderr(level, logger, message);
  }
}

void SetLogSink(LogSink sink) {
  std::shared_ptr<const LogSink> next;
  if (sink) next = std::make_shared<const LogSink>(std::move(sink));
  std::lock_guard<std::mutex> lock(Slot().mu);
  Slot().sink = std::move(next);
}

}  // namespace sluice
