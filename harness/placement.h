// Where a lockstep map conversation runs (LaunchSpec::colocate): its driver thread and its
// program on one CPU, or wherever the scheduler puts them, whichever measures faster.
//
// A lockstep round trip is bound by waking the other side. On one CPU the wake-up is a context
// switch on a warm core; across two, an idle core must wake first (idle, pinning is worth 30x
// over a pair the scheduler split: bench/README.md, "Lockstep map"). Beside CPU hogs a pinned
// pair gets its fair share of one CPU and no more, since the load balancer does not move a hog
// off a CPU whose running task is pinned; an unpinned pair is sometimes left a CPU of its own
// (twice as fast as pinned), sometimes shares one with a hog (as fast as pinned) and sometimes
// is split across the hogs' CPUs (a twentieth). So the pair starts pinned; when it is seen
// sharing its CPU it tries the unpinned placement and keeps whichever gave more round trips per
// second, trying again after a growing pause when pinned won.
#ifndef DXT_HARNESS_PLACEMENT_H_
#define DXT_HARNESS_PLACEMENT_H_

#include <pthread.h>
#include <sched.h>

#include <chrono>
#include <memory>

namespace dxt::harness {

// The decision, apart from the mechanism: fed one measuring window at a time.
class PlacementPolicy {
 public:
  enum class Move { kStay, kUnpin, kPin };
  // Pinned, the pair ran less than this share of its CPU's time: something else runs there.
  static constexpr double kContendedShare = 0.75;
  // Unpinned, a first window this much slower than pinned: split across busy CPUs, pin again.
  static constexpr double kSplitRate = 0.5;
  // Fewer round trips per second than this: the program computes, placement is not the limit.
  static constexpr double kMinRate = 1000;
  static constexpr int kMaxBackoffWindows = 64;

  // `rate`: lockstep entries per second in the window; `share`: the pair's time on a CPU over
  // the window's length (only looked at while pinned). The caller makes the move it returns.
  Move OnWindow(double rate, double share);
  bool pinned() const { return pinned_; }

 private:
  bool pinned_ = true;
  double pinned_rate_ = 0;   // entries per second in the last pinned window
  int free_windows_ = 0;     // windows spent unpinned since the last move
  int wait_windows_ = 0;     // pinned windows left before the next unpinned try
  int backoff_windows_ = 1;  // that pause after an unpinned try lost, doubled at each loss
};

// The mechanism: the thread's and the program tree's CPU masks, and the measurements.
class Colocation {
 public:
  // Pins the calling thread to the CPU it runs on, or to one with fewer colocated conversations
  // among those it may run on (before the spawn: the launcher, bwrap and the program inherit the
  // mask). Null when the thread's mask cannot be read or set.
  static std::unique_ptr<Colocation> Pin();
  ~Colocation();  // the thread's own mask back; the program, if still there, keeps its mask
  Colocation(const Colocation&) = delete;
  Colocation& operator=(const Colocation&) = delete;

  // The spawned process (the launcher, or bwrap around it): its whole tree moves with the
  // thread. The first measuring window starts with the next entry.
  void Adopt(int pid);
  // One lockstep entry was written; at the end of each measuring window (5 ms from the first
  // entry, then 25 ms) the policy may move the pair. Called on the pinned thread.
  void OnEntry();
  // Pins (true) or frees the thread and every thread of the adopted tree now.
  void Place(bool pin);
  int cpu() const { return cpu_; }

 private:
  using Clock = std::chrono::steady_clock;
  Colocation(const cpu_set_t& allowed, int cpu);
  // Time on a CPU of the thread and the program's tree, -1 when the thread's cannot be read.
  long long PairCpuNs() const;

  pthread_t thread_;   // the pinned thread
  cpu_set_t allowed_;  // its mask before Pin
  int cpu_;            // the CPU it is pinned to (counted in the per-CPU use table)
  int pid_ = -1;
  int schedstat_fd_ = -1;  // /proc/self/task/<tid>/schedstat
  PlacementPolicy policy_;
  Clock::time_point window_start_;  // {} until the first entry after Adopt
  bool first_window_ = false;       // the short first window is open
  long long window_cpu_ns_ = -1;  // PairCpuNs at the window's start
  long long entries_ = 0;         // in the current window
};

}  // namespace dxt::harness

#endif  // DXT_HARNESS_PLACEMENT_H_
