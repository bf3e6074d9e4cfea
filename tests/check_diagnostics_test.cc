// `dxt check` end to end on what a failure tells a person (issue 11 §4-§6), through the real
// executable: the locale a failure needs (utf8_char_lengths), diffs that say what to fix
// (drops_third, wrong_content), the progress line on a terminal (through a pty) and never
// elsewhere, and the --suite core selection.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/locale.h"
#include "nlohmann/json.hpp"
#include "tests/cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using dxt::testing::DxtRun;
using dxt::testing::kDxt;
using dxt::testing::ReadFile;
using dxt::testing::RunOnPty;
using dxt::testing::ShellQuote;

constexpr char kPrograms[] = DXT_BINARY_DIR "/tests/programs/";

class CheckDiagnosticsTest : public dxt::testing::CliTest<> {
 protected:
  void SetUp() override {
    if (!fs::exists(kDxt)) GTEST_SKIP() << "dxt is not built: " << kDxt;
    CliTest::SetUp();
  }

  // `dxt check --no-color --report-json R ARGS PROGRAM` with PROGRAM a subject.
  DxtRun Check(const std::string& args, const std::string& subject) {
    return CliTest::Check(args + " " + ShellQuote(std::string(kPrograms) + subject));
  }

  std::string WriteScript(const json& script) {
    fs::path path = dir_ / ("script" + std::to_string(scripts_++) + ".json");
    std::ofstream(path) << script.dump();
    return ShellQuote(path.string());
  }

  // The FAILED check `name` of case `id` (mode `mode`) in the report, or null.
  static json FailedCheck(const json& report, const std::string& id, const std::string& mode,
                          const std::string& name) {
    for (const json& c : report.value("cases", json::array()))
      if (c.value("id", "") == id && c.value("mode", "") == mode)
        for (const json& check : c.value("checks", json::array()))
          if (check.value("check", "") == name && check.value("verdict", "") == "FAILED")
            return check;
    return nullptr;
  }

  int scripts_ = 0;
};

// --- §4: the locale a failure needs -------------------------------------------------------------

TEST_F(CheckDiagnosticsTest, CharacterLengthsFailOnlyUnderAUtf8LocaleAndTheReportSaysSo) {
  auto locale = dxt::harness::FindUtf8Locale();
  if (!locale) GTEST_SKIP() << "this machine has no UTF-8 locale";
  // 3.1.13 sends "clé" and "naïve café ☕": under UTF-8 their lengths in characters are short.
  DxtRun r = Check("--timeout 2 --cases 3.1.13", "utf8_char_lengths");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(r.report.is_object()) << r.out << r.err;
  EXPECT_EQ(r.report["text_locale"], *locale);
  for (const char* mode : {"map", "reduce"}) {
    json framing = FailedCheck(r.report, "3.1.13", mode, "framing");
    ASSERT_FALSE(framing.is_null()) << mode << "\n" << r.out;
    EXPECT_THAT(framing["detail"].get<std::string>(),
                HasSubstr("fails only under LANG=" + *locale + " (passes under LANG=C): "));
  }
  for (const json& c : r.report["cases"]) EXPECT_EQ(c.value("locale", ""), *locale);
  EXPECT_THAT(r.out, HasSubstr("FAILED       3.1.13 [map, LANG=" + *locale + "]"));
  EXPECT_THAT(r.out, HasSubstr("text cases also under LANG=" + *locale));
}

TEST_F(CheckDiagnosticsTest, CharacterLengthsPassTheWholeCatalogueUnderLangC) {
  DxtRun r = Check("--locale none -q", "utf8_char_lengths");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("LANG=C only"));
  ASSERT_TRUE(r.report.is_object());
  EXPECT_EQ(r.report["summary"]["FAILED"], 0);
  EXPECT_FALSE(r.report.contains("text_locale"));
}

TEST_F(CheckDiagnosticsTest, TheWholeCatalogueFailsTheSubjectOnlyInItsTextCases) {
  auto locale = dxt::harness::FindUtf8Locale();
  if (!locale) GTEST_SKIP() << "this machine has no UTF-8 locale";
  DxtRun r = Check("-q --timeout 2", "utf8_char_lengths");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  ASSERT_TRUE(r.report.is_object());
  int failed = 0;
  for (const json& c : r.report["cases"]) {
    if (c.value("verdict", "") != "FAILED") continue;
    ++failed;
    EXPECT_EQ(c.value("locale", ""), *locale) << c.dump();
  }
  EXPECT_GE(failed, 2);
}

