#include "server/plugins/sandbox_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/plugins/cgroups.h"

namespace sluice::plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

SandboxSupport Everything() {
  SandboxSupport s;
  s.user_namespaces = s.network_namespace = s.proc_mount = s.seccomp_notify = true;
  s.landlock_abi = 7;
  s.memory = {.version = 1, .base_dir = "/sys/fs/cgroup/memory/sluice-1"};
  s.cpu = {.version = 1, .base_dir = "/sys/fs/cgroup/cpu/sluice-1"};
  s.pids = {.version = 1, .base_dir = "/sys/fs/cgroup/pids/sluice-1"};
  return s;
}

SandboxPolicy Resolve(const SandboxSettings& settings, const SandboxSupport& support,
                      const ConfigMap& config, PolicyErrors& errors,
                      const PathKeys& keys = {}, TenantCeilings tenant = {}) {
  return ResolvePolicy(settings, support, tenant, keys, config, errors);
}

constexpr int64_t kMiB = int64_t{1} << 20;

SandboxPolicy ResolveJvm(const SandboxSettings& settings, const ConfigMap& config,
                         PolicyErrors& errors, const std::string& manifest_heap = "",
                         TenantCeilings tenant = {}, const SandboxSupport& support = Everything()) {
  return ResolvePolicy(settings, support, tenant, {}, config, errors,
                       {.jvm = true, .manifest_heap = manifest_heap});
}

