// `dxt check` options end to end, through the real executable: `--max-item-size` (R3.2) on the
// reference echo, and how a FLAKY case (FAILED, then passed on the retry) shows in the text
// output, the JSON report and JUnit.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kReferenceEcho[] = DXT_BINARY_DIR "/reference/programs/echo";

using dxt::testing::kDxt;
using dxt::testing::ReadFile;
using dxt::testing::ShellQuote;
using CheckRun = dxt::testing::DxtRun;  // the report is the --report-json file, when one was written

class CheckOptionsTest : public dxt::testing::CliTest<> {
 protected:
  void SetUp() override {
    if (!fs::exists(kDxt)) GTEST_SKIP() << "dxt is not built: " << kDxt;
    CliTest::SetUp();
  }

  // A map case sending one pair whose value is `value_size` bytes; an echo answers with it.
  std::string WriteBigValueScript(size_t value_size) {
    json pair = {{"key", "k"}, {"value", std::string(value_size, 'v')}};
    json script = {{"cases",
                    {{{"id", "big.1"},
                      {"title", "one pair with a big value, echoed"},
                      {"mode", "map"},
                      {"input", {pair}},
                      {"expect", {{"output", {pair}}}}}}}};
    fs::path path = dir_ / "big.json";
    std::ofstream(path) << script.dump();
    return path.string();
  }
};

// The check named `name` of the only case of a report.
json CheckOf(const json& report, const std::string& name) {
  for (const json& c : report["cases"][0]["checks"])
    if (c.value("check", "") == name) return c;
  return json::object();
}

TEST_F(CheckOptionsTest, MaxItemSizeFailsAnEchoedValueAboveIt) {
  if (!fs::exists(kReferenceEcho)) GTEST_SKIP() << "reference echo is not built";
  std::string args = "--timeout 20 --script " + ShellQuote(WriteBigValueScript(2 << 20)) + " ";
  std::string echo = ShellQuote(kReferenceEcho);

  CheckRun plain = Check(args + echo);  // default 64 MiB
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  ASSERT_TRUE(plain.report.is_object()) << plain.out << plain.err;
  EXPECT_EQ(plain.report["cases"][0]["verdict"], "OK") << plain.report.dump(2);

  CheckRun small = Check(args + "--max-item-size 1M " + echo);
  EXPECT_EQ(small.exit_code, 1) << small.out << small.err;
  ASSERT_TRUE(small.report.is_object()) << small.out << small.err;
  EXPECT_EQ(small.report["cases"][0]["verdict"], "FAILED");
  json limits = CheckOf(small.report, "limits");
  EXPECT_EQ(limits.value("verdict", ""), "FAILED") << small.report.dump(2);
  EXPECT_EQ(limits.value("rule", ""), "R3.2");
  EXPECT_THAT(small.out, HasSubstr("limits (R3.2)"));

  CheckRun exact = Check(args + "--max-item-size 2048K " + echo);  // the limit itself is allowed
  EXPECT_EQ(exact.exit_code, 0) << exact.out << exact.err;
}

TEST_F(CheckOptionsTest, MaxItemSizeAppliesToTheCatalogue) {
  if (!fs::exists(kReferenceEcho)) GTEST_SKIP() << "reference echo is not built";
  // 3.2.1: two pairs with 4 MiB values, echoed back.
  std::string args = "--timeout 20 --expect identity --mode map --cases 3.2.1 ";
  std::string echo = ShellQuote(kReferenceEcho);
  CheckRun plain = Check(args + echo);
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  CheckRun small = Check(args + "--max-item-size 1048576 --no-retry " + echo);
  EXPECT_EQ(small.exit_code, 1) << small.out << small.err;
  ASSERT_TRUE(small.report.is_object()) << small.out << small.err;
  ASSERT_EQ(small.report["cases"].size(), 1u);
  EXPECT_EQ(small.report["cases"][0]["id"], "3.2.1");
  EXPECT_EQ(CheckOf(small.report, "limits").value("verdict", ""), "FAILED") << small.report.dump(2);
}

TEST_F(CheckOptionsTest, BadMaxItemSizeIsAUsageErrorNamingOptionAndValue) {
  for (const char* value : {"0", "1.5M", "4G", "4294967296", "12Q", "lots"}) {
    CheckRun r = Check(std::string("--max-item-size ") + value + " /bin/true");
    EXPECT_EQ(r.exit_code, 2) << value << ": " << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("--max-item-size")) << value;
    EXPECT_THAT(r.err, HasSubstr(std::string("'") + value + "'")) << r.err;
    EXPECT_FALSE(r.report.is_object()) << "no case may run: " << value;
  }
}

