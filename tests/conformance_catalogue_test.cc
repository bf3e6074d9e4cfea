// The catalogue as data: size, IDs, rule coverage, generators, materialisation, selection,
// baselines, retry rule, thread pool, and slow delivery (TrickleIo over a fake process).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <numeric>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "codec/param_block.h"
#include "conformance/baseline.h"
#include "conformance/catalogue.h"
#include "conformance/rules.h"
#include "conformance/runner.h"
#include "conformance/select.h"
#include "conformance/trickle_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dxt::conformance {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const Entry& Find(const std::string& id) {
  for (const Entry& e : Catalogue())
    if (e.id == id) return e;
  ADD_FAILURE() << "no entry " << id;
  return Catalogue().front();
}

TEST(CatalogueTest, HasAtLeastHundredEntriesWithUniqueSortedIds) {
  const auto& cat = Catalogue();
  EXPECT_GE(cat.size(), 100u);
  auto all = Plan(cat, {});
  ASSERT_TRUE(all.ok());
  std::printf("catalogue: %zu entries, %zu cases\n", cat.size(), all->size());
  std::set<std::string> ids;
  for (size_t i = 0; i < cat.size(); ++i) {
    EXPECT_TRUE(ids.insert(cat[i].id).second) << "duplicate " << cat[i].id;
    if (i > 0) {
      EXPECT_TRUE(IdLess(cat[i - 1].id, cat[i].id)) << cat[i - 1].id << " " << cat[i].id;
    }
    EXPECT_FALSE(cat[i].title.empty()) << cat[i].id;
  }
}

TEST(CatalogueTest, IdsFollowTheRuleTheyTestAndCiteOnlySpecRules) {
  for (const Entry& e : Catalogue()) {
    ASSERT_FALSE(e.rules.empty()) << e.id;
    for (const std::string& r : e.rules) EXPECT_TRUE(IsSpecRule(r)) << e.id << " cites " << r;
    // "2.3.4" is a case of R2.3 (or of its section's rules, for section-level IDs).
    std::string section = "R" + e.id.substr(0, e.id.rfind('.'));
    EXPECT_NE(std::find(e.rules.begin(), e.rules.end(), section), e.rules.end())
        << e.id << " does not cite " << section;
    if (e.policy != Policy::kStrict) {
      EXPECT_FALSE(e.policy_reason.empty()) << e.id;
    }
  }
}

TEST(CatalogueTest, EveryRuleOfR1ToR8IsCovered) {
  auto coverage = RuleCoverage(Catalogue());
  ASSERT_EQ(coverage.size(), SpecRules().size());
  for (const auto& [rule, ids] : coverage) EXPECT_FALSE(ids.empty()) << rule << " uncovered";
  std::string text = FormatRuleCoverage(Catalogue());
  EXPECT_THAT(text, HasSubstr("R5.2  map: write and flush"));
  EXPECT_THAT(text, Not(HasSubstr("(none)")));
}

TEST(CatalogueTest, CoversTheIssueChecklist) {
  // A few landmarks of issue 4's list, by generated size.
  auto max_value = [](const Entry& e) {
    size_t m = 0;
    for (const auto& g : e.input.generated) m = std::max(m, g.value_size);
    return m;
  };
  auto pairs = [](const Entry& e) {
    uint64_t n = e.input.literal.size();
    for (const auto& g : e.input.generated) n += g.count;
    return n;
  };
  EXPECT_EQ(max_value(Find("3.1.20")), 16u << 20);
  EXPECT_EQ(max_value(Find("3.1.16")), 64u << 10);
  EXPECT_EQ(pairs(Find("3.1.21")), 100000u);
  EXPECT_EQ(pairs(Find("6.1.3")), 100000u);
  EXPECT_EQ(pairs(Find("6.1.1")), 0u);
  EXPECT_EQ(Find("5.1.10").chunking.max_chunk, 1u);
  EXPECT_TRUE(Find("2.4.1").params.raw);
  EXPECT_EQ(Find("7.4.1").policy, Policy::kInformational);
}

TEST(GeneratorTest, IsDeterministicAndSized) {
  Generator g;
  g.count = 3;
  g.key_size = 5;
  g.value_size = 300;
  g.pattern = Pattern::kRandom;
  g.seed = 7;
  g.value_prefix = "pre";
  auto a = Generate(g), b = Generate(g);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 3u);
  for (const auto& [k, v] : a) {
    EXPECT_EQ(k.size(), 5u);
    EXPECT_EQ(v.size(), 300u);
    EXPECT_TRUE(absl::StartsWith(v, "pre"));
  }
  EXPECT_NE(a[0].second, a[1].second);
  g.seed = 8;
  EXPECT_NE(Generate(g)[0].second, a[0].second);
  g.pattern = Pattern::kAllBytes;
  g.value_size = 256;
  g.value_prefix.clear();
  const std::string all = Generate(g)[0].second;
  std::set<char> bytes(all.begin(), all.end());
  EXPECT_EQ(bytes.size(), 256u);
}

