#include "server/worker/connector_host.h"

#include <thread>

#include <grpcpp/grpcpp.h>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "formats/schemaless_json.h"
#include "sdk/cpp/wire/codec.h"
#include "server/runtime/sink_task_runner.h"
#include "server/runtime/source_task_runner.h"
#include "server/store/offset_records.h"
#include "sluice/plugin/v1/plugin.grpc.pb.h"

namespace sluice::worker {

namespace pb = ::sluice::plugin::v1;

namespace {

std::chrono::system_clock::time_point Deadline(absl::Duration timeout) {
  return absl::ToChronoTime(absl::Now() + timeout);
}

absl::Status ToStatus(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

// How long the host has to take the answer to a connector's offset read.
constexpr absl::Duration kOffsetsReplyTimeout = absl::Seconds(10);

// The offsets stored for connector `connector` in `offsets` (null: none) under the partitions
// `request` names, as a source task's OffsetsRequest is answered (SourceTaskRunner): each
// partition echoed, its offset unset when none is stored.
absl::StatusOr<pb::OffsetsReply> ReadOffsets(const store::OffsetStore* offsets,
                                             const std::string& connector,
                                             const pb::OffsetsRequest& request) {
  pb::OffsetsReply reply;
  reply.set_request_id(request.request_id());
  for (const pb::Value& partition_proto : request.partitions()) {
    absl::StatusOr<Value> partition = wire::ValueFromProto(partition_proto, nullptr);
    if (!partition.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "The connector asked for the offset of a malformed partition: ",
          partition.status().message()));
    }
    pb::PartitionOffset* entry = reply.add_offsets();
    *entry->mutable_partition() = partition_proto;
    if (offsets == nullptr) continue;
    const std::string key = store::EncodeOffsetKey(connector, *partition);
    std::optional<std::string> stored = offsets->Get(key);
    if (!stored.has_value()) continue;
    absl::StatusOr<Value> offset = formats::ParseSchemaless(*stored);
    if (!offset.ok()) {
      return absl::DataLossError(absl::StrCat("The stored offset for ", key,
                                              " is not valid JSON: ", offset.status().message()));
    }
    wire::ValueToProto(*offset, entry->mutable_offset());
  }
  return reply;
}

// Reads the connector's ConnectorEvents stream on its own thread, and answers the connector's
// offset reads from `offsets` on it. The destructor cancels the stream and joins the thread, so
// no callback runs after it.
class EventsReader final : public EventSubscription {
 public:
  EventsReader(pb::Plugin::Stub* stub, std::string connector, const store::OffsetStore* offsets,
               std::function<void(const ConnectorEvent&)> callback)
      : connector_(std::move(connector)), offsets_(offsets), callback_(std::move(callback)) {
    thread_ = std::thread([this, stub] { Run(stub); });
  }
  ~EventsReader() override {
    context_.TryCancel();
    thread_.join();
  }

 private:
  void Run(pb::Plugin::Stub* stub) {
    std::unique_ptr<grpc::ClientReader<pb::ConnectorEvent>> reader =
        stub->ConnectorEvents(&context_, pb::ConnectorEventsRequest());
    pb::ConnectorEvent event;
    while (reader->Read(&event)) {
      if (event.has_reconfigure()) {
        callback_({ConnectorEvent::Kind::kReconfigure, ""});
      } else if (event.has_failure()) {
        const pb::ConnectorFailure& f = event.failure();
        callback_({ConnectorEvent::Kind::kFailure,
                   f.trace().empty() ? f.message() : absl::StrCat(f.message(), "\n", f.trace())});
      } else if (event.has_offsets_request()) {
        AnswerOffsets(stub, event.offsets_request());
      }
    }
    // The host went away or the reader was cancelled; the host's exit is reported elsewhere.
    (void)reader->Finish();
  }