// A bad --baseline is refused before any case runs: exit 2 naming the file, no report.
TEST_F(CheckOptionsTest, BadBaselineIsAUsageErrorBeforeAnyCaseRuns) {
  if (!fs::exists(kReferenceEcho)) GTEST_SKIP() << "reference echo is not built";
  fs::path bad = dir_ / "baseline.json";
  std::ofstream(bad) << "{\"expected_failures\": [";
  for (const fs::path& file : {bad, dir_ / "missing.json"}) {
    CheckRun r = Check("--cases 1.1.1 --baseline " + ShellQuote(file) + " " +
                       ShellQuote(kReferenceEcho));
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(file.string()));
    EXPECT_THAT(r.out, Not(HasSubstr("1.1.1"))) << "a case ran before the baseline was read";
    EXPECT_FALSE(r.report.is_object());
  }
}

// A reduce that exits 3 on its first run and conforms afterwards (a marker file outside its
// sandbox remembers the first run).
TEST_F(CheckOptionsTest, FlakyCaseIsMarkedInEveryRendering) {
  fs::path script = dir_ / "flaky.sh", mark = dir_ / "mark";
  std::ofstream(script) << "#!/bin/sh\ncat >/dev/null\n[ -e \"$MARK\" ] && exit 0\n"
                           ": > \"$MARK\"\nexit 3\n";
  fs::permissions(script, fs::perms::owner_all);
  fs::path junit = dir_ / "junit.xml";
  // The script keeps its state in a host file between the two runs: only process-group isolation
  // lets a program write there (namespaces give every case its own /tmp and a read-only host).
  std::string args = "--isolation process-group --cases 6.1.1 --mode reduce --timeout 5 --env " +
                     ShellQuote("MARK=" + mark.string()) + " --junit " + ShellQuote(junit) + " " +
                     ShellQuote(script);

  // By default a flaky case fails the run: it shows the program's nondeterminism.
  CheckRun failed = Check(args);
  EXPECT_EQ(failed.exit_code, 1) << "flaky is FAILED by default\n" << failed.out << failed.err;
  EXPECT_THAT(failed.out, HasSubstr("FAILED       FLAKY 6.1.1 [reduce] "));
  EXPECT_THAT(failed.out, HasSubstr("0 INFORMATIONAL, 1 FAILED (1 FLAKY)"));
  ASSERT_TRUE(failed.report.is_object()) << failed.out << failed.err;
  EXPECT_EQ(failed.report["cases"][0]["flaky"], true);
  EXPECT_EQ(failed.report["cases"][0]["verdict"], "FAILED");
  EXPECT_EQ(failed.report["summary"]["flaky"], 1);
  fs::remove(mark);

  CheckRun r = Check("--allow-flaky " + args);
  EXPECT_EQ(r.exit_code, 0) << "with --allow-flaky, flaky is INFORMATIONAL\n" << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("INFORMATIONAL FLAKY 6.1.1 [reduce] "));
  EXPECT_THAT(r.out, HasSubstr("exit (R8.1)"));  // the first run's failure is shown
  EXPECT_THAT(r.out, HasSubstr("1 INFORMATIONAL (1 FLAKY), 0 FAILED"));
  EXPECT_THAT(r.out, HasSubstr("FLAKY 6.1.1 reduce: FAILED, then passed on retry"));
  ASSERT_TRUE(r.report.is_object()) << r.out << r.err;
  EXPECT_EQ(r.report["summary"]["flaky"], 1);
  EXPECT_EQ(r.report["summary"]["INFORMATIONAL"], 1);
  const json& c = r.report["cases"][0];
  EXPECT_EQ(c["flaky"], true);
  EXPECT_EQ(c["verdict"], "INFORMATIONAL");
  EXPECT_THAT(c["title"].get<std::string>(), testing::Not(HasSubstr("FLAKY")));
  std::string x = ReadFile(junit);
  EXPECT_THAT(x, HasSubstr("failures=\"0\""));
  EXPECT_THAT(x, HasSubstr("<system-out>FLAKY: FAILED, then passed on retry"));
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    EXPECT_EQ(std::system(("xmllint --noout " + ShellQuote(junit)).c_str()), 0) << x;
  }

  fs::remove(mark);
  CheckRun once = Check("--no-retry --allow-flaky " + args);
  EXPECT_EQ(once.exit_code, 1) << once.out << once.err;
  ASSERT_TRUE(once.report.is_object());
  EXPECT_EQ(once.report["cases"][0]["flaky"], false);
  EXPECT_EQ(once.report["summary"]["flaky"], 0);
  EXPECT_THAT(once.out, testing::Not(HasSubstr("FLAKY")));
}

}  // namespace

