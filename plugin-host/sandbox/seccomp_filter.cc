#include "plugin-host/sandbox/seccomp_filter.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"

namespace sluice::plugin_host {
namespace {

// Namespace flags a plugin may not pass to clone (CLONE_NEWTIME only exists for clone3/unshare).
constexpr uint64_t kCloneNamespaceFlags[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
                                             CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID,
                                             CLONE_NEWNET};

struct FilterDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

absl::Status Failed(absl::string_view what, int rc) {
  return absl::InternalError(absl::StrCat("seccomp: ", what, ": ", std::strerror(-rc)));
}

}  // namespace

const std::vector<std::string>& DeniedSyscalls() {
  static const auto* const kDenied = new std::vector<std::string>{
      // other processes' memory and execution
      "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
      // mounts and namespaces
      "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount",
      "fsconfig", "fspick", "mount_setattr", "unshare", "setns",
      // the kernel itself
      "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf",
      "perf_event_open", "userfaultfd", "iopl", "ioperm", "syslog", "uselib",
      "lookup_dcookie", "reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd",
      "open_by_handle_at", "vhangup",
      // keyrings
      "keyctl", "add_key", "request_key",
      // io_uring runs system calls the filter would not see
      "io_uring_setup", "io_uring_enter", "io_uring_register",
      // the machine's clocks and names
      "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname",
      "setdomainname"};
  return *kDenied;
}

bool SeccompNotifyAvailable() { return seccomp_api_get() >= 5; }

absl::StatusOr<int> LoadSeccompFilter(bool notify) {
  std::unique_ptr<void, FilterDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (ctx == nullptr) return absl::InternalError("seccomp: seccomp_init failed");
  const uint32_t deny = notify ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL_PROCESS;
  for (const std::string& name : DeniedSyscalls()) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // not a system call of this architecture
    if (int rc = seccomp_rule_add(ctx.get(), deny, nr, 0); rc != 0) {
      return Failed(absl::StrCat("rule for ", name), rc);
    }
  }
  for (uint64_t flag : kCloneNamespaceFlags) {
    scmp_arg_cmp has_flag = {.arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = flag, .datum_b = flag};
    if (int rc = seccomp_rule_add_array(ctx.get(), deny, SCMP_SYS(clone), 1, &has_flag);
        rc != 0) {
      return Failed("rule for clone", rc);
    }
  }
  if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
      rc != 0) {
    return Failed("rule for clone3", rc);
  }
  if (int rc = seccomp_load(ctx.get()); rc != 0) return Failed("load", rc);
  if (!notify) return -1;
  int fd = seccomp_notify_fd(ctx.get());
  if (fd < 0) return Failed("notify_fd", fd);
  return fd;
}

absl::StatusOr<std::string> ReceiveDeniedSyscall(
    int notify_fd, const std::function<void(const std::string&)>& on_denied) {
  struct seccomp_notif* request = nullptr;
  struct seccomp_notif_resp* response = nullptr;
  if (int rc = seccomp_notify_alloc(&request, &response); rc != 0) {
    return Failed("notify_alloc", rc);
  }
  struct Free {
    seccomp_notif* request;
    seccomp_notif_resp* response;
    ~Free() { seccomp_notify_free(request, response); }
  } release{request, response};
  if (int rc = seccomp_notify_receive(notify_fd, request); rc != 0) {
    return Failed("notify_receive", rc);
  }
  char* name = seccomp_syscall_resolve_num_arch(request->data.arch, request->data.nr);
  std::string result = name != nullptr ? name : absl::StrCat("system call ", request->data.nr);
  std::free(name);
  on_denied(result);
  response->id = request->id;
  response->error = -EPERM;
  response->val = 0;
  response->flags = 0;
  (void)seccomp_notify_respond(notify_fd, response);  // fails once the caller is gone
  return result;
}

}  // namespace sluice::plugin_host
