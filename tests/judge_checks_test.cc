// Checks over synthetic transcripts, the script reader's errors, the report formats, and the
// CLI's usage errors (exit 2).
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "conformance/catalogue.h"
#include "conformance/diagnose.h"
#include "conformance/report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "judge/case.h"
#include "judge/checks.h"
#include "judge/crash_report.h"
#include "judge/diagnosis.h"
#include "judge/runner.h"
#include "judge/task.h"
#include "nlohmann/json.hpp"

namespace dxt::judge {
namespace {

using conformance::RenderCaseLine;
using conformance::RenderJson;
using conformance::RenderJUnit;
using conformance::RenderSummary;
using harness::ListRecord;
using harness::LogRecord;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

CheckResult Find(const std::vector<CheckResult>& checks, std::string_view name) {
  for (const auto& c : checks)
    if (c.check == name) return c;
  ADD_FAILURE() << "no check " << name;
  return {};
}

Transcript CleanMap() {
  Transcript t;
  t.mode = Mode::kMap;
  t.pairs_queued = t.pairs_total = 2;
  t.lists_started = t.lists_completed = 2;
  t.reaped = true;
  t.exit = {true, 0, 0};
  t.stdin_closed_at = Millis(10);
  return t;
}

TEST(ChecksTest, CleanTranscriptPassesEveryCheckInR10Order) {
  Case c;
  auto checks = JudgeCase(c, CleanMap());
  ASSERT_EQ(checks.size(), kCheckNames.size());
  for (size_t i = 0; i < checks.size(); ++i) {
    EXPECT_EQ(checks[i].check, kCheckNames[i]);
    EXPECT_NE(checks[i].verdict, Verdict::kFailed) << checks[i].check << ": " << checks[i].detail;
  }
  EXPECT_EQ(CaseVerdict(c, checks), Verdict::kOk);
}

TEST(ChecksTest, EachDefectFailsItsOwnCheck) {
  Case c;
  struct Row {
    const char* check;
    const char* rule;
    std::function<void(Transcript&)> breaks;
  };
  const Row rows[] = {
      {"exit", "R8.1",
       [](Transcript& t) {
         t.exit = {true, 3, 0};
       }},
      {"crash", "R8.1",
       [](Transcript& t) {
         t.exit = {false, -1, 11};
       }},
      {"err", "R7.2", [](Transcript& t) { t.err_lines = 1; }},
      {"log", "R7.1", [](Transcript& t) { t.other_lines = 1; }},
      {"log", "R7.3", [](Transcript& t) { t.unterminated_lines = 1; }},
      {"sandbox", "R1.3", [](Transcript& t) { t.sandbox.created = {"x.tmp"}; }},
      {"hang", "R6.3", [](Transcript& t) { t.descendant_held_pipes = true; }},
      {"hang", "R5.4",
       [](Transcript& t) {
         t.expired = {{harness::ExpiredWait::Kind::kExit, 0, std::chrono::milliseconds(10)}};
         t.killed_by_driver = true;
       }},
      {"consumption", "R5.4", [](Transcript& t) { t.stdin_broken = true; }},
      {"framing", "R3.3",
       [](Transcript& t) {
         t.stdout_error.kind = codec::StreamError::Kind::kTruncated;
         t.stdout_error.field = codec::StreamError::Field::kCount;
       }},
      {"framing", "R4.2",
       [](Transcript& t) {
         t.stdout_error.kind = codec::StreamError::Kind::kOverLimit;
         t.stdout_error.item = codec::StreamError::Item::kListHeader;
         t.stdout_error.field = codec::StreamError::Field::kCount;
         t.stdout_error_bytes = "hello\n";
       }},
      {"framing", "R4.2",
       [](Transcript& t) {
         t.stdout_error.kind = codec::StreamError::Kind::kOverLimit;
         t.stdout_error.item = codec::StreamError::Item::kListHeader;
         t.stdout_error.field = codec::StreamError::Field::kCount;
         t.stdout_error_bytes = "**<MSG> got a pa";
       }},
      {"limits", "R3.2",
       [](Transcript& t) {
         t.stdout_error.kind = codec::StreamError::Kind::kOverLimit;
         t.stdout_error.field = codec::StreamError::Field::kKeyLength;
         t.stdout_error_bytes = "\xff\xff\xff\xff";
       }},
      {"map-protocol", "R5.3",
       [](Transcript& t) {
         t.extra_list = harness::ListViolation{harness::ListViolation::Kind::kBeforeAnyPair,
                                               "R5.3", 0, 0, 0};
       }},
      // A list begun after stdin was closed, every pair answered: output kept for the end.
      {"map-protocol", "R5.4",
       [](Transcript& t) {
         t.extra_list = harness::ListViolation{
             harness::ListViolation::Kind::kBeforePairWritten, "R5.2", 2, 40, 2, true};
       }},
      // Every pair sent and read, exit 0, one list short: nothing else sees it.
      {"map-protocol", "R5.1", [](Transcript& t) { t.lists_started = t.lists_completed = 1; }},
  };
  for (const Row& row : rows) {
    Transcript t = CleanMap();
    row.breaks(t);
    auto checks = JudgeCase(c, t);
    auto r = Find(checks, row.check);
    EXPECT_EQ(r.verdict, Verdict::kFailed) << row.check << " / " << row.rule;
    EXPECT_EQ(r.rule, row.rule) << row.check << ": " << r.detail;
    EXPECT_FALSE(r.detail.empty());
    EXPECT_EQ(CaseVerdict(c, checks), Verdict::kFailed);
  }
}

// A log line written to stdout is named as one, not as any text; other text stays "text".
TEST(ChecksTest, LogLinesOnStdoutAreNamedAsSuch) {
  Case c;
  for (const char* bytes : {"**<MSG> got a pa", "**<ERR> bad inpu", "hello world\n"}) {
    Transcript t = CleanMap();
    t.stdout_error.kind = codec::StreamError::Kind::kOverLimit;
    t.stdout_error.item = codec::StreamError::Item::kListHeader;
    t.stdout_error.field = codec::StreamError::Field::kCount;
    t.stdout_error_bytes = bytes;
    const auto r = Find(JudgeCase(c, t), "framing");
    EXPECT_EQ(r.verdict, Verdict::kFailed);
    EXPECT_EQ(r.rule, "R4.2");
    const bool log = bytes[0] == '*';
    EXPECT_EQ(r.detail.find("log lines to stdout") != std::string::npos, log) << r.detail;
    EXPECT_EQ(r.detail.find("found text") != std::string::npos, !log) << r.detail;
  }
}

// Issue 10 §2: a program that reads past the block (scanf "%u\n" eats the 0x0a that begins
// pair 0's key length) and says so at end-of-input is a `params` R2.3 problem; the stall, the
// ERR line and the exit are its consequences. The length it names is the u32 at stdin offset 3.
TEST(RootCauseTest, MisreadPastTheBlockIsParamsAndTheRestAreConsequences) {
  Case c;
  c.id = "9.9.9";
  c.input = {{"abcdefghij", "v"}};
  Transcript t = CleanMap();
  t.param_block_size = 2;
  t.pairs_queued = 1;
  t.pairs_total = 1;
  t.lists_started = t.lists_completed = 0;
  t.stalled_pair = 0;
  t.expired = {{harness::ExpiredWait::Kind::kReply, 0, std::chrono::milliseconds(1000)}};
  t.stall = harness::StallRecord{0, 0, 0, std::nullopt, Millis(1100)};
  t.exit = {true, 1, 0};
  t.err_lines = 1;
  t.logs = {{codec::LogKind::kErr, "**<ERR>short read: key of 1627389952 bytes", 0, Millis(1200)}};
  t.last_logs = t.logs;
  auto checks = JudgeCase(c, t);
  CheckResult params = Find(checks, "params");
  EXPECT_EQ(params.verdict, Verdict::kFailed) << params.detail;
  EXPECT_EQ(params.rule, "R2.3");
  EXPECT_EQ(params.cause, "past-params");
  EXPECT_THAT(params.detail, HasSubstr("read past the parameter block at stdin offset 2"));
  for (const char* name : {"flushing", "err", "exit"}) {
    CheckResult r = Find(checks, name);
    EXPECT_EQ(r.verdict, Verdict::kFailed) << name;
    ASSERT_TRUE(r.caused_by.has_value()) << name;
    EXPECT_EQ(r.caused_by->check, "params");
    EXPECT_EQ(r.caused_by->case_id, "9.9.9");
  }
  // The same program with a key whose length byte is not whitespace reads right: no misread.
  c.input = {{"abc", "v"}};
  EXPECT_NE(Find(JudgeCase(c, t), "params").verdict, Verdict::kFailed);
}

// No list at all is what a block-skipper predicts when the block's first bytes make an absurd key
// length, but also what a program gives that reads the block and then stops reading: only the
// one that read on to the end of its input is blamed as a misread block (R2.1); one that exited
// with input unread (or closed stdin) is left to `consumption`.
TEST(RootCauseTest, NoListAndInputLeftUnreadIsNotAMisreadBlock) {
  Case c;
  c.id = "2.1.1";
  c.params_probe = true;
  c.params = {{"test1", "1,2,3"}};
  c.input = {{"key0", "value0"}, {"key1", "value1"}, {"key2", "value2"}};
  Transcript t = CleanMap();
  t.pairs_queued = t.pairs_total = 3;
  t.lists_started = t.lists_completed = 0;
  t.stdin_closed_at = Millis(10);
  CheckResult read_on = Find(JudgeCase(c, t), "params");
  EXPECT_EQ(read_on.verdict, Verdict::kFailed) << read_on.detail;
  EXPECT_EQ(read_on.rule, "R2.1");
  t.unread_input_at_exit = 54;
  t.unread_after_eof = true;
  CheckResult stopped = Find(JudgeCase(c, t), "params");
  EXPECT_NE(stopped.verdict, Verdict::kFailed) << stopped.detail;
  EXPECT_THAT(stopped.detail, HasSubstr("left input unread"));
  EXPECT_EQ(Find(JudgeCase(c, t), "consumption").verdict, Verdict::kFailed);
  t.unread_input_at_exit = 0;
  t.unread_after_eof = false;
  t.stdin_broken = true;
  EXPECT_NE(Find(JudgeCase(c, t), "params").verdict, Verdict::kFailed);
}

// A list cut short at the stall while the program had read the whole pair and stayed quiet,
// completed once stdin closed: buffered output (flushing), not a framing defect.
TEST(RootCauseTest, ListCutShortAndCompletedAfterCloseIsBuffering) {
  Case c;
  c.id = "5.1.5";
  Transcript t = CleanMap();
  t.pairs_queued = t.pairs_total = 1;
  t.lists_started = t.lists_completed = 1;
  t.stalled_pair = 0;
  t.expired = {{harness::ExpiredWait::Kind::kReply, 0, std::chrono::milliseconds(1000)}};
  t.stall = harness::StallRecord{0, 0, 8192, Millis(50), Millis(1050)};
  t.stdin_closed_at = Millis(1060);
  ListRecord r;
  r.index = 0;
  r.count = 1;
  r.first_byte_at = Millis(50);
  r.complete_at = Millis(1070);
  t.lists = {r};
  auto checks = JudgeCase(c, t);
  EXPECT_EQ(Find(checks, "flushing").verdict, Verdict::kFailed);
  EXPECT_EQ(Find(checks, "flushing").cause, "buffered");
  EXPECT_THAT(Find(checks, "flushing").detail, HasSubstr("4096-byte blocks"));
  CheckResult framing = Find(checks, "framing");
  EXPECT_EQ(framing.verdict, Verdict::kFailed);
  ASSERT_TRUE(framing.caused_by.has_value());
  EXPECT_EQ(framing.caused_by->check, "flushing");
  // Still writing when the wait expired (a slow program, not a buffer): no buffering verdict.
  t.stall->last_stdout_at = Millis(1040);
  t.stall->stdout_bytes = 5000;
  EXPECT_NE(Find(JudgeCase(c, t), "flushing").verdict, Verdict::kFailed);
}

// A non-zero exit before reading anything, with the shell's message: the program could not
// start (exit R8.1); the unread input and the unprefixed line are its consequences.
TEST(RootCauseTest, ExitBeforeReadingAnythingIsCouldNotStart) {
  Case c;
  c.id = "1.1.1";
  Transcript t = CleanMap();
  t.pairs_queued = 0;
  t.pairs_total = 3;
  t.lists_started = t.lists_completed = 0;
  t.stdin_bytes_queued = t.stdin_bytes_written = 2;
  t.unread_input_at_exit = 2;
  t.exit = {true, 127, 0};
  t.other_lines = 1;
  t.logs = {{codec::LogKind::kOther, "./w.sh: 5: exec: ./x: not found", 0, Millis(1)}};
  t.last_logs = t.logs;
  auto checks = JudgeCase(c, t);
  CheckResult exit = Find(checks, "exit");
  EXPECT_EQ(exit.cause, "could-not-start");
  EXPECT_THAT(exit.detail, HasSubstr("exec: ./x: not found"));
  EXPECT_TRUE(Find(checks, "log").caused_by.has_value());
  EXPECT_TRUE(Find(checks, "consumption").caused_by.has_value());
  auto task = JudgeTask(t, /*strict_stderr=*/false);
  EXPECT_THAT(std::string(task.status.message()), HasSubstr("exit (R8.1): the program ended before"));
  EXPECT_THAT(std::string(task.status.message()), HasSubstr("not found"));
  EXPECT_TRUE(task.warnings.empty());
}

// SPEC R2.5: a program built on Disco's C library dies where dxt's model of that parser
// (codec/disco_c_params.h) dies, with the same words: `params` R2.5, and the ERR line, the exit
// status and the input it left unread are its consequences. The case is 2.5.1 (a key that begins
// with a space) and 2.5.5 (an empty last value, then a pair whose key length begins with 0x20).
TEST(RootCauseTest, DiscoCLibraryDeathIsParamsR25AndTheRestAreConsequences) {
  struct Row {
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<OwnedPair> input;
    const char* dies;
  };
  const Row rows[] = {
      {{{" key", "v"}, {"k", "v"}}, {{"a", "1"}, {"b", "2"}}, "Couldn't parse item length"},
      {{{"k", "v"}, {"empty", ""}}, {{std::string(32, 'w'), "value"}, {"b", "2"}},
       "Invalid parameter set size"},
  };
  for (const Row& row : rows) {
    Case c;
    c.id = "2.5.x";
    c.params_probe = true;
    c.params = row.params;
    c.input = row.input;
    Transcript t = CleanMap();
    t.pipeline = true;
    t.param_block = ParamBlockOf(c);
    t.param_block_size = t.param_block.size();
    t.pairs_queued = t.pairs_total = c.input.size();
    t.lists_started = t.lists_completed = 0;
    t.exit = {true, 1, 0};
    t.err_lines = 1;
    t.unread_input_at_exit = 20;
    t.unread_after_eof = true;
    t.logs = {{codec::LogKind::kErr, std::string("**<ERR>") + row.dies, 0, Millis(1)}};
    t.last_logs = t.logs;
    auto checks = JudgeCase(c, t);
    CheckResult params = Find(checks, "params");
    EXPECT_EQ(params.verdict, Verdict::kFailed) << row.dies << ": " << params.detail;
    EXPECT_EQ(params.rule, "R2.5") << row.dies;
    EXPECT_EQ(params.cause, "disco-c-params") << row.dies;
    EXPECT_THAT(params.detail, HasSubstr("reads the block as Disco's C library does"));
    EXPECT_THAT(params.detail, HasSubstr(row.dies));
    for (const char* name : {"err", "exit", "consumption"}) {
      CheckResult r = Find(checks, name);
      EXPECT_EQ(r.verdict, Verdict::kFailed) << name;
      ASSERT_TRUE(r.caused_by.has_value()) << name;
      EXPECT_EQ(r.caused_by->check, "params") << name;
    }
    // The same words for a block the library reads right are no evidence of R2.5.
    Case plain = c;
    plain.params = {{"key", "v"}, {"k", "v"}};
    Transcript tp = t;
    tp.param_block = ParamBlockOf(plain);
    tp.param_block_size = tp.param_block.size();
    EXPECT_NE(Find(JudgeCase(plain, tp), "params").rule, "R2.5") << row.dies;
    // Nor other words for the block it misreads.
    t.logs[0].raw = "**<ERR>parameter test1 not found";
    t.last_logs = t.logs;
    EXPECT_NE(Find(JudgeCase(c, t), "params").rule, "R2.5") << row.dies;
  }
}

// One program reads all its input one way: a case whose evidence fits several misreading models
// joins the problem of one no case rules out; a wait for input joins the misread it fits; a case
// with a root of another kind stays in that problem too; nothing moves without a problem to join.
TEST(RootCauseTest, CasesSettleOnTheMisreadNoCaseRulesOut) {
  using Strings = std::vector<std::string>;
  const auto failed = [](std::string id, std::string check, std::string cause, Strings fits,
                         Strings rules_out) {
    CaseResult r;
    r.id = std::move(id);
    r.verdict = Verdict::kFailed;
    r.checks = {{check, Verdict::kFailed, "R", "detail of " + r.id, cause, std::nullopt}};
    r.checks[0].also_fits = std::move(fits);
    r.checks[0].rules_out = std::move(rules_out);
    return r;
  };
  std::vector<CaseResult> results = {
      failed("1.1.1", "params", "skips-params", {"big-endian-lengths"}, {}),
      failed("1.1.2", "flushing", "waits-for-input", {"skips-params", "big-endian-lengths"}, {}),
      failed("2.1.8", "framing", "big-endian-lengths", {}, {"skips-params"}),
      failed("3.1.1", "flushing", "waits-for-input", {}, {}),  // no misread waits there
  };
  results[1].checks.push_back(
      {"sandbox", Verdict::kFailed, "R1.3", "wrote a file", "", std::nullopt});
  results[1].mode = results[0].mode = results[2].mode = judge::Mode::kReduce;
  conformance::RunDiagnosis d = conformance::Diagnose(results, {}, conformance::Language::kUnknown);
  const auto problem = [&](const std::string& cause) -> const conformance::RootProblem* {
    for (const auto& p : d.problems)
      if (p.cause == cause) return &p;
    return nullptr;
  };
  ASSERT_NE(problem("big-endian-lengths"), nullptr);
  EXPECT_EQ(problem("big-endian-lengths")->cases, (std::vector<size_t>{0, 1, 2}));
  EXPECT_THAT(problem("big-endian-lengths")->detail,
              HasSubstr("the same misreading explains 2 case(s) that failed otherwise"));
  EXPECT_EQ(problem("skips-params"), nullptr);
  ASSERT_NE(problem("waits-for-input"), nullptr);  // 3.1.1 fits no misread: it stays
  EXPECT_EQ(problem("waits-for-input")->cases, (std::vector<size_t>{3}));
  EXPECT_EQ(problem("waits-for-input")->detail, "detail of 3.1.1");  // its example moved away
  ASSERT_NE(problem(""), nullptr);  // the sandbox root of 1.1.2 is still its own problem
  EXPECT_EQ(problem("")->cases, (std::vector<size_t>{1}));
  // Without the case that rules the skipper out, both readings stand; the waits join the first.
  results.erase(results.begin() + 2);
  d = conformance::Diagnose(results, {}, conformance::Language::kUnknown);
  ASSERT_NE(problem("skips-params"), nullptr);
  EXPECT_EQ(problem("skips-params")->cases, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(problem("big-endian-lengths"), nullptr);
  // Nothing established to join: the waits stay what they are.
  results.erase(results.begin());
  d = conformance::Diagnose(results, {}, conformance::Language::kUnknown);
  ASSERT_NE(problem("waits-for-input"), nullptr);
  EXPECT_EQ(problem("waits-for-input")->cases, (std::vector<size_t>{0, 1}));
}

// A program that takes one read(2) per item misreads whenever a read returns part of an item;
// in cases whose stdin arrived in small pieces that shows as other failures (it waits for bytes
// it thinks are missing). Such a problem, seen only in chunked cases of a run that has the
// short-read problem, is that problem; seen in an unchunked case too, it is a problem of its own.
TEST(RootCauseTest, FailuresOnlyUnderChunkedDeliveryJoinTheShortReadProblem) {
  const auto failed = [](std::string id, std::string check, std::string rule, std::string cause,
                         bool chunked) {
    CaseResult r;
    r.id = std::move(id);
    r.verdict = Verdict::kFailed;
    r.chunked_stdin = chunked;
    r.checks = {{check, Verdict::kFailed, rule, "detail of " + r.id, cause, std::nullopt}};
    return r;
  };
  std::vector<CaseResult> results = {
      failed("3.1.16", "framing", "R3.1", "short-read", false),
      failed("5.1.14", "flushing", "R5.2", "waits-for-input", true),
      failed("5.1.11", "consumption", "R5.1", "", true),
  };
  conformance::RunDiagnosis d = conformance::Diagnose(results, {}, conformance::Language::kUnknown);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].cause, "short-read");
  EXPECT_EQ(d.problems[0].cases, (std::vector<size_t>{0, 1, 2}));
  EXPECT_THAT(d.problems[0].detail, HasSubstr("explains 2 case(s) whose stdin arrived in small"));
  // The same waits seen without chunked delivery too: a defect of its own.
  results.push_back(failed("5.1.2", "flushing", "R5.2", "waits-for-input", false));
  d = conformance::Diagnose(results, {}, conformance::Language::kUnknown);
  ASSERT_EQ(d.problems.size(), 2u);
  // Without a short-read problem nothing is folded.
  results.erase(results.begin());
  d = conformance::Diagnose(results, {}, conformance::Language::kUnknown);
  for (const auto& p : d.problems) EXPECT_NE(p.cause, "short-read");
  EXPECT_EQ(d.problems.size(), 2u);
  // The short-read problem seen in chunked cases too, and nothing to fold: it stays whole (it was
  // once emptied by a move, shown as "root problem 1 of 1:  (): explains 0 FAILED case(s)").
  results = {failed("3.1.16", "framing", "R3.1", "short-read", false),
             failed("5.1.11", "framing", "R3.1", "short-read", true)};
  d = conformance::Diagnose(results, {}, conformance::Language::kUnknown);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].check, "framing");
  EXPECT_EQ(d.problems[0].cause, "short-read");
  EXPECT_EQ(d.problems[0].cases, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(d.problems[0].detail, "detail of 3.1.16");
}

