// Concurrent execution of the suite (`dxt check --jobs N`). Each case is its own process, so
// cases run side by side; only the heavy ones (tens of MiB in flight) are serialised so memory
// stays bounded.
#ifndef DXT_CONFORMANCE_RUNNER_H_
#define DXT_CONFORMANCE_RUNNER_H_

#include <cstddef>
#include <functional>
#include <vector>

namespace dxt::conformance {

// Jobs when --jobs is not given: four per core. Most cases spend their time waiting (on pauses,
// quiet periods and round trips through pipes), so two per core left the CPUs idle; heavy cases
// are serialised whatever the count.
int DefaultJobs();

// Calls fn(i) for every index i in `order`, started in that order, on min(jobs, order.size())
// threads (jobs < 1 counts as 1), each index exactly once, and returns when all calls have
// returned. Calls for which heavy(i) is true never overlap each other. `fn` must be safe to call
// concurrently for distinct i; results are the caller's (typically written to slot i of a
// pre-sized vector).
// Calls for which waits_only(i) is true (a case that can only wait out shortened deadlines: its
// mode is blocked, conformance/suite.h) take no job slot: they run on up to `jobs` more threads,
// beside at most `jobs` of the others, so a blocked mode costs its waits once per 2 * jobs cases.
void ParallelFor(const std::vector<size_t>& order, int jobs,
                 const std::function<bool(size_t)>& heavy, const std::function<void(size_t)>& fn,
                 const std::function<bool(size_t)>& waits_only = nullptr);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_RUNNER_H_
