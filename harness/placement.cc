#include "harness/placement.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

namespace dxt::harness {
namespace {

constexpr int kMaxCpus = CPU_SETSIZE;
// A measuring window: long enough for the balancer to act on a new placement (its intervals are a
// few ms on a small machine), short enough that a losing placement costs little of a 0.5 s run.
constexpr std::chrono::milliseconds kWindow{25};
// The first window, from the first entry on: the pair's share of its CPU is already clear after a
// few scheduler slices, and half a 0.3 s run at half speed beside a hog was spent waiting for it.
constexpr std::chrono::milliseconds kFirstWindow{5};
// The clock is read once per this many entries (a lockstep entry costs a few microseconds).
constexpr long long kEntriesPerClockRead = 32;
// Bounds on the process tree walked when the pair moves (a program's threads and children).
constexpr int kMaxDepth = 16;
constexpr int kMaxTasks = 4096;

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}
int* Users() {  // colocated conversations per CPU, guarded by Mu()
  static int users[kMaxCpus] = {};
  return users;
}

cpu_set_t OneCpu(int cpu) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  return one;
}

// Calls fn(tid) for every thread of `pid` and of its descendants (host pids, as /proc shows
// them; a process leaving meanwhile is skipped), at most `*budget` threads.
template <typename Fn>
void ForEachTask(int pid, const Fn& fn, int depth, int* budget) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (fs::directory_iterator it(tasks, ec), end; !ec && it != end; it.increment(ec)) {
    if (--*budget < 0) return;
    const int tid = std::atoi(it->path().filename().c_str());
    if (tid <= 0) continue;
    fn(tid, it->path());
    if (depth >= kMaxDepth) continue;
    std::ifstream children(it->path() / "children");
    for (int child; children >> child;) ForEachTask(child, fn, depth + 1, budget);
  }
}

// Nanoseconds on a CPU from a schedstat file ("<on-CPU ns> <runnable-waiting ns> <slices>"),
// -1 when it cannot be read.
long long OnCpuNs(int fd) {
  char buf[96];
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return -1;
  buf[n] = '\0';
  unsigned long long ns = 0;
  return std::sscanf(buf, "%llu", &ns) == 1 ? static_cast<long long>(ns) : -1;
}

}  // namespace

std::unique_ptr<Colocation> Colocation::Pin() {
  cpu_set_t allowed;
  if (::pthread_getaffinity_np(::pthread_self(), sizeof allowed, &allowed) != 0) return nullptr;
  std::lock_guard<std::mutex> lock(Mu());
  // The CPU the thread runs on, unless another allowed one has fewer colocated conversations.
  const int here = ::sched_getcpu();
  int best = here >= 0 && here < kMaxCpus && CPU_ISSET(here, &allowed) ? here : -1;
  for (int cpu = 0; cpu < kMaxCpus; ++cpu) {
    if (CPU_ISSET(cpu, &allowed) && (best < 0 || Users()[cpu] < Users()[best])) best = cpu;
  }
  if (best < 0) return nullptr;
  const cpu_set_t one = OneCpu(best);
  if (::pthread_setaffinity_np(::pthread_self(), sizeof one, &one) != 0) return nullptr;
  ++Users()[best];
  return std::unique_ptr<Colocation>(new Colocation(allowed, best));
}

Colocation::Colocation(const cpu_set_t& allowed, int cpu)
    : thread_(::pthread_self()), allowed_(allowed), cpu_(cpu) {
  const std::string path =
      "/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/schedstat";
  schedstat_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
}

Colocation::~Colocation() {
  ::pthread_setaffinity_np(thread_, sizeof allowed_, &allowed_);
  if (schedstat_fd_ >= 0) ::close(schedstat_fd_);
  std::lock_guard<std::mutex> lock(Mu());
  --Users()[cpu_];
}

void Colocation::Adopt(int pid) {
  pid_ = pid;
  window_start_ = {};  // the first window starts with the first entry, after the program's start
  entries_ = 0;
}

long long Colocation::PairCpuNs() const {
  long long total = schedstat_fd_ >= 0 ? OnCpuNs(schedstat_fd_) : -1;
  if (total < 0 || pid_ <= 0) return total;
  int budget = kMaxTasks;
  ForEachTask(
      pid_,
      [&](int, const std::filesystem::path& task) {
        const int fd = ::open((task / "schedstat").c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        total += std::max(0LL, OnCpuNs(fd));
        ::close(fd);
      },
      0, &budget);
  return total;
}

void Colocation::Place(bool pin) {
  const cpu_set_t mask = pin ? OneCpu(cpu_) : allowed_;
  ::pthread_setaffinity_np(thread_, sizeof mask, &mask);
  if (pid_ > 0) {
    int budget = kMaxTasks;
    ForEachTask(
        pid_,
        [&](int tid, const std::filesystem::path&) {
          ::sched_setaffinity(tid, sizeof mask, &mask);
        },
        0, &budget);
  }
}

void Colocation::OnEntry() {
  if (pid_ <= 0) return;
  if (window_start_ == Clock::time_point{}) {
    window_start_ = Clock::now();
    window_cpu_ns_ = PairCpuNs();
    first_window_ = true;
    entries_ = 0;
    return;
  }
  if (++entries_ % kEntriesPerClockRead != 0) return;
  const Clock::time_point now = Clock::now();
  const auto elapsed = now - window_start_;
  if (elapsed < (first_window_ ? kFirstWindow : kWindow)) return;
  first_window_ = false;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const double rate = static_cast<double>(entries_) / seconds;
  const long long cpu_ns = PairCpuNs();
  // ~1 alone on the CPU (one side of the round trip always runs), ~1/2 beside a CPU hog.
  const double share = cpu_ns >= 0 && window_cpu_ns_ >= 0
                           ? static_cast<double>(cpu_ns - window_cpu_ns_) / (seconds * 1e9)
                           : 1.0;
  window_start_ = now;
  window_cpu_ns_ = cpu_ns;
  entries_ = 0;
  switch (policy_.OnWindow(rate, share)) {
    case PlacementPolicy::Move::kUnpin:
      Place(false);
      break;
    case PlacementPolicy::Move::kPin:
      Place(true);
      break;
    case PlacementPolicy::Move::kStay:
      break;
  }
}

PlacementPolicy::Move PlacementPolicy::OnWindow(double rate, double share) {
  if (rate < kMinRate) return Move::kStay;
  if (pinned_) {
    pinned_rate_ = rate;
    if (wait_windows_ > 0) {
      --wait_windows_;
      return Move::kStay;
    }
    if (share >= kContendedShare) return Move::kStay;
    pinned_ = false;
    free_windows_ = 0;
    return Move::kUnpin;
  }
  // The first unpinned window holds the balancer's first moves: only a pair clearly split
  // across busy CPUs is judged on it.
  const bool first = ++free_windows_ == 1;
  if (rate >= (first ? kSplitRate * pinned_rate_ : pinned_rate_)) {
    if (!first) backoff_windows_ = 1;
    return Move::kStay;
  }
  pinned_ = true;
  wait_windows_ = backoff_windows_;
  backoff_windows_ = std::min(2 * backoff_windows_, kMaxBackoffWindows);
  return Move::kPin;
}

}  // namespace dxt::harness
