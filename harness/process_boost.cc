// ProcessIo over real pipes. Boost.Process v2 does the launching (vfork, fd plumbing, exec error
// reporting); pumping is poll(2) on the raw nonblocking fds because v2 in Boost 1.81 offers no
// process-group API and we want one loop servicing all three pipes and the child's exit.
// This is the only file that includes Boost.Process; its exceptions stop here.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/process/v2/posix/vfork_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "harness/lifetime.h"
#include "harness/placement.h"
#include "harness/process.h"

namespace dxt::harness {
namespace {

namespace bp = boost::process::v2;

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kMaxIov = 64;
constexpr size_t kSmallChunk = 64 * 1024;  // stdin pieces up to this size share buffers
constexpr size_t kRecordSize = 8;  // launcher.c: u32 tag, i32 value
// How long the launcher may take to kill everything before it is killed itself.
constexpr std::chrono::seconds kSweepDeadline{5};
// How long a launcher (and bwrap) may take to exec the program.
constexpr std::chrono::seconds kStartDeadline{30};

class PipeProcess;

// Every running PipeProcess, so a stop signal can have all their programs killed at once.
class ProcessRegistry {
 public:
  ProcessRegistry() {
    AddStopHook([this] { KillEverything(); });
  }
  void Add(PipeProcess* p) {
    std::lock_guard<std::mutex> lock(mu_);
    live_.insert(p);
  }
  void Remove(PipeProcess* p) {
    std::lock_guard<std::mutex> lock(mu_);
    live_.erase(p);
  }
  void KillEverything();

 private:
  std::mutex mu_;
  std::set<PipeProcess*> live_;
};

ProcessRegistry& LiveProcesses() {
  static ProcessRegistry* r = new ProcessRegistry;  // used by the signal thread during exit
  return *r;
}

// The children dxt started itself (launchers, bwrap), by pid. dxt is a child subreaper
// (BecomeSubreaper): a program whose launcher was killed from outside (kill -9, the OOM killer)
// and everything it started are reparented to dxt instead of init, and SweepOrphans kills every
// child of dxt that is not in this set.
class OwnChildren {
 public:
  void Add(int pid) {
    std::lock_guard<std::mutex> lock(mu_);
    pids_.insert(pid);
  }
  void Remove(int pid) {
    std::lock_guard<std::mutex> lock(mu_);
    pids_.erase(pid);
  }
  bool Has(int pid) {
    std::lock_guard<std::mutex> lock(mu_);
    return pids_.count(pid) > 0;
  }

 private:
  std::mutex mu_;
  std::set<int> pids_;
};

OwnChildren& Children() {
  static OwnChildren* c = new OwnChildren;
  return *c;
}

void BecomeSubreaper() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); });
}

// waitpid for a child of ours, which then leaves OwnChildren.
void ReapChild(int pid, int* status) {
  int ignored = 0;
  while (::waitpid(pid, status ? status : &ignored, 0) < 0 && errno == EINTR) {
  }
  Children().Remove(pid);
}

// Children of this process that it did not start: orphans reparented to us. Zombies included
// (they must be reaped); `alive` counts the others.
std::vector<int> Orphans(uint64_t* alive) {
  std::vector<int> out;
  const std::string self = std::to_string(::getpid());
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(it->path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::vector<std::string> f = absl::StrSplit(stat.substr(paren + 2), ' ');  // state ppid ...
    if (f.size() < 2 || f[1] != self) continue;
    const int pid = std::stoi(name);
    if (Children().Has(pid)) continue;
    out.push_back(pid);
    if (f[0] != "Z") ++*alive;
  }
  return out;
}

