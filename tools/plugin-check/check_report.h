// CheckReport: the outcome of each conformance check sluice-plugin-check runs, printed as one
// line per check as it completes ("PASS source.poll-credits [demo.CounterSource]: ...", "FAIL
// ...: expected ...; got ..."), or as one JSON document at the end.
//
// Thread-compatible.
#ifndef SLUICE_TOOLS_PLUGIN_CHECK_CHECK_REPORT_H_
#define SLUICE_TOOLS_PLUGIN_CHECK_CHECK_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

namespace sluice::plugin_check {

enum class Outcome { kPass, kFail, kSkip };

struct CheckResult {
  std::string check;       // stable name, e.g. "source.poll-credits"
  std::string connector;   // the connector class it concerns; empty for the whole plugin
  Outcome outcome = Outcome::kPass;
  std::string expected;    // what the protocol asks for
  std::string got;         // what came (for a skip: why it was skipped)
};

class CheckReport {
 public:
  // `live`: where each result's line is written as it is added; null for none (JSON output).
  explicit CheckReport(std::ostream* live) : live_(live) {}

  void Add(CheckResult result);
  void Pass(std::string check, std::string connector, std::string expected, std::string got = "");
  void Fail(std::string check, std::string connector, std::string expected, std::string got);
  void Skip(std::string check, std::string connector, std::string expected, std::string why);
  // PASS when `problems` is empty, else FAIL with the problems joined as what came.
  void Expect(std::string check, std::string connector, std::string expected,
              const std::vector<std::string>& problems, std::string got_when_ok = "");

  // No check failed.
  bool ok() const;
  const std::vector<CheckResult>& results() const { return results_; }
  // {"ok": bool, "checks": [{"check", "connector", "outcome": "pass"|"fail"|"skip", "expected",
  //  "got"}...]}
  std::string Json() const;
  static std::string Line(const CheckResult& result);

 private:
  std::ostream* live_;
  std::vector<CheckResult> results_;
};

}  // namespace sluice::plugin_check

#endif  // SLUICE_TOOLS_PLUGIN_CHECK_CHECK_REPORT_H_
