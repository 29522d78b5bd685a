#include "server/runtime/source_task_runner.h"

#include <google/protobuf/arena.h>
#include <spdlog/spdlog.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "formats/schemaless_json.h"
#include "server/convert/connect_exception.h"
#include "server/kafka/errors.h"
#include "server/store/offset_records.h"

namespace sluice::runtime {

namespace pb = ::sluice::plugin::v1;

namespace {

// Credits: the plugin may have this many Polls to answer at once, so it reads the next batch
// while the worker produces the previous one.
constexpr int kPollsInFlight = 2;
constexpr uint32_t kMaxRecordsPerPoll = 10000;
// The plugin host keeps every record until it is told Committed (for CommitRecord), so offsets
// are also committed whenever this many records Kafka acknowledged wait, or records of this many
// bytes, whatever offset.flush.interval.ms says: that bounds the host's memory (and the replay
// after a crash). Measured with tools/bench: 50,000 records held ~60 MiB in the host; 10,000
// cost one offset write per 10,000 records and no throughput.
constexpr size_t kMaxUncommittedRecords = 10000;
constexpr size_t kMaxUncommittedBytes = 16 << 20;
constexpr uint64_t kMaxBytesPerPoll = 16 << 20;

// Kafka's producer's default max.request.size.
constexpr int64_t kJavaMaxRequestSize = 1048576;

constexpr std::string_view kKafkaExceptionClass = "org.apache.kafka.common.KafkaException";
constexpr std::string_view kRecordTooLargeClass =
    "org.apache.kafka.common.errors.RecordTooLargeException";

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Java's ByteUtils.sizeOfVarint: the bytes of a zig-zag varint.
int64_t SizeOfVarint(int64_t value) {
  uint64_t v = static_cast<uint64_t>((value << 1) ^ (value >> 63));
  int64_t bytes = 1;
  while ((v & ~uint64_t{0x7f}) != 0) {
    ++bytes;
    v >>= 7;
  }
  return bytes;
}

// What Kafka's producer reports as a record's size when it refuses one as too large:
// AbstractRecords.estimateSizeInBytesUpperBound for an uncompressed v2 batch (61 bytes of batch
// header, at most 21 of record header, then the key, value and headers with their lengths).
int64_t EstimatedRecordSize(const ProducerRecord& record) {
  auto sized = [](const std::optional<std::string>& bytes) {
    const int64_t n = bytes.has_value() ? static_cast<int64_t>(bytes->size()) : -1;
    return SizeOfVarint(n) + std::max<int64_t>(n, 0);
  };
  int64_t size = 61 + 21 + sized(record.key) + sized(record.value) +
                 SizeOfVarint(static_cast<int64_t>(record.headers.size()));
  for (const auto& [key, value] : record.headers) {
    size += SizeOfVarint(static_cast<int64_t>(key.size())) + static_cast<int64_t>(key.size()) +
            sized(value);
  }
  return size;
}

// Kafka's producer refusing a record of `size` bytes (EstimatedRecordSize) over its
// max.request.size (KafkaProducer.ensureValidRecordSize).
absl::Status RecordTooLarge(int64_t size, int64_t max_request_size) {
  return convert::JavaError(
      absl::StatusCode::kInvalidArgument, kRecordTooLargeClass,
      absl::StrCat("The message is ", size, " bytes when serialized which is larger than ",
                   max_request_size, ", which is the value of the max.request.size configuration."));
}

// A producer error as the Java exception Kafka's producer raises for it: RecordTooLargeException
// for a record librdkafka or the broker refused as too large, else a KafkaException with
// librdkafka's words. `record`: the record librdkafka refused when producing it, null for a
// failed delivery.
absl::Status ProducerError(rd_kafka_resp_err_t err, std::string_view topic,
                           const ProducerRecord* record, int64_t max_request_size) {
  const absl::Status status =
      kafka::ToStatus(err, absl::StrCat("Producing a record to topic ", Av(topic)));
  if (err != RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
    return convert::JavaError(status.code(), kKafkaExceptionClass, std::string(status.message()));
  }
  if (record == nullptr) {
    return convert::JavaError(
        status.code(), kRecordTooLargeClass,
        "The request included a message larger than the max message size the server will "
        "accept.");
  }
  return RecordTooLarge(EstimatedRecordSize(*record), max_request_size);
}

// What a record holds in memory in the plugin host until its offset is committed, roughly: its
// key and value bytes for strings and bytes, a fixed amount for the rest.
size_t RecordBytes(const pb::SourceRecord& proto) {
  auto data_bytes = [](const pb::Data& data) -> size_t {
    if (!data.has_value()) return 0;
    const pb::Value& value = data.value();
    if (value.has_string_value()) return value.string_value().size();
    if (value.has_bytes_value()) return value.bytes_value().size();
    return 64;
  };
  return 128 + proto.topic().size() + data_bytes(proto.key()) + data_bytes(proto.value());
}

}  // namespace

void SubmittedRecords::Submit(uint64_t id, OffsetKey key, std::optional<Value> offset,
                              size_t bytes) {
  pending_.push_back({id, std::move(key), std::move(offset), bytes, false});
  ++unacked_;
  bytes_ += bytes;
}

void SubmittedRecords::Ack(uint64_t id) {
  if (pending_.empty() || id < pending_.front().id) return;
  uint64_t index = id - pending_.front().id;
  if (index < pending_.size() && !pending_[index].acked) {
    pending_[index].acked = true;
    --unacked_;
  }
}

SubmittedRecords::Committable SubmittedRecords::TakeCommittable() {
  Committable result;
  // The latest offset of each partition; records of one partition share its key object.
  std::vector<std::pair<OffsetKey, Value>> latest;
  // The acknowledged prefix ends at its last record whose offset is known.
  size_t committable = 0;
  size_t acked = 0;
  for (const Pending& p : pending_) {
    if (!p.acked) break;
    ++acked;
    if (p.key == nullptr || p.offset.has_value()) committable = acked;
  }
  for (; committable > 0; --committable) {
    Pending& p = pending_.front();
    result.up_to_id = p.id;
    bytes_ -= p.bytes;
    // A record without its offset is followed, in this range, by the record of the same
    // partition that carries the later one.
    if (p.key != nullptr && p.offset.has_value()) {
      bool replaced = false;
      for (auto& [k, v] : latest) {
        if (k == p.key || *k == *p.key) {
          v = *std::move(p.offset);
          replaced = true;
          break;
        }
      }
      if (!replaced) latest.emplace_back(std::move(p.key), *std::move(p.offset));
    }
    pending_.pop_front();
  }
  result.writes.reserve(latest.size());
  for (auto& [key, offset] : latest) {
    result.writes.emplace_back(*key, offset.is_null() ? std::optional<std::string>()
                                                      : formats::SerializeSchemaless(offset));
  }
  return result;
}

SourceTaskRunner::SourceTaskRunner(TaskRunnerOptions options, store::OffsetStore* offsets)
    : TaskRunner(std::move(options)), offsets_(offsets) {}

SourceTaskRunner::~SourceTaskRunner() { StopAndJoin(); }

void SourceTaskRunner::OnStopRequested() {
  // The plugin's Poll may be blocked: a Stop message makes the host stop the task now. If a
  // write holds the stream, it sends the Stop when it is done (WriteLocked); this never waits.
  if (!write_mu_.TryLock()) return;
  if (stream_ != nullptr && !stop_sent_ && !closed_) {
    pb::SourceWorkerMessage stop;
    stop.mutable_stop();
    stream_->Write(stop);
    stop_sent_ = true;
  }
  write_mu_.Unlock();
}

bool SourceTaskRunner::WriteLocked(const pb::SourceWorkerMessage& message) {
  if (closed_) return false;
  if (stop_sent_ && !message.has_stop()) {
    // After Stop only Committed acks may follow; the host ignores anything else.
    if (!message.has_committed()) return true;
  }
  bool ok = stream_->Write(message);
  if (ok && message.has_stop()) stop_sent_ = true;
  if (ok && stopping() && !stop_sent_) {
    pb::SourceWorkerMessage stop;
    stop.mutable_stop();
    ok = stream_->Write(stop);
    stop_sent_ = true;
  }
  return ok;
}

bool SourceTaskRunner::Write(const pb::SourceWorkerMessage& message) {
  absl::MutexLock lock(&write_mu_);
  return WriteLocked(message);
}

grpc::Status SourceTaskRunner::CloseStream(bool cancel) {
  Stream* stream;
  {
    absl::MutexLock lock(&write_mu_);
    closed_ = true;
    stream = stream_.get();
  }
  // An open call (the host may go on streaming: after a message the worker could not read, or
  // when the task failed) must be cancelled, or Finish would wait forever.
  if (cancel) context_->TryCancel();
  return stream->Finish();
}

void SourceTaskRunner::OnPausedChanged() {
  // A source pauses at once: no Poll is sent while paused and what answers an earlier one is
  // held. Resuming refills the polls from the caller's thread, as the runner thread may be
  // blocked reading a stream on which nothing is outstanding.
  PauseApplied(paused());
  if (!paused()) (void)FillPolls();
}

absl::Status SourceTaskRunner::FillPolls() {
  pb::SourceWorkerMessage poll;
  poll.mutable_poll()->set_max_records(kMaxRecordsPerPoll);
  poll.mutable_poll()->set_max_bytes(kMaxBytesPerPoll);
  bool written = true;
  {
    absl::MutexLock lock(&write_mu_);
    while (written && started_ && !paused() && !stopping() && !stop_sent_ && !closed_ &&
           polls_in_flight_ < kPollsInFlight) {
      written = WriteLocked(poll);
      if (!written) break;
      // The plugin works on the oldest outstanding Poll: time it from when it was first asked.
      if (polls_in_flight_ == 0) ArmWatchdog(WatchedCall::kPoll);
      ++polls_in_flight_;
      polls_sent_.push_back(absl::Now());
    }
  }
  // Described outside the lock: that waits a moment for the host's exit.
  return written ? absl::OkStatus() : BrokenWrite();
}

absl::Status SourceTaskRunner::BrokenWrite() const {
  // A write fails when the host is gone: say why it went (a sandbox limit, seccomp, the
  // watchdog), as a broken read does.
  return absl::UnavailableError(
      DescribeBrokenStream(options_.process, "writing to the plugin stream failed"));
}

std::string SourceTaskRunner::OffsetKey(const Value& partition) const {
  return store::EncodeOffsetKey(options_.id.connector, partition);
}

void SourceTaskRunner::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<SourceTaskRunner*>(opaque);
  uint64_t id = reinterpret_cast<uintptr_t>(message->_private);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->submitted_.Ack(id);
    ++self->delivered_records_;
    self->delivered_bytes_ += static_cast<int64_t>(message->key_len + message->len);
    return;
  }
  if (message->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
      message->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT || !self->delivery_error_.ok()) {
    return;
  }
  absl::Status error = ProducerError(message->err, rd_kafka_topic_name(message->rkt), nullptr,
                                     self->max_request_size_);
  // errors.tolerance=all skips a record Kafka refused (Kafka Connect's producerSendFailed).
  absl::Status handled = self->pipeline_->ReportProduceFailure(nullptr, error);
  if (handled.ok()) {
    self->submitted_.Ack(id);
  } else {
    self->delivery_error_ = handled;
  }
}

