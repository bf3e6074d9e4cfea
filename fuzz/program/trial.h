// One trial: a conversation run against the program in its own sandbox, judged by every check
// of `dxt check` (the harness judge, JudgeCase), plus the identity and differential oracles,
// which are expressed as the case's expected output so that the same judge's `content` check
// decides them. Also what the search learns from it: features of the run (output shapes, stderr
// lines, exit, timing class) whose novelty makes a conversation interesting.
#ifndef DXT_FUZZ_PROGRAM_TRIAL_H_
#define DXT_FUZZ_PROGRAM_TRIAL_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "judge/case.h"
#include "judge/checks.h"
#include "harness/driver.h"
#include "judge/runner.h"
#include "harness/process.h"
#include "fuzz/program/generator.h"

namespace dxt::progfuzz {

enum class Oracle { kProtocol, kIdentity, kDifferential };

struct TrialConfig {
  harness::ProgramSpec program;
  std::chrono::milliseconds timeout{2000};   // reply and exit deadline
  uint64_t max_item_size = uint64_t{64} << 20;
  harness::Isolation isolation = harness::Isolation::kAuto;  // --isolation (resolved once)
  codec::ParamDict extra_params;             // --params: added to every dictionary (override)
  Oracle oracle = Oracle::kProtocol;
  harness::ProgramSpec against;              // kDifferential: the other program
  bool exact_order = false;                  // kDifferential reduce: order matters too
  // Quiet periods (DriverOptions::settle). The search runs without them; the replay check uses
  // the `dxt check` default.
  std::chrono::milliseconds settle{0};
};

// The bytes that went over the pipes.
struct RawExchange {
  std::string stdin_bytes;   // what the program was sent (parameter block, then pairs)
  std::string stdout_bytes;
  std::string stderr_bytes;
};

struct TrialResult {
  judge::Case as_case;                      // the case judged (`dxt check --script` form)
  std::vector<judge::CheckResult> failed;   // the FAILED checks
  std::vector<uint64_t> features;
  uint64_t pairs_sent = 0;
  double duration_ms = 0;
  bool against_failed = false;                // kDifferential: the other program failed itself
  std::optional<RawExchange> raw;             // when asked for
};

// The case `c` becomes: the fuzzed parameters with config.extra_params merged in, the pairs,
// lockstep or pipeline delivery (chunked is lockstep in a script), and for the identity oracle
// the input as expected output. id "fuzz".
judge::Case CaseOf(const Conversation& c, const TrialConfig& config);

// Runs `c`. Errors are harness errors only (program cannot be started, sandbox failure).
absl::StatusOr<TrialResult> RunTrial(const Conversation& c, const TrialConfig& config,
                                     bool record_raw);

// Runs a ready case (a --script case, or a shrunk finding) exactly as `dxt check` would:
// CheckDriverOptions for `options`, the judge, and the raw exchange recorded.
absl::StatusOr<TrialResult> ReplayCase(const judge::Case& c, const judge::RunOptions& options);

// A ProcessFactory that records the exchange into `raw` (which must outlive the process) and
// starts the program with `inner` (empty = SpawnProcess).
harness::ProcessFactory RecordingFactory(RawExchange* raw, harness::ProcessFactory inner = nullptr);

}  // namespace dxt::progfuzz

#endif  // DXT_FUZZ_PROGRAM_TRIAL_H_
