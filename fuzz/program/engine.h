// The search behind `dxt fuzz` (issue 12): generate or mutate conversations, run each in its own
// sandbox, judge it with every check of `dxt check`, keep the interesting ones as a corpus, and
// shrink each distinct failure (mode, check, rule) to a minimal replayable case.
//
// Determinism: conversations are made in fixed batches from one seeded Rng and the corpus is
// updated in batch order, whatever the number of jobs, so the same seed and the same
// (deterministic) program give the same search and the same findings. Only the time budget
// (--seconds) depends on the clock; --runs bounds the search by conversations instead, and
// --max-findings by findings (a prefix of the same search).
#ifndef DXT_FUZZ_PROGRAM_ENGINE_H_
#define DXT_FUZZ_PROGRAM_ENGINE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fuzz/program/generator.h"
#include "fuzz/program/shrink.h"
#include "fuzz/program/trial.h"

namespace dxt::progfuzz {

struct FuzzOptions {
  // trial.timeout is the deadline a finding must fail at (`--timeout`, default `dxt check`'s 10 s),
  // and the one the replay uses.
  TrialConfig trial;
  // The search and shrinking wait at most this long (and never longer than trial.timeout), so
  // that a program that hangs on some inputs does not slow the search down to one conversation
  // per 10 s. A failure found at this shorter deadline counts only when the conversation fails
  // the same way again at trial.timeout; when it does not, the program is slow rather than broken
  // (FuzzReport::slow), and the rest of the search waits the whole trial.timeout.
  std::chrono::milliseconds search_timeout{2000};
  GeneratorOptions generator;
  std::vector<harness::Mode> modes = {harness::Mode::kMap, harness::Mode::kReduce};
  uint64_t seed = 1;
  std::chrono::milliseconds time_budget{60000};
  uint64_t max_conversations = 0;  // 0 = no cap
  // Stop once this many distinct failures are found (0 = no cap): the search ends at the
  // conversation that made the last of them, so the same seed stops at the same place.
  uint64_t max_findings = 0;
  int jobs = 8;
  ShrinkBudget shrink;
};

struct Progress {
  double elapsed_s = 0;
  uint64_t conversations = 0;
  uint64_t pairs = 0;
  uint64_t findings = 0;
  uint64_t corpus = 0;
};

struct Finding {
  FailureKind kind;
  std::string detail;             // the judge's detail for the shrunk case
  judge::Case as_case;          // the shrunk case, as `dxt check --script` reads it
  RawExchange raw;                // its exchange
  uint64_t found_at = 0;          // conversation index that first failed this way
  double found_after_s = 0;       // seconds into the run (of the --seconds budget) it was found
  uint64_t pairs_found = 0;       // pairs of that conversation
  uint64_t params_found = 0;
  uint64_t shrink_runs = 0;
  uint64_t hits = 0;              // conversations that failed this way
  bool replayed = false;          // `dxt check --script` on the case fails the same way
  std::string replay_note;        // why not, when !replayed
  std::vector<std::string> also;  // other checks the first failing conversation FAILED
  // No input domain declared, and a stderr line of the shrunk case names one of its own keys or
  // values (conformance::LineNamingItem): the program likely rejects the bytes it was sent, as
  // `dxt check` reports of the catalogue's values. That line, else empty.
  std::string rejected_input;
};

// Failures seen only at the search deadline: the same conversation passed at trial.timeout.
struct SlowFailure {
  FailureKind kind;
  uint64_t found_at = 0;        // the conversation
  uint64_t conversations = 0;   // conversations that failed this way at the search deadline
};

struct FuzzReport {
  std::vector<Finding> findings;  // in the order found
  std::vector<SlowFailure> slow;  // not findings (FuzzOptions::search_timeout)
  uint64_t conversations = 0;
  uint64_t pairs = 0;             // pairs sent in the search (not shrinking)
  uint64_t map_pairs = 0;
  uint64_t shrink_runs = 0;
  uint64_t corpus = 0;
  uint64_t against_failed = 0;    // differential: conversations the other program failed
  double search_seconds = 0;      // search only (shrinking excluded)
  double seconds = 0;
  bool reached_max_findings = false;  // FuzzOptions::max_findings ended the search
  // A stop signal (harness/lifetime.h) ended the search early; `findings` holds those that were
  // complete (shrunk and replayed) by then.
  bool interrupted = false;
};

// Runs the search. `progress` (may be empty) is called after every batch. Each finding is
// replayed as `dxt check --script FILE --timeout <trial.timeout> PROGRAM` runs it (Finding::replayed).
// Errors are harness errors (the program cannot be started, a sandbox cannot be made); after a
// stop signal the report so far, with `interrupted` set.
absl::StatusOr<FuzzReport> Fuzz(const FuzzOptions& options,
                                const std::function<void(const Progress&)>& progress);

}  // namespace dxt::progfuzz

#endif  // DXT_FUZZ_PROGRAM_ENGINE_H_
