#include "server/store/kafka_send.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace sluice::store {
namespace {

absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The acknowledgements of one SendAll. Shared (std::shared_ptr) by the SendAll call and the
// send completions, which may run after SendAll returned at its deadline.
struct Batch {
  explicit Batch(size_t n) : results(n) {}

  absl::Mutex mu;
  std::vector<std::optional<kafka::SentRecord>> results ABSL_GUARDED_BY(mu);
  size_t acknowledged ABSL_GUARDED_BY(mu) = 0;
  absl::Status first_error ABSL_GUARDED_BY(mu);
};

}  // namespace

absl::StatusOr<std::vector<kafka::SentRecord>> SendAll(kafka::KafkaLog& log,
                                                       const std::vector<TopicRecord>& records,
                                                       absl::Time deadline) {
  auto batch = std::make_shared<Batch>(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const TopicRecord& r = records[i];
    std::optional<std::string_view> value;
    if (r.value.has_value()) value = *r.value;
    absl::Status sent = log.Send(
        r.key, value, std::nullopt, [batch, i](const absl::StatusOr<kafka::SentRecord>& result) {
          absl::MutexLock lock(&batch->mu);
          if (result.ok()) {
            batch->results[i] = *result;
            ++batch->acknowledged;
          } else if (batch->first_error.ok()) {
            batch->first_error = result.status();
          }
        });
    if (!sent.ok()) return sent;
  }
  absl::MutexLock lock(&batch->mu);
  auto settled = [&batch]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(batch->mu) {
    return !batch->first_error.ok() || batch->acknowledged == batch->results.size();
  };
  batch->mu.AwaitWithDeadline(absl::Condition(&settled), deadline);
  if (!batch->first_error.ok()) return batch->first_error;
  if (batch->acknowledged < batch->results.size()) {
    return absl::DeadlineExceededError(
        absl::StrCat("Timed out waiting for Kafka to acknowledge ",
                     batch->results.size() - batch->acknowledged, " of ",
                     batch->results.size(), " records written to topic '", log.topic(), "'"));
  }
  std::vector<kafka::SentRecord> out;
  out.reserve(records.size());
  for (const std::optional<kafka::SentRecord>& r : batch->results) out.push_back(*r);
  return out;
}

absl::Status WithContext(std::string_view context, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(Av(context), ": ", status.message()));
}

}  // namespace sluice::store
