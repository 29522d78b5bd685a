#include "plugin-host/plugin_call.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "plugin-host/grpc_status.h"

namespace sluice::plugin_host {
namespace {

using ::testing::HasSubstr;

TEST(CallPlugin, PassesResultsAndStatusesThrough) {
  absl::StatusOr<int> value = CallPlugin("f", kConnectorTask, [] { return 7; });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  absl::Status status =
      CallPlugin("f", kConnectorTask, [] { return absl::InvalidArgumentError("bad"); });
  EXPECT_EQ(status, absl::InvalidArgumentError("bad"));
  EXPECT_EQ(TraceOf(status), "INVALID_ARGUMENT: bad");
  absl::StatusOr<std::string> or_value =
      CallPlugin("f", kConnectorTask, [] { return absl::StatusOr<std::string>("x"); });
  EXPECT_EQ(*or_value, "x");
  EXPECT_TRUE(CallPlugin("f", kConnectorTask, [] {}).ok());
}

TEST(CallPlugin, TurnsExceptionsIntoUnknownWithATrace) {
  absl::Status status = CallPlugin("SourceTask::Poll", 3, []() -> absl::Status {
    throw std::runtime_error("disk on fire");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(status.message(), "SourceTask::Poll threw std::runtime_error: disk on fire");
  EXPECT_THAT(TraceOf(status), HasSubstr("std::runtime_error: disk on fire"));
  EXPECT_THAT(TraceOf(status), HasSubstr("SourceTask::Poll"));

  absl::StatusOr<int> value = CallPlugin("f", 1, []() -> int { throw 42; });
  EXPECT_EQ(value.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(value.status().message(), "f threw int: (not a std::exception)");
}

TEST(CallPlugin, AttributesTheCallToItsTask) {
  EXPECT_EQ(CurrentTask(), kConnectorTask);
  int seen = -2;
  ASSERT_TRUE(CallPlugin("f", 5, [&] { seen = CurrentTask(); }).ok());
  EXPECT_EQ(seen, 5);
  EXPECT_EQ(CurrentTask(), kConnectorTask);
}

TEST(ToGrpcStatus, KeepsCodeAndMessage) {
  const absl::Status cases[] = {
      absl::InvalidArgumentError("a"), absl::NotFoundError("b"),
      absl::FailedPreconditionError("c"), absl::UnavailableError("d"),
      absl::DeadlineExceededError("e"), absl::InternalError("f"), absl::UnknownError("g")};
  for (const absl::Status& status : cases) {
    grpc::Status mapped = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(mapped.error_code()), static_cast<int>(status.code()));
    EXPECT_EQ(mapped.error_message(), status.message());
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace sluice::plugin_host
