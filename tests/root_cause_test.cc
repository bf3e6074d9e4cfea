// Issue 10 §2-§4: `dxt check` names the root cause first. Each broken subject below imitates a
// real defect whose symptoms used to be reported instead of it; the test runs the real `dxt`
// executable as a user would and asserts, from the JSON report and the text:
//  - the first root problem is the defect: its check and rule (and cause);
//  - the symptoms the defect causes are FAILED checks marked as its consequence (caused_by), in
//    the JSON and "(consequence of ID/CHECK)" in the text;
//  - the text starts with the root problems (after the header line) and ends with the summary;
//  - the program's own last stderr lines appear with the failure, without --verbose.
#include <algorithm>
#include <filesystem>
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
using ::testing::StartsWith;

constexpr char kPrograms[] = DXT_BINARY_DIR "/tests/programs/";

struct Subject {
  const char* name;
  const char* program;
  const char* args;        // dxt check options: mode, selection, timeout
  const char* check;       // the root problem's check and rule
  const char* rule;
  const char* cause;       // its cause ("" = any)
  bool consequences;       // some FAILED check is marked as its consequence
  const char* stderr_text; // shown with the failure without --verbose ("" = none asserted)
  const char* text;        // in the root problem's text
};

const Subject kSubjects[] = {
    {"scanf_params", "scanf_params", "--mode map --timeout 1", "params", "R2.3", "past-params",
     true, "short read", "read past the parameter block at stdin offset 2"},
    {"one_read", "one_read", "--mode map --timeout 2", "framing", "R3.1", "short-read", true,
     "over 1 GiB", "misread its input: lost its place inside pair"},
    {"no_flush_large", "no_flush_large", "--mode map --timeout 1", "flushing", "R5.2", "buffered",
     true, "", "buffered its output"},
    {"ignores_params_reduce", "ignores_params_reduce.py", "--mode reduce --timeout 5", "params",
     "R2.1", "skips-params", true, "struct.error", "does not read the"},
    {"exec_fails", "exec_fails.sh", "--mode map --timeout 2", "exit", "R8.1", "could-not-start",
     true, "not-installed-mapper", "ended before reading any input"},
};

void PrintTo(const Subject& s, std::ostream* os) { *os << s.name; }

using dxt::testing::DxtRun;
using dxt::testing::ReadFile;
using dxt::testing::ShellQuote;

class RootCauseTest : public dxt::testing::CliTest<testing::TestWithParam<Subject>> {};

TEST_P(RootCauseTest, NamesTheRootCauseFirst) {
  const Subject& s = GetParam();
  const std::string program = std::string(kPrograms) + s.program;
  ASSERT_TRUE(fs::exists(program)) << program;
  const DxtRun r = Check(s.args + (" " + ShellQuote(program)), {.merge_stderr = true});
  const std::string& text = r.out;
  ASSERT_EQ(r.exit_code, 1) << s.args << "\n" << text;
  const json& report = r.report;
  ASSERT_TRUE(report.is_object()) << text;

  // The JSON leads with the root problems; the first is the defect.
  ASSERT_TRUE(report.contains("root_problems")) << text;
  const json& problems = report["root_problems"];
  ASSERT_FALSE(problems.empty()) << text;
  ASSERT_LE(problems.size(), 3u);
  const json& first = problems[0];
  EXPECT_EQ(first.value("check", ""), s.check) << text.substr(0, 4000);
  EXPECT_EQ(first.value("rule", ""), s.rule) << text.substr(0, 4000);
  if (*s.cause) {
    EXPECT_EQ(first.value("cause", ""), s.cause);
  }
  EXPECT_GE(first.value("cases", 0), 1);
  EXPECT_THAT(first.value("detail", ""), HasSubstr(s.text));
  EXPECT_FALSE(first.value("fix", "").empty()) << "no fix hint for " << s.name;
  const auto keys = [&] {
    std::vector<std::string> k;
    const auto ordered = nlohmann::ordered_json::parse(ReadFile(dir_ / "report.json"));  // file order
    for (auto it = ordered.begin(); it != ordered.end(); ++it) k.push_back(it.key());
    return k;
  }();
  const auto at = [&](const char* key) {
    return std::find(keys.begin(), keys.end(), key) - keys.begin();
  };
  EXPECT_LT(at("root_problems"), at("cases"));
  EXPECT_LT(at("root_problems"), at("summary"));

  // Symptoms are marked as consequences of the root check of their case, never counted alone.
  int consequences = 0;
  for (const json& c : report["cases"]) {
    for (const json& check : c["checks"]) {
      if (!check.contains("caused_by")) continue;
      EXPECT_EQ(check.value("verdict", ""), "FAILED");
      const json& by = check["caused_by"];
      EXPECT_EQ(by.value("case", ""), c.value("id", "")) << check.dump();
      if (by.value("check", "") == s.check) ++consequences;
      const std::string marker = "(consequence of " + c.value("id", "") + "/" +
                                 by.value("check", "") + ")";
      EXPECT_THAT(text, HasSubstr(marker));
    }
  }
  if (s.consequences) {
    EXPECT_GT(consequences, 0) << text.substr(0, 4000);
  }
  for (size_t i = 0; i < problems.size(); ++i) {
    for (size_t j = i + 1; j < problems.size(); ++j) {
      EXPECT_FALSE(problems[i]["check"] == problems[j]["check"] &&
                   problems[i]["rule"] == problems[j]["rule"] &&
                   problems[i]["cause"] == problems[j]["cause"])
          << "one root problem listed twice";
    }
  }

  // Text: the header line, then the root problems; the summary line is last.
  const size_t header_end = text.find('\n');
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_THAT(text.substr(header_end + 1), StartsWith("Root problem")) << text.substr(0, 2000);
  EXPECT_THAT(text, HasSubstr(std::string("root problem 1 of ")));
  const std::string first_line =
      "root problem 1 of " + std::to_string(report.value("root_problems_total", 0)) + ": " +
      s.check + " (" + s.rule + "): ";
  EXPECT_THAT(text, HasSubstr(first_line)) << text.substr(0, 3000);
  EXPECT_LT(text.find(first_line), text.find("\nFAILED ")) << "root problems come first";
  const size_t last = text.rfind('\n', text.size() - 2);
  EXPECT_THAT(text.substr(last + 1), HasSubstr(" case(s): ")) << "the summary line is last";
  if (*s.stderr_text) {
    EXPECT_THAT(text, HasSubstr("its stderr ends:"));
    const size_t shown = text.find("its stderr ends:");
    EXPECT_THAT(text.substr(shown, text.find('\n', shown) - shown), HasSubstr(s.stderr_text));
  }
}

INSTANTIATE_TEST_SUITE_P(Subjects, RootCauseTest, testing::ValuesIn(kSubjects),
                         [](const testing::TestParamInfo<Subject>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