TEST(MaterialiseTest, IdentityExpectsTheInputBackAndStrictHardensNonStrict) {
  Entry e;
  e.id = "9.9.9";
  e.rules = {"R3.1"};
  e.input.literal = {{"k", "v"}};
  e.input.generated = {Generator{2, 1, 2, Pattern::kLetters, 0, 0, "", ""}};
  e.policy = Policy::kNonStrict;
  judge::Case plain = Materialise(e, Mode::kMap, {});
  EXPECT_EQ(plain.input.size(), 3u);
  EXPECT_FALSE(plain.expect.output.has_value());
  EXPECT_EQ(plain.policy, Policy::kNonStrict);
  MaterialiseOptions o;
  o.identity = true;
  o.strict = true;
  judge::Case id = Materialise(e, Mode::kReduce, o);
  ASSERT_TRUE(id.expect.output.has_value());
  EXPECT_EQ(*id.expect.output, id.input);
  EXPECT_FALSE(id.expect.multiset);
  EXPECT_EQ(id.policy, Policy::kStrict);
  EXPECT_EQ(id.mode, Mode::kReduce);
}

TEST(MaterialiseTest, ParamsMergeUnlessFixedAndRawIsSentAsIs) {
  MaterialiseOptions o;
  o.extra_params = {{"needed", "1"}};
  judge::Case merged = Materialise(Find("2.1.2"), Mode::kMap, o);
  EXPECT_EQ(merged.params, (codec::ParamDict{{"key", "value"}, {"needed", "1"}}));
  judge::Case fixed = Materialise(Find("2.5.5"), Mode::kMap, o);
  EXPECT_EQ(fixed.params.back(), (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(fixed.input.front().first.size(), 32u);  // LE length starts with ' '
  judge::Case raw = Materialise(Find("2.4.1"), Mode::kReduce, {});
  EXPECT_EQ(judge::ParamBlockOf(raw), "11\nhello world");
  EXPECT_EQ(judge::ParamBlockOf(Materialise(Find("2.2.1"), Mode::kMap, {})), "0\n");
}

TEST(SelectTest, PrefixGlobAndRule) {
  const Entry& e = Find("2.3.4");
  EXPECT_TRUE(Selects("2", e));
  EXPECT_TRUE(Selects("2.3", e));
  EXPECT_TRUE(Selects("2.3.", e));
  EXPECT_TRUE(Selects("2.3.4", e));
  EXPECT_FALSE(Selects("2.3.41", e));
  EXPECT_FALSE(Selects("2.3.1", Find("2.3.10")));
  EXPECT_TRUE(Selects("2.*.4", e));
  EXPECT_FALSE(Selects("3.*", e));
  EXPECT_TRUE(Selects("R2.3", e));
  EXPECT_FALSE(Selects("R5.2", e));
}

TEST(SelectTest, PlanAppliesCasesExcludeAndMode) {
  Selection s;
  s.include = {"5.1", "6.1.1"};
  s.exclude = {"5.1.1?"};
  auto plan = Plan(Catalogue(), s);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> ids;
  for (const CaseRef& r : *plan) ids.push_back(r.entry->id);
  EXPECT_EQ(ids.front(), "5.1.1");
  EXPECT_EQ(ids.back(), "6.1.1");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "5.1.10"), 0);
  s = {};
  s.include = {"1.1.1"};
  s.mode = Mode::kReduce;
  plan = Plan(Catalogue(), s);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].mode, Mode::kReduce);
  s = {};
  s.exclude = {"9.9"};
  EXPECT_THAT(Plan(Catalogue(), s).status().message(), HasSubstr("--exclude pattern \"9.9\""));
  auto all = Plan(Catalogue(), {});
  ASSERT_TRUE(all.ok());
  EXPECT_GT(all->size(), Catalogue().size());  // both modes for most entries
}

TEST(SelectTest, ListIsIdModesRulesTitle) {
  std::vector<Entry> two = {Find("2.3.4"), Find("5.2.1")};
  std::string text = FormatList(two);
  EXPECT_EQ(text,
            "2.3.4  map,reduce  R2.3  newlines in keys and values\n"
            "5.2.1  map         R5.2  five tiny pairs: each list flushed before the next pair\n");
}

