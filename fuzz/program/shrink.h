// Shrinking a failing conversation (issue 12 §1): fewer pairs, fewer parameters, shorter keys and
// values, simpler bytes and the simplest delivery, while it still fails the same way — the same
// check with the same rule. Greedy and deterministic: every candidate is run for real, in a fixed
// order, and kept when it still fails; passes repeat until none makes progress or the budget ends.
#ifndef DXT_FUZZ_PROGRAM_SHRINK_H_
#define DXT_FUZZ_PROGRAM_SHRINK_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "fuzz/program/generator.h"
#include "fuzz/program/trial.h"

namespace dxt::progfuzz {

// What "fails the same way" means: a FAILED check with this name and rule.
struct FailureKind {
  harness::Mode mode = harness::Mode::kMap;
  std::string check;
  std::string rule;
  bool operator<(const FailureKind& o) const {
    return std::tie(mode, check, rule) < std::tie(o.mode, o.check, o.rule);
  }
  bool Matches(const TrialResult& r) const;
};

struct ShrinkBudget {
  uint64_t max_runs = 600;
  std::chrono::milliseconds max_time{30000};
};

struct ShrinkResult {
  Conversation conversation;
  uint64_t runs = 0;       // trials spent
  bool exhausted = false;  // stopped by the budget, not by a fixed point
};

// `failing` must fail as `kind` (it is not re-checked). Candidates keep every key and value
// within the generator's domains. Errors are harness errors of a trial.
absl::StatusOr<ShrinkResult> Shrink(const Conversation& failing, const FailureKind& kind,
                                    const TrialConfig& config, const Generator& generator,
                                    const ShrinkBudget& budget);

}  // namespace dxt::progfuzz

#endif  // DXT_FUZZ_PROGRAM_SHRINK_H_
