// `dxt fuzz` end to end, through the real executable (issue 12 §3): it finds each input-dependent
// defect of the fuzz_* subjects (tests/programs/README.md) within a bounded budget, the shrunk
// case has at most three pairs and `dxt check --script` replays it (exit 1, same check FAILED);
// two runs with one seed find the same failures; conforming programs give no finding.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

using dxt::testing::kDxt;
using dxt::testing::ReadFile;
using dxt::testing::RunOnPty;
using dxt::testing::ShellQuote;

const fs::path kSubjects = fs::path(DXT_BINARY_DIR) / "tests" / "programs";
const fs::path kReference = fs::path(DXT_BINARY_DIR) / "reference" / "programs";

using Outcome = dxt::testing::DxtRun;

class FuzzCliTest : public dxt::testing::CliTest<> {
 protected:
  void SetUp() override {
    if (!fs::exists(kDxt)) GTEST_SKIP() << "dxt is not built: " << kDxt;
    CliTest::SetUp();
  }

  // `dxt ARGS`, given longer than the default: a fuzz run searches for a while.
  Outcome Dxt(const std::string& args) { return CliTest::Dxt(args, {.limit_seconds = 240}); }

  Outcome Fuzz(const fs::path& program, const std::string& options, const fs::path& out) {
    return Dxt("fuzz --seed 1 --out " + ShellQuote(out) + " " + options + " " +
               ShellQuote(program));
  }

  static std::vector<fs::path> CaseFiles(const fs::path& out) {
    std::vector<fs::path> files;
    if (!fs::exists(out)) return files;
    for (const auto& e : fs::directory_iterator(out))
      if (e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
  }

  // `dxt check --script FILE PROGRAM`: exit code and the FAILED checks of its one case.
  std::pair<int, std::set<std::string>> Replay(const fs::path& file, const fs::path& program) {
    Outcome r = Check("--script " + ShellQuote(file) + " " + ShellQuote(program),
                      {.limit_seconds = 240});
    std::set<std::string> failed;
    if (r.report.is_object())
      for (const auto& c : r.report["cases"])
        for (const auto& check : c["checks"])
          if (check["verdict"] == "FAILED")
            failed.insert(check["check"].get<std::string>() + "-" +
                          check["rule"].get<std::string>());
    return {r.exit_code, failed};
  }

};

// The "(X s;" of the FAILED line of the finding `kind` ("<check>-<rule>"); 1e9 without one.
double SecondsToFind(const std::string& out, const std::string& kind) {
  const size_t dash = kind.find('-');
  const std::string head =
      "FAILED " + kind.substr(0, dash) + " (" + kind.substr(dash + 1) + ") [";
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(head, 0) != 0) continue;
    const size_t at = line.find(" (", head.size());
    if (at != std::string::npos) return std::atof(line.c_str() + at + 2);
  }
  return 1e9;
}

struct Subject {
  const char* program;
  const char* options;   // mode and budget
  const char* expected;  // "<check>-<rule>" of the finding
};

// One per kind of input-dependent defect the catalogue does not catch. Within each --runs budget
// the subject has exactly this one finding, so --max-findings 1 changes nothing but the time: the
// search stops at the conversation that found it (a prefix of the same search) instead of
// running out the budget.
const Subject kSubjects_[] = {
    {"fuzz_length_window", "--mode map --runs 400 --max-findings 1", "framing-R4.2"},
    {"fuzz_byte_pattern", "--mode map --runs 100 --max-findings 1", "log-R7.1"},
    {"fuzz_pair_sequence", "--mode map --runs 600 --max-findings 1", "crash-R8.1"},
    {"fuzz_param_property", "--mode reduce --runs 200 --max-findings 1", "err-R7.2"},
    {"fuzz_reduce_only", "--mode reduce --runs 200 --max-findings 1", "consumption-R6.1"},
};

void PrintTo(const Subject& s, std::ostream* os) { *os << s.program << " " << s.options; }

class FuzzSubjectTest : public FuzzCliTest, public testing::WithParamInterface<Subject> {};

