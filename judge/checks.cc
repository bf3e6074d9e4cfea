// Each check reads the transcript and answers for its own rule only; where one defect shows up in
// several places, the check closest to the cause reports it (a list cut short and then a stall is
// framing, not flushing; a SIGKILL the driver sent is hang, not crash).
#include "judge/checks.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/disco_c_params.h"
#include "codec/kv_frame.h"
#include "codec/stream_decoder.h"
#include "judge/content.h"
#include "judge/content_diff.h"
#include "judge/diagnosis.h"

namespace dxt::judge {
namespace {

using harness::ListRecord;
using harness::LogRecord;

CheckResult Ok(std::string_view name, std::string detail = "") {
  return {std::string(name), Verdict::kOk, "", std::move(detail), "", std::nullopt};
}
CheckResult Skip(std::string_view name, std::string why) {
  return {std::string(name), Verdict::kSkipped, "", std::move(why), "", std::nullopt};
}
CheckResult Fail(std::string_view name, std::string rule, std::string detail) {
  return {std::string(name), Verdict::kFailed, std::move(rule), std::move(detail), "", std::nullopt};
}

bool IsMap(const Transcript& t) { return t.mode == Mode::kMap; }

std::string Ms(Millis m) { return absl::StrCat(static_cast<int64_t>(m.count()), " ms"); }

// Excerpt of the exchange: the start of stdin and stdout, escaped.
std::string Exchange(const Transcript& t) {
  return absl::StrCat("stdin begins \"", EscapeBytes(t.stdin_head, 48), "\"; stdout (",
                      t.stdout_bytes, " bytes) begins \"", EscapeBytes(t.stdout_head, 48), "\"");
}

bool LooksLikeText(std::string_view b) {
  if (b.size() < 4) return false;
  for (char ch : b.substr(0, 4)) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (!(c >= 0x20 && c < 0x7f) && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

bool DecodeHitLimit(const Transcript& t) {
  return t.stdout_error.kind == codec::StreamError::Kind::kOverLimit &&
         !LooksLikeText(t.stdout_error_bytes);
}

// The list answering the stalled pair had begun while stdin was open but never completed.
bool PartialListAtStall(const Transcript& t) {
  if (!t.stalled_pair || *t.stalled_pair >= t.lists.size()) return false;
  const ListRecord& r = t.lists[*t.stalled_pair];
  return !r.started_after_stdin_closed &&
         (!r.complete_at || (t.stdin_closed_at && *r.complete_at > *t.stdin_closed_at));
}

bool Expired(const Transcript& t, harness::ExpiredWait::Kind kind) {
  return std::any_of(t.expired.begin(), t.expired.end(),
                     [&](const harness::ExpiredWait& w) { return w.kind == kind; });
}

CheckResult CheckFraming(const Transcript& t) {
  constexpr std::string_view kName = "framing";
  if (t.extra_list) return Ok(kName, "see map-protocol");
  if (!t.stdout_error.ok() && !DecodeHitLimit(t)) {
    const std::string msg = codec::Describe(t.stdout_error);
    const std::string_view text = t.stdout_error_bytes;
    if (text.substr(0, 7) == "**<MSG>" || text.substr(0, 7) == "**<ERR>")
      return Fail(kName, "R4.2",
                  absl::StrCat("writes its ", std::string(text.substr(0, 7)),
                               " log lines to stdout, where only result lists belong (they go "
                               "to stderr, R7.1): found \"",
                               EscapeBytes(text, 16), "\": ", msg, "; ", Exchange(t)));
    if (LooksLikeText(t.stdout_error_bytes))
      return Fail(kName, "R4.2",
                  absl::StrCat("expected only result lists on stdout, found text \"",
                               EscapeBytes(t.stdout_error_bytes, 16), "\": ", msg, "; ",
                               Exchange(t)));
    bool truncated = t.stdout_error.kind == codec::StreamError::Kind::kTruncated;
    return Fail(kName, truncated ? "R3.3" : "R4.1",
                absl::StrCat(truncated ? "stdout ended inside an item: " : "bad framing: ", msg,
                             "; ", Exchange(t)));
  }
  if (PartialListAtStall(t)) {
    // The reply wait is renewed by every byte (harness/driver.h), so it expired only after a
    // whole wait with none: the list stopped, it was not merely slow.
    const ListRecord& r = t.lists[*t.stalled_pair];
    const std::string rest =
        r.complete_at ? absl::StrCat("; the rest came ", Ms(*r.complete_at - *t.stdin_closed_at),
                                     " after stdin was closed: it waited for more input mid-list")
                      : "; it never completed";
    return Fail(kName, "R4.1",
                absl::StrCat("result list ", r.index, " (stdout offset ", r.stdout_offset,
                             ") announced ", r.count, " pair(s) but stopped short: no byte within ",
                             "the wait for ", t.expired.empty() ? "" : ExpiredWaitText(t.expired.front()),
                             " while stdin was open", rest, "; ", Exchange(t)));
  }
  return Ok(kName);
}

CheckResult CheckLimits(const Transcript& t) {
  constexpr std::string_view kName = "limits";
  if (!DecodeHitLimit(t)) return Ok(kName);
  return Fail(kName, "R3.2",
              absl::StrCat("a length on stdout exceeds the driver's limit (bytes \"",
                           EscapeBytes(t.stdout_error_bytes, 16),
                           "\"); nothing was allocated for it: ", codec::Describe(t.stdout_error)));
}

CheckResult CheckFlushing(const Transcript& t) {
  constexpr std::string_view kName = "flushing";
  if (!IsMap(t)) return Skip(kName, "reduce may write lists at any time (R6.2)");
  if (!t.stalled_pair || PartialListAtStall(t)) return Ok(kName);
  uint64_t k = *t.stalled_pair;
  std::string wait = t.expired.empty() ? "" : ExpiredWaitText(t.expired.front());
  if (k < t.lists.size() && t.lists[k].started_after_stdin_closed) {
    Millis late = t.lists[k].first_byte_at - t.stdin_closed_at.value_or(Millis{});
    return Fail(kName, "R5.2",
                absl::StrCat("buffered its output: expected a result list for pair ", k,
                             " (stdin offset ", k < t.pairs.size() ? t.pairs[k].stdin_offset : 0,
                             ") while stdin was open, got none within the wait for ", wait,
                             "; it arrived ", Ms(late),
                             " after stdin was closed (flush after every list)"));
  }
  return Fail(kName, "R5.2",
              absl::StrCat("waiting for more input: expected a result list for pair ", k,
                           ", got none within the wait for ", wait,
                           " and none after stdin was closed (answer each pair before reading "
                           "the next); ",
                           Exchange(t)));
}

CheckResult CheckMapProtocol(const Case& c, const Transcript& t) {
  constexpr std::string_view kName = "map-protocol";
  if (!IsMap(t)) return Skip(kName, "map only");
  if (t.extra_list) {
    const harness::ListViolation& v = *t.extra_list;
    // Every pair answered, stdin closed, then a list: output kept for the end of the input.
    const bool at_end =
        v.after_stdin_closed && v.pairs_written == t.pairs_total && v.list_index >= t.pairs_total;
    if (at_end) {
      CheckResult r = Fail(
          kName, "R5.4",
          absl::StrCat(
              "writes a list after the end of its input: result list ", v.list_index,
              " (stdout offset ", v.stdout_offset, ") began after stdin was closed, ",
              t.pairs_total == 0 ? "no pair having been sent"
                                 : absl::StrCat("all ", t.pairs_total, " pair(s) answered"),
              "; the original driver never closes a map's stdin (it kills the program after the "
              "last pair's list), so on Disco this output is lost; ",
              Exchange(t)));
      r.cause = kCauseListAtEnd;
      return r;
    }
    return Fail(kName, v.rule, absl::StrCat(ListViolationText(v), "; ", Exchange(t)));
  }
  // Every pair gets its list (R5.1). A map that exits as it should, every pair sent and read,
  // with pairs unanswered fails nothing else (pipelined, or after the last pair): the pairs it
  // never read are consumption's, a failed exit is exit's, a cut list framing's.
  const bool ended_cleanly = t.reaped && t.exit.exited && t.exit.term_signal == 0 &&
                             t.exit.exit_code == 0 && c.expect.exit_code == 0 &&
                             !t.killed_by_driver && t.expired.empty() && t.stdout_error.ok() &&
                             !t.stdin_broken && t.unread_input_at_exit == 0;
  if (ended_cleanly && t.pairs_queued == t.pairs_total && t.lists_completed < t.pairs_total) {
    const uint64_t k = t.lists_completed;
    return Fail(
        kName, "R5.1",
        absl::StrCat(
            "answered ", k, " of the ", t.pairs_total, " pairs: it read them all and exited (exit ",
            t.exit.exit_code, ") with no list for pair ", k,
            k < t.pairs.size() ? absl::StrCat(" (stdin offset ", t.pairs[k].stdin_offset, ")") : "",
            " or any after it (every pair gets exactly one list, count 0 when it "
            "has no output); ",
            Exchange(t)));
  }
  return Ok(kName);
}

CheckResult CheckConsumption(const Transcript& t) {
  constexpr std::string_view kName = "consumption";
  const std::string rule = IsMap(t) ? "R5.4" : "R6.1";
  if (t.exit.term_signal > 0 && !t.killed_by_driver) return Skip(kName, "see crash");
  if (t.stdin_broken)
    return Fail(kName, rule,
                absl::StrCat("expected the program to read all ", t.pairs_total,
                             " pairs; it closed stdin (EPIPE) after ", t.stdin_bytes_written,
                             " of ", t.stdin_bytes_queued, " bytes were written"));
  bool driver_stopped = !t.expired.empty() || t.killed_by_driver;
  if (!driver_stopped && t.pairs_total > t.pairs_queued)
    return Fail(kName, IsMap(t) ? "R5.1" : "R6.1",
                absl::StrCat("expected the program to read all ", t.pairs_total,
                             " pairs; it ended (", t.exit.exited ? absl::StrCat("exit ", t.exit.exit_code) : "stdout closed",
                             ") after ", t.pairs_queued, " were written and ", t.lists_completed,
                             " lists received"));
  // Input left when the driver killed the program at a violation on stdout is the driver's
  // doing: framing says why. (Left at a deadline, it tells that the program never read it.)
  if (t.unread_input_at_exit > 0 && !(t.killed_by_driver && StoppedAtStdoutViolation(t)))
    return Fail(kName, rule,
                absl::StrCat("the program exited with ", t.unread_input_at_exit,
                             " bytes of input unread (",
                             t.unread_after_eof ? "stdin had been closed: it never read to the end"
                                                : "before end-of-input",
                             ")"));
  return Ok(kName);
}

CheckResult CheckLog(const Transcript& t) {
  constexpr std::string_view kName = "log";
  auto first_of = [&](codec::LogKind kind) -> const LogRecord* {
    for (const auto& l : t.logs)
      if (l.kind == kind) return &l;
    return nullptr;
  };
  if (t.other_lines > 0) {
    const LogRecord* l = first_of(codec::LogKind::kOther);
    return Fail(kName, "R7.1",
                absl::StrCat(t.other_lines,
                             " stderr line(s) without a **<MSG> or **<ERR> prefix; first (stderr "
                             "offset ",
                             l ? l->offset : 0, "): \"", l ? EscapeBytes(l->raw) : "", "\""));
  }
  if (t.unterminated_lines > 0) {
    const LogRecord* l = first_of(codec::LogKind::kUnterminated);
    return Fail(kName, "R7.3",
                absl::StrCat("the last stderr line has no final \\n (the original driver blocked "
                             "on it): \"",
                             l ? EscapeBytes(l->raw) : "", "\""));
  }
  double seconds = std::max(t.duration.count() / 1000.0, 1.0);
  if (t.msg_lines > 100 && t.msg_lines / seconds > 10)
    return {std::string(kName), Verdict::kNonStrict, "R7.4",
            absl::StrCat(t.msg_lines, " messages in ", Ms(t.duration),
                         ": more than 10 a second looks like a misbehaving worker"),
            "", std::nullopt};
  return Ok(kName);
}

CheckResult CheckErr(const Case& c, const Transcript& t) {
  constexpr std::string_view kName = "err";
  if (t.err_lines == 0) return Ok(kName);
  std::string first;
  for (const auto& l : t.logs)
    if (l.kind == codec::LogKind::kErr) {
      first = EscapeBytes(l.raw);
      break;
    }
  if (c.expect.exit_code != 0) return Ok(kName, "the case expects the program to fail");
  return Fail(kName, "R7.2",
              absl::StrCat("expected no **<ERR> line; got ", t.err_lines, ", first: \"", first,
                           "\" (an ERR line fails the task whatever the exit status)"));
}

CheckResult CheckExit(const Case& c, const Transcript& t) {
  constexpr std::string_view kName = "exit";
  if (t.killed_by_driver) return Skip(kName, "the driver killed the program (see hang)");
  if (t.exit.term_signal > 0) return Skip(kName, "see crash");
  if (!t.reaped) return Fail(kName, "R8.1", "the program could not be reaped");
  if (t.exit.exit_code != c.expect.exit_code)
    return Fail(kName, "R8.1",
                absl::StrCat("expected exit status ", c.expect.exit_code, ", got ",
                             t.exit.exit_code));
  return Ok(kName);
}

CheckResult CheckCrash(const Transcript& t) {
  constexpr std::string_view kName = "crash";
  if (t.exit.term_signal == 0 || t.killed_by_driver) return Ok(kName);
  const char* what = ::strsignal(t.exit.term_signal);
  return Fail(kName, "R8.1",
              absl::StrCat("expected a normal exit; the program died of signal ",
                           t.exit.term_signal, " (", what ? what : "?", ") after ",
                           t.pairs_queued, " pair(s) written, ", t.lists_completed,
                           " list(s) received"));
}

CheckResult CheckHang(const Transcript& t) {
  constexpr std::string_view kName = "hang";
  if (t.descendant_held_pipes)
    return Fail(kName, "R6.3",
                "the program exited but a descendant still held its stdout/stderr open; the "
                "driver killed the process group instead of waiting for end-of-file");
  if (t.stray_processes > 0 && !t.killed_by_driver)
    return Fail(kName, "R6.3",
                absl::StrCat("the program exited but left ", t.stray_processes,
                             " descendant process(es) running (a daemon, or a child in its own "
                             "session or process group); the driver killed them"));
  using W = harness::ExpiredWait::Kind;
  // A list still arriving when the driver gave up: the program was slow, not stuck.
  std::string arriving;
  if (t.lists_started > t.lists_completed && t.lists_started <= t.lists.size()) {
    const ListRecord& r = t.lists[t.lists_started - 1];
    arriving = absl::StrCat("; result list ", r.index, " was still arriving (",
                            t.stdout_bytes - r.stdout_offset, " bytes of it so far)");
  }
  for (W kind : {W::kExit, W::kWholeConversation, W::kProgramRead}) {
    if (Expired(t, kind))
      return Fail(kName, kind == W::kExit && IsMap(t) ? "R5.4" : "R8.2",
                  absl::StrCat("the driver stopped waiting for the ",
                               absl::StrJoin(t.expired, ", ",
                                             [](std::string* out, const harness::ExpiredWait& w) {
                                               out->append(ExpiredWaitText(w));
                                             }),
                               " and killed the process group", arriving));
  }
  return Ok(kName);
}

CheckResult CheckSandbox(const Transcript& t) {
  constexpr std::string_view kName = "sandbox";
  if (t.sandbox.empty()) return Ok(kName);
  std::vector<std::string> parts;
  if (!t.sandbox.created.empty())
    parts.push_back(absl::StrCat("created ", absl::StrJoin(t.sandbox.created, ", ")));
  if (!t.sandbox.changed.empty())
    parts.push_back(absl::StrCat("changed ", absl::StrJoin(t.sandbox.changed, ", ")));
  if (!t.sandbox.removed.empty())
    parts.push_back(absl::StrCat("removed ", absl::StrJoin(t.sandbox.removed, ", ")));
  CheckResult r = Fail(kName, "R1.3",
                       absl::StrCat("expected no file written; in its working directory, /tmp and "
                                    "$HOME the program ",
                                    absl::StrJoin(parts, "; ")));
  // Files a runtime writes by itself, unless told not to: every file it created is one.
  const auto all_created = [&](auto is) {
    return t.sandbox.changed.empty() && t.sandbox.removed.empty() &&
           std::all_of(t.sandbox.created.begin(), t.sandbox.created.end(), is);
  };
  if (all_created([](std::string_view f) { return f.starts_with("/tmp/hsperfdata_"); }))
    r.cause = kCauseJvmPerfData;
  else if (all_created([](std::string_view f) {
             return f.starts_with("__pycache__") || f.find("/__pycache__") != f.npos;
           }))
    r.cause = kCausePythonBytecode;
  return r;
}

// The output compared as it streamed (RunCase), or else the transcript's kept output fed to the
// same comparer.
absl::StatusOr<std::optional<ContentEvidence>> OutputEvidence(const Case& c, const Transcript& t,
                                                              const ContentEvidence* streamed) {
  if (streamed) return *streamed;
  if (t.output_truncated) return std::nullopt;
  absl::StatusOr<std::unique_ptr<OutputComparer>> cmp = OutputComparer::Create(c.expect);
  if (!cmp.ok()) return cmp.status();
  std::vector<codec::PairView> views;
  for (const OwnedPair& p : t.output) views.push_back({p.first, p.second});
  if (absl::Status s = (*cmp)->AddUnplaced(views); !s.ok()) return s;
  absl::StatusOr<ContentEvidence> ev = (*cmp)->Finish();
  if (!ev.ok()) return ev.status();
  return *ev;
}

// Every difference is reported at once: the output's and each log pattern that matched nothing,
// so fixing one does not reveal the next only on the following run. One comparison (content.h)
// both decides whether the output differs and collects what the text says (content_diff.h).
CheckResult CheckContent(const Case& c, const Transcript& t, const ContentEvidence* streamed) {
  constexpr std::string_view kName = "content";
  const Expectation& e = c.expect;
  if (!e.output && !e.output_file && e.log_patterns.empty())
    return Skip(kName, "no expectation in the case");
  std::vector<std::string> rules, problems;
  if (e.output || e.output_file) {
    absl::StatusOr<std::optional<ContentEvidence>> ev = OutputEvidence(c, t, streamed);
    if (!ev.ok()) return Fail(kName, "expect.output", std::string(ev.status().message()));
    if (!*ev) {
      if (e.log_patterns.empty()) return Skip(kName, "output too large to keep for comparison");
    } else if (!(*ev)->equal()) {
      rules.push_back("expect.output");
      problems.push_back(DescribeDifference(**ev));
    }
  }
  std::vector<std::string> unmatched;
  for (const auto& pattern : e.log_patterns) {
    std::regex re;
    try {
      re = std::regex(pattern);
    } catch (const std::regex_error& err) {
      unmatched.push_back(absl::StrCat("bad regex /", pattern, "/: ", err.what()));
      continue;
    }
    bool found = std::any_of(t.all_log_text.begin(), t.all_log_text.end(),
                             [&](const std::string& s) { return std::regex_search(s, re); });
    if (!found) unmatched.push_back(absl::StrCat("no **<MSG>/**<ERR> line matched /", pattern, "/"));
  }
  if (!unmatched.empty()) {
    rules.push_back("expect.logs");
    problems.push_back(absl::StrCat(absl::StrJoin(unmatched, "; "), " (",
                                    t.all_log_text.size(), " line(s) seen)"));
  }
  if (problems.empty()) return Ok(kName);
  return Fail(kName, absl::StrJoin(rules, ", "), absl::StrJoin(problems, "; also "));
}

// What Disco's C library would make of the same input (R2.5), for the detail.
std::string DiscoCPrediction(const InputStream& in) {
  auto r = codec::ReadParamsLikeDiscoC(in.bytes);
  using O = codec::DiscoCParamsReading::Outcome;
  if (r.outcome == O::kDied)
    return absl::StrCat("a program built on Disco's C library would die: \"", r.die_message, "\"");
  if (r.outcome == O::kStarved)
    return "a program built on Disco's C library would wait for more input inside the block";
  std::string extra = r.consumed > in.block_size
                          ? absl::StrCat(", eating ", r.consumed - in.block_size,
                                         " byte(s) of the first pair (R2.5)")
                          : "";
  return absl::StrCat("a program built on Disco's C library would read ", r.dict.size(),
                      " parameter(s)", extra);
}

// "a program that does not read the 2-byte parameter block "0\n" (it takes ... as a key length
// of 2608)".
std::string SkipperIs(const InputStream& in, const PairReading& skipper) {
  return absl::StrCat("a program that does not read the ", in.block_size,
                      "-byte parameter block \"", EscapeBytes(in.bytes.substr(0, in.block_size), 32),
                      "\" (it takes \"", EscapeBytes(in.bytes.substr(0, 4)),
                      "\" as a key length of ", skipper.first_length(), ")");
}

// Map: a program's list count is tied to the pairs it read (one list per pair, R5.1), so a
// block-skipper is recognised by producing exactly the lists its misreading predicts.
CheckResult CheckMapParams(const Transcript& t, const InputStream& in, const PairReading& skipper) {
  constexpr std::string_view kName = "params";
  bool clean = t.lists_completed == t.pairs_total && t.stdout_error.ok() && !t.extra_list;
  if (clean) return Ok(kName);
  // Only a program that otherwise behaved (no framing error, no extra list, no crash) and
  // produced exactly the number of lists a block-skipping reader would produce is blamed.
  if (!in.whole() || t.pairs_queued != t.pairs_total)
    return Ok(kName, "input too large or not all sent: cannot model a misread block");
  const uint64_t seen = skipper.pairs.size();
  bool otherwise_failed = !t.stdout_error.ok() || t.extra_list ||
                          t.exit.term_signal > 0 || t.killed_by_driver;
  bool silent_failure = seen == 0 && (t.exit.exit_code != 0 || t.err_lines > 0);
  if (otherwise_failed || silent_failure || seen == t.pairs_total || t.lists_completed != seen)
    return Ok(kName, absl::StrCat("got ", t.lists_completed, " lists for ", t.pairs_total,
                                  " pairs, not explained by a misread parameter block"));
  // No list at all, as the misreading predicts, is also what a program that stops reading after
  // the block gives. A reader that misread the block reads on to the end of its input (it waits
  // for the bytes of the length it misread); one that exits with input unread, or closes stdin,
  // stopped reading instead (consumption). (Lists that match a prediction of one or more are
  // telling by themselves.)
  if (seen == 0 && (t.stdin_broken || t.unread_input_at_exit > 0))
    return Ok(kName, absl::StrCat("got ", t.lists_completed, " lists for ", t.pairs_total,
                                  " pairs, but it left input unread: it stopped reading, a misread "
                                  "parameter block does not explain it"));
  CheckResult failed =
      Fail(kName, "R2.1",
           absl::StrCat(
               "expected ", t.pairs_total, " result lists after a ", in.block_size,
               "-byte parameter block \"", EscapeBytes(in.bytes.substr(0, in.block_size), 32),
               "\", got ", t.lists_completed,
               ": exactly what a program that does not read the parameter block "
               "sees (it takes \"",
               EscapeBytes(in.bytes.substr(0, 4)), "\" as a key length of ", skipper.first_length(),
               " and reads ", seen, " pair(s)); ", DiscoCPrediction(in)));
  // No list at all is also what a program waiting for input at pair 0 for another reason gives
  // (a length misread otherwise): a run that rules out the skipper settles it (SettleMisreads).
  if (seen == 0) failed.also_fits = {kCauseWaitsForInput};
  return failed;
}

// Evidence of a misread block in what the program wrote and said, for both modes (a reduce may
// answer with anything, R6.2, so its list count proves nothing): an output key or value that only
// a program reading stdin from byte 0 sees (it holds bytes of the input's framing), or a failure
// whose stderr names the first key length such a program reads.
std::optional<CheckResult> MisreadInOutputOrLog(const Transcript& t, const InputStream& in,
                                                const PairReading& skipper) {
  constexpr std::string_view kName = "params";
  const PairReading conforming = ReadPairsFrom(in.bytes, in.block_size);
  const std::string skipper_is = SkipperIs(in, skipper);
  const std::string fix = "read the `<len>\\n` parameter block before the first pair";
  constexpr size_t kMinTelling = 8;  // shorter items match input bytes by chance
  const auto holds = [](const PairReading& r, const std::string& item) {
    return std::any_of(r.pairs.begin(), r.pairs.end(),
                       [&](const auto& p) { return p.first == item || p.second == item; });
  };
  for (size_t i = 0; i < t.output.size(); ++i) {
    for (const std::string* item : {&t.output[i].first, &t.output[i].second}) {
      if (item->size() < kMinTelling || holds(conforming, *item) || !holds(skipper, *item))
        continue;
      return Fail(kName, "R2.1",
                  absl::StrCat("output pair ", i, " holds \"", EscapeBytes(*item, 24), "\" (",
                               item->size(), " bytes), no key or value of the input but one that ",
                               skipper_is, " reads: ", fix, "; ", DiscoCPrediction(in)));
    }
  }
  const bool failed = (t.exit.exited && t.exit.exit_code != 0) || t.err_lines > 0 ||
                      (t.exit.term_signal > 0 && !t.killed_by_driver);
  constexpr uint64_t kMinTellingLength = 1000;  // four digits or more: not a count by chance
  if (!failed || skipper.first_length() < kMinTellingLength) return std::nullopt;
  const std::string length = absl::StrCat(skipper.first_length());
  const auto digit = [](const std::string& s, size_t k) {
    return k < s.size() && s[k] >= '0' && s[k] <= '9';
  };
  for (const harness::LogRecord& l : t.logs) {
    const size_t at = l.raw.find(length);  // the program's own words, not another module's
    if (at == std::string::npos || (at > 0 && digit(l.raw, at - 1)) ||
        digit(l.raw, at + length.size()))
      continue;
    return Fail(kName, "R2.1",
                absl::StrCat("the program failed naming ", length, " (stderr offset ", l.offset,
                             ": \"", EscapeBytes(l.raw, 80), "\"), the first key length of ",
                             skipper_is, ": ", fix, "; ", DiscoCPrediction(in)));
  }
  return std::nullopt;
}

// The block-skipper is diagnosis.h's model (ReadPairsFrom at kSkipperStart) on the same rebuilt
// input the root-cause inference reads, so this verdict and the inferred cause cannot disagree.
CheckResult CheckParams(const Case& c, const Transcript& t) {
  if (!c.params_probe) return Skip("params", "not a parameter-block probe");
  const InputStream in = RebuildInput(c, t);
  const PairReading skipper = ReadPairsFrom(in.bytes, kSkipperStart);
  CheckResult by_count = IsMap(t) ? CheckMapParams(t, in, skipper) : Ok("params");
  if (by_count.verdict == Verdict::kFailed) return by_count;
  if (auto misread = MisreadInOutputOrLog(t, in, skipper)) return *misread;
  return by_count;
}

}  // namespace

std::string ListViolationText(const harness::ListViolation& v) {
  using K = harness::ListViolation::Kind;
  const std::string head = absl::StrCat(v.rule, ": result list ", v.list_index,
                                        " (stdout offset ", v.stdout_offset, ") arrived ");
  const std::string second =
      v.list_index == 0 ? "" : absl::StrCat(": a second list for pair ", v.list_index - 1);
  switch (v.kind) {
    case K::kBeforeAnyPair: return head + "before any pair was written";
    case K::kBeforePairWritten:
      return absl::StrCat(head, "before pair ", v.list_index, " was written", second);
    case K::kBeforePairRead:
      return absl::StrCat(head, "before the program had read any of pair ", v.list_index, second);
    case K::kMoreListsThanPairs:
      return absl::StrCat(head, "when only ", v.pairs_written,
                          " pairs had been written: more lists than pairs");
  }
  return head;
}

std::string ExpiredWaitText(const harness::ExpiredWait& w) {
  std::string what;
  switch (w.kind) {
    case harness::ExpiredWait::Kind::kReply: what = absl::StrCat("reply to pair ", w.pair_index); break;
    case harness::ExpiredWait::Kind::kProgramRead: what = "program to read its input"; break;
    case harness::ExpiredWait::Kind::kExit: what = "exit after stdin was closed"; break;
    case harness::ExpiredWait::Kind::kWholeConversation: what = "whole conversation"; break;
  }
  return absl::StrCat(what, " (", w.budget.count(), " ms)");
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "OK";
    case Verdict::kNonStrict: return "NON-STRICT";
    case Verdict::kInformational: return "INFORMATIONAL";
    case Verdict::kFailed: return "FAILED";
    case Verdict::kSkipped: return "SKIPPED";
  }
  return "?";
}

std::string EscapeBytes(std::string_view bytes, size_t max) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case 0: out += "\\0"; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
    }
  }
  if (bytes.size() > max) out += "...";
  return out;
}

