#include "conformance/suite.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "conformance/runner.h"
#include "conformance/trickle_io.h"
#include "harness/lifetime.h"
#include "judge/diagnosis.h"

namespace dxt::conformance {
namespace {

using harness::WaitKind;

bool Expired(const judge::CaseResult& r, std::initializer_list<WaitKind> kinds) {
  return std::any_of(r.expired.begin(), r.expired.end(), [&](WaitKind k) {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
  });
}

// The program ended on its own while one of these waits was open, after keeping it open for at
// least half its budget: as telling as an expired wait (it does not answer in time), and as
// costly to repeat (a program that exits on its own timer just before the deadline).
bool OwedLong(const judge::CaseResult& r, std::initializer_list<WaitKind> kinds) {
  const auto& w = r.owed_at_end;
  return w && std::find(kinds.begin(), kinds.end(), w->kind) != kinds.end() &&
         w->waited * 2 >= w->budget;
}

// A wait that expired, or one owed for long until the program left: the outcome is known, and
// running the case again would only wait it out again.
bool OutcomeKnown(const judge::CaseResult& r) {
  return !r.expired.empty() || OwedLong(r, {WaitKind::kReply, WaitKind::kInput});
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
  // The skipper probe showed a program that does not read the parameter block: the mode's other
  // parameter probes are not run (each would misread its block the same way, and a big block makes
  // such a program allocate the hundreds of MB its first digits claim, in every case).
  bool skips_params = false;
  std::vector<std::string> checks;  // the smoke case's FAILED checks
  bool shortens_waits() const { return reply || exit; }
  bool active() const { return reply || exit || skips_params; }
};

// The checks among `names` that `r` FAILED, in the case's check order.
std::vector<std::string> FailedAmong(const judge::CaseResult& r,
                                     const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const judge::CheckResult& c : r.checks)
    if (c.verdict == Verdict::kFailed &&
        std::find(names.begin(), names.end(), c.check) != names.end())
      out.push_back(c.check);
  return out;
}

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
  // (hang: judges an expired wait for the program to read its input, as for its exit.)
  if (b.exit || Expired(smoke, {WaitKind::kInput})) judged_by_wait.push_back("hang");
  b.checks = FailedAmong(smoke, judged_by_wait);
  // The second trigger: no wait expired, but the program left with a reply (or the reading of its
  // input) owed for most of the deadline. The later cases' shortened wait then expires where this
  // one ended with the exit: what it judges (`flushing` for a reply not given) is blocked too.
  if (!b.reply && OwedLong(smoke, {WaitKind::kReply, WaitKind::kInput})) {
    const std::vector<std::string> owed = FailedAmong(smoke, {"consumption", "framing"});
    if (!owed.empty()) {
      b.reply = true;
      b.checks.insert(b.checks.end(), owed.begin(), owed.end());
      // The check that judges the shortened wait when it expires in a later case: a reply not
      // given (flushing), or input not read (hang, as for an expired wait to read it).
      const char* judge = smoke.owed_at_end->kind == WaitKind::kReply ? "flushing" : "hang";
      if (std::find(b.checks.begin(), b.checks.end(), judge) == b.checks.end())
        b.checks.push_back(judge);
    }
  }
  if (b.checks.empty()) b.reply = b.exit = false;
  // (Only a failure its retry reproduced: a FLAKY probe shows a race, not a reading.)
  for (const judge::CheckResult& c : smoke.checks)
    if (c.check == "params" && c.verdict == Verdict::kFailed && !smoke.flaky &&
        c.cause == judge::kCauseSkipsParams)
      b.skips_params = true;
  b.smoke_id = smoke.id;
  b.by =
      absl::StrCat(smoke.id, " ", harness::ModeName(smoke.mode), "/", absl::StrJoin(b.checks, ","));
  return b;
}

