// Proof that `dxt check` judges external programs right (issue 3 §6): every broken subject in
// tests/programs/ must be FAILED by the right R10 check, every good one must pass with zero FAILED.
//
// Each subject runs the real `dxt` executable as a user would:
//   dxt check --suite core --mode M --report-json OUT --timeout S [--script FILE] PROGRAM
// and the test reads the JSON report (contract in issue 3 §5):
//   {"summary":{"FAILED":n,...},"cases":[{"id","verdict","checks":[{"check","verdict","rule",
//   "detail"}]}]}
// Exit codes: 0 = no FAILED, 1 = at least one FAILED, 2 = usage or harness error.
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kPrograms[] = DXT_BINARY_DIR "/tests/programs/";
constexpr char kScripts[] = DXT_SOURCE_DIR "/tests/programs/scripts/";
constexpr char kReferenceEcho[] = DXT_BINARY_DIR "/reference/programs/echo";

// A script generated at run time instead of read from tests/programs/scripts/: a reduce case whose
// input (64 pairs of 64 KiB, 4 MiB in all) is far larger than a pipe buffer, expecting an echo.
constexpr char kBigReduceScript[] = "@big_reduce";

// How long one `dxt check` run may take before the test calls it hung.
constexpr int kRunLimitSeconds = 90;

struct Subject {
  const char* name;            // gtest name: program_mode[_variant]
  const char* program;         // file under tests/programs/ in the build tree, or an absolute path
  const char* mode;            // --mode
  int timeout_seconds;         // --timeout
  const char* script;          // "" = built-in cases; a file in scripts/; or kBigReduceScript
  const char* expected_check;  // "" = good program (zero FAILED); else the check that must FAIL
  const char* extra = "";      // more options, e.g. "--cases 2.1.8"
};

