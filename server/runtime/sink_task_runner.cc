#include "server/runtime/sink_task_runner.h"

#include <algorithm>

#include <google/protobuf/arena.h>
#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "sdk/cpp/wire/nesting.h"
#include "server/kafka/errors.h"

namespace sluice::runtime {

namespace pb = ::sluice::plugin::v1;

namespace {

constexpr int kPollTimeoutMs = 200;
// The most a rewind (a consumer seek) may take.
constexpr int kSeekTimeoutMs = 10000;

std::vector<TopicPartition> ToPartitions(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  for (int i = 0; i < list->cnt; ++i) out.push_back({list->elems[i].topic, list->elems[i].partition});
  return out;
}

}  // namespace

namespace {

google::protobuf::ArenaOptions BatchArenaOptions() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 1 << 20;
  options.max_block_size = 8 << 20;
  return options;
}

}  // namespace

SinkTaskRunner::SinkTaskRunner(TaskRunnerOptions options)
    : TaskRunner(std::move(options)), arena_(BatchArenaOptions()) {}

SinkTaskRunner::~SinkTaskRunner() { StopAndJoin(); }

absl::Status SinkTaskRunner::Send(const pb::SinkWorkerMessage& message) {
  if (!stream_->Write(message)) return BrokenStream(/*cancel=*/true);
  return absl::OkStatus();
}

absl::Status SinkTaskRunner::BrokenStream(bool cancel) {
  if (cancel) context_->TryCancel();
  grpc::Status finished = stream_->Finish();
  return absl::UnavailableError(DescribeBrokenStream(options_.process, finished.error_message()));
}

absl::Status SinkTaskRunner::HandleErrant(const pb::ErrantRecord& errant) {
  if (absl::Status s = errant_schemas_.Add(errant.schemas()); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("The plugin reported an errant record with a malformed schema: ", s.message()));
  }
  const pb::SinkRecord& sent = errant.record();
  if (put_batch_ != nullptr) {
    for (int i = 0; i < put_batch_->records_size(); ++i) {
      const pb::SinkRecord& r = put_batch_->records(i);
      if (r.offset() == sent.offset() && r.partition() == sent.partition() &&
          r.topic() == sent.topic()) {
        return pipeline_->ReportErrant(*batch_originals_[static_cast<size_t>(i)], errant.error());
      }
    }
  }
  absl::StatusOr<SinkRecord> record = wire::SinkRecordFromProto(sent, errant_schemas_);
  if (!record.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "The plugin reported a malformed errant record: ", record.status().message()));
  }
  spdlog::warn("Task {}: the errant record {}-{}@{} is not in the batch being put; its bytes are "
               "rebuilt with the task's converters for the dead letter queue",
               options_.id.ToString(), sent.topic(), sent.partition(), sent.offset());
  return pipeline_->ReportErrant(*record, errant.error());
}

