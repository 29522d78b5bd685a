#include "plugin-host/sandbox/sandbox.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "plugin-host/sandbox/environment.h"
#include "plugin-host/sandbox/landlock.h"
#include "plugin-host/sandbox/seccomp_filter.h"

namespace sluice::plugin_host {
namespace {

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("sandbox: ", what, ": ", std::strerror(errno)));
}

bool WriteFile(const std::string& path, std::string_view text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int saved = errno;
  close(fd);
  errno = saved;
  return ok;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether this process is listed in the cgroup `dir` (the worker moves a host into its cgroups
// while it loads; joining again would cost another RCU grace period on cgroup v1).
bool InCgroup(const std::string& dir) {
  std::optional<std::string> procs = ReadFile(dir + "/cgroup.procs");
  if (!procs) return false;
  const std::string self = absl::StrCat(getpid());
  for (absl::string_view pid : absl::StrSplit(*procs, '\n', absl::SkipEmpty())) {
    if (pid == self) return true;
  }
  return false;
}

// The value of `key` in a cgroup file of "key value" lines (memory.events, pids.events,
// memory.oom_control); -1 when absent.
int64_t ReadKeyed(const std::string& path, std::string_view key) {
  std::optional<std::string> text = ReadFile(path);
  if (!text) return -1;
  std::istringstream lines(*text);
  std::string name;
  std::string value;
  while (lines >> name >> value) {
    int64_t n = 0;
    if (name == key && absl::SimpleAtoi(value, &n)) return n;
  }
  return -1;
}

// A cgroup file holding one number; -1 when absent or "max".
int64_t ReadNumber(const std::string& path) {
  std::optional<std::string> text = ReadFile(path);
  int64_t n = 0;
  if (!text || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &n)) return -1;
  return n;
}

std::string FormatBytes(int64_t bytes) {
  constexpr int64_t kMiB = 1 << 20;
  constexpr int64_t kGiB = kMiB << 10;
  if (bytes >= kGiB && bytes % kGiB == 0) return absl::StrCat(bytes / kGiB, " GiB");
  if (bytes >= kMiB && bytes % kMiB == 0) return absl::StrCat(bytes / kMiB, " MiB");
  return absl::StrCat(bytes, " bytes");
}

// The steps every host takes (see the header).
absl::Status EnterMinimal(const SandboxOptions& options, const std::string& tmp_dir) {
  // A process that already leads its session (the worker spawns hosts with POSIX_SPAWN_SETSID)
  // cannot call setsid() again, and needs not.
  if (getsid(0) != getpid() && setsid() < 0) return ErrnoError("setsid");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return ErrnoError("PR_SET_NO_NEW_PRIVS");

  struct rlimit no_core = {0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) != 0) return ErrnoError("setrlimit(RLIMIT_CORE)");
  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return ErrnoError("getrlimit(RLIMIT_NOFILE)");
  rlim_t max = files.rlim_max == RLIM_INFINITY || files.rlim_max > kMaxOpenFiles
                   ? kMaxOpenFiles
                   : files.rlim_max;
  if (options.open_files > 0 && static_cast<rlim_t>(options.open_files) < max) {
    max = static_cast<rlim_t>(options.open_files);
  }
  files.rlim_cur = max;
  files.rlim_max = max;
  if (setrlimit(RLIMIT_NOFILE, &files) != 0) return ErrnoError("setrlimit(RLIMIT_NOFILE)");

  // A ceiling can only be lowered: the hard limit too, so that the plugin cannot raise it.
  for (const auto& [resource, value, name] :
       {std::tuple{RLIMIT_AS, options.memory_bytes, "RLIMIT_AS"},
        std::tuple{RLIMIT_CPU, options.cpu_seconds, "RLIMIT_CPU"}}) {
    if (value <= 0) continue;
    struct rlimit limit = {static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
    if (resource == RLIMIT_CPU) limit.rlim_max = limit.rlim_cur + 1;  // SIGXCPU, then SIGKILL
    if (setrlimit(resource, &limit) != 0) return ErrnoError(absl::StrCat("setrlimit(", name, ")"));
  }

  std::map<std::string, std::string> env =
      ScrubbedEnvironment(CurrentEnvironment(), options.plugin_dir, tmp_dir);
  if (clearenv() != 0) return absl::InternalError("sandbox: clearenv failed");
  for (const auto& [name, value] : env) {
    if (setenv(name.c_str(), value.c_str(), 1) != 0) return ErrnoError("setenv");
  }
  return absl::OkStatus();
}

// Maps the worker's uid and gid to themselves in the new user namespace.
absl::Status MapIds(uid_t uid, gid_t gid) {
  // Unprivileged processes must give up setgroups before they may write gid_map.
  if (!WriteFile("/proc/self/setgroups", "deny") && errno != ENOENT) {
    return ErrnoError("write /proc/self/setgroups");
  }
  if (!WriteFile("/proc/self/uid_map", absl::StrCat(uid, " ", uid, " 1\n"))) {
    return ErrnoError("write /proc/self/uid_map");
  }
  if (!WriteFile("/proc/self/gid_map", absl::StrCat(gid, " ", gid, " 1\n"))) {
    return ErrnoError("write /proc/self/gid_map");
  }
  return absl::OkStatus();
}

absl::Status MakeDirs(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return ErrnoError(absl::StrCat("mkdir ", prefix));
    }
    if (slash == std::string::npos) return absl::OkStatus();
  }
}

