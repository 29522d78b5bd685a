#include "server/process/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

extern char** environ;

namespace sluice::process {
namespace {

// After the child died, how long to keep reading its pipes for its last words.
constexpr absl::Duration kDrainTimeout = absl::Seconds(2);
// Longer lines are cut (a runaway child must not grow the worker's memory).
constexpr size_t kMaxLineBytes = 64 * 1024;

std::string ErrnoText(int error) { return std::strerror(error); }

void CloseFd(int fd) {
  if (fd >= 0) close(fd);
}

std::string Who(const std::string& description, pid_t pid) {
  return absl::StrCat(description.empty() ? "Child process" : description, " (pid ", pid, ")");
}

// Owns the fds of one pipe until they are handed over.
struct Pipe {
  int read = -1;
  int write = -1;
  ~Pipe() {
    CloseFd(read);
    CloseFd(write);
  }
  absl::Status Open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      return absl::InternalError(absl::StrCat("pipe2: ", ErrnoText(errno)));
    }
    read = fds[0];
    write = fds[1];
    return absl::OkStatus();
  }
  int TakeRead() { return std::exchange(read, -1); }
  int TakeWrite() { return std::exchange(write, -1); }
};

}  // namespace

std::string ExitInfo::Describe() const {
  std::string text = Who(description, pid);
  if (signaled) {
    const char* name = strsignal(signal);
    absl::StrAppend(&text, " was killed by signal ", signal, " (",
                    name != nullptr ? name : "unknown signal", ").");
  } else {
    absl::StrAppend(&text, " exited with code ", exit_code, ".");
  }
  if (!kill_reason.empty()) absl::StrAppend(&text, " The worker killed it: ", kill_reason, ".");
  if (!stderr_tail.empty()) absl::StrAppend(&text, " Last lines of its stderr:\n", stderr_tail);
  return text;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(ChildProcessOptions options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return absl::InvalidArgumentError("ChildProcessOptions.argv needs the binary's path");
  }
  Pipe in, out, err;
  for (Pipe* p : {&in, &out, &err}) {
    if (absl::Status opened = p->Open(); !opened.ok()) return opened;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own session and process group; default signal dispositions and an empty mask, whatever the
  // worker's threads have set.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);

  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings = options.env.value_or(std::vector<std::string>());
  std::vector<char*> envp;
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  int spawned = posix_spawn(&pid, args[0].c_str(), &actions, &attr, argv.data(),
                            options.env.has_value() ? envp.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0) {
    return absl::InternalError(absl::StrCat("Cannot start ", options.description, " (", args[0],
                                            "): ", ErrnoText(spawned)));
  }
  // (glibc 2.36 declares pidfd_open without C linkage: call the system call directly.)
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int error = errno;
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return absl::InternalError(absl::StrCat("pidfd_open: ", ErrnoText(error)));
  }
  CloseFd(in.TakeRead());
  CloseFd(out.TakeWrite());
  CloseFd(err.TakeWrite());

  absl::Duration handshake_timeout = options.handshake_timeout;
  bool wants_handshake = !options.handshake_prefix.empty();
  auto process = std::unique_ptr<ChildProcess>(new ChildProcess(
      std::move(options), pid, pidfd, in.TakeWrite(), out.TakeRead(), err.TakeRead()));
  ChildProcess& p = *process;
  p.monitor_ = std::thread([&p] { p.Monitor(); });
  if (p.options_.on_spawn) p.options_.on_spawn(pid);
  if (!wants_handshake) return process;

  std::optional<std::string> handshake;
  {
    absl::MutexLock lock(&p.mu_);
    auto ready = [&p]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(p.mu_) {
      return p.handshake_.has_value() || p.exit_info_.has_value();
    };
    p.mu_.AwaitWithTimeout(absl::Condition(&ready), handshake_timeout);
    handshake = p.handshake_;
  }
  if (!handshake.has_value()) {
    if (std::optional<ExitInfo> exit = p.exit_info(); exit.has_value()) {
      return absl::UnavailableError(exit->Describe());
    }
    p.Kill();
    std::optional<ExitInfo> exit = p.WaitForExit(absl::InfiniteDuration());
    std::string message = absl::StrCat(p.Who(), " did not complete its handshake within ",
                                       absl::FormatDuration(handshake_timeout), "; killed it.");
    if (exit.has_value() && !exit->stderr_tail.empty()) {
      absl::StrAppend(&message, " Last lines of its stderr:\n", exit->stderr_tail);
    }
    return absl::DeadlineExceededError(message);
  }
  p.handshake_line_ = *std::move(handshake);
  return process;
}

ChildProcess::ChildProcess(ChildProcessOptions options, pid_t pid, int pidfd, int stdin_fd,
                           int stdout_fd, int stderr_fd)
    : options_(std::move(options)),
      pid_(pid),
      pidfd_(pidfd),
      stdout_fd_(stdout_fd),
      stderr_fd_(stderr_fd),
      stdin_fd_(stdin_fd) {}

ChildProcess::~ChildProcess() {
  CloseStdin();
  if (!WaitForExit(options_.destroy_grace).has_value()) Kill();
  if (monitor_.joinable()) monitor_.join();
  CloseFd(pidfd_);
}

std::string ChildProcess::Who() const { return process::Who(options_.description, pid_); }

pid_t ChildProcess::pid() const { return pid_; }

const std::string& ChildProcess::handshake() const { return handshake_line_; }

void ChildProcess::CloseStdin() {
  absl::MutexLock lock(&mu_);
  CloseFd(stdin_fd_);
  stdin_fd_ = -1;
}

