#include "tools/sluicectl/connect_client.h"

#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace sluice::sluicectl {
namespace {

TEST(ExitCodeFor, MapsEveryCanonicalCode) {
  const std::vector<std::pair<absl::StatusCode, ExitCode>> table = {
      {absl::StatusCode::kOk, ExitCode::kOk},
      {absl::StatusCode::kCancelled, ExitCode::kRejected},
      {absl::StatusCode::kUnknown, ExitCode::kRejected},
      {absl::StatusCode::kInvalidArgument, ExitCode::kRejected},
      {absl::StatusCode::kDeadlineExceeded, ExitCode::kUnreachable},
      {absl::StatusCode::kNotFound, ExitCode::kRejected},
      {absl::StatusCode::kAlreadyExists, ExitCode::kRejected},
      {absl::StatusCode::kPermissionDenied, ExitCode::kRejected},
      {absl::StatusCode::kResourceExhausted, ExitCode::kRejected},
      {absl::StatusCode::kFailedPrecondition, ExitCode::kRejected},
      {absl::StatusCode::kAborted, ExitCode::kRejected},
      {absl::StatusCode::kOutOfRange, ExitCode::kRejected},
      {absl::StatusCode::kUnimplemented, ExitCode::kRejected},
      {absl::StatusCode::kInternal, ExitCode::kRejected},
      {absl::StatusCode::kUnavailable, ExitCode::kUnreachable},
      {absl::StatusCode::kDataLoss, ExitCode::kRejected},
      {absl::StatusCode::kUnauthenticated, ExitCode::kRejected},
  };
  for (const auto& [code, exit] : table) {
    EXPECT_EQ(ExitCodeFor(absl::Status(code, code == absl::StatusCode::kOk ? "" : "m")), exit)
        << absl::StatusCodeToString(code);
  }
}

TEST(FromGrpcStatus, KeepsCodeAndMessage) {
  absl::Status s =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "Connector x not found"));
  EXPECT_EQ(s, absl::NotFoundError("Connector x not found"));
}

TEST(FromGrpcStatus, NamesTheCodeWhenTheServerGaveNoMessage) {
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "")),
            absl::UnimplementedError("the server does not implement this call (UNIMPLEMENTED)"));
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::INTERNAL, "")),
            absl::InternalError("INTERNAL (the server gave no message)"));
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

}  // namespace
}  // namespace sluice::sluicectl
