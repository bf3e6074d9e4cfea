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

// One per kind of input-dependent defect the catalogue does not catch.
const Subject kSubjects_[] = {
    {"fuzz_length_window", "--mode map --runs 400", "framing-R4.2"},    // a length window
    {"fuzz_byte_pattern", "--mode map --runs 100", "log-R7.1"},         // a byte pattern
    {"fuzz_pair_sequence", "--mode map --runs 600", "crash-R8.1"},      // a sequence of pairs
    {"fuzz_param_property", "--mode reduce --runs 200", "err-R7.2"},    // a parameter property
    {"fuzz_reduce_only", "--mode reduce --runs 200", "consumption-R6.1"},  // reduce only
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
  // --runs only cuts the search short: the same seed makes the same conversations in the same
  // order with or without it, so a plain `dxt fuzz PROGRAM` (60 s) finds it too, if it got there
  // within its 60 s here.
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
                    Good{kSubjects / "slow_start", "--runs 4 --timeout 5"}),
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
                      "--mode map --runs 100 --no-auto-dict --dict " + ShellQuote(dir_ / "tokens.dict"),
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
  Outcome r = Fuzz(program, "--mode map --runs 2 --timeout 0.3", out);
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
