#include "server/api/status_mapping.h"

#include "gtest/gtest.h"

namespace sluice::api {
namespace {

TEST(StatusMapping, KeepsCodeAndMessage) {
  const absl::Status cases[] = {
      absl::NotFoundError("Connector x not found"),
      absl::AlreadyExistsError("Connector x already exists"),
      absl::InvalidArgumentError("Connector configuration is invalid"),
      absl::InternalError("Failed to find any class"),
      absl::UnavailableError("broker down"),
      absl::DeadlineExceededError("Request timed out"),
  };
  for (const absl::Status& s : cases) {
    grpc::Status g = ToGrpcStatus(s, nullptr);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(s.code()));
    EXPECT_EQ(g.error_message(), s.message());
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus(), nullptr).ok());
}

TEST(StatusMapping, DefaultHttpStatusesFollowKafkaConnect) {
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kDeadlineExceeded), 500);
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(DefaultHttpStatus(absl::StatusCode::kUnimplemented), 501);
}

TEST(StatusMapping, HttpStatusTravelsAsAPayload) {
  absl::Status s = WithHttpStatus(absl::NotFoundError("Logger x not found."), 404);
  EXPECT_EQ(s.GetPayload(kHttpStatusPayload).value(), absl::Cord("404"));
  EXPECT_EQ(s.message(), "Logger x not found.");
}

}  // namespace
}  // namespace sluice::api
