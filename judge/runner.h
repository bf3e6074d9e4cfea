// Runs a list of cases against one program and judges each (the engine of `dxt check`).
#ifndef DXT_JUDGE_RUNNER_H_
#define DXT_JUDGE_RUNNER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/driver.h"
#include "judge/case.h"
#include "judge/checks.h"

namespace dxt::judge {

using harness::Clock;
using harness::DriverOptions;
using harness::ModeName;
using harness::ProcessFactory;
using harness::ProgramSpec;

struct CaseResult {
  std::string id;
  std::string title;
  Mode mode = Mode::kMap;
  std::vector<std::string> rules;
  Verdict verdict = Verdict::kOk;
  // FAILED on its first run, then passed on the retry (conformance suite only); the verdict is
  // then INFORMATIONAL, never OK, and `checks` are those of the failing first run.
  bool flaky = false;
  std::vector<CheckResult> checks;  // every R10 check, kCheckNames order; empty when SKIPPED
  std::string skip_reason;          // when verdict is SKIPPED
  double duration_ms = 0;
  std::string transcript;           // DescribeTranscript(), when RunOptions::verbose
  std::vector<harness::WaitKind> expired;  // the driver's waits that expired (Transcript::expired_kinds)
  // The wait the program ended without answering (Transcript::owed_at_end), when no wait expired.
  std::optional<harness::OwedWait> owed_at_end;
  // MSG/ERR texts and other stderr lines, as the program wrote them (capped like the transcript):
  // what a report needs to say why a program rejected its input.
  std::vector<std::string> stderr_lines;
  // The locale the checks above were judged under: empty = the default (LANG=C); a name when the
  // case passed under LANG=C and did worse under RunOptions::text_locale (each check that failed
  // only there says so: "fails only under LANG=C.UTF-8 (passes under LANG=C): ...").
  std::string locale;
  bool ran_under_text_locale = false;  // the case also ran under RunOptions::text_locale
  // The program's last stderr lines, any kind (Transcript::last_logs): a traceback or an ERR text
  // ends there. Shown with each failure.
  std::vector<std::string> stderr_tail;
  // SKIPPED because it shares the expired wait of this smoke case of its mode (conformance/suite.h):
  // the smoke case's root problem explains it too. Empty otherwise.
  std::string blocked_by;
  // Its stdin was written in small pieces with pauses, items split across writes (the
  // conformance catalogue's chunked delivery): a read(2) of the program returned part of an item.
  bool chunked_stdin = false;
  // Its stdout was longer than the transcript keeps of it (Transcript::stdout_head): another
  // encoding of its lists (judge/diagnosis.h) could not be tried on all of it.
  bool stdout_beyond_head = false;
};

// Default largest key or value a checked program may write (R3.2; `dxt check --max-item-size`).
// Below Disco's 1 GiB on purpose: a check never needs more, and a run stays within memory.
inline constexpr uint64_t kDefaultCheckMaxItemSize = uint64_t{64} << 20;
// Largest --max-item-size: anything a u32 length (R3.1) can say, 4 GiB - 1.
inline constexpr uint64_t kMaxCheckMaxItemSize = UINT32_MAX;

struct RunOptions {
  ProgramSpec program;
  std::chrono::milliseconds timeout{10000};  // reply deadline; also the exit deadline
  // Overrides of `timeout` for one kind of wait: a suite shortens the wait a program has already
  // been seen to let expire (conformance/suite.h, "blocked" cases).
  std::optional<std::chrono::milliseconds> reply_timeout, exit_timeout;
  // Largest key or value accepted on the program's stdout; a longer one FAILS `limits` (R3.2).
  // 1 .. kMaxCheckMaxItemSize.
  uint64_t max_item_size = kDefaultCheckMaxItemSize;
  bool extra_params_given = false;           // --params was given (cases with fixed_params skip)
  bool verbose = false;
  // A second locale (harness/locale.h; e.g. "C.UTF-8") for the cases with non-ASCII text
  // (HasNonAsciiText): they run under LANG=C, then again with LANG=text_locale, and a case that
  // does worse there is reported from that run (CaseResult::locale). Empty = LANG=C only.
  std::string text_locale;
  harness::Isolation isolation = harness::Isolation::kAuto;  // --isolation (resolved per run when kAuto)
  ProcessFactory spawn;                      // empty = real processes
  std::function<void(const CaseResult&)> on_case;  // progress, called after each case
};

// Size of the list parts `dxt check` hands on to the content comparison (a pair larger than this
// goes on alone, straight from the decoder).
inline constexpr uint64_t kCheckListPartBytes = uint64_t{1} << 20;

// The driver options `dxt check` uses for a case (exposed for the benchmark and tests): deadlines
// from options.timeout, limits.max_item_size = options.max_item_size, max_list_bytes =
// kCheckListPartBytes whatever the item limit (lists stream), and for a params probe the first
// 100 000 output pairs (at most 64 MiB) kept in the transcript for the params check (none else).
DriverOptions CheckDriverOptions(const Case& c, const RunOptions& options);

// Parses a `--max-item-size` value: a byte count with an optional binary suffix K, M or G (also
// lower case; KiB, MiB, GiB), e.g. "1048576", "64M", "1G". InvalidArgument, naming the text, for
// anything else (empty, sign, fraction, space, other suffix, overflow), for 0 and for a size
// above kMaxCheckMaxItemSize.
absl::StatusOr<uint64_t> ParseItemSize(std::string_view text);

// The longest deadline a command accepts (one day): a longer one (1e10 s, inf) would overflow
// the clock arithmetic and make a correct program look hung.
inline constexpr std::chrono::milliseconds kMaxTimeout{24LL * 3600 * 1000};

// A deadline given in seconds (`dxt check --timeout`): at least 1 ms and at most kMaxTimeout.
// InvalidArgument naming the value for NaN, infinity, zero, negative or out-of-range values.
absl::StatusOr<std::chrono::milliseconds> TimeoutFromSeconds(double seconds);

// Runs one case (twice when it has non-ASCII text and options.text_locale is set, see there).
// Errors are harness errors only (program missing or not executable, sandbox or
// spawn failure); program misbehaviour is in the result.
absl::StatusOr<CaseResult> RunCase(const Case& c, const RunOptions& options);

// Runs every case in order; stops at the first harness error. After a stop signal (lifetime.h)
// no case starts, and a case that was running is left out (its program was killed under it).
absl::StatusOr<std::vector<CaseResult>> RunCases(const std::vector<Case>& cases,
                                                 const RunOptions& options);

// Human-readable dump of a conversation for --verbose (bounded excerpts, escaped).
std::string DescribeTranscript(const Transcript& t);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_RUNNER_H_
