// Task runners: one thread per task that drives the task's stream to its plugin host and does
// everything that touches Kafka for it (DESIGN.md §2). SourceTaskRunner produces what the plugin
// polls and commits source offsets only after Kafka acknowledged the records; SinkTaskRunner
// consumes, hands batches to the plugin and commits consumer offsets only up to what the plugin
// flushed (DESIGN.md §3).
#ifndef SLUICE_SERVER_RUNTIME_TASK_RUNNER_H_
#define SLUICE_SERVER_RUNTIME_TASK_RUNNER_H_

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "server/config/connector_config.h"
#include "server/config/worker_config.h"
#include "server/kafka/client_configs.h"
#include "server/kafka/topic_admin.h"
#include "server/metrics/task_metrics.h"
#include "server/plugins/plugin_process.h"
#include "server/runtime/record_pipeline.h"
#include "server/runtime/task_watchdog.h"
#include "sluice/plugin/v1/plugin.grpc.pb.h"
#include "sluice/sdk/config_def.h"

namespace sluice::runtime {

struct TaskId {
  std::string connector;
  int task = 0;
  std::string ToString() const { return absl::StrCat(connector, "-", task); }
};

// Receives a task's lifecycle events, on the runner's thread. Implementations are thread-safe.
class TaskStatusListener {
 public:
  virtual ~TaskStatusListener() = default;
  virtual void OnTaskRunning(const TaskId& id) = 0;
  // The task failed; `trace` says why (for the status API).
  virtual void OnTaskFailed(const TaskId& id, const std::string& trace) = 0;
  // The task stopped because Stop() was asked for.
  virtual void OnTaskStopped(const TaskId& id) = 0;
  // The task produced to (source) or was assigned a partition of (sink) `topic`, the first time
  // it did so (Kafka Connect's active topic tracking).
  virtual void OnTopicUsed(const TaskId& id, const std::string& topic) = 0;
};

// What a runner needs from its worker. The pointers outlive the runner.
struct TaskRunnerOptions {
  TaskId id;
  // The connector's config, parsed (shared with the herder, immutable).
  std::shared_ptr<const config::ConnectorConfig> connector;
  ConfigMap task_config;
  const config::WorkerConfig* worker = nullptr;
  std::string bootstrap_servers;
  // Called before a topic is first produced to or subscribed; may be empty. The embedded broker
  // uses it to create single-partition topics.
  std::function<absl::Status(const std::string& topic)> ensure_topic;
  // Admin clients for creating topics (a source's topics under topic.creation.*, a DLQ topic),
  // given the task's admin settings; may be empty (no topic is created).
  kafka::TopicAdminFactory topic_admin_factory;
  // Tests: how the error handler waits between retries.
  ErrorHandler::Sleeper retry_sleeper;
  // The channel to the task's plugin host.
  std::shared_ptr<grpc::Channel> channel;
  // The host the stream runs in, to explain a broken stream (its exit); may be null.
  plugins::PluginProcess* process = nullptr;
  TaskStatusListener* listener = nullptr;
  // The worker's watchdog over task calls (poll, put, flush); may be null (not watched). When a
  // call outlives its deadline (the connector's supervision.deadlines) the watchdog kills
  // `process` and the task fails with the watchdog's trace.
  TaskWatchdog* watchdog = nullptr;
  // Where the task's metrics go (shared with the worker's metrics registry); may be null: the
  // runner then keeps them for itself.
  std::shared_ptr<metrics::TaskMetrics> metrics;
};

// Owns one task thread, which runs RunLoop() and reports how it ended to the listener: stopped
// (RunLoop returned OK after Stop) or failed (with the error as trace). Thread-safe: Start, Stop
// and Join may be called from any thread (not concurrently with each other).
class TaskRunner {
 public:
  virtual ~TaskRunner();
  TaskRunner(const TaskRunner&) = delete;
  TaskRunner& operator=(const TaskRunner&) = delete;

