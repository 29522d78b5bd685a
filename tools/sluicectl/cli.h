// sluicectl's command line: the global options, the table of commands with their arguments and
// flags, and the parser that turns argv into an Invocation (or a usage error, exit code 2).
//
//   absl::StatusOr<Invocation> inv = ParseCommandLine(args, Commands(), {.server = "h:8084"});
//
// The parser knows nothing of gRPC; each CommandSpec points at the function that runs it
// (commands.h). Thread-safe (pure functions over immutable tables).
#ifndef SLUICE_TOOLS_SLUICECTL_CLI_H_
#define SLUICE_TOOLS_SLUICECTL_CLI_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace sluice::sluicectl {

// How results are printed: aligned tables (kTable; kWide adds columns where a command has
// more to show, e.g. list's states) or the RPC's response as proto JSON (kJson).
enum class OutputFormat { kTable, kWide, kJson };

// A command-specific flag: `--name` alone (boolean, empty value_name) or `--name VALUE`.
struct FlagSpec {
  absl::string_view name;        // without the leading "--"
  absl::string_view value_name;  // empty for a boolean flag
  absl::string_view help;
};

struct Invocation;
class Session;  // commands.h
using CommandHandler = absl::Status (*)(const Invocation&, Session&);

// One command: its words ("offsets alter"), positional arguments and flags.
struct CommandSpec {
  absl::string_view name;
  absl::string_view args;     // usage of the positionals, e.g. "NAME FILE.json"
  absl::string_view summary;  // one line for the command list
  absl::string_view details;  // more help, may be empty
  std::vector<FlagSpec> flags;
  int min_args = 0;
  int max_args = 0;
  CommandHandler run = nullptr;
};

// Defaults of the global options (from the environment, see main.cc).
struct GlobalDefaults {
  std::string server = "localhost:8084";
  absl::Duration timeout = absl::Seconds(10);
};

// What the user asked for.
struct Invocation {
  // The command, or null when help for the whole tool was asked for.
  const CommandSpec* command = nullptr;
  bool help = false;  // print help (of `command`, or of the tool) and do nothing else
  std::vector<std::string> args;
  std::map<std::string, std::string, std::less<>> flags;  // boolean flags map to ""
  std::string server;
  OutputFormat output = OutputFormat::kTable;
  absl::Duration timeout;

  bool Has(absl::string_view flag) const { return flags.find(flag) != flags.end(); }
  std::optional<std::string> Flag(absl::string_view flag) const;
};

// Parses args (argv without the program name). Global options (--server, -o/--output,
// --timeout, -h/--help) may appear anywhere; `--` ends option parsing. InvalidArgument for
// usage errors, with a message that ends in the command's usage line.
absl::StatusOr<Invocation> ParseCommandLine(absl::Span<const std::string> args,
                                            absl::Span<const CommandSpec> commands,
                                            const GlobalDefaults& defaults);

// Help text for the whole tool (commands listed) and for one command.
std::string ToolHelp(absl::Span<const CommandSpec> commands);
std::string CommandHelp(const CommandSpec& command);

}  // namespace sluice::sluicectl

#endif  // SLUICE_TOOLS_SLUICECTL_CLI_H_
