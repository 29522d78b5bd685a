#include "plugin-host/source_task_session.h"

#include <google/protobuf/arena.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "plugin-host/plugin_call.h"

namespace sluice::plugin_host {

namespace pb = ::sluice::plugin::v1;

class SourceTaskSession::Context final : public SourceTaskContext, public OffsetStorageReader {
 public:
  Context(SourceTaskSession* session, const ConfigMap& configs)
      : session_(session), configs_(configs) {}
  OffsetStorageReader& offset_storage_reader() override { return *this; }
  const ConfigMap& configs() const override { return configs_; }
  absl::StatusOr<std::optional<Value>> Offset(const Value& partition) override {
    return session_->ReadOffset(partition);
  }

 private:
  SourceTaskSession* const session_;
  const ConfigMap& configs_;
};

SourceTaskSession::SourceTaskSession(const ConnectorRegistration& registration,
                                     const pb::TaskStart& start, grpc::ServerContext* context,
                                     Stream* stream)
    : registration_(registration),
      task_id_(start.task()),
      config_(start.config().begin(), start.config().end()),
      context_(context),
      stream_(stream),
      task_context_(std::make_unique<Context>(this, config_)) {}

SourceTaskSession::~SourceTaskSession() {
  if (task_thread_.joinable()) task_thread_.join();
}

bool SourceTaskSession::Write(const pb::SourcePluginMessage& message) {
  absl::MutexLock lock(&write_mu_);
  return stream_->Write(message);
}

void SourceTaskSession::WriteError(const absl::Status& status) {
  pb::SourcePluginMessage message;
  pb::TaskError* error = message.mutable_error();
  error->set_message(std::string(status.message()));
  error->set_trace(TraceOf(status));
  error->set_retriable(absl::IsUnavailable(status));
  Write(message);
}

grpc::Status SourceTaskSession::Run() {
  task_thread_ = std::thread([this] { TaskLoop(); });

  // While the task starts, read only what its offset reads need.
  bool stop_received = false;
  bool closed = false;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return start_done_ || (!pending_offsets_.empty() && !offsets_closed_);
      };
      mu_.Await(absl::Condition(&ready));
      if (start_done_) break;
    }
    pb::SourceWorkerMessage message;
    if (!stream_->Read(&message)) {
      closed = true;
      absl::MutexLock lock(&mu_);
      offsets_closed_ = true;
      mu_.Await(absl::Condition(&start_done_));
      break;
    }
    grpc::Status end_status;
    if (message.has_stop()) {
      stop_received = true;
      absl::MutexLock lock(&mu_);
      offsets_closed_ = true;
      continue;
    }
    if (!Dispatch(message, &stop_received, &end_status)) {
      StopTask();
      return end_status;
    }
  }

  bool started_ok;
  {
    absl::MutexLock lock(&mu_);
    started_ok = started_ok_;
  }
  if (!started_ok) {
    task_thread_.join();  // TaskError was sent; the task thread has ended
    return grpc::Status::OK;
  }

  grpc::Status end_status = grpc::Status::OK;
  if (!stop_received && !closed) {
    pb::SourceWorkerMessage message;
    while (stream_->Read(&message)) {
      if (!Dispatch(message, &stop_received, &end_status) || stop_received) break;
    }
  }
  StopTask();
  if (stop_received && end_status.ok()) {
    pb::SourcePluginMessage stopped;
    stopped.mutable_stopped();
    Write(stopped);
  }
  return end_status;
}

bool SourceTaskSession::Dispatch(const pb::SourceWorkerMessage& message, bool* stop_received,
                                 grpc::Status* end_status) {
  switch (message.msg_case()) {
    case pb::SourceWorkerMessage::kPoll: {
      absl::MutexLock lock(&mu_);
      commands_.push_back(Command{.kind = Command::Kind::kPoll, .poll = message.poll(), .up_to = 0});
      return true;
    }
    case pb::SourceWorkerMessage::kCommitted: {
      absl::MutexLock lock(&mu_);
      commands_.push_back(Command{.kind = Command::Kind::kCommitted,
                                  .poll = {},
                                  .up_to = message.committed().up_to_record_id()});
      return true;
    }
    case pb::SourceWorkerMessage::kOffsetsReply:
      DeliverOffsetsReply(message.offsets_reply());
      return true;
    case pb::SourceWorkerMessage::kStop:
      *stop_received = true;
      return true;
    case pb::SourceWorkerMessage::kStart:
      *end_status = grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                 "Start may only be the first message of a task stream");
      return false;
    case pb::SourceWorkerMessage::MSG_NOT_SET:
      break;
  }
  *end_status = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                             "empty SourceWorkerMessage on the task stream");
  return false;
}

