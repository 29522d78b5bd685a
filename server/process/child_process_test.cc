#include "server/process/child_process.h"

#include <signal.h>

#include "gmock/gmock.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace sluice::process {
namespace {

using ::testing::HasSubstr;

ChildProcessOptions Shell(const std::string& script, std::string prefix = "READY|") {
  return {.argv = {"/bin/sh", "-c", script},
          .description = "Test child",
          .handshake_prefix = std::move(prefix),
          .handshake_timeout = absl::Seconds(10)};
}

TEST(ChildProcess, WaitsForTheHandshakeAndExitsWhenStdinCloses) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(Shell("echo 'a log line'; echo 'READY|x|y'; cat > /dev/null"));
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->handshake(), "READY|x|y");
  EXPECT_FALSE((*child)->exit_info().has_value());
  (*child)->CloseStdin();
  std::optional<ExitInfo> exit = (*child)->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->signaled);
  EXPECT_EQ(exit->exit_code, 0);
}

TEST(ChildProcess, DescribesADeathBySignalWithTheLastStderrLines) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(
      Shell("echo 'READY|'; echo 'about to crash' >&2; echo 'last words' >&2; kill -SEGV $$"));
  ASSERT_TRUE(child.ok()) << child.status();
  std::optional<ExitInfo> called;
  absl::Notification notified;
  (*child)->OnExit([&](const ExitInfo& e) {
    called = e;
    notified.Notify();
  });
  ASSERT_TRUE(notified.WaitForNotificationWithTimeout(absl::Seconds(10)));
  ASSERT_TRUE(called->signaled);
  EXPECT_EQ(called->signal, SIGSEGV);
  EXPECT_EQ(called->stderr_tail, "about to crash\nlast words");
  EXPECT_THAT(called->Describe(),
              HasSubstr("Test child (pid " + std::to_string((*child)->pid()) +
                        ") was killed by signal 11 (Segmentation fault). Last lines of its "
                        "stderr:\nabout to crash\nlast words"));
}

TEST(ChildProcess, AChildThatExitsBeforeItsHandshakeIsUnavailable) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(Shell("echo 'bad manifest' >&2; exit 3"));
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(child.status().message()),
              HasSubstr("exited with code 3. Last lines of its stderr:\nbad manifest"));
}

TEST(ChildProcess, AMissingHandshakeTimesOutAndTheChildIsKilled) {
  ChildProcessOptions options = Shell("echo 'never ready' >&2; exec sleep 600");
  options.handshake_timeout = absl::Milliseconds(300);
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(options);
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(child.status().message()),
              HasSubstr("did not complete its handshake within 300ms; killed it. Last lines of "
                        "its stderr:\nnever ready"));
}

TEST(ChildProcess, StopKillsAChildThatIgnoresStdin) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(Shell("echo 'READY|'; exec sleep 600"));
  ASSERT_TRUE(child.ok()) << child.status();
  (*child)->Stop(absl::Milliseconds(100));
  std::optional<ExitInfo> exit = (*child)->exit_info();
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->signaled);
  EXPECT_EQ(exit->signal, SIGKILL);
}

TEST(ChildProcess, WithoutAHandshakePrefixStartReturnsAtOnce) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(Shell("cat > /dev/null", ""));
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->handshake(), "");
  EXPECT_EQ(ChildProcess::Start({.argv = {"/nonexistent/binary"}, .description = "X"})
                .status()
                .code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace sluice::process