bool HasCause(const std::vector<CheckResult>& checks, std::string_view cause) {
  return std::any_of(checks.begin(), checks.end(),
                     [&](const CheckResult& c) { return c.cause == cause; });
}

std::vector<CheckResult> JudgeCase(const Case& c, const Transcript& t,
                                   const ContentEvidence* streamed) {
  std::vector<CheckResult> out = {
      CheckParams(c, t),   CheckFraming(t), CheckFlushing(t), CheckMapProtocol(c, t),
      CheckConsumption(t), CheckLog(t),     CheckErr(c, t),   CheckExit(c, t),
      CheckCrash(t),       CheckHang(t),    CheckSandbox(t),  CheckContent(c, t, streamed),
      CheckLimits(t)};
  // One defect trips several checks: name it, and mark the rest as its consequences.
  InferRootCause(c, t, &out);
  return out;
}

int VerdictRank(Verdict v) {
  switch (v) {
    case Verdict::kFailed: return 3;
    case Verdict::kNonStrict: return 2;
    case Verdict::kInformational: return 1;
    default: return 0;
  }
}

Verdict CaseVerdict(const Case& c, const std::vector<CheckResult>& checks) {
  Verdict worst = Verdict::kOk;
  for (const auto& r : checks)
    if (VerdictRank(r.verdict) > VerdictRank(worst)) worst = r.verdict;
  if (worst == Verdict::kFailed && c.policy == Policy::kNonStrict) return Verdict::kNonStrict;
  if (worst != Verdict::kOk && c.policy == Policy::kInformational) return Verdict::kInformational;
  return worst;
}

}  // namespace dxt::judge