TEST_P(FuzzSubjectTest, FindsShrinksAndReplays) {
  const Subject& s = GetParam();
  fs::path program = kSubjects / s.program, out = dir_ / "findings";
  ASSERT_TRUE(fs::exists(program)) << program;
  Outcome r = Fuzz(program, s.options, out);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAILED"));
  bool found = false;
  for (const fs::path& file : CaseFiles(out)) {
    SCOPED_TRACE(file.string());
    std::string stem = file.stem().string();
    for (const char* ext : {".stdin", ".stdout", ".stderr"})
      EXPECT_TRUE(fs::exists(fs::path(file).replace_extension(ext))) << ext;
    json script = json::parse(ReadFile(file));
    ASSERT_EQ(script["cases"].size(), 1u);
    EXPECT_LE(script["cases"][0]["input"].size(), 3u) << script.dump();
    // The raw stdin begins with the case's parameter block and holds every pair.
    EXPECT_FALSE(ReadFile(fs::path(file).replace_extension(".stdin")).empty());
    auto [code, failed] = Replay(file, program);
    std::string kind = stem.substr(0, stem.rfind('-'));
    EXPECT_EQ(code, 1);
    EXPECT_TRUE(failed.count(kind)) << kind << " not FAILED on replay";
    found |= kind == s.expected;
  }
  EXPECT_TRUE(found) << "no " << s.expected << " finding:\n" << r.out;
  // --runs and --max-findings only cut the search short: the same seed makes the same
  // conversations in the same order with or without them, so `dxt fuzz --mode M PROGRAM` (its
  // 60 s budget) finds it too, if it got there within 60 s here. (The default --mode both
  // interleaves the modes, another order: tests/programs/README.md has its figures.)
  EXPECT_LT(SecondsToFind(r.out, s.expected), 60.0) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Subjects, FuzzSubjectTest, testing::ValuesIn(kSubjects_),
                         [](const auto& info) { return std::string(info.param.program); });

TEST_F(FuzzCliTest, SameSeedSameFindings) {
  fs::path program = kSubjects / "fuzz_reduce_only";
  Outcome a = Fuzz(program, "--runs 150", dir_ / "a");
  Outcome b = Fuzz(program, "--runs 150", dir_ / "b");
  ASSERT_EQ(a.exit_code, 1) << a.out;
  ASSERT_EQ(b.exit_code, 1) << b.out;
  auto files_a = CaseFiles(dir_ / "a"), files_b = CaseFiles(dir_ / "b");
  ASSERT_EQ(files_a.size(), files_b.size());
  for (size_t i = 0; i < files_a.size(); ++i) {
    EXPECT_EQ(files_a[i].filename(), files_b[i].filename());
    EXPECT_EQ(ReadFile(files_a[i]), ReadFile(files_b[i])) << files_a[i];
  }
  // The same conversations failed first, with the same sizes (the seconds it took may differ).
  auto firsts = [](const std::string& out) {
    std::vector<std::string> lines;
    std::istringstream in(out);
    const std::regex seconds(R"(\([0-9.]+ s; )");
    for (std::string line; std::getline(in, line);)
      if (line.rfind("FAILED ", 0) == 0) lines.push_back(std::regex_replace(line, seconds, "("));
    return lines;
  };
  EXPECT_EQ(firsts(a.out), firsts(b.out));
  EXPECT_FALSE(firsts(a.out).empty());
}

struct Good {
  fs::path program;
  const char* options;
};

void PrintTo(const Good& g, std::ostream* os) { *os << g.program << " " << g.options; }

class FuzzGoodTest : public FuzzCliTest, public testing::WithParamInterface<Good> {};

TEST_P(FuzzGoodTest, NoFinding) {
  const Good& g = GetParam();
  if (!fs::exists(g.program)) GTEST_SKIP() << "not built: " << g.program;
  Outcome r = Fuzz(g.program, g.options, dir_ / "none");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("no failure found"));
  EXPECT_TRUE(CaseFiles(dir_ / "none").empty());
}

INSTANTIATE_TEST_SUITE_P(
    Programs, FuzzGoodTest,
    testing::Values(Good{kReference / "echo", "--runs 300"},
                    Good{kReference / "params-dump", "--runs 100"},
                    Good{kSubjects / "good_echo", "--runs 200"},
                    Good{kSubjects / "good_python.py", "--runs 40"},
                    Good{kSubjects / "reduce_writes_early", "--mode reduce --runs 100"},
                    Good{kSubjects / "big_list_map", "--runs 100"},
                    Good{kSubjects / "chatty", "--runs 100"},
                    Good{kSubjects / "slow_pairs", "--runs 32"},
                    Good{kSubjects / "byte_writes", "--runs 32"},
                    Good{kSubjects / "slow_start", "--runs 4"}),  // at the default --timeout
    [](const auto& info) {
      std::string name = info.param.program.filename().string();
      std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
      return name;
    });

