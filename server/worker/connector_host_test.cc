// PluginConnectorHosts with the real plugin host and file plugin: a prestarted host is the one
// Start hands over when the connector's sandbox is the same, and is not when it differs.
#include "server/worker/connector_host.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/worker/testing/test_worker_setup.h"

namespace sluice::worker {
namespace {

// The pids of this process's children that are plugin hosts for connector `label`.
std::set<pid_t> HostsLabelled(const std::string& label) {
  std::set<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid != getpid()) continue;
    std::ifstream cmdline(entry.path() / "cmdline");
    std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (args.find(absl::StrCat(std::string("--label\0", 8), label, std::string("\0", 1))) !=
        std::string::npos) {
      pids.insert(static_cast<pid_t>(std::stoi(name)));
    }
  }
  return pids;
}

class PluginConnectorHostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<std::unique_ptr<plugins::PluginRegistry>> registry =
        testing::BuiltPluginRegistry(dir_.path());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
    plugin_ = registry_->Find("FileStreamSource");
    ASSERT_NE(plugin_, nullptr);
  }

  ConfigMap Source(const std::string& file) const {
    return {{"name", "c"}, {"connector.class", "FileStreamSource"}, {"topic", "t"},
            {"file", absl::StrCat(dir_.path(), "/", file)}};
  }

  testing::ScratchDir dir_;
  std::unique_ptr<plugins::PluginRegistry> registry_;
  const plugins::ConnectorPlugin* plugin_ = nullptr;
};

TEST_F(PluginConnectorHostsTest, StartTakesTheHostPrestartedForTheSameSandbox) {
  PluginConnectorHosts hosts(registry_.get());
  hosts.Prestart(*plugin_, "c", Source("in.txt"));
  const std::set<pid_t> prestarted = HostsLabelled("c");
  ASSERT_EQ(prestarted.size(), 1u);

  absl::StatusOr<std::unique_ptr<ConnectorHost>> host = hosts.Start(*plugin_, "c", Source("in.txt"));
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_TRUE((*host)->Pid().has_value());
  EXPECT_EQ(*(*host)->Pid(), *prestarted.begin());
  EXPECT_EQ(HostsLabelled("c"), prestarted) << "no second host";
  // It serves the connector.
  EXPECT_TRUE((*host)->StartConnector(plugin_->class_name, "c", Source("in.txt"),
                                      absl::Seconds(10)).ok());
  (*host)->Stop(absl::Seconds(2));
}

TEST_F(PluginConnectorHostsTest, AHostPrestartedForAnotherSandboxIsStoppedAndReplaced) {
  PluginConnectorHosts hosts(registry_.get());
  hosts.Prestart(*plugin_, "c", Source("in.txt"));
  const std::set<pid_t> prestarted = HostsLabelled("c");
  ASSERT_EQ(prestarted.size(), 1u);

  // Another file: Landlock would grant the prestarted host the wrong path.
  absl::StatusOr<std::unique_ptr<ConnectorHost>> host =
      hosts.Start(*plugin_, "c", Source("other.txt"));
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_TRUE((*host)->Pid().has_value());
  EXPECT_NE(*(*host)->Pid(), *prestarted.begin());
  EXPECT_NE(kill(*prestarted.begin(), 0), 0) << "the prestarted host still runs";
  EXPECT_EQ(HostsLabelled("c"), std::set<pid_t>({*(*host)->Pid()}));
  (*host)->Stop(absl::Seconds(2));
}

TEST_F(PluginConnectorHostsTest, UnclaimedHostsAreStopped) {
  PluginConnectorHosts hosts(registry_.get());
  hosts.Prestart(*plugin_, "c", Source("in.txt"));
  const std::set<pid_t> prestarted = HostsLabelled("c");
  ASSERT_EQ(prestarted.size(), 1u);
  hosts.StopUnclaimed();
  EXPECT_EQ(HostsLabelled("c"), std::set<pid_t>());
  EXPECT_NE(kill(*prestarted.begin(), 0), 0);
}

}  // namespace
}  // namespace sluice::worker
