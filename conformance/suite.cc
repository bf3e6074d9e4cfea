#include "conformance/suite.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "conformance/runner.h"
#include "conformance/trickle_io.h"
#include "harness/lifetime.h"

namespace dxt::conformance {
namespace {

using harness::WaitKind;

bool Expired(const judge::CaseResult& r, std::initializer_list<WaitKind> kinds) {
  return std::any_of(r.expired.begin(), r.expired.end(), [&](WaitKind k) {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
  });
}

judge::CaseResult SkippedResult(const CaseRef& ref, std::string reason) {
  judge::CaseResult r;
  r.id = ref.entry->id;
  r.title = ref.entry->title;
  r.mode = ref.mode;
  r.rules = ref.entry->rules;
  r.verdict = Verdict::kSkipped;
  r.skip_reason = std::move(reason);
  return r;
}

// A root failure seen in the smoke case of one mode: the program let a wait expire there, so
// every later case of that mode would wait out the same full deadline and show the same thing.
// Those cases run with that wait shortened; what they fail only through it is "blocked".
struct Blocker {
  std::string by;                   // "1.1.1 map/flushing"
  std::string smoke_id;             // "1.1.1"
  bool reply = false;               // a reply (or read-input) wait expired
  bool exit = false;                // the exit wait expired
  std::vector<std::string> checks;  // the smoke case's FAILED checks
  bool active() const { return reply || exit; }
};

Blocker BlockerOf(const judge::CaseResult& smoke) {
  Blocker b;
  if (smoke.verdict != Verdict::kFailed) return b;
  b.reply = Expired(smoke, {WaitKind::kReply, WaitKind::kInput});
  b.exit = Expired(smoke, {WaitKind::kExit});
  // Only the checks that judge those waits; the smoke case's other failures block nothing.
  std::vector<std::string> judged_by_wait;
  // (framing: a list cut short while the program waited for input, e.g. a count it wrote
  // big-endian, is judged when the reply wait expires.)
  if (b.reply) judged_by_wait = {"flushing", "consumption", "framing"};
  if (b.exit) judged_by_wait.push_back("hang");
  for (const judge::CheckResult& c : smoke.checks)
    if (c.verdict == Verdict::kFailed &&
        std::find(judged_by_wait.begin(), judged_by_wait.end(), c.check) != judged_by_wait.end())
      b.checks.push_back(c.check);
  if (b.checks.empty()) b.reply = b.exit = false;
  b.smoke_id = smoke.id;
  b.by =
      absl::StrCat(smoke.id, " ", harness::ModeName(smoke.mode), "/", absl::StrJoin(b.checks, ","));
  return b;
}

// The checks a blocked case failed only because of the wait it shares with the smoke case are
// SKIPPED "blocked by ..."; a case left with no other failure is SKIPPED as a whole. Any other
// failure stays FAILED: a blocked case still shows every other defect.
void ApplyBlocker(const Blocker& b, const Entry& e, bool strict, judge::CaseResult* r) {
  if (!Expired(*r, {WaitKind::kReply, WaitKind::kInput, WaitKind::kExit})) return;
  bool blocked_any = false;
  // A check that explains other failures of the case (judge/diagnosis.h) is not blocked: those
  // failures would be left pointing at a cause that is not reported.
  auto explains_others = [&](const judge::CheckResult& cause) {
    return std::any_of(r->checks.begin(), r->checks.end(), [&](const judge::CheckResult& c) {
      return c.verdict == Verdict::kFailed && c.caused_by && c.caused_by->check == cause.check;
    });
  };
  for (judge::CheckResult& c : r->checks) {
    if (c.verdict != Verdict::kFailed ||
        std::find(b.checks.begin(), b.checks.end(), c.check) == b.checks.end() ||
        explains_others(c))
      continue;
    c.verdict = Verdict::kSkipped;
    c.detail = absl::StrCat("blocked by ", b.by, " (wait shortened to ", kBlockedWait.count(),
                            " ms): ", c.detail);
    blocked_any = true;
  }
  if (!blocked_any) return;
  judge::Case policy;
  policy.policy = strict && e.policy == Policy::kNonStrict ? Policy::kStrict : e.policy;
  r->verdict = judge::CaseVerdict(policy, r->checks);
  if (r->verdict != Verdict::kFailed) {
    r->verdict = Verdict::kSkipped;
    r->skip_reason =
        absl::StrCat("blocked by ", b.by, ": it would only wait out the same deadline again");
    r->blocked_by = b.smoke_id;
  }
}

absl::StatusOr<judge::CaseResult> RunOne(const CaseRef& ref, const SuiteOptions& options,
                                           const Blocker& blocker) {
  if (auto outside = OutsideDomain(*ref.entry, ref.mode, options.materialise.domain))
    return SkippedResult(ref, std::move(*outside));
  judge::Case c = Materialise(*ref.entry, ref.mode, options.materialise);
  judge::RunOptions run = options.run;
  run.on_case = nullptr;
  if (blocker.reply) run.reply_timeout = std::min(kBlockedWait, run.timeout);
  if (blocker.exit) run.exit_timeout = std::min(kBlockedWait, run.timeout);
  // Concurrent spawns are safe: the harness serialises sandbox copies with forks (SpawnMutex).
  if (ref.entry->chunking.active()) run.spawn = TrickleFactory(ref.entry->chunking, run.spawn);
  auto r = judge::RunCase(c, run);
  if (r.ok()) r->chunked_stdin = ref.entry->chunking.max_chunk > 0;
  if (r.ok() && blocker.active())
    ApplyBlocker(blocker, *ref.entry, options.materialise.strict, &*r);
  return r;
}

// Plan indices, the longest planned waits first (ties in plan order): the paced cases then
// overlap the many short ones instead of running alone at the end.
std::vector<size_t> LongestFirst(const std::vector<CaseRef>& plan,
                                 const std::vector<bool>& exclude) {
  std::vector<std::chrono::milliseconds> wait(plan.size());
  std::vector<size_t> order;
  for (size_t i = 0; i < plan.size(); ++i) {
    wait[i] = PlannedWait(*plan[i].entry);
    if (!exclude[i]) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return wait[a] > wait[b]; });
  return order;
}

int ModeIndex(Mode m) { return m == Mode::kMap ? 0 : 1; }

}  // namespace

