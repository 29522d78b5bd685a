#include "server/runtime/task_runner.h"

#include <grpcpp/support/proto_buffer_reader.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "sdk/cpp/wire/nesting.h"
#include "server/convert/connect_exception.h"
#include "server/kafka/client_override_policy.h"

namespace sluice::runtime {

namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

TaskRunner::TaskRunner(TaskRunnerOptions options)
    : options_(std::move(options)),
      metrics_(options_.metrics != nullptr
                   ? options_.metrics
                   : std::make_shared<metrics::TaskMetrics>(
                         options_.id.connector, options_.id.task,
                         options_.connector != nullptr &&
                                 options_.connector->type == config::ConnectorType::kSink
                             ? metrics::TaskKind::kSink
                             : metrics::TaskKind::kSource)) {
  if (options_.watchdog != nullptr) {
    plugins::PluginProcess* process = options_.process;
    const std::string task = options_.id.ToString();
    watch_ = options_.watchdog->NewWatch(task, [process, task](const std::string& trace) {
      // Killing the host's process group ends the task's stream: the runner thread then fails
      // the task with the watch's trace (Run).
      if (process != nullptr) {
        process->Kill(trace.substr(trace.find("Task ")));
      }
    });
  }
}

void TaskRunner::ArmWatchdog(WatchedCall call) {
  if (watch_ == nullptr) return;
  const config::TaskCallDeadlines& d = connector().supervision.deadlines;
  watch_->Arm(call, call == WatchedCall::kPoll  ? d.poll
                    : call == WatchedCall::kPut ? d.put
                                                : d.flush);
}

void TaskRunner::DisarmWatchdog() {
  if (watch_ != nullptr) watch_->Disarm();
}

TaskRunner::~TaskRunner() { StopAndJoin(); }

void TaskRunner::ReportRunning() {
  metrics_->ChangeState(paused() ? metrics::TaskState::kPaused : metrics::TaskState::kRunning);
  options_.listener->OnTaskRunning(options_.id);
}

void TaskRunner::StopAndJoin() {
  if (!thread_.joinable()) return;
  Stop(absl::ZeroDuration());
  thread_.join();
}

void TaskRunner::Start() { thread_ = std::thread([this] { Run(); }); }

bool TaskRunner::Stop(absl::Duration timeout) {
  stopping_ = true;
  if (!stop_requested_.HasBeenNotified()) stop_requested_.Notify();
  OnStopRequested();
  return done_.WaitForNotificationWithTimeout(timeout);
}

void TaskRunner::SetPaused(bool paused) {
  if (paused_.exchange(paused) != paused) {
    // Kafka Connect's task metrics follow the task's own state: running or paused once started.
    const metrics::TaskState state = metrics_->state();
    if (state == metrics::TaskState::kRunning || state == metrics::TaskState::kPaused) {
      metrics_->ChangeState(paused ? metrics::TaskState::kPaused : metrics::TaskState::kRunning);
    }
    OnPausedChanged();
  }
}

void TaskRunner::PauseApplied(bool paused) {
  absl::MutexLock lock(&pause_mu_);
  pause_applied_ = paused;
}

bool TaskRunner::AwaitPauseApplied(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&pause_mu_);
  auto applied = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(pause_mu_) {
    return pause_applied_ == paused() || done_.HasBeenNotified();
  };
  while (!applied()) {
    // done_ is a Notification, not guarded by pause_mu_: re-check it every few milliseconds.
    if (pause_mu_.AwaitWithDeadline(absl::Condition(&applied),
                                    std::min(deadline, absl::Now() + absl::Milliseconds(20)))) {
      return true;
    }
    if (absl::Now() >= deadline) return applied();
  }
  return true;
}

void TaskRunner::Join() {
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<kafka::ClientSettings> TaskRunner::ClientSettingsFor(
    kafka::ClientType type, ConfigMap defaults, const ConfigMap& worker) const {
  const std::string task = options_.id.ToString();
  const std::string_view client = kafka::ClientTypeName(type);
  absl::Status allowed = kafka::CheckClientOverrides(
      type, options_.worker->client_override_policy, connector().raw);
  if (!allowed.ok()) {
    return absl::FailedPreconditionError(convert::JavaExceptionText(allowed));
  }
  const ConfigMap& overrides = type == kafka::ClientType::kProducer ? connector().producer_overrides
                               : type == kafka::ClientType::kConsumer
                                   ? connector().consumer_overrides
                                   : connector().admin_overrides;
  absl::StatusOr<kafka::ClientSettings> settings =
      kafka::ConnectorClientSettings(type, std::move(defaults), worker, overrides);
  if (!settings.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid ", Av(client),
                                                   " settings for task ", task, ": ",
                                                   settings.status().message()));
  }
  for (const kafka::IgnoredClientSetting& ignored : settings->ignored) {
    spdlog::warn("Task {}: the {} setting {} is ignored: {}", task, client, ignored.key,
                 ignored.reason);
  }
  return settings;
}

