#include "server/kafka/kafka_log.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "server/convert/connect_exception.h"
#include "server/kafka/admin_call.h"
#include "server/kafka/client_configs.h"
#include "server/kafka/errors.h"

namespace sluice::kafka {
namespace {

// How long the reader and writer threads wait for work before looking at their stop flags
// again. Stop wakes them at once; this only bounds how late a transaction marker at the end of
// a partition shows in the positions ReadToEnd waits for (ReadToEnd wakes the reader too).
constexpr int kIdleWaitMs = 250;
// How often the reader asks librdkafka for every partition's position while records keep coming.
constexpr absl::Duration kPositionRefresh = absl::Milliseconds(100);
// Between two attempts at asking Kafka for offsets or partitions.
constexpr absl::Duration kRetryBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxRetryBackoff = absl::Seconds(1);

// Milliseconds left until `deadline`, at least 1 (librdkafka reads 0 as "do not wait").
int MillisUntil(absl::Time deadline) {
  return Millis(std::max(deadline - absl::Now(), absl::Milliseconds(1)));
}

bool Transient(rd_kafka_resp_err_t err) {
  return ToStatus(err, "").code() == absl::StatusCode::kUnavailable ||
         err == RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE ||
         err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
         err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
         err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || err == RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE;
}

absl::StatusOr<KafkaHandle> NewHandle(rd_kafka_type_t type, const ConfigMap& settings,
                                      bool delivery_events) {
  absl::StatusOr<rd_kafka_conf_t*> conf = NewConf(settings);
  if (!conf.ok()) return conf.status();
  if (delivery_events) rd_kafka_conf_set_events(*conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR);
  return NewClient(type, *conf);
}

// The error a send completion gets for a librdkafka delivery error.
absl::Status DeliveryError(rd_kafka_resp_err_t err, const std::string& topic, int32_t partition) {
  if (err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
    return absl::CancelledError(
        absl::StrCat("Record for topic ", topic, " discarded: the log was stopped"));
  }
  return ToStatus(err, partition == RD_KAFKA_PARTITION_UA
                           ? absl::StrCat("Writing to topic ", topic)
                           : absl::StrCat("Writing to topic ", topic, " partition ", partition));
}

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaLog>> KafkaLog::Create(Options options) {
  if (options.topic.empty()) return absl::InvalidArgumentError("KafkaLog needs a topic");
  if (!options.on_record) {
    return absl::InvalidArgumentError(
        absl::StrCat("KafkaLog for topic ", options.topic, " needs a record callback"));
  }
  std::unique_ptr<KafkaLog> log(new KafkaLog(options.topic, std::move(options.on_record)));

  ConfigMap consumer = std::move(options.consumer_settings);
  consumer.erase("group.id");
  consumer.erase("group.instance.id");
  consumer.try_emplace("log_level", "3");
  consumer.try_emplace("isolation.level", "read_uncommitted");
  ApplyLibrdkafkaSettings({{"enable.auto.commit", "false"},
                           {"enable.auto.offset.store", "false"},
                           {"auto.offset.reset", "earliest"},
                           {"enable.partition.eof", "false"}},
                          consumer);
  absl::StatusOr<KafkaHandle> c = NewHandle(RD_KAFKA_CONSUMER, consumer, false);
  if (!c.ok()) {
    return absl::Status(c.status().code(), absl::StrCat("The reader of topic ", log->topic_,
                                                        ": ", c.status().message()));
  }
  log->consumer_ = *std::move(c);
  // End offsets come from a client of their own: on the reader's connection the request would
  // wait behind the reader's long-polling fetch (up to fetch.wait.max.ms), and they must count
  // records of open transactions (read_uncommitted, as Java's admin client asks) even when the
  // reader reads committed records only.
  consumer["isolation.level"] = "read_uncommitted";
  absl::StatusOr<KafkaHandle> e = NewHandle(RD_KAFKA_CONSUMER, consumer, false);
  if (!e.ok()) return e.status();
  log->end_offsets_client_ = *std::move(e);

  if (options.producer_settings.has_value()) {
    ConfigMap producer = std::move(*options.producer_settings);
    producer.try_emplace("log_level", "3");
    ApplyLibrdkafkaSettings({{"acks", "all"},
                             {"enable.idempotence", "false"},
                             {"max.in.flight.requests.per.connection", "1"},
                             {"partitioner", "murmur2_random"}},
                            producer);
    absl::StatusOr<KafkaHandle> p = NewHandle(RD_KAFKA_PRODUCER, producer, true);
    if (!p.ok()) {
      return absl::Status(p.status().code(), absl::StrCat("The writer of topic ", log->topic_,
                                                          ": ", p.status().message()));
    }
    log->producer_ = *std::move(p);
    log->write_events_ = rd_kafka_queue_get_main(log->producer_.get());
  }
  log->read_queue_ = rd_kafka_queue_new(log->consumer_.get());
  log->read_topic_ = rd_kafka_topic_new(log->consumer_.get(), log->topic_.c_str(), nullptr);
  if (log->read_topic_ == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("KafkaLog: topic ", log->topic_, ": ",
                                                   rd_kafka_err2str(rd_kafka_last_error())));
  }
  return log;
}

KafkaLog::KafkaLog(std::string topic, RecordCallback on_record)
    : topic_(std::move(topic)), on_record_(std::move(on_record)) {}

KafkaLog::~KafkaLog() {
  Stop();
  if (read_topic_ != nullptr) rd_kafka_topic_destroy(read_topic_);
  if (read_queue_ != nullptr) rd_kafka_queue_destroy(read_queue_);
  if (write_events_ != nullptr) rd_kafka_queue_destroy(write_events_);
  // The clients go with their handles, after the topic and queues that refer to them.
}

int32_t KafkaLog::partition_count() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int32_t>(partitions_.size());
}

