#include "server/api/status_mapping.h"

#include "gtest/gtest.h"
#include "server/herder/request_target.h"

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

using Metadata = std::vector<std::pair<std::string, std::string>>;

TEST(StatusMapping, TrailingMetadataTable) {
  struct Case {
    absl::Status status;
    Metadata metadata;
  };
  const Case cases[] = {
      {absl::OkStatus(), {}},
      {absl::NotFoundError("Connector x not found"), {}},
      {WithHttpStatus(absl::InvalidArgumentError("bad level"), 404),
       {{"sluice-http-status", "404"}}},
      {herder::NotLeader("Only the leader can set connector configs.",
                         "http://leader:8083/"),
       {{"sluice-http-status", "500"},
        {"sluice-not-leader", "true"},
        {"sluice-leader-url", "http://leader:8083/"}}},
      // No leader known yet: no URL, and the gateway answers Kafka Connect's 409.
      {herder::NotLeader("Only the leader can set connector configs.", std::nullopt),
       {{"sluice-http-status", "500"}, {"sluice-not-leader", "true"}}},
      // gRPC metadata carries printable ASCII only: an unusable URL is as good as none.
      {herder::NotLeader("x", "http://bad\nhost/"),
       {{"sluice-http-status", "500"}, {"sluice-not-leader", "true"}}},
      {herder::NotLeader("x", std::string("http://h\x01/")),
       {{"sluice-http-status", "500"}, {"sluice-not-leader", "true"}}},
      {herder::RebalanceNeeded(),
       {{"sluice-http-status", "500"}, {"sluice-rebalance-needed", "true"}}},
      // An explicit HTTP status wins over the default 500.
      {WithHttpStatus(herder::NotLeader("x", "http://l/"), 503),
       {{"sluice-http-status", "503"},
        {"sluice-not-leader", "true"},
        {"sluice-leader-url", "http://l/"}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TrailingMetadata(c.status), c.metadata) << c.status;
  }
}

TEST(StatusMapping, RequestTargetStatusesKeepKafkaConnectsMessages) {
  grpc::Status g = ToGrpcStatus(
      herder::NotLeader("Only the leader may write task configurations.", "http://l:8083/"),
      nullptr);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(g.error_message(), "Only the leader may write task configurations.");
  g = ToGrpcStatus(herder::RebalanceNeeded(), nullptr);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(g.error_message(), "Request cannot be completed because a rebalance is expected");
}

TEST(RequestTarget, NotLeaderCarriesTheLeaderUrl) {
  absl::Status s = herder::NotLeader("Only the leader can delete connector configs.",
                                     "http://10.0.0.7:8083/");
  EXPECT_TRUE(herder::IsNotLeader(s));
  EXPECT_FALSE(herder::IsRebalanceNeeded(s));
  EXPECT_EQ(herder::LeaderUrl(s), "http://10.0.0.7:8083/");
  EXPECT_EQ(herder::LeaderUrl(herder::NotLeader("m", std::nullopt)), std::nullopt);
  EXPECT_TRUE(herder::IsNotLeader(herder::NotLeader("m", std::nullopt)));
  EXPECT_FALSE(herder::IsNotLeader(absl::FailedPreconditionError("m")));
  EXPECT_EQ(herder::LeaderUrl(absl::InternalError("m")), std::nullopt);
  EXPECT_TRUE(herder::IsRebalanceNeeded(herder::RebalanceNeeded()));
}

}  // namespace
}  // namespace sluice::api
