// Checks over synthetic transcripts, the script reader's errors, the report formats, and the
// CLI's usage errors (exit 2).
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/case.h"
#include "harness/checks.h"
#include "harness/report.h"
#include "nlohmann/json.hpp"

namespace dxt::harness {
namespace {

using ::testing::HasSubstr;

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
      {"exit", "R8.1", [](Transcript& t) { t.exit = {true, 3, 0}; }},
      {"crash", "R8.1", [](Transcript& t) { t.exit = {false, -1, 11}; }},
      {"err", "R7.2", [](Transcript& t) { t.err_lines = 1; }},
      {"log", "R7.1", [](Transcript& t) { t.other_lines = 1; }},
      {"log", "R7.3", [](Transcript& t) { t.unterminated_lines = 1; }},
      {"sandbox", "R1.3", [](Transcript& t) { t.sandbox.created = {"x.tmp"}; }},
      {"hang", "R6.3", [](Transcript& t) { t.descendant_held_pipes = true; }},
      {"hang", "R5.4",
       [](Transcript& t) {
         t.expired_waits = {"exit after stdin was closed (10 ms)"};
         t.killed_by_driver = true;
       }},
      {"consumption", "R5.4", [](Transcript& t) { t.stdin_broken = true; }},
      {"framing", "R3.3",
       [](Transcript& t) { t.stdout_decode = absl::DataLossError("offset 4: stream ended"); }},
      {"framing", "R4.2",
       [](Transcript& t) {
         t.stdout_decode = absl::InvalidArgumentError("offset 0: count exceeds limit");
         t.stdout_error_bytes = "hello\n";
       }},
      {"limits", "R3.2",
       [](Transcript& t) {
         t.stdout_decode = absl::InvalidArgumentError("offset 4: key length exceeds limit");
         t.stdout_error_bytes = "\xff\xff\xff\xff";
       }},
      {"map-protocol", "R5.3",
       [](Transcript& t) { t.extra_list_violation = "R5.3: result list 0 arrived early"; }},
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
  EXPECT_THAT(Find(JudgeCase(c, t), "content").detail, HasSubstr("expected 2 output pair(s), got 1"));
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
  Case probe;
  for (const Case& c : CoreCases())
    if (c.id == "core.params.2") probe = c;
  ASSERT_TRUE(probe.params_probe);
  Transcript t = CleanMap();
  t.stdin_head = ParamBlockOf(probe);
  for (const auto& [k, v] : probe.input) (void)codec::AppendPair(&t.stdin_head, k, v);
  t.stdin_bytes_queued = t.stdin_head.size();
  t.pairs_queued = t.pairs_total = probe.input.size();
  uint64_t first = 0;
  EXPECT_EQ(PairsSeenBySkipper(t.stdin_head, &first), probe.input.size() - 1);
  EXPECT_EQ(first, 0x0A30u);
  t.lists_completed = probe.input.size();
  EXPECT_EQ(Find(JudgeCase(probe, t), "params").verdict, Verdict::kOk);
  t.lists_completed = probe.input.size() - 1;
  auto r = Find(JudgeCase(probe, t), "params");
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_EQ(r.rule, "R2.1");
  t.exit = {false, -1, 11};  // a crash explains the missing list instead
  EXPECT_EQ(Find(JudgeCase(probe, t), "params").verdict, Verdict::kOk);
}

TEST(ChecksTest, CoreSetCoversBothModesAndHasUniqueIds) {
  auto cases = CoreCases();
  EXPECT_GE(cases.size(), 10u);
  std::set<std::string> ids;
  int maps = 0;
  for (const auto& c : cases) {
    EXPECT_TRUE(ids.insert(c.id).second) << c.id;
    EXPECT_TRUE(c.id.starts_with("core.")) << c.id;
    maps += c.mode == Mode::kMap;
  }
  EXPECT_GT(maps, 0);
  EXPECT_LT(maps, static_cast<int>(cases.size()));
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
      {"{\"cases\": [", "s.json: invalid JSON"},
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

TEST(ScriptTest, ParamsFileMergesIntoDictionaryCases) {
  auto extra = ParseParamsFile(R"({"mine":"1","test1":"over"})", "p.json");
  ASSERT_TRUE(extra.ok());
  auto cases = CoreCases();
  MergeParams(*extra, &cases);
  for (const auto& c : cases) {
    if (c.fixed_params) {
      EXPECT_EQ(ParamBlockOf(c), "0\n") << c.id;
      continue;
    }
    EXPECT_NE(ParamBlockOf(c).find("4 mine 1 1\n"), std::string::npos) << c.id;
  }
}

std::vector<CaseResult> SampleResults() {
  CaseResult ok{"core.map.1", "fine", Mode::kMap, {"R5.1"}, Verdict::kOk, {}, "", 12.4, ""};
  ok.checks.push_back({"exit", Verdict::kOk, "", ""});
  CaseResult bad{"core.reduce.1", "bad <&> \"q\"", Mode::kReduce, {"R6.1"}, Verdict::kFailed,
                 {}, "", 3, ""};
  bad.checks.push_back(
      {"log", Verdict::kFailed, "R7.1", std::string("line \x01\x02 <b> & \xff\xfe end", 20)});
  return {ok, bad};
}

TEST(ReportTest, JsonHasTheDocumentedShape) {
  auto j = nlohmann::json::parse(RenderJson({"0.1.0", "/p"}, SampleResults()));
  EXPECT_EQ(j["tool"], "dxt");
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["program"], "/p");
  for (const char* k : {"OK", "NON-STRICT", "INFORMATIONAL", "FAILED", "SKIPPED"})
    EXPECT_TRUE(j["summary"].contains(k)) << k;
  EXPECT_EQ(j["summary"]["OK"], 1);
  EXPECT_EQ(j["summary"]["FAILED"], 1);
  const auto& c = j["cases"][1];
  for (const char* k : {"id", "mode", "title", "rules", "verdict", "checks", "duration_ms"})
    EXPECT_TRUE(c.contains(k)) << k;
  EXPECT_EQ(c["mode"], "reduce");
  EXPECT_EQ(c["checks"][0]["check"], "log");
  EXPECT_EQ(c["checks"][0]["rule"], "R7.1");
  EXPECT_EQ(c["checks"][0]["verdict"], "FAILED");
}

TEST(ReportTest, JUnitIsWellFormedWhateverTheBytes) {
  std::string x = RenderJUnit({"0.1.0", "/p"}, SampleResults());
  EXPECT_THAT(x, HasSubstr("<testsuites"));
  EXPECT_THAT(x, HasSubstr("<failure message=\"log (R7.1)\""));
  EXPECT_THAT(x, HasSubstr("bad &lt;&amp;&gt; &quot;q&quot;"));
  EXPECT_THAT(x, HasSubstr("\\x01\\x02"));
  EXPECT_THAT(x, HasSubstr("\\xff\\xfe"));
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
  std::remove(bad.c_str());
}

TEST(CliTest, ProgramThatIgnoresTheProtocolFails) {
  // /bin/true reads nothing and exits at once: consumption and missing lists must fail it.
  EXPECT_EQ(Dxt("--timeout 1 --mode reduce /bin/true"), 1);
}

}  // namespace
}  // namespace dxt::harness