absl::StatusOr<pb::SinkPluginMessage> SinkTaskRunner::Await(pb::SinkPluginMessage::MsgCase wanted) {
  pb::SinkPluginMessage message;
  grpc::ByteBuffer bytes;
  while (true) {
    if (!stream_->Read(&bytes)) return BrokenStream(/*cancel=*/false);
    message.Clear();
    if (absl::Status s = ParsePluginMessage(bytes, &message); !s.ok()) {
      (void)BrokenStream(/*cancel=*/true);
      return s;
    }
    if (message.msg_case() == wanted) return message;
    switch (message.msg_case()) {
      case pb::SinkPluginMessage::kError:
        return absl::InternalError(message.error().trace().empty()
                                       ? message.error().message()
                                       : absl::StrCat(message.error().message(), "\n",
                                                      message.error().trace()));
      case pb::SinkPluginMessage::kPause:
      case pb::SinkPluginMessage::kResume: {
        const auto& parts = message.has_pause() ? message.pause().partitions()
                                                : message.resume().partitions();
        std::vector<TopicPartition> partitions;
        for (const pb::TopicPartition& tp : parts) {
          partitions.push_back({tp.topic(), tp.partition()});
          if (message.has_pause()) {
            plugin_paused_.insert(partitions.back());
          } else {
            plugin_paused_.erase(partitions.back());
          }
        }
        // While the task is paused every partition stays paused; the plugin's wishes apply
        // when it resumes.
        if (!consumer_paused_) SetConsumption(partitions, message.has_pause());
        break;
      }
      case pb::SinkPluginMessage::kErrant:
        if (absl::Status s = HandleErrant(message.errant()); !s.ok()) return s;
        break;
      case pb::SinkPluginMessage::kRewind:
        // WorkerSinkTaskContext.offset(): remembered (later ones win), applied before the next
        // poll or, asked in open(), when the partitions are assigned.
        for (const pb::TopicPartitionOffset& o : message.rewind().offsets()) {
          pending_rewind_[TopicPartition{o.topic(), o.partition()}] = o.offset();
        }
        break;
      case pb::SinkPluginMessage::kCommitRequest:
        commit_requested_ = true;
        break;
      default:
        return absl::InternalError(absl::StrCat("The plugin sent an unexpected message (case ",
                                                message.msg_case(), ")"));
    }
  }
}

