// Test helper: runs a program with stdin, stdout and stderr on real pipes (header-only, no
// dependencies beyond POSIX). Input is written while stdout and stderr are read, from one poll
// loop, so large data cannot deadlock. Every wait has a deadline; on expiry the program's whole
// process group is killed.
//
//   auto r = dxt::testing::RunProgram(path, {"map"}, input);
//   EXPECT_TRUE(r.exited_ok()) << r.Describe();
//
// For step-by-step conversations (e.g. checking that a list arrives before stdin is closed):
//   dxt::testing::PipeProcess p;  ASSERT_TRUE(p.Start(path, {"map"}, &error));
//   p.Write(bytes);  p.ReadStdoutUntil(pred, timeout);  auto r = p.Finish("", timeout);
#ifndef DXT_TESTS_PIPE_RUNNER_H_
#define DXT_TESTS_PIPE_RUNNER_H_

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace dxt::testing {

using namespace std::chrono_literals;

struct PipeRunResult {
  bool started = false;
  std::string start_error;
  int exit_code = -1;         // exit status when the program exited normally
  int term_signal = 0;        // signal number when it was killed by a signal
  bool timed_out = false;     // a deadline expired and the process group was killed
  bool stdin_broken = false;  // the program closed stdin before all input was written
  std::string out;            // everything it wrote to stdout
  std::string err;            // everything it wrote to stderr

  bool exited_ok() const { return started && !timed_out && term_signal == 0 && exit_code == 0; }
  std::string Describe() const {
    return "started=" + std::to_string(started) + " " + start_error +
           " exit=" + std::to_string(exit_code) + " signal=" + std::to_string(term_signal) +
           " timed_out=" + std::to_string(timed_out) +
           " stdout_bytes=" + std::to_string(out.size()) + " stderr=[" + err + "]";
  }
};

class PipeProcess {
 public:
  using Clock = std::chrono::steady_clock;

  PipeProcess() = default;
  PipeProcess(const PipeProcess&) = delete;
  PipeProcess& operator=(const PipeProcess&) = delete;
  ~PipeProcess() {
    if (pid_ > 0) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    CloseFd(&in_fd_);
    CloseFd(&out_fd_);
    CloseFd(&err_fd_);
  }

  // Starts `path` with argv {path, args...} in a new process group. false + *error on failure.
  bool Start(const std::string& path, const std::vector<std::string>& args, std::string* error) {
    signal(SIGPIPE, SIG_IGN);  // a program that exits early must not kill the test
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      *error = std::string("pipe2: ") + std::strerror(errno);
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(path.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, path.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_fd_ = in[1];
    out_fd_ = out[0];
    err_fd_ = err[0];
    if (rc != 0) {
      pid_ = -1;
      *error = "posix_spawn(" + path + "): " + std::strerror(rc);
      return false;
    }
    for (int fd : {in_fd_, out_fd_, err_fd_}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return true;
  }

  // Writes `bytes` to stdin, reading stdout/stderr meanwhile. false if the program closed stdin
  // or the deadline passed first.
  bool Write(std::string_view bytes, std::chrono::milliseconds timeout = 30s) {
    pending_in_.append(bytes);
    return Pump(Clock::now() + timeout, [this] { return pending_in_.empty(); }) &&
           pending_in_.empty();
  }

  void CloseStdin() { CloseFd(&in_fd_); }

  // Reads stdout (and stderr) until done(stdout so far) is true; false if the deadline passed
  // or stdout ended first.
  bool ReadStdoutUntil(const std::function<bool(std::string_view)>& done,
                       std::chrono::milliseconds timeout = 10s) {
    return Pump(Clock::now() + timeout, [&] { return done(out_); });
  }

  // Writes `input`, closes stdin, reads stdout and stderr to end of file and reaps the program.
  // On timeout the process group is killed and timed_out is set.
  PipeRunResult Finish(std::string_view input, std::chrono::milliseconds timeout = 30s) {
    PipeRunResult r;
    r.started = pid_ > 0;
    const auto deadline = Clock::now() + timeout;
    pending_in_.append(input);
    close_in_when_written_ = true;
    if (!Pump(deadline, nullptr)) r.timed_out = true;
    int status = 0;
    while (pid_ > 0) {
      const pid_t got = waitpid(pid_, &status, WNOHANG);
      if (got == pid_) break;
      if (got < 0 && errno != EINTR) break;
      if (Clock::now() >= deadline) {
        r.timed_out = true;
        kill(-pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(2ms);
    }
    pid_ = -1;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.term_signal = WTERMSIG(status);
    r.stdin_broken = stdin_broken_;
    r.out = out_;
    r.err = err_;
    return r;
  }

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

 private:
  static void CloseFd(int* fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }

  // Moves bytes between the pipes until stop() holds (true), both outputs reach end of file
  // (true; with stop set, true only if stop() then holds) or the deadline passes (false).
  bool Pump(Clock::time_point deadline, const std::function<bool()>& stop) {
    while (true) {
      if (stop && stop()) return true;
      if (close_in_when_written_ && pending_in_.empty()) CloseFd(&in_fd_);
      if (out_fd_ < 0 && err_fd_ < 0) return !stop || stop();
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd fds[3];
      int n = 0;
      if (in_fd_ >= 0 && !pending_in_.empty()) fds[n++] = {in_fd_, POLLOUT, 0};
      if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
      if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
      if (n == 0) return false;  // only unwritable input left: nothing can make progress
      if (poll(fds, n, static_cast<int>(left.count())) < 0 && errno != EINTR) return false;
      for (int i = 0; i < n; ++i) {
        if (fds[i].revents == 0) continue;
        if (fds[i].fd == in_fd_) {
          WriteSome();
        } else {
          ReadSome(fds[i].fd == out_fd_ ? &out_fd_ : &err_fd_,
                   fds[i].fd == out_fd_ ? &out_ : &err_);
        }
      }
    }
  }

  void WriteSome() {
    const ssize_t w = write(in_fd_, pending_in_.data(), pending_in_.size());
    if (w > 0) {
      pending_in_.erase(0, static_cast<size_t>(w));
    } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
      stdin_broken_ = true;  // EPIPE: the program is no longer reading
      pending_in_.clear();
      CloseFd(&in_fd_);
    }
  }

  static void ReadSome(int* fd, std::string* sink) {
    char buf[65536];
    const ssize_t r = read(*fd, buf, sizeof buf);
    if (r > 0) {
      sink->append(buf, static_cast<size_t>(r));
    } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
      CloseFd(fd);
    }
  }

  pid_t pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;
  std::string pending_in_, out_, err_;
  bool close_in_when_written_ = false;
  bool stdin_broken_ = false;
};

// Runs `path args...` over pipes with `input` on stdin (then closed) and collects everything.
inline PipeRunResult RunProgram(const std::string& path, const std::vector<std::string>& args,
                                std::string_view input, std::chrono::milliseconds timeout = 30s) {
  PipeProcess process;
  std::string error;
  if (!process.Start(path, args, &error)) {
    PipeRunResult r;
    r.start_error = error;
    return r;
  }
  return process.Finish(input, timeout);
}

}  // namespace dxt::testing

#endif  // DXT_TESTS_PIPE_RUNNER_H_
