// The one judge, applied to a task of `dxt run`: the same checks `dxt check` runs (checks.h),
// over the same transcript, with a task's expectations (exit 0, no **<ERR>, only result lists on
// stdout, every pair read). Nothing here re-derives a verdict of its own.
#ifndef DXT_JUDGE_TASK_H_
#define DXT_JUDGE_TASK_H_

#include <vector>

#include "absl/status/status.h"
#include "judge/checks.h"

namespace dxt::judge {

struct TaskJudgement {
  // OK, or Aborted with "CHECK (RULE): DETAIL" of the check that explains the failure best: a
  // crash (the program's own signal) first, then a non-zero exit that left input unread, else
  // the first FAILED check in kCheckNames order.
  absl::Status status;
  std::vector<CheckResult> checks;    // every check, kCheckNames order
  // FAILED checks that `dxt run` tolerates as Disco's worker does: a terminated stderr line
  // without **<MSG>/**<ERR> (R7.1), unless strict_stderr. (A final line without "\n" is never
  // tolerated: the original driver blocks on it; nor is a stderr that holds the task's result
  // lists, cause lists-on-stderr: that is its output lost.)
  std::vector<CheckResult> warnings;
};

TaskJudgement JudgeTask(const Transcript& t, bool strict_stderr);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_TASK_H_
