// Landlock (Documentation/userspace-api/landlock.rst): the filesystem rules of a plugin's
// sandbox, and the scopes that keep it from signalling processes outside it.
//
// Every filesystem right the running kernel's ABI knows is "handled" (denied unless a rule grants
// it), so a path no rule names can be neither read, written, executed nor created, whatever the
// process's uid or capabilities. Rules name existing files or directories; a rule on a directory
// covers everything beneath it.
//
//   LandlockRules rules;
//   rules.Allow("/usr", kReadExecute);
//   rules.Allow(connector_file, kReadWrite);
//   absl::Status s = rules.RestrictSelf();  // from now on, for this process and its children
//
// The constants and structures are the kernel's UAPI (include/uapi/linux/landlock.h), declared
// here because Debian's headers (6.1) predate the ABI versions used (truncate: 3, network: 4,
// ioctl: 5, scopes: 6).
//
// Thread-safety: RestrictSelf() restricts the calling thread only (and what it starts later):
// call it while the process has one thread.
#ifndef SLUICE_PLUGIN_HOST_SANDBOX_LANDLOCK_H_
#define SLUICE_PLUGIN_HOST_SANDBOX_LANDLOCK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace sluice::plugin_host {

// What a rule grants beneath a path.
enum class PathAccess {
  kReadExecute,  // read files and list directories, execute files
  kRead,         // read files and list directories
  kReadWrite,    // everything: read, write, create, remove, truncate
};

// The Landlock ABI version of the running kernel; 0 when Landlock is missing or disabled.
int LandlockAbi();

class LandlockRules {
 public:
  // Adds a rule; it is applied by RestrictSelf. A path that does not exist is skipped (the
  // returned status says so, for the log); a file (not a directory) gets only the file rights
  // of `access`.
  absl::Status Allow(const std::string& path, PathAccess access);

  // Enforces the rules on the calling thread and its future children. Also scopes signals and
  // abstract unix sockets to the sandbox when the kernel can (ABI >= 6). FailedPrecondition when
  // the kernel has no Landlock; Internal with errno text when a step fails.
  absl::Status RestrictSelf() const;

  const std::vector<std::pair<std::string, PathAccess>>& rules() const { return rules_; }

 private:
  std::vector<std::pair<std::string, PathAccess>> rules_;
};

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_SANDBOX_LANDLOCK_H_
