// Synchronous writes to a store's KafkaLog, as Kafka Connect's stores make them (send every
// record, then wait for each acknowledgement), and the context their errors get. Internal to
// the Kafka-backed stores.
//
// Thread-safe: functions without shared state of their own.
#ifndef SLUICE_SERVER_STORE_KAFKA_SEND_H_
#define SLUICE_SERVER_STORE_KAFKA_SEND_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/kafka/kafka_log.h"
#include "server/store/topic_record.h"

namespace sluice::store {

// Sends `records` in order and waits until Kafka acknowledged every one or one failed, until
// `deadline`. Returns where each landed, in order. Errors: the first failure (a send refused by
// the log, or a delivery error: Unavailable for transient ones); DeadlineExceeded ("Timed out
// waiting for Kafka to acknowledge 2 of 3 records written to topic 'x'") at the deadline. On
// error, records already sent may still land.
absl::StatusOr<std::vector<kafka::SentRecord>> SendAll(kafka::KafkaLog& log,
                                                       const std::vector<TopicRecord>& records,
                                                       absl::Time deadline);

// `status` with "<context>: " before its message (Java's ConnectException message with its
// cause); OK stays OK.
absl::Status WithContext(std::string_view context, const absl::Status& status);

}  // namespace sluice::store

#endif  // SLUICE_SERVER_STORE_KAFKA_SEND_H_
