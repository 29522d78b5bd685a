#include "server/worker/testing/test_worker_setup.h"

#include <stdlib.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace sluice::worker::testing {

ScratchDir::ScratchDir() {
  std::string pattern = "/tmp/sluice-worker-XXXXXX";
  path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
}

ScratchDir::~ScratchDir() {
  if (!path_.empty()) std::filesystem::remove_all(path_);
}

absl::StatusOr<config::WorkerConfig> TestWorkerConfig(const std::string& dir) {
  return config::ParseWorkerConfig(
      {{"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
       {"value.converter", "org.apache.kafka.connect.storage.StringConverter"},
       {"offset.storage.file.filename", absl::StrCat(dir, "/offsets")},
       {"task.shutdown.graceful.timeout.ms", "2000"},
       {"sluice.plugin.call.timeout.ms", "2000"}});
}

absl::StatusOr<std::unique_ptr<plugins::PluginRegistry>> BuiltPluginRegistry(
    const std::string& socket_dir) {
  const char* build = std::getenv("SLUICE_BUILD_DIR");
  if (build == nullptr) return absl::FailedPreconditionError("SLUICE_BUILD_DIR is not set");
  return plugins::PluginRegistry::Create(
      {.plugin_path = {absl::StrCat(build, "/plugins")},
       .host_binary = absl::StrCat(build, "/bin/sluice-plugin-host"),
       .socket_dir = socket_dir,
       .call_timeout = absl::Seconds(10)});
}

void RecordingListener::Add(const std::string& instance, Report report) {
  absl::MutexLock lock(&mu_);
  reports_[instance].push_back(std::move(report));
}

void RecordingListener::OnConnectorRunning(const std::string& name) { Add(name, {"running", ""}); }

void RecordingListener::OnConnectorFailed(const std::string& name, const std::string& trace) {
  Add(name, {"failed", trace});
}

void RecordingListener::OnTaskRunning(const runtime::TaskId& id) {
  Add(id.ToString(), {"task running", ""});
}

void RecordingListener::OnTaskFailed(const runtime::TaskId& id, const std::string& trace) {
  Add(id.ToString(), {"task failed", trace});
}

void RecordingListener::OnTaskStopped(const runtime::TaskId& id) {
  Add(id.ToString(), {"task stopped", ""});
}

std::vector<RecordingListener::Report> RecordingListener::Reports(const std::string& instance) {
  absl::MutexLock lock(&mu_);
  return reports_[instance];
}

bool RecordingListener::AwaitReport(const std::string& instance, const std::string& what) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (true) {
    for (const Report& r : Reports(instance)) {
      if (r.what == what) return true;
    }
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));  // polling a condition with a deadline
  }
}

}  // namespace sluice::worker::testing
