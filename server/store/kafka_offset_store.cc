#include "server/store/kafka_offset_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/store/kafka_send.h"
#include "spdlog/spdlog.h"

namespace sluice::store {

KafkaOffsetStore::KafkaOffsetStore(Options options) : options_(std::move(options)) {}

KafkaOffsetStore::~KafkaOffsetStore() { Stop(); }

absl::Status KafkaOffsetStore::Start(absl::Duration timeout) {
  if (log_ != nullptr) return absl::FailedPreconditionError("The offset store was started already");
  StoreLogSpec spec{
      .purpose = kafka::InternalTopic::kOffsets,
      .client_id_suffix = "offsets",
      .forced_producer_settings = {{"enable.idempotence", "false"},
                                   {"delivery.timeout.ms", "2147483647"}},
      .on_record = [this](const kafka::LogRecord& record) { OnRecord(record); }};
  absl::StatusOr<std::unique_ptr<kafka::KafkaLog>> log =
      OpenStoreLog(options_.kafka, std::move(spec), timeout);
  if (!log.ok()) return log.status();
  log_ = *std::move(log);
  return absl::OkStatus();
}

void KafkaOffsetStore::Stop() {
  if (log_ != nullptr) log_->Stop();
}

absl::Status KafkaOffsetStore::Refresh(absl::Duration timeout) {
  if (log_ == nullptr) return absl::FailedPreconditionError("The offset store is not started");
  return log_->ReadToEnd(timeout);
}

void KafkaOffsetStore::OnRecord(const kafka::LogRecord& record) {
  std::optional<std::string> key;
  if (record.key.has_value()) key = std::string(*record.key);
  std::optional<std::string> value;
  if (record.value.has_value()) value = std::string(*record.value);
  absl::MutexLock lock(&mu_);
  state_.Apply(key, value);
  read_positions_[record.partition] = record.offset + 1;
}

absl::Status KafkaOffsetStore::Write(const std::vector<OffsetWrite>& writes) {
  if (log_ == nullptr) return absl::FailedPreconditionError("The offset store is not started");
  if (writes.empty()) return absl::OkStatus();
  const absl::Time deadline = absl::Now() + options_.write_timeout;
  std::vector<TopicRecord> records;
  records.reserve(writes.size());
  for (const auto& [key, value] : writes) records.push_back({key, value});
  absl::StatusOr<std::vector<kafka::SentRecord>> sent = SendAll(*log_, records, deadline);
  if (!sent.ok()) {
    return WithContext(absl::StrCat("Failed to write offsets to topic '", log_->topic(), "'"),
                       sent.status());
  }

  absl::MutexLock lock(&mu_);
  auto read_back = [this, &sent]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const kafka::SentRecord& r : *sent) {
      auto it = read_positions_.find(r.partition);
      if (it == read_positions_.end() || it->second <= r.offset) return false;
    }
    return true;
  };
  if (!mu_.AwaitWithDeadline(absl::Condition(&read_back), deadline)) {
    // Durable but not read back yet: make them visible now. The reader applies them again (and
    // anything written after them) when it gets there.
    spdlog::warn("Offsets written to topic {} were not read back within {}; applying them "
                 "to the cache directly",
                 log_->topic(), absl::FormatDuration(options_.write_timeout));
    for (const auto& [key, value] : writes) state_.Apply(key, value);
  }
  return absl::OkStatus();
}

std::optional<std::string> KafkaOffsetStore::Get(absl::string_view key) const {
  absl::MutexLock lock(&mu_);
  return state_.Get(std::string(key));
}

std::vector<std::pair<std::string, std::string>> KafkaOffsetStore::All() const {
  absl::MutexLock lock(&mu_);
  const std::map<std::string, std::string>& entries = state_.Entries();
  return {entries.begin(), entries.end()};
}

std::vector<Value> KafkaOffsetStore::ConnectorPartitions(const std::string& connector) const {
  absl::MutexLock lock(&mu_);
  return state_.ConnectorPartitions(connector);
}

}  // namespace sluice::store