TEST_F(FuzzCliTest, GrepWithItsPatternHasNoFinding) {
  fs::path program = kReference / "grep";
  if (!fs::exists(program)) GTEST_SKIP() << "not built: " << program;
  std::ofstream(dir_ / "params.json") << R"({"pattern": "a[0-9]"})";
  Outcome r = Fuzz(program, "--runs 200 --params " + ShellQuote(dir_ / "params.json"), dir_ / "none");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(FuzzCliTest, IdentityOracleCatchesWrongContent) {
  fs::path program = kSubjects / "wrong_content", out = dir_ / "findings";
  Outcome r = Fuzz(program, "--mode map --runs 50 --expect identity", out);
  ASSERT_EQ(r.exit_code, 1) << r.out;
  auto files = CaseFiles(out);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "content-expect.output-1.json");
  auto [code, failed] = Replay(files[0], program);
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(failed.count("content-expect.output"));
}

TEST_F(FuzzCliTest, DifferentialFindsWhereTwoProgramsDisagree) {
  fs::path out = dir_ / "findings";
  Outcome r = Dxt("fuzz --seed 1 --mode reduce --runs 50 --out " + ShellQuote(out) + " --against " +
              ShellQuote(kSubjects / "good_echo") + " " + ShellQuote(kSubjects / "wrong_content"));
  ASSERT_EQ(r.exit_code, 1) << r.out;
  ASSERT_EQ(CaseFiles(out).size(), 1u);
  Outcome same = Dxt("fuzz --seed 1 --mode reduce --runs 50 --out " + ShellQuote(dir_ / "none") +
                 " --against " + ShellQuote(kSubjects / "good_echo") + " " +
                 ShellQuote(kReference / "echo"));
  EXPECT_EQ(same.exit_code, 0) << same.out;
}

// Map is compared per pair, exactly: the same two programs disagree there too.
TEST_F(FuzzCliTest, DifferentialInMapComparesEachList) {
  fs::path out = dir_ / "findings";
  Outcome r = Dxt("fuzz --seed 1 --mode map --runs 16 --out " + ShellQuote(out) + " --against " +
                  ShellQuote(kSubjects / "good_echo") + " " + ShellQuote(kSubjects / "wrong_content"));
  ASSERT_EQ(r.exit_code, 1) << r.out;
  auto files = CaseFiles(out);
  ASSERT_EQ(files.size(), 1u) << r.out;
  EXPECT_EQ(files[0].filename(), "content-expect.output-1.json");
  json script = json::parse(ReadFile(files[0]));
  EXPECT_EQ(script["cases"][0]["mode"], "map");
  EXPECT_EQ(script["cases"][0]["expect"]["order"], "exact");
}

// The byte pattern subject's token reaches the search through the dictionary: its own strings
// (the auto-dictionary) or --dict; with neither, the same budget finds nothing.
TEST_F(FuzzCliTest, DictionaryTokensReachTheProgram) {
  fs::path program = kSubjects / "fuzz_byte_pattern";
  Outcome none = Fuzz(program, "--mode map --runs 100 --no-auto-dict", dir_ / "none");
  EXPECT_EQ(none.exit_code, 0) << none.out;
  std::ofstream(dir_ / "tokens.dict") << "# AFL format\nheader=\"X-Debug\"\n\"\\x00\\xff\"\n";
  Outcome dict = Fuzz(program,
                      "--mode map --runs 100 --max-findings 1 --no-auto-dict --dict " +
                          ShellQuote(dir_ / "tokens.dict"),
                      dir_ / "dict");
  EXPECT_EQ(dict.exit_code, 1) << dict.out;
  EXPECT_THAT(dict.out, HasSubstr("FAILED log (R7.1)"));
  EXPECT_THAT(dict.out, HasSubstr("2 dictionary tokens"));
}

