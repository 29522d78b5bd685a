// sluicectl's commands: each runs one ConnectService RPC (describe runs two) and prints the
// answer as a table or, with -o json, as the response's proto JSON (proto field names, every
// field shown) so scripts can parse it.
//
//   Session session(client, OutputFormat::kTable, std::cout);
//   absl::Status s = invocation.command->run(invocation, session);
//
// Session is thread-compatible; the command table is immutable.
#ifndef SLUICE_TOOLS_SLUICECTL_COMMANDS_H_
#define SLUICE_TOOLS_SLUICECTL_COMMANDS_H_

#include <ostream>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tools/sluicectl/cli.h"
#include "tools/sluicectl/connect_client.h"

namespace sluice::sluicectl {

// What a running command uses: the client, the output format and the output stream.
class Session {
 public:
  Session(ConnectClient& client, OutputFormat format, std::ostream& out)
      : client_(client), format_(format), out_(out) {}

  ConnectClient& client() { return client_; }
  OutputFormat format() const { return format_; }
  bool json() const { return format_ == OutputFormat::kJson; }
  std::ostream& out() { return out_; }

  // Writes `message` as indented proto JSON with proto field names and default values shown.
  // Internal if the message cannot be serialized.
  absl::Status PrintJson(const google::protobuf::Message& message);

 private:
  ConnectClient& client_;
  OutputFormat format_;
  std::ostream& out_;
};

// Every command, in the order of the help text.
const std::vector<CommandSpec>& Commands();

// A usage error found while running a command (e.g. TASK is not a number): exit code 2.
absl::Status UsageStatus(absl::string_view message);
bool IsUsageStatus(const absl::Status& status);

}  // namespace sluice::sluicectl

#endif  // SLUICE_TOOLS_SLUICECTL_COMMANDS_H_