absl::StatusOr<ConfigMap> TaskRunner::AdminSettings() const {
  // Worker.adminConfigs: the worker's settings that are not producer.*, consumer.* or admin.*
  // reach the admin client too; of those, Sluice keeps the ones Kafka's admin client defines
  // (the rest are worker settings, which the Java admin client ignores).
  const ConfigDef& admin = kafka::JavaClientConfigDef(kafka::ClientType::kAdmin);
  ConfigMap worker;
  for (const auto& [key, value] : options_.worker->raw) {
    if (absl::StartsWith(key, "admin.") || absl::StartsWith(key, "producer.") ||
        absl::StartsWith(key, "consumer.") || key == "bootstrap.servers" ||
        admin.Find(key) == nullptr) {
      continue;
    }
    worker[key] = value;
  }
  for (const auto& [key, value] : options_.worker->admin_overrides) worker[key] = value;
  absl::StatusOr<kafka::ClientSettings> settings = ClientSettingsFor(
      kafka::ClientType::kAdmin,
      {{"bootstrap.servers", options_.bootstrap_servers},
       {"client.id", absl::StrCat("connector-adminclient-", options_.id.ToString())}},
      worker);
  if (!settings.ok()) return settings.status();
  return std::move(settings->librdkafka);
}

absl::Status TaskRunner::CreatePipeline(const ConfigMap& producer) {
  const bool needs_admin = !connector().errors.dlq_topic.empty() ||
                           !connector().topic_creation.empty();
  if (needs_admin) {
    absl::StatusOr<ConfigMap> settings = AdminSettings();
    if (!settings.ok()) return settings.status();
    if (options_.topic_admin_factory) {
      absl::StatusOr<std::unique_ptr<kafka::TopicAdmin>> admin =
          options_.topic_admin_factory(*settings);
      if (!admin.ok()) return admin.status();
      admin_ = *std::move(admin);
    }
  }
  RecordPipeline::Options o;
  o.connector = options_.id.connector;
  o.task = options_.id.task;
  o.connector_config = options_.connector.get();
  o.worker = options_.worker;
  o.dlq_producer_settings = producer;
  o.dlq_admin = admin_.get();
  o.stop = &stop_requested_;
  o.retry_sleeper = options_.retry_sleeper;
  o.metrics = metrics_.get();
  absl::StatusOr<std::unique_ptr<RecordPipeline>> pipeline = RecordPipeline::Create(std::move(o));
  if (!pipeline.ok()) {
    // A trace's first line is the exception, as in Kafka Connect's; the task goes below it.
    const absl::string_view message = pipeline.status().message();
    const size_t end = std::min(message.find('\n'), message.size());
    return absl::Status(pipeline.status().code(),
                        absl::StrCat(message.substr(0, end), "\n\tStarting task ",
                                     options_.id.ToString(), message.substr(end)));
  }
  pipeline_ = *std::move(pipeline);
  return absl::OkStatus();
}

void TaskRunner::Run() {
  absl::Status status = RunLoop();
  if (!status.ok() && watch_ != nullptr) {
    // The broken stream was the watchdog's doing: say so, rather than "killed by signal 9".
    if (std::optional<std::string> trace = watch_->fired()) {
      status = absl::DeadlineExceededError(*trace);
    }
  }
  // The task is over: a call it left outstanding must not kill the host later.
  DisarmWatchdog();
  if (status.ok()) {
    options_.listener->OnTaskStopped(options_.id);
  } else {
    spdlog::error("Task {} failed: {}", options_.id.ToString(), std::string(status.message()));
    metrics_->ChangeState(metrics::TaskState::kFailed);
    options_.listener->OnTaskFailed(options_.id, std::string(status.message()));
  }
  done_.Notify();
}

std::string DescribeBrokenStream(plugins::PluginProcess* process, const std::string& grpc_error) {
  if (process != nullptr) {
    // The stream usually breaks a moment before the host is reaped.
    std::optional<plugins::ExitInfo> exit = process->WaitForExit(absl::Seconds(3));
    if (exit.has_value()) return exit->Describe();
  }
  return absl::StrCat("The stream to the plugin host broke: ", grpc_error);
}

absl::Status ParsePluginMessage(const grpc::ByteBuffer& bytes, google::protobuf::Message* message) {
  grpc::ByteBuffer copy(bytes);  // ProtoBufferReader wants a mutable buffer; this shares slices
  {
    grpc::ProtoBufferReader reader(&copy);
    if (reader.status().ok() && message->ParseFromZeroCopyStream(&reader)) return absl::OkStatus();
  }
  std::vector<grpc::Slice> slices;
  std::string flat;
  if (bytes.Dump(&slices).ok()) {
    flat.reserve(bytes.Length());
    for (const grpc::Slice& slice : slices) {
      flat.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "The plugin sent a ", message->GetDescriptor()->name(), " of ", bytes.Length(),
      " bytes that the worker cannot read: ",
      wire::DescribeUnreadableMessage(*message->GetDescriptor(), flat)));
}

}  // namespace sluice::runtime