  // Starts the thread. REQUIRES: called once.
  void Start();
  // Asks the task to stop (flush, commit, stop the plugin task) and waits up to `timeout` for
  // the thread to end. Returns false when it did not end in time: the caller then kills the
  // plugin host, which makes the thread end, and calls Join().
  bool Stop(absl::Duration timeout);
  // Waits for the thread to end.
  void Join();
  // Kafka Connect's PAUSED target state: a paused source task is not polled, a paused sink task's
  // partitions are paused (its consumer stays in the group). What is in flight completes and is
  // committed. Resuming continues where the task was. May be called before Start().
  void SetPaused(bool paused);
  // Waits up to `timeout` until the task acts on the last SetPaused (a sink task pauses its
  // partitions on its own thread), or has ended. False on timeout.
  bool AwaitPauseApplied(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(pause_mu_);

 protected:
  explicit TaskRunner(TaskRunnerOptions options);
  // The task's metrics. Never null.
  metrics::TaskMetrics& metrics() const { return *metrics_; }
  // The plugin task started (the listener hears it, the metrics' state is running).
  void ReportRunning();
  // Turns on librdkafka's statistics for a client of this task (every
  // sluice.metrics.statistics.interval.ms, unless 0), into the task's metrics. `conf`'s opaque
  // must be this runner, as a `Runner*`.
  template <typename Runner>
  void EnableClientStatistics(rd_kafka_conf_t* conf) const {
    const int64_t interval_ms =
        absl::ToInt64Milliseconds(options_.worker->metrics_statistics_interval);
    if (interval_ms <= 0) return;
    char error[256];
    if (rd_kafka_conf_set(conf, "statistics.interval.ms", absl::StrCat(interval_ms).c_str(), error,
                          sizeof(error)) != RD_KAFKA_CONF_OK) {
      return;
    }
    rd_kafka_conf_set_stats_cb(conf, [](rd_kafka_t*, char* json, size_t size, void* opaque) {
      const TaskRunner* self = static_cast<Runner*>(opaque);
      self->metrics().RecordClientStatistics(std::string_view(json, size));
      return 0;  // librdkafka frees `json`
    });
  }
  // Starts timing `call` (the plugin was just handed it), with the connector's deadline for it.
  void ArmWatchdog(WatchedCall call);
  // The plugin answered.
  void DisarmWatchdog();
  // The task's loop, on the runner thread. OK when it ended because Stop was asked for.
  virtual absl::Status RunLoop() = 0;
  // Called by Stop (on the caller's thread) after stopping() became true.
  virtual void OnStopRequested() {}
  // Called by SetPaused (on the caller's thread) after paused() changed.
  virtual void OnPausedChanged() {}
  // The runner now acts as `paused` says (AwaitPauseApplied).
  void PauseApplied(bool paused) ABSL_LOCKS_EXCLUDED(pause_mu_);
  bool stopping() const { return stopping_.load(); }
  bool paused() const { return paused_.load(); }
  // Derived destructors call this first, so the thread never runs into a half-destroyed object.
  void StopAndJoin();
  // The settings of this task's `type` client, as Kafka Connect's Worker makes them. First the
  // connector's overrides of that client are checked against the worker's
  // connector.client.config.override.policy: FailedPrecondition, with the trace Kafka Connect
  // gives ("org.apache.kafka.connect.errors.ConnectException: Client Config Overrides not
  // allowed [...]"), when it refuses one. Then `defaults` (Kafka Connect's settings for the
  // client, in librdkafka's names), the worker's Java settings for the client (producer.* /
  // consumer.* / admin.*, in `worker`) and the connector's (producer.override.* / ...) are
  // layered and translated to librdkafka (kafka::ConnectorClientSettings); settings librdkafka
  // has no use for are logged. InvalidArgument naming the client for a setting that does not
  // translate.
  absl::StatusOr<kafka::ClientSettings> ClientSettingsFor(kafka::ClientType type,
                                                          ConfigMap defaults,
                                                          const ConfigMap& worker) const;
  // The task's admin client settings: bootstrap.servers and client.id, the worker's top-level
  // keys that Kafka's admin client defines (Kafka Connect hands its admin clients the worker's
  // unprefixed settings), admin.* and admin.override.*. Errors as ClientSettingsFor's.
  absl::StatusOr<ConfigMap> AdminSettings() const;
  // Creates pipeline_ (runner thread), and admin_ when topics may need creating. `producer`:
  // the settings of the task's producers (for a dead letter queue).
  absl::Status CreatePipeline(const ConfigMap& producer);

  const TaskRunnerOptions options_;
  const config::ConnectorConfig& connector() const { return *options_.connector; }
  const std::shared_ptr<metrics::TaskMetrics> metrics_;
  std::unique_ptr<kafka::TopicAdmin> admin_;      // runner thread only; may be null
  std::unique_ptr<RecordPipeline> pipeline_;      // runner thread only
  absl::Notification stop_requested_;             // notified by Stop (ends the pipeline's retries)

 private:
  void Run();

  std::unique_ptr<TaskWatchdog::Watch> watch_;  // null without a watchdog
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> paused_{false};
  absl::Mutex pause_mu_;
  bool pause_applied_ ABSL_GUARDED_BY(pause_mu_) = false;
  absl::Notification done_;
};

// Why a plugin stream broke: the host's exit (waiting briefly for it to be reaped), or the gRPC
// status when the host is still alive.
std::string DescribeBrokenStream(plugins::PluginProcess* process, const std::string& grpc_error);

// A task stream whose plugin messages arrive as bytes, parsed by the runner (ParsePluginMessage).
// gRPC's typed Read returns false both at the end of the stream and for a message it cannot
// parse, and leaves the call open in the second case: reading bytes tells the two apart, so a
// task whose plugin sent something unreadable fails saying so, and a stream that ended gives its
// real status.
template <typename WorkerMessage>
using RawTaskStream = grpc::ClientReaderWriter<WorkerMessage, grpc::ByteBuffer>;

// Opens a task stream of the plugin protocol on `channel`; `method` is its full path, e.g.
// "/sluice.plugin.v1.Plugin/SourceTask", with static storage.
template <typename WorkerMessage>
std::unique_ptr<RawTaskStream<WorkerMessage>> OpenRawTaskStream(grpc::ChannelInterface* channel,
                                                                const char* method,
                                                                grpc::ClientContext* context) {
  return std::unique_ptr<RawTaskStream<WorkerMessage>>(
      grpc::internal::ClientReaderWriterFactory<WorkerMessage, grpc::ByteBuffer>::Create(
          channel, grpc::internal::RpcMethod(method, grpc::internal::RpcMethod::BIDI_STREAMING),
          context));
}

// Parses `bytes`, read from a task stream, into `message`. InvalidArgument when it cannot be
// read, saying why: "The plugin sent a SourcePluginMessage of N bytes that the worker cannot
// read: its messages nest ... levels deep and protobuf reads at most 100, ...".
absl::Status ParsePluginMessage(const grpc::ByteBuffer& bytes, google::protobuf::Message* message);

}  // namespace sluice::runtime

#endif  // SLUICE_SERVER_RUNTIME_TASK_RUNNER_H_