  // Answers one offset read. A read the worker cannot answer (a malformed partition, a corrupt
  // stored offset) is answered with no offsets and logged: the connector sees none, as a task's
  // reader would not (a task fails), but a connector has no error channel for it.
  void AnswerOffsets(pb::Plugin::Stub* stub, const pb::OffsetsRequest& request) {
    absl::StatusOr<pb::OffsetsReply> reply = ReadOffsets(offsets_, connector_, request);
    if (!reply.ok()) {
      spdlog::warn("Connector {}: offset read {}: {}", connector_, request.request_id(),
                   std::string(reply.status().message()));
      reply = pb::OffsetsReply();
      reply->set_request_id(request.request_id());
    }
    grpc::ClientContext context;
    context.set_deadline(Deadline(kOffsetsReplyTimeout));
    pb::ConnectorOffsetsResponse response;
    grpc::Status s = stub->ConnectorOffsets(&context, *reply, &response);
    // The host is gone or stuck: its exit or its own timeout is reported elsewhere.
    if (!s.ok()) {
      spdlog::warn("Connector {}: answering offset read {}: {}", connector_, request.request_id(),
                   s.error_message());
    }
  }

  const std::string connector_;
  const store::OffsetStore* const offsets_;
  std::function<void(const ConnectorEvent&)> callback_;
  grpc::ClientContext context_;
  std::thread thread_;
};

class PluginConnectorHost final : public ConnectorHost {
 public:
  PluginConnectorHost(std::string name, std::unique_ptr<plugins::PluginProcess> process)
      : name_(std::move(name)), process_(std::move(process)) {}

  absl::Status StartConnector(const std::string& class_name, const std::string& name,
                              const ConfigMap& config, absl::Duration timeout) override {
    grpc::ClientContext context;
    context.set_deadline(Deadline(timeout));
    pb::StartConnectorRequest request;
    request.set_connector_class(class_name);
    request.set_connector_name(name);
    request.mutable_config()->insert(config.begin(), config.end());
    pb::StartConnectorResponse response;
    return ToStatus(process_->stub().StartConnector(&context, request, &response));
  }

  absl::StatusOr<GeneratedTasks> TaskConfigs(int max_tasks, absl::Duration timeout) override {
    grpc::ClientContext context;
    context.set_deadline(Deadline(timeout));
    pb::TaskConfigsRequest request;
    request.set_max_tasks(max_tasks);
    pb::TaskConfigsResponse response;
    grpc::Status s = process_->stub().TaskConfigs(&context, request, &response);
    if (!s.ok()) return ToStatus(s);
    GeneratedTasks out;
    out.task_class = response.task_class();
    for (const pb::TaskConfig& t : response.tasks()) {
      out.configs.emplace_back(t.config().begin(), t.config().end());
    }
    return out;
  }

  absl::Status StopConnector(absl::Duration timeout) override {
    grpc::ClientContext context;
    context.set_deadline(Deadline(timeout));
    pb::StopConnectorResponse response;
    return ToStatus(
        process_->stub().StopConnector(&context, pb::StopConnectorRequest(), &response));
  }

  std::unique_ptr<EventSubscription> SubscribeEvents(
      std::function<void(const ConnectorEvent&)> callback, store::OffsetStore* offsets) override {
    return std::make_unique<EventsReader>(&process_->stub(), name_, offsets, std::move(callback));
  }

  std::unique_ptr<runtime::TaskRunner> NewTaskRunner(runtime::TaskRunnerOptions options,
                                                     plugins::ConnectorType type,
                                                     store::OffsetStore* offsets) override {
    options.channel = process_->channel();
    options.process = process_.get();
    if (type == plugins::ConnectorType::kSource) {
      return std::make_unique<runtime::SourceTaskRunner>(std::move(options), offsets);
    }
    return std::make_unique<runtime::SinkTaskRunner>(std::move(options));
  }

  std::optional<pid_t> Pid() const override {
    if (process_->exit_info().has_value()) return std::nullopt;
    return process_->pid();
  }