absl::Status KafkaLog::Start(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  {
    absl::MutexLock lock(&mu_);
    if (state_ != State::kCreated) {
      return absl::FailedPreconditionError(
          absl::StrCat("KafkaLog for topic ", topic_, " was already started"));
    }
  }
  absl::Status s = StartReading(deadline);
  if (s.ok()) s = ReadToEndBy(deadline);
  if (!s.ok()) Stop();
  return s;
}

absl::Status KafkaLog::StartReading(absl::Time deadline) {
  // The partitions: Kafka Connect asks until the topic shows up (it may just have been created).
  std::vector<int32_t> partitions;
  absl::Duration backoff = kRetryBackoff;
  rd_kafka_resp_err_t last_err = RD_KAFKA_RESP_ERR_NO_ERROR;
  while (true) {
    const struct rd_kafka_metadata* metadata = nullptr;
    last_err = rd_kafka_metadata(consumer_.get(), 0, read_topic_, &metadata,
                                 MillisUntil(deadline));
    if (last_err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      for (int t = 0; t < metadata->topic_cnt; ++t) {
        const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
        if (topic_ != topic.topic) continue;
        last_err = topic.err;
        if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
        for (int p = 0; p < topic.partition_cnt; ++p) partitions.push_back(topic.partitions[p].id);
      }
      rd_kafka_metadata_destroy(metadata);
    }
    if (!partitions.empty() || absl::Now() + backoff >= deadline) break;
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stop_reading_), backoff)) {
        return absl::CancelledError(absl::StrCat("KafkaLog for topic ", topic_, " was stopped"));
      }
    }
    backoff = std::min(backoff * 2, kMaxRetryBackoff);
  }
  if (partitions.empty()) {
    std::string message = absl::StrCat(
        "Could not look up partition metadata for topic '", topic_,
        "' in the allotted period. This could indicate a connectivity issue, unavailable topic "
        "partitions, or if this is your first use of the topic it may have taken too long to "
        "create.");
    return convert::JavaError(absl::StatusCode::kDeadlineExceeded,
                              convert::kConnectExceptionClass, message,
                              last_err == RD_KAFKA_RESP_ERR_NO_ERROR ? ""
                                                                     : rd_kafka_err2str(last_err));
  }
  std::sort(partitions.begin(), partitions.end());
  if (producer_ != nullptr) {
    // The writer connects and learns the partitions' leaders now rather than at the first Send
    // (which could otherwise wait for its broker thread's next wake-up, up to a second).
    rd_kafka_topic_t* topic = rd_kafka_topic_new(producer_.get(), topic_.c_str(), nullptr);
    const struct rd_kafka_metadata* metadata = nullptr;
    if (rd_kafka_metadata(producer_.get(), 0, topic, &metadata, MillisUntil(deadline)) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_metadata_destroy(metadata);
    }
    rd_kafka_topic_destroy(topic);
  }
  {
    absl::MutexLock lock(&mu_);
    partitions_ = partitions;
  }

  // Where each partition begins, which is where the reader stands until it has read a record
  // there (an empty partition is read to its end before anything is read).
  absl::StatusOr<std::vector<int64_t>> beginnings = QueryOffsets(RD_KAFKA_OFFSET_BEGINNING,
                                                                 deadline);
  if (!beginnings.ok()) return beginnings.status();
  {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < partitions.size(); ++i) positions_[partitions[i]] = (*beginnings)[i];
  }
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (rd_kafka_consume_start_queue(read_topic_, partitions[i], RD_KAFKA_OFFSET_BEGINNING,
                                     read_queue_) == -1) {
      const rd_kafka_resp_err_t err = rd_kafka_last_error();
      for (size_t j = 0; j < i; ++j) rd_kafka_consume_stop(read_topic_, partitions[j]);
      return ToStatus(err, absl::StrCat("Reading topic ", topic_, " partition ", partitions[i]));
    }
  }
  bool stopped = false;
  {
    absl::MutexLock lock(&mu_);
    stopped = stop_reading_;
    if (!stopped) {
      state_ = State::kStarted;
      reader_ = std::thread([this] { ReadLoop(); });
      if (producer_ != nullptr) writer_ = std::thread([this] { WriteLoop(); });
    }
  }
  if (stopped) {
    for (int32_t p : partitions) rd_kafka_consume_stop(read_topic_, p);
    return absl::CancelledError(absl::StrCat("KafkaLog for topic ", topic_, " was stopped"));
  }
  spdlog::info("KafkaLog for topic {}: reading {} partition(s) from the beginning", topic_,
               partitions.size());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> KafkaLog::QueryOffsets(int64_t which, absl::Time deadline) {
  std::vector<int32_t> partitions;
  {
    absl::MutexLock lock(&mu_);
    partitions = partitions_;
  }
  rd_kafka_t* client = end_offsets_client_.get();
  const char* what = which == RD_KAFKA_OFFSET_END ? "end" : "beginning";
  absl::Duration backoff = kRetryBackoff;
  while (true) {
    PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
    for (int32_t p : partitions) {
      // offsets_for_times takes -1 (latest) and -2 (earliest) as ListOffsets' special times.
      rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), p)->offset = which;
    }
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(client, list.get(),
                                                         MillisUntil(deadline));
    std::vector<int64_t> offsets;
    for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i) {
      err = list->elems[i].err;
      offsets.push_back(list->elems[i].offset);
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return offsets;
    if (!Transient(err) || absl::Now() + backoff >= deadline) {
      absl::Status s = ToStatus(
          err, absl::StrCat("Asking Kafka for the ", what, " offsets of topic ", topic_));
      if (Transient(err)) return absl::DeadlineExceededError(s.message());
      return s;
    }
    spdlog::debug("KafkaLog for topic {}: asking for {} offsets again: {}", topic_, what,
                  rd_kafka_err2str(err));
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stop_reading_), backoff)) {
        return absl::CancelledError(absl::StrCat("KafkaLog for topic ", topic_, " was stopped"));
      }
    }
    backoff = std::min(backoff * 2, kMaxRetryBackoff);
  }
}

