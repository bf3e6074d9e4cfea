// The conversation engine's timing logic against a fake ProcessIo with a virtual clock: lockstep
// attribution, buffered vs waiting-for-more-input stalls, deadlines, pipelining, extra lists.
// No real process and no real waiting: a 10 s reply deadline costs nothing.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "codec/kv_frame.h"
#include "codec/param_block.h"
#include "codec/result_list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/conversation.h"
#include "judge/checks.h"

namespace dxt::harness {
namespace {

using ::testing::HasSubstr;
using judge::Case;
using judge::CheckResult;
using judge::JudgeCase;
using judge::Verdict;
using std::chrono::milliseconds;

// A scripted program. It reads stdin as soon as bytes are queued, parses the parameter block and
// pairs, and calls on_pair / on_eof, which schedule output at virtual times.
class FakeProgram : public ProcessIo {
 public:
  std::function<void(FakeProgram&, uint64_t index, const std::string& key)> on_pair;
  std::function<void(FakeProgram&)> on_eof = [](FakeProgram& p) { p.ExitAt(p.now_, 0); };

  void EmitAt(milliseconds at, std::string bytes) { Schedule(at, [this, bytes] { out_ += bytes; }); }
  void ListAt(milliseconds at, const std::string& key) {
    std::string list;
    codec::AppendListHeader(&list, 1);
    (void)codec::AppendPair(&list, key, "v");
    EmitAt(at, list);
  }
  void ExitAt(milliseconds at, int code) {
    Schedule(at, [this, code] {
      exited_ = true;
      exit_.exited = true;
      exit_.exit_code = code;
    });
  }
  milliseconds now() const { return now_; }

  // ProcessIo
  void QueueInput(std::string_view bytes) override {
    if (!in_closed_) in_.append(bytes);
  }
  uint64_t PendingInput() const override { return reading_ ? 0 : in_.size() - in_pos_; }
  void CloseInput() override {
    if (in_closed_) return;
    in_closed_ = true;
    eof_pending_ = true;
  }
  absl::Status Pump(Clock::time_point deadline, PumpEvents* ev) override {
    *ev = PumpEvents{};
    if (reading_ && in_pos_ < in_.size() && !exited_) {
      ev->in_written = in_.size() - in_pos_;
      Parse();
      ev->changed = true;
    }
    if (eof_pending_ && !exited_) {
      eof_pending_ = false;
      on_eof(*this);
    }
    if (!ev->changed) {
      milliseconds limit = std::chrono::duration_cast<milliseconds>(deadline - base_);
      auto next = events_.begin();
      if (next == events_.end() || next->first > limit) {
        now_ = std::max(now_, limit);
        return absl::OkStatus();
      }
      now_ = std::max(now_, next->first);
      auto action = next->second;
      events_.erase(next);
      action();
      ev->changed = true;
    }
    ev->out = std::move(out_);
    out_.clear();
    return absl::OkStatus();
  }
  bool input_closed() const override { return in_closed_; }
  bool input_broken() const override { return false; }
  bool out_eof() const override { return exited_; }
  bool err_eof() const override { return exited_; }
  bool exited() const override { return exited_; }
  ExitInfo exit_info() const override { return exit_; }
  uint64_t UnreadInput() const override { return in_.size() - in_pos_; }
  void KillGroup() override {
    if (exited_) return;
    exited_ = true;
    exit_ = ExitInfo{false, -1, 9};
    killed_ = true;
  }
  void AbandonOutput() override {}
  Clock::time_point Now() const override { return base_ + now_; }

  bool reading_ = true;  // false: the program never reads stdin
  bool killed_ = false;

 private:
  void Schedule(milliseconds at, std::function<void()> f) { events_.emplace(at, std::move(f)); }
  void Parse() {
    std::string_view rest(in_);
    rest.remove_prefix(in_pos_);
    if (!params_done_) {
      auto block = codec::DecodeParamBlock(rest);
      if (!block.ok()) return;
      rest.remove_prefix(block.consumed);
      in_pos_ += block.consumed;
      params_done_ = true;
    }
    for (;;) {
      auto pair = codec::DecodePair(rest);
      if (!pair.ok()) break;
      std::string key(pair.value.key);
      rest.remove_prefix(pair.consumed);
      in_pos_ += pair.consumed;
      if (on_pair) on_pair(*this, pairs_read_++, key);
    }
  }