// A complaint names an input value when the value is in what the program says is wrong, not in
// where its stack trace says it was: a Python traceback quotes paths and source lines (a value
// "line" is in every `File "...", line N` frame), Java and Ruby name classes and files.
TEST(RootCauseTest, StackFramesNeverNameAnInputValue) {
  const std::vector<std::string> python = {
      "Traceback (most recent call last):",
      "  File \"/tmp/case/work/prog.py\", line 31, in <module>",
      "    (vlen,) = struct.unpack(\"<I\", stdin.read(4))",
      "              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "struct.error: unpack requires a buffer of 4 bytes"};
  EXPECT_EQ(conformance::LineNamingItem(python, {"line", "work", "prog", "stdin", "read"}),
            std::nullopt);
  EXPECT_THAT(conformance::ComplaintLines(python),
              ElementsAre("struct.error: unpack requires a buffer of 4 bytes"));
  EXPECT_EQ(conformance::LineNamingItem(python, {"buffer"}),
            "struct.error: unpack requires a buffer of 4 bytes");
  const std::vector<std::string> rejects = {
      "Traceback (most recent call last):", "  File \"wc.py\", line 9, in <module>",
      "    total += int(value)", "ValueError: invalid literal for int() with base 10: 'value0'"};
  EXPECT_EQ(conformance::LineNamingItem(rejects, {"value0"}),
            "ValueError: invalid literal for int() with base 10: 'value0'");
  EXPECT_EQ(conformance::LineNamingItem(rejects, {"value"}),  // only in the source line
            "ValueError: invalid literal for int() with base 10: 'value0'");
  EXPECT_EQ(conformance::LineNamingItem(rejects, {"total"}), std::nullopt);
  const std::vector<std::string> java = {
      "Exception in thread \"main\" java.lang.NumberFormatException: For input string: \"abc\"",
      "\tat java.base/java.lang.Integer.parseInt(Integer.java:652)", "\tat Sum.main(Sum.java:12)",
      "\t... 3 more"};
  EXPECT_EQ(conformance::LineNamingItem(java, {"Sum"}), std::nullopt);
  EXPECT_EQ(conformance::LineNamingItem(java, {"abc"}), java[0]);
  const std::vector<std::string> ruby_go = {
      "wc.rb:3:in `Integer': invalid value for Integer(): \"xyz\" (ArgumentError)",
      "\tfrom wc.rb:3:in `block in <main>'",
      "goroutine 1 [running]:", "\t/home/u/sum/main.go:17 +0x1d"};
  EXPECT_EQ(conformance::LineNamingItem(ruby_go, {"block", "main", "home"}), std::nullopt);
  EXPECT_EQ(conformance::LineNamingItem(ruby_go, {"xyz"}), ruby_go[0]);
  // A line that only looks like a frame: no location in it, so it may name a value.
  EXPECT_EQ(conformance::LineNamingItem({"  at least one key expected, got 'keyA'"}, {"keyA"}),
            "  at least one key expected, got 'keyA'");
}

TEST(RootCauseTest, ByteClassesNameEachKindOnce) {
  using namespace conformance;
  EXPECT_EQ(ByteClassesOf("plain text\twith a tab"), 0u);
  EXPECT_EQ(ByteClassesOf("caf\xc3\xa9"), uint32_t{kByteHigh});
  EXPECT_EQ(ByteClassesOf("\xff"), uint32_t{kByteHigh | kByteNotUtf8});
  EXPECT_EQ(ByteClassesOf(std::string("\0\r\n\x01\x7f", 5)),
            uint32_t{kByteNul | kByteCr | kByteLf | kByteControl});
}

// Failures that come with one kind of byte, and only with it, are one problem: the symptoms
// (here `content` and `exit`) are folded into it. Too few cases, or a cause with evidence of its
// own, are left as they are.
TEST(RootCauseTest, FailuresThatComeWithOneKindOfByteAreOneProblem) {
  const auto run = [](size_t failing, size_t passing, const char* cause) {
    std::vector<CaseResult> results;
    conformance::RunEvidence evidence;
    for (size_t i = 0; i < failing + passing; ++i) {
      CaseResult r;
      r.id = "3.1." + std::to_string(i + 1);
      conformance::CaseBytes b{.known = true, .plain = true};
      if (i < failing) {
        r.verdict = Verdict::kFailed;
        const bool content = i % 2 == 0;
        r.checks = {{content ? "content" : "exit", Verdict::kFailed,
                     content ? "expect.output" : "R8.1", "detail", content ? cause : "",
                     std::nullopt}};
        b.keys = conformance::kByteNul;
      } else if (i < failing + 2) {
        b.values = conformance::kByteNul;  // NUL in a value passes: only keys are cut
      }
      b.stream = b.keys | b.values;
      results.push_back(r);
      evidence.bytes.push_back(b);
    }
    return conformance::Diagnose(results, evidence, conformance::Language::kUnknown);
  };
  conformance::RunDiagnosis d = run(6, 24, "");
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].cause, conformance::kCauseInterpretsBytes);
  EXPECT_EQ(d.problems[0].check, "framing");
  EXPECT_EQ(d.problems[0].rule, "R3.1");
  EXPECT_EQ(d.problems[0].cases, (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_THAT(d.problems[0].detail,
              HasSubstr("fails whenever a key holds a NUL byte: 6 of the 6 small unchunked "
                        "case(s) with one FAILED, 24 of the 24 without passed"));
  EXPECT_THAT(d.problems[0].detail, HasSubstr("(seen as content (expect.output), exit (R8.1))"));
  EXPECT_THAT(d.problems[0].fix, HasSubstr("never as C strings"));
  // Two failures among twelve cases could be chance.
  d = run(2, 10, "");
  EXPECT_EQ(d.problems.size(), 2u);
  for (const auto& p : d.problems) EXPECT_NE(p.cause, conformance::kCauseInterpretsBytes);
  // A cause found directly keeps its problem; the rest still folds.
  d = run(6, 24, judge::kCauseBuffered);
  ASSERT_EQ(d.problems.size(), 2u);
  EXPECT_EQ(d.problems[0].cause, judge::kCauseBuffered);
  EXPECT_EQ(d.problems[1].cause, conformance::kCauseInterpretsBytes);
  EXPECT_EQ(d.problems[1].cases, (std::vector<size_t>{1, 3, 5}));
  // "Could not start" seen only with the property is a program that died at its first bytes.
  d = run(6, 24, judge::kCauseCouldNotStart);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].cause, conformance::kCauseInterpretsBytes);
}