absl::Status KafkaLog::ReadToEnd(absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    if (state_ != State::kStarted) {
      return absl::FailedPreconditionError(absl::StrCat(
          "KafkaLog for topic ", topic_, state_ == State::kCreated ? " is not started"
                                                                   : " was stopped"));
    }
  }
  return ReadToEndBy(absl::Now() + timeout);
}

absl::Status KafkaLog::ReadToEndBy(absl::Time deadline) {
  // As Java's readToEnd: this log's own writes first, so that they are part of what is read.
  absl::Status flushed = FlushBy(deadline);
  if (!flushed.ok()) return flushed;
  absl::StatusOr<std::vector<int64_t>> ends = QueryOffsets(RD_KAFKA_OFFSET_END, deadline);
  if (!ends.ok()) return ends.status();
  rd_kafka_queue_yield(read_queue_);  // so that the reader reports its positions now

  absl::MutexLock lock(&mu_);
  auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (stop_reading_) return true;
    for (size_t i = 0; i < partitions_.size(); ++i) {
      if (positions_[partitions_[i]] < (*ends)[i]) return false;
    }
    return true;
  };
  mu_.AwaitWithDeadline(absl::Condition(&reached), deadline);
  if (stop_reading_) {
    return absl::CancelledError(absl::StrCat("KafkaLog for topic ", topic_, " was stopped"));
  }
  if (reached()) return absl::OkStatus();
  std::vector<std::string> behind;
  for (size_t i = 0; i < partitions_.size(); ++i) {
    const int64_t at = positions_[partitions_[i]];
    if (at < (*ends)[i]) {
      behind.push_back(absl::StrCat(partitions_[i], " at ", at, " of ", (*ends)[i]));
    }
  }
  return absl::DeadlineExceededError(
      absl::StrCat("Timed out reading topic ", topic_,
                   " to its end offsets; behind in partition(s) ", absl::StrJoin(behind, ", ")));
}

