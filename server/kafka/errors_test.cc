#include "server/kafka/errors.h"

#include "gtest/gtest.h"

namespace sluice::kafka {
namespace {

TEST(KafkaErrors, MapsEachClassOfErrorToItsCode) {
  struct Case {
    rd_kafka_resp_err_t err;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {RD_KAFKA_RESP_ERR_NO_ERROR, absl::StatusCode::kOk},
      {RD_KAFKA_RESP_ERR__TRANSPORT, absl::StatusCode::kUnavailable},
      {RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE, absl::StatusCode::kUnimplemented},
      {RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION, absl::StatusCode::kUnimplemented},
      {RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP, absl::StatusCode::kFailedPrecondition},
      {RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC, absl::StatusCode::kFailedPrecondition},
      {RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, absl::StatusCode::kUnavailable},
      {RD_KAFKA_RESP_ERR__QUEUE_FULL, absl::StatusCode::kUnavailable},
      {RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, absl::StatusCode::kUnavailable},
      {RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE, absl::StatusCode::kDeadlineExceeded},
      {RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, absl::StatusCode::kNotFound},
      {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, absl::StatusCode::kInvalidArgument},
      {RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, absl::StatusCode::kPermissionDenied},
      {RD_KAFKA_RESP_ERR__FENCED, absl::StatusCode::kFailedPrecondition},
      {RD_KAFKA_RESP_ERR_INVALID_MSG, absl::StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ToStatus(c.err, "ctx").code(), c.code) << rd_kafka_err2name(c.err);
  }
}

TEST(KafkaErrors, MessageCarriesContextAndLibrdkafkaText) {
  absl::Status s = ToStatus(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "Producing to lines");
  EXPECT_EQ(s.message(), std::string("Producing to lines: ") +
                             rd_kafka_err2str(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART));
}

}  // namespace
}  // namespace sluice::kafka
