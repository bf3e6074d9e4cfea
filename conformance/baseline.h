// Known-failure baselines (`dxt check --baseline FILE`) and the retry rule, as pure functions
// over case outcomes. File format (JSON):
//   {"expected_failures": [{"id": "2.3.4", "mode": "map", "reason": "C library parser"}, ...]}
// "mode" is optional ("map" | "reduce"; absent = both modes); "reason" is required.
#ifndef DXT_CONFORMANCE_BASELINE_H_
#define DXT_CONFORMANCE_BASELINE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/transcript.h"
#include "judge/checks.h"

namespace dxt::conformance {

using harness::Mode;

using judge::Verdict;  // OK, NON-STRICT, INFORMATIONAL, FAILED, SKIPPED (SPEC R10)

struct Outcome {
  std::string id;
  Mode mode = Mode::kMap;
  Verdict verdict = Verdict::kOk;
  bool flaky = false;  // failed once, passed on retry: reported INFORMATIONAL, marked FLAKY
};

// A failing case is retried once. Given the first verdict and, when it FAILED, the retry's:
// FAILED twice stays FAILED; FAILED then anything else is INFORMATIONAL with *flaky = true
// (never silently OK); a first verdict other than FAILED is kept (no retry is needed).
Verdict AfterRetry(Verdict first, std::optional<Verdict> retry, bool* flaky);

struct ExpectedFailure {
  std::string id;
  std::optional<Mode> mode;  // nullopt = both modes
  std::string reason;
};

struct Baseline {
  std::vector<ExpectedFailure> expected_failures;
  // The entry covering (id, mode), or nullptr.
  const ExpectedFailure* Find(std::string_view id, Mode mode) const;
};

// InvalidArgument naming `source` and the offending field, e.g.
// "base.json: expected_failures[1].mode: expected \"map\" or \"reduce\"".
absl::StatusOr<Baseline> ParseBaseline(std::string_view json_text, std::string_view source);

struct BaselineReport {
  std::vector<Outcome> new_failures;     // FAILED, not in the baseline: these fail the run
  std::vector<Outcome> known_failures;   // FAILED and expected to
  std::vector<Outcome> newly_passing;    // expected to fail but did not (update the baseline)
  std::vector<Outcome> flaky;            // passed only on retry
  std::vector<ExpectedFailure> not_run;  // baseline entries matching no outcome (stale or
                                         // deselected)
  // 1 when there is a new failure, else 0.
  int ExitCode() const { return new_failures.empty() ? 0 : 1; }
};

BaselineReport CompareWithBaseline(const std::vector<Outcome>& outcomes, const Baseline& baseline);

// Human text for the report's baseline section: counts, then one line per case in each group,
// with the baseline's reason for known failures and newly passing cases.
std::string FormatBaselineReport(const BaselineReport& report, const Baseline& baseline);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_BASELINE_H_
