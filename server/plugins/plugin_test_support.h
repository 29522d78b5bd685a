// Test support shared by the plugin process, registry and host tests: where the build put the
// binaries, and a per-test directory.
#ifndef SLUICE_SERVER_PLUGINS_PLUGIN_TEST_SUPPORT_H_
#define SLUICE_SERVER_PLUGINS_PLUGIN_TEST_SUPPORT_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sluice::plugins::testing {

// The build directory (SLUICE_BUILD_DIR, set by CTest), or "" when unset.
inline std::string BuildDir() {
  const char* dir = std::getenv("SLUICE_BUILD_DIR");
  return dir != nullptr ? dir : "";
}

// A private (0700) directory under /tmp named after `prefix`, removed with everything in it at
// the end; path() is "" if it could not be made.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sluice::plugins::testing

#endif  // SLUICE_SERVER_PLUGINS_PLUGIN_TEST_SUPPORT_H_
