#include "server/logging/logger_levels.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

namespace sluice::logging {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

constexpr int64_t kT0 = 1700000000000;

MATCHER_P2(IsLevel, level, last_modified, "") {
  return arg.level == level && arg.last_modified_ms == last_modified;
}

// Each test starts from a known spdlog state: a default logger at INFO and no other loggers.
class LoggerLevelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::drop_all();
    auto root = std::make_shared<spdlog::logger>("test-default",
                                                 std::make_shared<spdlog::sinks::null_sink_mt>());
    spdlog::set_default_logger(root);
    spdlog::set_level(spdlog::level::info);
  }
  void TearDown() override { spdlog::drop_all(); }

  // Registers a spdlog logger, as a module of the worker would.
  std::shared_ptr<spdlog::logger> Register(const std::string& name) {
    auto logger =
        std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::null_sink_mt>());
    spdlog::initialize_logger(logger);
    return logger;
  }

  int64_t now_ms_ = kT0;
  LoggerLevels levels_{[this] { return absl::FromUnixMillis(now_ms_); }};
};

TEST(ParseLogLevel, AcceptsKafkaLevelsInAnyCase) {
  EXPECT_EQ(*ParseLogLevel("OFF"), LogLevel::kOff);
  EXPECT_EQ(*ParseLogLevel("fatal"), LogLevel::kFatal);
  EXPECT_EQ(*ParseLogLevel("Error"), LogLevel::kError);
  EXPECT_EQ(*ParseLogLevel("wArN"), LogLevel::kWarn);
  EXPECT_EQ(*ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(*ParseLogLevel("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("trace"), LogLevel::kTrace);
  EXPECT_EQ(*ParseLogLevel("all"), LogLevel::kAll);
}

TEST(ParseLogLevel, RejectsMissingAndUnknownLevelsWithKafkaMessages) {
  absl::StatusOr<LogLevel> missing = ParseLogLevel("");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "Desired 'level' parameter was not specified in request.");
  absl::StatusOr<LogLevel> unknown = ParseLogLevel("verbose");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(unknown.status().message(), "invalid log level 'verbose'.");
  EXPECT_EQ(ParseLogLevel(" INFO").status().message(), "invalid log level ' INFO'.");
}

TEST(LogLevel, MapsToSpdlogAndBackWithKafkaNames) {
  EXPECT_EQ(ToSpdlogLevel(LogLevel::kOff), spdlog::level::off);
  EXPECT_EQ(ToSpdlogLevel(LogLevel::kFatal), spdlog::level::critical);
  EXPECT_EQ(ToSpdlogLevel(LogLevel::kError), spdlog::level::err);
  EXPECT_EQ(ToSpdlogLevel(LogLevel::kWarn), spdlog::level::warn);
  EXPECT_EQ(ToSpdlogLevel(LogLevel::kInfo), spdlog::level::info);
  EXPECT_EQ(ToSpdlogLevel(LogLevel::kDebug), spdlog::level::debug);
  EXPECT_EQ(ToSpdlogLevel(LogLevel::kTrace), spdlog::level::trace);
  EXPECT_EQ(ToSpdlogLevel(LogLevel::kAll), spdlog::level::trace);
  EXPECT_EQ(FromSpdlogLevel(spdlog::level::critical), LogLevel::kFatal);
  EXPECT_EQ(FromSpdlogLevel(spdlog::level::trace), LogLevel::kTrace);
  EXPECT_EQ(FromSpdlogLevel(spdlog::level::off), LogLevel::kOff);
  EXPECT_EQ(LogLevelName(LogLevel::kFatal), "FATAL");
  EXPECT_EQ(LogLevelName(LogLevel::kAll), "ALL");
}

TEST_F(LoggerLevelsTest, RootAlwaysExistsWithSpdlogsDefaultLevel) {
  EXPECT_THAT(levels_.ExplicitLevels(), ElementsAre(Pair("root", IsLevel("INFO", std::nullopt))));
  EXPECT_THAT(*levels_.GetLevel("root"), IsLevel("INFO", std::nullopt));
  EXPECT_THAT(*levels_.GetLevel("ROOT"), IsLevel("INFO", std::nullopt));
  spdlog::default_logger()->set_level(spdlog::level::warn);
  EXPECT_THAT(*levels_.GetLevel("root"), IsLevel("WARN", std::nullopt));
}

TEST_F(LoggerLevelsTest, UnknownLoggerIsNotFound) {
  absl::StatusOr<LoggerLevel> level = levels_.GetLevel("org.example");
  EXPECT_EQ(level.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(level.status().message(), "Logger org.example not found.");
  // spdlog's default logger is root, not a logger of its own name.
  EXPECT_EQ(levels_.GetLevel("test-default").status().message(),
            "Logger test-default not found.");
}

TEST_F(LoggerLevelsTest, RegisteredSpdlogLoggersExistAndInheritRoot) {
  Register("sluice.runtime");
  EXPECT_THAT(*levels_.GetLevel("sluice.runtime"), IsLevel("INFO", std::nullopt));
  // Only explicitly set loggers are listed.
  EXPECT_THAT(levels_.ExplicitLevels(), ElementsAre(Pair("root", IsLevel("INFO", std::nullopt))));
}

TEST_F(LoggerLevelsTest, SettingANamespaceCreatesItAndSetsItsChildren) {
  auto sink = Register("sluice.runtime.sink");
  auto source = Register("sluice.runtime.source");
  auto herder = Register("sluice.herder");

  EXPECT_THAT(levels_.SetLevel("sluice.runtime", LogLevel::kDebug),
              ElementsAre("sluice.runtime", "sluice.runtime.sink", "sluice.runtime.source"));

  EXPECT_THAT(levels_.ExplicitLevels(),
              ElementsAre(Pair("root", IsLevel("INFO", std::nullopt)),
                          Pair("sluice.runtime", IsLevel("DEBUG", kT0)),
                          Pair("sluice.runtime.sink", IsLevel("DEBUG", kT0)),
                          Pair("sluice.runtime.source", IsLevel("DEBUG", kT0))));
  EXPECT_THAT(*levels_.GetLevel("sluice.runtime"), IsLevel("DEBUG", kT0));
  EXPECT_THAT(*levels_.GetLevel("sluice.herder"), IsLevel("INFO", std::nullopt));
  // The real spdlog levels changed, and only under the namespace.
  EXPECT_EQ(sink->level(), spdlog::level::debug);
  EXPECT_EQ(source->level(), spdlog::level::debug);
  EXPECT_EQ(herder->level(), spdlog::level::info);
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::info);
}

TEST_F(LoggerLevelsTest, ChildrenMatchByPlainPrefixAsInKafkaConnect) {
  auto ab = Register("ab");
  EXPECT_THAT(levels_.SetLevel("a", LogLevel::kWarn), ElementsAre("a", "ab"));
  EXPECT_EQ(ab->level(), spdlog::level::warn);
}

TEST_F(LoggerLevelsTest, EffectiveLevelComesFromTheNearestDottedAncestor) {
  levels_.SetLevel("a", LogLevel::kError);
  now_ms_ += 1000;
  levels_.SetLevel("a.b", LogLevel::kTrace);
  // Registered after the namespaces were set: inherit without a level of their own.
  Register("a.b.c.d");
  Register("a.x");
  Register("other");
  EXPECT_THAT(*levels_.GetLevel("a.b.c.d"), IsLevel("TRACE", std::nullopt));
  EXPECT_THAT(*levels_.GetLevel("a.x"), IsLevel("ERROR", std::nullopt));
  EXPECT_THAT(*levels_.GetLevel("other"), IsLevel("INFO", std::nullopt));
  EXPECT_THAT(*levels_.GetLevel("a"), IsLevel("ERROR", kT0));
  EXPECT_THAT(*levels_.GetLevel("a.b"), IsLevel("TRACE", kT0 + 1000));
}

TEST_F(LoggerLevelsTest, LastModifiedMovesOnlyWhenTheLevelChanges) {
  levels_.SetLevel("a", LogLevel::kDebug);
  now_ms_ += 5000;
  // Same level again: still reported as affected, but last_modified stays.
  EXPECT_THAT(levels_.SetLevel("a", LogLevel::kDebug), ElementsAre("a"));
  EXPECT_THAT(*levels_.GetLevel("a"), IsLevel("DEBUG", kT0));
  now_ms_ += 5000;
  levels_.SetLevel("a", LogLevel::kWarn);
  EXPECT_THAT(*levels_.GetLevel("a"), IsLevel("WARN", kT0 + 10000));
}

TEST_F(LoggerLevelsTest, SettingTheInheritedLevelLeavesTheLoggerInheriting) {
  // Root is INFO: a.b already has INFO, so it exists afterwards but has no level of its own.
  EXPECT_THAT(levels_.SetLevel("a.b", LogLevel::kInfo), ElementsAre("a.b"));
  EXPECT_THAT(*levels_.GetLevel("a.b"), IsLevel("INFO", std::nullopt));
  EXPECT_THAT(levels_.ExplicitLevels(), ElementsAre(Pair("root", IsLevel("INFO", std::nullopt))));
}

TEST_F(LoggerLevelsTest, SettingRootSetsEveryLoggerAndSpdlogsGlobalLevel) {
  auto runtime = Register("sluice.runtime");
  levels_.SetLevel("x.y", LogLevel::kWarn);
  now_ms_ += 1;

  EXPECT_THAT(levels_.SetLevel("Root", LogLevel::kDebug),
              ElementsAre("root", "sluice.runtime", "x.y"));

  EXPECT_THAT(levels_.ExplicitLevels(),
              ElementsAre(Pair("root", IsLevel("DEBUG", kT0 + 1)),
                          Pair("sluice.runtime", IsLevel("DEBUG", kT0 + 1)),
                          Pair("x.y", IsLevel("DEBUG", kT0 + 1))));
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
  EXPECT_EQ(runtime->level(), spdlog::level::debug);
  EXPECT_EQ(spdlog::get_level(), spdlog::level::debug);
  // A logger created afterwards starts at root's level.
  EXPECT_EQ(Register("late")->level(), spdlog::level::debug);
}

TEST_F(LoggerLevelsTest, ReadsBackKafkaNamesForLevelsSpdlogMerges) {
  levels_.SetLevel("root", LogLevel::kAll);
  levels_.SetLevel("a", LogLevel::kFatal);
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::trace);
  EXPECT_THAT(*levels_.GetLevel("root"), IsLevel("ALL", kT0));
  EXPECT_THAT(*levels_.GetLevel("a"), IsLevel("FATAL", kT0));
  // Changed behind the API's back: root reports what spdlog really does.
  spdlog::default_logger()->set_level(spdlog::level::err);
  EXPECT_THAT(*levels_.GetLevel("root"), IsLevel("ERROR", kT0));
}

TEST_F(LoggerLevelsTest, OffSilencesTheSpdlogLogger) {
  auto logger = Register("noisy");
  levels_.SetLevel("noisy", LogLevel::kOff);
  EXPECT_EQ(logger->level(), spdlog::level::off);
  EXPECT_FALSE(logger->should_log(spdlog::level::critical));
  EXPECT_THAT(*levels_.GetLevel("noisy"), IsLevel("OFF", kT0));
}

}  // namespace
}  // namespace sluice::logging