// The checks a blocked case failed only because of the wait it shares with the smoke case are
// SKIPPED "blocked by ..."; a case left with no other failure is SKIPPED as a whole. Any other
// failure stays FAILED: a blocked case still shows every other defect.
void ApplyBlocker(const Blocker& b, const Entry& e, bool strict, judge::CaseResult* r) {
  if (!Expired(*r, {WaitKind::kReply, WaitKind::kInput, WaitKind::kExit}) &&
      !OwedLong(*r, {WaitKind::kReply, WaitKind::kInput}))
    return;
  // A check that explains other failures of the case (judge/diagnosis.h) is not blocked while
  // one of those stays FAILED: it would be left pointing at a cause that is not reported. The
  // blocked set is shrunk until no blocked check explains a check left FAILED.
  std::vector<bool> block(r->checks.size(), false);
  for (size_t i = 0; i < r->checks.size(); ++i) {
    const judge::CheckResult& c = r->checks[i];
    block[i] = c.verdict == Verdict::kFailed &&
               std::find(b.checks.begin(), b.checks.end(), c.check) != b.checks.end();
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < r->checks.size(); ++i) {
      if (!block[i]) continue;
      for (size_t j = 0; j < r->checks.size(); ++j) {
        const judge::CheckResult& c = r->checks[j];
        if (!block[j] && c.verdict == Verdict::kFailed && c.caused_by &&
            c.caused_by->check == r->checks[i].check) {
          block[i] = false;
          changed = true;
          break;
        }
      }
    }
  }
  bool blocked_any = false;
  for (size_t i = 0; i < r->checks.size(); ++i) {
    if (!block[i]) continue;
    judge::CheckResult& c = r->checks[i];
    c.verdict = Verdict::kSkipped;
    c.caused_by.reset();  // the blocker is its reason now
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

// The blockers of one mode: one per smoke case that showed a root failure (1.1.1 may block the
// exit wait while the case with more input than a pipe holds blocks the wait for reading it).
using Blockers = std::vector<Blocker>;

absl::StatusOr<judge::CaseResult> RunOne(const CaseRef& ref, const SuiteOptions& options,
                                         const Blockers& blockers) {
  if (auto outside = OutsideDomain(*ref.entry, ref.mode, options.materialise.domain))
    return SkippedResult(ref, std::move(*outside));
  for (const Blocker& b : blockers) {
    if (!b.skips_params || !ref.entry->params_probe) continue;
    judge::CaseResult r = SkippedResult(
        ref, absl::StrCat("blocked by ", b.smoke_id, " ", harness::ModeName(ref.mode),
                          "/params: a program that does not read the parameter block misreads "
                          "every block the same way"));
    r.blocked_by = b.smoke_id;
    return r;
  }
  judge::Case c = Materialise(*ref.entry, ref.mode, options.materialise);
  judge::RunOptions run = options.run;
  run.on_case = nullptr;
  for (const Blocker& b : blockers) {
    if (b.reply) run.reply_timeout = std::min(kBlockedWait, run.timeout);
    if (b.exit) run.exit_timeout = std::min(kBlockedWait, run.timeout);
  }
  // Concurrent spawns are safe: the harness serialises sandbox copies with forks (SpawnMutex).
  if (ref.entry->chunking.active()) run.spawn = TrickleFactory(ref.entry->chunking, run.spawn);
  auto r = judge::RunCase(c, run);
  if (r.ok()) r->chunked_stdin = ref.entry->chunking.max_chunk > 0;
  // Each blocker marks the checks its wait explains; a check is named after the first that does.
  if (r.ok())
    for (const Blocker& b : blockers) ApplyBlocker(b, *ref.entry, options.materialise.strict, &*r);
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

// The machine's idle share of CPU time since the previous call that was at least kIdleWindow
// ago (/proc/stat: idle + iowait over all time), or 1 when it cannot be read. Thread-safe.
double MachineIdleShare() {
  constexpr auto kIdleWindow = std::chrono::milliseconds(100);
  static std::mutex mu;
  static std::chrono::steady_clock::time_point last_at{};
  static uint64_t last_idle = 0, last_total = 0;
  static double share = 1;
  std::lock_guard<std::mutex> lock(mu);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_at < kIdleWindow) return share;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  uint64_t v[8] = {};
  if (!(stat >> cpu) || cpu != "cpu") return share;
  for (uint64_t& x : v) stat >> x;  // user nice system idle iowait irq softirq steal
  uint64_t total = 0;
  for (uint64_t x : v) total += x;
  const uint64_t idle = v[3] + v[4];
  if (last_total > 0 && total > last_total)
    share = static_cast<double>(idle - last_idle) / static_cast<double>(total - last_total);
  last_at = now;
  last_idle = idle;
  last_total = total;
  return share;
}

// A blocked mode's cases take no job slot only while at least this share of the machine's CPU
// time is idle: then they are their shortened waits, and more of them at once cost nothing. A
// program that computes while it fails (one that zero-fills the 889 MB a misread length asks
// for), or a machine busy with other work, keeps them in the job slots.
constexpr double kWaitsOnlyIdleShare = 0.5;

// The smoke cases of one mode: its first planned case (1.1.1 in the catalogue), its first
// planned light case whose input does not fit a pipe buffer (a program that never reads its input
// shows that only there), and its first planned skipper probe (2.1.8). Each light case is
// materialised to be measured; the small ones are cheap.
std::vector<size_t> SmokeCases(const std::vector<CaseRef>& plan, Mode m,
                               const MaterialiseOptions& options) {
  std::vector<size_t> out;
  bool big_input = false, skipper = false;
  for (size_t i = 0; i < plan.size() && !(big_input && skipper); ++i) {
    const CaseRef& ref = plan[i];
    if (ref.mode != m) continue;
    if (out.empty()) {
      out.push_back(i);
      continue;
    }
    if (ref.entry->heavy || ref.entry->chunking.active() ||
        OutsideDomain(*ref.entry, ref.mode, options.domain))
      continue;
    if (ref.entry->skipper_probe) {
      if (!skipper) out.push_back(i);
      skipper = true;
      continue;
    }
    if (big_input) continue;
    const judge::Case c = Materialise(*ref.entry, ref.mode, options);
    uint64_t bytes = 0;
    for (const auto& [key, value] : c.input) bytes += key.size() + value.size() + 8;
    // More input than a pipe holds: the program must read while dxt writes.
    if (bytes > harness::kPipeBufferBytes) {
      out.push_back(i);
      big_input = true;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<SuiteResult>> RunSuite(const std::vector<CaseRef>& plan,
                                                  const SuiteOptions& options) {
  std::vector<std::optional<SuiteResult>> slots(plan.size());
  std::mutex mu;  // guards first_error and on_case
  absl::Status first_error;
  std::atomic<bool> stop{false};
  Blockers blockers[2];
  std::vector<bool> is_smoke(plan.size(), false);
  auto run_case = [&](size_t i) {
    if (stop || harness::StopRequested()) return;
    const Blockers& blocker = blockers[ModeIndex(plan[i].mode)];
    auto first = RunOne(plan[i], options, blocker);
    SuiteResult r;
    // A wait that expired (or was owed for long until the program left) is a deadline missed by
    // seconds, not a race: running it again would only wait it out again.
    if (first.ok() && first->verdict == Verdict::kFailed && options.retry &&
        !OutcomeKnown(*first)) {
      auto again = RunOne(plan[i], options, blocker);
      if (!again.ok()) first = again.status();
      r.retried = true;
      if (again.ok()) first->verdict = AfterRetry(first->verdict, again->verdict, options.allow_flaky,
                                                 &first->flaky);
    }
    r.smoke = is_smoke[i];
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
  for (Mode m : {Mode::kMap, Mode::kReduce}) {
    for (size_t i : SmokeCases(plan, m, options.materialise)) {
      smoke.push_back(i);
      is_smoke[i] = true;
    }
  }
  MachineIdleShare();  // the first window starts here
  if (options.smoke_first) {
    ParallelFor(smoke, options.jobs, heavy, run_case);
    // Every smoke case that shows a root failure blocks its mode's later cases (in plan order:
    // the first one names the checks both explain).
    for (size_t i : smoke) {
      if (!slots[i]) continue;
      Blocker b = BlockerOf(slots[i]->result);
      if (b.active()) blockers[ModeIndex(plan[i].mode)].push_back(std::move(b));
    }
  } else {
    std::fill(is_smoke.begin(), is_smoke.end(), false);
  }
  // Stage 2, everything else. A blocked mode's cases, while the programs mostly sleep, only wait
  // out their shortened deadlines (a few hundred ms each): they run beside the others without
  // taking a job slot.
  auto waits_only = [&](size_t i) {
    const Blockers& b = blockers[ModeIndex(plan[i].mode)];
    return std::any_of(b.begin(), b.end(), [](const Blocker& x) { return x.shortens_waits(); }) &&
           MachineIdleShare() >= kWaitsOnlyIdleShare;
  };
  ParallelFor(LongestFirst(plan, is_smoke), options.jobs, heavy, run_case, waits_only);
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