// --suite core is a selection of the catalogue, not a second case list: every core ID is an
// entry, both modes are covered, and the parameter-block probe is among them.
TEST(SelectTest, CoreSelectionNamesCatalogueEntriesInBothModes) {
  const auto& core = CoreSelection();
  EXPECT_GE(core.size(), 10u);
  int maps = 0, reduces = 0;
  for (const std::string& id : core) {
    auto plan = Plan(Catalogue(), {{id}, {}, std::nullopt});
    ASSERT_TRUE(plan.ok()) << id << ": " << plan.status();
    ASSERT_FALSE(plan->empty()) << id;
    for (const CaseRef& r : *plan) {
      EXPECT_EQ(r.entry->id, id);
      (r.mode == Mode::kMap ? maps : reduces)++;
    }
  }
  EXPECT_GT(maps, 3);
  EXPECT_GT(reduces, 3);
  EXPECT_NE(std::find(core.begin(), core.end(), "2.1.8"), core.end());
}

TEST(BaselineTest, ParsesAndRejectsWithPlaces) {
  auto b = ParseBaseline(
      R"({"expected_failures":[{"id":"2.3.4","mode":"map","reason":"C parser"},
                               {"id":"5.2.1","reason":"buffers"}]})",
      "base.json");
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->expected_failures.size(), 2u);
  EXPECT_NE(b->Find("2.3.4", Mode::kMap), nullptr);
  EXPECT_EQ(b->Find("2.3.4", Mode::kReduce), nullptr);
  EXPECT_NE(b->Find("5.2.1", Mode::kReduce), nullptr);
  EXPECT_THAT(ParseBaseline(R"({"expected_failures":[{"id":"1","mode":"x","reason":"r"}]})", "b")
                  .status()
                  .message(),
              HasSubstr("b: expected_failures[0].mode"));
  EXPECT_THAT(ParseBaseline(R"({"expected_failures":[{"id":"1"}]})", "b").status().message(),
              HasSubstr("reason"));
  EXPECT_FALSE(ParseBaseline("{", "b").ok());
}

TEST(BaselineTest, SeparatesNewFailuresFromNewlyPassing) {
  auto b = ParseBaseline(
      R"({"expected_failures":[{"id":"1.1.1","reason":"known"},{"id":"4.4.4","reason":"gone"}]})",
      "b");
  ASSERT_TRUE(b.ok());
  std::vector<Outcome> outcomes = {
      {"1.1.1", Mode::kMap, Verdict::kFailed, false},        // known
      {"1.1.1", Mode::kReduce, Verdict::kOk, false},         // newly passing
      {"2.2.2", Mode::kMap, Verdict::kFailed, false},        // new failure
      {"3.3.3", Mode::kMap, Verdict::kInformational, true},  // flaky
  };
  BaselineReport r = CompareWithBaseline(outcomes, *b);
  ASSERT_EQ(r.new_failures.size(), 1u);
  EXPECT_EQ(r.new_failures[0].id, "2.2.2");
  ASSERT_EQ(r.known_failures.size(), 1u);
  ASSERT_EQ(r.newly_passing.size(), 1u);
  EXPECT_EQ(r.newly_passing[0].mode, Mode::kReduce);
  ASSERT_EQ(r.flaky.size(), 1u);
  ASSERT_EQ(r.not_run.size(), 1u);
  EXPECT_EQ(r.not_run[0].id, "4.4.4");
  EXPECT_EQ(r.ExitCode(), 1);
  outcomes.erase(outcomes.begin() + 2);
  EXPECT_EQ(CompareWithBaseline(outcomes, *b).ExitCode(), 0);  // only the known failure left
  std::string text = FormatBaselineReport(r, *b);
  EXPECT_THAT(text, HasSubstr("NEW FAILURES:\n  2.2.2 map FAILED"));
  EXPECT_THAT(text, HasSubstr("1.1.1 reduce OK  (baseline: known)"));
}

TEST(RetryTest, FailedThenPassIsFlakyAndFailedUnlessAllowed) {
  bool flaky = true;
  EXPECT_EQ(AfterRetry(Verdict::kOk, std::nullopt, false, &flaky), Verdict::kOk);
  EXPECT_FALSE(flaky);
  EXPECT_EQ(AfterRetry(Verdict::kFailed, Verdict::kFailed, false, &flaky), Verdict::kFailed);
  EXPECT_FALSE(flaky);
  EXPECT_EQ(AfterRetry(Verdict::kFailed, Verdict::kOk, false, &flaky), Verdict::kFailed);
  EXPECT_TRUE(flaky);
  EXPECT_EQ(AfterRetry(Verdict::kFailed, Verdict::kOk, true, &flaky), Verdict::kInformational);
  EXPECT_TRUE(flaky);
  EXPECT_EQ(AfterRetry(Verdict::kNonStrict, std::nullopt, true, &flaky), Verdict::kNonStrict);
}

