// Logging for plugin code. Lines go to the worker, which logs them with the connector and task
// as context (and they obey the worker's log levels).
//
//   sluice::Log(sluice::LogLevel::kInfo, "FileStreamSourceTask", "Opened /data/in.txt");
//
// Thread-safe.
#ifndef SLUICE_SDK_LOG_H_
#define SLUICE_SDK_LOG_H_

#include <functional>
#include <string_view>

namespace sluice {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };

void Log(LogLevel level, std::string_view logger, std::string_view message);

// Where Log() lines go. The plugin host installs its sink; without one, lines go to stderr.
using LogSink = std::function<void(LogLevel, std::string_view logger, std::string_view message)>;
void SetLogSink(LogSink sink);

}  // namespace sluice

#endif  // SLUICE_SDK_LOG_H_
