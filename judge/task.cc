#include "judge/task.h"

#include "absl/strings/str_cat.h"

namespace dxt::judge {
namespace {

const CheckResult* FirstFailed(const std::vector<CheckResult>& checks) {
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
  if (!strict_stderr && t.other_lines > 0) {
    // Judge the run as if those lines had not been written, so that whatever else the log check
    // finds (an unterminated last line) still fails the task.
    Transcript lenient = t;
    lenient.other_lines = 0;
    for (const CheckResult& c : j.checks)
      if (c.check == "log" && c.verdict == Verdict::kFailed) j.warnings.push_back(c);
    j.checks = JudgeCase(task, lenient);
  }
  if (const CheckResult* f = FirstFailed(j.checks))
    j.status = absl::AbortedError(absl::StrCat(f->check, " (", f->rule, "): ", f->detail));
  return j;
}

}  // namespace dxt::judge
