// sluice.test.HostileSourceConnector (alias HostileSource): a connector whose task attacks the
// sandbox it runs in, once, at its first poll, for tests/integration/test_sandbox.py. The
// config names the attack and its target:
//   attack=read-file       target=PATH  opens and reads the file
//   attack=write-file      target=PATH  creates or appends to the file
//   attack=list-processes               lists /proc and reads every process's command line
//   attack=read-environ    target=PID   reads /proc/PID/environ, and its own
//   attack=connect         target=HOST:PORT  opens a TCP connection
//   attack=signal          target=PID   sends SIGKILL
//   attack=ptrace          target=PID   PTRACE_ATTACH
//   attack=fork-bomb                    forks forever (children sleep)
//   attack=allocate        target=BYTES allocates and touches memory, 64 MiB at a time
//   attack=spin                         burns CPU in poll, forever
//   attack=hang                         sleeps in poll, forever
// An attack that returns fails the task with what happened, e.g. "attack read-file on
// /etc/shadow: denied (Permission denied)" or "... succeeded: <what it got>"; the test reads
// the task's trace. Attacks that the sandbox ends (seccomp, limits) never return.
//
// Thread-safety: as the SDK requires (one thread per task).
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sluice/sdk/config_def.h"
#include "sluice/sdk/connector.h"
#include "sluice/sdk/log.h"
#include "sluice/sdk/plugin.h"
#include "tests/plugins/common/single_task_connector.h"

namespace sluice::test {
namespace {

constexpr char kVersion[] = "0.1.0";
constexpr char kLogger[] = "hostile";

ConfigKey StringKey(const char* name, const char* default_value, const char* doc) {
  ConfigKey key;
  key.name = name;
  key.type = ConfigType::kString;
  key.default_value = default_value;
  key.importance = ConfigImportance::kHigh;
  key.documentation = doc;
  return key;
}

ConfigDef HostileConfig() {
  ConfigDef def;
  def.Define(StringKey("topic", "hostile", "Unused: the task never produces a record"));
  def.Define(StringKey("attack", "none", "The attack the task makes at its first poll"));
  def.Define(StringKey("target", "", "What the attack is aimed at (a path, pid, address, size)"));
  return def;
}

std::string Denied(const std::string& what) {
  return absl::StrCat(what, ": denied (", std::strerror(errno), ")");
}

// The first bytes of a file, or why they could not be read.
std::string ReadAttack(const std::string& what, const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Denied(what);
  char buffer[4096];
  ssize_t n = read(fd, buffer, sizeof(buffer));
  close(fd);
  if (n < 0) return Denied(what);
  std::string text(buffer, static_cast<size_t>(n));
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return absl::StrCat(what, ": succeeded: ", text);
}

std::string WriteAttack(const std::string& what, const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Denied(what);
  const char line[] = "written by the hostile plugin\n";
  ssize_t n = write(fd, line, sizeof(line) - 1);
  close(fd);
  if (n < 0) return Denied(what);
  return absl::StrCat(what, ": succeeded");
}

std::string ListProcesses(const std::string& what) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return Denied(what);
  std::vector<std::string> seen;
  while (dirent* entry = readdir(proc)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid)) continue;
    std::ifstream cmdline(absl::StrCat("/proc/", pid, "/cmdline"));
    std::string text;
    std::getline(cmdline, text, '\0');
    seen.push_back(absl::StrCat(pid, "=", text));
  }
  closedir(proc);
  return absl::StrCat(what, ": saw ", seen.size(), " processes [", absl::StrJoin(seen, ", "),
                      "]");
}

std::string Connect(const std::string& what, const std::string& target) {
  size_t colon = target.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(target.substr(colon + 1), &port)) {
    return absl::StrCat(what, ": bad target");
  }
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, target.substr(0, colon).c_str(), &address.sin_addr) != 1) {
    return absl::StrCat(what, ": bad address");
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Denied(what);
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  std::string result = rc == 0 ? absl::StrCat(what, ": succeeded") : Denied(what);
  close(fd);
  return result;
}