absl::StatusOr<std::vector<SuiteResult>> RunSuite(const std::vector<CaseRef>& plan,
                                                  const SuiteOptions& options) {
  std::vector<std::optional<SuiteResult>> slots(plan.size());
  std::mutex mu;  // guards first_error and on_case
  absl::Status first_error;
  std::atomic<bool> stop{false};
  Blocker blockers[2];
  auto run_case = [&](size_t i) {
    if (stop || harness::StopRequested()) return;
    const Blocker& blocker = blockers[ModeIndex(plan[i].mode)];
    auto first = RunOne(plan[i], options, blocker);
    SuiteResult r;
    // A wait that expired is a deadline missed by seconds, not a race: running it again would
    // only wait it out again.
    if (first.ok() && first->verdict == Verdict::kFailed && options.retry &&
        first->expired.empty()) {
      auto again = RunOne(plan[i], options, blocker);
      if (!again.ok()) first = again.status();
      r.retried = true;
      if (again.ok()) first->verdict = AfterRetry(first->verdict, again->verdict, options.allow_flaky,
                                                 &first->flaky);
    }
    std::lock_guard<std::mutex> lock(mu);
    if (harness::StopRequested()) return;  // its program was killed under it: no verdict
    if (!first.ok()) {
      if (first_error.ok()) first_error = first.status();
      stop = true;
      return;
    }
    r.result = std::move(*first);
    if (options.run.on_case) options.run.on_case(r.result);
    slots[i] = std::move(r);
  };
  auto heavy = [&](size_t i) { return plan[i].entry->heavy; };
  // Stage 1, the smoke cases: the first planned case of each mode (1.1.1 in the catalogue).
  std::vector<size_t> smoke;
  std::vector<bool> is_smoke(plan.size(), false);
  for (Mode m : {Mode::kMap, Mode::kReduce}) {
    auto it = std::find_if(plan.begin(), plan.end(), [&](const CaseRef& r) { return r.mode == m; });
    if (it == plan.end()) continue;
    const size_t i = static_cast<size_t>(it - plan.begin());
    smoke.push_back(i);
    is_smoke[i] = true;
  }
  if (options.smoke_first) {
    ParallelFor(smoke, options.jobs, heavy, run_case);
    for (size_t i : smoke)
      if (slots[i]) blockers[ModeIndex(plan[i].mode)] = BlockerOf(slots[i]->result);
  } else {
    std::fill(is_smoke.begin(), is_smoke.end(), false);
  }
  // Stage 2, everything else.
  ParallelFor(LongestFirst(plan, is_smoke), options.jobs, heavy, run_case);
  if (!first_error.ok()) return first_error;
  std::vector<SuiteResult> out;
  out.reserve(slots.size());
  for (auto& s : slots)
    if (s) out.push_back(std::move(*s));  // all of them, unless a stop signal came
  return out;
}

std::vector<judge::CaseResult> CaseResultsOf(const std::vector<SuiteResult>& results) {
  std::vector<judge::CaseResult> out;
  for (const SuiteResult& r : results) out.push_back(r.result);
  return out;
}

std::vector<Outcome> OutcomesOf(const std::vector<SuiteResult>& results) {
  std::vector<Outcome> out;
  for (const SuiteResult& r : results)
    out.push_back({r.result.id, r.result.mode, r.result.verdict, r.result.flaky});
  return out;
}

}  // namespace dxt::conformance