// Issue 11 §1: input domains end to end. The bundled word count's reduce parses its values as
// counts: without a declaration the catalogue's bytes make it fail, and the report names that
// root problem once with the options that fix it; with --values decimal, or a sample of its real
// input, the whole catalogue passes in both modes. A Python word count (tests/programs/
// wordcount_python.py, a traceback on a bad value) behaves the same.
constexpr char kWordcount[] = DXT_BINARY_DIR "/reference/programs/wordcount";
constexpr char kPythonWordcount[] = DXT_BINARY_DIR "/tests/programs/wordcount_python.py";

// A sample of a word count's real reduce input: (word, "1") for every word of chapter 1.
std::string WriteWordcountSample(const fs::path& dir) {
  std::istringstream text(ReadFile(fs::path(DXT_SOURCE_DIR) / "examples/wordcount/chapter1.txt"));
  std::ofstream out(dir / "sample.jsonl");
  std::string word;
  int n = 0;
  while (text >> word) {
    out << json{{"key", word}, {"value", n % 7 == 0 ? "3" : "1"}}.dump() << "\n";
    ++n;
  }
  return (dir / "sample.jsonl").string();
}

TEST_F(CheckOptionsTest, WordcountFailsWithOneRootProblemWithoutADomain) {
  if (!fs::exists(kWordcount)) GTEST_SKIP() << "reference wordcount is not built";
  CheckRun r = Check(ShellQuote(kWordcount));
  EXPECT_EQ(r.exit_code, 1) << r.out.substr(0, 2000);
  EXPECT_THAT(r.out, HasSubstr(": the program rejects the catalogue's input values"));
  EXPECT_THAT(r.out, HasSubstr("--values decimal|words|lines"));
  EXPECT_THAT(r.out, HasSubstr("--input-sample FILE"));
  EXPECT_THAT(r.out, HasSubstr("is not a decimal number"));
  // Explained failures are not listed again one by one.
  EXPECT_THAT(r.out, Not(HasSubstr("Failures:\n  1.1.1 [reduce]")));
}

TEST_F(CheckOptionsTest, WordcountPassesTheCatalogueWithDecimalValues) {
  if (!fs::exists(kWordcount)) GTEST_SKIP() << "reference wordcount is not built";
  CheckRun r = Check("--values decimal " + ShellQuote(kWordcount));
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(r.out.size() > 3000 ? r.out.size() - 3000 : 0);
  EXPECT_THAT(r.out, HasSubstr("; values decimal; "));
  ASSERT_TRUE(r.report.is_object());
  EXPECT_EQ(r.report["summary"]["FAILED"], 0);
  EXPECT_GT(r.report["summary"]["OK"].get<int>(), 100);
  int outside = 0;
  for (const json& c : r.report["cases"])
    if (c.value("skip_reason", "").rfind("outside the declared domain", 0) == 0) ++outside;
  EXPECT_EQ(outside, r.report["summary"]["SKIPPED"].get<int>());
}

TEST_F(CheckOptionsTest, PythonWordcountPassesWithASampleOfItsInput) {
  if (!fs::exists(kPythonWordcount)) GTEST_SKIP() << "python word count is not built";
  CheckRun bare = Check("--mode reduce --cases 1,6.1 " + ShellQuote(kPythonWordcount));
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_THAT(bare.out, HasSubstr("invalid literal for int()"));
  EXPECT_THAT(bare.out, HasSubstr(": the program rejects the catalogue's input values"));
  std::string sample = WriteWordcountSample(dir_);
  CheckRun r = Check("--input-sample " + ShellQuote(sample) + " " + ShellQuote(kPythonWordcount));
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(r.out.size() > 3000 ? r.out.size() - 3000 : 0);
  ASSERT_TRUE(r.report.is_object());
  EXPECT_EQ(r.report["summary"]["FAILED"], 0);
  EXPECT_GT(r.report["summary"]["OK"].get<int>(), 100);
}

