#include "tools/sluicectl/connect_client.h"

#include "absl/strings/str_cat.h"

namespace sluice::sluicectl {

ExitCode ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return ExitCode::kOk;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return ExitCode::kUnreachable;
    default:
      return ExitCode::kRejected;
  }
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  // grpc::StatusCode and absl::StatusCode share the canonical numbering (0..16).
  auto code = static_cast<absl::StatusCode>(status.error_code());
  if (status.ok() || !status.error_message().empty()) {
    return absl::Status(code, status.error_message());
  }
  // A status without a message (a method the server does not implement yet, for one) would
  // print as a bare "error: "; name the code instead.
  if (code == absl::StatusCode::kUnimplemented) {
    return absl::UnimplementedError("the server does not implement this call (UNIMPLEMENTED)");
  }
  return absl::Status(code, absl::StrCat(absl::StatusCodeToString(code),
                                         " (the server gave no message)"));
}

}  // namespace sluice::sluicectl