absl::Status KafkaLog::Send(std::string_view key, std::optional<std::string_view> value,
                            std::optional<int32_t> partition, SendCallback done) {
  if (producer_ == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("KafkaLog for topic ", topic_, " is read-only"));
  }
  ProduceArgs args;
  args.topic = topic_.c_str();
  args.partition = partition.value_or(RD_KAFKA_PARTITION_UA);
  args.key = key.data();
  args.key_size = key.size();
  if (value.has_value()) {
    // A non-null pointer even for an empty value: null is what makes a tombstone.
    static const char kEmpty = 0;
    args.value = value->empty() ? &kEmpty : value->data();
    args.value_size = value->size();
  }
  // Held while queueing (which does not block), so that Stop sees every queued record.
  absl::MutexLock lock(&mu_);
  if (state_ != State::kStarted || stop_writing_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "KafkaLog for topic ", topic_, state_ == State::kCreated ? " is not started"
                                                                 : " was stopped"));
  }
  auto* callback = new SendCallback(std::move(done));
  args.opaque = callback;
  rd_kafka_resp_err_t err = Produce(producer_.get(), args);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    delete callback;
    return ToStatus(err, absl::StrCat("Queueing a record for topic ", topic_));
  }
  return absl::OkStatus();
}

absl::Status KafkaLog::Flush(absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    if (state_ != State::kStarted) {
      return absl::FailedPreconditionError(absl::StrCat(
          "KafkaLog for topic ", topic_, state_ == State::kCreated ? " is not started"
                                                                   : " was stopped"));
    }
  }
  return FlushBy(absl::Now() + timeout);
}

absl::Status KafkaLog::FlushBy(absl::Time deadline) {
  if (producer_ == nullptr) return absl::OkStatus();
  // The producer reports deliveries as events, so rd_kafka_flush only waits (sending at once,
  // whatever linger.ms says) until the writer thread has handled every delivery report.
  if (rd_kafka_flush(producer_.get(), MillisUntil(deadline)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::DeadlineExceededError(
        absl::StrCat("Timed out waiting for Kafka to acknowledge ",
                     rd_kafka_outq_len(producer_.get()), " record(s) written to topic ", topic_));
  }
  return absl::OkStatus();
}

void KafkaLog::UpdatePositions(rd_kafka_topic_partition_list_t* list) {
  rd_kafka_position(consumer_.get(), list);
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = list->elems[i];
    if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR || tp.offset < 0) continue;
    int64_t& at = positions_[tp.partition];
    at = std::max(at, tp.offset);
  }
}