// In the child, in its new mount namespace: nothing propagates back to the worker's; /proc shows
// the sandbox's processes only; the worker's private directory is an empty tmpfs but for this
// host's own directory.
absl::Status SetUpMounts(const SandboxOptions& options) {
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return ErrnoError("make / private");
  }
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return ErrnoError("mount /proc");
  }
  if (options.hide_dir.empty()) return absl::OkStatus();
  int own = -1;
  if (!options.private_dir.empty()) {
    own = open_tree(AT_FDCWD, options.private_dir.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (own < 0) return ErrnoError(absl::StrCat("open_tree ", options.private_dir));
  }
  if (mount("tmpfs", options.hide_dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
            "mode=0700,size=64k") != 0) {
    return ErrnoError(absl::StrCat("mount tmpfs on ", options.hide_dir));
  }
  if (own < 0) return absl::OkStatus();
  if (absl::Status made = MakeDirs(options.private_dir); !made.ok()) return made;
  if (move_mount(own, "", AT_FDCWD, options.private_dir.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    return ErrnoError(absl::StrCat("move_mount ", options.private_dir));
  }
  close(own);
  return absl::OkStatus();
}

// Empties the bounding, ambient, effective, permitted and inheritable sets: the plugin holds no
// capability, not even in its own user namespace, and cannot regain one through exec.
void DropCapabilities() {
  for (int cap = 0; cap <= 63; ++cap) (void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  (void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  __user_cap_data_struct data[2] = {};
  (void)syscall(SYS_capset, &header, data);
}

absl::Status ApplyLandlock(const SandboxOptions& options) {
  LandlockRules rules;
  auto allow = [&rules](const std::string& path, PathAccess access) {
    if (absl::Status s = rules.Allow(path, access); !s.ok()) spdlog::debug("{}", std::string(s.message()));
  };
  for (const std::string& path : SystemReadPaths()) allow(path, PathAccess::kReadExecute);
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/full"}) {
    allow(device, PathAccess::kReadWrite);
  }
  allow(options.plugin_dir, PathAccess::kReadExecute);
  for (const std::string& path : options.read_paths) {
    // A file to read that does not exist yet: its directory, so that a source may wait for it.
    struct stat st;
    const bool exists = stat(path.c_str(), &st) == 0;
    allow(exists ? path : std::filesystem::path(path).parent_path().string(),
          exists ? PathAccess::kReadExecute : PathAccess::kRead);
  }
  for (const std::string& path : options.write_paths) allow(path, PathAccess::kReadWrite);
  for (const std::string& path : options.write_dirs) allow(path, PathAccess::kReadWrite);
  if (!options.private_dir.empty()) allow(options.private_dir, PathAccess::kReadWrite);
  return rules.RestrictSelf();
}

// Sends `fd` over the unix socket `sock` (SCM_RIGHTS).
absl::Status SendFd(int sock, int fd) {
  char byte = 0;
  iovec io = {.iov_base = &byte, .iov_len = 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message = {};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof(int));
  if (sendmsg(sock, &message, MSG_NOSIGNAL) != 1) return ErrnoError("send the seccomp fd");
  return absl::OkStatus();
}

// Receives a descriptor sent by SendFd; -1 at EOF (the child sent none) or on error.
int ReceiveFd(int sock) {
  char byte = 0;
  iovec io = {.iov_base = &byte, .iov_len = 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message = {};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof(control);
  if (recvmsg(sock, &message, MSG_CMSG_CLOEXEC) <= 0) return -1;
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (header == nullptr || header->cmsg_type != SCM_RIGHTS) return -1;
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(header), sizeof(int));
  return fd;
}

// The cgroup files the supervisor reads, for v1 or v2.
struct CgroupFiles {
  std::string oom_events;  // file, key
  std::string oom_key;
  std::string memory_usage;
  std::string memory_limit;
  std::string pids_events;
  std::string pids_limit;
};

CgroupFiles FilesOf(const std::vector<CgroupDir>& cgroups) {
  CgroupFiles files;
  for (const CgroupDir& cg : cgroups) {
    if (cg.controller == "unified") {
      files.oom_events = cg.dir + "/memory.events";
      files.oom_key = "oom_kill";
      files.memory_usage = cg.dir + "/memory.current";
      files.memory_limit = cg.dir + "/memory.max";
      files.pids_events = cg.dir + "/pids.events";
      files.pids_limit = cg.dir + "/pids.max";
    } else if (cg.controller == "memory") {
      files.oom_events = cg.dir + "/memory.oom_control";
      files.oom_key = "oom_kill";
      files.memory_usage = cg.dir + "/memory.usage_in_bytes";
      files.memory_limit = cg.dir + "/memory.limit_in_bytes";
    } else if (cg.controller == "pids") {
      files.pids_events = cg.dir + "/pids.events";
      files.pids_limit = cg.dir + "/pids.max";
    }
  }
  return files;
}

// Files to write that the sandbox made before the plugin ran (Landlock rules name existing
// paths). One the plugin never opened is removed when the host ends, so that a task that failed
// before it started leaves no file behind, as in Kafka Connect, where the task makes its file.
struct MadeFiles {
  int inotify_fd = -1;
  std::vector<std::pair<int, std::string>> watches;  // watch descriptor, path
};

// Reads the events queued on `made`; returns the watch descriptors that saw an open.
std::vector<int> DrainOpens(const MadeFiles& made) {
  std::vector<int> opened;
  if (made.inotify_fd < 0) return opened;
  alignas(inotify_event) char buffer[4096];
  while (true) {
    ssize_t n = read(made.inotify_fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if (event->mask & IN_OPEN) opened.push_back(event->wd);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  return opened;
}

void RemoveUnopened(const MadeFiles& made) {
  if (made.inotify_fd < 0) return;
  const std::vector<int> opened = DrainOpens(made);
  for (const auto& [wd, path] : made.watches) {
    if (std::find(opened.begin(), opened.end(), wd) != opened.end()) continue;
    struct stat st = {};
    if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
      unlink(path.c_str());
    }
  }
  close(made.inotify_fd);
}

// Runs in the parent, outside the sandbox, until the child ends; then exits as it did.
[[noreturn]] void Supervise(pid_t child, int sock, const SandboxOptions& options,
                             const MadeFiles& made) {
  const CgroupFiles files = FilesOf(options.cgroups);
  const int64_t memory_limit = files.memory_limit.empty() ? -1 : ReadNumber(files.memory_limit);
  const int64_t pids_limit = files.pids_events.empty() ? -1 : ReadNumber(files.pids_limit);
  const int64_t oom_before = files.oom_events.empty() ? -1 : ReadKeyed(files.oom_events, "oom_kill");
  const int64_t pids_before = files.pids_events.empty() ? -1 : ReadKeyed(files.pids_events, "max");
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
  int notify_fd = -1;
  std::string reason;
  bool memory_warned = false;
  // The reason goes to stderr first: the worker may read the host's end (and its stderr tail,
  // the trace of its tasks) as soon as the plugin is gone.
  auto end_sandbox = [&](std::string why) {
    if (reason.empty()) {
      reason = std::move(why);
      spdlog::error("sandbox: {}; the plugin was killed", reason);
      spdlog::default_logger()->flush();
    }
    kill(child, SIGKILL);  // pid 1 of the sandbox's pid namespace: all of it goes
  };
  int status = 0;
  rusage usage = {};
  while (true) {
    pollfd fds[3] = {{.fd = pidfd, .events = POLLIN, .revents = 0},
                     {.fd = sock, .events = POLLIN, .revents = 0},
                     {.fd = notify_fd, .events = POLLIN, .revents = 0}};
    int ready = poll(fds, 3, 200);
    if (ready < 0 && errno != EINTR) break;
    if (fds[1].revents != 0) {
      int fd = ReceiveFd(sock);
      if (fd >= 0) notify_fd = fd;
      close(sock);
      sock = -1;
      // The child has set up its sandbox (opening the paths its rules name); what opens the
      // made files from now on is the plugin.
      (void)DrainOpens(made);
    }
    if (fds[2].revents & POLLIN) {
      absl::StatusOr<std::string> call = ReceiveDeniedSyscall(notify_fd, [&](const std::string& name) {
        end_sandbox(absl::StrCat("killed by seccomp: ", name));
      });
    } else if (fds[2].revents != 0) {
      close(notify_fd);  // every filtered process is gone
      notify_fd = -1;
    }
    if (oom_before >= 0 && ReadKeyed(files.oom_events, files.oom_key) > oom_before) {
      end_sandbox(absl::StrCat("memory limit of ", FormatBytes(memory_limit), " exceeded"));
    }
    if (pids_before >= 0 && ReadKeyed(files.pids_events, "max") > pids_before) {
      end_sandbox(absl::StrCat("process limit of ", pids_limit, " reached"));
    }
    if (memory_limit > 0) {
      int64_t used = ReadNumber(files.memory_usage);
      if (!memory_warned && used >= memory_limit / 10 * 9) {
        memory_warned = true;
        spdlog::warn("sandbox: memory use {} is above 90% of the limit of {}", FormatBytes(used),
                     FormatBytes(memory_limit));
      } else if (memory_warned && used < memory_limit / 10 * 8) {
        memory_warned = false;
      }
    }
    pid_t done = wait4(child, &status, WNOHANG, &usage);
    if (done == child) break;
    if (done < 0 && errno != EINTR) break;
  }
  if (WIFSIGNALED(status) && reason.empty() && options.cpu_seconds > 0 &&
      (WTERMSIG(status) == SIGXCPU ||
       (WTERMSIG(status) == SIGKILL && usage.ru_utime.tv_sec + usage.ru_stime.tv_sec >=
                                           options.cpu_seconds))) {
    spdlog::error("sandbox: CPU time limit of {} s exceeded; the plugin was killed",
                  options.cpu_seconds);
  }
  RemoveUnopened(made);
  spdlog::default_logger()->flush();
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    kill(getpid(), sig);
    std::_Exit(128 + sig);
  }
  std::_Exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

absl::Status EnterFull(const SandboxOptions& options) {
  // A file or directory to write that does not exist yet is made now, while the host may still
  // create them (the connector would at its start anyway); Landlock rules name existing paths.
  // The supervisor removes a made file the plugin never opened (MadeFiles).
  MadeFiles made;
  for (const std::string& path : options.write_paths) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) continue;  // it exists (or cannot be made: the plugin's own open says why)
    close(fd);
    if (made.inotify_fd < 0) made.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (made.inotify_fd < 0) continue;
    int wd = inotify_add_watch(made.inotify_fd, path.c_str(), IN_OPEN);
    if (wd >= 0) made.watches.emplace_back(wd, path);
  }
  for (const std::string& path : options.write_dirs) {
    std::error_code ignored;
    std::filesystem::create_directories(path, ignored);
  }
  for (const CgroupDir& cg : options.cgroups) {
    if (InCgroup(cg.dir)) continue;
    if (!WriteFile(cg.dir + "/cgroup.procs", "0")) {
      return ErrnoError(absl::StrCat("join cgroup ", cg.dir));
    }
  }
  // The supervisor should be the last the memory cgroup's OOM killer picks (best effort: only a
  // privileged worker may lower it; the child raises its own back to 0).
  (void)WriteFile("/proc/self/oom_score_adj", "-1000");
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return ErrnoError("socketpair");
  }
  if (options.namespaces) {
    const uid_t uid = getuid();
    const gid_t gid = getgid();
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC;
    if (!options.network) flags |= CLONE_NEWNET;
    if (unshare(flags) != 0) return ErrnoError("unshare");
    if (absl::Status mapped = MapIds(uid, gid); !mapped.ok()) return mapped;
  }
  spdlog::default_logger()->flush();
  pid_t child = fork();
  if (child < 0) return ErrnoError("fork");
  if (child > 0) {
    close(sv[1]);
    Supervise(child, sv[0], options, made);
  }
  close(sv[0]);
  if (made.inotify_fd >= 0) close(made.inotify_fd);
  // The child dies with its supervisor (which dies with the worker's kill of the host's process
  // group); the kernel then ends everything else in the pid namespace.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return ErrnoError("PR_SET_PDEATHSIG");
  (void)WriteFile("/proc/self/oom_score_adj", "0");
  if (options.namespaces) {
    if (absl::Status mounted = SetUpMounts(options); !mounted.ok()) return mounted;
  }
  DropCapabilities();
  if (options.landlock) {
    if (absl::Status restricted = ApplyLandlock(options); !restricted.ok()) return restricted;
  }
  if (options.seccomp) {
    const bool notify = SeccompNotifyAvailable();
    absl::StatusOr<int> fd = LoadSeccompFilter(notify);
    if (!fd.ok()) return fd.status();
    if (*fd >= 0) {
      absl::Status sent = SendFd(sv[1], *fd);
      close(*fd);
      if (!sent.ok()) return sent;
    }
  }
  close(sv[1]);
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& SystemReadPaths() {
  static const auto* const kPaths = new std::vector<std::string>{
      "/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin",
      "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
      "/etc/timezone", "/etc/ssl", "/etc/ca-certificates", "/etc/pki", "/etc/resolv.conf",
      "/etc/hosts", "/etc/host.conf", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/passwd",
      "/etc/group", "/etc/services", "/etc/protocols", "/etc/alternatives", "/etc/mime.types",
      "/proc", "/sys/devices/system/cpu", "/sys/fs/cgroup", "/dev/urandom", "/dev/random"};
  return *kPaths;
}

absl::Status EnterSandbox(const SandboxOptions& options) {
  const std::string tmp_dir = options.full && !options.private_dir.empty()
                                  ? absl::StrCat(options.private_dir, "/tmp")
                                  : "";
  if (absl::Status minimal = EnterMinimal(options, tmp_dir); !minimal.ok()) return minimal;
  if (!options.full) return absl::OkStatus();
  if (!tmp_dir.empty() && mkdir(tmp_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoError(absl::StrCat("mkdir ", tmp_dir));
  }
  return EnterFull(options);
}

std::string ProbeJson() {
  // Bits of the probe child's exit code: namespaces, network namespace, /proc mounted.
  constexpr int kNamespaces = 1;
  constexpr int kNetwork = 2;
  constexpr int kProc = 4;
  int result = 0;
  pid_t probe = fork();
  if (probe == 0) {
    const uid_t uid = getuid();
    const gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) != 0 ||
        !MapIds(uid, gid).ok()) {
      std::_Exit(0);
    }
    int bits = kNamespaces;
    if (unshare(CLONE_NEWNET) == 0) bits |= kNetwork;
    pid_t inner = fork();
    if (inner == 0) {
      bool ok = mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
                mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0;
      std::_Exit(ok ? 0 : 1);
    }
    int status = 0;
    if (inner > 0 && waitpid(inner, &status, 0) == inner && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0) {
      bits |= kProc;
    }
    std::_Exit(bits);
  }
  int status = 0;
  if (probe > 0 && waitpid(probe, &status, 0) == probe && WIFEXITED(status)) {
    result = WEXITSTATUS(status);
  }
  auto flag = [&](int bit) { return (result & bit) != 0 ? "true" : "false"; };
  return absl::StrCat("{\"user_namespaces\":", flag(kNamespaces),
                      ",\"network_namespace\":", flag(kNetwork), ",\"proc_mount\":", flag(kProc),
                      ",\"landlock_abi\":", LandlockAbi(),
                      ",\"seccomp_notify\":", SeccompNotifyAvailable() ? "true" : "false", "}");
}

}  // namespace sluice::plugin_host