// Kills and reaps every orphan until none has appeared for a few rounds (an orphan's own children
// are reparented to us only once it dies). Returns how many were still running. Holds SpawnMutex,
// so a child being started is registered before it could look like an orphan.
uint64_t SweepOrphans() {
  std::lock_guard<std::mutex> lock(SpawnMutex());
  uint64_t killed = 0;
  const auto deadline = Clock::now() + kSweepDeadline;
  for (int quiet = 0; quiet < 3 && Clock::now() < deadline;) {
    std::vector<int> orphans = Orphans(&killed);
    if (orphans.empty()) {
      ++quiet;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    quiet = 0;
    for (int pid : orphans) {
      ::kill(pid, SIGKILL);
      ReapChild(pid, nullptr);
    }
  }
  return killed;
}

// Nonblocking reads of stdout before sleeping in poll, when a colocated program owes a reply but
// no BlockingReplyRead could be had, with a sched_yield between them: the program shares our CPU,
// so a read can only find its reply once the program has run. Reading 20 times without yielding
// burnt ~1.2 M failed reads per 100 000 entries beside a CPU hog (bench/README.md, "Lockstep map").
constexpr int kSpinReads = 3;

bool SigpipeIgnored() {
  struct sigaction sa;
  return ::sigaction(SIGPIPE, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

// Runs in the vforked child before execve: own process group (so the driver can kill every
// descendant with one signal), default SIGPIPE (dxt ignores it), nothing blocked, and the
// launcher's end of the control socket kept open across exec. The child shares our memory until
// it execs (vfork: no page-table copy of a dxt holding tens of MiB of case data, which made fork
// the largest cost of a suite run), so it only makes syscalls and, on failure, leaves with _exit:
// Boost would call exit(), running our atexit handlers and flushing our stdio buffers from the
// child. The error code it sets is in our memory, so the launcher still reports it.
struct ChildSetup {
  int keep_fd = -1;
  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (keep_fd >= 0) ::fcntl(keep_fd, F_SETFD, 0);  // the child's own descriptor table
    return {};
  }
  // Variadic: Boost 1.81 detects this hook with five arguments and calls it with four.
  template <typename... Args>
  void on_exec_error(Args&&...) {
    ::_exit(127);
  }
};

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

uint64_t BytesInPipe(int fd) {
  int n = 0;
  if (::ioctl(fd, FIONREAD, &n) < 0) return 0;
  return n > 0 ? static_cast<uint64_t>(n) : 0;
}

// The lockstep reply wait of a colocated conversation, asleep in read(2) as a plain blocking loop
// sleeps. Beside CPU hogs a task that sleeps in read and is woken by the program's write runs
// ahead of the hogs; one that yields, or sleeps in poll and then reads, waits behind them
// (bench/README.md, "Lockstep map"). The stdout pipe is reopened through /proc/self/fd: the copy
// is its own open file description, so it blocks while the original stays nonblocking for poll.
// What the blocked read does not watch (stderr, the launcher's socket, the deadline) is looked
// at every kTick: a POSIX timer of this thread's sends it kWakeSignal (handler without
// SA_RESTART), which ends the read with EINTR, and the caller then polls everything once. So a
// program writing stderr is drained at least every tick, and never blocks on it for longer.
class BlockingReplyRead {
 public:
  static constexpr std::chrono::milliseconds kTick{10};

  // Null when the copy, the signal handler or the timer cannot be had (the caller then polls).
  static std::unique_ptr<BlockingReplyRead> Open(int out_fd) {
    static const bool handler = [] {
      struct sigaction sa {};
      sa.sa_handler = [](int) { tick_ended = 1; };  // and interrupts read(2): no SA_RESTART
      sigemptyset(&sa.sa_mask);
      return ::sigaction(WakeSignal(), &sa, nullptr) == 0;
    }();
    if (!handler) return nullptr;
    sigset_t mask;
    if (::pthread_sigmask(SIG_BLOCK, nullptr, &mask) != 0 || sigismember(&mask, WakeSignal()))
      return nullptr;
    const int fd = ::open(absl::StrCat("/proc/self/fd/", out_fd).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    sigevent sev{};
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = WakeSignal();
    sev._sigev_un._tid = ThisThread();  // sigev_notify_thread_id, which glibc 2.36 does not name
    timer_t timer;
    if (::timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0) {
      ::close(fd);
      return nullptr;
    }
    return std::unique_ptr<BlockingReplyRead>(new BlockingReplyRead(fd, timer));
  }
  ~BlockingReplyRead() {
    ::timer_delete(timer_);
    ::close(fd_);
  }

  // Reads stdout into `buf`, asleep until bytes arrive, the pipe has no writer, or the tick
  // ends. Returns read(2)'s result; -1 with EAGAIN without reading when the caller must poll
  // instead: a tick has passed since everything was last looked at (the timer is re-armed), the
  // deadline comes before the tick does, or this is not the thread the timer wakes.
  ssize_t Read(char* buf, size_t n, Clock::time_point deadline) {
    if (ThisThread() != tid_) {
      errno = EAGAIN;
      return -1;
    }
    if (tick_ended || armed_until_ == Clock::time_point{}) {
      tick_ended = 0;
      Arm(Clock::now() + kTick);
      errno = EAGAIN;
      return -1;
    }
    if (deadline <= armed_until_) {
      errno = EAGAIN;
      return -1;
    }
    return ::read(fd_, buf, n);
  }

 private:
  BlockingReplyRead(int fd, timer_t timer) : fd_(fd), timer_(timer), tid_(ThisThread()) {}
  static int WakeSignal() { return SIGRTMIN + 4; }
  static pid_t ThisThread() {
    static thread_local const pid_t tid = static_cast<pid_t>(::syscall(SYS_gettid));
    return tid;
  }
  void Arm(Clock::time_point at) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch());
    itimerspec when{};
    when.it_value.tv_sec = static_cast<time_t>(ns.count() / 1000000000);
    when.it_value.tv_nsec = static_cast<long>(ns.count() % 1000000000);
    // Periodic: a signal that lands between the look at tick_ended and the read(2) it guards
    // leaves the read asleep until the next one, a tick later, not for good.
    when.it_interval.tv_nsec = std::chrono::nanoseconds(kTick).count();
    const bool armed = ::timer_settime(timer_, TIMER_ABSTIME, &when, nullptr) == 0;
    armed_until_ = armed ? at : Clock::time_point{};  // not armed: the next Read tries again
  }

  // Set by the timer's signal on the thread it wakes (one reply wait per thread at a time), so
  // a read need not look at the clock to know whether a tick has passed.
  static thread_local volatile sig_atomic_t tick_ended;

  int fd_;
  timer_t timer_;
  pid_t tid_;  // the thread the timer wakes: the one that opened this
  Clock::time_point armed_until_{};  // when the timer first fires ({}: not armed)
};

thread_local volatile sig_atomic_t BlockingReplyRead::tick_ended = 0;

class PipeProcess : public ProcessIo {
 public:
  PipeProcess(int pid, int control_fd, int in_fd, int out_fd, int err_fd,
              std::unique_ptr<Colocation> colocation)
      : pid_(pid), in_fd_(in_fd), out_fd_(out_fd), err_fd_(err_fd), control_fd_(control_fd),
        sigpipe_ignored_(SigpipeIgnored()), colocation_(std::move(colocation)) {
    if (colocation_) reply_read_ = BlockingReplyRead::Open(out_fd_);
    LiveProcesses().Add(this);
  }

  ~PipeProcess() override {
    KillAll();
    LiveProcesses().Remove(this);
    reply_read_.reset();
    CloseFd(&peek_fd_);
    CloseFd(&in_fd_);
    CloseFd(&out_fd_);
    CloseFd(&err_fd_);
  }

  // Small pieces join the newest queued chunk, or reuse the buffer of the last chunk written:
  // a lockstep map queues one small frame per entry, and allocates nothing for it.
  void QueueInput(std::string_view bytes) override {
    if (in_fd_ < 0 || bytes.empty()) return;
    pending_ += bytes.size();
    if (bytes.size() <= kSmallChunk) {
      if (!in_queue_.empty() && in_queue_.back().borrowed.empty() &&
          in_queue_.back().owned.size() + bytes.size() <= kSmallChunk) {
        in_queue_.back().owned.append(bytes);
        return;
      }
      spare_.assign(bytes);
      in_queue_.emplace_back().owned = std::move(spare_);
      spare_ = std::string();
      return;
    }
    in_queue_.emplace_back().owned.assign(bytes);
  }
  void QueueInputBorrowed(std::string_view bytes) override {
    if (in_fd_ < 0 || bytes.empty()) return;
    pending_ += bytes.size();
    in_queue_.emplace_back().borrowed = bytes;
    ++borrowed_;
  }
  void OwnQueuedInput() override {
    // Called before every input pair: nothing to walk when nothing is borrowed (a reduce keeps
    // up to 1 MiB of small frames queued).
    if (borrowed_ == 0) return;
    borrowed_ = 0;
    for (auto it = in_queue_.begin(); it != in_queue_.end(); ++it) {
      if (it->borrowed.empty()) continue;
      const size_t skip = it == in_queue_.begin() ? in_pos_ : 0;  // what is written is gone
      it->owned.assign(it->borrowed.substr(skip));
      it->borrowed = {};
      if (it == in_queue_.begin()) in_pos_ = 0;
    }
  }
  uint64_t PendingInput() const override { return pending_; }
  void CloseInput() override {
    if (in_fd_ >= 0 && !in_broken_ && !exited_ && peek_fd_ < 0) {
      // A read end of our own, opened as we give up the write end: bytes the program never reads
      // stay countable after end-of-input, until it exits (a reduce that ignores its input and
      // exits once the pipe has no writer was invisible, R6.1). Holding a reader only from here
      // on keeps EPIPE meaning "the program closed stdin" while we still write.
      peek_fd_ = ::open(absl::StrCat("/proc/self/fd/", in_fd_).c_str(),
                        O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    }
    CloseFd(&in_fd_);
    in_queue_.clear();
    borrowed_ = 0;
    in_pos_ = 0;
    pending_ = 0;
  }

  absl::Status Pump(Clock::time_point deadline, PumpEvents* ev) override {
    ev->out.clear();  // keeps the buffers' capacity: no allocation per call
    ev->err.clear();
    ev->in_written = 0;
    ev->changed = false;
    // The lockstep round trip without poll: a pipe with room takes the pair at once, and the
    // reply is often there when the write returns (the woken program ran meanwhile).
    // Colocated (a lockstep map), the written pair's list is owed at once: awaited in this call.
    if (in_fd_ >= 0 && pending_ > 0) {
      WriteInput(ev);
      if (ev->changed && !(colocation_ && in_fd_ >= 0 && pending_ == 0)) return absl::OkStatus();
    }
    if (in_fd_ >= 0 && pending_ == 0 && out_fd_ >= 0 && AwaitReply(deadline, ev)) {
      return absl::OkStatus();
    }
    for (;;) {
      pollfd fds[4];
      int n = 0;
      int in_i = -1, out_i = -1, err_i = -1, ctl_i = -1;
      if (in_fd_ >= 0 && PendingInput() > 0) fds[in_i = n++] = {in_fd_, POLLOUT, 0};
      if (out_fd_ >= 0) fds[out_i = n++] = {out_fd_, POLLIN, 0};
      if (err_fd_ >= 0) fds[err_i = n++] = {err_fd_, POLLIN, 0};
      if (control_fd_ >= 0) fds[ctl_i = n++] = {control_fd_, POLLIN, 0};
      if (ev->changed) return absl::OkStatus();
      auto now = Clock::now();
      if (now >= deadline) return absl::OkStatus();
      if (n == 0 && exited_) return absl::OkStatus();  // nothing can change any more
      auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
      int timeout = static_cast<int>(std::min<long long>(wait, 1000 * 60));
      int r = ::poll(fds, n, timeout);
      if (r < 0) {
        if (errno == EINTR) continue;
        return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
      }
      if (r == 0) continue;
      if (in_i >= 0 && fds[in_i].revents) WriteInput(ev);
      if (out_i >= 0 && fds[out_i].revents) ReadInto(&out_fd_, &ev->out, ev);
      if (err_i >= 0 && fds[err_i].revents) ReadInto(&err_fd_, &ev->err, ev);
      if (ctl_i >= 0 && fds[ctl_i].revents) ReadControl(ev);
    }
  }

  bool input_closed() const override { return in_fd_ < 0; }
  bool input_broken() const override { return in_broken_; }
  bool out_eof() const override { return out_fd_ < 0; }
  bool err_eof() const override { return err_fd_ < 0; }
  bool exited() const override { return exited_; }
  ExitInfo exit_info() const override { return exit_; }

  uint64_t UnreadInput() const override {
    if (in_fd_ < 0) return unread_after_close_;
    return BytesInPipe(in_fd_);
  }

  void KillGroup() override {
    if (kill_sent_ || control_fd_ < 0) return;
    kill_sent_ = true;
    char k = 'K';
    (void)!::send(control_fd_, &k, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
  }

  uint64_t KillAll() override {
    KillGroup();
    auto deadline = Clock::now() + kSweepDeadline;
    PumpEvents ignored;
    while (control_fd_ >= 0) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        // The launcher did not finish its sweep: kill it (under bwrap, its namespace goes with it).
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);
        EndControl(&ignored);
        break;
      }
      pollfd p{control_fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(left));
      if (r > 0) ReadControl(&ignored);
      if (r < 0 && errno != EINTR) EndControl(&ignored);
    }
    ReapLauncher();
    return strays_;
  }

  // For the stop hook (another thread): the launcher kills everything; this object's owner then
  // sees the program end as after any KillGroup.
  void KillFromStopHook() {
    char k = 'K';
    if (control_fd_ >= 0) (void)!::send(control_fd_, &k, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
  }

  void AbandonOutput() override {
    reply_read_.reset();
    CloseFd(&out_fd_);
    CloseFd(&err_fd_);
  }
  Clock::time_point Now() const override { return Clock::now(); }

 private:
  // Launcher records (launcher.c): 'E' the program's wait status, 'S' the stray count; then
  // end-of-file once the launcher (and bwrap) are gone.
  void ReadControl(PumpEvents* ev) {
    char buf[256];
    ssize_t r;
    while ((r = ::read(control_fd_, buf, sizeof buf)) < 0 && errno == EINTR) {
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (r <= 0) {
      EndControl(ev);
      return;
    }
    records_.append(buf, static_cast<size_t>(r));
    while (records_.size() >= kRecordSize) {
      uint32_t tag;
      int32_t value;
      std::memcpy(&tag, records_.data(), 4);
      std::memcpy(&value, records_.data() + 4, 4);
      records_.erase(0, kRecordSize);
      if (tag == 'E') ProgramEnded(value, ev);
      if (tag == 'S') {
        strays_ = static_cast<uint64_t>(std::max(value, 0));
        swept_ = true;
      }
    }
  }

  void EndControl(PumpEvents* ev) {
    LiveProcesses().Remove(this);  // before the close: the stop hook may be writing to it
    CloseFd(&control_fd_);
    ReapLauncher();
    // The launcher died without its sweep (killed from outside): what it supervised is ours now.
    if (!swept_) strays_ += SweepOrphans();
    if (!exited_) ProgramEnded(launcher_status_, ev);  // the launcher died without a word
  }

  void ReapLauncher() {
    if (launcher_reaped_) return;
    int status = 0;
    ReapChild(pid_, &status);
    launcher_reaped_ = true;
    launcher_status_ = status;
  }

  void ProgramEnded(int status, PumpEvents* ev) {
    if (exited_) return;
    exited_ = true;
    ev->changed = true;
    if (peek_fd_ >= 0) {
      unread_after_close_ = BytesInPipe(peek_fd_);
      CloseFd(&peek_fd_);
    }
    if (WIFSIGNALED(status)) {
      exit_.term_signal = WTERMSIG(status);
    } else if (WIFEXITED(status)) {
      exit_.exited = true;
      exit_.exit_code = WEXITSTATUS(status);
    }
  }

  // Writes what is queued. A colocated conversation counts the write as one lockstep entry: its
  // placement is measured in entries per second.
  void WriteInput(PumpEvents* ev) {
    const uint64_t before = ev->in_written;
    if (sigpipe_ignored_) {
      WriteQueued(ev);
    } else {
      WriteQueuedSigpipeBlocked(ev);
    }
    // lockstep: one entry per pump call that wrote (a second write in the call, after its
    // poll, continues the same pair)
    if (colocation_ && before == 0 && ev->in_written > 0) colocation_->OnEntry();
  }

  // SIGPIPE is blocked around the writes and a pending one discarded, so the caller need not
  // ignore SIGPIPE process-wide (dxt does; tests and other embedders may not).
  void WriteQueuedSigpipeBlocked(PumpEvents* ev) {
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    WriteQueued(ev);
    if (in_broken_) {
      timespec zero{0, 0};
      while (::sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  // writev of the queued chunks (pairs are queued one frame each, no copying into one buffer).
  void WriteQueued(PumpEvents* ev) {
    while (pending_ > 0) {
      iovec iov[kMaxIov];
      int n = 0;
      for (auto it = in_queue_.begin(); it != in_queue_.end() && n < kMaxIov; ++it, ++n) {
        const std::string_view bytes = it->bytes();
        size_t skip = n == 0 ? in_pos_ : 0;
        iov[n] = {const_cast<char*>(bytes.data()) + skip, bytes.size() - skip};
      }
      ssize_t w = n == 1 ? ::write(in_fd_, iov[0].iov_base, iov[0].iov_len)
                         : ::writev(in_fd_, iov, n);
      if (w > 0) {
        Consume(static_cast<size_t>(w));
        ev->in_written += static_cast<uint64_t>(w);
        ev->changed = true;
        continue;
      }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      // EPIPE (or any other failure): the program closed its stdin.
      in_broken_ = true;
      ev->changed = true;
      CloseInput();
      return;
    }
  }

  void Consume(size_t n) {
    pending_ -= n;
    while (n > 0) {
      size_t left = in_queue_.front().bytes().size() - in_pos_;
      if (n < left) {
        in_pos_ += n;
        return;
      }
      n -= left;
      if (!in_queue_.front().borrowed.empty()) {
        --borrowed_;
      } else if (in_queue_.front().owned.capacity() <= kSmallChunk) {
        spare_ = std::move(in_queue_.front().owned);
        spare_.clear();
      }
      in_queue_.pop_front();
      in_pos_ = 0;
    }
  }

  void ReadInto(int* fd, std::string* dst, PumpEvents* ev) {
    char buf[kReadChunk];
    ssize_t r;
    while ((r = ::read(*fd, buf, sizeof buf)) < 0 && errno == EINTR) {
    }
    if (r > 0) {
      dst->append(buf, static_cast<size_t>(r));
      ev->changed = true;
    } else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      CloseFd(fd);
      ev->changed = true;
    }
  }

  // The wait for a reply that is owed, before (or instead of) poll: asleep in read(2) when a
  // BlockingReplyRead is there, else reading once (colocated: a few times, yielding between)
  // before the caller sleeps in poll. False: nothing arrived, the caller polls.
  bool AwaitReply(Clock::time_point deadline, PumpEvents* ev) {
    if (reply_read_) {
      char buf[kReadChunk];
      ssize_t r = reply_read_->Read(buf, sizeof buf, deadline);
      if (r > 0) {
        ev->out.append(buf, static_cast<size_t>(r));
        ev->changed = true;
        return true;
      }
      if (r == 0) {  // no writer left: end-of-file, as ReadInto sees it
        reply_read_.reset();
        CloseFd(&out_fd_);
        ev->changed = true;
        return true;
      }
      return false;  // interrupted by the tick, or not to be used now: poll
    }
    return ReadBeforePoll(ev);
  }

  // Reads stdout once (colocated: a few times) before the caller sleeps in poll. A reply that
  // lands meanwhile costs no poll and no wake-up of this thread.
  bool ReadBeforePoll(PumpEvents* ev) {
    for (int i = 0; i < (colocation_ ? kSpinReads : 1); ++i) {
      ReadInto(&out_fd_, &ev->out, ev);
      if (ev->changed) return true;
      if (colocation_) ::sched_yield();
    }
    return false;
  }

  int pid_;  // the launcher, or bwrap around it
  int in_fd_, out_fd_, err_fd_;
  int control_fd_;
  std::string records_;  // launcher bytes not yet a whole record
  bool kill_sent_ = false;
  bool launcher_reaped_ = false;
  int launcher_status_ = 0;
  uint64_t strays_ = 0;
  bool swept_ = false;  // the launcher reported its sweep ('S')
  bool sigpipe_ignored_;  // then no SIGPIPE can arrive: writes need no signal mask
  std::unique_ptr<Colocation> colocation_;  // null unless LaunchSpec::colocate (and it worked)
  std::unique_ptr<BlockingReplyRead> reply_read_;  // colocated only; null: poll for replies
  int peek_fd_ = -1;                // read end of stdin's pipe, held from CloseInput to the exit
  uint64_t unread_after_close_ = 0;  // what peek_fd_ held at the exit
  // A queued chunk: our copy, or the caller's bytes (QueueInputBorrowed) until OwnQueuedInput.
  struct Chunk {
    std::string owned;
    std::string_view borrowed;
    std::string_view bytes() const { return borrowed.empty() ? std::string_view(owned) : borrowed; }
  };
  std::deque<Chunk> in_queue_;
  size_t borrowed_ = 0;  // chunks of in_queue_ still borrowed
  std::string spare_;  // the buffer of a small chunk already written, for the next one
  size_t in_pos_ = 0;  // bytes of in_queue_.front() already written
  uint64_t pending_ = 0;
  bool in_broken_ = false;
  bool exited_ = false;
  ExitInfo exit_;
};

void ProcessRegistry::KillEverything() {
  std::lock_guard<std::mutex> lock(mu_);
  for (PipeProcess* p : live_) p->KillFromStopHook();
}

absl::Status ErrnoStatus(int err, const std::string& what) {
  std::string msg = absl::StrCat(what, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(msg);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(msg);
    case ENOEXEC:
      return absl::FailedPreconditionError(msg + " (not an executable format; missing #! line?)");
    default:
      return absl::InternalError(msg);
  }
}

bool IsExecutable(const std::string& path) {
  return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

// $DXT_LAUNCHER, else dxt-launch beside the running executable, else the one this build made.
std::string LauncherPath() {
  static const std::string path = [] {
    if (const char* env = std::getenv("DXT_LAUNCHER"); env && *env) return std::string(env);
    char self[4096];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
      std::string dir(self, static_cast<size_t>(n));
      dir.resize(dir.rfind('/') + 1);
      if (IsExecutable(dir + "dxt-launch")) return dir + "dxt-launch";
    }
    return std::string(DXT_LAUNCHER_PATH);
  }();
  return path;
}

// $DXT_BWRAP when set (empty: none), else bwrap on $PATH, else /usr/bin/bwrap; "" when none.
std::string BwrapPath() {
  if (const char* env = std::getenv("DXT_BWRAP")) return IsExecutable(env) ? env : "";
  if (const char* path = std::getenv("PATH")) {
    for (auto dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      std::string candidate = absl::StrCat(dir, "/bwrap");
      if (IsExecutable(candidate)) return candidate;
    }
  }
  return IsExecutable("/usr/bin/bwrap") ? "/usr/bin/bwrap" : "";
}

// bwrap's command line up to (and including) the launcher. Each option is there for a reason:
// --as-pid-1 makes the launcher the namespace's init (orphans come to it; its exit ends them all);
// --die-with-parent ends the sandbox with dxt, even under SIGKILL; --unshare-net leaves only a
// loopback of its own; / read-only with a fresh /dev and /proc, then the case's three writable
// directories. No --new-session: there is no terminal to protect, and the launcher already puts
// the program in a group of its own.
std::vector<std::string> BwrapArgs(const LaunchSpec& spec) {
  std::vector<std::string> a = {"--unshare-pid", "--unshare-net", "--unshare-ipc",
                                "--unshare-uts", "--die-with-parent", "--as-pid-1"};
  if (::geteuid() != 0) a.push_back("--unshare-user");
  for (const char* x : {"--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"})
    a.push_back(x);
  a.insert(a.end(), {"--bind", spec.tmp_dir, "/tmp", "--bind", spec.work_dir, spec.work_dir,
                     "--bind", spec.home_dir, spec.home_dir, "--chdir", spec.work_dir, "--"});
  return a;
}

struct Fds {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  int control[2] = {-1, -1};  // [0] ours, [1] the launcher's
  int setup[2] = {-1, -1};    // bwrap's and the launcher's own stderr, for their error messages
  int null_fd = -1;
  ~Fds() {
    for (int* p : {in, out, err, control, setup})
      for (int i = 0; i < 2; ++i) CloseFd(&p[i]);
    CloseFd(&null_fd);
  }
};

absl::Status MakeFds(Fds* f) {
  for (int* p : {f->in, f->out, f->err, f->setup})
    if (::pipe2(p, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe");
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->control) != 0)
    return ErrnoStatus(errno, "socketpair");
  f->null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (f->null_fd < 0) return ErrnoStatus(errno, "/dev/null");
  return absl::OkStatus();
}

// The program's three pipe ends travel to the launcher over the control socket: bwrap's own
// process never holds them, so EPIPE and end-of-file mean what the program did.
absl::Status SendStdio(int socket, int in, int out, int err) {
  char byte = 'P';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char space[CMSG_SPACE(3 * sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = space;
  msg.msg_controllen = sizeof space;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(3 * sizeof(int));
  int fds[3] = {in, out, err};
  std::memcpy(CMSG_DATA(c), fds, sizeof fds);
  while (::sendmsg(socket, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return ErrnoStatus(errno, "sending the program's pipes to the launcher");
  }
  return absl::OkStatus();
}

std::string ReadAvailable(int fd) {
  std::string text;
  char buf[4096];
  ssize_t r;
  while (text.size() < 16384 && (r = ::read(fd, buf, sizeof buf)) != 0) {
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    text.append(buf, static_cast<size_t>(r));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

constexpr char kSandboxNotStartedUrl[] = "dxt/harness/sandbox-not-started";

absl::Status SandboxNotStarted(absl::Status s) {
  s.SetPayload(kSandboxNotStartedUrl, absl::Cord());
  return s;
}

// bwrap or the launcher ended (or is ended now) before the program's exec: their stderr says why.
absl::Status NotStarted(const LaunchSpec& spec, int pid, Fds* f) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  int status = 0;
  ReapChild(pid, &status);
  CloseFd(&f->setup[1]);
  std::string why = ReadAvailable(f->setup[0]);
  return SandboxNotStarted(absl::InternalError(absl::StrCat(
      "cannot start ", spec.executable, " under ", IsolationName(spec.isolation), " isolation",
      WIFEXITED(status) ? absl::StrCat(" (exit ", WEXITSTATUS(status), ")") : "",
      why.empty() ? "" : absl::StrCat(": ", why))));
}

// Waits for the launcher's first record: 'R' (started) or 'F' errno (exec failed); end-of-file
// means bwrap or the launcher failed before, and their stderr says why.
absl::Status AwaitStart(const LaunchSpec& spec, int pid, Fds* f) {
  std::string got;
  auto deadline = Clock::now() + kStartDeadline;
  while (got.size() < kRecordSize) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{f->control[0], POLLIN, 0};
    int r = left > 0 ? ::poll(&p, 1, static_cast<int>(left)) : 0;
    if (r < 0 && errno == EINTR) continue;
    char buf[kRecordSize];
    ssize_t n = r > 0 ? ::read(f->control[0], buf, kRecordSize - got.size()) : -1;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  if (got.size() == kRecordSize) {
    uint32_t tag;
    int32_t value;
    std::memcpy(&tag, got.data(), 4);
    std::memcpy(&value, got.data() + 4, 4);
    if (tag == 'R') return absl::OkStatus();
    if (tag == 'F') {
      ::kill(pid, SIGKILL);
      ReapChild(pid, nullptr);
      return ErrnoStatus(value, absl::StrCat("cannot start ", spec.executable));
    }
  }
  return NotStarted(spec, pid, f);
}

}  // namespace

bool IsSandboxNotStarted(const absl::Status& s) {
  return s.GetPayload(kSandboxNotStartedUrl).has_value();
}

const char* IsolationName(Isolation level) {
  switch (level) {
    case Isolation::kAuto: return "auto";
    case Isolation::kNamespaces: return "namespaces";
    case Isolation::kProcessGroup: return "process-group";
  }
  return "?";
}

absl::StatusOr<Isolation> ParseIsolation(std::string_view text) {
  for (Isolation l : {Isolation::kAuto, Isolation::kNamespaces, Isolation::kProcessGroup})
    if (text == IsolationName(l)) return l;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid isolation '", std::string(text), "': expected auto, namespaces or process-group"));
}

std::mutex& SpawnMutex() {
  static std::mutex mu;
  return mu;
}

absl::StatusOr<std::unique_ptr<ProcessIo>> SpawnProcess(const LaunchSpec& spec) {
  if (StopRequested()) return absl::CancelledError("dxt is stopping (signal received)");
  std::string launcher = LauncherPath();
  if (!IsExecutable(launcher))
    return absl::InternalError(absl::StrCat("dxt's launcher is missing: ", launcher,
                                            " (set DXT_LAUNCHER)"));
  std::string executable = launcher;
  std::vector<std::string> args;
  if (spec.isolation == Isolation::kNamespaces) {
    executable = BwrapPath();
    if (executable.empty())
      return SandboxNotStarted(absl::FailedPreconditionError(
          "no bwrap found ($DXT_BWRAP, bwrap on $PATH, /usr/bin/bwrap)"));
    args = BwrapArgs(spec);
    args.push_back(launcher);
  }
  Fds f;
  if (absl::Status s = MakeFds(&f); !s.ok()) return s;
  args.push_back(std::to_string(f.control[1]));
  args.push_back(spec.executable);
  args.insert(args.end(), spec.argv.begin(), spec.argv.end());
  if (spec.argv.empty()) args.push_back(spec.executable);
  std::vector<const char*> envp;
  for (const auto& e : spec.env) envp.push_back(e.c_str());
  envp.push_back(nullptr);

  // Pinned before the spawn: the launcher, bwrap and the program inherit the thread's mask.
  std::unique_ptr<Colocation> colocation = spec.colocate ? Colocation::Pin() : nullptr;
  BecomeSubreaper();
  int pid = -1;
  try {
    // The launcher returns once the child has exec'd (or failed to): no child of ours is then
    // still holding descriptors it inherited from a concurrent sandbox copy.
    std::lock_guard<std::mutex> lock(SpawnMutex());
    boost::asio::io_context ctx;
    bp::posix::vfork_launcher vfork;
    vfork.env = envp.data();
    vfork.fd_whitelist.push_back(f.control[1]);
    bp::error_code ec;
    auto proc = vfork(ctx.get_executor(), ec, bp::filesystem::path(executable), args,
                      bp::process_stdio{f.null_fd, f.null_fd, f.setup[1]},
                      bp::process_start_dir{spec.work_dir}, ChildSetup{f.control[1]});
    if (ec) {
      if (vfork.pid > 0) {  // the child that failed to exec
        int status = 0;
        while (::waitpid(vfork.pid, &status, 0) < 0 && errno == EINTR) {
        }
      }
      return ErrnoStatus(ec.value(), absl::StrCat("cannot start ", executable));
    }
    pid = proc.id();
    Children().Add(pid);  // under SpawnMutex: never taken for an orphan
    proc.detach();  // we reap it ourselves, with the native status
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("cannot start ", executable, ": ", e.what()));
  }
  ::setpgid(pid, pid);  // harmless if the child already did it (EACCES after exec)
  CloseFd(&f.control[1]);
  absl::Status sent = SendStdio(f.control[0], f.in[0], f.out[1], f.err[1]);
  CloseFd(&f.in[0]);
  CloseFd(&f.out[1]);
  CloseFd(&f.err[1]);
  // A send that fails found no launcher to take the pipes: bwrap (or the launcher) has already
  // ended, as when a sandbox cannot be had here, and its own words say why.
  if (absl::Status s = sent.ok() ? AwaitStart(spec, pid, &f) : NotStarted(spec, pid, &f); !s.ok())
    return s;
  for (int fd : {f.in[1], f.out[0], f.err[0], f.control[0]})
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (colocation) colocation->Adopt(pid);
  auto io = std::unique_ptr<ProcessIo>(new PipeProcess(pid, f.control[0], f.in[1], f.out[0],
                                                        f.err[0], std::move(colocation)));
  f.control[0] = f.in[1] = f.out[0] = f.err[0] = -1;  // owned by io now
  // A stop signal during the start found no registered process to kill: this one is now.
  if (StopRequested()) io->KillGroup();
  return io;
}

}  // namespace dxt::harness
