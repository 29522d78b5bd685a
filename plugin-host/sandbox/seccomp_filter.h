// The seccomp filter of a plugin's sandbox (libseccomp).
//
// The filter allows what language runtimes (the C++ host, CPython, Go, the JVM) need and stops
// the system calls a plugin has no business making: debugging other processes (ptrace,
// process_vm_*), mounting and namespaces (mount, unshare, setns, clone with CLONE_NEW*), kernel
// modules and kexec, keyrings, bpf, perf events, userfaultfd, io_uring (which would bypass the
// filter), clocks, swap, reboot, and the like. A stopped call is not failed quietly: it is handed
// to the sandbox's supervisor through a seccomp user notification, and the supervisor ends the
// sandbox and reports "killed by seccomp: <call>". clone3, whose flags a filter cannot read, fails
// with ENOSYS so that the C library falls back to clone, whose flags it can. System calls of other
// ABIs (32-bit int 0x80, x32) kill the thread.
//
// Thread-safety: LoadSeccompFilter() filters the calling thread and what it starts later; call it
// while the process has one thread.
#ifndef SLUICE_PLUGIN_HOST_SANDBOX_SECCOMP_FILTER_H_
#define SLUICE_PLUGIN_HOST_SANDBOX_SECCOMP_FILTER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace sluice::plugin_host {

// The system calls the filter stops, by name.
const std::vector<std::string>& DeniedSyscalls();

// True when the kernel and libseccomp support user notifications (libseccomp API level >= 5).
bool SeccompNotifyAvailable();

// Loads the filter. With `notify`, stopped calls go to the returned notification fd (the caller
// passes it to the supervisor and closes its copy); without, they kill the process (SIGSYS) and
// the result is -1.
absl::StatusOr<int> LoadSeccompFilter(bool notify);

// Supervisor side: receives one notification from `notify_fd` and calls `on_denied` with the
// name of the system call while the call is still held (the caller ends the sandbox there, so
// that the call never returns to the plugin), then answers it with EPERM. An error when the
// filter's users are gone or the notification was withdrawn.
absl::StatusOr<std::string> ReceiveDeniedSyscall(
    int notify_fd, const std::function<void(const std::string&)>& on_denied);

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_SANDBOX_SECCOMP_FILTER_H_
