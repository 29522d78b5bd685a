#include "tools/sluicectl/cli.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sluice::sluicectl {

namespace {

constexpr absl::string_view kProgram = "sluicectl";

// Global options, shown in every help text.
constexpr absl::string_view kGlobalOptionsHelp =
    "Global options:\n"
    "  --server HOST:PORT   sluiced's gRPC address (env SLUICE_SERVER; default localhost:8084);\n"
    "                       https://HOST:PORT for a TLS listener, verified with the CA file\n"
    "                       SLUICE_TLS_CA_FILE (default: the system's), with the client\n"
    "                       certificate SLUICE_TLS_CERT_FILE and key SLUICE_TLS_KEY_FILE\n"
    "  -o, --output FORMAT  table (default), wide (more columns) or json (the response as\n"
    "                       proto JSON with proto field names)\n"
    "  --timeout DURATION   deadline of each call, e.g. 10s (default), 500ms, 1m\n"
    "  -h, --help           show help\n"
    "Credentials (when the worker asks for them), from the environment: SLUICE_TOKEN (a bearer\n"
    "token), or SLUICE_USER and SLUICE_PASSWORD (basic authentication).\n";

std::string UsageLine(const CommandSpec* command) {
  if (command == nullptr) {
    return absl::StrCat("usage: ", kProgram, " [global options] COMMAND [ARGS] [FLAGS]\n",
                        "Run '", kProgram, " --help' for the commands.");
  }
  std::string line = absl::StrCat("usage: ", kProgram, " ", command->name);
  if (!command->args.empty()) absl::StrAppend(&line, " ", command->args);
  for (const FlagSpec& flag : command->flags) {
    absl::StrAppend(&line, " [--", flag.name,
                    flag.value_name.empty() ? "" : absl::StrCat(" ", flag.value_name), "]");
  }
  absl::StrAppend(&line, "\nRun '", kProgram, " ", command->name, " --help' for more.");
  return line;
}

absl::Status UsageError(absl::string_view problem, const CommandSpec* command) {
  return absl::InvalidArgumentError(absl::StrCat(problem, "\n", UsageLine(command)));
}

const CommandSpec* FindCommand(absl::Span<const CommandSpec> commands, absl::string_view name) {
  for (const CommandSpec& c : commands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// The subcommands of a group such as "offsets", or empty when `word` is no group.
std::vector<absl::string_view> Subcommands(absl::Span<const CommandSpec> commands,
                                          absl::string_view word) {
  std::vector<absl::string_view> subs;
  std::string prefix = absl::StrCat(word, " ");
  for (const CommandSpec& c : commands) {
    if (absl::StartsWith(c.name, prefix)) subs.push_back(c.name.substr(prefix.size()));
  }
  return subs;
}

const FlagSpec* FindFlag(const CommandSpec* command, absl::string_view name) {
  if (command == nullptr) return nullptr;
  for (const FlagSpec& f : command->flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

absl::StatusOr<OutputFormat> ParseOutput(absl::string_view value) {
  if (value == "table") return OutputFormat::kTable;
  if (value == "wide") return OutputFormat::kWide;
  if (value == "json") return OutputFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown output format \"", value, "\": expected table, wide or json"));
}

}  // namespace

std::optional<std::string> Invocation::Flag(absl::string_view flag) const {
  auto it = flags.find(flag);
  if (it == flags.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<Invocation> ParseCommandLine(absl::Span<const std::string> args,
                                            absl::Span<const CommandSpec> commands,
                                            const GlobalDefaults& defaults) {
  Invocation inv;
  inv.server = defaults.server;
  inv.timeout = defaults.timeout;
  // Help wins over every other problem, so `sluicectl create --help` works without a FILE.
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "-h" || arg == "--help") inv.help = true;
  }

  std::vector<std::string> words;  // positionals, the command's words first
  bool options_ended = false;
  bool command_resolved = false;
  bool help_command = false;  // `sluicectl help [COMMAND]`

  // Resolves the command from the first positional(s); `next` is the token after it, if any.
  auto resolve = [&](const std::string& first, const std::string* next) -> absl::StatusOr<int> {
    if (next != nullptr) {
      if (const CommandSpec* c = FindCommand(commands, absl::StrCat(first, " ", *next))) {
        inv.command = c;
        return 2;
      }
    }
    if (const CommandSpec* c = FindCommand(commands, first)) {
      inv.command = c;
      return 1;
    }
    if (std::vector<absl::string_view> subs = Subcommands(commands, first); !subs.empty()) {
      return UsageError(absl::StrCat("\"", first, "\" needs a subcommand: ",
                                     absl::StrJoin(subs, ", ")),
                        nullptr);
    }
    return UsageError(absl::StrCat("unknown command \"", first, "\""), nullptr);
  };

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool is_option = !options_ended && arg.size() > 1 && arg[0] == '-';
    if (!is_option) {
      if (!command_resolved) {
        if (arg == "help" && !help_command) {
          help_command = true;
          inv.help = true;
          continue;
        }
        const std::string* next =
            (i + 1 < args.size() && (args[i + 1].empty() || args[i + 1][0] != '-'))
                ? &args[i + 1]
                : nullptr;
        absl::StatusOr<int> taken = resolve(arg, next);
        if (!taken.ok()) return taken.status();
        command_resolved = true;
        i += *taken - 1;
        continue;
      }
      inv.args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") continue;

    // -o VALUE, --name VALUE or --name=VALUE.
    std::string name;
    std::optional<std::string> inline_value;
    if (arg == "-o") {
      name = "output";
    } else if (absl::StartsWith(arg, "--")) {
      absl::string_view body = absl::string_view(arg).substr(2);
      size_t eq = body.find('=');
      name = std::string(body.substr(0, eq));
      if (eq != absl::string_view::npos) inline_value = std::string(body.substr(eq + 1));
    } else {
      if (inv.help) continue;
      return UsageError(absl::StrCat("unknown option ", arg), inv.command);
    }
    auto take_value = [&]() -> absl::StatusOr<std::string> {
      if (inline_value.has_value()) return *inline_value;
      if (i + 1 >= args.size()) {
        return UsageError(absl::StrCat("option ", arg, " needs a value"), inv.command);
      }
      return args[++i];
    };

    if (name == "server" || name == "output" || name == "timeout") {
      absl::StatusOr<std::string> value = take_value();
      if (!value.ok()) return value.status();
      if (name == "server") {
        if (value->empty()) return UsageError("--server needs HOST:PORT", inv.command);
        inv.server = *value;
      } else if (name == "output") {
        absl::StatusOr<OutputFormat> format = ParseOutput(*value);
        if (!format.ok()) return UsageError(format.status().message(), inv.command);
        inv.output = *format;
      } else {
        absl::Duration timeout;
        if (!absl::ParseDuration(*value, &timeout) || timeout <= absl::ZeroDuration()) {
          return UsageError(absl::StrCat("invalid --timeout \"", *value,
                                         "\": expected a positive duration such as 10s"),
                            inv.command);
        }
        inv.timeout = timeout;
      }
      continue;
    }
    const FlagSpec* flag = FindFlag(inv.command, name);
    if (flag == nullptr) {
      if (inv.help) continue;
      return UsageError(absl::StrCat("unknown option --", name), inv.command);
    }
    if (flag->value_name.empty()) {
      if (inline_value.has_value()) {
        return UsageError(absl::StrCat("option --", name, " takes no value"), inv.command);
      }
      inv.flags[name] = "";
    } else {
      absl::StatusOr<std::string> value = take_value();
      if (!value.ok()) return value.status();
      inv.flags[name] = *value;
    }
  }

  if (inv.help) return inv;
  if (inv.command == nullptr) return UsageError("no command given", nullptr);
  int n = static_cast<int>(inv.args.size());
  if (n < inv.command->min_args) {
    return UsageError(absl::StrCat("missing argument: ", inv.command->args), inv.command);
  }
  if (n > inv.command->max_args) {
    return UsageError(absl::StrCat("unexpected argument \"", inv.args[inv.command->max_args], "\""),
                      inv.command);
  }
  return inv;
}

std::string ToolHelp(absl::Span<const CommandSpec> commands) {
  std::string out = absl::StrCat(
      kProgram, ": the command-line client of Sluice's gRPC API (sluice.v1.ConnectService).\n\n",
      "usage: ", kProgram, " [global options] COMMAND [ARGS] [FLAGS]\n\nCommands:\n");
  size_t width = 0;
  std::vector<std::string> heads;
  for (const CommandSpec& c : commands) {
    heads.push_back(c.args.empty() ? std::string(c.name) : absl::StrCat(c.name, " ", c.args));
    width = std::max(width, heads.back().size());
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    absl::StrAppend(&out, "  ", heads[i], std::string(width - heads[i].size() + 2, ' '),
                    commands[i].summary, "\n");
  }
  absl::StrAppend(&out, "\n", kGlobalOptionsHelp,
                  "\nExit codes: 0 success; 1 the server rejected the request (or validate found "
                  "errors,\nor a file could not be read); 2 usage error; 3 the server could not "
                  "be reached\n(unavailable or past the deadline).\n",
                  "\nRun '", kProgram, " COMMAND --help' for a command's flags.\n");
  return out;
}

std::string CommandHelp(const CommandSpec& command) {
  std::string out = absl::StrCat(UsageLine(&command).substr(0, UsageLine(&command).find('\n')),
                                 "\n\n", command.summary, "\n");
  if (!command.details.empty()) absl::StrAppend(&out, "\n", command.details, "\n");
  if (!command.flags.empty()) {
    absl::StrAppend(&out, "\nFlags:\n");
    size_t width = 0;
    std::vector<std::string> heads;
    for (const FlagSpec& f : command.flags) {
      heads.push_back(absl::StrCat("--", f.name,
                                   f.value_name.empty() ? "" : absl::StrCat(" ", f.value_name)));
      width = std::max(width, heads.back().size());
    }
    for (size_t i = 0; i < command.flags.size(); ++i) {
      absl::StrAppend(&out, "  ", heads[i], std::string(width - heads[i].size() + 2, ' '),
                      command.flags[i].help, "\n");
    }
  }
  absl::StrAppend(&out, "\n", kGlobalOptionsHelp);
  return out;
}

}  // namespace sluice::sluicectl