absl::Status SourceTaskRunner::ReplyOffsets(const pb::OffsetsRequest& request) {
  pb::SourceWorkerMessage reply;
  pb::OffsetsReply* out = reply.mutable_offsets_reply();
  out->set_request_id(request.request_id());
  for (const pb::Value& partition_proto : request.partitions()) {
    absl::StatusOr<Value> partition = wire::ValueFromProto(partition_proto, nullptr);
    if (!partition.ok()) return partition.status();
    pb::PartitionOffset* entry = out->add_offsets();
    *entry->mutable_partition() = partition_proto;
    std::optional<std::string> stored = offsets_->Get(OffsetKey(*partition));
    if (!stored.has_value()) continue;
    absl::StatusOr<Value> offset = formats::ParseSchemaless(*stored);
    if (!offset.ok()) {
      return absl::DataLossError(absl::StrCat("The stored offset for ", OffsetKey(*partition),
                                              " is not valid JSON: ", offset.status().message()));
    }
    wire::ValueToProto(*offset, entry->mutable_offset());
  }
  if (!Write(reply)) return BrokenWrite();
  return absl::OkStatus();
}

absl::Status SourceTaskRunner::CommitOffsets() {
  const absl::Time start = absl::Now();
  last_commit_ = start;
  // Records skipped into the dead letter queue count as done only once their copy is durable.
  if (absl::Status s = pipeline_->FlushReports(options_.worker->offset_flush_timeout); !s.ok()) {
    metrics().RecordCommit(false, absl::ToInt64Milliseconds(absl::Now() - start));
    return s;
  }
  SubmittedRecords::Committable committable = submitted_.TakeCommittable();
  if (committable.up_to_id == 0) return absl::OkStatus();
  if (!committable.writes.empty()) {
    if (absl::Status s = offsets_->Write(committable.writes); !s.ok()) {
      metrics().RecordCommit(false, absl::ToInt64Milliseconds(absl::Now() - start));
      return absl::Status(s.code(), absl::StrCat("Committing offsets of task ",
                                                 options_.id.ToString(), ": ", s.message()));
    }
  }
  metrics().RecordCommit(true, absl::ToInt64Milliseconds(absl::Now() - start));
  pb::SourceWorkerMessage committed;
  committed.mutable_committed()->set_up_to_record_id(committable.up_to_id);
  Write(committed);  // A plugin that went away no longer needs the ack.
  return absl::OkStatus();
}