TEST(ParallelForTest, RunsEachIndexOnceAndHeavyOnesAlone) {
  std::vector<std::atomic<int>> hits(200);
  std::vector<size_t> order(hits.size());
  std::iota(order.begin(), order.end(), 0);
  std::atomic<int> heavy_running{0}, max_heavy{0};
  ParallelFor(
      order, 4, [](size_t i) { return i % 10 == 0; },
      [&](size_t i) {
        if (i % 10 == 0) {
          int now = ++heavy_running;
          max_heavy = std::max(max_heavy.load(), now);
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          --heavy_running;
        }
        ++hits[i];
      });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  EXPECT_EQ(max_heavy.load(), 1);
  ParallelFor({}, 4, nullptr, [](size_t) { FAIL(); });
}

TEST(CatalogueTest, PlannedWaitCountsPausesAndQuietPeriods) {
  using std::chrono::milliseconds;
  Entry plain;
  Generator three;
  three.count = 3;
  three.key_size = three.value_size = 4;
  plain.input.generated = {three};
  EXPECT_EQ(PlannedWait(plain), milliseconds(0));
  plain.chunking.pair_pause = milliseconds(30);
  EXPECT_EQ(PlannedWait(plain), milliseconds(90));  // before each of 3 pairs
  plain.chunking.first_pause_only = true;
  EXPECT_EQ(PlannedWait(plain), milliseconds(30));
  EXPECT_GE(PlannedWait(Find("5.2.3")), milliseconds(300));
  EXPECT_GT(PlannedWait(Find("5.3.2")), PlannedWait(Find("5.1.1")));
}

TEST(ParallelForTest, StartsInTheGivenOrder) {
  std::vector<size_t> order = {3, 0, 4, 1, 2};
  std::vector<size_t> seen;
  ParallelFor(order, 1, nullptr, [&](size_t i) { seen.push_back(i); });
  EXPECT_EQ(seen, order);
}

// Heavy cases queued back to back do not hold every worker: while one runs, the others go on with
// light cases, and the set-aside heavy ones still run, one at a time.
TEST(ParallelForTest, WaitingHeavyCasesDoNotBlockLightOnes) {
  const size_t n = 40;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);  // 0..3 heavy, first
  std::vector<std::atomic<int>> hits(n);
  std::atomic<int> heavy_running{0}, max_heavy{0}, heavy_done{0}, light_before_first_heavy{0};
  ParallelFor(
      order, 4, [](size_t i) { return i < 4; },
      [&](size_t i) {
        if (i < 4) {
          int now = ++heavy_running;
          max_heavy = std::max(max_heavy.load(), now);
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          --heavy_running;
          ++heavy_done;
        } else if (heavy_done == 0) {
          ++light_before_first_heavy;
        }
        ++hits[i];
      });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  EXPECT_EQ(max_heavy.load(), 1);
  // Blocking workers would all take a heavy case and wait: no light case could finish before the
  // first heavy one. Here three workers go through the light cases meanwhile.
  EXPECT_GT(light_before_first_heavy.load(), 0);
}

// Calls that only wait (a blocked mode's cases) take no job slot: with 2 jobs, up to 2 of them run
// beside at most 2 others, never more of the others.
TEST(ParallelForTest, WaitsOnlyCallsRunBesideTheJobSlots) {
  const size_t n = 40;
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::vector<std::atomic<int>> hits(n);
  std::atomic<int> waiting{0}, others{0}, max_waiting{0}, max_others{0}, max_all{0};
  ParallelFor(
      order, 2, nullptr,
      [&](size_t i) {
        std::atomic<int>& mine = i % 2 == 0 ? waiting : others;
        std::atomic<int>& mine_max = i % 2 == 0 ? max_waiting : max_others;
        const int now = ++mine;
        mine_max = std::max(mine_max.load(), now);
        max_all = std::max(max_all.load(), waiting.load() + others.load());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        --mine;
        ++hits[i];
      },
      [](size_t i) { return i % 2 == 0; });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  EXPECT_LE(max_others.load(), 2);
  EXPECT_LE(max_all.load(), 4);
  EXPECT_GT(max_all.load(), 2) << "the waits-only calls took job slots";
}

