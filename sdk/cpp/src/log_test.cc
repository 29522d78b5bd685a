#include "sluice/sdk/log.h"

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice {
namespace {

TEST(Log, GoesToTheInstalledSink) {
  std::mutex mu;
  std::vector<std::string> lines;
  SetLogSink([&](LogLevel level, std::string_view logger, std::string_view message) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(std::string(level == LogLevel::kWarn ? "WARN " : "? ") + std::string(logger) +
                    ": " + std::string(message));
  });
  Log(LogLevel::kWarn, "FileStreamSourceTask", "no file");
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([] {
      for (int j = 0; j < 100; ++j) Log(LogLevel::kWarn, "t", "m");
    });
  }
  for (std::thread& t : threads) t.join();
  SetLogSink(nullptr);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(lines.size(), 401u);
  EXPECT_EQ(lines[0], "WARN FileStreamSourceTask: no file");
}

TEST(Log, DefaultSinkWritesLevelLoggerAndMessageToStderr) {
  SetLogSink(nullptr);
  ::testing::internal::CaptureStderr();
  Log(LogLevel::kInfo, "Logger", "hello");
  Log(LogLevel::kError, "L2", "bad");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "INFO Logger: hello\nERROR L2: bad\n");
}

}  // namespace
}  // namespace sluice