absl::Status SourceTaskRunner::PrepareTopic(const std::string& topic) {
  if (known_topics_.contains(topic)) return absl::OkStatus();
  if (topic_creation_.has_value() && topic_creation_->enabled() && admin_ != nullptr) {
    // Kafka Connect's maybeCreateTopic: the first record to a topic creates it when missing,
    // with the settings of the first creation group that takes it.
    const kafka::NewTopic new_topic = topic_creation_->NewTopicFor(topic);
    absl::StatusOr<kafka::TopicAdmin::Outcome> outcome =
        admin_->Create(new_topic, absl::Seconds(30));
    if (!outcome.ok()) {
      spdlog::warn("Task {}: request to create new topic '{}' failed: {}",
                   options_.id.ToString(), topic, std::string(outcome.status().message()));
      return absl::Status(outcome.status().code(),
                          absl::StrCat("Task failed to create new topic ",
                                       DescribeNewTopic(new_topic),
                                       ". Ensure that the task is authorized to create topics or "
                                       "that the topic exists and restart the task: ",
                                       outcome.status().message()));
    }
    if (*outcome == kafka::TopicAdmin::Outcome::kCreated) {
      spdlog::info("Task {}: created topic '{}' using creation group {}", options_.id.ToString(),
                   topic, topic_creation_->GroupFor(topic).name);
    }
  } else if (options_.ensure_topic) {
    if (absl::Status s = options_.ensure_topic(topic); !s.ok()) return s;
  }
  known_topics_.insert(topic);
  options_.listener->OnTopicUsed(options_.id, topic);
  return absl::OkStatus();
}

