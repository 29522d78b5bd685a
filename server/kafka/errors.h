// The one mapping from librdkafka errors to absl::Status at the Kafka boundary.
#ifndef SLUICE_SERVER_KAFKA_ERRORS_H_
#define SLUICE_SERVER_KAFKA_ERRORS_H_

#include "absl/strings/string_view.h"

#include <librdkafka/rdkafka.h>

#include "absl/status/status.h"

namespace sluice::kafka {

// OK for RD_KAFKA_RESP_ERR_NO_ERROR. Transient errors (broker down, timeouts, leader changes,
// full queues) map to Unavailable (retriable); configuration and authorisation problems to
// InvalidArgument / PermissionDenied; unknown topics to NotFound; a call the broker does not
// implement to Unimplemented; a group that still has members (NON_EMPTY_GROUP,
// GROUP_SUBSCRIBED_TO_TOPIC) to FailedPrecondition; the rest to Internal. The
// message is "<context>: <librdkafka's error text>".
absl::Status ToStatus(rd_kafka_resp_err_t err, absl::string_view context);

}  // namespace sluice::kafka

#endif  // SLUICE_SERVER_KAFKA_ERRORS_H_
