#include "judge/task.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "judge/diagnosis.h"

namespace dxt::judge {
namespace {

const CheckResult* Failed(const std::vector<CheckResult>& checks, std::string_view name) {
  for (const CheckResult& c : checks)
    if (c.check == name && c.verdict == Verdict::kFailed) return &c;
  return nullptr;
}

// The check that explains the failure: a death by the program's own signal explains whatever
// it left broken (a list cut short, input unread), and so does a non-zero exit that left input
// unread (R8.1); otherwise the first FAILED check in kCheckNames order.
// A root the inference named (judge/diagnosis.h: a cause, and not a consequence) explains the
// rest before any of that.
const CheckResult* Explaining(const std::vector<CheckResult>& checks) {
  if (const CheckResult* crash = Failed(checks, "crash")) return crash;
  for (const CheckResult& c : checks)
    if (c.verdict == Verdict::kFailed && !c.caused_by && !c.cause.empty()) return &c;
  const CheckResult* exit = Failed(checks, "exit");
  if (exit && !exit->caused_by && Failed(checks, "consumption")) return exit;
  for (const CheckResult& c : checks)
    if (c.verdict == Verdict::kFailed && !c.caused_by) return &c;
  for (const CheckResult& c : checks)
    if (c.verdict == Verdict::kFailed) return &c;
  return nullptr;
}

}  // namespace

TaskJudgement JudgeTask(const Transcript& t, bool strict_stderr) {
  Case task;
  task.mode = t.mode;
  TaskJudgement j;
  j.checks = JudgeCase(task, t);
  // Result lists written to stderr are output lost (Disco forwards them as messages), not a
  // benign line: they fail the task either way.
  if (!strict_stderr && t.other_lines > 0 && !HasCause(j.checks, kCauseListsOnStderr)) {
    // Judge the run as if those lines had not been written, so that whatever else the log check
    // finds (an unterminated last line) still fails the task.
    Transcript lenient = t;
    lenient.other_lines = 0;
    for (const CheckResult& c : j.checks)
      if (c.check == "log" && c.verdict == Verdict::kFailed) j.warnings.push_back(c);
    j.checks = JudgeCase(task, lenient);
  }
  if (const CheckResult* f = Explaining(j.checks)) {
    j.status = absl::AbortedError(absl::StrCat(f->check, " (", f->rule, "): ", f->detail));
    // The unprefixed line of a program that could not start (a wrapper's exec error) is part
    // of that failure, not a warning beside it.
    if (f->cause == kCauseCouldNotStart) j.warnings.clear();
  }
  return j;
}

}  // namespace dxt::judge
