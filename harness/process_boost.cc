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
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/posix/vfork_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>

#include "absl/strings/str_cat.h"
#include "harness/process.h"

namespace dxt::harness {
namespace {

namespace bp = boost::process::v2;

constexpr size_t kReadChunk = 64 * 1024;
// Without a pidfd the child's exit is polled at this interval.
constexpr int kExitPollMs = 10;
constexpr int kMaxIov = 64;
// Nonblocking reads of stdout before sleeping in poll, when a colocated program owes a reply.
constexpr int kSpinReads = 20;

bool SigpipeIgnored() {
  struct sigaction sa;
  return ::sigaction(SIGPIPE, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

// Runs in the vforked child before execve: own process group (so the driver can kill every
// descendant with one signal), default SIGPIPE (dxt ignores it), nothing blocked. The child shares
// our memory until it execs (vfork: no page-table copy of a dxt holding tens of MiB of case data,
// which made fork the largest cost of a suite run), so it only makes syscalls and, on failure,
// leaves with _exit: Boost would call exit(), running our atexit handlers and flushing our stdio
// buffers from the child. The error code it sets is in our memory, so the launcher still reports it.
struct ChildSetup {
  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
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

int OpenPidFd(int pid) {
#ifdef SYS_pidfd_open
  long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    return static_cast<int>(fd);
  }
#endif
  (void)pid;
  return -1;
}

// Keeps the spawning thread and its program on one CPU for the life of the process object: a
// lockstep round trip then wakes a task on the same core (no cross-core wake-up of an idle core,
// caches stay warm). The CPU is the least used by other colocated conversations among those the
// thread may run on, so concurrent conversations spread out; the thread's own mask is restored
// at the end.
class Colocation {
 public:
  static std::unique_ptr<Colocation> Pin(int pid) {
    pthread_t self = ::pthread_self();
    cpu_set_t allowed;
    if (::pthread_getaffinity_np(self, sizeof allowed, &allowed) != 0) return nullptr;
    std::lock_guard<std::mutex> lock(Mu());
    int best = -1;
    for (int cpu = 0; cpu < kMaxCpus; ++cpu) {
      if (CPU_ISSET(cpu, &allowed) && (best < 0 || Users()[cpu] < Users()[best])) best = cpu;
    }
    if (best < 0) return nullptr;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(best, &one);
    if (::sched_setaffinity(pid, sizeof one, &one) != 0 ||
        ::pthread_setaffinity_np(self, sizeof one, &one) != 0) {
      ::sched_setaffinity(pid, sizeof allowed, &allowed);
      return nullptr;
    }
    ++Users()[best];
    return std::unique_ptr<Colocation>(new Colocation(self, allowed, best));
  }
  ~Colocation() {
    ::pthread_setaffinity_np(thread_, sizeof allowed_, &allowed_);
    std::lock_guard<std::mutex> lock(Mu());
    --Users()[cpu_];
  }

 private:
  static constexpr int kMaxCpus = CPU_SETSIZE;
  Colocation(pthread_t thread, const cpu_set_t& allowed, int cpu)
      : thread_(thread), allowed_(allowed), cpu_(cpu) {}
  static std::mutex& Mu() {
    static std::mutex mu;
    return mu;
  }
  static int* Users() {  // colocated conversations per CPU, guarded by Mu()
    static int users[kMaxCpus] = {};
    return users;
  }

  pthread_t thread_;
  cpu_set_t allowed_;
  int cpu_;
};

class PipeProcess : public ProcessIo {
 public:
  PipeProcess(int pid, int in_fd, int out_fd, int err_fd, std::unique_ptr<Colocation> colocation)
      : pid_(pid), in_fd_(in_fd), out_fd_(out_fd), err_fd_(err_fd), pid_fd_(OpenPidFd(pid)),
        sigpipe_ignored_(SigpipeIgnored()), colocation_(std::move(colocation)) {}

  ~PipeProcess() override {
    KillGroup();
    CloseFd(&peek_fd_);
    CloseFd(&in_fd_);
    CloseFd(&out_fd_);
    CloseFd(&err_fd_);
    if (!exited_) {
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    CloseFd(&pid_fd_);
  }

  void QueueInput(std::string_view bytes) override {
    if (in_fd_ < 0 || bytes.empty()) return;
    pending_ += bytes.size();
    in_queue_.emplace_back(bytes);
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
    in_pos_ = 0;
    pending_ = 0;
  }

  absl::Status Pump(Clock::time_point deadline, PumpEvents* ev) override {
    *ev = PumpEvents{};
    // The lockstep round trip without poll: a pipe with room takes the pair at once, and the
    // reply is often there when the write returns (the woken program ran meanwhile).
    if (in_fd_ >= 0 && pending_ > 0) {
      WriteInput(ev);
      if (ev->changed) return absl::OkStatus();
    }
    if (in_fd_ >= 0 && pending_ == 0 && out_fd_ >= 0 && ReadBeforePoll(ev)) {
      return absl::OkStatus();
    }
    for (;;) {
      if (!exited_ && pid_fd_ < 0) TryReap(ev);
      pollfd fds[4];
      int n = 0;
      int in_i = -1, out_i = -1, err_i = -1, pid_i = -1;
      if (in_fd_ >= 0 && PendingInput() > 0) fds[in_i = n++] = {in_fd_, POLLOUT, 0};
      if (out_fd_ >= 0) fds[out_i = n++] = {out_fd_, POLLIN, 0};
      if (err_fd_ >= 0) fds[err_i = n++] = {err_fd_, POLLIN, 0};
      if (!exited_ && pid_fd_ >= 0) fds[pid_i = n++] = {pid_fd_, POLLIN, 0};
      if (ev->changed) return absl::OkStatus();
      auto now = Clock::now();
      if (now >= deadline) return absl::OkStatus();
      if (n == 0 && exited_) return absl::OkStatus();  // nothing can change any more
      auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
      int timeout = static_cast<int>(std::min<long long>(wait, 1000 * 60));
      if (!exited_ && pid_fd_ < 0) timeout = std::min(timeout, kExitPollMs);
      int r = ::poll(fds, n, timeout);
      if (r < 0) {
        if (errno == EINTR) continue;
        return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
      }
      if (r == 0) continue;
      if (in_i >= 0 && fds[in_i].revents) WriteInput(ev);
      if (out_i >= 0 && fds[out_i].revents) ReadInto(&out_fd_, &ev->out, ev);
      if (err_i >= 0 && fds[err_i].revents) ReadInto(&err_fd_, &ev->err, ev);
      if (pid_i >= 0 && fds[pid_i].revents) TryReap(ev);
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
    // The group outlives a reaped leader while descendants remain in it.
    ::kill(-pid_, SIGKILL);
    if (!exited_) ::kill(pid_, SIGKILL);
  }
  void AbandonOutput() override {
    CloseFd(&out_fd_);
    CloseFd(&err_fd_);
  }
  Clock::time_point Now() const override { return Clock::now(); }

 private:
  void TryReap(PumpEvents* ev) {
    int status = 0;
    int r;
    while ((r = ::waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {
    }
    if (r != pid_) return;
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
    CloseFd(&pid_fd_);
  }

  // SIGPIPE is blocked around the writes and a pending one discarded, so the caller need not
  // ignore SIGPIPE process-wide (dxt does; tests and other embedders may not).
  void WriteInput(PumpEvents* ev) {
    if (sigpipe_ignored_) {
      WriteQueued(ev);
      return;
    }
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
        size_t skip = n == 0 ? in_pos_ : 0;
        iov[n] = {const_cast<char*>(it->data()) + skip, it->size() - skip};
      }
      ssize_t w = ::writev(in_fd_, iov, n);
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
      size_t left = in_queue_.front().size() - in_pos_;
      if (n < left) {
        in_pos_ += n;
        return;
      }
      n -= left;
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

  // Reads stdout once (colocated: a few times) before the caller sleeps in poll. A reply that
  // lands meanwhile costs no poll and no wake-up of this thread.
  bool ReadBeforePoll(PumpEvents* ev) {
    for (int i = 0; i < (colocation_ ? kSpinReads : 1); ++i) {
      ReadInto(&out_fd_, &ev->out, ev);
      if (ev->changed) return true;
    }
    return false;
  }

  int pid_;
  int in_fd_, out_fd_, err_fd_, pid_fd_;
  bool sigpipe_ignored_;  // then no SIGPIPE can arrive: writes need no signal mask
  std::unique_ptr<Colocation> colocation_;  // null unless LaunchSpec::colocate (and it worked)
  int peek_fd_ = -1;                // read end of stdin's pipe, held from CloseInput to the exit
  uint64_t unread_after_close_ = 0;  // what peek_fd_ held at the exit
  std::deque<std::string> in_queue_;
  size_t in_pos_ = 0;  // bytes of in_queue_.front() already written
  uint64_t pending_ = 0;
  bool in_broken_ = false;
  bool exited_ = false;
  ExitInfo exit_;
};

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

}  // namespace

std::mutex& SpawnMutex() {
  static std::mutex mu;
  return mu;
}

absl::StatusOr<std::unique_ptr<ProcessIo>> SpawnProcess(const LaunchSpec& spec) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe");
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    return ErrnoStatus(errno, "pipe");
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    return ErrnoStatus(errno, "pipe");
  }
  auto close_all = [&] {
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
  };
  std::vector<std::string> args(spec.argv.begin() + (spec.argv.empty() ? 0 : 1), spec.argv.end());
  std::vector<const char*> envp;
  for (const auto& e : spec.env) envp.push_back(e.c_str());
  envp.push_back(nullptr);

  int pid = -1;
  try {
    // The launcher returns once the child has exec'd (or failed to): no child of ours is then
    // still holding descriptors it inherited from a concurrent sandbox copy.
    std::lock_guard<std::mutex> lock(SpawnMutex());
    boost::asio::io_context ctx;
    bp::posix::vfork_launcher launcher;
    launcher.env = envp.data();
    bp::error_code ec;
    auto proc = launcher(ctx.get_executor(), ec, bp::filesystem::path(spec.executable), args,
                         bp::process_stdio{in[0], out[1], err[1]},
                         bp::process_start_dir{spec.work_dir}, ChildSetup{});
    if (ec) {
      if (launcher.pid > 0) {  // the child that failed to exec
        int status = 0;
        while (::waitpid(launcher.pid, &status, 0) < 0 && errno == EINTR) {
        }
      }
      close_all();
      return ErrnoStatus(ec.value(), absl::StrCat("cannot start ", spec.executable));
    }
    pid = proc.id();
    proc.detach();  // we reap it ourselves, with the native status
  } catch (const std::exception& e) {
    close_all();
    return absl::InternalError(absl::StrCat("cannot start ", spec.executable, ": ", e.what()));
  }
  ::setpgid(pid, pid);  // harmless if the child already did it (EACCES after exec)

  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  for (int fd : {in[1], out[0], err[0]}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::unique_ptr<Colocation> colocation = spec.colocate ? Colocation::Pin(pid) : nullptr;
  return std::unique_ptr<ProcessIo>(
      new PipeProcess(pid, in[1], out[0], err[0], std::move(colocation)));
}

}  // namespace dxt::harness
