// Drivers: talk to one external program over its pipes (SPEC R5 map lockstep, R6 reduce streaming).
// Used by `dxt check` (judge/, conformance/) and by the reference executor (`dxt run`).
//
// Both drive programs through RunRecorded and judge its Transcript with judge/ (one judge).
#ifndef DXT_HARNESS_DRIVER_H_
#define DXT_HARNESS_DRIVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "codec/kv_frame.h"
#include "codec/log_line.h"
#include "codec/wire_format.h"
#include "harness/process.h"
#include "harness/transcript.h"

namespace dxt::harness {

// Mode is declared in transcript.h: enum class Mode { kMap, kReduce }.
const char* ModeName(Mode mode);  // "map" / "reduce"

// What to start: argv = {path, "map"|"reduce", args...}, run in a fresh private temp directory
// holding copies of `path` and `files` (flat, R1.2), in its own process group, with $HOME and
// $TMPDIR private too (DriverOptions::isolation says how far the sandbox goes).
struct ProgramSpec {
  std::string path;                 // resolved by the caller; no PATH lookup is done
  std::vector<std::string> args;    // extra args after the mode
  std::vector<std::string> files;   // supporting files copied flat into the work dir
  std::vector<std::string> env;     // "K=V" added to the minimal environment (PATH, LANG=C,
                                    // HOME and TMPDIR private to the case)
};

struct DriverOptions {
  // Map lockstep: per result list, renewed while the pair is taken or its list arrives (no byte
  // moving for this long expires it); pipelined map and reduce: per progress of the conversation.
  std::chrono::milliseconds reply_timeout{10000};
  std::chrono::milliseconds exit_timeout{5000};    // after stdin is closed, until exit + stdout EOF
  // reduce waits max(reply_timeout, exit_timeout) for the exit (work after end-of-input is
  // normal there) unless this is set: then exit_timeout alone, as in map.
  bool exact_exit_timeout = false;
  codec::Limits limits;                            // applied to stdout decoding
  bool pipeline = false;  // map only: write ahead instead of lockstep (for conforming programs)
  bool keep_transcript = false;  // record an escaped excerpt of the exchange (bounded)
  // Lockstep map only: keep the calling thread and the program on one CPU (LaunchSpec::colocate).
  // The executor sets it; `dxt check`'s many concurrent conversations leave it off.
  bool colocate = false;

  // Checking aids (the executor leaves them at their defaults):
  // map: quiet time after the parameter block before the first pair, to catch a list written
  // before any input (R5.3); both modes: quiet time after the last pair before stdin is closed, to
  // catch an extra list (map) or an exit with input unread (reduce).
  std::chrono::milliseconds settle{0};
  // The whole conversation may take overall_timeout (0 = no limit) plus overall_per_mib for every
  // MiB moved through stdin and stdout, the stretch at most 10 * overall_timeout: a slow but
  // steady program is bounded by its throughput, a trickle by overall_timeout.
  std::chrono::milliseconds overall_timeout{0};
  std::chrono::milliseconds overall_per_mib{0};
  // Lockstep map: at each list start, ask the kernel (FIONREAD) whether the newest pair is still
  // wholly unread; then the list cannot answer it and is named at once as a second list for the
  // previous pair (R5.2) or a list before input (R5.3). The executor turns it off (one system call
  // per entry, the plain loop's third); extra lists are then found when they outnumber the pairs.
  bool detect_list_before_read = true;
  // Pairs of one result list buffered before they go on to the ListSink: a longer list arrives
  // in parts (R3.2 limits items, not lists; a list is never held whole).
  uint64_t max_list_bytes = uint64_t{1} << 20;
  size_t keep_output_pairs = 0;                   // decoded output pairs kept in the Transcript
  ProcessFactory spawn;                           // empty = SpawnProcess (tests inject fakes)
  // How the program is kept from the host (process.h). kAuto: as NamespacesVerdict says; before
  // anything is known, the program's start under namespaces finds out (process-group if not).
  Isolation isolation = Isolation::kAuto;
};

// Supplies input pairs one by one; nullopt = end of input. The views stay valid until the next call.
using PairSource = std::function<absl::StatusOr<std::optional<codec::PairView>>()>;

// Receives each result list. For map, `input_index` is the index of the input pair the list
// answers; for reduce it is the index of the list. Views valid only during the call. A non-OK
// return aborts the conversation (the program is killed) and is returned as the run's status.
using ListSink = std::function<absl::Status(uint64_t input_index,
                                            std::span<const codec::PairView> pairs)>;

// Receives each stderr line as it arrives (MSG, ERR, other, unterminated).
using LogSink = std::function<void(const codec::LogLine& line)>;

// Map (R5): lockstep, or write-ahead with `options.pipeline`: params, then for each pair: write
// it, wait for exactly one list; closes stdin after the last pair and expects a prompt clean exit
// (R5.4). Reduce (R6): params, all pairs while draining stdout/stderr, close stdin, read to EOF
// and exit. Returns the full Transcript (sandbox diff included): what happened, never whether it
// was right (that is judge/: JudgeCase for `dxt check`, JudgeTask for `dxt run`). A non-OK
// ListSink return, a failing PairSource or a harness failure (cannot spawn, ...) is the error.
absl::StatusOr<Transcript> RunRecorded(Mode mode, const ProgramSpec& program,
                                       std::string_view param_block, const PairSource& input,
                                       const ListSink& on_list, const LogSink& on_log,
                                       const DriverOptions& options);

}  // namespace dxt::harness

#endif  // DXT_HARNESS_DRIVER_H_