TEST_F(FuzzCliTest, UsageErrorsExit2) {
  EXPECT_EQ(Dxt("fuzz /nonexistent/program").exit_code, 2);
  std::ofstream(dir_ / "bad.dict") << "ok=\"x\"\nbroken \"y\n";
  Outcome r = Dxt("fuzz --runs 1 --dict " + ShellQuote(dir_ / "bad.dict") + " " +
              ShellQuote(kReference / "echo"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bad.dict: line 2"));
  EXPECT_EQ(Dxt("fuzz --seconds 0 " + ShellQuote(kReference / "echo")).exit_code, 2);
}

}  // namespace

namespace {

// `dxt check --save-failures DIR` writes each FAILED case in the format of `dxt fuzz`'s findings,
// for the catalogue and for a --script; the files replay.
TEST_F(FuzzCliTest, CheckSaveFailuresWritesReplayableCases) {
  fs::path program = kSubjects / "segfault", out = dir_ / "saved";
  Outcome r = Dxt("check --no-color --cases 5.1.2 --mode map --save-failures " + ShellQuote(out) +
                  " " + ShellQuote(program));
  ASSERT_EQ(r.exit_code, 1) << r.out;
  auto files = CaseFiles(out);
  ASSERT_EQ(files.size(), 1u) << r.out;
  EXPECT_EQ(files[0].filename(), "crash-R8.1-1.json");
  for (const char* ext : {".stdin", ".stdout", ".stderr"})
    EXPECT_TRUE(fs::exists(fs::path(files[0]).replace_extension(ext))) << ext;
  // The raw stdin is the empty parameter block and the case's two pairs.
  EXPECT_EQ(ReadFile(fs::path(files[0]).replace_extension(".stdin")).substr(0, 2), "0\n");
  auto [code, failed] = Replay(files[0], program);
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(failed.count("crash-R8.1"));
  // A script's FAILED case is saved the same way; a passing one is not.
  Outcome again = Dxt("check --no-color --save-failures " + ShellQuote(out) + " --script " +
                      ShellQuote(files[0]) + " " + ShellQuote(program));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(CaseFiles(out).size(), 2u);
  Outcome good = Dxt("check --no-color --save-failures " + ShellQuote(out) + " --script " +
                     ShellQuote(files[0]) + " " + ShellQuote(kSubjects / "good_echo"));
  EXPECT_EQ(good.exit_code, 0) << good.out;
  EXPECT_EQ(CaseFiles(out).size(), 2u);
}

}  // namespace

namespace {

// --values: what a program accepts is what it gets, in the search and in shrinking. The bundled
// word count's reduce sums decimal counts; fuzzed with arbitrary values it rejects them
// (**<ERR> ... is not a decimal number), which is reported as dxt check reports it: a finding
// whose stderr names its own input, with the declaration to use instead.
TEST_F(FuzzCliTest, ValuesDomainLeavesAParsingReducerAlone) {
  fs::path program = kReference / "wordcount";
  if (!fs::exists(program)) GTEST_SKIP() << "not built: " << program;
  Outcome declared = Fuzz(program, "--mode reduce --runs 48 --values decimal", dir_ / "none");
  EXPECT_EQ(declared.exit_code, 0) << declared.out << declared.err;
  EXPECT_THAT(declared.out, HasSubstr("values decimal"));
  EXPECT_TRUE(CaseFiles(dir_ / "none").empty());
  Outcome bytes = Fuzz(program, "--mode reduce --runs 48", dir_ / "found");
  ASSERT_EQ(bytes.exit_code, 1) << bytes.out << bytes.err;
  EXPECT_THAT(bytes.out, HasSubstr("root problem: the program rejects the fuzzer's input values"));
  EXPECT_THAT(bytes.out, HasSubstr("is not a decimal number"));
  EXPECT_THAT(bytes.out, HasSubstr("--values decimal|words|lines"));
  // A sample declares keys and values both; every value sent comes from it.
  std::ofstream(dir_ / "sample.jsonl") << "{\"key\":\"the\",\"value\":\"3\"}\n"
                                       << "{\"key\":\"cat\",\"value\":\"12\"}\n";
  Outcome sample = Fuzz(program, "--mode reduce --runs 48 --input-sample " +
                                     ShellQuote(dir_ / "sample.jsonl"),
                        dir_ / "none2");
  EXPECT_EQ(sample.exit_code, 0) << sample.out << sample.err;
  EXPECT_THAT(sample.out, HasSubstr("keys sample"));
  EXPECT_EQ(Dxt("fuzz --values nope " + ShellQuote(program)).exit_code, 2);
  EXPECT_EQ(Dxt("fuzz --input-sample /nonexistent " + ShellQuote(program)).exit_code, 2);
}

// The printed replay command is the whole command: run as printed, it fails the same check. A
// finding that depends on the deadline (a start slower than --timeout) shows it: without the
// --timeout it would replay at dxt check's 10 s and pass.
TEST_F(FuzzCliTest, PrintedReplayCommandReproduces) {
  fs::path program = kSubjects / "slow_start", out = dir_ / "findings";
  Outcome r = Fuzz(program, "--mode map --runs 2 --max-findings 1 --timeout 0.3", out);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  std::vector<std::string> commands;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const std::string mark = "replay:  ";
    const size_t at = line.find(mark);
    if (at == std::string::npos) continue;
    EXPECT_EQ(line.find("did NOT reproduce"), std::string::npos) << line;
    commands.push_back(line.substr(at + mark.size()));
  }
  ASSERT_FALSE(commands.empty()) << r.out;
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    EXPECT_THAT(command, HasSubstr("--timeout 0.3"));
    const std::string path = command.substr(command.find("--script ") + 9);
    const std::string stem = fs::path(path.substr(0, path.find(' '))).stem().string();
    const std::string kind = stem.substr(0, stem.rfind('-'));  // "<check>-<rule>"
    const std::string shown = kind.substr(0, kind.find('-')) + " (" +
                              kind.substr(kind.find('-') + 1) + ")";
    const std::string shell =
        command + " >" + ShellQuote(dir_ / "replay.out") + " 2>&1";
    const int status = std::system(shell.c_str());
    EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 1) << ReadFile(dir_ / "replay.out");
    EXPECT_THAT(ReadFile(dir_ / "replay.out"), HasSubstr(shown));
  }
}