void KafkaLog::ReadLoop() {
  PartitionList list;
  {
    absl::MutexLock lock(&mu_);
    list.reset(rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size())));
    for (int32_t p : partitions_) rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), p);
  }
  absl::Time refreshed = absl::InfinitePast();
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_reading_) break;
    }
    rd_kafka_message_t* m = rd_kafka_consume_queue(read_queue_, kIdleWaitMs);
    if (m != nullptr) {
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        LogRecord record;
        record.topic = topic_;
        record.partition = m->partition;
        record.offset = m->offset;
        if (m->key != nullptr) {
          record.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
        }
        if (m->payload != nullptr) {
          record.value = std::string_view(static_cast<const char*>(m->payload), m->len);
        }
        rd_kafka_timestamp_type_t type;
        const int64_t ts = rd_kafka_message_timestamp(m, &type);
        if (type != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) record.timestamp_ms = ts;
        on_record_(record);
        absl::MutexLock lock(&mu_);
        int64_t& at = positions_[m->partition];
        at = std::max(at, m->offset + 1);
      } else {
        spdlog::warn("KafkaLog for topic {}: reading partition {}: {}", topic_, m->partition,
                     rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
    }
    // When idle (or woken by ReadToEnd), and now and then while busy: the positions of every
    // partition, which also move past transaction markers, and the clients' error and log
    // events (nothing of ours waits on those).
    const absl::Time now = absl::Now();
    if (m == nullptr || now - refreshed >= kPositionRefresh) {
      rd_kafka_poll(consumer_.get(), 0);
      rd_kafka_poll(end_offsets_client_.get(), 0);
      UpdatePositions(list.get());
      refreshed = now;
    }
  }
}

void KafkaLog::HandleWriteEvent(rd_kafka_event_t* event) {
  switch (rd_kafka_event_type(event)) {
    case RD_KAFKA_EVENT_DR: {
      const rd_kafka_message_t* m;
      while ((m = rd_kafka_event_message_next(event)) != nullptr) {
        auto* callback = static_cast<SendCallback*>(m->_private);
        if (callback == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          (*callback)(SentRecord{m->partition, m->offset});
        } else {
          (*callback)(DeliveryError(m->err, topic_, m->partition));
        }
        delete callback;
      }
      break;
    }
    case RD_KAFKA_EVENT_ERROR:
      spdlog::warn("KafkaLog for topic {}: writer: {}", topic_, rd_kafka_event_error_string(event));
      break;
    default:
      break;
  }
  rd_kafka_event_destroy(event);
}

void KafkaLog::WriteLoop() {
  while (true) {
    rd_kafka_event_t* event = rd_kafka_queue_poll(write_events_, kIdleWaitMs);
    if (event != nullptr) {
      HandleWriteEvent(event);
      continue;
    }
    absl::MutexLock lock(&mu_);
    if (stop_writing_) break;  // Stop hands what is left to its own thread
  }
}

void KafkaLog::Stop() {
  absl::MutexLock stopping(&stop_mu_);
  bool reading = false;
  bool writing = false;
  {
    absl::MutexLock lock(&mu_);
    if (state_ == State::kStopped) return;
    state_ = State::kStopped;
    stop_reading_ = true;
    reading = reader_.joinable();
    writing = writer_.joinable();
  }
  if (reading) {
    rd_kafka_queue_yield(read_queue_);
    reader_.join();
  }
  std::vector<int32_t> partitions;
  {
    absl::MutexLock lock(&mu_);
    partitions = partitions_;
  }
  if (reading) {
    for (int32_t p : partitions) rd_kafka_consume_stop(read_topic_, p);
  }
  if (producer_ != nullptr) {
    {
      // Send holds mu_ while it queues a record, so nothing is queued after this.
      absl::MutexLock lock(&mu_);
      stop_writing_ = true;
    }
    // Discard what Kafka has not acknowledged. Purging blocks until the reports of the discarded
    // records are queued; whatever the writer thread has not handled when it ends is handled
    // here, so every Send's `done` has run when Stop returns.
    rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    if (writing) {
      rd_kafka_queue_yield(write_events_);
      writer_.join();
    }
    while (rd_kafka_event_t* event = rd_kafka_queue_poll(write_events_, 0)) {
      HandleWriteEvent(event);
    }
  }
  spdlog::info("KafkaLog for topic {} stopped", topic_);
}

}  // namespace sluice::kafka
