// The `content` check's diffs (judge/content_diff.h), rendered from what the streamed comparison
// (judge/content.h) collected: every missing and unexpected pair of a multiset, bounded; the first
// differing index of an exact order with context; the offset and hex context of the first
// differing byte; log mismatches beside output mismatches; the same text for outputs far larger
// than a transcript keeps. And which cases count as holding non-ASCII text (they also run under a
// UTF-8 locale).
#include "judge/content_diff.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "codec/kv_frame.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "judge/case.h"
#include "judge/checks.h"
#include "judge/content.h"

namespace dxt::judge {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<OwnedPair> Numbered(int n, const std::string& prefix = "") {
  std::vector<OwnedPair> out;
  for (int i = 0; i < n; ++i)
    out.push_back({prefix + "k" + std::to_string(i), prefix + "v" + std::to_string(i)});
  return out;
}

// What the content check says of `got` (pairs whose stdout offsets are unknown, as from a
// transcript) against `want`; "" when they are equal.
std::string Describe(const std::vector<OwnedPair>& want, const std::vector<OwnedPair>& got,
                     bool multiset = false) {
  Expectation e;
  e.output = want;
  e.multiset = multiset;
  auto cmp = OutputComparer::Create(e);
  EXPECT_TRUE(cmp.ok()) << cmp.status();
  std::vector<codec::PairView> views;
  for (const OwnedPair& p : got) views.push_back({p.first, p.second});
  EXPECT_TRUE((*cmp)->AddUnplaced(views).ok());
  absl::StatusOr<ContentEvidence> ev = (*cmp)->Finish();
  EXPECT_TRUE(ev.ok()) << ev.status();
  return DescribeDifference(*ev);
}
std::string DescribeExactMismatch(const std::vector<OwnedPair>& want,
                                  const std::vector<OwnedPair>& got) {
  return Describe(want, got);
}
std::string DescribeMultisetMismatch(const std::vector<OwnedPair>& want,
                                     const std::vector<OwnedPair>& got) {
  return Describe(want, got, /*multiset=*/true);
}
// The difference of one value against another, under one key.
std::string DescribeByteDifference(const std::string& want, const std::string& got) {
  return Describe({{"k", want}}, {{"k", got}});
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(ContentDiffTest, FirstDifferingByte) {
  EXPECT_EQ(FirstDifferingByte("abc", "abc"), std::nullopt);
  EXPECT_EQ(FirstDifferingByte("abc", "abd"), 2u);
  EXPECT_EQ(FirstDifferingByte("ab", "abc"), 2u);
  EXPECT_EQ(FirstDifferingByte("", "x"), 0u);
}

TEST(ContentDiffTest, ByteDifferenceHasOffsetAndHexContextWhereExcerptsLookAlike) {
  std::string want(200, 'a'), got = want;
  got[100] = 'a' ^ 1;
  std::string d = DescribeByteDifference(want, got);
  EXPECT_THAT(d, HasSubstr("value differs at byte 100: expected ... 61 61 61 61 61 61 61 61 [61] "
                           "61 61 61 61 61 61 61 61 ... (200 bytes), got"));
  EXPECT_THAT(d, HasSubstr("got ... 61 61 61 61 61 61 61 61 [60] 61"));
  EXPECT_EQ(DescribeByteDifference(want, want), "");
  // One a prefix of the other: the shorter one ends where the difference is.
  EXPECT_THAT(DescribeByteDifference("abc", "ab"),
              AllOf(HasSubstr("differs at byte 2: expected 61 62 [63] (3 bytes), got 61 62 [end] "
                              "(2 bytes)"),
                    HasSubstr("expected 61 62 [63]"), HasSubstr("got 61 62 [end]")));
}

TEST(ContentDiffTest, ExactMismatchNamesTheFirstDifferingIndexWithContext) {
  std::vector<OwnedPair> want = Numbered(6), got = want;
  got.erase(got.begin() + 2);
  std::string d = DescribeExactMismatch(want, got);
  EXPECT_THAT(d, HasSubstr("output pair 2: key differs at byte 1: expected 6b [32] (2 bytes), got "
                           "6b [33] (2 bytes); expected (\"k2\", \"v2\"), got (\"k3\", \"v3\")"));
  EXPECT_THAT(d, HasSubstr("expected 6 output pair(s), got 5, pairs 0-1 match"));
  EXPECT_THAT(d, HasSubstr("around it expected [0] (\"k0\", \"v0\"), [1] (\"k1\", \"v1\"), [2] "
                           "(\"k2\", \"v2\"), [3] (\"k3\", \"v3\"), [4] (\"k4\", \"v4\"); got [0]"));
  EXPECT_EQ(DescribeExactMismatch(want, want), "");
}

TEST(ContentDiffTest, ExactMismatchOfAPrefixListsWhatIsMissingOrUnexpected) {
  std::vector<OwnedPair> want = Numbered(4), got = Numbered(2);
  EXPECT_THAT(DescribeExactMismatch(want, got),
              HasSubstr("expected 4 output pair(s), got 2; pairs 0-1 match, then missing from "
                        "pair 2: (\"k2\", \"v2\"), (\"k3\", \"v3\")"));
  EXPECT_THAT(DescribeExactMismatch(Numbered(0), Numbered(1)),
              HasSubstr("no pair matches, then unexpected from pair 0: (\"k0\", \"v0\")"));
  // Bounded: 30 unexpected pairs show 10 and a count.
  EXPECT_THAT(DescribeExactMismatch({}, Numbered(30)), HasSubstr("... and 20 more"));
}

TEST(ContentDiffTest, ExactMismatchInsideAValueShowsTheByteOffset) {
  std::vector<OwnedPair> want = {{"k", std::string(5000, 'x')}}, got = want;
  got[0].second[4096] = 'y';
  std::string d = DescribeExactMismatch(want, got);
  EXPECT_THAT(d, HasSubstr("value differs at byte 4096: expected ... "));
  EXPECT_THAT(d, HasSubstr(" (5000 bytes), got ... "));
  EXPECT_THAT(d, HasSubstr("[78]"));
  EXPECT_THAT(d, HasSubstr("[79]"));
}

TEST(ContentDiffTest, MultisetListsEveryMissingAndUnexpectedPair) {
  std::vector<OwnedPair> want = Numbered(5), got = {want[4], want[0], want[3], {"new", "x"}};
  std::string d = DescribeMultisetMismatch(want, got);
  EXPECT_THAT(d, HasSubstr("output differs as a multiset (expected 5 pair(s), got 4)"));
  EXPECT_THAT(d, HasSubstr("2 missing: (\"k1\", \"v1\") [expected pair 1], (\"k2\", \"v2\") "
                           "[expected pair 2]"));
  EXPECT_THAT(d, HasSubstr("1 unexpected: (\"new\", \"x\")"));
  EXPECT_EQ(DescribeMultisetMismatch(want, {want[4], want[3], want[2], want[1], want[0]}), "");
}

TEST(ContentDiffTest, MultisetCountsMultiplicity) {
  std::vector<OwnedPair> want = {{"a", "1"}, {"a", "1"}, {"a", "1"}, {"b", "2"}};
  std::vector<OwnedPair> got = {{"a", "1"}, {"b", "2"}, {"b", "2"}};
  std::string d = DescribeMultisetMismatch(want, got);
  EXPECT_THAT(d, HasSubstr("2 missing: (\"a\", \"1\") x2"));
  EXPECT_THAT(d, HasSubstr("1 unexpected: (\"b\", \"2\")"));
}

TEST(ContentDiffTest, MultisetOutputIsBoundedWithACount) {
  std::string d = DescribeMultisetMismatch(Numbered(30, "w"), Numbered(25, "g"));
  EXPECT_THAT(d, HasSubstr("30 missing: "));
  EXPECT_THAT(d, HasSubstr("25 unexpected: "));
  EXPECT_THAT(d, HasSubstr("... and 20 more"));
  EXPECT_THAT(d, HasSubstr("... and 15 more"));
  EXPECT_EQ(Count(d, "(\"w"), kMaxListedPairs);
  EXPECT_EQ(Count(d, "(\"g"), kMaxListedPairs);
}

TEST(ContentDiffTest, MultisetWithOneValueChangedShowsTheByte) {
  std::vector<OwnedPair> want = {{"k", "hello"}}, got = {{"k", "hellp"}};
  EXPECT_THAT(DescribeMultisetMismatch(want, got),
              HasSubstr("same key, value differs at byte 4: expected 68 65 6c 6c [6f] (5 bytes), "
                        "got 68 65 6c 6c [70] (5 bytes)"));
}

TEST(ContentCheckTest, LogMismatchesAreReportedBesideAnOutputMismatch) {
  Case c;
  c.expect.output = Numbered(3);
  c.expect.log_patterns = {"^done$", "^started", "^seen"};
  Transcript t;
  t.mode = Mode::kReduce;
  t.reaped = true;
  t.exit = {true, 0, 0};
  t.output = Numbered(2);
  t.all_log_text = {"seen 3"};
  CheckResult content;
  for (const CheckResult& r : JudgeCase(c, t))
    if (r.check == "content") content = r;
  EXPECT_EQ(content.verdict, Verdict::kFailed);
  EXPECT_EQ(content.rule, "expect.output, expect.logs");
  EXPECT_THAT(content.detail, HasSubstr("missing from pair 2"));
  EXPECT_THAT(content.detail, HasSubstr("; also no **<MSG>/**<ERR> line matched /^done$/; no "
                                        "**<MSG>/**<ERR> line matched /^started/ (1 line(s) seen)"));
  EXPECT_THAT(content.detail, Not(HasSubstr("/^seen/")));
}

TEST(TextCaseTest, NonAsciiTextIsValidUtf8WithAByteAbove0x7f) {
  Case c;
  EXPECT_FALSE(HasNonAsciiText(c));
  c.input = {{"key", "plain ascii"}, {"bin", "\xff\xfe\x80"}};
  EXPECT_FALSE(HasNonAsciiText(c));  // bytes, not text
  c.input.push_back({"", "caf\xc3\xa9"});
  EXPECT_TRUE(HasNonAsciiText(c));
  Case p;
  p.params = {{"sep", "\xe2\x98\x95"}};
  EXPECT_TRUE(HasNonAsciiText(p));
  Case raw;
  raw.raw_params = "na\xc3\xafve";
  EXPECT_TRUE(HasNonAsciiText(raw));
}

}  // namespace
}  // namespace dxt::judge
