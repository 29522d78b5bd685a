// Starts the real sluice-plugin-host (from SLUICE_BUILD_DIR) with the crashy test plugin and
// checks what the worker learns about the process: handshake, exits, signals, stderr.
#include "server/plugins/plugin_process.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include "server/plugins/plugin_test_support.h"

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"

namespace sluice::plugins {
namespace {

namespace fs = std::filesystem;
namespace pb = ::sluice::plugin::v1;
using ::testing::HasSubstr;

using ::sluice::plugins::testing::BuildDir;

// A per-test directory, removed at the end.
class TempDir : public ::sluice::plugins::testing::TempDir {
 public:
  TempDir() : ::sluice::plugins::testing::TempDir("sluice-pp") {}
};

class PluginProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(BuildDir().empty()) << "SLUICE_BUILD_DIR is not set";
    ASSERT_FALSE(sockets_.path().empty());
  }
  PluginProcessOptions Options(const std::string& plugin_dir) {
    return {.host_binary = BuildDir() + "/bin/sluice-plugin-host",
            .plugin_dir = plugin_dir,
            .socket_dir = sockets_.path(),
            .label = "crashy-test"};
  }
  std::string Crashy() { return BuildDir() + "/test-plugins/crashy"; }

  TempDir sockets_;
  TempDir scratch_;
};

// Runs a crashy source task with `mode` after 3 records until the host dies.
void RunCrashySourceUntilItFails(PluginProcess& host, const std::string& mode) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto stream = host.stub().SourceTask(&context);
  pb::SourceWorkerMessage start;
  start.mutable_start()->set_task(0);
  (*start.mutable_start()->mutable_config())["topic"] = "t";
  (*start.mutable_start()->mutable_config())["mode"] = mode;
  (*start.mutable_start()->mutable_config())["after.records"] = "3";
  (*start.mutable_start()->mutable_config())["task.class"] = "sluice.test.CrashySourceTask";
  ASSERT_TRUE(stream->Write(start));
  pb::SourcePluginMessage message;
  ASSERT_TRUE(stream->Read(&message));
  ASSERT_TRUE(message.has_offsets_request()) << message.DebugString();
  pb::SourceWorkerMessage reply;
  reply.mutable_offsets_reply()->set_request_id(message.offsets_request().request_id());
  ASSERT_TRUE(stream->Write(reply));
  ASSERT_TRUE(stream->Read(&message));
  ASSERT_TRUE(message.has_started()) << message.DebugString();
  pb::SourceWorkerMessage poll;
  poll.mutable_poll()->set_max_records(10);
  ASSERT_TRUE(stream->Write(poll));
  ASSERT_TRUE(stream->Read(&message));
  ASSERT_EQ(message.batch().records_size(), 3) << message.DebugString();
  ASSERT_TRUE(stream->Write(poll));
  // The host dies in this Poll: the stream breaks.
  EXPECT_FALSE(stream->Read(&message)) << message.DebugString();
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(PluginProcessTest, StartsTheHostAndConnectsToItsSocket) {
  absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start(Options(Crashy()));
  ASSERT_TRUE(host.ok()) << host.status();
  EXPECT_GT((*host)->pid(), 0);
  EXPECT_EQ((*host)->socket_path(),
            absl::StrCat(sockets_.path(), "/plugin-", (*host)->pid(), ".sock"));
  EXPECT_EQ(getpgid((*host)->pid()), (*host)->pid()) << "the host leads its own process group";

  grpc::ClientContext context;
  pb::HandshakeRequest request;
  request.set_protocol_version(1);
  pb::HandshakeResponse response;
  grpc::Status status = (*host)->stub().Handshake(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.protocol_version(), 1u);
  EXPECT_EQ(response.sdk(), "cpp/0.1.0");
  EXPECT_FALSE((*host)->exit_info().has_value());
}

TEST_F(PluginProcessTest, SegfaultInPluginCodeIsReportedAsSignal11WithStderr) {
  absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start(Options(Crashy()));
  ASSERT_TRUE(host.ok()) << host.status();
  std::atomic<int> callbacks = 0;
  absl::Notification exited;
  (*host)->OnExit([&](const ExitInfo& info) {
    ++callbacks;
    exited.Notify();
  });
  RunCrashySourceUntilItFails(**host, "segfault");

  std::optional<ExitInfo> exit = (*host)->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->signaled);
  EXPECT_EQ(exit->signal, SIGSEGV);
  EXPECT_THAT(exit->stderr_tail, HasSubstr("crashy: about to segfault"));
  EXPECT_THAT(exit->Describe(),
              HasSubstr(absl::StrCat("Plugin host for connector 'crashy-test' (pid ",
                                     (*host)->pid(),
                                     ") was killed by signal 11 (Segmentation fault). Last lines "
                                     "of its stderr:\n")));
  EXPECT_TRUE(exited.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(callbacks.load(), 1);
  // A callback registered after the exit runs at once.
  int late = 0;
  (*host)->OnExit([&](const ExitInfo& info) { late = info.signal; });
  EXPECT_EQ(late, SIGSEGV);
}