// On a terminal, stderr carries a progress line redrawn in place: elapsed, conversations, pairs,
// findings. Off a terminal (every other test here) there is none.
TEST_F(FuzzCliTest, ProgressLineOnATerminal) {
  const std::string command = std::string(kDxt) + " fuzz --seed 1 --runs 64 --mode map --out " +
                              ShellQuote(dir_ / "none") + " " + ShellQuote(kReference / "echo");
  const Outcome tty = RunOnPty(command);
  const std::string& screen = tty.out;
  EXPECT_EQ(tty.exit_code, 0) << screen;
  const std::regex line(R"(\r +[0-9]+\.[0-9] s  conversations [0-9]+  pairs [0-9]+  findings 0 )");
  EXPECT_TRUE(std::regex_search(screen, line)) << screen;
  EXPECT_THAT(screen, HasSubstr("no failure found"));
  Outcome piped = Fuzz(kReference / "echo", "--runs 16 --mode map", dir_ / "none");
  EXPECT_EQ(piped.err.find("conversations"), std::string::npos) << piped.err;
}

}  // namespace

namespace {

// --max-findings N ends the search at the N-th distinct failure: a prefix of the same search, so
// the finding is the one a longer run finds first, written and replayable the same way.
TEST_F(FuzzCliTest, MaxFindingsStopsTheSearch) {
  fs::path program = kSubjects / "segfault";
  Outcome one = Fuzz(program, "--mode map --runs 64 --max-findings 1", dir_ / "one");
  ASSERT_EQ(one.exit_code, 1) << one.out << one.err;
  EXPECT_THAT(one.out, HasSubstr("search stopped at 1 finding (--max-findings)"));
  auto files = CaseFiles(dir_ / "one");
  ASSERT_EQ(files.size(), 1u) << one.out;
  Outcome all = Fuzz(program, "--mode map --runs 64", dir_ / "all");
  ASSERT_EQ(all.exit_code, 1) << all.out;
  EXPECT_EQ(all.out.find("--max-findings"), std::string::npos) << all.out;
  auto first = CaseFiles(dir_ / "all");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(ReadFile(files[0]), ReadFile(dir_ / "all" / files[0].filename())) << all.out;
  EXPECT_EQ(Dxt("fuzz --max-findings x " + ShellQuote(program)).exit_code, 2);
}

// A program slower than the 2 s search deadline but within --timeout (default 10 s, as dxt
// check) is slow, not broken: no finding, exit 0, and the output says why.
TEST_F(FuzzCliTest, SlowButConformingIsNoFindingAtTheDefaults) {
  fs::path program = kSubjects / "slow_start";
  Outcome r = Dxt("fuzz --seed 1 --mode map --runs 2 --out " + ShellQuote(dir_ / "none") + " " +
                  ShellQuote(program) + " -- 3000");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("timeout 10 s (search 2 s)"));
  EXPECT_THAT(r.out, HasSubstr("not a finding: "));
  EXPECT_THAT(r.out, HasSubstr("the program is slow, not broken"));
  EXPECT_THAT(r.out, HasSubstr("no failure found"));
  EXPECT_TRUE(CaseFiles(dir_ / "none").empty());
}