TEST_F(CheckDiagnosticsTest, AnUnknownLocaleIsAUsageError) {
  DxtRun r = Check("--locale xx_NOPE.UTF-8", "good_echo");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--locale: locale xx_NOPE.UTF-8 is not available"));
  // A locale the user set with --env is the program's locale: no second run (auto).
  DxtRun env = Check("--env LANG=C --cases 3.1.13", "utf8_char_lengths");
  EXPECT_EQ(env.exit_code, 0) << env.out;
  EXPECT_THAT(env.out, HasSubstr("LANG=C only"));
}

// --- §5: diffs people can act on ---------------------------------------------------------------

json Pairs(int n) {
  json out = json::array();
  for (int i = 0; i < n; ++i)
    out.push_back({{"key", "k" + std::to_string(i)}, {"value", "v" + std::to_string(i)}});
  return out;
}

TEST_F(CheckDiagnosticsTest, ExactMismatchShowsTheFirstDifferingIndexWithContext) {
  json input = Pairs(5);
  std::string script = WriteScript(
      {{"cases", {{{"id", "d.1"}, {"mode", "reduce"}, {"input", input},
                   {"expect", {{"output", input}, {"logs", {"^finished"}}}}}}}});
  DxtRun r = Check("--script " + script, "drops_third");
  EXPECT_EQ(r.exit_code, 1);
  json content = FailedCheck(r.report, "d.1", "reduce", "content");
  ASSERT_FALSE(content.is_null()) << r.out;
  std::string d = content["detail"];
  EXPECT_THAT(d, HasSubstr("output pair 2 (stdout offset 36): key differs at byte 1 (stdout offset "
                           "41): expected 6b [32] (2 bytes), got 6b [33] (2 bytes); expected "
                           "(\"k2\", \"v2\"), got (\"k3\", \"v3\")"));
  EXPECT_THAT(d, HasSubstr("expected 5 output pair(s), got 4, pairs 0-1 match"));
  EXPECT_THAT(d, HasSubstr("around it expected [0] (\"k0\", \"v0\")"));
  // The log expectation is reported too, not hidden behind the output's.
  EXPECT_THAT(d, HasSubstr("also no **<MSG>/**<ERR> line matched /^finished/"));
  EXPECT_EQ(content["rule"], "expect.output, expect.logs");
}

TEST_F(CheckDiagnosticsTest, MultisetMismatchListsEveryMissingAndUnexpectedPairBounded) {
  json input = Pairs(5);
  std::string dropped = WriteScript(
      {{"cases", {{{"id", "m.1"}, {"mode", "map"}, {"input", input},
                   {"expect", {{"output", input}, {"order", "multiset"}}}}}}});
  DxtRun r = Check("--script " + dropped, "drops_third");
  json content = FailedCheck(r.report, "m.1", "map", "content");
  ASSERT_FALSE(content.is_null()) << r.out;
  EXPECT_THAT(content["detail"].get<std::string>(),
              HasSubstr("output differs as a multiset (expected 5 pair(s), got 4): 1 missing: "
                        "(\"k2\", \"v2\")"));
  // 30 pairs whose values all come back changed: 30 missing, 30 unexpected, 10 of each shown.
  json many = Pairs(30);
  std::string changed = WriteScript(
      {{"cases", {{{"id", "m.2"}, {"mode", "reduce"}, {"input", many},
                   {"expect", {{"output", many}, {"order", "multiset"}}}}}}});
  DxtRun w = Check("--script " + changed, "wrong_content");
  json c2 = FailedCheck(w.report, "m.2", "reduce", "content");
  ASSERT_FALSE(c2.is_null()) << w.out;
  std::string d = c2["detail"];
  EXPECT_THAT(d, HasSubstr("30 missing: (\"k0\", \"v0\")"));
  EXPECT_THAT(d, HasSubstr("30 unexpected: (\"k0\", \"w0\")"));
  size_t shown = 0;
  for (size_t at = d.find("(\"k"); at != std::string::npos; at = d.find("(\"k", at + 1)) ++shown;
  EXPECT_EQ(shown, 20u);
  EXPECT_THAT(d, HasSubstr("... and 20 more; 30 unexpected"));
  EXPECT_THAT(d, ::testing::EndsWith("... and 20 more"));
}

