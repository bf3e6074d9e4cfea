#include "judge/runner.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "codec/stream_decoder.h"
#include "harness/lifetime.h"
#include "harness/locale.h"
#include "judge/content.h"

namespace dxt::judge {

using harness::ListRecord;
using harness::PairSource;
using harness::RunRecorded;
using std::chrono::milliseconds;

DriverOptions CheckDriverOptions(const Case& c, const RunOptions& options) {
  const milliseconds timeout = options.timeout;
  DriverOptions o;
  o.reply_timeout = options.reply_timeout.value_or(timeout);
  o.exit_timeout = options.exit_timeout.value_or(timeout);
  o.exact_exit_timeout = options.exit_timeout.has_value();
  // Long enough for a program to show a list before input or an exit with input unread, short
  // enough to keep a full run quick.
  o.settle = c.settle.value_or(milliseconds(100));
  o.overall_timeout = std::max(milliseconds(60000), timeout * 20);
  // A program must move at least 100 KiB/s through its pipes once its case outlasts the base:
  // slow enough for a 16 MiB list written a byte per write(2) on a loaded machine.
  o.overall_per_mib = milliseconds(10000);
  o.limits.max_item_size = options.max_item_size;
  o.limits.max_pairs_per_list = uint64_t{1} << 24;  // "hell" as a count is text, not a list
  // Lists reach the content comparison in parts of about 1 MiB (a larger pair alone, uncopied):
  // the comparison streams and collects all its text needs (content.h), never holding a list
  // (R3.2 limits items). Only a params probe's transcript keeps the first pairs (at most 64 MiB),
  // the params check's misread-input evidence; no other check reads them.
  o.max_list_bytes = kCheckListPartBytes;
  o.keep_output_pairs = c.params_probe ? 100000 : 0;
  o.pipeline = c.delivery == Delivery::kPipeline;
  o.keep_transcript = true;
  o.isolation = options.isolation;
  return o;
}

namespace {

// One run of the case under the environment options.program gives.
absl::StatusOr<CaseResult> RunOnce(const Case& c, const RunOptions& options) {
  CaseResult r;
  r.id = c.id;
  r.title = c.title;
  r.mode = c.mode;
  r.rules = c.rules;
  DriverOptions o = CheckDriverOptions(c, options);
  o.spawn = options.spawn;
  size_t next = 0;
  PairSource source = [&]() -> absl::StatusOr<std::optional<codec::PairView>> {
    if (next == c.input.size()) return std::nullopt;
    const auto& p = c.input[next++];
    return codec::PairView{p.first, p.second};
  };
  // An output expectation is compared while the output streams past.
  std::unique_ptr<OutputComparer> comparer;
  harness::ListSink on_list;
  if (c.expect.output || c.expect.output_file) {
    absl::StatusOr<std::unique_ptr<OutputComparer>> made = OutputComparer::Create(c.expect);
    if (!made.ok()) return made.status();
    comparer = std::move(*made);
    on_list = [&comparer](uint64_t list, std::span<const codec::PairView> pairs) {
      return comparer->Add(list, pairs);
    };
  }
  auto start = Clock::now();
  auto t = RunRecorded(c.mode, options.program, ParamBlockOf(c), source, on_list, nullptr, o);
  if (!t.ok()) return t.status();
  r.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::optional<ContentEvidence> evidence;
  if (comparer) {
    absl::StatusOr<ContentEvidence> ev = comparer->Finish();
    if (!ev.ok()) return ev.status();
    evidence = std::move(*ev);
  }
  r.checks = JudgeCase(c, *t, evidence ? &*evidence : nullptr);
  r.verdict = CaseVerdict(c, r.checks);
  if (options.verbose) r.transcript = DescribeTranscript(*t);
  r.expired = t->expired_kinds;
  r.owed_at_end = t->owed_at_end;
  for (const harness::LogRecord& l : t->logs) r.stderr_lines.push_back(l.raw);
  for (const harness::LogRecord& l : t->last_logs) r.stderr_tail.push_back(l.raw);
  r.stdout_beyond_head = t->stdout_bytes > t->stdout_head.size();
  return r;
}

// The run under the text locale did worse than the one under LANG=C: it is the one reported, and
// each check that failed only there names the locale it needs.
CaseResult UnderLocale(CaseResult in_c, CaseResult in_locale, const std::string& locale) {
  for (CheckResult& check : in_locale.checks) {
    auto same = std::find_if(in_c.checks.begin(), in_c.checks.end(),
                             [&](const CheckResult& x) { return x.check == check.check; });
    if (VerdictRank(check.verdict) == 0 ||
        (same != in_c.checks.end() && VerdictRank(same->verdict) >= VerdictRank(check.verdict)))
      continue;
    check.detail = absl::StrCat("fails only under LANG=", locale, " (passes under LANG=",
                                harness::kDefaultLocale, "): ", check.detail);
  }
  in_locale.locale = locale;
  in_locale.duration_ms += in_c.duration_ms;
  return in_locale;
}

}  // namespace

absl::StatusOr<CaseResult> RunCase(const Case& c, const RunOptions& options) {
  if (c.fixed_params && options.extra_params_given) {
    CaseResult r;
    r.id = c.id;
    r.title = c.title;
    r.mode = c.mode;
    r.rules = c.rules;
    r.verdict = Verdict::kSkipped;
    r.skip_reason = "needs its exact parameter block; --params was given";
    return r;
  }
  auto r = RunOnce(c, options);
  if (!r.ok() || options.text_locale.empty() || !HasNonAsciiText(c) || harness::StopRequested())
    return r;
  RunOptions under = options;
  under.program.env.push_back(absl::StrCat("LANG=", options.text_locale));
  auto u = RunOnce(c, under);
  if (!u.ok()) return u.status();
  r->ran_under_text_locale = true;
  if (VerdictRank(u->verdict) <= VerdictRank(r->verdict)) {
    r->duration_ms += u->duration_ms;
    return r;
  }
  CaseResult worse = UnderLocale(std::move(*r), std::move(*u), options.text_locale);
  worse.ran_under_text_locale = true;
  return worse;
}

absl::StatusOr<std::vector<CaseResult>> RunCases(const std::vector<Case>& cases,
                                                 const RunOptions& options) {
  std::vector<CaseResult> out;
  for (const Case& c : cases) {
    if (harness::StopRequested()) break;
    auto r = RunCase(c, options);
    if (harness::StopRequested()) break;
    if (!r.ok()) return r.status();
    if (options.on_case) options.on_case(*r);
    out.push_back(std::move(*r));
  }
  return out;
}

absl::StatusOr<std::chrono::milliseconds> TimeoutFromSeconds(double seconds) {
  // Written so NaN fails too.
  if (!(seconds >= 0.001 && seconds <= kMaxTimeout.count() / 1000.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid timeout ", absl::StrFormat("%g", seconds), " s: expected a number of seconds from 0.001 to ",
        kMaxTimeout.count() / 1000, " (one day)"));
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

absl::StatusOr<uint64_t> ParseItemSize(std::string_view text) {
  auto invalid = [&](const char* why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid size '", std::string(text), "': ", why));
  };
  constexpr char kForm[] = "expected a byte count, optionally with K, M or G (e.g. 64M)";
  constexpr char kTooLarge[] = "above 4 GiB - 1 (4294967295)";
  size_t digits = 0;
  uint64_t n = 0;
  for (; digits < text.size() && absl::ascii_isdigit(text[digits]); ++digits) {
    n = n * 10 + static_cast<uint64_t>(text[digits] - '0');
    if (n > kMaxCheckMaxItemSize) return invalid(kTooLarge);  // before any digit could wrap n
  }
  if (digits == 0) return invalid(kForm);
  std::string_view suffix = text.substr(digits);
  int shift = 0;
  if (!suffix.empty()) {
    switch (absl::ascii_tolower(suffix.front())) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      default: return invalid(kForm);
    }
    suffix.remove_prefix(1);
    if (!suffix.empty() && suffix != "iB") return invalid(kForm);
  }
  if (n == 0) return invalid("must be at least 1 byte");
  if (n > (kMaxCheckMaxItemSize >> shift)) return invalid(kTooLarge);
  return n << shift;
}

std::string DescribeTranscript(const Transcript& t) {
  std::string s;
  absl::StrAppend(&s, "    mode ", ModeName(t.mode), t.pipeline ? " (pipelined)" : "",
                  ", duration ", static_cast<int64_t>(t.duration.count()), " ms\n");
  absl::StrAppend(&s, "    params block (", t.param_block_size, " bytes): \"",
                  EscapeBytes(t.param_block, 80), "\"\n");
  absl::StrAppend(&s, "    stdin: ", t.pairs_queued, " of ", t.pairs_total, " pairs, ",
                  t.stdin_bytes_written, " of ", t.stdin_bytes_queued, " bytes written",
                  t.stdin_closed_at ? absl::StrCat(", closed at ",
                                                   static_cast<int64_t>(t.stdin_closed_at->count()),
                                                   " ms")
                                    : "",
                  t.stdin_broken ? ", broken (EPIPE)" : "", "\n");
  for (size_t i = 0; i < t.pairs.size() && i < 8; ++i)
    absl::StrAppend(&s, "      pair ", i, " at stdin offset ", t.pairs[i].stdin_offset, ", ",
                    t.pairs[i].size, " bytes, written at ",
                    static_cast<int64_t>(t.pairs[i].queued_at.count()), " ms\n");
  absl::StrAppend(&s, "    stdout: ", t.stdout_bytes, " bytes, ", t.lists_completed,
                  " complete list(s); begins \"", EscapeBytes(t.stdout_head, 80), "\"\n");
  for (size_t i = 0; i < t.lists.size() && i < 8; ++i) {
    const ListRecord& l = t.lists[i];
    absl::StrAppend(&s, "      list ", i, " (count ", l.count, ") at stdout offset ",
                    l.stdout_offset, ", first byte at ",
                    static_cast<int64_t>(l.first_byte_at.count()), " ms",
                    l.started_after_stdin_closed ? " after stdin closed" : "", "\n");
  }
  if (!t.stdout_error.ok())
    absl::StrAppend(&s, "    stdout error: ", codec::Describe(t.stdout_error), "\n");
  if (t.extra_list) absl::StrAppend(&s, "    ", ListViolationText(*t.extra_list), "\n");
  absl::StrAppend(&s, "    stderr: ", t.stderr_bytes, " bytes; MSG ", t.msg_lines, ", ERR ",
                  t.err_lines, ", other ", t.other_lines, ", unterminated ", t.unterminated_lines,
                  "\n");
  for (size_t i = 0; i < t.logs.size() && i < 10; ++i)
    absl::StrAppend(&s, "      ", codec::LogKindName(t.logs[i].kind), ": \"",
                    EscapeBytes(t.logs[i].raw, 100), "\"\n");
  for (const auto& w : t.expired) absl::StrAppend(&s, "    expired: ", ExpiredWaitText(w), "\n");
  absl::StrAppend(&s, "    end: ",
                  t.exit.exited ? absl::StrCat("exit ", t.exit.exit_code)
                                : absl::StrCat("signal ", t.exit.term_signal),
                  t.killed_by_driver ? " (killed by the driver)" : "",
                  t.descendant_held_pipes ? "; a descendant held the pipes" : "", "\n");
  return s;
}

}  // namespace dxt::judge