  Clock::time_point base_ = Clock::now();
  milliseconds now_{0};
  std::string in_;
  size_t in_pos_ = 0;
  bool in_closed_ = false, eof_pending_ = false, params_done_ = false;
  uint64_t pairs_read_ = 0;
  std::string out_;
  bool exited_ = false;
  ExitInfo exit_;
  std::multimap<milliseconds, std::function<void()>> events_;
};

struct Fixture {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t next = 0;
  DriverOptions options;
  Fixture(int n) {
    for (int i = 0; i < n; ++i) pairs.emplace_back("k" + std::to_string(i), "v");
    options.reply_timeout = milliseconds(10000);
    options.exit_timeout = milliseconds(5000);
  }
  Transcript Run(FakeProgram& p, Mode mode = Mode::kMap) {
    PairSource src = [this]() -> absl::StatusOr<std::optional<codec::PairView>> {
      if (next == pairs.size()) return std::nullopt;
      return codec::PairView{pairs[next].first, pairs[next++].second};
    };
    Transcript t;
    EXPECT_TRUE(Converse(p, mode, "0\n", src, nullptr, nullptr, options, &t).ok());
    return t;
  }
};

CheckResult Find(const std::vector<CheckResult>& checks, std::string_view name) {
  for (const auto& c : checks)
    if (c.check == name) return c;
  return {};
}

// The ListSink gets each list's pairs as views into the chunk being read when the list is whole
// in it, and as owned copies when it is cut across reads (or decoded from the decoder's own
// buffer): both must deliver exactly the bytes the program wrote, whatever the cuts, and the
// transcript keeps its copies too.
TEST(ConversationTest, ListsCutAcrossReadsReachTheSinkIntact) {
  for (size_t piece : {size_t{1}, size_t{3}, size_t{7}, size_t{40}, size_t{1000}}) {
    FakeProgram p;
    p.on_pair = [piece](FakeProgram& f, uint64_t i, const std::string& k) {
      std::string list;
      codec::AppendListHeader(&list, 3);
      for (int j = 0; j < 3; ++j) {
        (void)codec::AppendPair(&list, k + "-" + std::to_string(j),
                                std::string(static_cast<size_t>(5 * j + i % 7), 'x' + j));
      }
      milliseconds at = f.now();
      for (size_t o = 0; o < list.size(); o += piece) {  // each piece is one read
        at += milliseconds(1);
        f.EmitAt(at, list.substr(o, piece));
      }
    };
    Fixture fx(20);
    fx.options.keep_output_pairs = 1000;
    std::vector<std::pair<std::string, std::string>> got;
    std::vector<uint64_t> indices;
    ListSink sink = [&](uint64_t index, std::span<const codec::PairView> pairs) {
      for (const codec::PairView& kv : pairs) {
        got.emplace_back(kv.key, kv.value);
        indices.push_back(index);
      }
      return absl::OkStatus();
    };
    PairSource src = [&]() -> absl::StatusOr<std::optional<codec::PairView>> {
      if (fx.next == fx.pairs.size()) return std::nullopt;
      return codec::PairView{fx.pairs[fx.next].first, fx.pairs[fx.next++].second};
    };
    Transcript t;
    ASSERT_TRUE(Converse(p, Mode::kMap, "0\n", src, sink, nullptr, fx.options, &t).ok());
    ASSERT_EQ(got.size(), 60u) << "piece " << piece;
    for (uint64_t i = 0; i < 20; ++i) {
      for (int j = 0; j < 3; ++j) {
        const size_t n = 3 * i + j;
        EXPECT_EQ(got[n].first, "k" + std::to_string(i) + "-" + std::to_string(j)) << piece;
        EXPECT_EQ(got[n].second, std::string(static_cast<size_t>(5 * j + i % 7), 'x' + j)) << piece;
        EXPECT_EQ(indices[n], i);
      }
    }
    EXPECT_EQ(t.output, got) << "piece " << piece;
  }
}

TEST(ConversationTest, LockstepWritesEachPairOnlyAfterThePreviousList) {
  FakeProgram p;
  p.on_pair = [](FakeProgram& f, uint64_t, const std::string& k) {
    f.ListAt(f.now() + milliseconds(30), k);
  };
  Fixture fx(5);
  Transcript t = fx.Run(p);
  ASSERT_EQ(t.lists_completed, 5u);
  EXPECT_TRUE(t.expired.empty());
  for (size_t i = 1; i < 5; ++i) {
    ASSERT_TRUE(t.lists[i - 1].complete_at.has_value());
    EXPECT_GE(t.pairs[i].queued_at.count(), t.lists[i - 1].complete_at->count());
    EXPECT_EQ(t.lists[i].pairs_queued_at_start, i + 1);
  }
  EXPECT_TRUE(t.exit.exited);
}

TEST(ConversationTest, ReplyJustInsideTheDeadlineIsNotAStall) {
  FakeProgram p;
  p.on_pair = [](FakeProgram& f, uint64_t, const std::string& k) {
    f.ListAt(f.now() + milliseconds(9900), k);
  };
  Fixture fx(2);
  Transcript t = fx.Run(p);
  EXPECT_EQ(t.lists_completed, 2u);
  EXPECT_FALSE(t.stalled_pair.has_value());
}

TEST(ConversationTest, ReplyPastTheDeadlineIsAStallNamingThePair) {
  FakeProgram p;
  p.on_pair = [](FakeProgram& f, uint64_t, const std::string& k) {
    f.ListAt(f.now() + milliseconds(10100), k);
  };
  Fixture fx(2);
  Transcript t = fx.Run(p);
  ASSERT_TRUE(t.stalled_pair.has_value());
  EXPECT_EQ(*t.stalled_pair, 0u);
  ASSERT_EQ(t.expired.size(), 1u);
  EXPECT_EQ(judge::ExpiredWaitText(t.expired[0]), "reply to pair 0 (10000 ms)");
}

// Answers each pair with its one-pair list, a byte every 3 s (45 s for a list of "k0").
void AnswerAByteEvery3s(FakeProgram& f, uint64_t, const std::string& key) {
  std::string list;
  codec::AppendListHeader(&list, 1);
  (void)codec::AppendPair(&list, key, "v");
  for (size_t b = 0; b < list.size(); ++b)
    f.EmitAt(f.now() + milliseconds(3000 * static_cast<int>(b + 1)), list.substr(b, 1));
}

// A list written a few bytes at a time over longer than the reply deadline: the wait is renewed
// by every byte, so a slow but answering program is not cut off (the byte_writes subject under
// load, 16 MiB in 5.1.9).
TEST(ConversationTest, ReplyWaitIsRenewedWhileTheListArrives) {
  FakeProgram p;
  p.on_pair = AnswerAByteEvery3s;
  Fixture fx(2);
  Transcript t = fx.Run(p);
  EXPECT_EQ(t.lists_completed, 2u);
  EXPECT_TRUE(t.expired.empty()) << judge::ExpiredWaitText(t.expired.front());
  EXPECT_GT(t.duration.count(), 60000.0);
}

// ...but not forever: the whole conversation has a deadline, stretched by the bytes it moved.
TEST(ConversationTest, OverallDeadlineStopsATrickleAndIsStretchedByThroughput) {
  FakeProgram p;
  p.on_pair = AnswerAByteEvery3s;
  Fixture fx(2);
  fx.options.overall_timeout = milliseconds(20000);
  fx.options.overall_per_mib = milliseconds(10000);
  Transcript t = fx.Run(p);
  ASSERT_EQ(t.expired.size(), 1u);
  EXPECT_EQ(t.expired[0].kind, ExpiredWait::Kind::kWholeConversation);
  EXPECT_EQ(judge::ExpiredWaitText(t.expired[0]), "whole conversation (20000 ms)");  // too few bytes to stretch it
  EXPECT_TRUE(t.killed_by_driver);
  EXPECT_EQ(t.lists_completed, 0u);
  Case c;
  auto checks = JudgeCase(c, t);
  EXPECT_EQ(Find(checks, "hang").verdict, Verdict::kFailed);
  EXPECT_THAT(Find(checks, "hang").detail, HasSubstr("result list 0 was still arriving"));
  EXPECT_EQ(Find(checks, "framing").verdict, Verdict::kOk);
  EXPECT_EQ(Find(checks, "flushing").verdict, Verdict::kOk);
}

// A list that stops mid-way while stdin is open and is finished only after stdin closes.
TEST(ConversationTest, ListStoppingMidWayIsFramingAfterAWholeWaitWithoutBytes) {
  FakeProgram p;
  std::string rest;
  p.on_pair = [&](FakeProgram& f, uint64_t, const std::string& k) {
    std::string list;
    codec::AppendListHeader(&list, 1);
    (void)codec::AppendPair(&list, k, "v");
    f.EmitAt(f.now() + milliseconds(1), list.substr(0, 3));
    rest = list.substr(3);
  };
  p.on_eof = [&](FakeProgram& f) {
    f.EmitAt(f.now() + milliseconds(1), rest);
    f.ExitAt(f.now() + milliseconds(2), 0);
  };
  Fixture fx(2);
  Transcript t = fx.Run(p);
  ASSERT_TRUE(t.stalled_pair.has_value());
  Case c;
  auto framing = Find(JudgeCase(c, t), "framing");
  EXPECT_EQ(framing.verdict, Verdict::kFailed);
  EXPECT_THAT(framing.detail, HasSubstr("stopped short: no byte within the wait for reply to pair 0"));
  EXPECT_THAT(framing.detail, HasSubstr("after stdin was closed: it waited for more input mid-list"));
}

TEST(ConversationTest, BufferedProgramIsToldApartFromOneWaitingForInput) {
  // Buffered: all lists come at end of input.
  FakeProgram buffered;
  std::vector<std::string> held;
  buffered.on_pair = [&](FakeProgram&, uint64_t, const std::string& k) { held.push_back(k); };
  buffered.on_eof = [&](FakeProgram& f) {
    for (const auto& k : held) f.ListAt(f.now() + milliseconds(1), k);
    f.ExitAt(f.now() + milliseconds(2), 0);
  };
  Fixture fx1(3);
  Transcript tb = fx1.Run(buffered);
  Case c;
  auto flush_b = Find(JudgeCase(c, tb), "flushing");
  EXPECT_EQ(flush_b.verdict, Verdict::kFailed);
  EXPECT_THAT(flush_b.detail, HasSubstr("buffered its output"));
  EXPECT_THAT(flush_b.detail, HasSubstr("pair 0"));

  // Waiting: never answers, exits at end of input.
  FakeProgram waiting;
  Fixture fx2(3);
  Transcript tw = fx2.Run(waiting);
  auto flush_w = Find(JudgeCase(c, tw), "flushing");
  EXPECT_EQ(flush_w.verdict, Verdict::kFailed);
  EXPECT_THAT(flush_w.detail, HasSubstr("waiting for more input"));
  EXPECT_EQ(Find(JudgeCase(c, tw), "consumption").verdict, Verdict::kOk);
}

TEST(ConversationTest, FlushEveryOtherStallsOnPairOne) {
  FakeProgram p;
  std::vector<std::string> held;
  p.on_pair = [&](FakeProgram& f, uint64_t i, const std::string& k) {
    if (i % 2 == 0) {
      f.ListAt(f.now() + milliseconds(1), k);
    } else {
      held.push_back(k);
    }
  };
  p.on_eof = [&](FakeProgram& f) {
    for (const auto& k : held) f.ListAt(f.now() + milliseconds(1), k);
    f.ExitAt(f.now() + milliseconds(2), 0);
  };
  Fixture fx(4);
  Transcript t = fx.Run(p);
  ASSERT_TRUE(t.stalled_pair.has_value());
  EXPECT_EQ(*t.stalled_pair, 1u);
  EXPECT_TRUE(t.lists.at(1).started_after_stdin_closed);
}

TEST(ConversationTest, SecondListForAPairIsAttributedAndStopsTheRun) {
  FakeProgram p;
  p.on_pair = [](FakeProgram& f, uint64_t, const std::string& k) {
    std::string two;
    codec::AppendListHeader(&two, 1);
    (void)codec::AppendPair(&two, k, "v");
    codec::AppendListHeader(&two, 0);
    f.EmitAt(f.now() + milliseconds(1), two);  // echo + empty list in one write
  };
  Fixture fx(3);
  Transcript t = fx.Run(p);
  ASSERT_TRUE(t.extra_list);
  EXPECT_THAT(judge::ListViolationText(*t.extra_list), HasSubstr("R5.2"));
  ASSERT_TRUE(t.extra_list);
  EXPECT_THAT(judge::ListViolationText(*t.extra_list), HasSubstr("second list for pair 0"));
  EXPECT_TRUE(p.killed_);
  Case c;
  EXPECT_EQ(Find(JudgeCase(c, t), "map-protocol").verdict, Verdict::kFailed);
  EXPECT_EQ(Find(JudgeCase(c, t), "crash").verdict, Verdict::kOk);  // our SIGKILL is not a crash
}

TEST(ConversationTest, NeverExitingReduceIsKilledAfterTheExitDeadline) {
  FakeProgram p;
  p.on_eof = [](FakeProgram&) {};  // ignores end of input
  Fixture fx(2);
  Transcript t = fx.Run(p, Mode::kReduce);
  EXPECT_TRUE(t.killed_by_driver);
  ASSERT_EQ(t.expired.size(), 1u);
  EXPECT_EQ(judge::ExpiredWaitText(t.expired[0]), "exit after stdin was closed (10000 ms)");
  Case c;
  c.mode = Mode::kReduce;
  auto checks = JudgeCase(c, t);
  EXPECT_EQ(Find(checks, "hang").verdict, Verdict::kFailed);
  EXPECT_EQ(Find(checks, "exit").verdict, Verdict::kSkipped);
  EXPECT_EQ(Find(checks, "crash").verdict, Verdict::kOk);
}

TEST(ConversationTest, PipelineWritesAheadOfSlowLists) {
  FakeProgram p;
  p.on_pair = [](FakeProgram& f, uint64_t i, const std::string& k) {
    f.ListAt(milliseconds(1000 + 10 * static_cast<int>(i)), k);
  };
  Fixture fx(20);
  fx.options.pipeline = true;
  Transcript t = fx.Run(p);
  EXPECT_EQ(t.lists_completed, 20u);
  EXPECT_LT(t.pairs.back().queued_at.count(), 1000.0);  // all written before the first list
  EXPECT_TRUE(t.expired.empty());
}

TEST(ConversationTest, MapExitingBeforeTheLastPairIsConsumption) {
  FakeProgram p;
  p.on_pair = [](FakeProgram& f, uint64_t i, const std::string& k) {
    f.ListAt(f.now() + milliseconds(1), k);
    if (i == 0) f.ExitAt(f.now() + milliseconds(2), 0);
  };
  Fixture fx(3);
  Transcript t = fx.Run(p);
  EXPECT_EQ(t.pairs_total, 3u);
  EXPECT_LT(t.pairs_queued, 3u);
  Case c;
  auto r = Find(JudgeCase(c, t), "consumption");
  EXPECT_EQ(r.verdict, Verdict::kFailed);
  EXPECT_THAT(r.detail, HasSubstr("all 3 pairs"));
}

TEST(ConversationTest, ListBeforeInputNeedsTheSettleTime) {
  FakeProgram p;
  p.ListAt(milliseconds(10), "early");
  p.on_pair = [](FakeProgram& f, uint64_t, const std::string& k) {
    f.ListAt(f.now() + milliseconds(1), k);
  };
  Fixture fx(1);
  fx.options.settle = milliseconds(100);
  Transcript t = fx.Run(p);
  ASSERT_TRUE(t.extra_list);
  EXPECT_THAT(judge::ListViolationText(*t.extra_list), HasSubstr("R5.3"));
}

}  // namespace
}  // namespace dxt::harness