// A size, when no kind of byte separates: the cut is the largest size among the cases that all
// passed below it, heavy cases counted; most cases above a cut is not a size problem.
TEST(RootCauseTest, FailuresThatComeWithLargeItemsAreOneProblem) {
  const auto run = [](const std::vector<uint64_t>& sizes, uint64_t limit) {
    std::vector<CaseResult> results;
    conformance::RunEvidence evidence;
    for (size_t i = 0; i < sizes.size(); ++i) {
      CaseResult r;
      r.id = "3.1." + std::to_string(i + 1);
      const bool fails = sizes[i] > limit;
      r.verdict = fails ? Verdict::kFailed : Verdict::kOk;
      if (fails)
        r.checks = {{i % 2 ? "crash" : "framing", Verdict::kFailed, i % 2 ? "R8.1" : "R3.3",
                     "detail", "", std::nullopt}};
      results.push_back(r);
      evidence.bytes.push_back({.known = true, .plain = sizes[i] <= 4096, .largest = sizes[i]});
    }
    return conformance::Diagnose(results, evidence, conformance::Language::kUnknown);
  };
  std::vector<uint64_t> sizes;
  for (uint64_t s = 1; s <= 4096; s *= 2) sizes.insert(sizes.end(), {s, s + 1});  // 26 pass
  for (uint64_t s : {uint64_t{100000}, uint64_t{1} << 20, uint64_t{16} << 20, uint64_t{1} << 20})
    sizes.push_back(s);  // 4 fail: heavy (not plain)
  conformance::RunDiagnosis d = run(sizes, 65536);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].cause, conformance::kCauseLargeItem);
  EXPECT_EQ(d.problems[0].check, "framing");
  EXPECT_EQ(d.problems[0].rule, "R3.1");
  EXPECT_EQ(d.problems[0].cases.size(), 4u);
  EXPECT_EQ(d.problems[0].example, 26u);  // the smallest failing item: the quickest replay
  EXPECT_THAT(d.problems[0].detail,
              HasSubstr("fails whenever a key or value is larger than 4097 bytes (the smallest in "
                        "a FAILED case: 100000): 4 of the 4 unchunked case(s) with one FAILED, 26 "
                        "of the 26 without passed"));
  EXPECT_THAT(d.problems[0].detail, HasSubstr("(seen as framing (R3.3), crash (R8.1))"));
  EXPECT_THAT(d.problems[0].fix, HasSubstr("malloc(len)"));
  // All but the smallest inputs failing: not a size.
  d = run(sizes, 2);
  for (const auto& p : d.problems) EXPECT_NE(p.cause, conformance::kCauseLargeItem);
}

