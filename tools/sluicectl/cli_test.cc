#include "tools/sluicectl/cli.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::sluicectl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;

const std::vector<CommandSpec>& TestCommands() {
  static const std::vector<CommandSpec>* const kCommands = new std::vector<CommandSpec>{
      {.name = "list", .summary = "List"},
      {.name = "create",
       .args = "FILE",
       .summary = "Create",
       .flags = {{.name = "name", .value_name = "NAME", .help = "the name"}},
       .min_args = 1, .max_args = 1},
      {.name = "restart",
       .args = "NAME",
       .summary = "Restart",
       .flags = {{.name = "include-tasks", .help = "tasks too"}},
       .min_args = 1, .max_args = 1},
      {.name = "offsets get", .args = "NAME", .summary = "Get", .min_args = 1, .max_args = 1},
      {.name = "offsets alter", .args = "NAME FILE", .summary = "Alter", .min_args = 2,
       .max_args = 2},
      {.name = "loggers", .args = "[NAME]", .summary = "Loggers", .max_args = 1},
      {.name = "loggers set", .args = "NAME LEVEL", .summary = "Set", .min_args = 2,
       .max_args = 2},
  };
  return *kCommands;
}

absl::StatusOr<Invocation> Parse(std::vector<std::string> args) {
  return ParseCommandLine(args, TestCommands(), {.server = "default:8084"});
}

TEST(ParseCommandLine, ReadsCommandArgumentsAndFlagsInAnyOrder) {
  absl::StatusOr<Invocation> inv =
      Parse({"--server", "h:1", "create", "--name=n", "c.properties", "-o", "json"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command->name, "create");
  EXPECT_THAT(inv->args, ElementsAre("c.properties"));
  EXPECT_THAT(inv->flags, ElementsAre(Pair("name", "n")));
  EXPECT_EQ(inv->server, "h:1");
  EXPECT_EQ(inv->output, OutputFormat::kJson);
  EXPECT_EQ(inv->timeout, absl::Seconds(10));
  EXPECT_FALSE(inv->help);
}

TEST(ParseCommandLine, UsesDefaultsAndBooleanFlags) {
  absl::StatusOr<Invocation> inv = Parse({"restart", "src", "--include-tasks", "--timeout=2s"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->server, "default:8084");
  EXPECT_EQ(inv->output, OutputFormat::kTable);
  EXPECT_EQ(inv->timeout, absl::Seconds(2));
  EXPECT_TRUE(inv->Has("include-tasks"));
  EXPECT_EQ(inv->Flag("include-tasks"), "");
  EXPECT_EQ(inv->Flag("only-failed"), std::nullopt);
}

TEST(ParseCommandLine, ResolvesTwoWordCommandsBeforeOneWord) {
  absl::StatusOr<Invocation> set = Parse({"loggers", "set", "root", "DEBUG"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->command->name, "loggers set");
  EXPECT_THAT(set->args, ElementsAre("root", "DEBUG"));

  absl::StatusOr<Invocation> one = Parse({"loggers", "root"});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->command->name, "loggers");
  EXPECT_THAT(one->args, ElementsAre("root"));

  absl::StatusOr<Invocation> alter = Parse({"offsets", "alter", "src", "o.json"});
  ASSERT_TRUE(alter.ok()) << alter.status();
  EXPECT_EQ(alter->command->name, "offsets alter");
}

TEST(ParseCommandLine, DoubleDashEndsOptions) {
  absl::StatusOr<Invocation> inv = Parse({"restart", "--", "-odd-name"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_THAT(inv->args, ElementsAre("-odd-name"));
}

TEST(ParseCommandLine, HelpWinsOverMissingArguments) {
  absl::StatusOr<Invocation> inv = Parse({"create", "--help"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->help);
  EXPECT_EQ(inv->command->name, "create");

  absl::StatusOr<Invocation> tool = Parse({"-h"});
  ASSERT_TRUE(tool.ok()) << tool.status();
  EXPECT_TRUE(tool->help);
  EXPECT_EQ(tool->command, nullptr);

  absl::StatusOr<Invocation> word = Parse({"help", "offsets", "get"});
  ASSERT_TRUE(word.ok()) << word.status();
  EXPECT_TRUE(word->help);
  EXPECT_EQ(word->command->name, "offsets get");
}

struct UsageCase {
  std::vector<std::string> args;
  std::string message;  // the first line of the error
  std::string usage;    // what the usage part says
};

TEST(ParseCommandLine, RejectsUsageErrorsWithTheCommandsUsage) {
  const std::vector<UsageCase> cases = {
      {{}, "no command given", "usage: sluicectl [global options] COMMAND"},
      {{"frobnicate"}, "unknown command \"frobnicate\"", "usage: sluicectl [global options]"},
      {{"offsets"}, "\"offsets\" needs a subcommand: get, alter", "usage: sluicectl [global"},
      {{"create"}, "missing argument: FILE", "usage: sluicectl create FILE [--name NAME]"},
      {{"create", "a", "b"}, "unexpected argument \"b\"", "usage: sluicectl create FILE"},
      {{"create", "a", "--bogus"}, "unknown option --bogus", "usage: sluicectl create FILE"},
      {{"create", "a", "-x"}, "unknown option -x", "usage: sluicectl create FILE"},
      {{"create", "a", "--name"}, "option --name needs a value", "usage: sluicectl create"},
      {{"restart", "a", "--include-tasks=yes"}, "option --include-tasks takes no value",
       "usage: sluicectl restart NAME [--include-tasks]"},
      {{"list", "-o", "yaml"}, "unknown output format \"yaml\": expected table, wide or json",
       "usage: sluicectl list"},
      {{"list", "--timeout", "soon"},
       "invalid --timeout \"soon\": expected a positive duration such as 10s",
       "usage: sluicectl list"},
      {{"list", "--timeout", "0s"},
       "invalid --timeout \"0s\": expected a positive duration such as 10s",
       "usage: sluicectl list"},
  };
  for (const UsageCase& c : cases) {
    absl::StatusOr<Invocation> inv = Parse(c.args);
    ASSERT_FALSE(inv.ok()) << testing::PrintToString(c.args);
    EXPECT_EQ(inv.status().code(), absl::StatusCode::kInvalidArgument);
    std::string message(inv.status().message());
    EXPECT_THAT(message, StartsWith(c.message + "\n")) << testing::PrintToString(c.args);
    EXPECT_THAT(message, HasSubstr(c.usage)) << testing::PrintToString(c.args);
  }
}

TEST(Help, ListsEveryCommandAndTheFlagsOfOne) {
  std::string tool = ToolHelp(TestCommands());
  EXPECT_THAT(tool, HasSubstr("  offsets alter NAME FILE  Alter\n"));
  EXPECT_THAT(tool, HasSubstr("--server HOST:PORT"));
  EXPECT_THAT(tool, HasSubstr("Exit codes: 0 success; 1"));

  std::string create = CommandHelp(TestCommands()[1]);
  EXPECT_THAT(create, StartsWith("usage: sluicectl create FILE [--name NAME]\n\nCreate\n"));
  EXPECT_THAT(create, HasSubstr("Flags:\n  --name NAME  the name\n"));
}

}  // namespace
}  // namespace sluice::sluicectl
