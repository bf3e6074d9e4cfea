// The R10 checks: pure functions from (case, recorded conversation) to verdicts. Each check names
// the rule it enforces and, when it fails, says expected vs actual with pair index, byte offset
// and an escaped excerpt of the exchange.
#ifndef DXT_JUDGE_CHECKS_H_
#define DXT_JUDGE_CHECKS_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/transcript.h"
#include "judge/case.h"

namespace dxt::judge {

enum class Verdict { kOk, kNonStrict, kInformational, kFailed, kSkipped };
const char* VerdictName(Verdict v);  // "OK", "NON-STRICT", "INFORMATIONAL", "FAILED", "SKIPPED"

// The fixed vocabulary of SPEC R10, in report order.
inline constexpr std::array<std::string_view, 13> kCheckNames = {
    "params", "framing", "flushing", "map-protocol", "consumption", "log", "err",
    "exit",   "crash",   "hang",     "sandbox",      "content",     "limits"};

// The FAILED check that explains another one (issue 10 §2): rendered "3.1.9/params".
struct CauseRef {
  std::string case_id;
  Mode mode = Mode::kMap;
  std::string check;
};

struct CheckResult {
  std::string check;   // one of kCheckNames
  Verdict verdict = Verdict::kOk;
  std::string rule;    // e.g. "R5.2"; empty when not applicable
  std::string detail;  // why; always set for FAILED / NON-STRICT
  // What went wrong, as a stable name the report groups and gives fix hints by (judge/diagnosis.h,
  // kCauses): "buffered", "skips-params", ...; empty when the check names nothing more precise.
  std::string cause = "";
  // Set on a FAILED check that is a consequence of another FAILED check: it is still a failure,
  // but not a root problem of its own.
  std::optional<CauseRef> caused_by = std::nullopt;
  // With some causes, where in the program it went wrong, when a run may show several such
  // places (uncaught-error: where the error was raised); each is a root problem of its own.
  std::string site = "";
  // A root check whose evidence other causes fit as well (a misread input: other models of the
  // reading run out on this case's input too; a map waiting for input: misreading programs would
  // wait here too), and the causes this case rules out: the run's diagnosis settles on one
  // explanation for all its cases (conformance/diagnose.h).
  std::vector<std::string> also_fits = {};
  std::vector<std::string> rules_out = {};
};

// Judges every check of kCheckNames, in that order. Checks that do not apply to the case's mode
// or expectations are SKIPPED with a reason; a failure that is a consequence of another (e.g. the
// signal of a program the driver killed) is not counted twice.
// `content` is judged from `streamed`, what an OutputComparer (content.h) saw while the output
// streamed past (RunCase); without it, from the transcript's kept output (SKIPPED when that was
// cut short).
struct ContentEvidence;
std::vector<CheckResult> JudgeCase(const Case& c, const Transcript& t,
                                   const ContentEvidence* streamed = nullptr);

// Whether one of `checks` names `cause`.
bool HasCause(const std::vector<CheckResult>& checks, std::string_view cause);

// How bad a verdict is: FAILED 3 > NON-STRICT 2 > INFORMATIONAL 1 > OK = SKIPPED 0.
int VerdictRank(Verdict v);

// The case verdict: the worst check verdict (FAILED > NON-STRICT > INFORMATIONAL > OK), FAILED
// softened by the case policy; SKIPPED checks do not count.
Verdict CaseVerdict(const Case& c, const std::vector<CheckResult>& checks);

// Renderings of the transcript's typed events: "R5.2: result list 3 (stdout offset 40) arrived
// before pair 3 was written: a second list for pair 2"; "reply to pair 3 (10000 ms)".
std::string ListViolationText(const harness::ListViolation& v);
std::string ExpiredWaitText(const harness::ExpiredWait& w);

// Printable ASCII as is, everything else as C escapes (\n, \t, \0, \xff); at most `max` input
// bytes, "..." appended when cut.
std::string EscapeBytes(std::string_view bytes, size_t max = 64);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_CHECKS_H_