// Input that cannot arrive in one read, when neither a kind of byte nor a size separates: small
// items fail too when there are many of them (a reduce's whole input) or they come in pieces.
TEST(RootCauseTest, FailuresOfInputNeedingSeveralReadsAreAShortRead) {
  std::vector<CaseResult> results;
  conformance::RunEvidence evidence;
  for (size_t i = 0; i < 40; ++i) {
    CaseResult r;
    r.id = "6.1." + std::to_string(i + 1);
    const bool several = i < 8;
    r.verdict = several ? Verdict::kFailed : Verdict::kOk;
    if (several) r.checks = {{"exit", Verdict::kFailed, "R8.1", "detail", "", std::nullopt}};
    results.push_back(r);
    // Sizes alternate between both groups: a size does not separate them.
    evidence.bytes.push_back({.known = true,
                              .plain = true,
                              .largest = 1 + i % 4,
                              .chunked = i % 2 == 0 && several,
                              .several_reads = several});
  }
  conformance::RunDiagnosis d =
      conformance::Diagnose(results, evidence, conformance::Language::kJavaScript);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].cause, judge::kCauseShortRead);
  EXPECT_EQ(d.problems[0].cases.size(), 8u);
  EXPECT_EQ(d.problems[0].example, 1u);  // unchunked
  EXPECT_THAT(d.problems[0].detail,
              HasSubstr("fails whenever its input cannot reach it in one read (more than a pipe's "
                        "64 KiB at once, or delivered in pieces): 8 of the 8 such case(s) FAILED, "
                        "32 of the 32 others passed"));
  EXPECT_THAT(d.problems[0].fix, HasSubstr("append the chunks to one buffer"));
  // Deadlines missed on such input: a slow program, not a property of its reading.
  for (size_t i = 0; i < 8; ++i)
    results[i].checks[0] = {"hang", Verdict::kFailed, "R8.2", "overall deadline", "", std::nullopt};
  d = conformance::Diagnose(results, evidence, conformance::Language::kUnknown);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].check, "hang");
  // A run with a short-read problem of its own keeps it (FoldChunkedIntoShortReads joins them).
  results[0].checks[0] = {"framing",        Verdict::kFailed,       "R3.1",
                          "lost its place", judge::kCauseShortRead, std::nullopt};
  d = conformance::Diagnose(results, evidence, conformance::Language::kUnknown);
  for (const auto& p : d.problems)
    EXPECT_THAT(p.detail, Not(HasSubstr("cannot reach it in one read")));
}