// Cases are data. Timeouts: 2 s for programs that stall or hang (keeps the suite short), 5 s where
// a slow but correct program must not be cut off.
const Subject kSubjects[] = {
    // Broken programs: each must be FAILED by `expected_check`.
    {"no_flush_map", "no_flush", "map", 2, "", "flushing"},
    {"flush_every_other_map", "flush_every_other", "map", 2, "", "flushing"},
    {"reads_two_before_answer_map", "reads_two_before_answer", "map", 2, "", "flushing"},
    {"reduce_exits_early_reduce", "reduce_exits_early", "reduce", 2, "", "consumption"},
    {"reduce_exits_early_reduce_big_input", "reduce_exits_early", "reduce", 2, kBigReduceScript,
     "consumption"},
    {"map_exits_early_map", "map_exits_early", "map", 2, "", "consumption"},
    {"count_lies_map", "count_lies", "map", 2, "", "framing"},
    {"count_lies_reduce", "count_lies", "reduce", 2, "", "framing"},
    {"truncated_pair_map", "truncated_pair", "map", 2, "", "framing"},
    {"truncated_pair_reduce", "truncated_pair", "reduce", 2, "", "framing"},
    {"huge_claim_map", "huge_claim", "map", 2, "", "limits"},
    {"huge_claim_reduce", "huge_claim", "reduce", 2, "", "limits"},
    {"text_on_stdout_map", "text_on_stdout", "map", 2, "", "framing"},
    {"text_on_stdout_reduce", "text_on_stdout", "reduce", 2, "", "framing"},
    {"bad_log_prefix_map", "bad_log_prefix", "map", 2, "", "log"},
    {"doc_echo_map", "doc_echo", "map", 2, "", "log"},
    {"log_no_newline_reduce", "log_no_newline", "reduce", 2, "", "log"},
    {"err_exit0_map", "err_exit0", "map", 2, "", "err"},
    {"exit3_reduce", "exit3", "reduce", 2, "", "exit"},
    {"segfault_map", "segfault", "map", 2, "", "crash"},
    {"segfault_reduce", "segfault", "reduce", 2, "", "crash"},
    {"never_exits_map", "never_exits", "map", 2, "", "hang"},
    {"never_exits_reduce", "never_exits", "reduce", 2, "", "hang"},
    {"child_holds_stdout_map", "child_holds_stdout", "map", 2, "", "hang"},
    {"child_holds_stdout_reduce", "child_holds_stdout", "reduce", 2, "", "hang"},
    {"two_lists_map", "two_lists", "map", 2, "", "map-protocol"},
    {"list_before_input_map", "list_before_input", "map", 2, "", "map-protocol"},
    {"writes_file_map", "writes_file", "map", 2, "", "sandbox"},
    {"ignores_params_map", "ignores_params", "map", 2, "", "params"},
    // A reduce's lists prove nothing: its output shows the pair a block-skipper reads (2.1.8; its
    // other cases make it allocate the 889 MB key it misreads, so only the probe runs).
    {"ignores_params_reduce", "ignores_params", "reduce", 2, "", "params", "--cases 2.1.8"},
    {"ignores_params_err_map", "ignores_params_err", "map", 2, "", "params"},
    {"ignores_params_err_reduce", "ignores_params_err", "reduce", 2, "", "params"},
    {"wrong_content_map", "wrong_content", "map", 2, "echo_map.json", "content"},
    {"wrong_content_reduce", "wrong_content", "reduce", 2, "echo_reduce.json", "content"},
    // Good programs: zero FAILED. The echo scripts also run on good echoes, so the content
    // expectation that fails wrong_content is shown to pass a correct program.
    {"reference_echo_map", kReferenceEcho, "map", 5, "", ""},
    {"reference_echo_reduce", kReferenceEcho, "reduce", 5, "", ""},
    {"good_echo_map", "good_echo", "map", 5, "", ""},
    {"good_echo_reduce", "good_echo", "reduce", 5, "", ""},
    {"good_echo_map_script", "good_echo", "map", 5, "echo_map.json", ""},
    {"good_echo_reduce_script", "good_echo", "reduce", 5, "echo_reduce.json", ""},
    {"good_python_map", "good_python.py", "map", 5, "", ""},
    {"good_python_reduce", "good_python.py", "reduce", 5, "", ""},
    {"good_python_map_script", "good_python.py", "map", 5, "echo_map.json", ""},
    {"reduce_writes_early_reduce", "reduce_writes_early", "reduce", 5, "", ""},
    {"reduce_writes_early_reduce_big_input", "reduce_writes_early", "reduce", 5, kBigReduceScript,
     ""},
    {"big_list_map_map", "big_list_map", "map", 5, "", ""},
    {"big_list_map_reduce", "big_list_map", "reduce", 5, "", ""},
    {"slow_start_map", "slow_start", "map", 5, "", ""},
    {"slow_start_reduce", "slow_start", "reduce", 5, "", ""},
};

// Names the subject in gtest messages instead of dumping its bytes.
void PrintTo(const Subject& s, std::ostream* os) { *os << s.name; }

std::string ProgramPath(const Subject& s) {
  std::string program = s.program;
  return program.starts_with('/') ? program : kPrograms + program;
}

using dxt::testing::kDxt;
using dxt::testing::ShellQuote;

// Writes the kBigReduceScript case file into `dir` and returns its path.
std::string WriteBigReduceScript(const fs::path& dir) {
  json pairs = json::array();
  for (int i = 0; i < 64; ++i) {
    std::string value(64 * 1024, static_cast<char>('a' + i % 26));
    pairs.push_back({{"key", "key" + std::to_string(i)}, {"value", value}});
  }
  json script = {{"cases",
                  {{{"id", "subjects.big_reduce.1"},
                    {"title", "reduce echo of 4 MiB: 64 pairs of 64 KiB"},
                    {"mode", "reduce"},
                    {"params", json::object()},
                    {"input", pairs},
                    {"expect", {{"output", pairs}, {"order", "exact"}}}}}}};
  fs::path path = dir / "big_reduce.json";
  std::ofstream(path) << script.dump();
  return path.string();
}

