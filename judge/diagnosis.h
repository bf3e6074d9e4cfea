// Root-cause inference for one case (issue 10 §2). Each check (checks.h) judges its own rule, so
// one defect often trips several of them; this decides, from the typed evidence of the transcript
// and the case's own input, which FAILED check is the defect and which are its consequences.
//
// Evidence combined (never message text of another module):
//  - what the program wrote or said once its input went wrong: a length on stdout whose bytes are
//    bytes of the input, a length in its own stderr (ERR text, traceback) that no input could
//    satisfy, its own words that the input ended early, the die() text that dxt's model of Disco's
//    C parser (codec/disco_c_params.h) predicts;
//  - where its framing went wrong, from simple models of a misreading program: one that reads
//    stdin from byte 0 (skips the block), one that reads the block as Disco's C library does, one
//    that reads past the block's "\n" over whitespace (scanf's "%u\n"); or, failing those, the
//    pair whose bytes it took as a length (a short read(2) not repeated, in a large item);
//  - a map stall while the program had consumed its pair (FIONREAD) and its output was quiet,
//    with the list cut short and completed only after stdin closed: buffered output;
//  - a non-zero exit before reading any input, with text on stderr: it could not start;
//  - a stdout that begins with stdin's own bytes, the parameter block first: it copies its input;
//  - a stdout that does not decode, but does with big-endian or 8-byte counts or lengths;
//  - a non-zero exit or a crash with its runtime's report of an unhandled error (a traceback, an
//    exception, a panic, die(), assert(): crash_report.h): that error, unless a map stalled first.
// A misread is never reported as buffering.
#ifndef DXT_JUDGE_DIAGNOSIS_H_
#define DXT_JUDGE_DIAGNOSIS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "judge/case.h"
#include "judge/checks.h"