// A runtime that writes a file of its own is named, with the switch that stops it.
TEST(RootCauseTest, RuntimeFilesGetTheRuntimesSwitch) {
  const auto fix = [](std::vector<std::string> created) {
    Transcript t = CleanMap();
    t.sandbox.created = std::move(created);
    CaseResult r;
    r.id = "1.3.1";
    r.verdict = Verdict::kFailed;
    r.checks = {Find(JudgeCase(Case{}, t), "sandbox")};
    EXPECT_EQ(r.checks[0].verdict, Verdict::kFailed);
    return conformance::Diagnose({r}, {}, conformance::Language::kUnknown).problems.at(0).fix;
  };
  EXPECT_THAT(fix({"/tmp/hsperfdata_root", "/tmp/hsperfdata_root/42"}),
              HasSubstr("-XX:-UsePerfData"));
  EXPECT_THAT(fix({"__pycache__", "__pycache__/helper.cpython-311.pyc"}), HasSubstr("python3 -B"));
  EXPECT_EQ(fix({"/tmp/hsperfdata_root", "out.txt"}),
            "write files nowhere but to stdout/stderr (R1.3)");
}

TEST(ChecksTest, KilledByTheDriverIsNotACrash) {
  Transcript t = CleanMap();
  t.exit = {false, -1, 9};
  t.killed_by_driver = true;
  auto checks = JudgeCase(Case{}, t);
  EXPECT_EQ(Find(checks, "crash").verdict, Verdict::kOk);
  EXPECT_EQ(Find(checks, "exit").verdict, Verdict::kSkipped);
}

TEST(ChecksTest, ContentExactAndMultiset) {
  Case c;
  c.expect.output = std::vector<OwnedPair>{{"a", "1"}, {"b", "2"}};
  Transcript t = CleanMap();
  t.output = {{"b", "2"}, {"a", "1"}};
  EXPECT_EQ(Find(JudgeCase(c, t), "content").verdict, Verdict::kFailed);
  c.expect.multiset = true;
  EXPECT_EQ(Find(JudgeCase(c, t), "content").verdict, Verdict::kOk);
  t.output = {{"a", "1"}};
  EXPECT_THAT(Find(JudgeCase(c, t), "content").detail,
              HasSubstr("(expected 2 pair(s), got 1): 1 missing: (\"b\", \"2\")"));
  Case logs;
  logs.expect.log_patterns = {"^done [0-9]+$"};
  Transcript tl = CleanMap();
  tl.all_log_text = {"start", "done 42"};
  EXPECT_EQ(Find(JudgeCase(logs, tl), "content").verdict, Verdict::kOk);
  tl.all_log_text = {"start"};
  EXPECT_EQ(Find(JudgeCase(logs, tl), "content").verdict, Verdict::kFailed);
  EXPECT_EQ(Find(JudgeCase(Case{}, tl), "content").verdict, Verdict::kSkipped);
}

TEST(ChecksTest, PolicySoftensFailures) {
  Case c;
  c.policy = Policy::kInformational;
  Transcript t = CleanMap();
  t.exit = {true, 1, 0};
  EXPECT_EQ(CaseVerdict(c, JudgeCase(c, t)), Verdict::kInformational);
  c.policy = Policy::kNonStrict;
  EXPECT_EQ(CaseVerdict(c, JudgeCase(c, t)), Verdict::kNonStrict);
}

TEST(ChecksTest, ParamsProbeBlamesOnlyASkipperShapedOutcome) {
  const conformance::Entry* entry = nullptr;
  for (const conformance::Entry& e : conformance::Catalogue())
    if (e.id == "2.1.8") entry = &e;  // the skipper probe
  ASSERT_NE(entry, nullptr);
  Case probe = conformance::Materialise(*entry, Mode::kMap, {});
  ASSERT_TRUE(probe.params_probe);
  Transcript t = CleanMap();
  t.stdin_head = ParamBlockOf(probe);
  for (const auto& [k, v] : probe.input) (void)codec::AppendPair(&t.stdin_head, k, v);
  t.stdin_bytes_queued = t.stdin_head.size();
  t.pairs_queued = t.pairs_total = probe.input.size();
  const PairReading skipper = ReadPairsFrom(t.stdin_head, kSkipperStart);
  EXPECT_EQ(skipper.pairs.size(), probe.input.size() - 1);
  EXPECT_EQ(skipper.first_length(), 0x0A30u);
  t.lists_completed = probe.input.size();
  EXPECT_EQ(Find(JudgeCase(probe, t), "params").verdict, Verdict::kOk);
  t.lists_completed = probe.input.size() - 1;
  auto r = Find(JudgeCase(probe, t), "params");
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.rule, "R2.1");
  t.exit = {false, -1, 11};  // a crash explains the missing list instead
  EXPECT_EQ(Find(JudgeCase(probe, t), "params").verdict, Verdict::kOk);
}

// A reduce's lists prove nothing about what it read (R6.2); what it wrote and said does.
TEST(ChecksTest, ReduceParamsProbeBlamesOutputOrWordsOnlyABlockSkipperHas) {
  const conformance::Entry* entry = nullptr;
  for (const conformance::Entry& e : conformance::Catalogue())
    if (e.id == "2.1.8") entry = &e;
  ASSERT_NE(entry, nullptr);
  ASSERT_EQ(entry->modes, conformance::Modes::kBoth);
  Case probe = conformance::Materialise(*entry, Mode::kReduce, {});
  Transcript t = CleanMap();
  t.mode = Mode::kReduce;
  t.param_block = ParamBlockOf(probe);
  t.param_block_size = t.param_block.size();
  t.stdin_head = t.param_block;
  for (const auto& [k, v] : probe.input) (void)codec::AppendPair(&t.stdin_head, k, v);
  t.stdin_bytes_queued = t.stdin_head.size();
  t.pairs_queued = t.pairs_total = probe.input.size();
  // A conforming echo: its output is the input.
  t.output = probe.input;
  EXPECT_EQ(Find(JudgeCase(probe, t), "params").verdict, Verdict::kOk);
  // A block-skipping echo writes what it reads: a first pair made of framing bytes.
  const PairReading skipper = ReadPairsFrom(t.stdin_head, kSkipperStart);
  ASSERT_EQ(skipper.pairs.size(), probe.input.size() - 1);
  t.output.assign(skipper.pairs.begin(), skipper.pairs.end());
  auto r = Find(JudgeCase(probe, t), "params");
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.rule, "R2.1");
  EXPECT_THAT(r.detail, HasSubstr("output pair 0 holds"));
  EXPECT_THAT(r.detail, HasSubstr("as a key length of 2608"));
  EXPECT_THAT(r.detail, HasSubstr("parameter block before the first pair"));
  // A program that failed naming that length, with no output.
  t.output.clear();
  t.exit = {true, 1, 0};
  t.err_lines = 1;
  t.logs = {LogRecord{codec::LogKind::kErr, "**<ERR> key length 2608: input ended after 9 bytes",
                      0, Millis(1)}};
  r = Find(JudgeCase(probe, t), "params");
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_THAT(r.detail, HasSubstr("failed naming 2608"));
  auto checks = JudgeCase(probe, t);
  ASSERT_TRUE(Find(checks, "err").caused_by.has_value()) << "a consequence of the misread block";
  EXPECT_EQ(Find(checks, "err").caused_by->check, "params");
  // The same words from a program that did not fail, or a longer number, are no evidence.
  t.logs[0].raw = "**<ERR> read 26080 bytes";
  EXPECT_EQ(Find(JudgeCase(probe, t), "params").verdict, Verdict::kOk);
  t.logs[0].raw = "**<MSG> key length 2608";
  t.exit = {true, 0, 0};
  t.err_lines = 0;
  EXPECT_EQ(Find(JudgeCase(probe, t), "params").verdict, Verdict::kOk);
}