// Every FAILED check of a report, one per line, for failure messages.
std::string FailedChecks(const json& report) {
  std::string out;
  for (const json& c : report.value("cases", json::array())) {
    for (const json& check : c.value("checks", json::array())) {
      if (check.value("verdict", "") != "FAILED") continue;
      out += "  case " + c.value("id", "?") + ": " + check.value("check", "?") + " (" +
             check.value("rule", "?") + ") " + check.value("detail", "") + "\n";
    }
  }
  return out.empty() ? "  (no FAILED check)\n" : out;
}

class CheckSubjectTest : public dxt::testing::CliTest<testing::TestWithParam<Subject>> {
 protected:
  // Runs dxt check on the subject; fills exit_code_, output_ (stdout+stderr) and report_.
  void RunCheck(const Subject& s) {
    std::string args = "--suite core --mode " + std::string(s.mode) + " --timeout " +
                       std::to_string(s.timeout_seconds) + " " + s.extra;
    std::string script = s.script;
    if (script == kBigReduceScript) {
      args += " --script " + ShellQuote(WriteBigReduceScript(dir_));
    } else if (!script.empty()) {
      args += " --script " + ShellQuote(kScripts + script);
    }
    args += " " + ShellQuote(ProgramPath(s));
    dxt::testing::DxtRun r =
        Check(args, {.limit_seconds = kRunLimitSeconds, .merge_stderr = true});
    exit_code_ = r.exit_code;
    output_ = r.out;
    ASSERT_NE(exit_code_, -1) << "dxt check was killed: " << args << "\n" << output_;
    ASSERT_NE(exit_code_, 124) << "dxt check did not finish within " << kRunLimitSeconds
                               << " s: " << args << "\n"
                               << output_;
    ASSERT_FALSE(r.report.is_null()) << "no JSON report; exit " << exit_code_ << "\n"
                                     << args << "\n"
                                     << output_;
    report_ = r.report;
    ASSERT_FALSE(report_.is_discarded()) << "report is not JSON:\n" << output_;
    ASSERT_TRUE(report_.contains("summary") && report_.contains("cases")) << report_.dump(2);
  }

  int exit_code_ = -1;
  std::string output_;
  json report_;
};

TEST_P(CheckSubjectTest, JudgedRight) {
  const Subject& s = GetParam();
  ASSERT_TRUE(fs::exists(kDxt)) << "dxt is not built: " << kDxt;
  if (s.program[0] == '/' && !fs::exists(ProgramPath(s))) {
    GTEST_SKIP() << "program from another target is not built: " << ProgramPath(s);
  }
  ASSERT_TRUE(fs::exists(ProgramPath(s))) << "subject not built: " << ProgramPath(s);
  ASSERT_NO_FATAL_FAILURE(RunCheck(s));
  std::string expected = s.expected_check;

  if (expected.empty()) {
    EXPECT_EQ(report_["summary"].value("FAILED", -1), 0) << FailedChecks(report_) << output_;
    EXPECT_EQ(exit_code_, 0) << output_;
    EXPECT_FALSE(report_["cases"].empty()) << "no case ran";
    return;
  }

  EXPECT_EQ(exit_code_, 1) << "expected 1 (at least one FAILED)\n" << output_;
  EXPECT_GE(report_["summary"].value("FAILED", 0), 1);
  bool found = false;
  for (const json& c : report_["cases"]) {
    for (const json& check : c.value("checks", json::array())) {
      if (check.value("check", "") != expected || check.value("verdict", "") != "FAILED") continue;
      found = true;
      EXPECT_FALSE(check.value("detail", "").empty()) << "case " << c.value("id", "?");
      EXPECT_FALSE(check.value("rule", "").empty()) << "case " << c.value("id", "?");
      EXPECT_EQ(c.value("verdict", ""), "FAILED") << "case " << c.value("id", "?");
    }
  }
  EXPECT_TRUE(found) << "expected check `" << expected << "` FAILED; the report has:\n"
                     << FailedChecks(report_);
}

INSTANTIATE_TEST_SUITE_P(Subjects, CheckSubjectTest, testing::ValuesIn(kSubjects),
                         [](const testing::TestParamInfo<Subject>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
