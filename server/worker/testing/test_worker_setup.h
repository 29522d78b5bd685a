// What tests of the worker and the herders share: a worker config, the plugin registry of the
// file connectors built in SLUICE_BUILD_DIR (real validation hosts, for the herder's config
// validation), a private directory, and a listener that records what the worker reports.
#ifndef SLUICE_SERVER_WORKER_TESTING_TEST_WORKER_SETUP_H_
#define SLUICE_SERVER_WORKER_TESTING_TEST_WORKER_SETUP_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/config/worker_config.h"
#include "server/plugins/plugin_registry.h"
#include "server/worker/worker.h"

namespace sluice::worker::testing {

// A private directory (0700), removed by the destructor.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Worker settings for tests: converters, an offsets file under `dir`, short timeouts.
absl::StatusOr<config::WorkerConfig> TestWorkerConfig(const std::string& dir);

// The registry of SLUICE_BUILD_DIR's plugins directory (FileStreamSource, FileStreamSink);
// FailedPrecondition when SLUICE_BUILD_DIR is not set.
absl::StatusOr<std::unique_ptr<plugins::PluginRegistry>> BuiltPluginRegistry(
    const std::string& socket_dir);

// Records what a worker reports. Thread-safe.
class RecordingListener final : public WorkerListener {
 public:
  struct Report {
    std::string what;  // "running", "failed", "task running", "task failed", "task stopped"
    std::string trace;
  };
  void OnConnectorRunning(const std::string& name) override;
  void OnConnectorFailed(const std::string& name, const std::string& trace) override;
  void OnTaskRunning(const runtime::TaskId& id) override;
  void OnTaskFailed(const runtime::TaskId& id, const std::string& trace) override;
  void OnTaskStopped(const runtime::TaskId& id) override;
  void OnTopicUsed(const runtime::TaskId& id, const std::string& topic) override {}

  // What was reported for `instance` ("c" or "c-0"), in order.
  std::vector<Report> Reports(const std::string& instance) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits up to 10 s until `what` was reported for `instance`.
  bool AwaitReport(const std::string& instance, const std::string& what)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Add(const std::string& instance, Report report) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Mutex mu_;
  std::map<std::string, std::vector<Report>> reports_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::worker::testing

#endif  // SLUICE_SERVER_WORKER_TESTING_TEST_WORKER_SETUP_H_
