#include "conformance/runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace dxt::conformance {

int DefaultJobs() {
  unsigned n = std::thread::hardware_concurrency();
  return 4 * static_cast<int>(std::max(n, 1u));
}

// A heavy case that finds another one running is set aside, not waited for, and the worker takes
// the next case; whoever finishes a heavy case runs the set-aside ones next.
void ParallelFor(const std::vector<size_t>& order, int jobs,
                 const std::function<bool(size_t)>& heavy, const std::function<void(size_t)>& fn,
                 const std::function<bool(size_t)>& waits_only) {
  const size_t n = order.size();
  jobs = std::max(jobs, 1);
  std::atomic<size_t> next{0};
  std::mutex mu;  // guards heavy_running, set_aside and free_slots
  bool heavy_running = false;
  std::deque<size_t> set_aside;
  int free_slots = jobs;  // job slots for the calls that are not waits_only
  std::condition_variable slot_freed;
  auto worker = [&] {
    for (;;) {
      size_t i = 0;
      bool is_heavy = false;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!heavy_running && !set_aside.empty()) {
          i = set_aside.front();
          set_aside.pop_front();
          heavy_running = is_heavy = true;
        }
      }
      if (!is_heavy) {
        size_t k = next++;
        if (k >= n) return;
        i = order[k];
        if (heavy && heavy(i)) {
          std::lock_guard<std::mutex> lock(mu);
          if (heavy_running) {
            set_aside.push_back(i);
            continue;
          }
          heavy_running = is_heavy = true;
        }
      }
      const bool takes_slot = !(waits_only && waits_only(i));
      if (takes_slot) {
        std::unique_lock<std::mutex> lock(mu);
        slot_freed.wait(lock, [&] { return free_slots > 0; });
        --free_slots;
      }
      fn(i);
      std::lock_guard<std::mutex> lock(mu);
      if (is_heavy) heavy_running = false;
      if (takes_slot) {
        ++free_slots;
        slot_freed.notify_one();
      }
    }
  };
  const size_t want = static_cast<size_t>(waits_only ? 2 * jobs : jobs);
  size_t threads = std::min<size_t>(want, n);
  if (threads <= 1) {
    worker();
    return;
  }
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

}  // namespace dxt::conformance