// A framing failure after a reply wait expired says what the wait saw: no byte for a whole wait.
TEST(ChecksTest, ListCutShortAtAStallNamesTheWaitAndWhatFollowed) {
  Transcript t = CleanMap();
  t.stalled_pair = 0;
  t.expired = {{harness::ExpiredWait::Kind::kReply, 0, std::chrono::milliseconds(10000)}};
  t.lists = {ListRecord{0, 0, 2, Millis(1), Millis(10020), 1, false}};
  t.stdin_closed_at = Millis(10010);
  Case c;
  auto r = Find(JudgeCase(c, t), "framing");
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_THAT(r.detail, HasSubstr("no byte within the wait for reply to pair 0 (10000 ms)"));
  EXPECT_THAT(r.detail, HasSubstr("the rest came 10 ms after stdin was closed"));
  t.lists[0].complete_at.reset();
  EXPECT_THAT(Find(JudgeCase(c, t), "framing").detail, HasSubstr("it never completed"));
}

// The whole-conversation deadline while a list is still arriving: hang names it, framing is OK.
TEST(ChecksTest, OverallDeadlineMidListIsHangNamingTheListStillArriving) {
  Transcript t = CleanMap();
  t.lists_started = 1;
  t.lists_completed = 0;
  t.lists = {ListRecord{0, 0, 1, Millis(1), std::nullopt, 1, false}};
  t.stdout_bytes = 5000;
  t.killed_by_driver = true;
  t.exit = {false, -1, 9};
  t.expired = {{harness::ExpiredWait::Kind::kWholeConversation, 0,
                std::chrono::milliseconds(60000)}};
  Case c;
  auto checks = JudgeCase(c, t);
  auto hang = Find(checks, "hang");
  EXPECT_EQ(hang.verdict, Verdict::kFailed);
  EXPECT_EQ(hang.rule, "R8.2");
  EXPECT_THAT(hang.detail, HasSubstr("waiting for the whole conversation (60000 ms)"));
  EXPECT_THAT(hang.detail, HasSubstr("result list 0 was still arriving (5000 bytes of it so far)"));
  EXPECT_EQ(Find(checks, "framing").verdict, Verdict::kOk);
}

TEST(ScriptTest, ParsesTheDocumentedFormat) {
  auto cases = ParseScript(R"({"cases":[{"id":"my.1","title":"t","mode":"map",
      "params":{"a":"b"},"input":[{"key":"k","value":{"base64":"AP8="}},"plain line"],
      "delivery":"pipeline","policy":"non-strict",
      "expect":{"output":[{"key":"k","value":"v"}],"order":"multiset","logs":["x"],"exit":0}},
      {"id":"my.2","mode":"reduce","params":{"raw":"as is"}}]})",
                           "s.json");
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_EQ(cases->size(), 2u);
  const Case& a = (*cases)[0];
  EXPECT_EQ(a.input[0].second, std::string("\0\xff", 2));
  EXPECT_EQ(a.input[1], (OwnedPair{"", "plain line"}));
  EXPECT_EQ(a.delivery, Delivery::kPipeline);
  EXPECT_EQ(a.policy, Policy::kNonStrict);
  EXPECT_TRUE(a.expect.multiset);
  EXPECT_EQ(ParamBlockOf(a), "8\n1 a 1 b\n");
  EXPECT_EQ(ParamBlockOf((*cases)[1]), "5\nas is");
}

TEST(ScriptTest, ErrorsNameFileCaseAndField) {
  struct Row {
    const char* json;
    const char* message;
  };
  const Row rows[] = {
      {"{\"cases\": [", "s.json:1:12: malformed JSON"},
      {"[]", "s.json: top level"},
      {R"({"cases":[{"mode":"map"}]})", "cases[0].id"},
      {R"({"cases":[{"id":"x","mode":"both"}]})", "cases[0] (id \"x\").mode"},
      {R"({"cases":[{"id":"x","mode":"map","input":[{"key":"k"}]}]})", "input[0]: missing \"value\""},
      {R"({"cases":[{"id":"x","mode":"map","input":[{"key":1,"value":"v"}]}]})", "input[0].key"},
      {R"({"cases":[{"id":"x","mode":"map"},{"id":"x","mode":"map"}]})", "duplicate id"},
      {R"({"cases":[{"id":"x","mode":"map","expect":{"order":"sorted"}}]})", "expect.order"},
  };
  for (const Row& row : rows) {
    auto r = ParseScript(row.json, "s.json");
    ASSERT_FALSE(r.ok()) << row.json;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(row.message)) << row.json;
  }
}

// Issue 11 §5: a misspelt key would make a case pass vacuously; it is an error naming the path.
TEST(ScriptTest, UnknownFieldsAreRejectedWithASuggestion) {
  struct Row {
    const char* json;
    const char* message;
  };
  const Row rows[] = {
      {R"({"cases":[{"id":"x","mode":"map","expected":{"exit":0}}]})",
       "s.json: cases[0].expected: unknown field; did you mean \"expect\"?"},
      {R"({"cases":[{"id":"x","mode":"map","expect":{"outputs":[]}}]})",
       "cases[0] (id \"x\").expect.outputs: unknown field; did you mean \"output\"?"},
      {R"({"cases":[{"id":"x","mode":"map","input":[{"key":"k","value":"v","vlaue":"w"}]}]})",
       "input[0].vlaue: unknown field; did you mean \"value\"?"},
      {R"({"case":[], "cases":[{"id":"x","mode":"map"}]})",
       "top level.case: unknown field; did you mean \"cases\"?"},
      {R"({"cases":[{"id":"x","mode":"map","zzzzzzzzzz":1}]})",
       "cases[0].zzzzzzzzzz: unknown field; expected one of id, title, mode"},
  };
  for (const Row& row : rows) {
    auto r = ParseScript(row.json, "s.json");
    ASSERT_FALSE(r.ok()) << row.json;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(row.message)) << row.json;
  }
}

TEST(ScriptTest, ParamsFileMergesIntoDictionaryCases) {
  auto extra = ParseParamsFile(R"({"mine":"1","test1":"over"})", "p.json");
  ASSERT_TRUE(extra.ok());
  std::vector<Case> cases;
  for (const conformance::Entry& e : conformance::Catalogue())
    if (e.id.starts_with("2.1."))  // dictionaries and the probe (fixed)
      for (Mode m : conformance::ModesOf(e)) cases.push_back(conformance::Materialise(e, m, {}));
  MergeParams(*extra, &cases);
  for (const auto& c : cases) {
    if (c.fixed_params) {
      EXPECT_EQ(ParamBlockOf(c), "0\n") << c.id;
      continue;
    }
    EXPECT_NE(ParamBlockOf(c).find("4 mine 1 1\n"), std::string::npos) << c.id;
  }
}

CaseResult SampleResult(std::string id, std::string title, Mode mode, Verdict verdict,
                        double duration_ms) {
  CaseResult r;
  r.id = std::move(id);
  r.title = std::move(title);
  r.mode = mode;
  r.rules = {mode == Mode::kMap ? "R5.1" : "R6.1"};
  r.verdict = verdict;
  r.duration_ms = duration_ms;
  return r;
}

