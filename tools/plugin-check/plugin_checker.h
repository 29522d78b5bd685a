// PluginChecker: the conformance checks of sluice-plugin-check. It starts a plugin through the
// real host, exactly as the worker does (server/plugins/plugin_process.h, sluice-plugin-host),
// and drives the whole plugin protocol (proto/sluice/plugin/v1/plugin.proto) the way sluiced
// does, checking what comes back against the protocol's rules:
//
//   host.start, handshake, handshake.version-refused     one host for the whole plugin
//   describe, describe.class, describe.config            classes, types, versions, ConfigDefs
//   validate.empty, validate.config, validate.unknown-class
//   shutdown                                             the host exits in time, with code 0
// and, for each connector class that has a config (CheckConfig), on a host of its own:
//   connector.start, connector.task-configs, connector.stop, connector.restart
//   source.start, source.poll-credits, source.records, source.offsets, source.committed,
//   source.stop                                          (source classes)
//   sink.start, sink.put, sink.errant, sink.pre-commit, sink.close, sink.stop  (sink classes)
//   task.error                                           a TaskError carries message and trace
//   shutdown
//
// Each check adds one result to the report (a check that cannot run for lack of a config, or
// of records, is skipped with the reason). The checker never trusts the plugin: every wait has
// a deadline, and a plugin that misses one is reported and then killed.
//
// Thread-compatible: Run() is called once.
#ifndef SLUICE_TOOLS_PLUGIN_CHECK_PLUGIN_CHECKER_H_
#define SLUICE_TOOLS_PLUGIN_CHECK_PLUGIN_CHECKER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "plugin-host/manifest.h"
#include "server/plugins/plugin_process.h"
#include "sluice/plugin/v1/plugin.pb.h"
#include "tools/plugin-check/check_config.h"
#include "tools/plugin-check/check_report.h"

namespace sluice::plugin_check {

struct CheckerOptions {
  std::string plugin_dir;   // the directory holding sluice-plugin.json
  std::string host_binary;  // sluice-plugin-host
  CheckConfig config;
  // Where the config came from, for messages ("" when none was found).
  std::string config_source;
  // A private directory (0700) of this run: the hosts' sockets and ${tmpdir} go below it.
  std::string work_dir;
  // Deadline of each unary call, of a task's Start, of each Poll and Put.
  absl::Duration call_timeout = absl::Seconds(10);
  // How long a task may take to answer Stop with TaskStopped; how long a host may take to exit
  // after Shutdown.
  absl::Duration stop_timeout = absl::Seconds(5);
  absl::Duration shutdown_timeout = absl::Seconds(5);
  // How long a source task is polled (at least three Polls are sent whatever it is).
  absl::Duration poll_duration = absl::Seconds(3);
  // Run the hosts in the sandbox a worker with default sluice.sandbox.* settings gives them
  // (what this machine supports of it), granting each class the paths its manifest declares.
  bool sandbox = true;
};

class PluginChecker {
 public:
  // `report` outlives the checker.
  PluginChecker(CheckerOptions options, CheckReport& report);

  void Run();

 private:
  struct ClassCheck;

  // A host for the whole plugin (`connector` null: nothing granted but the runtime) or for one
  // class run with `config` (granted the paths the manifest declares for it).
  std::unique_ptr<plugins::PluginProcess> StartHost(
      const sluice::plugin::v1::ConnectorClass* connector, const ConfigMap& config = {});
  // Probes the sandbox and reads the manifest's declarations; reports what the hosts get.
  void PrepareSandbox();
  bool Handshake(plugins::PluginProcess& host, const std::string& connector, bool report);
  void CheckDescribe(const sluice::plugin::v1::DescribeResponse& described);
  void CheckValidate(plugins::PluginProcess& host,
                     const sluice::plugin::v1::DescribeResponse& described);
  void CheckConnector(const sluice::plugin::v1::ConnectorClass& connector,
                      const ConfigMap& config);
  void CheckSourceTask(plugins::PluginProcess& host, ClassCheck& check);
  void CheckSinkTask(plugins::PluginProcess& host, ClassCheck& check);
  // Starts a task with an empty config, which most tasks refuse: their TaskError must carry a
  // message and a trace.
  void CheckTaskError(plugins::PluginProcess& host, ClassCheck& check);
  void CheckShutdown(plugins::PluginProcess& host, const std::string& connector);
  // PASS when `status` is OK, else FAIL with its message; returns status.ok().
  bool ReportOutcome(const std::string& check, const std::string& connector,
                     const std::string& expected, const absl::Status& status);
  std::string StartExpected() const;
  std::string StopExpected() const;

  const CheckerOptions options_;
  CheckReport& report_;
  std::string socket_dir_;
  std::string tmp_dir_;
  plugins::SandboxSupport support_;
  plugin_host::SandboxDeclaration declared_;
  plugins::RuntimeTraits runtime_;  // a Java plugin's policy follows its heap
};

}  // namespace sluice::plugin_check

#endif  // SLUICE_TOOLS_PLUGIN_CHECK_PLUGIN_CHECKER_H_