// Recording the exchange must not change the verdict: a daemon the program leaves behind (hang
// R6.3, counted by the sweep at the end of the case) is found by the unrecorded search and must
// replay through the recorded run and `dxt check --script`.
TEST_F(FuzzCliTest, StrayDescendantFindingReplays) {
  fs::path program = kSubjects / "daemon", out = dir_ / "findings";
  Outcome r = Fuzz(program, "--mode map --runs 16 --max-findings 1", out);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("FAILED hang (R6.3)"));
  EXPECT_EQ(r.out.find("did NOT reproduce"), std::string::npos) << r.out;
  auto files = CaseFiles(out);
  ASSERT_EQ(files.size(), 1u) << r.out;
  EXPECT_EQ(files[0].filename(), "hang-R6.3-1.json");
  auto [code, failed] = Replay(files[0], program);
  EXPECT_EQ(code, 1);
  EXPECT_TRUE(failed.count("hang-R6.3"));
  // The catalogue's FAILED case, saved: its recorded re-run fails the same way.
  Outcome saved = Dxt("check --no-color --cases 1.1.1 --mode map --save-failures " +
                      ShellQuote(dir_ / "saved") + " " + ShellQuote(program));
  EXPECT_EQ(saved.exit_code, 1) << saved.out;
  EXPECT_EQ(saved.out.find("passed when run again"), std::string::npos) << saved.out;
  EXPECT_TRUE(fs::exists(dir_ / "saved" / "hang-R6.3-1.json")) << saved.out;
}

// --out is checked before the search: a path that cannot become a writable directory exits 2 at
// once. An existing directory that dxt did not make keeps every file it had: a finding takes the
// next number whose four files are all free, and nothing is deleted.
TEST_F(FuzzCliTest, OutIsCheckedAndNeverOverwritten) {
  fs::path program = kSubjects / "segfault";
  std::ofstream(dir_ / "a-file") << "mine\n";
  for (const fs::path& bad : {dir_ / "a-file", dir_ / "a-file" / "sub"}) {
    Outcome r = Fuzz(program, "--mode map --runs 16", bad);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr("--out " + bad.string() + ": "));
    EXPECT_THAT(r.err, HasSubstr("is not a directory"));
    EXPECT_EQ(r.out.find("conversations"), std::string::npos) << r.out;
  }
  EXPECT_EQ(ReadFile(dir_ / "a-file"), "mine\n");
  if (::geteuid() != 0) {  // root writes anywhere
    fs::create_directory(dir_ / "locked");
    fs::permissions(dir_ / "locked", fs::perms::owner_read | fs::perms::owner_exec);
    Outcome r = Fuzz(program, "--mode map --runs 16", dir_ / "locked" / "out");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("is not writable"));
    fs::permissions(dir_ / "locked", fs::perms::owner_all);
  }
  Outcome first = Fuzz(program, "--mode map --runs 16 --max-findings 1", dir_ / "first");
  ASSERT_EQ(first.exit_code, 1) << first.out;
  ASSERT_EQ(CaseFiles(dir_ / "first").size(), 1u);
  const std::string stem = CaseFiles(dir_ / "first")[0].stem().string();  // "<kind>-1"
  const std::string kind = stem.substr(0, stem.rfind('-'));
  fs::path mine = dir_ / "mine";
  fs::create_directory(mine);
  std::ofstream(mine / (kind + "-1.stdout")) << "not dxt's\n";
  std::ofstream(mine / "notes.txt") << "keep me\n";
  Outcome r = Fuzz(program, "--mode map --runs 16 --max-findings 1", mine);
  ASSERT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(ReadFile(mine / (kind + "-1.stdout")), "not dxt's\n");
  EXPECT_EQ(ReadFile(mine / "notes.txt"), "keep me\n");
  EXPECT_FALSE(fs::exists(mine / (kind + "-1.json")));
  EXPECT_TRUE(fs::exists(mine / (kind + "-2.json"))) << r.out;
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(mine)) entries += e.is_regular_file();
  EXPECT_EQ(entries, 6u);  // the two files it had and the four of the finding
}

}  // namespace
