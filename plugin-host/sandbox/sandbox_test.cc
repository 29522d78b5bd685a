#include "plugin-host/sandbox/sandbox.h"

#include <gtest/gtest.h>

namespace sluice::plugin_host {
namespace {

TEST(ScrubbedEnvironment, KeepsOnlyTheAllowedVariables) {
  std::map<std::string, std::string> env = ScrubbedEnvironment(
      {{"PATH", "/bin"}, {"LANG", "C.UTF-8"}, {"TZ", "UTC"}, {"AWS_SECRET_ACCESS_KEY", "s"},
       {"LD_PRELOAD", "/evil.so"}, {"HOME", "/root"}},
      "/plugins/file");
  EXPECT_EQ(env, (std::map<std::string, std::string>{{"PATH", "/bin"},
                                                     {"LANG", "C.UTF-8"},
                                                     {"TZ", "UTC"},
                                                     {"HOME", "/plugins/file"},
                                                     {"TMPDIR", "/tmp"}}));
}

TEST(ScrubbedEnvironment, SuppliesADefaultPath) {
  std::map<std::string, std::string> env = ScrubbedEnvironment({}, "/p");
  EXPECT_EQ(env["PATH"], "/usr/local/bin:/usr/bin:/bin");
}

}  // namespace
}  // namespace sluice::plugin_host