// OK, FAILED (with bytes that need escaping), and flaky: FAILED first, passed on the retry.
std::vector<CaseResult> SampleResults() {
  CaseResult ok = SampleResult("core.map.1", "fine", Mode::kMap, Verdict::kOk, 12.4);
  ok.checks.push_back({"exit", Verdict::kOk, "", ""});
  CaseResult bad =
      SampleResult("core.reduce.1", "bad <&> \"q\"", Mode::kReduce, Verdict::kFailed, 3);
  bad.checks.push_back(
      {"log", Verdict::kFailed, "R7.1", std::string("line \x01\x02 <b> & \xff\xfe end", 20)});
  CaseResult flaky = SampleResult("6.1.1", "one pair", Mode::kReduce, Verdict::kInformational, 20);
  flaky.flaky = true;
  flaky.checks.push_back({"exit", Verdict::kFailed, "R8.1", "expected exit status 0, got 3"});
  flaky.checks.push_back({"crash", Verdict::kOk, "R8.1", ""});
  return {ok, bad, flaky};
}

TEST(ReportTest, JsonHasTheDocumentedShape) {
  auto j = nlohmann::json::parse(RenderJson({"0.1.0", "/p", "namespaces", ""}, SampleResults()));
  EXPECT_EQ(j["tool"], "dxt");
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["program"], "/p");
  EXPECT_EQ(j["isolation"], "namespaces");
  for (const char* k : {"OK", "NON-STRICT", "INFORMATIONAL", "FAILED", "SKIPPED"})
    EXPECT_TRUE(j["summary"].contains(k)) << k;
  EXPECT_EQ(j["summary"]["OK"], 1);
  EXPECT_EQ(j["summary"]["FAILED"], 1);
  EXPECT_EQ(j["summary"]["INFORMATIONAL"], 1);
  EXPECT_EQ(j["summary"]["flaky"], 1);
  const auto& c = j["cases"][1];
  for (const char* k :
       {"id", "mode", "title", "rules", "verdict", "flaky", "checks", "duration_ms"})
    EXPECT_TRUE(c.contains(k)) << k;
  EXPECT_EQ(j["cases"][0]["flaky"], false);
  EXPECT_EQ(c["flaky"], false);
  const auto& flaky = j["cases"][2];
  EXPECT_EQ(flaky["flaky"], true);
  EXPECT_EQ(flaky["verdict"], "INFORMATIONAL");
  EXPECT_EQ(flaky["title"], "one pair");               // the title is not used as a marker
  EXPECT_EQ(flaky["checks"][0]["verdict"], "FAILED");  // the first run's checks
  EXPECT_EQ(c["mode"], "reduce");
  EXPECT_EQ(c["checks"][0]["check"], "log");
  EXPECT_EQ(c["checks"][0]["rule"], "R7.1");
  EXPECT_EQ(c["checks"][0]["verdict"], "FAILED");
}

TEST(ReportTest, JUnitIsWellFormedWhateverTheBytes) {
  std::string x = RenderJUnit({"0.1.0", "/p", "process-group", ""}, SampleResults());
  EXPECT_THAT(x, HasSubstr("<testsuites"));
  EXPECT_THAT(x, HasSubstr("<failure message=\"log (R7.1)\""));
  EXPECT_THAT(x, HasSubstr("bad &lt;&amp;&gt; &quot;q&quot;"));
  EXPECT_THAT(x, HasSubstr("\\x01\\x02"));
  EXPECT_THAT(x, HasSubstr("\\xff\\xfe"));
  // The flaky case passes (no <failure>, no <skipped>) but says FLAKY, with the first run's check.
  size_t flaky = x.find("name=\"6.1.1 one pair\"");
  ASSERT_NE(flaky, std::string::npos);
  std::string flaky_case = x.substr(flaky, x.find("</testcase>", flaky) - flaky);
  EXPECT_THAT(flaky_case, Not(HasSubstr("<failure")));
  EXPECT_THAT(flaky_case, Not(HasSubstr("<skipped")));
  EXPECT_THAT(flaky_case, HasSubstr("<system-out>FLAKY: FAILED, then passed on retry"));
  EXPECT_THAT(flaky_case, HasSubstr("first run: FAILED exit (R8.1): expected exit status 0"));
  EXPECT_THAT(x, HasSubstr("tests=\"3\" failures=\"1\""));
  for (char ch : x) {
    unsigned char c = static_cast<unsigned char>(ch);
    EXPECT_TRUE(c >= 0x20 || c == '\n') << "raw control byte " << int(c);
    EXPECT_LT(c, 0x80) << "raw high byte";
  }
  // xmllint, when present, must accept it.
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    std::string path = "/tmp/dxt-junit-test-" + std::to_string(::getpid()) + ".xml";
    std::ofstream(path) << x;
    EXPECT_EQ(std::system(("xmllint --noout " + path).c_str()), 0);
    std::remove(path.c_str());
  }
}

TEST(ReportTest, TextMarksFlakyCasesAndCountsThem) {
  auto cases = SampleResults();
  std::string line = RenderCaseLine(cases[2], false);
  EXPECT_THAT(line, ::testing::StartsWith("INFORMATIONAL FLAKY 6.1.1 [reduce] one pair (20 ms)\n"));
  EXPECT_THAT(line, HasSubstr("exit (R8.1): expected exit status 0, got 3"));
  EXPECT_THAT(RenderCaseLine(cases[0], false), Not(HasSubstr("FLAKY")));
  EXPECT_THAT(RenderSummary(cases, false),
              HasSubstr("3 case(s): 1 OK, 0 NON-STRICT, 1 INFORMATIONAL (1 FLAKY), 1 FAILED, "
                        "0 SKIPPED\n"));
  cases.pop_back();
  EXPECT_THAT(RenderSummary(cases, false),
              HasSubstr("2 case(s): 1 OK, 0 NON-STRICT, 0 INFORMATIONAL, 1 FAILED, 0 SKIPPED\n"));
}

TEST(ItemSizeTest, ParsesByteCountsAndBinarySuffixes) {
  struct Row {
    const char* text;
    uint64_t bytes;
  };
  const Row rows[] = {
      {"1", 1},
      {"1048576", uint64_t{1} << 20},
      {"1K", 1024},
      {"64k", 64 << 10},
      {"1M", uint64_t{1} << 20},
      {"64M", uint64_t{64} << 20},
      {"2MiB", uint64_t{2} << 20},
      {"1G", uint64_t{1} << 30},
      {"3g", uint64_t{3} << 30},
      {"4194303K", uint64_t{4194303} << 10},
      {"4294967295", 4294967295u},  // 4 GiB - 1, the largest a u32 length can say
      {"007", 7},
  };
  for (const Row& row : rows) {
    auto n = ParseItemSize(row.text);
    ASSERT_TRUE(n.ok()) << row.text << ": " << n.status();
    EXPECT_EQ(*n, row.bytes) << row.text;
  }
}

TEST(ItemSizeTest, RejectsZeroGarbageAndSizesAbove4GiBMinus1) {
  struct Row {
    const char* text;
    const char* message;
  };
  const Row rows[] = {
      {"", "expected a byte count"},
      {"0", "at least 1 byte"},
      {"0K", "at least 1 byte"},
      {"4294967296", "above 4 GiB - 1"},
      {"4G", "above 4 GiB - 1"},
      {"4194304K", "above 4 GiB - 1"},
      {"4096M", "above 4 GiB - 1"},
      {"99999999999999999999999999", "above 4 GiB - 1"},  // would wrap a uint64_t
      {"M", "expected a byte count"},
      {"-1", "expected a byte count"},
      {"+1", "expected a byte count"},
      {"1.5M", "expected a byte count"},
      {" 1M", "expected a byte count"},
      {"1M ", "expected a byte count"},
      {"1T", "expected a byte count"},
      {"1MB", "expected a byte count"},
      {"1KK", "expected a byte count"},
      {"0x10", "expected a byte count"},
      {"abc", "expected a byte count"},
  };
  for (const Row& row : rows) {
    auto n = ParseItemSize(row.text);
    ASSERT_FALSE(n.ok()) << "'" << row.text << "' accepted as " << *n;
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument) << row.text;
    std::string message(n.status().message());
    EXPECT_THAT(message, HasSubstr(std::string("'") + row.text + "'"));
    EXPECT_THAT(message, HasSubstr(row.message)) << row.text;
  }
}

