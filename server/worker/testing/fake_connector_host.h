// Fake plugin hosts for tests of the worker and the herders: connectors that start, generate
// the task configs a test scripts, raise events and crash on demand, and tasks whose runners
// report RUNNING at once and stop when asked. No process, no gRPC.
//
// Thread-safe.
#ifndef SLUICE_SERVER_WORKER_TESTING_FAKE_CONNECTOR_HOST_H_
#define SLUICE_SERVER_WORKER_TESTING_FAKE_CONNECTOR_HOST_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/worker/connector_host.h"

namespace sluice::worker::testing {

// How a fake connector behaves. Calls that fail answer with the status given.
struct FakeConnectorScript {
  absl::Status host_start = absl::OkStatus();       // ConnectorHosts::Start
  absl::Status start_connector = absl::OkStatus();  // StartConnector
  // TaskConfigs: `task_count` copies of {"n": "<i>"} plus `extra`, with task class "FakeTask";
  // or this error.
  absl::Status task_configs_error = absl::OkStatus();
  int task_count = 1;
  ConfigMap extra;
};

class FakeConnectorHost;

class FakeConnectorHosts final : public ConnectorHosts {
 public:
  // The script for connector `name` (default: everything succeeds, one task).
  void Script(const std::string& name, FakeConnectorScript script) ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::unique_ptr<ConnectorHost>> Start(const plugins::ConnectorPlugin& plugin,
                                                       const std::string& name,
                                                       const ConfigMap& config) override
      ABSL_LOCKS_EXCLUDED(mu_);

  // The last host started for `name` (null when none or it was destroyed).
  FakeConnectorHost* Latest(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // How many hosts were started for `name`.
  int Starts(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  // The calls every host of `name` received, in order: "StartConnector", "TaskConfigs",
  // "StopConnector", "StartTask <n>", "StopTask <n>", "Stop".
  std::vector<std::string> Calls(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  friend class FakeConnectorHost;
  void Record(const std::string& name, std::string call) ABSL_LOCKS_EXCLUDED(mu_);
  FakeConnectorScript ScriptOf(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  void Forget(const std::string& name, FakeConnectorHost* host) ABSL_LOCKS_EXCLUDED(mu_);

  absl::Mutex mu_;
  std::map<std::string, FakeConnectorScript> scripts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, FakeConnectorHost*> latest_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> starts_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::vector<std::string>> calls_ ABSL_GUARDED_BY(mu_);
};

class FakeConnectorHost final : public ConnectorHost {
 public:
  FakeConnectorHost(FakeConnectorHosts* owner, std::string name)
      : owner_(owner), name_(std::move(name)) {}
  ~FakeConnectorHost() override;

  absl::Status StartConnector(const std::string& class_name, const std::string& name,
                              const ConfigMap& config, absl::Duration timeout) override;
  absl::StatusOr<GeneratedTasks> TaskConfigs(int max_tasks, absl::Duration timeout) override;
  absl::Status StopConnector(absl::Duration timeout) override ABSL_LOCKS_EXCLUDED(mu_);
  std::unique_ptr<EventSubscription> SubscribeEvents(
      std::function<void(const ConnectorEvent&)> callback,
      store::OffsetStore* offsets) override ABSL_LOCKS_EXCLUDED(mu_);
  std::unique_ptr<runtime::TaskRunner> NewTaskRunner(runtime::TaskRunnerOptions options,
                                                     plugins::ConnectorType type,
                                                     store::OffsetStore* offsets) override;
  std::optional<std::string> ExitDescription() const override ABSL_LOCKS_EXCLUDED(mu_);
  void OnExit(std::function<void(const std::string&)> callback) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void Stop(absl::Duration grace) override ABSL_LOCKS_EXCLUDED(mu_);

  // The host dies with `description`: the exit callback runs (on this thread).
  void Crash(const std::string& description) ABSL_LOCKS_EXCLUDED(mu_);
  // The connector raises `event` (delivered on this thread while subscribed).
  void Raise(const ConnectorEvent& event) ABSL_LOCKS_EXCLUDED(mu_);
  // The config the connector instance was last started with.
  ConfigMap started_config() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  class Subscription;
  FakeConnectorHosts* const owner_;
  const std::string name_;
  mutable absl::Mutex mu_;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  ConfigMap config_ ABSL_GUARDED_BY(mu_);
  std::optional<std::string> exit_ ABSL_GUARDED_BY(mu_);
  std::function<void(const std::string&)> on_exit_ ABSL_GUARDED_BY(mu_);
  std::function<void(const ConnectorEvent&)> on_event_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sluice::worker::testing

#endif  // SLUICE_SERVER_WORKER_TESTING_FAKE_CONNECTOR_HOST_H_
