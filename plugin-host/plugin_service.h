// PluginService: the `sluice.plugin.v1.Plugin` gRPC service for a native (C++ SDK) plugin,
// served by sluice-plugin-host on its unix socket. See proto/sluice/plugin/v1/plugin.proto for
// the contract and plugin-host/README.md for the host's rules.
//
// It holds at most one connector instance (StartConnector .. StopConnector) and any number of
// task streams; each task stream is run by a SourceTaskSession or SinkTaskSession on its RPC's
// handler thread. Errors returned by plugin code pass through with their code; an unknown
// connector class is NOT_FOUND; a call in the wrong lifecycle state is FAILED_PRECONDITION.
//
// Shutdown order (driven by the host's main()): Shutdown RPC or stdin EOF -> BeginShutdown()
// (cancels open streams; task sessions stop their tasks) -> grpc::Server::Shutdown ->
// StopConnector() -> exit.
//
// Thread-safety: thread-safe (gRPC calls it from many threads). Connector methods are called
// with connector_mu_ held, so one at a time, as the SDK promises.
#ifndef SLUICE_PLUGIN_HOST_PLUGIN_SERVICE_H_
#define SLUICE_PLUGIN_HOST_PLUGIN_SERVICE_H_

#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "plugin-host/fanout.h"
#include "plugin-host/loader.h"
#include "plugin-host/manifest.h"
#include "sluice/plugin/v1/plugin.grpc.pb.h"
#include "sluice/sdk/connector.h"

namespace sluice::plugin_host {

namespace pb = ::sluice::plugin::v1;

inline constexpr uint32_t kProtocolVersion = 1;
inline constexpr char kSdkName[] = "cpp/0.1.0";
// What this host implements beyond the base protocol (HandshakeResponse.capabilities).
inline constexpr char kCapabilityAlterOffsets[] = "alter_offsets";

class PluginService final : public pb::Plugin::Service {
 public:
  // `plugin` must outlive the service. `on_shutdown` is called (once, from a gRPC thread) when
  // the Shutdown RPC arrives.
  PluginService(const LoadedPlugin& plugin, PluginManifest manifest,
                std::function<void()> on_shutdown);
  ~PluginService() override;

  // Routes the SDK's Log() lines to the Logs stream (or stderr when nobody listens).
  void InstallLogSink();

  // Makes open streams end: Logs and ConnectorEvents return, task streams are cancelled (their
  // sessions stop their tasks). New task streams are refused with UNAVAILABLE.
  void BeginShutdown() ABSL_LOCKS_EXCLUDED(mu_);
  // Stops the connector instance if one runs. Returns its Stop status.
  absl::Status StopConnectorIfRunning() ABSL_LOCKS_EXCLUDED(connector_mu_);

  grpc::Status Handshake(grpc::ServerContext* context, const pb::HandshakeRequest* request,
                         pb::HandshakeResponse* response) override;
  grpc::Status Describe(grpc::ServerContext* context, const pb::DescribeRequest* request,
                        pb::DescribeResponse* response) override;
  grpc::Status Validate(grpc::ServerContext* context, const pb::ValidateRequest* request,
                        pb::ValidateResponse* response) override;
  grpc::Status StartConnector(grpc::ServerContext* context,
                              const pb::StartConnectorRequest* request,
                              pb::StartConnectorResponse* response) override
      ABSL_LOCKS_EXCLUDED(connector_mu_);
  grpc::Status TaskConfigs(grpc::ServerContext* context, const pb::TaskConfigsRequest* request,
                           pb::TaskConfigsResponse* response) override
      ABSL_LOCKS_EXCLUDED(connector_mu_);
  grpc::Status StopConnector(grpc::ServerContext* context, const pb::StopConnectorRequest* request,
                             pb::StopConnectorResponse* response) override
      ABSL_LOCKS_EXCLUDED(connector_mu_);
  grpc::Status ConnectorEvents(grpc::ServerContext* context,
                               const pb::ConnectorEventsRequest* request,
                               grpc::ServerWriter<pb::ConnectorEvent>* writer) override
      ABSL_LOCKS_EXCLUDED(mu_);
  // Calls AlterOffsets on a fresh instance of the requested class (not the running connector,
  // and without connector_mu_: Kafka Connect calls it on a new instance). NOT_FOUND for an
  // unknown class; INVALID_ARGUMENT for offsets of the other connector type or that do not
  // decode; the plugin's error (message unchanged) when it rejects the offsets.
  grpc::Status AlterOffsets(grpc::ServerContext* context, const pb::AlterOffsetsRequest* request,
                            pb::AlterOffsetsResponse* response) override;
  grpc::Status Logs(grpc::ServerContext* context, const pb::LogsRequest* request,
                    grpc::ServerWriter<pb::LogRecord>* writer) override ABSL_LOCKS_EXCLUDED(mu_);
  grpc::Status SourceTask(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<pb::SourcePluginMessage, pb::SourceWorkerMessage>* stream) override;
  grpc::Status SinkTask(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<pb::SinkPluginMessage, pb::SinkWorkerMessage>* stream) override;
  grpc::Status Shutdown(grpc::ServerContext* context, const pb::ShutdownRequest* request,
                        pb::ShutdownResponse* response) override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  class ContextImpl;

  // The registration for a task stream's Start: by the config's "task.class", then
  // "connector.class", then the running connector, then the only class of `kind`.
  absl::StatusOr<const ConnectorRegistration*> ResolveTaskClass(const pb::TaskStart& start,
                                                                ConnectorKind kind) const;
  const ConnectorRegistration* FindConnectorOrNull(const std::string& name) const;
  // Registers a stream to cancel on shutdown; false when shutting down already.
  bool AddStream(grpc::ServerContext* context) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs one task stream: reads its Start, resolves the task class of `kind`, and hands the
  // stream to a Session (SourceTaskSession / SinkTaskSession) until it ends.
  template <typename Session, typename WorkerMessage, typename Stream>
  grpc::Status RunTaskStream(grpc::ServerContext* context, Stream* stream, ConnectorKind kind);
  void RemoveStream(grpc::ServerContext* context) ABSL_LOCKS_EXCLUDED(mu_);
  // Sends `item` to subscribers, or keeps it for the first one.
  void PublishEvent(const pb::ConnectorEvent& event);

  const LoadedPlugin& plugin_;
  const PluginManifest manifest_;
  const std::function<void()> on_shutdown_;

  Fanout<pb::LogRecord> logs_;
  Fanout<pb::ConnectorEvent> events_;

  absl::Mutex mu_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool shutdown_requested_ ABSL_GUARDED_BY(mu_) = false;
  std::set<grpc::ServerContext*> streams_ ABSL_GUARDED_BY(mu_);
  std::deque<pb::ConnectorEvent> event_backlog_ ABSL_GUARDED_BY(mu_);

  // The connector instance. Held while calling into it, so connector calls never overlap.
  absl::Mutex connector_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  const ConnectorRegistration* connector_class_ ABSL_GUARDED_BY(connector_mu_) = nullptr;
  std::string connector_name_ ABSL_GUARDED_BY(connector_mu_);
  std::unique_ptr<ContextImpl> connector_context_ ABSL_GUARDED_BY(connector_mu_);
  std::unique_ptr<Connector> connector_ ABSL_GUARDED_BY(connector_mu_);
};

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_PLUGIN_SERVICE_H_