TEST(ItemSizeTest, DriverOptionsFollowTheLimitAndStreamLists) {
  // Lists are handed on in parts of kCheckListPartBytes whatever the item limit (a larger pair goes
  // on alone, uncopied); the content check streams, the transcript keeps only the params check's
  // sample, in a params probe.
  RunOptions options;
  DriverOptions d = CheckDriverOptions(Case{}, options);
  EXPECT_EQ(d.limits.max_item_size, uint64_t{64} << 20);
  EXPECT_EQ(d.max_list_bytes, kCheckListPartBytes);
  EXPECT_EQ(d.keep_output_pairs, 0u);
  Case probe;
  probe.params_probe = true;
  EXPECT_EQ(CheckDriverOptions(probe, options).keep_output_pairs, 100000u);
  options.max_item_size = 1 << 20;
  EXPECT_EQ(CheckDriverOptions(Case{}, options).limits.max_item_size, uint64_t{1} << 20);
  options.max_item_size = kMaxCheckMaxItemSize;
  d = CheckDriverOptions(Case{}, options);
  EXPECT_EQ(d.limits.max_item_size, kMaxCheckMaxItemSize);
  EXPECT_EQ(d.max_list_bytes, kCheckListPartBytes);
}

int Dxt(const std::string& args) {
  std::string cmd = std::string(DXT_BINARY_DIR) + "/tools/dxt check " + args + " >/dev/null 2>&1";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CliTest, UsageAndHarnessErrorsExitTwo) {
  EXPECT_EQ(Dxt("/nonexistent/program"), 2);
  EXPECT_EQ(Dxt("/etc/hostname"), 2);  // not executable
  std::string bad = "/tmp/dxt-bad-script-" + std::to_string(::getpid()) + ".json";
  std::ofstream(bad) << "{\"cases\": [ {\"id\": 1} ]}";
  EXPECT_EQ(Dxt("--script " + bad + " /bin/true"), 2);
  EXPECT_EQ(Dxt("--mode sideways /bin/true"), 2);
  EXPECT_EQ(Dxt("--timeout 0 /bin/true"), 2);
  for (const char* size : {"0", "abc", "4G", "4294967296", "-5", "1.5M"})
    EXPECT_EQ(Dxt(std::string("--max-item-size ") + size + " /bin/true"), 2) << size;
  std::remove(bad.c_str());
}

TEST(CliTest, ProgramThatIgnoresTheProtocolFails) {
  // /bin/true reads nothing and exits at once: consumption and missing lists must fail it.
  EXPECT_EQ(Dxt("--timeout 1 --mode reduce /bin/true"), 1);
}

}  // namespace
}  // namespace dxt::judge

// Reports of an unhandled error as the runtimes print them (captured from python3 3.11, node 18,
// perl 5.36, g++ 12's libstdc++, glibc 2.36, clang 14's AddressSanitizer; Java, Go and Rust as
// their documentation shows them): the error, where it was raised, paths cut to file names.
TEST(CrashReportTest, FindsEachRuntimesReport) {
  struct Sample {
    const char* runtime;
    std::vector<std::string> lines;
    const char* error;
    const char* location;
  };
  const Sample samples[] = {
      {"Python",
       {"**<MSG> starting", "Traceback (most recent call last):",
        "  File \"/tmp/dxt-tmp-1/case-2/work/prog.py\", line 31, in <module>", "    main()",
        "  File \"/tmp/dxt-tmp-1/case-2/work/prog.py\", line 20, in main",
        "    params[f[1]] = f[3]", "                   ~^^^",
        "IndexError: list index out of range"},
       "IndexError: list index out of range",
       "prog.py line 20, in main"},
      {"JavaScript",
       {"/work/t.js:2",
        "function parse(b) { throw new RangeError('value too long: ' + b.length); }",
        "                    ^", "", "RangeError: value too long: 6",
        "    at parse (/work/t.js:2:45)", "    at Object.<anonymous> (/work/t.js:3:1)",
        "    at Module._compile (node:internal/modules/cjs/loader:1521:14)", "",
        "Node.js v18.19.0"},
       "RangeError: value too long: 6",
       "t.js line 2, in parse"},
      {"Java",
       {"Exception in thread \"main\" java.lang.NumberFormatException: For input string: \"x\"",
        "\tat "
        "java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)",
        "\tat java.base/java.lang.Integer.parseInt(Integer.java:668)",
        "\tat Reducer.main(Reducer.java:14)"},
       "java.lang.NumberFormatException: For input string: \"x\"",
       "Reducer.java line 14, in Reducer.main"},
      {"Perl",
       {"key of 1048576 bytes is too long at /tmp/w/prog.pl line 37, <STDIN> line 1."},
       "key of 1048576 bytes is too long",
       "prog.pl line 37"},
      {"Ruby",
       {"/tmp/w/map.rb:12:in `block in <main>': undefined method `x' (NoMethodError)"},
       "undefined method `x' (NoMethodError)",
       "map.rb line 12, in block in <main>"},
      {"Go",
       {"panic: runtime error: index out of range [3] with length 1", "",
        "goroutine 1 [running]:", "main.parse(...)", "\t/home/u/mapper/main.go:17", "main.main()",
        "\t/home/u/mapper/main.go:30 +0x1d", "exit status 2"},
       "panic: runtime error: index out of range [3] with length 1",
       "main.go line 17, in main.parse(...)"},
      {"Rust",
       {"thread 'main' panicked at src/main.rs:5:9:", "attempt to subtract with overflow",
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"},
       "panicked: attempt to subtract with overflow",
       "main.rs line 5"},
      {"C++",
       {"terminate called after throwing an instance of 'std::out_of_range'",
        "  what():  vector::_M_range_check: __n (which is 3) >= this->size() (which is 0)"},
       "uncaught exception 'std::out_of_range': vector::_M_range_check: __n (which is 3) >= "
       "this->size() (which is 0)",
       ""},
      {"C",
       {"ac: a.c:2: main: Assertion `c > 3' failed."},
       "assertion failed: c > 3",
       "a.c line 2, in main"},
      {"AddressSanitizer",
       {"=================================================================",
        "==28949==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x7ffe054f2418 at pc "
        "0x5625aaa59fb0 bp 0x7ffe054f23d0 sp 0x7ffe054f23c8",
        "READ of size 4 at 0x7ffe054f2418 thread T0",
        "    #0 0x5625aaa59faf in main /work/scratch/cr/s.c:1:43",
        "    #1 0x7eff0080c249 in __libc_start_call_main "
        "csu/../sysdeps/nptl/libc_start_call_main.h:58:16"},
       "stack-buffer-overflow on address 0x7ffe054f2418 at pc 0x5625aaa59fb0 bp 0x7ffe054f23d0 sp "
       "0x7ffe054f23c8",
       "s.c line 1, in main"},
      {"glibc",
       {"free(): double free detected in tcache 2"},
       "free(): double free detected in tcache 2",
       ""},
  };
  for (const Sample& s : samples) {
    SCOPED_TRACE(s.runtime);
    const auto r = dxt::judge::FindCrashReport(s.lines);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->runtime, s.runtime);
    EXPECT_EQ(r->error, s.error);
    EXPECT_EQ(r->location, s.location);
  }
  // Python's source line is quoted; carets are not a source line.
  EXPECT_THAT(dxt::judge::DescribeCrashReport(*dxt::judge::FindCrashReport(samples[0].lines)),
              ::testing::EndsWith("(Python, at prog.py line 20, in main: `params[f[1]] = f[3]`)"));
}

// Lines that are not a report of an unhandled error: log lines, a program's own messages, a
// shell's complaint (a script goes on after it), Python's warnings.
TEST(CrashReportTest, OrdinaryStderrIsNoReport) {
  const std::vector<std::vector<std::string>> quiet = {
      {},
      {"debug: read 3 pairs", "Got key k val v"},
      {"/tmp/w/exec_fails.sh: 6: exec: /tmp/w/not-installed-mapper: not found"},
      {"/tmp/w/run.sh: line 3: cd: /nope: No such file or directory"},
      {"/tmp/w/prog.py:7: DeprecationWarning: the imp module is deprecated"},
      {"Error: the input ended early"},  // no frames follow: the program's own words
  };
  for (const auto& lines : quiet)
    EXPECT_FALSE(dxt::judge::FindCrashReport(lines).has_value()) << lines.size();
}