// Its complaint quotes each rejected value as Python's repr does: b'value0', and b"..." for
// random bytes holding a ' (3.1.15): the same complaint, one root problem (it once made two).
TEST_F(CheckOptionsTest, PythonWordcountWithoutADomainIsOneRootProblem) {
  if (!fs::exists(kPythonWordcount)) GTEST_SKIP() << "python word count is not built";
  CheckRun r = Check("--mode reduce " + ShellQuote(kPythonWordcount));
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_TRUE(r.report.is_object()) << r.out << r.err;
  ASSERT_EQ(r.report["root_problems_total"], 1) << r.out.substr(0, 3000);
  EXPECT_EQ(r.report["root_problems"][0]["cause"], "rejects-values");
  bool binary = false;  // the case whose complaint quotes with "
  for (const json& c : r.report["cases"])
    binary |= c.value("id", "") == "3.1.15" && c.value("verdict", "") == "FAILED";
  EXPECT_TRUE(binary);
}

TEST_F(CheckOptionsTest, BadDomainOptionsAreUsageErrors) {
  if (!fs::exists(kWordcount)) GTEST_SKIP() << "reference wordcount is not built";
  CheckRun bad = Check("--values integers " + ShellQuote(kWordcount));
  EXPECT_EQ(bad.exit_code, 2);
  std::ofstream(dir_ / "bad.jsonl") << "{\"key\": \"a\", \"value\": \"1\"}\nnot json\n";
  CheckRun sample = Check("--input-sample " + ShellQuote((dir_ / "bad.jsonl").string()) + " " +
                          ShellQuote(kWordcount));
  EXPECT_EQ(sample.exit_code, 2);
  EXPECT_THAT(sample.err, HasSubstr("bad.jsonl: line 2: "));
  EXPECT_FALSE(sample.report.is_object()) << "no report before the options are valid";
}

// Issue 11 §2: --params reaches the exact-block cases instead of skipping them.
TEST_F(CheckOptionsTest, ParamsAreMergedIntoTheExactBlockCases) {
  if (!fs::exists(kReferenceEcho)) GTEST_SKIP() << "reference echo is not built";
  std::ofstream(dir_ / "params.json") << "{\"pattern\": \"a b\"}";
  CheckRun r = Check("--params " + ShellQuote((dir_ / "params.json").string()) +
                     " --cases 2.5,2.1.8 " + ShellQuote(kReferenceEcho));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(r.report.is_object());
  EXPECT_EQ(r.report["summary"]["SKIPPED"], 0) << r.out;
  EXPECT_GT(r.report["summary"]["OK"].get<int>(), 5);
}

// Issue 11 §6: the command line people expect.
// Verdicts in seconds (issue 11 §3), the second blocker trigger through `dxt check`: ignores_input
// exits 0 on its own 10 s timer without reading a pair, so with --timeout 12 no wait expires. The
// smoke case 1.1.1 FAILS `consumption` after a reply owed for most of the deadline, and the later
// map cases are SKIPPED "blocked by 1.1.1 map/..." instead of each waiting out the timer again.
TEST_F(CheckOptionsTest, ReplyOwedUntilExitBlocksTheLaterCases) {
  const std::string program = std::string(DXT_BINARY_DIR) + "/tests/programs/ignores_input";
  if (!fs::exists(program)) GTEST_SKIP() << program << " not built";
  CheckRun r = Check("--mode map --timeout 12 --cases 1.1.1,1.2.1,1.4.1,5.1.1 " + ShellQuote(program));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  ASSERT_TRUE(r.report.contains("cases")) << r.out << r.err;
  ASSERT_GE(r.report["cases"].size(), 3u);
  for (const json& c : r.report["cases"]) {
    const std::string id = c.value("id", "");
    if (id == "1.1.1") {
      EXPECT_EQ(c.value("verdict", ""), "FAILED");
      bool consumption = false;
      for (const json& check : c["checks"])
        if (check.value("check", "") == "consumption")
          consumption = check.value("verdict", "") == "FAILED";
      EXPECT_TRUE(consumption) << c.dump(2);
      continue;
    }
    EXPECT_EQ(c.value("verdict", ""), "SKIPPED") << c.dump(2);
    EXPECT_EQ(c.value("blocked_by", ""), "1.1.1") << id;
    bool marked = false;  // the blocked checks name the smoke case and the checks it failed
    for (const json& check : c["checks"])
      marked |= check.value("verdict", "") == "SKIPPED" &&
                check.value("detail", "").find("blocked by 1.1.1 map/consumption") !=
                    std::string::npos;
    EXPECT_TRUE(marked) << c.dump(2);
  }
}

