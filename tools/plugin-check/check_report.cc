#include "tools/plugin-check/check_report.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "formats/json_tree.h"

namespace sluice::plugin_check {
namespace {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kSkip:
      return "skip";
  }
  return "fail";
}

}  // namespace

void CheckReport::Add(CheckResult result) {
  if (live_ != nullptr) *live_ << Line(result) << std::endl;
  results_.push_back(std::move(result));
}

void CheckReport::Pass(std::string check, std::string connector, std::string expected,
                       std::string got) {
  Add({std::move(check), std::move(connector), Outcome::kPass, std::move(expected),
       std::move(got)});
}

void CheckReport::Fail(std::string check, std::string connector, std::string expected,
                       std::string got) {
  Add({std::move(check), std::move(connector), Outcome::kFail, std::move(expected),
       std::move(got)});
}

void CheckReport::Skip(std::string check, std::string connector, std::string expected,
                       std::string why) {
  Add({std::move(check), std::move(connector), Outcome::kSkip, std::move(expected),
       std::move(why)});
}

void CheckReport::Expect(std::string check, std::string connector, std::string expected,
                         const std::vector<std::string>& problems, std::string got_when_ok) {
  if (problems.empty()) {
    Pass(std::move(check), std::move(connector), std::move(expected), std::move(got_when_ok));
  } else {
    Fail(std::move(check), std::move(connector), std::move(expected),
         absl::StrJoin(problems, "; "));
  }
}

bool CheckReport::ok() const {
  for (const CheckResult& r : results_) {
    if (r.outcome == Outcome::kFail) return false;
  }
  return true;
}

std::string CheckReport::Line(const CheckResult& r) {
  std::string line = r.outcome == Outcome::kPass ? "PASS " : r.outcome == Outcome::kFail ? "FAIL "
                                                                                         : "SKIP ";
  absl::StrAppend(&line, r.check);
  if (!r.connector.empty()) absl::StrAppend(&line, " [", r.connector, "]");
  switch (r.outcome) {
    case Outcome::kPass:
      absl::StrAppend(&line, ": ", r.expected);
      if (!r.got.empty()) absl::StrAppend(&line, " (", r.got, ")");
      break;
    case Outcome::kFail:
      absl::StrAppend(&line, ": expected ", r.expected, "; got ", r.got);
      break;
    case Outcome::kSkip:
      absl::StrAppend(&line, ": ", r.expected, ", not checked: ", r.got);
      break;
  }
  return line;
}

std::string CheckReport::Json() const {
  std::string out = absl::StrCat("{\"ok\":", ok() ? "true" : "false", ",\"checks\":[");
  for (size_t i = 0; i < results_.size(); ++i) {
    const CheckResult& r = results_[i];
    if (i > 0) out += ",";
    out += "{\"check\":";
    formats::AppendJsonString(r.check, &out);
    out += ",\"connector\":";
    formats::AppendJsonString(r.connector, &out);
    absl::StrAppend(&out, ",\"outcome\":\"", OutcomeName(r.outcome), "\",\"expected\":");
    formats::AppendJsonString(r.expected, &out);
    out += ",\"got\":";
    formats::AppendJsonString(r.got, &out);
    out += "}";
  }
  out += "]}";
  return out;
}

}  // namespace sluice::plugin_check