void SourceTaskSession::DeliverOffsetsReply(const pb::OffsetsReply& reply) {
  absl::MutexLock lock(&mu_);
  auto it = pending_offsets_.find(reply.request_id());
  if (it == pending_offsets_.end()) {
    spdlog::warn("task {}: OffsetsReply for unknown request {} ignored", task_id_,
                 reply.request_id());
    return;
  }
  it->second = reply;
}

void SourceTaskSession::StopTask() {
  SourceTask* task = nullptr;
  bool started_ok;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    offsets_closed_ = true;
    // Wait for a Start still running (its offset reads now fail at once).
    mu_.Await(absl::Condition(&start_done_));
    started_ok = started_ok_;
    task = task_.get();
  }
  if (started_ok && task != nullptr) {
    absl::Status stopped = CallPlugin("SourceTask::Stop", task_id_, [&] { return task->Stop(); });
    if (!stopped.ok()) spdlog::warn("task {}: Stop failed: {}", task_id_, stopped.ToString());
  }
  if (task_thread_.joinable()) task_thread_.join();
}

absl::StatusOr<std::optional<Value>> SourceTaskSession::ReadOffset(const Value& partition) {
  uint64_t id;
  {
    absl::MutexLock lock(&mu_);
    if (offsets_closed_) {
      return absl::UnavailableError("cannot read offsets: the task stream is closing");
    }
    id = next_request_id_++;
    pending_offsets_.emplace(id, std::nullopt);
  }
  pb::SourcePluginMessage request;
  request.mutable_offsets_request()->set_request_id(id);
  wire::ValueToProto(partition, request.mutable_offsets_request()->add_partitions());
  Write(request);

  std::optional<pb::OffsetsReply> reply;
  bool starting;
  {
    absl::MutexLock lock(&mu_);
    auto answered = [this, id]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return offsets_closed_ || pending_offsets_.at(id).has_value();
    };
    mu_.AwaitWithTimeout(absl::Condition(&answered), kOffsetsTimeout);
    reply = std::move(pending_offsets_.at(id));
    pending_offsets_.erase(id);
    starting = !start_done_;
  }
  if (!reply.has_value()) {
    // During Start the reader thread is blocked in Read for this reply; only cancelling the
    // stream frees it. A worker that does not answer for so long has lost the stream anyway.
    if (starting) context_->TryCancel();
    return absl::UnavailableError(absl::StrCat(
        "no answer from the worker to offsets request ", id, " within ",
        absl::FormatDuration(kOffsetsTimeout)));
  }
  for (const pb::PartitionOffset& entry : reply->offsets()) {
    absl::StatusOr<Value> returned = wire::ValueFromProto(entry.partition(), nullptr);
    if (!returned.ok() || *returned != partition) continue;
    if (!entry.has_offset()) return std::nullopt;
    absl::StatusOr<Value> offset = wire::ValueFromProto(entry.offset(), nullptr);
    if (!offset.ok()) {
      return absl::InternalError(
          absl::StrCat("malformed offset from the worker: ", offset.status().message()));
    }
    if (offset->is_null()) return std::nullopt;
    return std::optional<Value>(*std::move(offset));
  }
  // A single-partition request: accept a reply that does not echo the partition back.
  if (reply->offsets_size() == 1 && !reply->offsets(0).has_partition()) {
    if (!reply->offsets(0).has_offset()) return std::nullopt;
    absl::StatusOr<Value> offset = wire::ValueFromProto(reply->offsets(0).offset(), nullptr);
    if (!offset.ok()) return offset.status();
    if (offset->is_null()) return std::nullopt;
    return std::optional<Value>(*std::move(offset));
  }
  return std::nullopt;
}

