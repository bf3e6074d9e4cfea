#include "conformance/suite.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include "conformance/runner.h"
#include "conformance/trickle_io.h"

namespace dxt::conformance {
namespace {

absl::StatusOr<judge::CaseResult> RunOne(const CaseRef& ref, const SuiteOptions& options) {
  judge::Case c = Materialise(*ref.entry, ref.mode, options.materialise);
  judge::RunOptions run = options.run;
  run.on_case = nullptr;
  // Concurrent spawns are safe: the harness serialises sandbox copies with forks (SpawnMutex).
  if (ref.entry->chunking.active()) run.spawn = TrickleFactory(ref.entry->chunking, run.spawn);
  return judge::RunCase(c, run);
}

// Plan indices, the longest planned waits first (ties in plan order): the paced cases then
// overlap the many short ones instead of running alone at the end.
std::vector<size_t> LongestFirst(const std::vector<CaseRef>& plan) {
  std::vector<std::chrono::milliseconds> wait(plan.size());
  std::vector<size_t> order(plan.size());
  for (size_t i = 0; i < plan.size(); ++i) {
    wait[i] = PlannedWait(*plan[i].entry);
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return wait[a] > wait[b]; });
  return order;
}

}  // namespace

absl::StatusOr<std::vector<SuiteResult>> RunSuite(const std::vector<CaseRef>& plan,
                                                  const SuiteOptions& options) {
  std::vector<std::optional<SuiteResult>> slots(plan.size());
  std::mutex mu;  // guards first_error and on_case
  absl::Status first_error;
  std::atomic<bool> stop{false};
  ParallelFor(
      LongestFirst(plan), options.jobs, [&](size_t i) { return plan[i].entry->heavy; },
      [&](size_t i) {
        if (stop) return;
        auto first = RunOne(plan[i], options);
        SuiteResult r;
        if (first.ok() && first->verdict == Verdict::kFailed && options.retry) {
          auto again = RunOne(plan[i], options);
          if (!again.ok()) first = again.status();
          r.retried = true;
          if (again.ok())
            first->verdict = AfterRetry(first->verdict, again->verdict, &first->flaky);
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
