#include "conformance/runner.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace dxt::conformance {

int DefaultJobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void ParallelFor(size_t n, int jobs, const std::function<bool(size_t)>& heavy,
                 const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::mutex heavy_mu;
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) {
      if (heavy && heavy(i)) {
        std::lock_guard<std::mutex> lock(heavy_mu);
        fn(i);
      } else {
        fn(i);
      }
    }
  };
  size_t threads = std::min<size_t>(static_cast<size_t>(std::max(jobs, 1)), n);
  if (threads <= 1) {
    worker();
    return;
  }
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

}  // namespace dxt::conformance
