// The gRPC side of sluicectl: unary calls to sluice.v1.ConnectService with a deadline, their
// statuses as absl::Status (same code, the server's message unchanged), and the one mapping from
// a status to sluicectl's exit code.
//
//   ConnectClient client(grpc::CreateChannel(...), absl::Seconds(10));
//   absl::StatusOr<v1::ServerInfo> info =
//       client.Call(&v1::ConnectService::StubInterface::GetServerInfo, v1::GetServerInfoRequest());
//
// Calls do not wait for the channel to become ready: a server that refuses connections fails the
// call at once with UNAVAILABLE, one that does not answer fails at the deadline.
#ifndef SLUICE_TOOLS_SLUICECTL_CONNECT_CLIENT_H_
#define SLUICE_TOOLS_SLUICECTL_CONNECT_CLIENT_H_

#include <memory>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sluice/v1/connect.grpc.pb.h"

namespace sluice::sluicectl {

// sluicectl's exit codes.
enum class ExitCode : int {
  kOk = 0,
  kRejected = 1,     // the server answered an error, a file was unusable, validate found errors
  kUsage = 2,        // bad command line
  kUnreachable = 3,  // UNAVAILABLE or DEADLINE_EXCEEDED: no answer from the server in time
};

// The exit code for the outcome of a command (never kUsage: usage errors come from the parser).
ExitCode ExitCodeFor(const absl::Status& status);

// A gRPC status as absl::Status: the same canonical code and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Thread-compatible: one command runs its calls one after the other.
class ConnectClient {
 public:
  template <typename Request, typename Response>
  using Method = grpc::Status (sluice::v1::ConnectService::StubInterface::*)(
      grpc::ClientContext*, const Request&, Response*);

  // `authorization`: the "authorization" metadata every call carries ("" : none).
  ConnectClient(std::unique_ptr<sluice::v1::ConnectService::StubInterface> stub,
                absl::Duration timeout, std::string authorization = "")
      : stub_(std::move(stub)), timeout_(timeout), authorization_(std::move(authorization)) {}

  // Calls `method` with `request`; the server's status on failure (DEADLINE_EXCEEDED when no
  // answer came within the timeout).
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(Method<Request, Response> method, const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    if (!authorization_.empty()) context.AddMetadata("authorization", authorization_);
    Response response;
    grpc::Status status = ((*stub_).*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

 private:
  std::unique_ptr<sluice::v1::ConnectService::StubInterface> stub_;
  absl::Duration timeout_;
  const std::string authorization_;
};

}  // namespace sluice::sluicectl

#endif  // SLUICE_TOOLS_SLUICECTL_CONNECT_CLIENT_H_