// More output than a transcript keeps (64 MiB; 66 pairs with 1 MiB keys): the same diffs, from
// the one streamed comparison, in both orders.
TEST_F(CheckDiagnosticsTest, OutputsLargerThanATranscriptKeepsGetTheSameDiffs) {
  json input = json::array();
  for (int i = 0; i < 66; ++i) {
    std::string key = "k" + std::to_string(i) + "-";
    key.resize(1 << 20, static_cast<char>('a' + i % 26));
    input.push_back({{"key", key}, {"value", "v" + std::to_string(i)}});
  }
  json exact = {{"id", "big.exact"}, {"mode", "reduce"}, {"input", input},
                {"expect", {{"output", input}}}};
  json multiset = exact;
  multiset["id"] = "big.multiset";
  multiset["expect"]["order"] = "multiset";
  DxtRun r = Check("--no-retry --script " + WriteScript({{"cases", {exact, multiset}}}),
                   "drops_third");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto pair = [](int i) {
    const std::string n = std::to_string(i);
    return "(\"k" + n + "-" + std::string(32 - 2 - n.size(), static_cast<char>('a' + i % 26)) +
           "...\" (1048576 bytes), \"v" + n + "\")";
  };
  json e = FailedCheck(r.report, "big.exact", "reduce", "content");
  ASSERT_FALSE(e.is_null()) << r.out;
  std::string d = e["detail"];
  EXPECT_THAT(d, HasSubstr("output pair 2 (stdout offset 2097184): key differs at byte 1"));
  EXPECT_THAT(d, HasSubstr("around it expected [0] " + pair(0) + ", [1] " + pair(1) + ", [2] " +
                           pair(2) + ", [3] " + pair(3) + ", [4] " + pair(4) + "; got [0] " +
                           pair(0) + ", [1] " + pair(1) + ", [2] " + pair(3) + ", [3] " + pair(4) +
                           ", [4] " + pair(5) + ";"));
  EXPECT_THAT(d, HasSubstr("expected 66 output pair(s), got 65, pairs 0-1 match"));
  json m = FailedCheck(r.report, "big.multiset", "reduce", "content");
  ASSERT_FALSE(m.is_null()) << r.out;
  EXPECT_EQ(m["detail"], "output differs as a multiset (expected 66 pair(s), got 65): 1 missing: " +
                             pair(2) + " [expected pair 2]");
}

TEST_F(CheckDiagnosticsTest, IdentityModeShowsTheFirstDifferingByteWhereExcerptsLookAlike) {
  // 3.1.16: one pair with a 64 KiB value (far longer than the 32 bytes an excerpt prints).
  DxtRun r = Check("--expect identity --mode reduce --cases 3.1.16", "drops_third");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  json content = FailedCheck(r.report, "3.1.16", "reduce", "content");
  ASSERT_FALSE(content.is_null()) << r.out;
  std::string d = content["detail"];
  EXPECT_THAT(d, HasSubstr("value differs at byte 100 ("));
  EXPECT_THAT(d, ::testing::MatchesRegex(".*expected \\.\\.\\. ([0-9a-f]{2} ){8}\\[[0-9a-f]{2}\\].*"));
}

// --- §6: the progress line --------------------------------------------------------------------

// `dxt check ARGS` with stdout and stderr on a pseudo-terminal: all it wrote.
std::string CheckOnPty(const std::string& args, const std::vector<std::string>& env = {}) {
  return RunOnPty(std::string("exec timeout -k 5 120 ") + kDxt + " check " + args, env).out;
}