absl::Status SinkTaskRunner::Commit() {
  const absl::Time start = absl::Now();
  last_commit_ = start;
  if (consumed_.empty()) return absl::OkStatus();
  metrics().RecordOffsetSequenceNumber(++commit_seq_no_);
  pb::SinkWorkerMessage pre_commit;
  wire::TopicPartitionOffsetsToProto(consumed_, pre_commit.mutable_pre_commit()->mutable_offsets());
  ArmWatchdog(WatchedCall::kFlush);
  if (absl::Status s = Send(pre_commit); !s.ok()) return s;
  absl::StatusOr<pb::SinkPluginMessage> done = Await(pb::SinkPluginMessage::kPreCommitDone);
  DisarmWatchdog();
  if (!done.ok()) return done.status();
  TopicPartitionOffsets committable =
      wire::TopicPartitionOffsetsFromProto(done->pre_commit_done().offsets());
  if (committable.empty()) return absl::OkStatus();
  // Records sent to the dead letter queue are done only once their copies are durable.
  if (absl::Status s = pipeline_->FlushReports(options_.worker->offset_flush_timeout); !s.ok()) {
    return s;
  }
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(committable.size()));
  for (const auto& [tp, offset] : committable) {
    // Only what this task was handed: a plugin cannot commit beyond it.
    auto it = consumed_.find(tp);
    if (it == consumed_.end()) continue;
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset =
        std::min(offset, it->second);
  }
  rd_kafka_resp_err_t err = list->cnt > 0 ? rd_kafka_commit(consumer_.get(), list, /*async=*/0)
                                          : RD_KAFKA_RESP_ERR_NO_ERROR;
  // A failed commit is retried at the next interval; the records are safe in Kafka (and are
  // delivered again if the partition moves first: at least once).
  const int64_t commit_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    spdlog::warn("Task {}: {}", options_.id.ToString(),
                 std::string(kafka::ToStatus(err, "Committing consumer offsets").message()));
    metrics().RecordCommit(false, commit_ms);
  } else {
    // Commits are synchronous here: each completes in turn, none is ever skipped as late.
    metrics().RecordCommit(true, commit_ms);
    metrics().RecordOffsetCommitCompletion();
    uncommitted_records_ = 0;
    metrics().RecordActiveCount(0);
    // The broker answers each partition on its own.
    for (int i = 0; i < list->cnt; ++i) {
      const rd_kafka_topic_partition_t& p = list->elems[i];
      if (p.err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      spdlog::warn("Task {}: {}", options_.id.ToString(),
                   std::string(kafka::ToStatus(p.err, absl::StrCat("Committing the offset of ",
                                                                   p.topic, "-", p.partition))
                                   .message()));
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return absl::OkStatus();
}

absl::Status SinkTaskRunner::Rewind() {
  if (pending_rewind_.empty()) return absl::OkStatus();
  TopicPartitionOffsets rewind;
  rewind.swap(pending_rewind_);
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(rewind.size()));
  for (const auto& [tp, offset] : rewind) {
    if (std::find(assigned_.begin(), assigned_.end(), tp) == assigned_.end()) {
      rd_kafka_topic_partition_list_destroy(list);
      // KafkaConsumer.seek's IllegalStateException, which fails the task in Kafka Connect.
      return absl::FailedPreconditionError(absl::StrCat(
          "The task asked to rewind ", tp.topic, "-", tp.partition, " to offset ", offset,
          " (SinkTaskContext.offset), but the partition is not assigned to it: No current "
          "assignment for partition ", tp.topic, "-", tp.partition));
    }
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_error_t* error = rd_kafka_seek_partitions(consumer_.get(), list, kSeekTimeoutMs);
  absl::Status result = absl::OkStatus();
  if (error != nullptr) {
    result = absl::InternalError(
        absl::StrCat("Rewinding the consumer: ", rd_kafka_error_string(error)));
    rd_kafka_error_destroy(error);
  }
  for (int i = 0; result.ok() && i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    if (p.err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    result = kafka::ToStatus(
        p.err, absl::StrCat("Rewinding ", p.topic, "-", p.partition, " to offset ", p.offset));
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (!result.ok()) return result;
  for (const auto& [tp, offset] : rewind) {
    // Fetched from the old position: the partition is read again from `offset`.
    DropFetched(tp);
    consumed_[tp] = offset;
    spdlog::info("Task {}: rewound {}-{} to offset {}", options_.id.ToString(), tp.topic,
                 tp.partition, offset);
  }
  return absl::OkStatus();
}

void SinkTaskRunner::SetConsumption(const std::vector<TopicPartition>& partitions, bool paused) {
  if (partitions.empty()) return;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (const TopicPartition& tp : partitions) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition);
  }
  rd_kafka_resp_err_t err = paused ? rd_kafka_pause_partitions(consumer_.get(), list)
                                   : rd_kafka_resume_partitions(consumer_.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("Task {}: {}", options_.id.ToString(),
                 std::string(kafka::ToStatus(err, paused ? "Pausing partitions"
                                                         : "Resuming partitions").message()));
  }
}

void SinkTaskRunner::DropFetched(const TopicPartition& tp) {
  for (std::vector<rd_kafka_message_t*>* messages : {&held_, &polled_}) {
    auto kept = std::remove_if(messages->begin(), messages->end(), [&](rd_kafka_message_t* m) {
      if (m->partition != tp.partition || tp.topic != rd_kafka_topic_name(m->rkt)) return false;
      rd_kafka_message_destroy(m);
      return true;
    });
    messages->erase(kept, messages->end());
  }
}

void SinkTaskRunner::ApplyTargetState() {
  const bool want = paused();
  if (want == consumer_paused_) return;
  consumer_paused_ = want;
  PauseApplied(want);
  if (want) {
    SetConsumption(assigned_, true);
    return;
  }
  std::vector<TopicPartition> resume;
  for (const TopicPartition& tp : assigned_) {
    if (!plugin_paused_.contains(tp)) resume.push_back(tp);
  }
  SetConsumption(resume, false);
}

void SinkTaskRunner::RebalanceCallback(rd_kafka_t*, rd_kafka_resp_err_t err,
                                       rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<SinkTaskRunner*>(opaque);
  absl::Status s = self->OnRebalance(err, partitions);
  if (!s.ok() && self->callback_error_.ok()) self->callback_error_ = s;
}

void SinkTaskRunner::Assigned(const std::vector<TopicPartition>& opened) {
  for (const TopicPartition& tp : opened) {
    assigned_.push_back(tp);
    options_.listener->OnTopicUsed(options_.id, tp.topic);
  }
  if (consumer_paused_) {
    SetConsumption(opened, true);
  } else {
    // Paused by the task before they were assigned (in open(), while the worker waited for
    // OpenDone): Kafka Connect pauses them once assigned.
    std::vector<TopicPartition> paused;
    for (const TopicPartition& tp : opened) {
      if (plugin_paused_.contains(tp)) paused.push_back(tp);
    }
    SetConsumption(paused, true);
  }
  metrics().RecordPartitionCount(static_cast<int64_t>(assigned_.size()));
}

absl::Status SinkTaskRunner::OnRebalance(rd_kafka_resp_err_t err,
                                         rd_kafka_topic_partition_list_t* partitions) {
  if (closing_) {
    rd_kafka_assign(consumer_.get(), nullptr);
    return absl::OkStatus();
  }
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    std::vector<TopicPartition> opened = ToPartitions(partitions);
    pb::SinkWorkerMessage open;
    wire::TopicPartitionsToProto(opened, open.mutable_open()->mutable_partitions());
    if (!open_done_) {
      rd_kafka_assign(consumer_.get(), partitions);
      Assigned(opened);
      return Send(open);
    }
    // Kafka Connect's onPartitionsAssigned: open(), then the rewinds the task asked for, before
    // anything is fetched. The partitions are assigned at the offsets the task chose (the others
    // at their committed ones).
    absl::Status s = Send(open);
    if (s.ok()) s = Await(pb::SinkPluginMessage::kOpenDone).status();
    if (!s.ok()) {
      rd_kafka_assign(consumer_.get(), partitions);
      Assigned(opened);
      return s;
    }
    for (int i = 0; i < partitions->cnt; ++i) {
      rd_kafka_topic_partition_t& p = partitions->elems[i];
      auto it = pending_rewind_.find(TopicPartition{p.topic, p.partition});
      if (it == pending_rewind_.end()) continue;
      p.offset = it->second;
      consumed_[it->first] = it->second;
      spdlog::info("Task {}: {}-{} starts at offset {}, as the task asked in open()",
                   options_.id.ToString(), p.topic, p.partition, p.offset);
      pending_rewind_.erase(it);
    }
    rd_kafka_assign(consumer_.get(), partitions);
    Assigned(opened);
    // Rewinds of partitions assigned earlier are applied before the next poll.
    return absl::OkStatus();
  }
  // Revoked (or lost): flush and commit what the plugin has, then close those partitions.
  absl::Status committed = Commit();
  std::vector<TopicPartition> closed = ToPartitions(partitions);
  for (const TopicPartition& tp : closed) {
    consumed_.erase(tp);
    plugin_paused_.erase(tp);
    // Fetched before the revocation and not handed over: the partition's next owner consumes
    // them from the offset just committed.
    DropFetched(tp);
    assigned_.erase(std::remove(assigned_.begin(), assigned_.end(), tp), assigned_.end());
  }
  rd_kafka_assign(consumer_.get(), nullptr);
  metrics().RecordPartitionCount(static_cast<int64_t>(assigned_.size()));
  if (!committed.ok()) return committed;
  pb::SinkWorkerMessage close;
  wire::TopicPartitionsToProto(closed, close.mutable_close()->mutable_partitions());
  return Send(close);
}

absl::Status SinkTaskRunner::Subscribe() {
  std::vector<std::string> topics;
  if (auto it = options_.task_config.find("topics"); it != options_.task_config.end()) {
    for (absl::string_view t : absl::StrSplit(it->second, ',')) {
      t = absl::StripAsciiWhitespace(t);
      if (!t.empty()) topics.emplace_back(t);
    }
  }
  std::string regex;
  if (auto it = options_.task_config.find("topics.regex"); it != options_.task_config.end()) {
    regex = it->second;
  }
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  for (const std::string& t : topics) {
    if (options_.ensure_topic) {
      if (absl::Status s = options_.ensure_topic(t); !s.ok()) {
        rd_kafka_topic_partition_list_destroy(list);
        return s;
      }
    }
    rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  // librdkafka treats a subscription starting with ^ as a regex.
  if (!regex.empty()) {
    std::string pattern = regex[0] == '^' ? regex : "^" + regex;
    rd_kafka_topic_partition_list_add(list, pattern.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  return kafka::ToStatus(err, "Subscribing to the sink's topics");
}

absl::Status SinkTaskRunner::DeliverBatch(std::vector<rd_kafka_message_t*>& messages) {
  // The batch is built in an arena, reset per batch: thousands of small messages each time.
  arena_.Reset();
  pb::SinkWorkerMessage& put = *google::protobuf::Arena::CreateMessage<pb::SinkWorkerMessage>(&arena_);
  pb::SinkBatch* batch = put.mutable_put();
  batch_originals_.clear();
  metrics::TaskMetrics& task_metrics = metrics();
  int64_t consumed_bytes = 0;
  // The consumed_ entry of the previous message's partition (std::map entries stay put): a
  // batch is mostly runs of one partition, looked up once per run.
  const rd_kafka_topic_t* entry_topic = nullptr;
  int32_t entry_partition = -1;
  int64_t* entry = nullptr;
  for (rd_kafka_message_t* m : messages) {
    consumed_bytes += static_cast<int64_t>(m->key_len + m->len);
    // Every consumed record counts as handed over, also one a transform dropped or errors.tolerance
    // skipped (Kafka Connect commits past them too).
    if (entry == nullptr || m->rkt != entry_topic || m->partition != entry_partition) {
      entry = &consumed_[TopicPartition{rd_kafka_topic_name(m->rkt), m->partition}];
      entry_topic = m->rkt;
      entry_partition = m->partition;
    }
    *entry = m->offset + 1;
    absl::StatusOr<std::optional<SinkRecord>> record = pipeline_->ProcessSink(*m);
    if (!record.ok()) return record.status();
    if (!record->has_value()) continue;
    if (const int depth = wire::SinkRecordNestedDepth(**record);
        depth > wire::MaxNestedMessageDepth()) {
      // The plugin could not read a batch with this record (nor could it ever: the task would
      // fail on it after every restart). The task cannot take it, as if the plugin had reported
      // it errant: errors.tolerance decides, the DLQ gets its original.
      absl::Status refused = pipeline_->ReportErrant(
          *m, absl::StrCat("The record cannot be handed to the sink task: in the plugin "
                           "protocol ", wire::DescribeTooDeep(depth)));
      if (!refused.ok()) return refused;
      continue;
    }
    wire::SinkRecordToProto(*std::move(*record), schemas_, batch);
    batch_originals_.push_back(m);
  }
  const int64_t read = static_cast<int64_t>(messages.size());
  task_metrics.RecordRead(read);
  task_metrics.RecordStage(metrics::PipelineStage::kConsume, read, consumed_bytes);
  const RecordPipeline::StageCounts counts = pipeline_->TakeStageCounts();
  task_metrics.RecordStage(metrics::PipelineStage::kConvert, counts.converted_records,
                           counts.converted_bytes);
  task_metrics.RecordStage(metrics::PipelineStage::kTransform, counts.transformed_records, 0);
  uncommitted_records_ += read;
  task_metrics.RecordActiveCount(uncommitted_records_);
  if (batch->records_size() == 0) return absl::OkStatus();
  put_batch_ = batch;
  const absl::Time put_start = absl::Now();
  ArmWatchdog(WatchedCall::kPut);
  absl::Status s = Send(put);
  if (s.ok()) s = Await(pb::SinkPluginMessage::kPutDone).status();
  DisarmWatchdog();
  if (s.ok()) {
    // WorkerSinkTask.deliverMessages: once put returned, the batch (after transformations) is
    // recorded, as sent, with the put's time.
    task_metrics.RecordBatch(batch->records_size());
    task_metrics.RecordSend(batch->records_size());
    task_metrics.RecordPut(absl::ToInt64Milliseconds(absl::Now() - put_start));
    task_metrics.RecordStage(metrics::PipelineStage::kPut, batch->records_size(),
                             static_cast<int64_t>(put.GetCachedSize()));
  }
  put_batch_ = nullptr;
  batch_originals_.clear();
  return s;
}

absl::Status SinkTaskRunner::RunLoop() {
  const std::string task = options_.id.ToString();
  // Kafka Connect's consumer defaults for sink tasks, then consumer.*, then
  // consumer.override.* (the Worker builds these first, so a refused override is reported
  // before the dead letter queue's).
  absl::StatusOr<kafka::ClientSettings> consumer_settings = ClientSettingsFor(
      kafka::ClientType::kConsumer,
      {
          {"bootstrap.servers", options_.bootstrap_servers},
          {"group.id", absl::StrCat("connect-", options_.id.connector)},
          {"client.id", absl::StrCat("connector-consumer-", task)},
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          {"auto.offset.reset", "earliest"},
          // The Java consumer's default; librdkafka's is read_committed.
          {"isolation.level", "read_uncommitted"},
          {"allow.auto.create.topics", "true"},
          {"enable.partition.eof", "false"},
          {"log_level", "4"},
      },
      options_.worker->consumer_overrides);
  if (!consumer_settings.ok()) return consumer_settings.status();
  max_poll_records_ = consumer_settings->max_poll_records;
  const ConfigMap& settings = consumer_settings->librdkafka;

  // A dead letter queue's producer gets Kafka Connect's producer settings: its defaults, the
  // worker's producer.*, the connector's producer.override.*. Without one the task has no
  // producer, and Kafka Connect does not look at producer overrides.
  ConfigMap producer;
  if (!connector().errors.dlq_topic.empty()) {
    absl::StatusOr<kafka::ClientSettings> producer_settings = ClientSettingsFor(
        kafka::ClientType::kProducer,
        {
            {"bootstrap.servers", options_.bootstrap_servers},
            {"acks", "all"},
            {"enable.idempotence", "false"},
            {"max.in.flight.requests.per.connection", "1"},
            {"message.timeout.ms", "0"},
            // The Java producer's default partitioner hashes keys with murmur2.
            {"partitioner", "murmur2_random"},
            {"log_level", "4"},
        },
        options_.worker->producer_overrides);
    if (!producer_settings.ok()) return producer_settings.status();
    producer = std::move(producer_settings->librdkafka);
  }
  if (absl::Status s = CreatePipeline(producer); !s.ok()) return s;

  absl::StatusOr<rd_kafka_conf_t*> conf = kafka::NewConf(settings);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_rebalance_cb(*conf, &SinkTaskRunner::RebalanceCallback);
  rd_kafka_conf_set_opaque(*conf, this);
  EnableClientStatistics<SinkTaskRunner>(*conf);
  absl::StatusOr<kafka::KafkaHandle> consumer = kafka::NewClient(RD_KAFKA_CONSUMER, *conf);
  if (!consumer.ok()) return consumer.status();
  consumer_ = *std::move(consumer);
  rd_kafka_poll_set_consumer(consumer_.get());

  context_ = std::make_unique<grpc::ClientContext>();
  stream_ = OpenRawTaskStream<pb::SinkWorkerMessage>(
      options_.channel.get(), "/sluice.plugin.v1.Plugin/SinkTask", context_.get());
  pb::SinkWorkerMessage start;
  start.mutable_start()->set_task(options_.id.task);
  start.mutable_start()->set_connector_name(options_.id.connector);
  // OffsetsRewind, CommitRequest and OpenDone are understood here.
  start.mutable_start()->set_sink_context(true);
  start.mutable_start()->mutable_config()->insert(options_.task_config.begin(),
                                                  options_.task_config.end());
  absl::Status result = Send(start);
  if (result.ok()) {
    absl::StatusOr<pb::SinkPluginMessage> started = Await(pb::SinkPluginMessage::kStarted);
    result = started.status();
    if (started.ok()) open_done_ = started->started().open_done();
  }
  if (result.ok()) {
    ReportRunning();
    result = Subscribe();
  }

  last_commit_ = absl::Now();
  std::vector<rd_kafka_message_t*>& messages = polled_;
  while (result.ok() && !stopping()) {
    ApplyTargetState();
    // WorkerSinkTask.poll(): the task's rewinds first.
    result = Rewind();
    if (!result.ok()) break;
    rd_kafka_message_t* first = rd_kafka_consumer_poll(consumer_.get(), kPollTimeoutMs);
    if (!callback_error_.ok()) {
      if (first != nullptr) rd_kafka_message_destroy(first);
      result = callback_error_;
      break;
    }
    for (rd_kafka_message_t* m = first; m != nullptr;
         m = messages.size() < static_cast<size_t>(max_poll_records_)
                 ? rd_kafka_consumer_poll(consumer_.get(), 0)
                 : nullptr) {
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          spdlog::warn("Task {}: consumer: {}", task, rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
        continue;
      }
      messages.push_back(m);
    }
    if (consumer_paused_) {
      // Fetched before the pause took hold: kept, in order, until the task resumes.
      held_.insert(held_.end(), messages.begin(), messages.end());
      messages.clear();
    } else if (!held_.empty()) {
      messages.insert(messages.begin(), held_.begin(), held_.end());
      held_.clear();
    }
    if (!messages.empty()) {
      result = DeliverBatch(messages);
      for (rd_kafka_message_t* m : messages) rd_kafka_message_destroy(m);
      messages.clear();
    }
    // SinkTaskContext.requestCommit(): at once, not at the next interval. A request made
    // during the commit is served by it (Kafka Connect clears the request after committing).
    if (result.ok() && (commit_requested_ ||
                        absl::Now() - last_commit_ >= options_.worker->offset_flush_interval)) {
      result = Commit();
      commit_requested_ = false;
    }
  }

  if (result.ok()) {
    // Stop: commit what the plugin flushed, close the partitions, stop the plugin task.
    result = Commit();
    if (result.ok() && !assigned_.empty()) {
      pb::SinkWorkerMessage close;
      wire::TopicPartitionsToProto(assigned_, close.mutable_close()->mutable_partitions());
      result = Send(close);
    }
    if (result.ok()) {
      pb::SinkWorkerMessage stop;
      stop.mutable_stop();
      result = Send(stop);
      if (result.ok()) result = Await(pb::SinkPluginMessage::kStopped).status();
      if (result.ok()) {
        stream_->WritesDone();
        stream_->Finish();
      }
    }
    // A host killed while stopping is not a failure of the task.
    if (!result.ok() && stopping()) {
      spdlog::warn("Task {} did not stop cleanly: {}", task, std::string(result.message()));
      result = absl::OkStatus();
    }
  } else if (stream_ != nullptr) {
    context_->TryCancel();
    // What failed went to the dead letter queue first (also with errors.tolerance=none).
    if (absl::Status s = pipeline_->FlushReports(options_.worker->offset_flush_timeout); !s.ok()) {
      spdlog::warn("Task {}: {}", task, std::string(s.message()));
    }
  }
  for (std::vector<rd_kafka_message_t*>* fetched : {&held_, &polled_}) {
    for (rd_kafka_message_t* m : *fetched) rd_kafka_message_destroy(m);
    fetched->clear();
  }
  // Leave the group without the rebalance callback talking to a stream that is gone.
  closing_ = true;
  rd_kafka_consumer_close(consumer_.get());
  consumer_.reset();
  return result;
}

}  // namespace sluice::runtime
