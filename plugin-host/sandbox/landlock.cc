#include "plugin-host/sandbox/landlock.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace sluice::plugin_host {
namespace {

// include/uapi/linux/landlock.h
constexpr long kSysCreateRuleset = 444;
constexpr long kSysAddRule = 445;
constexpr long kSysRestrictSelf = 446;
constexpr uint32_t kCreateRulesetVersion = 1U << 0;
constexpr int kRulePathBeneath = 1;

constexpr uint64_t kExecute = 1ULL << 0;
constexpr uint64_t kWriteFile = 1ULL << 1;
constexpr uint64_t kReadFile = 1ULL << 2;
constexpr uint64_t kReadDir = 1ULL << 3;
constexpr uint64_t kTruncate = 1ULL << 14;   // ABI 3
constexpr uint64_t kIoctlDev = 1ULL << 15;   // ABI 5
constexpr uint64_t kFileRights = kExecute | kWriteFile | kReadFile | kTruncate | kIoctlDev;

constexpr uint64_t kScopeAbstractUnixSocket = 1ULL << 0;  // ABI 6
constexpr uint64_t kScopeSignal = 1ULL << 1;              // ABI 6

struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;  // ABI 4
  uint64_t scoped;              // ABI 6
};

struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
};

// Every filesystem right of ABI `abi`.
uint64_t HandledFs(int abi) {
  uint64_t rights = (1ULL << 13) - 1;      // ABI 1: execute .. make_sym
  if (abi >= 2) rights |= 1ULL << 13;      // refer
  if (abi >= 3) rights |= kTruncate;
  if (abi >= 5) rights |= kIoctlDev;
  return rights;
}

uint64_t Rights(PathAccess access, int abi) {
  switch (access) {
    case PathAccess::kRead:
      return kReadFile | kReadDir;
    case PathAccess::kReadExecute:
      return kReadFile | kReadDir | kExecute;
    case PathAccess::kReadWrite:
      return HandledFs(abi);
  }
  return 0;
}

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("landlock: ", what, ": ", std::strerror(errno)));
}

}  // namespace

int LandlockAbi() {
  long abi = syscall(kSysCreateRuleset, nullptr, 0, kCreateRulesetVersion);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

absl::Status LandlockRules::Allow(const std::string& path, PathAccess access) {
  struct stat st;
  if (path.empty() || stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("no rule for ", path, ": ", std::strerror(errno)));
  }
  rules_.emplace_back(path, access);
  return absl::OkStatus();
}

absl::Status LandlockRules::RestrictSelf() const {
  const int abi = LandlockAbi();
  if (abi == 0) return absl::FailedPreconditionError("landlock: not supported by this kernel");
  RulesetAttr attr = {.handled_access_fs = HandledFs(abi), .handled_access_net = 0, .scoped = 0};
  size_t attr_size = sizeof(uint64_t);
  if (abi >= 6) {
    attr.scoped = kScopeAbstractUnixSocket | kScopeSignal;
    attr_size = sizeof(RulesetAttr);
  }
  int ruleset = static_cast<int>(syscall(kSysCreateRuleset, &attr, attr_size, 0));
  if (ruleset < 0) return ErrnoError("create_ruleset");
  for (const auto& [path, access] : rules_) {
    int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;  // gone since Allow(); nothing to grant
    struct stat st;
    uint64_t rights = Rights(access, abi);
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) rights &= kFileRights;
    PathBeneathAttr rule = {.allowed_access = rights, .parent_fd = fd};
    long added = syscall(kSysAddRule, ruleset, kRulePathBeneath, &rule, 0);
    int saved = errno;
    close(fd);
    if (added != 0) {
      errno = saved;
      close(ruleset);
      return ErrnoError(absl::StrCat("add_rule ", path));
    }
  }
  // Landlock needs no_new_privs (or CAP_SYS_ADMIN); the sandbox has set it already, but a
  // second call is harmless and keeps this function usable alone.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    close(ruleset);
    return ErrnoError("PR_SET_NO_NEW_PRIVS");
  }
  long restricted = syscall(kSysRestrictSelf, ruleset, 0);
  int saved = errno;
  close(ruleset);
  errno = saved;
  if (restricted != 0) return ErrnoError("restrict_self");
  return absl::OkStatus();
}

}  // namespace sluice::plugin_host