void ChildProcess::Kill(const std::string& reason) {
  absl::MutexLock lock(&mu_);
  if (exit_info_.has_value()) return;  // reaped: the pid may belong to someone else now
  if (kill_reason_.empty()) kill_reason_ = reason;
  // Not reaped yet, so the pid (and the process group it leads) is still ours.
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
}

std::optional<ExitInfo> ChildProcess::exit_info() const {
  absl::MutexLock lock(&mu_);
  return exit_info_;
}

std::optional<ExitInfo> ChildProcess::WaitForExit(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto reaped = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return exit_info_.has_value(); };
  mu_.AwaitWithTimeout(absl::Condition(&reaped), timeout);
  return exit_info_;
}

void ChildProcess::OnExit(std::function<void(const ExitInfo&)> callback) {
  std::optional<ExitInfo> exit;
  {
    absl::MutexLock lock(&mu_);
    if (!exit_info_.has_value()) {
      on_exit_.push_back(std::move(callback));
      return;
    }
    exit = exit_info_;
  }
  callback(*exit);
}

void ChildProcess::Stop(absl::Duration grace) {
  if (exit_info().has_value()) return;
  CloseStdin();
  if (!WaitForExit(grace).has_value()) {
    spdlog::warn("{} did not exit within {}; killing it", Who(), absl::FormatDuration(grace));
    Kill();
  }
  WaitForExit(absl::InfiniteDuration());
}

void ChildProcess::HandleLine(bool from_stderr, std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  {
    absl::MutexLock lock(&mu_);
    if (!from_stderr && !handshake_.has_value() && !options_.handshake_prefix.empty() &&
        absl::StartsWith(line, options_.handshake_prefix)) {
      handshake_ = std::move(line);
      return;
    }
    if (from_stderr) {
      stderr_tail_.push_back(line);
      if (stderr_tail_.size() > kStderrTailLines) stderr_tail_.pop_front();
    }
  }
  spdlog::info("[{} pid {}{}] {}", options_.description, pid_, from_stderr ? "" : " stdout", line);
}

void ChildProcess::Monitor() {
  struct Stream {
    int fd;
    bool is_stderr;
    std::string partial;
  };
  Stream streams[2] = {{stdout_fd_, false, {}}, {stderr_fd_, true, {}}};
  bool dead = false;
  absl::Time drain_deadline = absl::InfiniteFuture();
  char buffer[4096];

  while (true) {
    bool pipes_open = streams[0].fd >= 0 || streams[1].fd >= 0;
    if (dead && (!pipes_open || absl::Now() >= drain_deadline)) break;
    pollfd fds[3] = {{.fd = streams[0].fd, .events = POLLIN, .revents = 0},
                     {.fd = streams[1].fd, .events = POLLIN, .revents = 0},
                     {.fd = dead ? -1 : pidfd_, .events = POLLIN, .revents = 0}};
    int timeout_ms = -1;
    if (dead) {
      timeout_ms = static_cast<int>(
          absl::ToInt64Milliseconds(std::max(drain_deadline - absl::Now(), absl::ZeroDuration())));
    }
    int ready = poll(fds, 3, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      spdlog::error("{}: poll failed: {}", Who(), ErrnoText(errno));
      break;
    }
    if (!dead && fds[2].revents != 0) {
      dead = true;
      drain_deadline = absl::Now() + kDrainTimeout;
      // Whatever the child left behind in its process group goes with it. The child itself is
      // not reaped yet, so its process group id cannot have been reused.
      kill(-pid_, SIGKILL);
    }
    for (int i = 0; i < 2; ++i) {
      Stream& s = streams[i];
      if (s.fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(s.fd, buffer, sizeof(buffer));
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        if (!s.partial.empty()) HandleLine(s.is_stderr, std::move(s.partial));
        s.partial.clear();
        CloseFd(s.fd);
        s.fd = -1;
        continue;
      }
      s.partial.append(buffer, static_cast<size_t>(n));
      size_t start = 0;
      for (size_t nl; (nl = s.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
        HandleLine(s.is_stderr, s.partial.substr(start, nl - start));
      }
      s.partial.erase(0, start);
      if (s.partial.size() > kMaxLineBytes) {
        HandleLine(s.is_stderr, std::move(s.partial));
        s.partial.clear();
      }
    }
  }
  for (Stream& s : streams) {
    if (!s.partial.empty()) HandleLine(s.is_stderr, std::move(s.partial));
    CloseFd(s.fd);
  }

  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid_, &status, 0);
  } while (reaped < 0 && errno == EINTR);

  ExitInfo info;
  info.description = options_.description;
  info.pid = pid_;
  if (reaped == pid_ && WIFSIGNALED(status)) {
    info.signaled = true;
    info.signal = WTERMSIG(status);
  } else if (reaped == pid_ && WIFEXITED(status)) {
    info.exit_code = WEXITSTATUS(status);
  } else {
    info.exit_code = -1;
  }
  std::vector<std::function<void(const ExitInfo&)>> callbacks;
  {
    absl::MutexLock lock(&mu_);
    info.stderr_tail = absl::StrJoin(stderr_tail_, "\n");
    info.kill_reason = kill_reason_;
    exit_info_ = info;
    callbacks.swap(on_exit_);
  }
  if (info.signaled || info.exit_code != 0) {
    spdlog::warn("{}", info.Describe());
  } else {
    spdlog::info("{} exited.", Who());
  }
  for (auto& callback : callbacks) callback(info);
}

}  // namespace sluice::process