absl::Status SourceTaskRunner::ProduceOne(uint64_t id, ProducerRecord& record) {
  // Kafka's producer refuses a record whose estimated size is over max.request.size before it
  // sends anything, through the send callback (librdkafka's own check counts fewer bytes).
  if (const int64_t size = EstimatedRecordSize(record); size > max_request_size_) {
    absl::Status handled =
        pipeline_->ReportProduceFailure(nullptr, RecordTooLarge(size, max_request_size_));
    if (!handled.ok()) return handled;
    submitted_.Ack(id);
    return absl::OkStatus();
  }
  rd_kafka_headers_t* headers = nullptr;
  if (!record.headers.empty()) {
    headers = rd_kafka_headers_new(record.headers.size());
    for (const auto& [key, bytes] : record.headers) {
      rd_kafka_header_add(headers, key.data(), static_cast<ssize_t>(key.size()),
                          bytes ? bytes->data() : nullptr, bytes ? bytes->size() : 0);
    }
  }
  void* key_data = record.key.has_value() ? record.key->data() : nullptr;
  size_t key_size = record.key.has_value() ? record.key->size() : 0;
  void* value_data = record.value.has_value() ? record.value->data() : nullptr;
  size_t value_size = record.value.has_value() ? record.value->size() : 0;
  const int32_t partition = record.partition.value_or(RD_KAFKA_PARTITION_UA);
  const int64_t timestamp = record.timestamp.value_or(0);  // 0: the producer's clock
  while (true) {
    rd_kafka_resp_err_t err = kafka::Produce(
        producer_.get(),
        {.topic = record.topic.c_str(),
         .partition = partition,
         .key = key_data,
         .key_size = key_size,
         .value = value_data,
         .value_size = value_size,
         .timestamp = timestamp,
         .headers = headers,
         .opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(id))});
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();  // librdkafka owns headers
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // Back-pressure: serve delivery reports until the local queue has room.
      rd_kafka_poll(producer_.get(), 50);
      continue;
    }
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    absl::Status error = ProducerError(err, record.topic, &record, max_request_size_);
    if (err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
      // Kafka's producer throws for a partition the topic does not have (a KafkaException, not
      // an ApiException, so not through the callback): WorkerSourceTask fails the task whatever
      // errors.tolerance says.
      return absl::Status(error.code(),
                          absl::StrCat(Av(convert::kConnectExceptionClass),
                                       ": Unrecoverable exception trying to send\nCaused by: ",
                                       convert::JavaExceptionText(error)));
    }
    // Anything else librdkafka refuses outright (a record too large, say) Kafka's producer hands
    // to the send callback: a produce failure errors.tolerance=all skips.
    absl::Status handled = pipeline_->ReportProduceFailure(nullptr, error);
    if (!handled.ok()) return handled;
    submitted_.Ack(id);
    return absl::OkStatus();
  }
}

