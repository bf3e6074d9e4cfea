// Runs a planned selection of the catalogue against one program: materialises each case when it
// starts, runs cases concurrently (--jobs), applies slow delivery (Chunking) through the spawn
// seam, and retries a FAILED case once (FLAKY when the retry passes).
#ifndef DXT_CONFORMANCE_SUITE_H_
#define DXT_CONFORMANCE_SUITE_H_

#include <chrono>
#include <vector>

#include "absl/status/statusor.h"
#include "conformance/baseline.h"
#include "conformance/catalogue.h"
#include "conformance/select.h"
#include "judge/runner.h"

namespace dxt::conformance {

struct SuiteOptions {
  MaterialiseOptions materialise;  // --expect identity, --strict, --params
  // program, timeout, verbose, extra_params_given, spawn (wrapped per case for Chunking).
  // on_case is called once per finished case (after any retry), serialised, in completion order.
  judge::RunOptions run;
  int jobs = 1;  // see DefaultJobs()
  // Retry a FAILED case once (FLAKY when the retry passes) -- unless one of its waits expired:
  // a missed deadline is seconds late, not a race, and a retry would only wait it out again.
  bool retry = true;
  // Run the first planned case of each mode, and its first light case with more input than a
  // pipe buffer holds, before the others (the smoke stage). When one FAILED with an expired wait
  // (or a reply or its input owed for most of the deadline until the program left), the later
  // cases of that mode run with that wait shortened to kBlockedWait (beside the others without
  // taking a job slot while the machine's CPUs are at least half idle); a check they fail only
  // through it is SKIPPED "blocked by <id> <mode>/<checks>", and a case with no other failure is
  // SKIPPED as a whole. Every other failure is still reported. The mode's first skipper probe
  // (Entry::skipper_probe) is a smoke case too: when it shows a program that does not read the
  // parameter block (params, cause skips-params), the mode's other parameter probes are SKIPPED
  // "blocked by 2.1.8 <mode>/params" without running.
  bool smoke_first = true;
  bool allow_flaky = false;  // FAILED then passed: INFORMATIONAL instead of FAILED
};

// The shortened wait of a blocked case (see SuiteOptions::smoke_first).
inline constexpr std::chrono::milliseconds kBlockedWait{300};

struct SuiteResult {
  // Of the first run (its checks show the failure). result.flaky: FAILED, then passed on the
  // retry; the verdict stays FAILED, or is INFORMATIONAL with allow_flaky (the title is left as
  // the catalogue has it).
  judge::CaseResult result;
  bool retried = false;
  bool smoke = false;  // ran in the smoke stage (SmokeCases: full waits, may block later cases)
};

// Results in plan order. Like judge::RunCase, needs SIGPIPE ignored in the process (dxt's
// main does it): a program that exits early makes a later write fail with EPIPE. Returns the first
// harness error (program missing, spawn failure); cases not yet started are then not run. Program
// misbehaviour is only in the results. After a stop signal (harness/lifetime.h) only the cases
// that finished before it are returned.
absl::StatusOr<std::vector<SuiteResult>> RunSuite(const std::vector<CaseRef>& plan,
                                                  const SuiteOptions& options);

// The case results alone, and the outcomes the baseline compares.
std::vector<judge::CaseResult> CaseResultsOf(const std::vector<SuiteResult>& results);
std::vector<Outcome> OutcomesOf(const std::vector<SuiteResult>& results);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_SUITE_H_