  std::optional<plugins::HostUsage> Usage() const override { return process_->Usage(); }
  std::optional<plugins::SandboxPolicy> Policy() const override { return process_->policy(); }

  std::optional<std::string> ExitDescription() const override {
    std::optional<plugins::ExitInfo> exit = process_->exit_info();
    if (!exit.has_value()) return std::nullopt;
    return exit->Describe();
  }

  void OnExit(std::function<void(const std::string&)> callback) override {
    process_->OnExit(
        [callback = std::move(callback)](const plugins::ExitInfo& exit) {
          callback(exit.Describe());
        });
  }

  void Stop(absl::Duration grace) override { process_->Stop(grace); }

 private:
  const std::string name_;  // the connector's
  const std::unique_ptr<plugins::PluginProcess> process_;
};

}  // namespace

void PluginConnectorHosts::Prestart(const plugins::ConnectorPlugin& plugin,
                                    const std::string& name, const ConfigMap& config) {
  Prestarted* entry;
  {
    absl::MutexLock lock(&mu_);
    if (prestarted_.contains(name)) return;
    auto made = std::make_unique<Prestarted>();
    made->plugin_dir = plugin.plugin_dir;
    made->config = config;
    made->limits = LimitsOf(name);
    entry = made.get();
    prestarted_[name] = std::move(made);
  }
  // Entries are removed only by Start and StopUnclaimed, which wait for `ready`.
  absl::StatusOr<std::unique_ptr<plugins::PluginProcess>> process =
      registry_->StartHost(plugin, name, config, entry->limits);
  absl::MutexLock lock(&mu_);
  entry->process = std::move(process);
  entry->ready = true;
}

void PluginConnectorHosts::StopUnclaimed() {
  std::map<std::string, std::unique_ptr<Prestarted>> unclaimed;
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](std::map<std::string, std::unique_ptr<Prestarted>>* entries) {
          for (const auto& [name, entry] : *entries) {
            if (!entry->ready) return false;
          }
          return true;
        },
        &prestarted_));
    unclaimed.swap(prestarted_);
  }
  for (auto& [name, entry] : unclaimed) {
    if (entry->process.ok()) (*entry->process)->Stop(absl::Seconds(2));
  }
}

absl::StatusOr<std::unique_ptr<ConnectorHost>> PluginConnectorHosts::Start(
    const plugins::ConnectorPlugin& plugin, const std::string& name, const ConfigMap& config) {
  const plugins::SandboxLimits limits = LimitsOf(name);
  std::unique_ptr<Prestarted> prestarted;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = prestarted_.find(name); it != prestarted_.end()) {
      Prestarted* entry = it->second.get();
      mu_.Await(absl::Condition(&entry->ready));
      prestarted = std::move(prestarted_[name]);
      prestarted_.erase(name);
    }
  }
  if (prestarted != nullptr && prestarted->process.ok()) {
    std::unique_ptr<plugins::PluginProcess>& process = *prestarted->process;
    if (prestarted->plugin_dir == plugin.plugin_dir && prestarted->limits == limits &&
        registry_->SameSandbox(plugin, prestarted->config, config) &&
        !process->exit_info().has_value()) {
      return std::make_unique<PluginConnectorHost>(name, std::move(process));
    }
    process->Stop(absl::Seconds(2));  // made for another config: not this connector's host
  }
  absl::StatusOr<std::unique_ptr<plugins::PluginProcess>> process =
      registry_->StartHost(plugin, name, config, limits);
  if (!process.ok()) return process.status();
  return std::make_unique<PluginConnectorHost>(name, *std::move(process));
}

bool PluginConnectorHosts::SameSandbox(const plugins::ConnectorPlugin& plugin,
                                       const ConfigMap& running, const ConfigMap& next) const {
  return registry_->SameSandbox(plugin, running, next);
}

}  // namespace sluice::worker