absl::Status SourceTaskRunner::Produce(const pb::SourceBatch& batch) {
  if (static_cast<uint32_t>(batch.records_size()) > kMaxRecordsPerPoll) {
    return absl::InvalidArgumentError(absl::StrCat(
        "The plugin answered a poll for at most ", kMaxRecordsPerPoll, " records with ",
        batch.records_size(), " records"));
  }
  if (absl::Status s = schemas_.Add(batch.schemas()); !s.ok()) return s;
  // The source partition of the batch's previous record (same_source_partition refers to it) and
  // its offset store key: a task's records mostly share one partition, decoded and encoded once.
  // Only the last record of each run of one partition has its offset decoded and kept: the
  // offsets before it in the run would be superseded at the commit anyway (SubmittedRecords
  // commits a run only up to its last record). Error reports need every record's offset.
  const bool keep_originals = pipeline_->keeps_source_originals();
  const pb::SourceRecord* previous = nullptr;
  Value previous_partition;
  SubmittedRecords::OffsetKey previous_key;
  const int count = batch.records_size();
  for (int i = 0; i < count; ++i) {
    const pb::SourceRecord& proto = batch.records(i);
    const bool run_ends = i + 1 == count || !batch.records(i + 1).same_source_partition();
    absl::StatusOr<SourceRecord> record =
        wire::SourceRecordFromProto(proto, schemas_, /*with_offset=*/run_ends || keep_originals);
    if (!record.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("The plugin sent a malformed record: ", record.status().message()));
    }
    if (proto.id() != next_record_id_) {
      return absl::InvalidArgumentError(absl::StrCat(
          "The plugin sent record id ", proto.id(), " where ", next_record_id_, " was expected"));
    }
    if (proto.same_source_partition()) {
      if (previous == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "The plugin sent record id ", proto.id(),
            " with the previous record's source partition, as the first record of its batch"));
      }
      record->source_partition = previous_partition;  // shares the entries, copies nothing
    } else {
      previous_partition = record->source_partition;
      previous_key = record->source_partition.is_null()
                         ? nullptr
                         : std::make_shared<const std::string>(OffsetKey(record->source_partition));
    }
    previous = &proto;
    ++next_record_id_;
    // The offset is kept as data and serialized only if it is its partition's latest at commit.
    std::optional<Value> offset;
    if (previous_key != nullptr && run_ends) {
      offset = keep_originals ? record->source_offset : std::move(record->source_offset);
    }
    submitted_.Submit(proto.id(), previous_key, std::move(offset), RecordBytes(proto));

    absl::StatusOr<std::optional<ProducerRecord>> out =
        pipeline_->ProcessSource(*std::move(record));
    if (!out.ok()) return out.status();
    if (!out->has_value()) {
      // Dropped by a transform, or skipped by errors.tolerance: its offset may be committed.
      submitted_.Ack(proto.id());
      continue;
    }
    ProducerRecord& produced = **out;
    if (absl::Status s = PrepareTopic(produced.topic); !s.ok()) return s;
    if (absl::Status s = ProduceOne(proto.id(), produced); !s.ok()) return s;
  }
  return absl::OkStatus();
}

