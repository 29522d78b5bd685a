#include "plugin-host/sink_task_session.h"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "plugin-host/plugin_call.h"

namespace sluice::plugin_host {

namespace pb = ::sluice::plugin::v1;

class SinkTaskSession::Context final : public SinkTaskContext {
 public:
  Context(SinkTaskSession* session, const ConfigMap& configs)
      : session_(session), configs_(configs) {}
  const ConfigMap& configs() const override { return configs_; }
  void Pause(const std::vector<TopicPartition>& partitions) override {
    pb::SinkPluginMessage message;
    wire::TopicPartitionsToProto(partitions, message.mutable_pause()->mutable_partitions());
    session_->Write(message);
  }
  void Resume(const std::vector<TopicPartition>& partitions) override {
    pb::SinkPluginMessage message;
    wire::TopicPartitionsToProto(partitions, message.mutable_resume()->mutable_partitions());
    session_->Write(message);
  }
  void ReportErrant(const SinkRecord& record, std::string_view error) override {
    session_->WriteErrant(record, error);
  }
  void Offset(const TopicPartitionOffsets& offsets) override {
    if (offsets.empty()) return;
    if (!session_->sink_context_) {
      spdlog::warn("task {}: the task asked to rewind its consumer; this worker does not take "
                   "rewinds: ignored, consumption continues from the committed offsets",
                   session_->task_id_);
      return;
    }
    pb::SinkPluginMessage message;
    wire::TopicPartitionOffsetsToProto(offsets, message.mutable_rewind()->mutable_offsets());
    session_->Write(message);
  }
  void RequestCommit() override {
    if (!session_->sink_context_) return;  // the worker commits at its next interval
    pb::SinkPluginMessage message;
    message.mutable_commit_request();
    session_->Write(message);
  }