// A fake process that accepts everything queued at once and records each write.
class RecordingIo : public harness::ProcessIo {
 public:
  explicit RecordingIo(std::vector<std::string>* writes) : writes_(writes) {}
  void QueueInput(std::string_view b) override { pending_ += b; }
  uint64_t PendingInput() const override { return pending_.size(); }
  void CloseInput() override { closed_ = true; }
  absl::Status Pump(harness::Clock::time_point deadline, harness::PumpEvents* ev) override {
    if (!pending_.empty()) {
      writes_->push_back(pending_);
      ev->in_written = pending_.size();
      ev->changed = true;
      pending_.clear();
      return absl::OkStatus();
    }
    now_ = std::max(now_, deadline);  // virtual clock: sleep until the deadline
    return absl::OkStatus();
  }
  bool input_closed() const override { return closed_; }
  bool input_broken() const override { return false; }
  bool out_eof() const override { return false; }
  bool err_eof() const override { return false; }
  bool exited() const override { return false; }
  harness::ExitInfo exit_info() const override { return {}; }
  uint64_t UnreadInput() const override { return 0; }
  void KillGroup() override {}
  void AbandonOutput() override {}
  harness::Clock::time_point Now() const override { return now_; }

 private:
  std::vector<std::string>* writes_;
  std::string pending_;
  bool closed_ = false;
  harness::Clock::time_point now_{};
};

TEST(TrickleIoTest, ChunksWithinBoundsPausesAndKeepsBytes) {
  std::vector<std::string> writes;
  Chunking ch{2, 3, std::chrono::milliseconds(5), std::chrono::milliseconds(40), 9};
  TrickleIo io(std::make_unique<RecordingIo>(&writes), ch);
  io.QueueInput("0\n");
  io.QueueInput("abcdefghij");
  io.QueueInput("KLMNOPQ");
  EXPECT_EQ(io.PendingInput(), 19u);
  auto start = io.Now();
  for (int i = 0; i < 200 && io.PendingInput() > 0; ++i) {
    harness::PumpEvents ev;
    ASSERT_TRUE(io.Pump(io.Now() + std::chrono::seconds(1), &ev).ok());
  }
  EXPECT_EQ(io.PendingInput(), 0u);
  std::string all;
  for (const auto& w : writes) {
    EXPECT_LE(w.size(), 3u);
    all += w;
  }
  EXPECT_EQ(all, "0\nabcdefghijKLMNOPQ");
  EXPECT_EQ(writes.front(), "0\n");  // the block: no pair pause, its own chunk
  // Two pair pauses (40 ms) plus chunk pauses (5 ms) inside the pairs: at least 2*40 + 5*5.
  EXPECT_GE(io.Now() - start, std::chrono::milliseconds(105));
}

TEST(TrickleIoTest, ByteByByte) {
  std::vector<std::string> writes;
  Chunking ch;
  ch.min_chunk = ch.max_chunk = 1;
  TrickleIo io(std::make_unique<RecordingIo>(&writes), ch);
  io.QueueInput("0\n");
  io.QueueInput(std::string("\x01\0\0\0k", 5));
  for (int i = 0; i < 50 && io.PendingInput() > 0; ++i) {
    harness::PumpEvents ev;
    ASSERT_TRUE(io.Pump(io.Now() + std::chrono::seconds(1), &ev).ok());
  }
  EXPECT_EQ(writes.size(), 7u);
}

// --params reaches the exact-block cases: the user's entries first, the tricky one still last.
TEST(ParamsMergeTest, ExactBlockCasesGetTheUserEntriesBeforeTheirOwn) {
  MaterialiseOptions o;
  o.extra_params = {{"pattern", "a.*"}, {"empty", "user"}};
  for (const char* id : {"2.5.5", "2.5.6", "2.5.7"}) {
    judge::Case c = Materialise(Find(id), Mode::kMap, o);
    EXPECT_FALSE(c.fixed_params) << id << ": merged, so it must run";
    codec::ParamDict want = {{"pattern", "a.*"}, {"k", "v"}, {"empty", ""}};
    EXPECT_EQ(c.params, want) << id;
  }
  judge::Case probe = Materialise(Find("2.1.8"), Mode::kMap, o);
  EXPECT_FALSE(probe.fixed_params);
  EXPECT_EQ(probe.params, o.extra_params);
  judge::Case plain = Materialise(Find("2.1.2"), Mode::kMap, o);
  codec::ParamDict merged = {{"key", "value"}, {"pattern", "a.*"}, {"empty", "user"}};
  EXPECT_EQ(plain.params, merged);
}

}  // namespace
}  // namespace dxt::conformance