TEST(JvmPolicy, TheMemoryCeilingFollowsTheHeap) {
  PolicyErrors errors;
  // The default heap (256m) + direct memory (64m) + 256m.
  SandboxPolicy p = ResolveJvm({}, {}, errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(p.jvm_heap_bytes, 256 * kMiB);
  EXPECT_EQ(p.memory_bytes, 576 * kMiB);
  // The manifest's heap, then the connector's sluice.jvm.heap.
  p = ResolveJvm({}, {}, errors, "1g");
  EXPECT_EQ(p.jvm_heap_bytes, 1024 * kMiB);
  EXPECT_EQ(p.memory_bytes, (1024 + 256 + 256) * kMiB);
  p = ResolveJvm({}, {{"sluice.jvm.heap", "512m"}}, errors, "1g");
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(p.jvm_heap_bytes, 512 * kMiB);
  EXPECT_EQ(p.memory_bytes, (512 + 128 + 256) * kMiB);
  // Even when the worker sets its own default, which is for native and exec hosts.
  SandboxSettings worker;
  worker.memory_bytes = 300 * kMiB;
  worker.explicit_keys.insert("sluice.sandbox.memory.bytes");
  EXPECT_EQ(ResolveJvm(worker, {}, errors).memory_bytes, 576 * kMiB);
  EXPECT_THAT(errors, IsEmpty());
  // A connector's own ceiling wins, when it holds the heap.
  p = ResolveJvm({}, {{"sluice.sandbox.memory.bytes", "402653184"}}, errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(p.memory_bytes, 384 * kMiB);
  // Not a JVM: the worker's default.
  EXPECT_EQ(Resolve({}, Everything(), {}, errors).jvm_heap_bytes, 0);
}

TEST(JvmPolicy, ACeilingBelowTheHeapIsAnErrorNamingBoth) {
  PolicyErrors errors;
  (void)ResolveJvm({}, {{"sluice.sandbox.memory.bytes", "268435456"}, {"sluice.jvm.heap", "512m"}},
                   errors);
  EXPECT_THAT(errors["sluice.sandbox.memory.bytes"],
              ElementsAre("Invalid value 268435456 for configuration sluice.sandbox.memory.bytes: "
                          "less than the JVM's heap of 536870912 bytes (sluice.jvm.heap=512m); "
                          "the JVM needs about 402653184 bytes besides its heap"));
  errors.clear();
  (void)ResolveJvm({}, {{"sluice.sandbox.memory.bytes", "100000000"}}, errors, "1g");
  EXPECT_THAT(errors["sluice.sandbox.memory.bytes"][0],
              ::testing::HasSubstr("(the plugin manifest's heap 1g)"));
}

TEST(JvmPolicy, ABadHeapIsAnErrorOfItsKey) {
  PolicyErrors errors;
  SandboxPolicy p = ResolveJvm({}, {{"sluice.jvm.heap", "huge"}}, errors);
  EXPECT_THAT(errors["sluice.jvm.heap"],
              ElementsAre("Invalid value huge for configuration sluice.jvm.heap: the JVM heap "
                          "\"huge\" is not a JVM memory size (e.g. 512m, 2g)"));
  EXPECT_EQ(p.jvm_heap_bytes, 256 * kMiB);  // the policy is still returned, with the default
}

TEST(JvmPolicy, AHeapAboveTheCeilingsIsAnError) {
  PolicyErrors errors;
  SandboxSettings worker;
  worker.memory_max_bytes = 1024 * kMiB;
  (void)ResolveJvm(worker, {{"sluice.jvm.heap", "1g"}}, errors);
  ASSERT_THAT(errors["sluice.jvm.heap"], ::testing::SizeIs(1));
  EXPECT_EQ(errors["sluice.jvm.heap"][0],
            "The JVM needs 1610612736 bytes of memory (sluice.jvm.heap=1g and 536870912 bytes "
            "besides its heap), more than the worker (sluice.sandbox.memory.max.bytes) allows "
            "(1073741824): lower its heap or set sluice.sandbox.memory.bytes between the two");
  errors.clear();
  (void)ResolveJvm({}, {}, errors, "", {.memory_bytes = 512 * kMiB});
  EXPECT_THAT(errors["sluice.jvm.heap"][0], ::testing::HasSubstr("the connector's tenant allows"));
}

TEST(JvmPolicy, AJvmNeedsItsThreads) {
  PolicyErrors errors;
  (void)ResolveJvm({}, {{"sluice.sandbox.processes", "16"}}, errors);
  EXPECT_THAT(errors["sluice.sandbox.processes"],
              ElementsAre("Invalid value 16 for configuration sluice.sandbox.processes: a JVM "
                          "needs at least 64 tasks (its own threads and its garbage collector's)"));
}

TEST(JvmPolicy, TheMinimalSandboxSetsNoAddressSpaceLimitOnAJvm) {
  SandboxSettings off;
  off.enabled = false;
  PolicyErrors errors;
  // A native host gets the tenant's ceiling as RLIMIT_AS; a JVM its heap only.
  EXPECT_EQ(Resolve(off, {}, {}, errors, {}, {.memory_bytes = 2048 * kMiB}).memory_bytes,
            2048 * kMiB);
  SandboxPolicy p = ResolveJvm(off, {}, errors, "", {.memory_bytes = 2048 * kMiB});
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_FALSE(p.full);
  EXPECT_EQ(p.memory_bytes, 0);
  EXPECT_EQ(p.jvm_heap_bytes, 256 * kMiB);
  // A heap that cannot fit under the tenant's ceiling is refused.
  (void)ResolveJvm(off, {{"sluice.jvm.heap", "2g"}}, errors, "", {.memory_bytes = 2048 * kMiB});
  EXPECT_THAT(errors["sluice.jvm.heap"][0], ::testing::HasSubstr("the connector's tenant"));
}

TEST(SandboxPolicy, DefaultsGiveTheFullSandboxWithTheWorkersLimits) {
  PolicyErrors errors;
  SandboxPolicy p = Resolve({}, Everything(), {}, errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_TRUE(p.full && p.namespaces && p.landlock && p.seccomp);
  EXPECT_FALSE(p.network);
  EXPECT_EQ(p.memory_bytes, int64_t{1} << 30);
  EXPECT_EQ(p.processes, 512);
  EXPECT_EQ(p.cpu_cores, 0);
  EXPECT_THAT(p.read_paths, IsEmpty());
  EXPECT_THAT(p.write_paths, IsEmpty());
}

TEST(SandboxPolicy, AConnectorMayAskUpToTheCeilingNeverMore) {
  PolicyErrors errors;
  SandboxPolicy p = Resolve({}, Everything(),
                            {{"sluice.sandbox.memory.bytes", "268435456"},
                             {"sluice.sandbox.processes", "64"},
                             {"sluice.sandbox.cpu.cores", "0.5"},
                             {"sluice.sandbox.network", "true"}},
                            errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(p.memory_bytes, 268435456);
  EXPECT_EQ(p.processes, 64);
  EXPECT_EQ(p.cpu_cores, 0.5);
  EXPECT_TRUE(p.network);

  SandboxSettings strict;
  strict.network_allowed = false;
  strict.cpu_max_cores = 1;
  Resolve(strict, Everything(),
          {{"sluice.sandbox.memory.bytes", "8589934592"},
           {"sluice.sandbox.cpu.cores", "2"},
           {"sluice.sandbox.network", "true"},
           {"sluice.sandbox.processes", "lots"}},
          errors);
  EXPECT_THAT(errors["sluice.sandbox.memory.bytes"],
              ElementsAre("Invalid value 8589934592 for configuration sluice.sandbox.memory.bytes: "
                          "the worker allows at most 4294967296 "
                          "(sluice.sandbox.memory.max.bytes)"));
  EXPECT_THAT(errors["sluice.sandbox.cpu.cores"],
              ElementsAre("Invalid value 2 for configuration sluice.sandbox.cpu.cores: the "
                          "worker allows at most 1 (sluice.sandbox.cpu.max.cores)"));
  EXPECT_THAT(errors["sluice.sandbox.network"],
              ElementsAre("Invalid value true for configuration sluice.sandbox.network: the "
                          "worker does not allow connectors the network "
                          "(sluice.sandbox.network.allowed=false)"));
  EXPECT_THAT(errors["sluice.sandbox.processes"],
              ElementsAre("Invalid value lots for configuration sluice.sandbox.processes: Not a "
                          "number of type LONG"));
}

TEST(SandboxPolicy, TheTenantsCeilingCapsTheDefaultAndRefusesMore) {
  PolicyErrors errors;
  SandboxPolicy p = Resolve({}, Everything(), {}, errors, {},
                            {.memory_bytes = 512 << 20, .cpu_seconds = 60});
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(p.memory_bytes, 512 << 20);
  EXPECT_EQ(p.cpu_seconds, 60);
  Resolve({}, Everything(), {{"sluice.sandbox.memory.bytes", "1073741824"}}, errors, {},
          {.memory_bytes = 512 << 20});
  EXPECT_THAT(errors["sluice.sandbox.memory.bytes"],
              ElementsAre("Invalid value 1073741824 for configuration "
                          "sluice.sandbox.memory.bytes: the connector's tenant allows at most "
                          "536870912"));
}

TEST(SandboxPolicy, ALimitAskedForNeedsItsMechanismADefaultIsDropped) {
  SandboxSupport bare = Everything();
  bare.memory = {};
  PolicyErrors errors;
  SandboxPolicy p = Resolve({}, bare, {}, errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(p.memory_bytes, 0);  // the default, unenforceable here, is dropped
  Resolve({}, bare, {{"sluice.sandbox.memory.bytes", "268435456"}}, errors);
  EXPECT_THAT(errors["sluice.sandbox.memory.bytes"],
              ElementsAre("sluice.sandbox.memory.bytes needs the cgroup memory controller, "
                          "which this machine does not offer to the worker"));

  SandboxSettings required;
  required.required = {"landlock"};
  SandboxSupport no_landlock = Everything();
  no_landlock.landlock_abi = 0;
  PolicyErrors more;
  Resolve(required, no_landlock, {}, more);
  EXPECT_THAT(more["sluice.sandbox.required"],
              ElementsAre("The worker requires landlock (sluice.sandbox.required), which this "
                          "machine does not offer"));
}

TEST(SandboxPolicy, DeclaredPathsAreGrantedWithinTheAllowedOnes) {
  SandboxSettings settings;
  settings.paths_allowed = {"/data", "/srv/out/"};
  PolicyErrors errors;
  SandboxPolicy p = Resolve(settings, Everything(),
                            {{"file", "/data/in.txt"},
                             {"sluice.sandbox.paths.write", "/srv/out/a, /srv/outside"}},
                            errors, {{"file", PathUse::kRead}});
  EXPECT_THAT(p.read_paths, ElementsAre("/data/in.txt"));
  EXPECT_THAT(p.write_paths, ElementsAre("/srv/out/a"));
  EXPECT_THAT(errors["sluice.sandbox.paths.write"],
              ElementsAre("Invalid value /srv/outside for configuration "
                          "sluice.sandbox.paths.write: the path is outside the paths this worker "
                          "lets connectors use (sluice.sandbox.paths.allowed=/data,/srv/out/)"));
  Resolve(settings, Everything(), {{"file", "/data/../etc/shadow"}}, errors, {{"file", PathUse::kWrite}});
  EXPECT_EQ(errors["file"].size(), 1u);
}

TEST(SandboxPolicy, DisabledLeavesTheMinimalSandboxWithTheTenantsAddressSpaceCeiling) {
  SandboxSettings off;
  off.enabled = false;
  PolicyErrors errors;
  SandboxPolicy p = Resolve(off, Everything(), {}, errors, {}, {.memory_bytes = 1 << 29});
  EXPECT_FALSE(p.full);
  EXPECT_EQ(p.memory_bytes, 1 << 29);
}

TEST(SandboxSettings, ParsesAndChecksTheWorkersKeys) {
  absl::StatusOr<SandboxSettings> s = ParseSandboxSettings(
      {{"sluice.sandbox.memory.bytes", "2147483648"}, {"sluice.sandbox.network", "TRUE"},
       {"sluice.sandbox.paths.allowed", "/data, /tmp"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->memory_bytes, int64_t{2} << 30);
  EXPECT_TRUE(s->network);
  EXPECT_THAT(s->paths_allowed, ElementsAre("/data", "/tmp"));
  EXPECT_TRUE(s->explicit_keys.contains("sluice.sandbox.memory.bytes"));
  EXPECT_FALSE(ParseSandboxSettings({{"sluice.sandbox.enabled", "maybe"}}).ok());
  EXPECT_FALSE(ParseSandboxSettings({{"sluice.sandbox.memory.bytes", "9999999999999"}}).ok());
  EXPECT_FALSE(ParseSandboxSettings({{"sluice.sandbox.required", "magic"}}).ok());
}

TEST(SandboxSupport, ParsesTheHostsProbeAndNamesWhatIsMissing) {
  absl::StatusOr<SandboxSupport> s = ParseProbe(
      R"({"user_namespaces":true,"network_namespace":false,"proc_mount":true,)"
      R"("landlock_abi":0,"seccomp_notify":true})");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->namespaces());
  EXPECT_THAT(s->Missing(),
              ElementsAre("network namespace: unshare(CLONE_NEWNET) is refused",
                          "Landlock (filesystem rules): not supported",
                          "cgroup memory controller: not available to the worker",
                          "cgroup cpu controller: not available to the worker",
                          "cgroup pids controller: not available to the worker"));
  EXPECT_FALSE(ParseProbe("nonsense").ok());
}

// A fake /proc/self and cgroup tree: hybrid v1 (memory, pids) and v2 (cpu).
TEST(Cgroups, DetectsV1AndV2ControllersAndWritesEachHostsLimits) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(testing::TempDir()) / "cgroups-test";
  fs::remove_all(root);
  const fs::path proc = root / "proc";
  fs::create_directories(proc);
  std::ofstream(proc / "cgroup") << "4:memory:/job\n8:pids:/\n0::/svc\n";
  std::ofstream(proc / "mountinfo")
      << "30 25 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
      << "31 25 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
      << "32 25 0:28 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
  fs::create_directories(root / "sys/fs/cgroup/memory/job");
  fs::create_directories(root / "sys/fs/cgroup/pids");
  fs::create_directories(root / "sys/fs/cgroup/unified/svc");
  std::ofstream(root / "sys/fs/cgroup/unified/svc/cgroup.controllers") << "cpu io\n";
  std::ofstream(root / "sys/fs/cgroup/unified/svc/cgroup.subtree_control") << "cpu\n";

  SandboxSupport support;
  DetectCgroups(support, proc.string(), root.string());
  EXPECT_EQ(support.memory.version, 1);
  EXPECT_EQ(support.pids.version, 1);
  EXPECT_EQ(support.cpu.version, 2);
  const std::string base = absl::StrCat("sluice-", getpid());
  EXPECT_EQ(support.memory.base_dir,
            (root / "sys/fs/cgroup/memory/job" / base).string());
  EXPECT_EQ(support.cpu.base_dir, (root / "sys/fs/cgroup/unified/svc" / base).string());

  SandboxPolicy policy{.full = true, .memory_bytes = 256 << 20, .processes = 64,
                       .cpu_cores = 0.5};
  absl::StatusOr<std::unique_ptr<HostCgroup>> host = HostCgroup::Create(support, policy);
  ASSERT_TRUE(host.ok()) << host.status();
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::map<std::string, std::string> dirs((*host)->dirs().begin(), (*host)->dirs().end());
  ASSERT_EQ(dirs.size(), 3u);
  EXPECT_EQ(read(dirs["memory"] + "/memory.limit_in_bytes"), "268435456");
  EXPECT_EQ(read(dirs["pids"] + "/pids.max"), "64");
  EXPECT_EQ(read(dirs["unified"] + "/cpu.max"), "50000 100000");
  fs::remove_all(root);
}

}  // namespace
}  // namespace sluice::plugins
