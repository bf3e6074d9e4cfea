// Root problems a whole run shows at once, said once, first, with what to fix (issue 10 §3,
// issue 11 §1). The one mechanism: each FAILED case's root checks (FAILED and not the consequence
// of another, judge/diagnosis.h) are grouped by check, rule and cause; a complaint that names the
// catalogue's own input values (RejectedValues) groups the cases it explains instead, and groups
// whose cases all share the one property that separates the run's failures (CaseBytes: a kind
// of byte, an empty item, a block with a body; see Diagnose) become one.
#ifndef DXT_CONFORMANCE_DIAGNOSE_H_
#define DXT_CONFORMANCE_DIAGNOSE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/catalogue.h"
#include "conformance/select.h"
#include "conformance/suite.h"

namespace dxt::conformance {

// The program rejects the bytes the catalogue sends as keys or values: FAILED cases whose stderr
// names one of the case's own input keys or values (an **<ERR> "count "value0" is not a decimal
// number", a Python traceback ending "invalid literal for int() with base 10: b'value0'").
struct RejectedValues {
  std::vector<size_t> cases;  // indices into the plan/results of the FAILED cases it explains
  size_t example = 0;         // one of `cases`
  std::string example_line;   // the stderr line naming the value
};

// Looks for RejectedValues when no input domain is declared (with a declaration the bytes are
// the user's choice, and a rejection is a plain failure). Inputs are regenerated for FAILED
// cases only, never for heavy ones. nullopt when no FAILED case names its input.
std::optional<RejectedValues> FindRejectedValues(const std::vector<CaseRef>& plan,
                                                 const std::vector<SuiteResult>& results,
                                                 const MaterialiseOptions& options);

// The lines of a program's stderr that can say what it complains about: without the parts of
// stack traces that only say where (a Python traceback's header, its `File "...", line N` frames
// and the source lines and carets under them; the `at ...`/`from ...` frames of Java,
// JavaScript, C# and Ruby; Go's `\t/path/x.go:N` lines). Frames quote paths and source text, in
// which an input value is found by chance (a value "line" in `File "x.py", line 31`).
std::vector<std::string_view> ComplaintLines(const std::vector<std::string>& lines);

// The first of `lines` (a program's stderr lines) that names one of `items` (its input keys and
// values), among its ComplaintLines: an item of at least 3 bytes found verbatim in the line;
// shorter items ("a", "v", "") occur by chance and count only quoted, as "a" or 'a' ("" or ''). How
// a program that rejects an input value says so. nullopt when no line does.
std::optional<std::string> LineNamingItem(const std::vector<std::string>& lines,
                                          const std::vector<std::string>& items);

// Kinds of bytes in keys and values (bits), for the diagnosis of a program that interprets bytes
// it must pass through unread (R3.1, R2.3): its failures come with one kind of byte, and only
// with it.
enum ByteClass : uint32_t {
  kByteNul = 1,       // 0x00
  kByteCr = 2,        // "\r"
  kByteLf = 4,        // "\n"
  kByteControl = 8,   // another control byte (0x01-0x1f but tab, CR, LF; 0x7f)
  kByteNotUtf8 = 16,  // bytes >= 0x80 that are not valid UTF-8
  kByteHigh = 32,     // any byte >= 0x80
};
uint32_t ByteClassesOf(std::string_view bytes);

// What one case sent, by kind of byte.
struct CaseBytes {
  bool known = false;   // classified: the case ran (not SKIPPED)
  uint32_t keys = 0;    // ByteClass bits of its input pairs' keys
  uint32_t values = 0;  // of their values
  uint32_t params = 0;  // of its parameter block's keys and values (or raw string)
  bool block_body = false;  // its parameter block has a body (it is not "0\n")
  bool empty_key = false;   // one of its input pairs has an empty key
  bool empty_value = false;  // one of its input pairs has an empty value
  uint64_t pairs = 0;        // its input pairs
  bool reduce = false;       // a reduce case (else a map case)
  // Of everything on its stdin: the items above, and the block's length line and the pairs' u32
  // lengths (a length of 200 is the byte 0xc8, one of 10 the byte "\n"), which a program that
  // reads stdin as text decodes too.
  uint32_t stream = 0;
  // At most 1 MiB of input, unchunked, not heavy: its outcome tells of its bytes, not of sizes
  // or delivery.
  bool plain = false;
  uint64_t largest = 0;  // its largest input key or value, in bytes
  bool chunked = false;  // its stdin was delivered in small pieces
  // Its stdin cannot reach a program in one read(2): delivered in pieces, or more at once than a
  // pipe holds (a map's block and first pair, or one pair; a reduce's whole input).
  bool several_reads = false;
  // A map case whose pairs a program that skips the parameter block (reads stdin from byte 0 as
  // pairs) reads another number of: such a program cannot pass it (plain cases only).
  bool skipper_miscounts = false;
};

// CaseBytes of every case of the run (index = plan/results index), from the cases as they were
// sent (Materialise). Empty when no case FAILED.
std::vector<CaseBytes> ClassifyCaseBytes(const std::vector<CaseRef>& plan,
                                         const std::vector<SuiteResult>& results,
                                         const MaterialiseOptions& options);

// What a run holds besides its results that the diagnosis uses; all optional.
struct RunEvidence {
  std::optional<RejectedValues> rejected;
  std::vector<CaseBytes> bytes;  // one per result, or empty
};

// What dxt can tell of the program's language or I/O library, for fix hints: from its first
// bytes (a #! line, an ELF binary linking stdio) and its stderr (a Python traceback).
enum class Language { kUnknown, kCStdio, kPython, kJava, kShell, kJavaScript };
Language DetectLanguage(const std::string& program_path, const std::vector<judge::CaseResult>& results);

// The cause of root problems that RejectedValues explains.
inline constexpr char kCauseRejectsValues[] = "rejects-values";
// The cause of a root problem of failures that come with one kind of byte (CaseBytes): the
// program decodes, translates or truncates bytes it must pass through unread.
inline constexpr char kCauseInterpretsBytes[] = "interprets-bytes";
// Of failures that come with an empty key or an empty value (CaseBytes).
inline constexpr char kCauseEmptyItem[] = "empty-item";
// Of failures that come with the empty parameter block "0\n" (params R2.2).
inline constexpr char kCauseNeedsParams[] = "needs-params";
// Of failures that come with more than one input pair (consumption R5.1 for a map, R6.1 for a
// reduce): a program that answers the first pair and stops.
inline constexpr char kCauseStopsEarly[] = "stops-early";
// Of failures that come with a key or value larger than some size (framing R3.1): a buffer of
// fixed size, or a limit of the program's own.
inline constexpr char kCauseLargeItem[] = "large-item";

struct RootProblem {
  // cause: judge::CheckResult::cause, kCauseRejectsValues, kCauseInterpretsBytes, kCauseEmptyItem,
  // kCauseNeedsParams, kCauseStopsEarly
  std::string check, rule, cause;
  std::vector<size_t> cases;       // indices (into the results) of the FAILED cases it explains
  std::vector<size_t> blocked;     // SKIPPED cases blocked by the wait of its example
  size_t example = 0;              // a case of `cases`: the first
  std::string detail;              // the example's text of it
  std::string fix;                 // what to change; "" when dxt cannot tell
  uint32_t byte_class = 0;         // kCauseInterpretsBytes: the ByteClass it fails on
  std::string site;                // judge::CheckResult::site: one of several places
};

struct RunDiagnosis {
  std::vector<RootProblem> problems;  // the most cases first
  // "looks reduce-only: rerun with `--mode reduce`" (or map-only) when at least 90% of the cases
  // of one mode FAILED (or were blocked) and none of the other did; "" otherwise.
  std::string mode_hint;
};

// At most this many root problems lead the report.
inline constexpr size_t kShownRootProblems = 3;

// Groups the FAILED cases of a run by their root problems (see the top of this file).
// Failures that come with one property of the cases (RunEvidence::bytes) become one root problem:
// one kind of byte in the keys, the values or either (`interprets-bytes`, framing R3.1) or in the
// parameters (`interprets-bytes`, params R2.3: a block parsed as lines), an empty key or an empty
// value (`empty-item`, framing R3.1; a map that writes no list for a pair with no output is
// one), a parameter block with a body (`skips-params`, params R2.1: a program that reads the
// block's length line but not its body, or not by its length), or the empty block "0\n"
// (`needs-params`, params R2.2: a program that cannot run without parameters); when none of
// those separates, a key or value larger than some size (`large-item`, framing R3.1: counted over
// every unchunked case, heavy ones too; at most half of them above it); or, in a run without
// a short-read problem, input that cannot arrive in one read (`short-read`, framing R3.1: a
// program that parses each read as whole pairs; counted over every case; neither of the last
// two takes a missed deadline, check hang: a slow program). The property must
// separate: among the plain cases that ran unblocked, at least 3 and half of those with it FAILED,
// at most a fifth of the others did (and at most a third as many, as a share), and chance would
// give as many in fewer than 1 run in 10 000 (one-sided Fisher's exact test). Each problem whose
// every case has it (for the kinds a text decoder trips on, CR, LF and bytes >= 0x80, anywhere on
// stdin) is folded into it, except causes found directly (short reads, rejected values, a block
// read past its end, Disco's C library, output left in a buffer).
RunDiagnosis Diagnose(const std::vector<judge::CaseResult>& results, const RunEvidence& evidence,
                      Language language);

// The leading section of the text report: at most kShownRootProblems root problems, each with
// its check and rule, the cases it explains, one representative case, the fix and the
// representative's last stderr lines; then the mode hint. "" when nothing FAILED.
std::string RenderRootProblems(const RunDiagnosis& d, const std::vector<judge::CaseResult>& results);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_DIAGNOSE_H_
