#include "conformance/suite.h"

#include <atomic>
#include <mutex>
#include <optional>

#include "conformance/runner.h"
#include "conformance/trickle_io.h"

namespace dxt::conformance {
namespace {

absl::StatusOr<harness::CaseResult> RunOne(const CaseRef& ref, const SuiteOptions& options) {
  harness::Case c = Materialise(*ref.entry, ref.mode, options.materialise);
  harness::RunOptions run = options.run;
  run.on_case = nullptr;
  // Concurrent spawns are safe: the harness serialises sandbox copies with forks (SpawnMutex).
  if (ref.entry->chunking.active()) run.spawn = TrickleFactory(ref.entry->chunking, run.spawn);
  return harness::RunCase(c, run);
}

}  // namespace

absl::StatusOr<std::vector<SuiteResult>> RunSuite(const std::vector<CaseRef>& plan,
                                                  const SuiteOptions& options) {
  std::vector<std::optional<SuiteResult>> slots(plan.size());
  std::mutex mu;  // guards first_error and on_case
  absl::Status first_error;
  std::atomic<bool> stop{false};
  ParallelFor(
      plan.size(), options.jobs, [&](size_t i) { return plan[i].entry->heavy; },
      [&](size_t i) {
        if (stop) return;
        auto first = RunOne(plan[i], options);
        SuiteResult r;
        if (first.ok() && first->verdict == Verdict::kFailed && options.retry) {
          auto again = RunOne(plan[i], options);
          if (!again.ok()) first = again.status();
          r.retried = true;
          if (again.ok()) first->verdict = AfterRetry(first->verdict, again->verdict, &r.flaky);
          // Visible in every rendering until CaseResult has a flaky field of its own.
          if (r.flaky) first->title += " [FLAKY: FAILED, then passed on retry]";
        }
        std::lock_guard<std::mutex> lock(mu);
        if (!first.ok()) {
          if (first_error.ok()) first_error = first.status();
          stop = true;
          return;
        }
        r.result = std::move(*first);
        if (options.run.on_case) options.run.on_case(r.result);
        slots[i] = std::move(r);
      });
  if (!first_error.ok()) return first_error;
  std::vector<SuiteResult> out;
  out.reserve(slots.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

std::vector<harness::CaseResult> CaseResultsOf(const std::vector<SuiteResult>& results) {
  std::vector<harness::CaseResult> out;
  for (const SuiteResult& r : results) out.push_back(r.result);
  return out;
}

std::vector<Outcome> OutcomesOf(const std::vector<SuiteResult>& results) {
  std::vector<Outcome> out;
  for (const SuiteResult& r : results)
    out.push_back({r.result.id, r.result.mode, r.result.verdict, r.flaky});
  return out;
}

}  // namespace dxt::conformance