void SourceTaskSession::TaskLoop() {
  std::unique_ptr<SourceTask> task;
  absl::StatusOr<std::unique_ptr<SourceTask>> created =
      CallPlugin("new SourceTask", task_id_, [&] { return registration_.new_source_task(); });
  if (created.ok() && *created == nullptr) {
    created = absl::InternalError("the plugin's task factory returned null");
  }
  absl::Status status = created.status();
  if (status.ok()) {
    task = *std::move(created);
    SourceTask* raw = task.get();
    status = CallPlugin("SourceTask::Start", task_id_,
                        [&] { return raw->Start(*task_context_, config_); });
  }
  if (status.ok()) {
    pb::SourcePluginMessage message;
    message.mutable_started();
    Write(message);
  } else {
    WriteError(absl::Status(status.code(), absl::StrCat("Starting task ", task_id_, " failed: ",
                                                        status.message())));
  }
  {
    absl::MutexLock lock(&mu_);
    task_ = std::move(task);
    start_done_ = true;
    started_ok_ = status.ok();
  }
  if (!status.ok()) return;

  while (true) {
    Command command;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !commands_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      command = std::move(commands_.front());
      commands_.pop_front();
    }
    switch (command.kind) {
      case Command::Kind::kPoll:
        HandlePoll(command.poll);
        break;
      case Command::Kind::kCommitted:
        HandleCommitted(command.up_to);
        break;
    }
  }
}

namespace {

// What a record adds to a batch on the wire, for Poll's max_bytes: the key's and value's bytes
// for strings and bytes (by far the common case, counted without walking the proto again),
// the proto's own count for anything else.
size_t DataBytes(const Value& value, const pb::Data& proto) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kString:
      return value.string().size() + 8;
    case Value::Kind::kBytes:
      return value.bytes().size() + 8;
    default:
      return proto.ByteSizeLong();
  }
}

size_t HeaderBytes(const pb::SourceRecord& proto) {
  size_t bytes = 0;
  for (const pb::Header& header : proto.headers()) bytes += header.ByteSizeLong();
  return bytes;
}

size_t EstimatedBytes(const SourceRecord& record, const pb::SourceRecord& proto) {
  return 32 + record.topic.size() + DataBytes(record.key, proto.key()) +
         DataBytes(record.value, proto.value()) +
         HeaderBytes(proto);
}

}  // namespace

void SourceTaskSession::HandlePoll(const pb::Poll& poll) {
  if (failed_) return;
  SourceTask* task;
  {
    absl::MutexLock lock(&mu_);
    task = task_.get();
  }
  if (kept_next_ == kept_.size() && poll.max_records() > 0) {
    absl::StatusOr<std::vector<SourceRecord>> polled =
        CallPlugin("SourceTask::Poll", task_id_, [&] { return task->Poll(); });
    if (!polled.ok()) {
      failed_ = true;
      WriteError(polled.status());
      return;
    }
    kept_ = *std::move(polled);
    kept_next_ = 0;
  }
  // The batch is built in an arena: thousands of small messages, allocated and freed at once.
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 256 << 10;
  arena_options.max_block_size = 4 << 20;
  google::protobuf::Arena arena(arena_options);
  auto& message = *google::protobuf::Arena::CreateMessage<pb::SourcePluginMessage>(&arena);
  pb::SourceBatch* batch = message.mutable_batch();
  size_t bytes = 0;
  const SourceRecord* previous = nullptr;
  while (kept_next_ < kept_.size() &&
         static_cast<uint32_t>(batch->records_size()) < poll.max_records()) {
    if (poll.max_bytes() > 0 && batch->records_size() > 0 && bytes >= poll.max_bytes()) break;
    uint64_t id = next_record_id_++;
    SourceRecord& record = kept_[kept_next_];
    wire::SourceRecordToProto(record, id, schemas_, batch, previous);
    bytes += EstimatedBytes(record, batch->records(batch->records_size() - 1));
    unacked_.emplace_back(id, std::move(record));
    previous = &unacked_.back().second;
    ++kept_next_;
  }
  if (kept_next_ == kept_.size()) {
    // All handed out: release the plugin's vector.
    std::vector<SourceRecord>().swap(kept_);
    kept_next_ = 0;
  }
  Write(message);
}

void SourceTaskSession::HandleCommitted(uint64_t up_to) {
  if (failed_) return;
  SourceTask* task;
  {
    absl::MutexLock lock(&mu_);
    task = task_.get();
  }
  bool any = false;
  while (!unacked_.empty() && unacked_.front().first <= up_to) {
    const SourceRecord& record = unacked_.front().second;
    absl::Status status = CallPlugin("SourceTask::CommitRecord", task_id_,
                                     [&] { return task->CommitRecord(record); });
    if (!status.ok()) {
      spdlog::error("task {}: CommitRecord failed: {}", task_id_, status.ToString());
    }
    unacked_.pop_front();
    any = true;
  }
  if (!any) return;
  absl::Status status = CallPlugin("SourceTask::Commit", task_id_, [&] { return task->Commit(); });
  if (!status.ok()) spdlog::error("task {}: Commit failed: {}", task_id_, status.ToString());
}

}  // namespace sluice::plugin_host