namespace dxt::judge {

// The stable names of CheckResult::cause set here.
inline constexpr char kCauseSkipsParams[] = "skips-params";      // params R2.1
inline constexpr char kCauseDiscoCParams[] = "disco-c-params";   // params R2.5
inline constexpr char kCausePastParams[] = "past-params";        // params R2.3
// framing R3.1: lost its place inside a pair (most often a short read(2) not repeated)
inline constexpr char kCauseShortRead[] = "short-read";
inline constexpr char kCauseBuffered[] = "buffered";             // flushing R5.2
inline constexpr char kCauseWaitsForInput[] = "waits-for-input"; // flushing R5.2
inline constexpr char kCauseCouldNotStart[] = "could-not-start"; // exit R8.1
// exit or crash R8.1: its runtime reported an error it did not handle (crash_report.h)
inline constexpr char kCauseUncaughtError[] = "uncaught-error";
// framing R4.2: stdout is a copy of stdin from byte 0 (a filter such as cat, not a Disco program)
inline constexpr char kCauseEchoesStdin[] = "echoes-stdin";
// framing R4.1 (counts) or R3.1 (lengths): stdout reads cleanly as lists whose counts or lengths
// are big-endian or 8 bytes wide, and not as the protocol's little-endian u32s
inline constexpr char kCauseListEncoding[] = "list-encoding";
// framing R3.1: stdout reads cleanly as lists whose every key and value length counts the
// length's own 4 bytes too (the size of the item plus 4)
inline constexpr char kCauseLengthWithHeader[] = "length-with-header";
// framing R4.1: stdout reads cleanly as pairs written alone, with no list count before them
inline constexpr char kCauseListWithoutCount[] = "list-without-count";
// framing R4.1: stdout reads cleanly as lists whose every count is one more, or one less, than
// the pairs after it (an off-by-one)
inline constexpr char kCauseCountOffByOne[] = "count-off-by-one";
// map-protocol R5.4: a map's list begun after stdin was closed, every pair answered (output kept
// for the end, which the original driver, never closing a map's stdin, does not see)
inline constexpr char kCauseListAtEnd[] = "list-at-end";
// framing R4.2: stdout reads cleanly as lists each followed by the same bytes (a "\n")
inline constexpr char kCauseBytesAfterList[] = "bytes-after-list";
// sandbox R1.3: every file it created is one its runtime writes by itself: the JVM's performance
// counters (/tmp/hsperfdata_<user>), Python's bytecode cache (__pycache__)
inline constexpr char kCauseJvmPerfData[] = "jvm-perf-data";
inline constexpr char kCausePythonBytecode[] = "python-bytecode";
// log R7.1: stderr reads as result lists, and stdout holds none
inline constexpr char kCauseListsOnStderr[] = "lists-on-stderr";
// framing R3.1: reads each key and value length as a big-endian u32 (network order)
inline constexpr char kCauseBigEndianLengths[] = "big-endian-lengths";

// The stdin bytes a case sent, for the models below: the parameter block and the case's pairs,
// rebuilt from the case (at most 32 MiB of them), or, for a task of `dxt run` (no input in the
// case), the transcript's head.
struct InputStream {
  std::string bytes;
  uint64_t block_size = 0;        // pair 0 starts here
  uint64_t total = 0;             // the whole stream's size, beyond the cap too
  std::vector<uint64_t> pair_at;  // stdin offset of each pair (in `bytes`)
  bool whole() const { return bytes.size() == total; }
};
InputStream RebuildInput(const Case& c, const Transcript& t);

// What a reader that frames pairs correctly from stdin offset `start` of `stream` reads: every
// length, with its stdin offset; the complete pairs (views into `stream`); whether it ends
// waiting inside an item (a length the stream cannot satisfy). The models of a misreading program
// differ only in where they start: a block-skipper at kSkipperStart (stdin byte 0), a conforming
// reader at the block's size, the others where ModelsOf (diagnosis.cc) says. The `params` check
// and the root-cause inference read the input through this one function.
struct PairReading {
  std::vector<std::pair<uint64_t, uint64_t>> lengths;  // (stdin offset, value)
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  bool ends_inside = false;
  uint64_t first_length() const { return lengths.empty() ? 0 : lengths.front().second; }
};
inline constexpr uint64_t kSkipperStart = 0;
// (`big_endian`: each length read as a big-endian u32, as a network-order reader does)
PairReading ReadPairsFrom(std::string_view stream, uint64_t start, bool big_endian = false);

// Where a program's reading of its input went wrong, as data.
struct Misread {
  enum class Where {
    kSkipsBlock,  // reads stdin from byte 0 as pairs (R2.1)
    kDiscoC,      // reads the block as Disco's C library does (R2.5)
    kPastBlock,   // read past the block's end over whitespace bytes of pair 0 (R2.3)
    kInsidePair,  // lost its place inside a pair: took bytes of an item as a length (R3.1)
    kBigEndian,   // reads every length as a big-endian u32, from the block's end (R3.1)
  };
  enum class Evidence {
    kStdoutLength,  // it wrote that length on stdout
    kStderrNumber,  // its stderr names that length
    kRanOut,        // its stderr says the input ended early, after complete input
    kDiscoCDeath,   // its **<ERR> is the C library's die() text the model predicts
  };
  Where where = Where::kSkipsBlock;
  Evidence evidence = Evidence::kStdoutLength;
  uint64_t block_size = 0;   // the parameter block's size: pair 0 starts there
  uint64_t start = 0;        // params kinds: stdin offset where its pair reading began
  uint64_t length = 0;       // the length it misread (kStdoutLength, kStderrNumber)
  uint64_t length_at = 0;    // stdin offset of the bytes it took for that length
  std::string length_bytes;  // those 4 bytes
  uint64_t pair_index = 0;   // kInsidePair: the pair holding them
  bool in_value = true;      // kInsidePair: in its value (else its key)
  uint64_t item_at = 0;      // kInsidePair: stdin offset of that item's first byte
  uint64_t item_size = 0;    // kInsidePair: its size
  bool more_in_item = false; // kInsidePair: the same 4 bytes occur later in that item too
  uint64_t stdout_offset = 0;  // kStdoutLength: where it wrote the length
  std::string line;          // the program's stderr line that is the evidence (raw)
  // kRanOut: the causes of the other models the same evidence fits (each runs out on this input
  // too), and of those it rules out (each reads this input to its end): a run settles on one.
  std::vector<std::string> also_fits;
  std::vector<std::string> rules_out;
};

// "misread its input: read past the parameter block at stdin offset 2 ...", with the evidence.
std::string DescribeMisread(const Misread& m);

// The driver stopped the conversation at a violation on stdout that decoding found (text, a
// length over the limit), not at a list cut short by the program's own end: what the program
// did after that followed from it. (A list no pair asked for is map-protocol's, not this.)
bool StoppedAtStdoutViolation(const Transcript& t);

// Applies the inference to the checks of one case (JudgeCase calls it last): the check that names
// the defect gets its rule, detail and cause (a FAILED verdict where the checks alone saw only
// symptoms), and every other FAILED check it explains gets caused_by. `sandbox` is never a
// consequence.
void InferRootCause(const Case& c, const Transcript& t, std::vector<CheckResult>* checks);

// "3.1.9/params".
std::string CauseRefText(const CauseRef& r);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_DIAGNOSIS_H_