void SourceTaskRunner::RecordBatchMetrics(int records, size_t message_bytes, int64_t poll_ms) {
  metrics::TaskMetrics& m = metrics();
  if (records > 0) {
    // Kafka Connect records a poll, and a batch, when the task's poll returned records.
    m.RecordPoll(records, poll_ms);
    m.RecordBatch(records);
    m.RecordStage(metrics::PipelineStage::kPoll, records, static_cast<int64_t>(message_bytes));
  }
  const RecordPipeline::StageCounts counts = pipeline_->TakeStageCounts();
  m.RecordStage(metrics::PipelineStage::kTransform, counts.transformed_records, 0);
  m.RecordStage(metrics::PipelineStage::kConvert, counts.converted_records,
                counts.converted_bytes);
  m.RecordWrite(delivered_records_);
  m.RecordStage(metrics::PipelineStage::kProduce, delivered_records_, delivered_bytes_);
  delivered_records_ = 0;
  delivered_bytes_ = 0;
  // After the batch's writes: what Kafka has not acknowledged yet (the count at the poll was
  // recorded when the batch arrived).
  m.RecordActiveCount(submitted_.unacked());
}

absl::Status SourceTaskRunner::RunLoop() {
  const std::string task = options_.id.ToString();

  // Kafka Connect's producer defaults for source tasks (reference §4.2), then the worker's
  // producer.* settings, then the connector's producer.override.* settings.
  absl::StatusOr<kafka::ClientSettings> producer_settings = ClientSettingsFor(
      kafka::ClientType::kProducer,
      {
          {"bootstrap.servers", options_.bootstrap_servers},
          {"client.id", absl::StrCat("connector-producer-", task)},
          {"acks", "all"},
          {"enable.idempotence", "false"},
          {"max.in.flight.requests.per.connection", "1"},
          {"message.timeout.ms", "0"},  // never give up on a record (delivery.timeout.ms=MAX)
          // max.request.size's default in Kafka's producer (librdkafka's is 1000000).
          {"message.max.bytes", absl::StrCat(kJavaMaxRequestSize)},
          // The Java producer's default partitioner hashes keys with murmur2.
          {"partitioner", "murmur2_random"},
          // buffer.memory's default in Kafka's producer (librdkafka's is 1 GiB).
          {"queue.buffering.max.kbytes", "32768"},
          // At most this many records wait in the producer (librdkafka's default is 100,000).
          // The plugin host keeps each record until its offset is committed, so this bounds
          // the host's memory too: measured with tools/bench, 20,000 halved the peak memory of
          // the host and of sluiced with no loss of throughput (docs/benchmarks.md).
          {"queue.buffering.max.messages", "20000"},
          {"log_level", "4"},
      },
      options_.worker->producer_overrides);
  if (!producer_settings.ok()) return producer_settings.status();
  const ConfigMap& settings = producer_settings->librdkafka;
  // max.request.size, translated to message.max.bytes.
  if (auto it = settings.find("message.max.bytes");
      it == settings.end() || !absl::SimpleAtoi(it->second, &max_request_size_)) {
    max_request_size_ = kJavaMaxRequestSize;
  }
  if (absl::Status s = CreatePipeline(settings); !s.ok()) return s;
  absl::StatusOr<TopicCreation> creation = TopicCreation::Create(connector().topic_creation);
  if (!creation.ok()) return creation.status();
  topic_creation_ = *std::move(creation);
  absl::StatusOr<rd_kafka_conf_t*> conf = kafka::NewConf(settings);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_dr_msg_cb(*conf, &SourceTaskRunner::OnDelivery);
  rd_kafka_conf_set_opaque(*conf, this);
  EnableClientStatistics<SourceTaskRunner>(*conf);
  absl::StatusOr<kafka::KafkaHandle> producer = kafka::NewClient(RD_KAFKA_PRODUCER, *conf);
  if (!producer.ok()) return producer.status();
  producer_ = *std::move(producer);

  context_ = std::make_unique<grpc::ClientContext>();
  // This thread alone reads the stream and finishes it; write_mu_ orders the writers (this
  // thread and Stop) and guards the pointer, which is set here once.
  Stream* stream;
  {
    absl::MutexLock lock(&write_mu_);
    stream_ = OpenRawTaskStream<pb::SourceWorkerMessage>(
        options_.channel.get(), "/sluice.plugin.v1.Plugin/SourceTask", context_.get());
    stream = stream_.get();
  }
  pb::SourceWorkerMessage start;
  start.mutable_start()->set_task(options_.id.task);
  start.mutable_start()->set_connector_name(options_.id.connector);
  start.mutable_start()->mutable_config()->insert(options_.task_config.begin(),
                                                  options_.task_config.end());
  Write(start);
  if (stopping()) OnStopRequested();

  last_commit_ = absl::Now();
  absl::Status result = absl::OkStatus();
  // Each message is parsed into an arena that is reset afterwards: a batch holds thousands of
  // small oneof messages, and allocating and freeing them one by one dominated the runner's CPU.
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 1 << 20;
  arena_options.max_block_size = 8 << 20;
  google::protobuf::Arena arena(arena_options);
  grpc::ByteBuffer bytes;
  while (result.ok()) {
    arena.Reset();
    pb::SourcePluginMessage& message =
        *google::protobuf::Arena::CreateMessage<pb::SourcePluginMessage>(&arena);
    if (!stream->Read(&bytes)) {
      grpc::Status finished = CloseStream(/*cancel=*/false);
      if (!stopping()) {
        result = absl::UnavailableError(
            DescribeBrokenStream(options_.process, finished.error_message()));
      }
      break;
    }
    result = ParsePluginMessage(bytes, &message);
    const size_t message_bytes = bytes.Length();
    bytes.Clear();
    if (!result.ok()) break;  // the stream is cancelled below
    if (message.has_started()) {
      ReportRunning();
      {
        absl::MutexLock lock(&write_mu_);
        started_ = true;
      }
      result = FillPolls();
    } else if (message.has_offsets_request()) {
      result = ReplyOffsets(message.offsets_request());
    } else if (message.has_batch()) {
      int outstanding;
      int64_t poll_ms = 0;
      {
        absl::MutexLock lock(&write_mu_);
        outstanding = --polls_in_flight_;
        // The next outstanding Poll, if any, is what the plugin works on from now.
        if (outstanding > 0) {
          ArmWatchdog(WatchedCall::kPoll);
        } else {
          DisarmWatchdog();
        }
        if (!polls_sent_.empty()) {
          poll_ms = absl::ToInt64Milliseconds(absl::Now() - polls_sent_.front());
          polls_sent_.pop_front();
        }
      }
      if (paused() && !stopping()) {
        // The answer to a Poll sent before the pause: nothing is produced while paused, so it
        // waits here until the task resumes (a stop drops it; its offsets were never committed).
        if (message.batch().records_size() > 0) {
          held_.push_back(std::make_unique<pb::SourceBatch>());
          held_.back()->CopyFrom(message.batch());
        }
        if (outstanding == 0) {
          // The stream goes quiet until resumed: settle what was produced before the pause.
          rd_kafka_flush(producer_.get(), static_cast<int>(absl::ToInt64Milliseconds(
                                              options_.worker->offset_flush_timeout)));
          rd_kafka_poll(producer_.get(), 0);
          result = delivery_error_;
          if (result.ok()) result = CommitOffsets();
        }
        continue;
      }
      // Kafka Connect's active count: the records polled and not yet written, at the poll.
      metrics().RecordActiveCount(submitted_.unacked() + message.batch().records_size());
      for (const std::unique_ptr<pb::SourceBatch>& held : held_) {
        if (result.ok()) result = Produce(*held);
      }
      held_.clear();
      if (result.ok()) result = Produce(message.batch());
      rd_kafka_poll(producer_.get(), 0);
      RecordBatchMetrics(message.batch().records_size(), message_bytes, poll_ms);
      if (result.ok()) result = delivery_error_;
      if (result.ok()) result = FillPolls();
      if (result.ok() && (absl::Now() - last_commit_ >= options_.worker->offset_flush_interval ||
                          submitted_.size() - static_cast<size_t>(submitted_.unacked()) >=
                              kMaxUncommittedRecords ||
                          submitted_.bytes() >= kMaxUncommittedBytes)) {
        result = CommitOffsets();
      }
    } else if (message.has_error()) {
      result = absl::InternalError(message.error().trace().empty()
                                       ? message.error().message()
                                       : absl::StrCat(message.error().message(), "\n",
                                                      message.error().trace()));
    } else if (message.has_stopped()) {
      {
        absl::MutexLock lock(&write_mu_);
        stream_->WritesDone();
        closed_ = true;
      }
      stream->Finish();
      break;
    }
  }
  if (!result.ok()) {
    // The task failed with the stream still open (a bad record, a Kafka error): end the call so
    // the host stops the task, without waiting on it.
    bool open;
    {
      absl::MutexLock lock(&write_mu_);
      open = !closed_;
    }
    if (open) CloseStream(/*cancel=*/true);
  }

  // Whatever happened, commit what Kafka has acknowledged: that never loses data.
  rd_kafka_flush(producer_.get(),
                 static_cast<int>(absl::ToInt64Milliseconds(options_.worker->offset_flush_timeout)));
  rd_kafka_poll(producer_.get(), 0);
  absl::Status committed = CommitOffsets();
  if (result.ok()) result = committed;
  if (!submitted_.empty()) {
    spdlog::warn("Task {}: {} records were not acknowledged by Kafka before the task ended; "
                 "they will be produced again from the last committed offset",
                 task, submitted_.size());
  }
  rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(producer_.get(), 0);
  producer_.reset();
  return result;
}

}  // namespace sluice::runtime
