// The recorded conversation with one program: everything the checks judge (checks are pure
// functions over this struct, see checks.h). Times are offsets from the spawn.
// Memory is bounded whatever the program does: records, lines and pairs are capped and the caps
// are counted.
#ifndef DXT_HARNESS_TRANSCRIPT_H_
#define DXT_HARNESS_TRANSCRIPT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "codec/log_line.h"
#include "codec/stream_decoder.h"
#include "harness/process.h"

namespace dxt::harness {

using Millis = std::chrono::duration<double, std::milli>;

inline constexpr size_t kMaxListRecords = 4096;
inline constexpr size_t kMaxLogRecords = 64;
inline constexpr size_t kMaxTailLogRecords = 8;
inline constexpr size_t kMaxExcerptBytes = 4096;
inline constexpr size_t kMaxStdinHeadBytes = 16384;
// Linux's default pipe capacity: what a pipe holds unread, and the most one read(2) returns.
inline constexpr uint64_t kPipeBufferBytes = uint64_t{64} << 10;

enum class Mode { kMap, kReduce };

// Which of the driver's waits expired (R8.2): a reply (map: the list for a pair), the program
// reading its input, its exit after stdin was closed, or the whole conversation.
enum class WaitKind { kReply, kInput, kExit, kOverall };

struct PairWrite {
  uint64_t index = 0;
  uint64_t stdin_offset = 0;  // offset of the pair's first byte on stdin (params included)
  uint64_t size = 0;
  Millis queued_at{};          // when the driver started writing it
};

struct ListRecord {
  uint64_t index = 0;
  uint64_t stdout_offset = 0;
  uint32_t count = 0;
  Millis first_byte_at{};
  std::optional<Millis> complete_at;
  uint64_t pairs_queued_at_start = 0;  // pairs the driver had started writing at its first byte
  bool started_after_stdin_closed = false;
};

// A map result list no pair asked for (R5.2/R5.3), as data (judge::ListViolationText renders it).
struct ListViolation {
  enum class Kind {
    kBeforeAnyPair,       // list 0 before pair 0 was written (R5.3)
    kBeforePairWritten,   // list k before pair k was written: a second list for pair k-1 (R5.2)
    kBeforePairRead,      // lockstep: list k while not one byte of pair k had left the pipe
    kMoreListsThanPairs,  // pipelined: list k when only k pairs had been written (R5.2)
  };
  Kind kind = Kind::kBeforeAnyPair;
  const char* rule = "R5.3";   // "R5.3" for list 0, else "R5.2"
  uint64_t list_index = 0;
  uint64_t stdout_offset = 0;  // the list's first byte
  uint64_t pairs_written = 0;  // pairs the driver had queued when the list began
  bool after_stdin_closed = false;  // ...and the driver had closed stdin by then
};

// A deadline that expired (R8.2), as data (judge::ExpiredWaitText renders it).
struct ExpiredWait {
  enum class Kind {
    kReply,            // map: the result list for `pair_index`
    kProgramRead,      // the program to take the input queued for it
    kExit,             // the exit after stdin was closed
    kWholeConversation,
  };
  Kind kind = Kind::kReply;
  uint64_t pair_index = 0;  // kReply only
  std::chrono::milliseconds budget{0};
};

// A wait the program ended without answering (R8.2): it exited, or closed stdout, while the driver
// still waited for a reply (map: the list for `pair_index`) or for it to read the input queued for
// it. `waited` is how long it had kept that wait open since a byte last moved, of `budget`. A wait
// owed for most of its budget until the program left shows what an expired one shows: the program
// does not answer in time (a program that exits on its own timer just before the deadline).
struct OwedWait {
  WaitKind kind = WaitKind::kReply;  // kReply or kInput
  uint64_t pair_index = 0;           // kReply only
  std::chrono::milliseconds waited{0};
  std::chrono::milliseconds budget{0};
};

// What the driver saw when a map reply wait expired (R8.2): enough to tell a program that has
// taken the pair and waits for more input (it holds its answer, or misread the framing) from one
// that is still working on it.
struct StallRecord {
  uint64_t pair_index = 0;     // the pair whose list did not come
  uint64_t stdin_unread = 0;   // input bytes not yet read by the program (ours + the pipe's, FIONREAD)
  uint64_t stdout_bytes = 0;   // stdout bytes received by then
  std::optional<Millis> last_stdout_at;  // when the last of them arrived
  Millis at{};
};

struct LogRecord {
  codec::LogKind kind = codec::LogKind::kOther;
  std::string raw;  // capped line without "\n"
  uint64_t offset = 0;
  Millis at{};
};

struct SandboxDiff {
  // Names relative to the work dir; in the program's /tmp (or $TMPDIR) and $HOME prefixed with
  // "/tmp/" (or "$TMPDIR/") and "$HOME/".
  std::vector<std::string> created, changed, removed;
  bool empty() const { return created.empty() && changed.empty() && removed.empty(); }
};

struct Transcript {
  Mode mode = Mode::kMap;
  bool pipeline = false;
  std::string param_block;  // as sent (capped at kMaxExcerptBytes)
  uint64_t param_block_size = 0;