TEST_F(CheckDiagnosticsTest, ProgressLineOnATerminalIsErasedBeforeTheSummary) {
  std::string echo = ShellQuote(std::string(kPrograms) + "good_echo");
  std::string tty = CheckOnPty("--suite core " + echo);
  EXPECT_THAT(tty, ::testing::ContainsRegex("[0-9]+/[0-9]+, ETA [0-9?]"));
  EXPECT_THAT(tty, HasSubstr(" OK, 0 NON-STRICT, 0 INFORMATIONAL, 0 FAILED, 0 SKIPPED"));
  // Erased: after the last progress line comes "\r<spaces>\r" and then only the final output.
  size_t last = tty.rfind(", ETA ");
  ASSERT_NE(last, std::string::npos);
  std::string after = tty.substr(last);
  size_t erase = after.find("\r ");
  ASSERT_NE(erase, std::string::npos) << after;
  size_t back = after.find('\r', erase + 1);
  ASSERT_NE(back, std::string::npos);
  EXPECT_EQ(after.substr(erase + 1, back - erase - 1).find_first_not_of(' '), std::string::npos);
  EXPECT_THAT(after.substr(back), HasSubstr(" case(s): "));
  // No escape sequence, so NO_COLOR holds with the line too.
  std::string no_color = CheckOnPty("--suite core " + echo, {"NO_COLOR=1"});
  EXPECT_THAT(no_color, HasSubstr(", ETA "));
  EXPECT_THAT(no_color, Not(HasSubstr("\033")));
  // -q: nothing but the summary, no progress.
  std::string quiet = CheckOnPty("-q --suite core " + echo);
  EXPECT_THAT(quiet, HasSubstr(" OK, 0 NON-STRICT, 0 INFORMATIONAL, 0 FAILED, 0 SKIPPED"));
  EXPECT_THAT(quiet, Not(HasSubstr("ETA")));
}

TEST_F(CheckDiagnosticsTest, NoProgressLineWhenTheOutputIsNotATerminal) {
  DxtRun r = Check("--suite core", "good_echo");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("ETA")));
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
}

// --- §6: --suite core honours the selection ---------------------------------------------------

TEST_F(CheckDiagnosticsTest, CoreSuiteHonoursCasesListAndParams) {
  DxtRun list = Check("--suite core --cases 2.1 --list", "good_echo");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("2.1.1"));
  EXPECT_THAT(list.out, HasSubstr("2.1.8"));
  EXPECT_THAT(list.out, Not(HasSubstr("2.1.2")));  // in the catalogue, not in core
  EXPECT_THAT(list.out, Not(HasSubstr("5.1.3")));  // in core, not selected
  EXPECT_THAT(list.out, HasSubstr("map,reduce"));  // the modes
  std::ofstream(dir_ / "params.json") << "{\"pattern\": \"a b\"}";
  DxtRun run = Check("--suite core --cases 2.1.8 --params " +
                      ShellQuote((dir_ / "params.json").string()), "good_echo");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  ASSERT_TRUE(run.report.is_object());
  ASSERT_FALSE(run.report["cases"].empty()) << run.out;
  for (const json& c : run.report["cases"]) EXPECT_EQ(c["id"], "2.1.8") << run.out;  // nothing else
  EXPECT_EQ(run.report["summary"]["SKIPPED"], 0) << run.out;
}

TEST_F(CheckDiagnosticsTest, CasesAndExcludeSelectScriptCasesToo) {
  json input = Pairs(2);
  json one = {{"mode", "map"}, {"input", input}, {"expect", {{"output", input}}}};
  json a = one, b = one;
  a["id"] = "pick.1";
  b["id"] = "other.1";
  std::string script = WriteScript({{"cases", {a, b}}});
  DxtRun picked = Check("--script " + script + " --cases pick", "good_echo");
  EXPECT_EQ(picked.exit_code, 0) << picked.out << picked.err;
  ASSERT_TRUE(picked.report.is_object());
  ASSERT_EQ(picked.report["cases"].size(), 1u);
  EXPECT_EQ(picked.report["cases"][0]["id"], "pick.1");
  DxtRun excluded = Check("--script " + script + " --exclude pick", "good_echo");
  ASSERT_TRUE(excluded.report.is_object());
  ASSERT_EQ(excluded.report["cases"].size(), 1u);
  EXPECT_EQ(excluded.report["cases"][0]["id"], "other.1");
  DxtRun typo = Check("--script " + script + " --cases pikc", "good_echo");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("--cases pattern \"pikc\" selects no case of"));
  DxtRun core = Check("--suite core --cases 2.2", "good_echo");
  EXPECT_EQ(core.exit_code, 2);
  EXPECT_THAT(core.err, HasSubstr("--cases 2.2 selects no case of --suite core"));
}

}  // namespace
