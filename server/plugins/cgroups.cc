#include "server/plugins/cgroups.h"

#include <signal.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sluice::plugins {
namespace {

constexpr const char* kControllers[] = {"memory", "cpu", "pids"};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

std::string Trimmed(const std::string& text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

bool MakeDir(const std::string& path) { return mkdir(path.c_str(), 0755) == 0 || errno == EEXIST; }

// Removes what workers that no longer run left in `dir` (the cgroup a worker makes its
// sluice-<pid> base in): a SIGKILLed worker removes nothing, and its empty host cgroups would
// pile up there. A base whose pid runs (any process: pids are reused) is left alone, and so is
// a host cgroup that still holds a process (rmdir refuses it).
void RemoveStaleBases(const std::string& dir) {
  std::error_code ec;
  for (const std::filesystem::directory_entry& base :
       std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = base.path().filename().string();
    int pid = 0;
    if (!name.starts_with("sluice-") || !absl::SimpleAtoi(name.substr(7), &pid) || pid <= 0 ||
        pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) {
      continue;
    }
    std::error_code inner;
    for (const std::filesystem::directory_entry& host :
         std::filesystem::directory_iterator(base.path(), inner)) {
      if (host.is_directory(inner)) rmdir(host.path().c_str());
    }
    rmdir(base.path().c_str());
  }
}

bool HasWord(absl::string_view list, absl::string_view word, char sep) {
  for (absl::string_view item : absl::StrSplit(list, sep)) {
    if (item == word) return true;
  }
  return false;
}

CgroupController* ControllerOf(SandboxSupport& support, absl::string_view name) {
  if (name == "memory") return &support.memory;
  if (name == "cpu") return &support.cpu;
  return &support.pids;
}

std::atomic<int> next_host{0};
// Tells this worker's host cgroups from those a killed worker of the same pid left behind under
// the same sluice-<pid> base (pids are reused; a SIGKILLed worker removes nothing): a stale
// host-N would carry its old limits (in cgroup v1, a memory.memsw.limit_in_bytes below the new
// memory.limit_in_bytes makes that write fail with EINVAL).
const int64_t worker_start_ns =
    std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();

}  // namespace

void DetectCgroups(SandboxSupport& support, const std::string& proc_self,
                   const std::string& root) {
  // /proc/self/cgroup: "7:memory:/a/b", "0::/a" (v2).
  std::map<std::string, std::string> v1_paths;
  std::string v2_path;
  bool has_v2 = false;
  for (absl::string_view line : absl::StrSplit(ReadText(proc_self + "/cgroup"), '\n')) {
    std::vector<std::string> parts = absl::StrSplit(line, absl::MaxSplits(':', 2));
    if (parts.size() != 3) continue;
    if (parts[0] == "0" && parts[1].empty()) {
      v2_path = parts[2];
      has_v2 = true;
      continue;
    }
    for (absl::string_view controller : absl::StrSplit(parts[1], ',')) {
      v1_paths[std::string(controller)] = parts[2];
    }
  }
  // /proc/self/mountinfo: "id parent dev root mountpoint opts ... - fstype source superopts".
  std::map<std::string, std::pair<std::string, std::string>> v1_mounts;  // controller -> root, mp
  std::string v2_mount;
  std::string v2_root = "/";
  for (absl::string_view line : absl::StrSplit(ReadText(proc_self + "/mountinfo"), '\n')) {
    std::vector<std::string> fields = absl::StrSplit(line, ' ');
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 5 || dash == fields.end() || std::distance(dash, fields.end()) < 4) {
      continue;
    }
    const std::string& fstype = *(dash + 1);
    const std::string& super_options = *(dash + 3);
    if (fstype == "cgroup2") {
      v2_mount = fields[4];
      v2_root = fields[3];
    } else if (fstype == "cgroup") {
      for (const char* controller : kControllers) {
        if (HasWord(super_options, controller, ',')) {
          v1_mounts[controller] = {fields[3], fields[4]};
        }
      }
    }
  }
  // The worker's own cgroup directory, from a mount's root and the path /proc/self/cgroup names.
  auto own_dir = [&root](const std::string& mount_root, const std::string& mountpoint,
                         std::string path) {
    if (mount_root != "/" && path.compare(0, mount_root.size(), mount_root) == 0) {
      path = path.substr(mount_root.size());
    }
    if (path == "/") path.clear();
    return absl::StrCat(root, mountpoint, path);
  };
  const std::string base_name = absl::StrCat("sluice-", getpid());
  for (const char* name : kControllers) {
    CgroupController* controller = ControllerOf(support, name);
    *controller = {};
    if (auto mount = v1_mounts.find(name); mount != v1_mounts.end() && v1_paths.contains(name)) {
      std::string dir = own_dir(mount->second.first, mount->second.second, v1_paths[name]);
      RemoveStaleBases(dir);
      std::string base = absl::StrCat(dir, "/", base_name);
      if (MakeDir(base)) {
        *controller = {.version = 1, .base_dir = base};
      } else {
        spdlog::warn("sandbox: cannot make the cgroup {}: {}", base, std::strerror(errno));
      }
      continue;
    }
    if (!has_v2 || v2_mount.empty()) continue;
    std::string dir = own_dir(v2_root, v2_mount, v2_path);
    if (!HasWord(Trimmed(ReadText(dir + "/cgroup.controllers")), name, ' ')) continue;
    RemoveStaleBases(dir);
    // A v2 cgroup hands controllers to its children only when it holds no process itself
    // (the root excepted): enable them for sluice-<pid>, whose children are the hosts.
    std::string base = absl::StrCat(dir, "/", base_name);
    std::string enable = absl::StrCat("+", name);
    if (!MakeDir(base) ||
        (!HasWord(Trimmed(ReadText(dir + "/cgroup.subtree_control")), name, ' ') &&
                           !WriteText(dir + "/cgroup.subtree_control", enable)) ||
        !WriteText(base + "/cgroup.subtree_control", enable)) {
      spdlog::warn("sandbox: cannot delegate the cgroup v2 {} controller below {}: {}", name,
                   dir, std::strerror(errno));
      continue;
    }
    *controller = {.version = 2, .base_dir = base};
  }
}