  // stdin
  std::vector<PairWrite> pairs;  // capped at kMaxListRecords, see pairs_queued
  uint64_t pairs_queued = 0;
  uint64_t pairs_total = 0;        // pairs the case had to send (known after the run)
  uint64_t stdin_bytes_queued = 0;
  uint64_t stdin_bytes_written = 0;
  std::optional<Millis> stdin_closed_at;
  bool stdin_broken = false;        // EPIPE: the program closed stdin before we did
  std::optional<Millis> stdin_broken_at;
  uint64_t unread_input_at_exit = 0;  // input bytes the program had not read when it exited
  bool unread_after_eof = false;      // ...and stdin had been closed (it never read to the end)
  std::string stdin_head;           // first kMaxStdinHeadBytes bytes queued (params included)

  // stdout
  uint64_t stdout_bytes = 0;
  std::optional<Millis> first_stdout_at;
  std::optional<Millis> last_stdout_at;
  uint64_t stdout_bytes_before_first_pair = 0;  // arrived before any pair was written (R5.3)
  std::vector<ListRecord> lists;   // capped at kMaxListRecords
  uint64_t lists_started = 0;
  uint64_t lists_completed = 0;
  // The first framing error (over a limit) or truncation at EOF, as data (kind kNone when OK);
  // its text is rendered by codec::Describe where a report needs it.
  codec::StreamError stdout_error;
  std::string stdout_error_bytes;  // up to 16 stdout bytes at the decode error's offset
  std::string stdout_head;         // first kMaxExcerptBytes bytes
  std::vector<std::pair<std::string, std::string>> output;  // decoded pairs, capped
  bool output_truncated = false;
  std::optional<ListViolation> extra_list;  // map: a list no pair asked for (R5.2/R5.3)

  // stderr
  uint64_t stderr_bytes = 0;
  std::string stderr_head;  // first kMaxExcerptBytes bytes, as written (lines not split)
  uint64_t msg_lines = 0, err_lines = 0, other_lines = 0, unterminated_lines = 0;
  std::vector<LogRecord> logs;     // first kMaxLogRecords lines
  std::vector<LogRecord> last_logs;  // the last kMaxTailLogRecords lines (a traceback ends there)
  std::vector<std::string> all_log_text;  // MSG/ERR payloads for expectation regexes (capped)

  // ending
  ExitInfo exit;
  bool reaped = false;
  bool killed_by_driver = false;
  std::vector<ExpiredWait> expired;       // every deadline that expired, in order
  std::vector<WaitKind> expired_kinds;   // the kind of each of `expired`, same order
  std::optional<uint64_t> stalled_pair;  // map: the pair whose reply deadline expired
  std::optional<OwedWait> owed_at_end;   // the wait open when the program ended on its own
  std::optional<StallRecord> stall;      // map: what the driver saw then
  bool descendant_held_pipes = false;    // stdout/stderr open after the program exited (R6.3)
  // Processes other than the program still running at the end of the case (a daemon, a child in
  // its own session or group), all killed then.
  uint64_t stray_processes = 0;
  Millis duration{};
  SandboxDiff sandbox;
  absl::Status harness_error;      // set when the harness itself failed mid-run
};

}  // namespace dxt::harness

#endif  // DXT_HARNESS_TRANSCRIPT_H_
