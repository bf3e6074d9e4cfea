// The streamed `content` comparison (judge/content.h): exact and multiset, expected pairs from a
// case or from a file of pair frames, stdout offsets across lists and parts, digests.
#include "judge/content.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "codec/kv_frame.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "judge/content_diff.h"

namespace dxt::judge {
namespace {

using ::testing::HasSubstr;
using Pairs = std::vector<OwnedPair>;

std::vector<codec::PairView> Views(const Pairs& pairs) {
  std::vector<codec::PairView> v;
  for (const auto& p : pairs) v.push_back({p.first, p.second});
  return v;
}

// Feeds `lists` (one Add per list) to a comparer of `e`.
ContentEvidence Compare(const Expectation& e, const std::vector<Pairs>& lists) {
  auto cmp = OutputComparer::Create(e);
  EXPECT_TRUE(cmp.ok()) << cmp.status();
  for (size_t i = 0; i < lists.size(); ++i) {
    auto views = Views(lists[i]);
    EXPECT_TRUE((*cmp)->Add(i, views).ok());
  }
  auto ev = (*cmp)->Finish();
  EXPECT_TRUE(ev.ok()) << ev.status();
  return *ev;
}

Expectation Exact(Pairs want) {
  Expectation e;
  e.output = std::move(want);
  return e;
}

std::string FramesOf(const Pairs& pairs) {
  std::string s;
  for (const auto& p : pairs) EXPECT_TRUE(codec::AppendPair(&s, p.first, p.second).ok());
  return s;
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_Digest(bytes.data(), bytes.size(), d, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    const unsigned char c = d[i];
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

TEST(OutputComparerTest, EqualOutputsAcrossListsAndParts) {
  Pairs want = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  ContentEvidence ev = Compare(Exact(want), {{{"a", "1"}}, {}, {{"b", "2"}, {"c", "3"}}});
  EXPECT_TRUE(ev.equal());
  EXPECT_EQ(ev.expected_pairs, 3u);
  EXPECT_EQ(ev.got_pairs, 3u);
  EXPECT_EQ(ev.got_sha256, Sha256Hex(FramesOf(want)));
  EXPECT_EQ(ev.expected_sha256, ev.got_sha256);
}

TEST(OutputComparerTest, FirstDifferingByteHasItsStdoutOffset) {
  // stdout: list 0 = count(4) + ("a","1")(10); list 1 = count(4) + ("key","value-x")...
  Pairs want = {{"a", "1"}, {"key", "value-1"}};
  ContentEvidence ev = Compare(Exact(want), {{{"a", "1"}}, {{"key", "value-2"}}});
  ASSERT_TRUE(ev.first.has_value());
  const FirstDifference& d = *ev.first;
  EXPECT_EQ(d.kind, FirstDifference::Kind::kValue);
  EXPECT_EQ(d.index, 1u);
  EXPECT_EQ(d.bytes.byte, 6u);
  // list 0: 4 + 10 bytes; list 1 header 4; pair 1 at 18; its value starts at 18 + 4 + 3 + 4 = 29.
  ASSERT_TRUE(d.got && d.got->stdout_offset);
  EXPECT_EQ(*d.got->stdout_offset, 18u);
  ASSERT_TRUE(d.stdout_offset);
  EXPECT_EQ(*d.stdout_offset, 35u);
  const std::string text = DescribeDifference(ev);
  EXPECT_THAT(text, HasSubstr("output pair 1 (stdout offset 18): value differs at byte 6 (stdout "
                              "offset 35)"));
  // "value-1" and "value-2": the bytes before the first differing one, and it bracketed.
  EXPECT_THAT(text, HasSubstr("expected 76 61 6c 75 65 2d [31] (7 bytes), got 76 61 6c 75 65 2d "
                              "[32] (7 bytes)"));
  EXPECT_THAT(text, HasSubstr("expected 2 output pair(s), got 2"));
}

TEST(OutputComparerTest, PrefixKeyAndCountsAreDifferencesToo) {
  ContentEvidence key = Compare(Exact({{"abc", ""}}), {{{"ab", ""}}});
  ASSERT_TRUE(key.first);
  EXPECT_EQ(key.first->kind, FirstDifference::Kind::kKey);
  EXPECT_EQ(key.first->bytes.byte, 2u);

  ContentEvidence missing = Compare(Exact({{"a", "1"}, {"b", "2"}}), {{{"a", "1"}}});
  ASSERT_TRUE(missing.first);
  EXPECT_EQ(missing.first->kind, FirstDifference::Kind::kMissing);
  EXPECT_EQ(missing.first->index, 1u);
  EXPECT_THAT(DescribeDifference(missing), HasSubstr("expected 2 output pair(s), got 1"));

  ContentEvidence extra = Compare(Exact({{"a", "1"}}), {{{"a", "1"}, {"b", "2"}}});
  ASSERT_TRUE(extra.first);
  EXPECT_EQ(extra.first->kind, FirstDifference::Kind::kUnexpected);
  EXPECT_THAT(DescribeDifference(extra),
              HasSubstr("then unexpected from pair 1: (\"b\", \"2\") [stdout offset 14]"));
}

TEST(OutputComparerTest, AfterTheFirstDifferenceBothSidesAreStillCountedAndHashed) {
  Pairs want = {{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}};
  Pairs got = {{"a", "1"}, {"B", "2"}, {"c", "3"}};
  ContentEvidence ev = Compare(Exact(want), {got});
  ASSERT_TRUE(ev.first);
  EXPECT_EQ(ev.first->index, 1u);
  EXPECT_EQ(ev.expected_pairs, 4u);
  EXPECT_EQ(ev.got_pairs, 3u);
  EXPECT_EQ(ev.expected_sha256, Sha256Hex(FramesOf(want)));
  EXPECT_EQ(ev.got_sha256, Sha256Hex(FramesOf(got)));
}

TEST(OutputComparerTest, MultisetListsMissingAndUnexpectedPairs) {
  Expectation e = Exact({{"a", "1"}, {"b", "1"}, {"a", "1"}, {"c", "9"}});
  e.multiset = true;
  ContentEvidence same = Compare(e, {{{"c", "9"}, {"a", "1"}}, {{"a", "1"}, {"b", "1"}}});
  EXPECT_TRUE(same.equal());
  ContentEvidence diff = Compare(e, {{{"a", "1"}, {"x", "0"}, {"b", "1"}}});
  EXPECT_FALSE(diff.equal());
  EXPECT_EQ(diff.missing_count, 2u);  // one more ("a","1") and ("c","9")
  EXPECT_EQ(diff.unexpected_count, 1u);
  ASSERT_EQ(diff.missing.size(), 2u);
  EXPECT_EQ(diff.missing[0].key, "a");
  EXPECT_EQ(diff.missing[0].copies, 1u);
  EXPECT_EQ(diff.missing[1].key, "c");
  ASSERT_EQ(diff.unexpected.size(), 1u);
  EXPECT_EQ(diff.unexpected[0].index, 1u);
  const std::string text = DescribeDifference(diff);
  EXPECT_THAT(text, HasSubstr("2 missing: (\"a\", \"1\") [expected pair 0], (\"c\", \"9\") "
                              "[expected pair 3]"));
  EXPECT_THAT(text, HasSubstr("1 unexpected: (\"x\", \"0\") [output pair 1, stdout offset 14]"));
}

TEST(OutputComparerTest, ExpectedOutputFromAFileOfPairFrames) {
  char path[] = "/tmp/dxt-content-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string big(3 << 20, 'z');  // larger than a read chunk
  const std::string frames = FramesOf({{"a", "1"}, {"big", big}, {"c", "3"}});
  ASSERT_EQ(write(fd, frames.data(), frames.size()), static_cast<ssize_t>(frames.size()));
  close(fd);
  Expectation e;
  e.output_file = path;
  ContentEvidence ev = Compare(e, {{{"a", "1"}}, {{"big", big}, {"c", "3"}}});
  EXPECT_TRUE(ev.equal()) << DescribeDifference(ev);
  EXPECT_EQ(ev.expected_sha256, Sha256Hex(frames));  // = sha256sum of the file

  // A truncated file is an error naming it and the offset, not a verdict.
  ASSERT_EQ(truncate(path, static_cast<off_t>(frames.size() - 1)), 0);
  auto cmp = OutputComparer::Create(e);
  ASSERT_TRUE(cmp.ok());
  auto views = Views({{"a", "1"}, {"big", big}, {"c", "3"}});
  absl::Status added = (*cmp)->Add(0, views);
  absl::StatusOr<ContentEvidence> end = (*cmp)->Finish();
  absl::Status s = added.ok() ? end.status() : added;
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::string("expected output file ") + path));
  EXPECT_THAT(std::string(s.message()), HasSubstr("file ends inside pair 2"));
  unlink(path);

  Expectation gone;
  gone.output_file = "/nonexistent/expected.kv";
  EXPECT_EQ(OutputComparer::Create(gone).status().code(), absl::StatusCode::kNotFound);
}

// More pairs than a transcript keeps (100 000): the same rich text, from evidence of bounded size.
Pairs Numbered(size_t n) {
  Pairs out;
  for (size_t i = 0; i < n; ++i) out.push_back({"k" + std::to_string(i), "v" + std::to_string(i)});
  return out;
}

// Feeds `got` to a comparer of `e` in lists of 1000 pairs.
ContentEvidence CompareInLists(const Expectation& e, const Pairs& got) {
  std::vector<Pairs> lists;
  for (size_t i = 0; i < got.size(); i += 1000)
    lists.emplace_back(got.begin() + i, got.begin() + std::min(got.size(), i + 1000));
  return Compare(e, lists);
}

TEST(OutputComparerTest, ALargeOutputGetsThePairsAroundItsFirstDifference) {
  const Pairs want = Numbered(150000);
  Pairs got = want;
  got[120000].second[3] = 'X';  // "v120000" -> "v12X000"
  ContentEvidence ev = CompareInLists(Exact(want), got);
  ASSERT_TRUE(ev.first);
  const FirstDifference& d = *ev.first;
  EXPECT_EQ(d.index, 120000u);
  ASSERT_EQ(d.before.size(), kContextPairs);
  EXPECT_EQ(d.before[0].index, 119998u);
  EXPECT_EQ(d.expected_after.size(), kContextPairs);
  EXPECT_EQ(d.got_after.size(), kContextPairs);
  const std::string text = DescribeDifference(ev);
  EXPECT_THAT(text, HasSubstr(": value differs at byte 3 (stdout offset "));
  EXPECT_THAT(text, HasSubstr("expected 76 31 32 [30] 30 30 30 (7 bytes), got 76 31 32 [58] 30 30 "
                              "30 (7 bytes)"));
  EXPECT_THAT(text, HasSubstr("around it expected [119998] (\"k119998\", \"v119998\"), [119999] "
                              "(\"k119999\", \"v119999\"), [120000] (\"k120000\", \"v120000\"), "
                              "[120001] (\"k120001\", \"v120001\"), [120002] (\"k120002\", "
                              "\"v120002\"); got [119998] (\"k119998\", \"v119998\"), [119999] "
                              "(\"k119999\", \"v119999\"), [120000] (\"k120000\", \"v12X000\"), "
                              "[120001]"));
  EXPECT_THAT(text, HasSubstr("expected 150000 output pair(s), got 150000, pairs 0-119999 match"));

  // One a prefix of the other: the first pairs after it, then a count.
  ContentEvidence cut = CompareInLists(Exact(want), Pairs(want.begin(), want.begin() + 149980));
  ASSERT_TRUE(cut.first);
  EXPECT_EQ(cut.first->rest.size(), kMaxListedPairs);
  EXPECT_THAT(DescribeDifference(cut),
              HasSubstr("pairs 0-149979 match, then missing from pair 149980: (\"k149980\", "
                        "\"v149980\"), (\"k149981\", \"v149981\")"));
  EXPECT_THAT(DescribeDifference(cut), HasSubstr("(\"k149989\", \"v149989\") ... and 10 more"));
  Pairs longer = want;
  for (int i = 0; i < 30; ++i) longer.push_back({"extra", std::to_string(i)});
  ContentEvidence extra = CompareInLists(Exact(want), longer);
  ASSERT_TRUE(extra.first);
  EXPECT_EQ(extra.first->rest.size(), kMaxListedPairs);
  EXPECT_THAT(DescribeDifference(extra),
              HasSubstr("then unexpected from pair 150000: (\"extra\", \"0\") [stdout offset "));
  EXPECT_THAT(DescribeDifference(extra), HasSubstr("... and 20 more"));
}

TEST(OutputComparerTest, ALargeMultisetListsBoundedMissingAndUnexpectedPairsWithCopies) {
  Expectation e = Exact(Numbered(150000));
  e.multiset = true;
  Pairs got = *e.output;
  std::reverse(got.begin(), got.end());
  for (size_t i = 0; i < 25; ++i) got[i * 1000].second += "!";  // 25 changed
  for (int i = 0; i < 500; ++i) got.push_back({"dup", "licate"});  // one pair 500 times
  ContentEvidence ev = CompareInLists(e, got);
  EXPECT_EQ(ev.missing_count, 25u);
  EXPECT_EQ(ev.unexpected_count, 525u);
  EXPECT_EQ(ev.missing.size(), kMaxListedPairs);
  EXPECT_EQ(ev.unexpected.size(), kMaxListedPairs);
  EXPECT_FALSE(ev.same_key);  // 25 of each, not one
  const std::string text = DescribeDifference(ev);
  // Missing in expectation order (the output is reversed), unexpected in output order.
  EXPECT_THAT(text, HasSubstr("25 missing: (\"k125999\", \"v125999\") [expected pair 125999], "));
  EXPECT_THAT(text, HasSubstr("525 unexpected: (\"k149999\", \"v149999!\") [output pair 0, stdout "
                              "offset 4], (\"k148999\", \"v148999!\") [output pair 1000"));
  EXPECT_THAT(text, HasSubstr("... and 15 more; 525 unexpected"));
  EXPECT_THAT(text, ::testing::EndsWith("... and 515 more"));

  // A repeated unexpected pair is one entry with its copies.
  Pairs dups(500, {"dup", "licate"});
  dups.insert(dups.end(), e.output->begin(), e.output->end());
  ContentEvidence grouped = CompareInLists(e, dups);
  EXPECT_EQ(grouped.unexpected.size(), 1u);
  EXPECT_THAT(DescribeDifference(grouped),
              HasSubstr("500 unexpected: (\"dup\", \"licate\") x500 [output pair 0, stdout offset 4]"));
}

TEST(OutputComparerTest, AMultisetFromAFileShowsTheByteWhereOneValueChanged) {
  char path[] = "/tmp/dxt-content-test-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  Pairs want = Numbered(150000);
  want[70000].second = std::string(5000, 'x');
  const std::string frames = FramesOf(want);
  ASSERT_EQ(write(fd, frames.data(), frames.size()), static_cast<ssize_t>(frames.size()));
  close(fd);
  Expectation e;
  e.output_file = path;
  e.multiset = true;
  Pairs got = want;
  std::swap(got[0], got[149999]);
  got[70000].second[4096] = 'y';
  ContentEvidence ev = CompareInLists(e, got);
  unlink(path);
  ASSERT_TRUE(ev.same_key);
  EXPECT_EQ(ev.same_key->byte, 4096u);
  EXPECT_THAT(DescribeDifference(ev),
              HasSubstr("; same key, value differs at byte 4096: expected ... 78 78 78 78 78 78 78 "
                        "78 [78] 78 78 78 78 78 78 78 78 ... (5000 bytes), got ... 78 78 78 78 78 "
                        "78 78 78 [79] 78"));
}

}  // namespace
}  // namespace dxt::judge
