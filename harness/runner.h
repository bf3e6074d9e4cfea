// Runs a list of cases against one program and judges each (the engine of `dxt check`).
#ifndef DXT_HARNESS_RUNNER_H_
#define DXT_HARNESS_RUNNER_H_

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/case.h"
#include "harness/checks.h"
#include "harness/driver.h"

namespace dxt::harness {

struct CaseResult {
  std::string id;
  std::string title;
  Mode mode = Mode::kMap;
  std::vector<std::string> rules;
  Verdict verdict = Verdict::kOk;
  std::vector<CheckResult> checks;  // every R10 check, kCheckNames order; empty when SKIPPED
  std::string skip_reason;          // when verdict is SKIPPED
  double duration_ms = 0;
  std::string transcript;           // DescribeTranscript(), when RunOptions::verbose
};

struct RunOptions {
  ProgramSpec program;
  std::chrono::milliseconds timeout{10000};  // reply deadline; also the exit deadline
  bool extra_params_given = false;           // --params was given (cases with fixed_params skip)
  bool verbose = false;
  ProcessFactory spawn;                      // empty = real processes
  std::function<void(const CaseResult&)> on_case;  // progress, called after each case
};

// The driver options `dxt check` uses for a case (exposed for the benchmark and tests).
DriverOptions CheckDriverOptions(const Case& c, std::chrono::milliseconds timeout);

// Runs one case. Errors are harness errors only (program missing or not executable, sandbox or
// spawn failure); program misbehaviour is in the result.
absl::StatusOr<CaseResult> RunCase(const Case& c, const RunOptions& options);

// Runs every case in order; stops at the first harness error.
absl::StatusOr<std::vector<CaseResult>> RunCases(const std::vector<Case>& cases,
                                                 const RunOptions& options);

// Human-readable dump of a conversation for --verbose (bounded excerpts, escaped).
std::string DescribeTranscript(const Transcript& t);

}  // namespace dxt::harness

#endif  // DXT_HARNESS_RUNNER_H_