void RemoveCgroupBases(const SandboxSupport& support) {
  for (const CgroupController* c : {&support.memory, &support.cpu, &support.pids}) {
    if (c->version != 0) rmdir(c->base_dir.c_str());
  }
}

absl::StatusOr<std::unique_ptr<HostCgroup>> HostCgroup::Create(const SandboxSupport& support,
                                                               const SandboxPolicy& policy) {
  auto cgroup = std::unique_ptr<HostCgroup>(new HostCgroup());
  const std::string name =
      absl::StrCat("host-", worker_start_ns, "-", next_host.fetch_add(1));
  std::string unified;
  auto dir_for = [&](const CgroupController& c, const char* controller) -> std::string {
    if (c.version == 2) {
      if (unified.empty()) {
        unified = absl::StrCat(c.base_dir, "/", name);
        if (!MakeDir(unified)) return "";
        cgroup->dirs_.emplace_back("unified", unified);
      }
      return unified;
    }
    std::string dir = absl::StrCat(c.base_dir, "/", name);
    if (!MakeDir(dir)) return "";
    cgroup->dirs_.emplace_back(controller, dir);
    return dir;
  };
  auto fail = [](const std::string& what) {
    return absl::InternalError(absl::StrCat("sandbox: ", what, ": ", std::strerror(errno)));
  };
  if (support.memory.version != 0) {
    std::string dir = dir_for(support.memory, "memory");
    if (dir.empty()) return fail("cannot make a memory cgroup");
    if (policy.memory_bytes > 0) {
      const std::string limit = absl::StrCat(policy.memory_bytes);
      if (support.memory.version == 1) {
        // Swap counts against the limit too, where swap accounting exists. The kernel keeps
        // limit <= memsw limit at every write: lift memsw first, then set both.
        const std::string memsw = dir + "/memory.memsw.limit_in_bytes";
        const bool has_memsw = access(memsw.c_str(), F_OK) == 0;
        if (has_memsw) (void)WriteText(memsw, "-1");
        if (!WriteText(dir + "/memory.limit_in_bytes", limit)) return fail("memory.limit_in_bytes");
        if (has_memsw) (void)WriteText(memsw, limit);
      } else {
        if (!WriteText(dir + "/memory.max", limit)) return fail("memory.max");
        (void)WriteText(dir + "/memory.swap.max", "0");
      }
    }
  }
  if (support.pids.version != 0) {
    std::string dir = dir_for(support.pids, "pids");
    if (dir.empty()) return fail("cannot make a pids cgroup");
    if (policy.processes > 0 && !WriteText(dir + "/pids.max", absl::StrCat(policy.processes))) {
      return fail("pids.max");
    }
  }
  if (support.cpu.version != 0 && policy.cpu_cores > 0) {
    std::string dir = dir_for(support.cpu, "cpu");
    if (dir.empty()) return fail("cannot make a cpu cgroup");
    constexpr int64_t kPeriodUs = 100000;
    const int64_t quota = std::max<int64_t>(1000, std::llround(policy.cpu_cores * kPeriodUs));
    if (support.cpu.version == 1) {
      if (!WriteText(dir + "/cpu.cfs_period_us", absl::StrCat(kPeriodUs)) ||
          !WriteText(dir + "/cpu.cfs_quota_us", absl::StrCat(quota))) {
        return fail("cpu.cfs_quota_us");
      }
    } else if (!WriteText(dir + "/cpu.max", absl::StrCat(quota, " ", kPeriodUs))) {
      return fail("cpu.max");
    }
  }
  return cgroup;
}

