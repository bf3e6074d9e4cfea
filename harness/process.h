// The one seam between dxt and a running program (STYLE habit 5): start it, feed its stdin,
// drain its stdout and stderr concurrently, kill it with every descendant, reap it.
// The real implementation (process_boost.cc) launches with Boost.Process v2 and pumps the raw
// pipe fds with poll(2); tests substitute a fake with a virtual clock.
//
// Every program runs under dxt's own launcher (harness/launcher.c), which reports its real wait
// status and kills whatever it leaves behind; with Isolation::kNamespaces the launcher runs inside
// a bubblewrap sandbox (own PID, mount, network, IPC and UTS namespaces; host file system
// read-only; private /tmp and $HOME; the work directory the only writable host path).
#ifndef DXT_HARNESS_PROCESS_H_
#define DXT_HARNESS_PROCESS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dxt::harness {

using Clock = std::chrono::steady_clock;

// How a program ended, read from the native wait status (WIFSIGNALED/WTERMSIG, so exit 9 and
// SIGKILL stay distinct).
struct ExitInfo {
  bool exited = false;   // normal exit
  int exit_code = -1;    // valid when exited
  int term_signal = 0;   // > 0 when killed by a signal
};

// How strongly a program is kept from the host (`--isolation`).
//  kNamespaces: bubblewrap (see above); nothing the program writes outside its work directory
//    reaches the host, and no process outlives the case or a killed dxt.
//  kProcessGroup: the program's own process group under a subreaper launcher: every descendant
//    is still found and killed, but the file system and the network are the host's.
//  kAuto: kNamespaces where a namespace sandbox starts here, else kProcessGroup: found out once per
//    process, by a probe sandbox (ResolveIsolation) or by the first program RunRecorded starts
//    under kAuto (NamespacesVerdict).
enum class Isolation { kAuto, kNamespaces, kProcessGroup };
const char* IsolationName(Isolation level);  // "auto", "namespaces", "process-group"
// InvalidArgument naming the text for anything but those three names.
absl::StatusOr<Isolation> ParseIsolation(std::string_view text);

// kAuto -> kNamespaces when a probe sandbox can be started (probed once per process, the answer
// cached), else kProcessGroup. kNamespaces -> itself, or FailedPrecondition saying why it cannot be
// had (no bwrap found, user namespaces disabled, ...). kProcessGroup -> itself.
// bwrap is $DXT_BWRAP when set (empty: none), else `bwrap` on $PATH, else /usr/bin/bwrap.
absl::StatusOr<Isolation> ResolveIsolation(Isolation requested);

// What this process has found out about namespace sandboxes: nullopt until a probe or a program
// started under kAuto told; then OK, or why they cannot be had here (the first answer stays).
std::optional<absl::Status> NamespacesVerdict();
void RecordNamespacesVerdict(const absl::Status& verdict);
// Whether a SpawnProcess error says the isolation itself could not be set up (no bwrap, or bwrap
// or the launcher failing before the program's exec), not that the program cannot be started.
bool IsSandboxNotStarted(const absl::Status& s);

struct LaunchSpec {
  std::string executable;         // absolute path; no PATH lookup
  std::vector<std::string> argv;  // argv[0] included
  std::string work_dir;           // cwd of the child; with namespaces, the only writable host path
  std::vector<std::string> env;   // complete environment, "K=V"
  Isolation isolation = Isolation::kProcessGroup;  // never kAuto here (resolve it first)
  // With namespaces: tmp_dir is mounted at /tmp, home_dir at its own path (both writable, both
  // host directories so the caller can diff them). Ignored by kProcessGroup.
  std::string tmp_dir;
  std::string home_dir;
  // Pin the child and the calling thread to one CPU until the ProcessIo is destroyed (best
  // effort: nothing happens where affinity cannot be set). For one-at-a-time round trips (lockstep
  // map); the ProcessIo then awaits an owed reply asleep in read(2), woken every 10 ms by a timer
  // signal (SIGRTMIN+4, to the pumping thread only) to poll stderr, the exit and the deadline.
  bool colocate = false;
};