 private:
  SinkTaskSession* const session_;
  const ConfigMap& configs_;
};

SinkTaskSession::SinkTaskSession(const ConnectorRegistration& registration,
                                 const pb::TaskStart& start, grpc::ServerContext* context,
                                 Stream* stream)
    : registration_(registration),
      task_id_(start.task()),
      sink_context_(start.sink_context()),
      config_(start.config().begin(), start.config().end()),
      stream_(stream),
      task_context_(std::make_unique<Context>(this, config_)) {}

SinkTaskSession::~SinkTaskSession() = default;

bool SinkTaskSession::Write(const pb::SinkPluginMessage& message) {
  absl::MutexLock lock(&write_mu_);
  return stream_->Write(message);
}

void SinkTaskSession::WriteErrant(const SinkRecord& record, std::string_view error) {
  pb::SinkPluginMessage message;
  pb::ErrantRecord* errant = message.mutable_errant();
  errant->set_error(std::string(error));
  absl::MutexLock lock(&write_mu_);
  // The record's schemas are defined anew on this direction of the stream (its own encoder).
  pb::SinkBatch scratch;
  wire::SinkRecordToProto(record, errant_schemas_, &scratch);
  errant->mutable_schemas()->Swap(scratch.mutable_schemas());
  errant->mutable_record()->Swap(scratch.mutable_records(0));
  stream_->Write(message);
}

void SinkTaskSession::WriteError(const absl::Status& status) {
  pb::SinkPluginMessage message;
  pb::TaskError* error = message.mutable_error();
  error->set_message(std::string(status.message()));
  error->set_trace(TraceOf(status));
  error->set_retriable(absl::IsUnavailable(status));
  Write(message);
}

grpc::Status SinkTaskSession::Run() {
  absl::StatusOr<std::unique_ptr<SinkTask>> created =
      CallPlugin("new SinkTask", task_id_, [&] { return registration_.new_sink_task(); });
  if (created.ok() && *created == nullptr) {
    created = absl::InternalError("the plugin's task factory returned null");
  }
  absl::Status status = created.status();
  if (status.ok()) {
    task_ = *std::move(created);
    status = CallPlugin("SinkTask::Start", task_id_,
                        [&] { return task_->Start(*task_context_, config_); });
  }
  if (!status.ok()) {
    WriteError(absl::Status(status.code(), absl::StrCat("Starting task ", task_id_, " failed: ",
                                                        status.message())));
    return grpc::Status::OK;
  }
  pb::SinkPluginMessage started;
  // Every PartitionsOpened is answered with OpenDone, after the rewinds Open asked for.
  started.mutable_started()->set_open_done(sink_context_);
  Write(started);

  bool stop_received = false;
  grpc::Status end_status = grpc::Status::OK;
  pb::SinkWorkerMessage message;
  while (!stop_received && stream_->Read(&message)) {
    if (!Handle(message, &stop_received, &end_status)) break;
  }
  absl::Status stopped = CallPlugin("SinkTask::Stop", task_id_, [&] { return task_->Stop(); });
  if (!stopped.ok()) spdlog::warn("task {}: Stop failed: {}", task_id_, stopped.ToString());
  if (stop_received && end_status.ok()) {
    pb::SinkPluginMessage done;
    done.mutable_stopped();
    Write(done);
  }
  return end_status;
}

bool SinkTaskSession::Handle(const pb::SinkWorkerMessage& message, bool* stop_received,
                             grpc::Status* end_status) {
  if (message.has_stop()) {
    *stop_received = true;
    return true;
  }
  if (message.has_start()) {
    *end_status = grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                               "Start may only be the first message of a task stream");
    return false;
  }
  if (message.msg_case() == pb::SinkWorkerMessage::MSG_NOT_SET) {
    *end_status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                               "empty SinkWorkerMessage on the task stream");
    return false;
  }
  if (failed_) return true;  // a dead task waits for Stop

  absl::Status status;
  pb::SinkPluginMessage answer;
  switch (message.msg_case()) {
    case pb::SinkWorkerMessage::kOpen: {
      std::vector<TopicPartition> partitions = wire::TopicPartitionsFromProto(message.open().partitions());
      status = CallPlugin("SinkTask::Open", task_id_, [&] { return task_->Open(partitions); });
      if (status.ok() && sink_context_) answer.mutable_open_done();
      break;
    }
    case pb::SinkWorkerMessage::kClose: {
      std::vector<TopicPartition> partitions = wire::TopicPartitionsFromProto(message.close().partitions());
      status = CallPlugin("SinkTask::Close", task_id_, [&] { return task_->Close(partitions); });
      break;
    }
    case pb::SinkWorkerMessage::kPut:
      status = Put(message.put());
      if (status.ok()) answer.mutable_put_done();
      break;
    case pb::SinkWorkerMessage::kPreCommit: {
      TopicPartitionOffsets offsets =
          wire::TopicPartitionOffsetsFromProto(message.pre_commit().offsets());
      absl::StatusOr<TopicPartitionOffsets> committable = CallPlugin(
          "SinkTask::PreCommit", task_id_, [&] { return task_->PreCommit(offsets); });
      status = committable.status();
      if (status.ok()) {
        wire::TopicPartitionOffsetsToProto(*committable,
                                           answer.mutable_pre_commit_done()->mutable_offsets());
      }
      break;
    }
    default:
      break;
  }
  if (!status.ok()) {
    failed_ = true;
    WriteError(status);
  } else if (answer.msg_case() != pb::SinkPluginMessage::MSG_NOT_SET) {
    Write(answer);
  }
  return true;
}

absl::Status SinkTaskSession::Put(const pb::SinkBatch& batch) {
  if (absl::Status added = schemas_.Add(batch.schemas()); !added.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed schema in a Put batch: ", added.message()));
  }
  std::vector<SinkRecord> records;
  records.reserve(batch.records_size());
  for (const pb::SinkRecord& proto : batch.records()) {
    absl::StatusOr<SinkRecord> record = wire::SinkRecordFromProto(proto, schemas_);
    if (!record.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("malformed record ", proto.topic(), "-",
                                                     proto.partition(), "@", proto.offset(),
                                                     " in a Put batch: ", record.status().message()));
    }
    records.push_back(*std::move(record));
  }
  return CallPlugin("SinkTask::Put", task_id_, [&] { return task_->Put(std::move(records)); });
}

}  // namespace sluice::plugin_host
