#include "tools/plugin-check/check_report.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sluice::plugin_check {
namespace {

TEST(CheckReportTest, OneLinePerCheckAsItCompletes) {
  std::ostringstream live;
  CheckReport report(&live);
  report.Pass("handshake", "", "protocol 1", "sdk \"cpp/0.1.0\"");
  EXPECT_TRUE(report.ok());
  report.Fail("source.poll-credits", "demo.Counter", "at most max_records records",
              "2 records for a Poll of 1 credit");
  report.Skip("sink.errant", "demo.Lines", "errant records checked", "the task reported none");
  report.Expect("describe", "", "a plugin name", {});
  report.Expect("describe.config", "X", "unique keys", {"key \"a\" defined twice", "and 1 more"});
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(live.str(),
            "PASS handshake: protocol 1 (sdk \"cpp/0.1.0\")\n"
            "FAIL source.poll-credits [demo.Counter]: expected at most max_records records; got "
            "2 records for a Poll of 1 credit\n"
            "SKIP sink.errant [demo.Lines]: errant records checked, not checked: the task "
            "reported none\n"
            "PASS describe: a plugin name\n"
            "FAIL describe.config [X]: expected unique keys; got key \"a\" defined twice; and 1 "
            "more\n");
}

TEST(CheckReportTest, JsonHasEveryCheckWithItsOutcome) {
  CheckReport report(nullptr);
  report.Pass("handshake", "", "protocol 1");
  report.Fail("sink.stop", "S", "TaskStopped \"soon\"", "nothing\n");
  EXPECT_EQ(report.Json(),
            R"({"ok":false,"checks":[)"
            R"({"check":"handshake","connector":"","outcome":"pass","expected":"protocol 1","got":""},)"
            R"({"check":"sink.stop","connector":"S","outcome":"fail","expected":"TaskStopped \"soon\"","got":"nothing\n"}]})");
}

}  // namespace
}  // namespace sluice::plugin_check