// What one Pump call observed. Byte strings hold only what arrived during this call.
struct PumpEvents {
  std::string out;            // stdout bytes
  std::string err;            // stderr bytes
  uint64_t in_written = 0;    // stdin bytes accepted by the pipe
  bool changed = false;       // any of: bytes moved, EOF, exit, stdin broken, input drained
};

class ProcessIo {
 public:
  virtual ~ProcessIo() = default;

  // Appends bytes to the stdin queue; they are written during Pump as the pipe accepts them.
  // Ignored once stdin is closed or broken.
  virtual void QueueInput(std::string_view bytes) = 0;
  // Like QueueInput, without a copy: `bytes` must stay valid until they are written, the input is
  // closed, or OwnQueuedInput() is called (so a 1 GiB item is never held twice). The default
  // copies.
  virtual void QueueInputBorrowed(std::string_view bytes) { QueueInput(bytes); }
  // Copies the borrowed bytes not yet written into the queue's own storage: the caller is about
  // to invalidate them.
  virtual void OwnQueuedInput() {}
  virtual uint64_t PendingInput() const = 0;
  // Closes stdin now (pending bytes are dropped; callers drain first if they care).
  virtual void CloseInput() = 0;

  // Services stdin, stdout and stderr together until something changes or `deadline` passes.
  // Never blocks past the deadline. Returns an error only for harness failures (poll/read
  // errors other than EOF/EPIPE).
  virtual absl::Status Pump(Clock::time_point deadline, PumpEvents* events) = 0;

  virtual bool input_closed() const = 0;   // we closed it, or it broke
  virtual bool input_broken() const = 0;   // write failed with EPIPE: the program closed stdin
  virtual bool out_eof() const = 0;
  virtual bool err_eof() const = 0;
  virtual bool exited() const = 0;         // the direct child has been reaped
  virtual ExitInfo exit_info() const = 0;  // valid when exited()
  // Bytes written to stdin that the program has not read (FIONREAD). After CloseInput: what was
  // left unread when the program exited (0 until then, and where it cannot be measured).
  virtual uint64_t UnreadInput() const = 0;

  // Starts killing the program and every descendant, wherever it went (own group or session,
  // double fork). Returns at once; the program's end is then seen by Pump as usual.
  virtual void KillGroup() = 0;
  // Kills the program and every descendant and waits (bounded) until all are gone. Returns how
  // many processes other than the program were still running: descendants that outlived it.
  virtual uint64_t KillAll() {
    KillGroup();
    return 0;
  }
  // Stops reading stdout/stderr (for pipes held open by escaped descendants); both count as EOF.
  virtual void AbandonOutput() = 0;

  virtual Clock::time_point Now() const = 0;
};

// Starts `spec` (under the launcher, in its own process group) with stdin/stdout/stderr on fresh
// pipes and every other descriptor closed; SIGPIPE restored to default in the child. Returns once
// the program has been exec'd. Writes to stdin block SIGPIPE around each write unless the process
// ignores SIGPIPE (as dxt does; then they need no mask).
//  NotFound / PermissionDenied / FailedPrecondition when the executable cannot be started.
//  Internal when the launcher or the sandbox cannot be set up (the message has bwrap's words);
//    such errors, and no bwrap found, satisfy IsSandboxNotStarted.
//  Cancelled once a stop signal has arrived (lifetime.h): no program starts after that.
// The returned object kills the group and reaps the child on destruction.
absl::StatusOr<std::unique_ptr<ProcessIo>> SpawnProcess(const LaunchSpec& spec);

// Held while a program copy is open for writing (CreateSandbox) and while SpawnProcess vforks
// and execs. Without it, a child started by one thread inherits another thread's write
// descriptor to a freshly copied program, whose exec then fails with ETXTBSY ("Text file
// busy").
std::mutex& SpawnMutex();

using ProcessFactory =
    std::function<absl::StatusOr<std::unique_ptr<ProcessIo>>(const LaunchSpec& spec)>;

}  // namespace dxt::harness

#endif  // DXT_HARNESS_PROCESS_H_