TEST_F(PluginProcessTest, ExitInPluginCodeIsReportedWithItsCode) {
  absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start(Options(Crashy()));
  ASSERT_TRUE(host.ok()) << host.status();
  RunCrashySourceUntilItFails(**host, "exit");
  std::optional<ExitInfo> exit = (*host)->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->signaled);
  EXPECT_EQ(exit->exit_code, 3);
  EXPECT_THAT(exit->stderr_tail, HasSubstr("crashy: about to exit with code 3"));
  EXPECT_THAT(exit->Describe(), HasSubstr(") exited with code 3."));
}

TEST_F(PluginProcessTest, ClosingStdinMakesTheHostExit) {
  absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start(Options(Crashy()));
  ASSERT_TRUE(host.ok()) << host.status();
  pid_t pid = (*host)->pid();
  std::string socket = (*host)->socket_path();
  ASSERT_TRUE(fs::exists(socket));
  (*host)->CloseStdin();
  std::optional<ExitInfo> exit = (*host)->WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(exit.has_value()) << "the host did not exit after its stdin was closed";
  EXPECT_FALSE(exit->signaled);
  EXPECT_EQ(exit->exit_code, 0);
  EXPECT_THAT(exit->stderr_tail, HasSubstr("stdin closed"));
  EXPECT_FALSE(fs::exists(socket)) << "the host removes its socket";
  // Reaped, and nothing is left in its process group.
  EXPECT_EQ(kill(-pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(PluginProcessTest, StopShutsTheHostDownAndReapsIt) {
  absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start(Options(Crashy()));
  ASSERT_TRUE(host.ok()) << host.status();
  (*host)->Stop(absl::Seconds(5));
  std::optional<ExitInfo> exit = (*host)->exit_info();
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->signaled);
  EXPECT_EQ(exit->exit_code, 0);
  EXPECT_THAT(exit->stderr_tail, HasSubstr("shutdown requested by the worker"));
}

TEST_F(PluginProcessTest, BadManifestFailsStartWithTheHostsMessage) {
  std::ofstream(scratch_.path() + "/sluice-plugin.json") << R"({"name": "x", "version": 2})";
  absl::StatusOr<std::unique_ptr<PluginProcess>> host =
      PluginProcess::Start(Options(scratch_.path()));
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(host.status().message()),
              HasSubstr("Plugin host for connector 'crashy-test' (pid "));
  EXPECT_THAT(std::string(host.status().message()), HasSubstr(") exited with code 1."));
  EXPECT_THAT(std::string(host.status().message()),
              HasSubstr(absl::StrCat("Invalid plugin manifest ", scratch_.path(),
                                     "/sluice-plugin.json: \"version\" must be a string")));
}

TEST_F(PluginProcessTest, MissingManifestFailsStart) {
  absl::StatusOr<std::unique_ptr<PluginProcess>> host =
      PluginProcess::Start(Options(scratch_.path()));
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(host.status().message()),
              HasSubstr(absl::StrCat("No plugin manifest at ", scratch_.path(),
                                     "/sluice-plugin.json")));
}

TEST_F(PluginProcessTest, NoHandshakeInTimeIsDeadlineExceededWithTheStderrTail) {
  std::string script = scratch_.path() + "/silent-host";
  std::ofstream(script) << "#!/bin/sh\necho 'warming up forever' >&2\nexec sleep 600\n";
  chmod(script.c_str(), 0700);
  PluginProcessOptions options = Options(Crashy());
  options.host_binary = script;
  options.handshake_timeout = absl::Milliseconds(500);
  absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start(options);
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(host.status().message()),
              HasSubstr("did not complete its handshake within 500ms; killed it. Last lines of "
                        "its stderr:\nwarming up forever"));
}

TEST_F(PluginProcessTest, MissingBinaryIsInternal) {
  PluginProcessOptions options = Options(Crashy());
  options.host_binary = scratch_.path() + "/no-such-binary";
  absl::StatusOr<std::unique_ptr<PluginProcess>> host = PluginProcess::Start(options);
  ASSERT_FALSE(host.ok());
  EXPECT_EQ(host.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(host.status().message(),
            absl::StrCat("Cannot start Plugin host for connector '", options.label, "' (",
                         options.host_binary, "): No such file or directory"));
}

TEST(ExitInfo, DescribesExitsAndSignals) {
  ExitInfo exit{.signaled = false, .signal = 0, .exit_code = 2, .stderr_tail = "",
                .description = "Plugin host for connector 'orders'", .pid = 7};
  EXPECT_EQ(exit.Describe(), "Plugin host for connector 'orders' (pid 7) exited with code 2.");
  exit = {.signaled = true, .signal = 9, .exit_code = 0, .stderr_tail = "a\nb",
          .description = "Plugin host", .pid = 8};
  EXPECT_EQ(exit.Describe(),
            "Plugin host (pid 8) was killed by signal 9 (Killed). Last lines of its stderr:\na\nb");
}

}  // namespace
}  // namespace sluice::plugins