namespace {

std::optional<int64_t> ReadNumber(const std::string& path) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(Trimmed(ReadText(path)), &value)) return std::nullopt;
  return value;
}

}  // namespace

bool HostCgroup::Enter(pid_t pid) const {
  bool all = true;
  const std::string text = absl::StrCat(pid);
  for (const auto& [controller, dir] : dirs_) {
    const int fd = open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
      all = false;
      continue;
    }
    all = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && all;
    close(fd);
  }
  return all;
}

std::string HostCgroup::Version() const {
  for (const auto& [controller, dir] : dirs_) {
    if (controller == "unified") return "v2";
  }
  return "v1";
}

std::optional<int64_t> HostCgroup::MemoryBytes() const {
  for (const auto& [controller, dir] : dirs_) {
    if (controller == "memory") return ReadNumber(dir + "/memory.usage_in_bytes");
    if (controller == "unified" && access((dir + "/memory.current").c_str(), F_OK) == 0) {
      return ReadNumber(dir + "/memory.current");
    }
  }
  return std::nullopt;
}

std::optional<int64_t> HostCgroup::Tasks() const {
  for (const auto& [controller, dir] : dirs_) {
    if ((controller == "pids" || controller == "unified") &&
        access((dir + "/pids.current").c_str(), F_OK) == 0) {
      return ReadNumber(dir + "/pids.current");
    }
  }
  return std::nullopt;
}

std::optional<double> HostCgroup::CpuSeconds() const {
  for (const auto& [controller, dir] : dirs_) {
    if (controller != "unified") continue;
    for (absl::string_view line : absl::StrSplit(ReadText(dir + "/cpu.stat"), '\n')) {
      int64_t usec = 0;
      if (absl::ConsumePrefix(&line, "usage_usec ") && absl::SimpleAtoi(line, &usec)) {
        return static_cast<double>(usec) / 1e6;
      }
    }
  }
  return std::nullopt;
}

std::vector<pid_t> HostCgroup::Pids() const {
  std::vector<pid_t> pids;
  if (dirs_.empty()) return pids;
  for (absl::string_view text : absl::StrSplit(ReadText(dirs_.front().second + "/cgroup.procs"), '\n')) {
    pid_t pid = 0;
    if (absl::SimpleAtoi(text, &pid) && pid > 0) pids.push_back(pid);
  }
  return pids;
}

HostCgroup::~HostCgroup() {
  // The host's pid namespace ends with it, but its processes may still be on their way out.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (const auto& [controller, dir] : dirs_) {
    while (rmdir(dir.c_str()) != 0 && errno == EBUSY &&
           std::chrono::steady_clock::now() < deadline) {
      for (absl::string_view pid_text : absl::StrSplit(ReadText(dir + "/cgroup.procs"), '\n')) {
        pid_t pid = 0;
        if (absl::SimpleAtoi(pid_text, &pid) && pid > 0) kill(pid, SIGKILL);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

}  // namespace sluice::plugins
