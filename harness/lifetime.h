// What dxt leaves behind, and how it ends when told to stop.
//
// Temporary directories carry their owner in their name: `<pid>.<start time>` (the start time in
// clock ticks since boot, /proc/PID/stat field 22), so a later dxt can tell the leftovers of a dxt
// that died (killed with SIGKILL, a crash) from those of one still running, without reading
// anything inside them. Leftovers of dead owners are removed when a new temporary directory is
// made; a live process's are never touched.
//
// Stop signals (SIGTERM, SIGINT, SIGHUP): after InstallStopSignals() they are taken by a thread of
// their own. The first one kills every running program (the stop hooks), refuses new ones
// (StopRequested), and lets the command finish its partial work; FinishStopped() then removes the
// registered temporary paths and ends the process with the same signal. If the command has not
// done so within kStopGrace, the signal thread does it itself; a second signal does it at once.
#ifndef DXT_HARNESS_LIFETIME_H_
#define DXT_HARNESS_LIFETIME_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dxt::harness {

inline constexpr std::chrono::seconds kStopGrace{5};

// "<pid>.<start time>" of this process.
const std::string& OwnerTag();
// Whether the process a tag names is still the one running under that pid. False for a malformed
// tag too: callers only pass tags they parsed out of a name they made.
bool OwnerAlive(std::string_view tag);

// Removes every entry of `dir` named `<prefix><tag>-<anything>` whose owner is dead. Entries
// without a well-formed tag are left alone. Errors are ignored (best effort; nothing is lost).
void RemoveDeadLeftovers(const std::string& dir, std::string_view prefix);

// Removes the $TMPDIR/dxt-tmp-* directories of dead dxt processes (commands call it at start;
// ProcessTempDir does too).
void RemoveDeadProcessDirs();

// $TMPDIR, or /tmp when unset or empty.
std::string TempRoot();

// This process's own temporary directory, $TMPDIR/dxt-tmp-<tag>-XXXXXX, made on the first call
// (after removing dead owners' leftovers) and removed at normal exit and by FinishStopped.
//  Internal when it cannot be made.
absl::StatusOr<std::string> ProcessTempDir();

// Paths removed (recursively) by FinishStopped and the stop watchdog, e.g. an output staged by
// `dxt run`. Unregister once the path is committed or removed.
void RegisterTempPath(const std::string& path);
void UnregisterTempPath(const std::string& path);

// Blocks the stop signals in the calling thread and starts the signal thread. Call from the main
// thread before any other thread exists (threads inherit the mask). Idempotent.
void InstallStopSignals();
// Called (on the signal thread) when the first stop signal arrives; must be quick and not block
// on locks a worker may hold for long.
void AddStopHook(std::function<void()> hook);
bool StopRequested();
int StopSignal();  // 0 until a stop signal arrived
// Removes the registered temporary paths and this process's temporary directory, then ends the
// process with the stop signal (default disposition, so the parent sees WIFSIGNALED).
[[noreturn]] void FinishStopped();

}  // namespace dxt::harness

#endif  // DXT_HARNESS_LIFETIME_H_