// Each smoke case that shows a root failure blocks: a reduce that never answers and never exits
// lets 1.1.1's exit wait expire, and only the case with more input than a pipe holds (3.1.15)
// shows that it never reads either. A later case with as much input is blocked by 3.1.15 instead
// of waiting out its input deadline again.
TEST_F(CheckOptionsTest, EverySmokeCaseWithARootFailureBlocks) {
  const std::string program = std::string(DXT_BINARY_DIR) + "/tests/programs/ignores_term";
  if (!fs::exists(program)) GTEST_SKIP() << program << " not built";
  CheckRun r =
      Check("--mode reduce --timeout 3 --cases 1.1.1,3.1.15,6.2.1 " + ShellQuote(program));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  ASSERT_TRUE(r.report.contains("cases")) << r.out << r.err;
  std::map<std::string, json> by_id;
  for (const json& c : r.report["cases"]) by_id[c.value("id", "")] = c;
  ASSERT_EQ(by_id.size(), 3u) << r.out;
  EXPECT_EQ(by_id["1.1.1"].value("verdict", ""), "FAILED");
  EXPECT_EQ(by_id["3.1.15"].value("verdict", ""), "FAILED");
  const json& later = by_id["6.2.1"];
  EXPECT_EQ(later.value("verdict", ""), "SKIPPED") << later.dump(2);
  EXPECT_EQ(later.value("blocked_by", ""), "3.1.15") << later.dump(2);
  bool input_blocked = false;  // its unread input is blocked by 3.1.15, not by 1.1.1's exit wait
  for (const json& check : later["checks"])
    input_blocked |= check.value("check", "") == "consumption" &&
                     check.value("detail", "").find("blocked by 3.1.15 reduce/") != std::string::npos;
  EXPECT_TRUE(input_blocked) << later.dump(2);
}

class CheckCliTest : public CheckOptionsTest {
 protected:
  // `dxt check ARGS` as given (no report option added).
  CheckRun Raw(const std::string& args) { return Dxt("check " + args); }
};

TEST_F(CheckCliTest, VersionPrintsTheVersion) {
  CheckRun r = Raw("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, ::testing::MatchesRegex("dxt check [0-9]+\\.[0-9]+\\.[0-9]+\n"));
}

TEST_F(CheckCliTest, ReportJsonDashWritesTheReportToStdout) {
  if (!fs::exists(kReferenceEcho)) GTEST_SKIP() << "reference echo is not built";
  CheckRun r = Raw("--no-color --report-json - --cases 1.1.1 " + ShellQuote(kReferenceEcho));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json report = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.out.substr(0, 500);
  EXPECT_EQ(report["summary"]["OK"], 2);
  EXPECT_THAT(r.err, HasSubstr("2 case(s): 2 OK"));  // the text went to stderr
}

TEST_F(CheckCliTest, BadReportPathsAreRejectedBeforeAnyCaseRuns) {
  if (!fs::exists(kReferenceEcho)) GTEST_SKIP() << "reference echo is not built";
  for (const std::string option : {"--report-json", "--junit"}) {
    CheckRun r = Raw(option + " " + ShellQuote((dir_ / "missing" / "r.out").string()) + " " +
                     ShellQuote(kReferenceEcho));
    EXPECT_EQ(r.exit_code, 2) << option;
    EXPECT_THAT(r.err, HasSubstr(option + " "));
    EXPECT_THAT(r.err, HasSubstr("does not exist"));
    EXPECT_THAT(r.out, Not(HasSubstr("OK "))) << "a case ran before the path was checked";
    CheckRun d = Raw(option + " " + ShellQuote(dir_.string()) + " " + ShellQuote(kReferenceEcho));
    EXPECT_EQ(d.exit_code, 2);
    EXPECT_THAT(d.err, HasSubstr("is a directory"));
  }
}

TEST_F(CheckCliTest, QuietPrintsOnlyTheSummary) {
  if (!fs::exists(kReferenceEcho)) GTEST_SKIP() << "reference echo is not built";
  CheckRun loud = Raw("--no-color --cases 1.1.1 " + ShellQuote(kReferenceEcho));
  CheckRun quiet = Raw("--no-color -q --cases 1.1.1 " + ShellQuote(kReferenceEcho));
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_THAT(loud.out, HasSubstr("OK           1.1.1 [map]"));
  EXPECT_THAT(quiet.out, Not(HasSubstr("1.1.1 [map]")));
  EXPECT_THAT(quiet.out, HasSubstr("2 case(s): 2 OK"));
}