// A real fork bomb: a failed fork only makes it try again.
[[noreturn]] void ForkBomb() {
  while (true) {
    if (fork() == 0) {
      while (true) pause();
    }
  }
}

std::string Allocate(const std::string& what, const std::string& target) {
  int64_t total = 0;
  if (!absl::SimpleAtoi(target, &total)) return absl::StrCat(what, ": bad size");
  constexpr int64_t kChunk = int64_t{64} << 20;
  static std::vector<std::unique_ptr<char[]>> hoard;
  for (int64_t taken = 0; taken < total; taken += kChunk) {
    hoard.emplace_back(new (std::nothrow) char[kChunk]);
    if (hoard.back() == nullptr) return absl::StrCat(what, ": stopped after ", taken, " bytes");
    std::memset(hoard.back().get(), 1, kChunk);
  }
  return absl::StrCat(what, ": succeeded: holds ", total, " bytes");
}

std::string Attack(const std::string& attack, const std::string& target) {
  const std::string what = absl::StrCat("attack ", attack, target.empty() ? "" : " on ", target);
  Log(LogLevel::kWarn, kLogger, absl::StrCat("hostile: ", what));
  int pid = 0;
  if (attack == "read-file") return ReadAttack(what, target);
  if (attack == "write-file") return WriteAttack(what, target);
  if (attack == "list-processes") return ListProcesses(what);
  if (attack == "read-environ") {
    return absl::StrCat(ReadAttack(what, absl::StrCat("/proc/", target, "/environ")), " | ",
                        ReadAttack("own environment", "/proc/self/environ"));
  }
  if (attack == "connect") return Connect(what, target);
  if (attack == "signal" && absl::SimpleAtoi(target, &pid)) {
    return kill(pid, SIGKILL) == 0 ? absl::StrCat(what, ": succeeded") : Denied(what);
  }
  if (attack == "ptrace" && absl::SimpleAtoi(target, &pid)) {
    return ptrace(PTRACE_ATTACH, pid, nullptr, nullptr) == 0 ? absl::StrCat(what, ": succeeded")
                                                             : Denied(what);
  }
  if (attack == "fork-bomb") ForkBomb();
  if (attack == "allocate") return Allocate(what, target);
  if (attack == "spin") {
    volatile uint64_t n = 0;
    while (true) n = n + 1;
  }
  if (attack == "hang") {
    while (true) std::this_thread::sleep_for(std::chrono::hours(1));
  }
  return absl::StrCat(what, ": unknown attack");
}

class HostileSourceConnector final : public SingleTaskConnector<SourceConnector> {
 public:
  HostileSourceConnector() : SingleTaskConnector(kVersion, &HostileConfig) {}
};

class HostileSourceTask final : public SourceTask {
 public:
  absl::Status Start(SourceTaskContext&, const ConfigMap& config) override {
    absl::StatusOr<ParsedConfig> parsed = HostileConfig().Parse(config);
    if (!parsed.ok()) return parsed.status();
    attack_ = parsed->GetString("attack");
    target_ = parsed->GetString("target");
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<SourceRecord>> Poll() override {
    if (attack_ == "none") {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return std::vector<SourceRecord>{};
    }
    return absl::InternalError(Attack(attack_, target_));
  }

  absl::Status Stop() override { return absl::OkStatus(); }

 private:
  std::string attack_;
  std::string target_;
};

}  // namespace
}  // namespace sluice::test

SLUICE_PLUGIN(registrar) {
  registrar.SetPlugin("hostile", sluice::test::kVersion);
  registrar.AddSource<sluice::test::HostileSourceConnector, sluice::test::HostileSourceTask>(
      {.class_name = "sluice.test.HostileSourceConnector",
       .aliases = {"HostileSource", "HostileSourceConnector"},
       .task_class_name = "sluice.test.HostileSourceTask"});
}
