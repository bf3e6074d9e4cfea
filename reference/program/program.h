// dxt::program - a small library for writing Disco classic external programs (SPEC R1-R8) on
// top of dxt::codec. It reads the parameter block exactly, iterates input pairs, writes and
// flushes one complete result list at a time, and writes well-formed log lines.
//
// Typical use (see reference/README.md for a complete program):
//   int main(int argc, char** argv) {
//     return dxt::program::RunMain(argc, argv, MyMap, MyReduce);
//   }
//
// All I/O is raw read(2)/write(2) on fds 0 (pairs in), 1 (result lists out), 2 (log lines):
// nothing is ever held in a stdio buffer. Never write to stdout yourself (R4.2).
#ifndef DXT_REFERENCE_PROGRAM_PROGRAM_H_
#define DXT_REFERENCE_PROGRAM_PROGRAM_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "codec/kv_frame.h"
#include "codec/param_block.h"
#include "codec/wire_format.h"
#include "reference/program/raw_io.h"

namespace dxt::program {

enum class Mode { kMap, kReduce };

// ---------------------------------------------------------------------------------------------
// Log lines (R7). Both write one line with a single write(2) to fd 2.

// Returns `text` with "\n" replaced by the two characters `\n` and "\r" by `\r`, so a message
// can never span lines (R7.1). Other bytes are kept as they are.
std::string OneLine(std::string_view text);

// Writes "**<MSG> " + OneLine(text) + "\n" to stderr. Write errors are ignored.
void Msg(std::string_view text);

// Writes "**<ERR> " + OneLine(text) + "\n" to stderr, then exits with status 1. Never returns.
[[noreturn]] void Die(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Parameters (R2).

struct Params {
  // True when the body parses as a dictionary (always for the empty block "0\n"). Otherwise the
  // driver sent a raw string (R2.4) and only `raw` is meaningful.
  bool is_dict = true;
  codec::ParamDict dict;  // entries in the order sent, duplicates kept; empty when !is_dict
  std::string raw;        // the body exactly as sent, dictionary or not

  // Value of the first entry named `key`, or nullptr (also when !is_dict).
  const std::string* Find(std::string_view key) const;
};

// Reads the parameter block at the start of `in`. Reads exactly the announced bytes and no more
// (R2.3): the header byte by byte, then the body in reads bounded by what is still missing, so
// no pair byte is taken from the fd. Consumes the block from `in`.
// Errors: DataLoss if input ends inside the block; InvalidArgument for a malformed header or
// a body over limits.max_item_size (message names the offset); read errors from Fill().
absl::StatusOr<Params> ReadParams(InputBuffer& in, const codec::Limits& limits = {});

// ---------------------------------------------------------------------------------------------
// Input pairs (R3).

class PairReader {
 public:
  // `in` must outlive the reader and be positioned after the parameter block.
  explicit PairReader(InputBuffer* in, codec::Limits limits = {});

  // Reads the next pair. Returns true with *pair set: its views point into the input buffer and
  // stay valid until the next Read()/Next() call. Returns false at end of input on a pair
  // boundary. Never blocks waiting for bytes beyond this pair, so a map driver that sends one
  // pair and waits for its list cannot deadlock.
  // Errors: DataLoss when input ends inside a pair (R3.3); InvalidArgument when a length exceeds
  // the limits (R3.2); both name the stream offset and the pair index. Read errors from Fill().
  absl::StatusOr<bool> Read(codec::PairView* pair);

  // Read(), but an error is fatal: Die() with its message.
  bool Next(codec::PairView* pair);

  uint64_t pairs_read() const { return pairs_read_; }

 private:
  InputBuffer* in_;
  codec::Limits limits_;
  uint64_t pairs_read_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Output (R4, R5.2).

// One result list being built: pairs are framed (copied) as they are added.
class ResultList {
 public:
  // Appends (key, value). Die()s if a string exceeds UINT32_MAX bytes or the list would hold
  // more than UINT32_MAX pairs (neither can be framed).
  void Add(std::string_view key, std::string_view value);
  void Clear();

  uint32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Encoded size of the pairs (without the 4-byte count).
  size_t byte_size() const { return frames_.size(); }
  // The pair frames, without the count.
  std::string_view frames() const { return frames_; }

 private:
  uint32_t count_ = 0;
  std::string frames_;
};

// Writes result lists to a file descriptor (stdout by default).
class ListWriter {
 public:
  explicit ListWriter(int fd = 1) : fd_(fd) {}

  // Writes `list` as one complete result list (count, then its pairs) and flushes it to the fd
  // before returning (R5.2: nothing of it stays buffered). Clears `list`.
  // Errors: from WriteAll() (Unavailable when the driver has closed stdout).
  absl::Status WriteList(ResultList& list);

  // WriteList(), but an error is fatal: Die() with its message.
  void Emit(ResultList& list);

  uint64_t lists_written() const { return lists_written_; }

 private:
  int fd_;
  std::string scratch_;  // count + small frames, so a small list costs one write(2)
  uint64_t lists_written_ = 0;
};

// Reduce output: pairs added here are batched into lists of about `batch_bytes` and emitted
// (written and flushed) whenever a batch fills. Flush() emits the partial batch; RunMain calls
// it after the reduce function returns. Lists may also be emitted directly through writer().
class ReduceOutput {
 public:
  static constexpr size_t kDefaultBatchBytes = 64 * 1024;
  explicit ReduceOutput(ListWriter* writer, size_t batch_bytes = kDefaultBatchBytes)
      : writer_(writer), batch_bytes_(batch_bytes) {}

  // Buffers one pair; emits the batch once it holds >= batch_bytes of frames. Die()s on error.
  void Add(std::string_view key, std::string_view value);
  // Emits the buffered pairs as one list, if there are any. Die()s on error.
  void Flush();
  // Emits a complete list now (the pending batch first, to keep order). Die()s on error.
  void Emit(ResultList& list);

  ListWriter& writer() { return *writer_; }

 private:
  ListWriter* writer_;
  size_t batch_bytes_;
  ResultList pending_;
};

// ---------------------------------------------------------------------------------------------
// The main loop.

// Called once per input pair in map mode; add this pair's results to `out` (possibly none).
// RunMain emits `out` as exactly one list, flushed, before reading the next pair (R5.2, R5.3).
using MapFn = std::function<absl::Status(const Params& params, std::string_view key,
                                         std::string_view value, ResultList& out)>;
// Called once in reduce mode; read pairs from `in` (until Next() returns false or not at all)
// and write through `out` at any time. RunMain reads any pairs left over (R6.1).
using ReduceFn =
    std::function<absl::Status(const Params& params, PairReader& in, ReduceOutput& out)>;
// Optional: called once after the parameter block is read, before any pair; an error ends the
// program before it reads or writes anything else.
using InitFn = std::function<absl::Status(Mode mode, const Params& params)>;

struct Program {
  InitFn init;      // may be empty
  MapFn map;        // empty: the program refuses map mode
  ReduceFn reduce;  // empty: the program refuses reduce mode
};

// Runs a whole external program:
//  1. argv must be exactly {name, "map" | "reduce"} (R1.1), else Die() with a usage line;
//  2. reads the parameter block (ReadParams), then runs program.init if set;
//  3. map: for each input pair, calls program.map and emits one flushed list (R5.1-R5.3);
//     reduce: calls program.reduce, flushes its output, then drains unread input (R6.1);
//  4. returns 0 at a clean end of input (return it from main).
// Any error - malformed input, a Status from the callbacks, a failed write - is reported with
// Die(), i.e. "**<ERR> ..." on stderr and exit status 1. SIGPIPE is ignored so a vanished driver
// becomes a reported write error rather than a silent death.
int RunMain(int argc, char** argv, const Program& program);
int RunMain(int argc, char** argv, MapFn map_fn, ReduceFn reduce_fn);

}  // namespace dxt::program

#endif  // DXT_REFERENCE_PROGRAM_PROGRAM_H_
