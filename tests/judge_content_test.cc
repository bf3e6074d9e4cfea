// The streamed `content` comparison (judge/content.h): exact and multiset, expected pairs from a
// case or from a file of pair frames, stdout offsets across lists and parts, digests.
#include "judge/content.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "codec/kv_frame.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

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
  EXPECT_EQ(d.byte, 6u);
  // list 0: 4 + 10 bytes; list 1 header 4; pair 1 at 18; its value starts at 18 + 4 + 3 + 4 = 29.
  ASSERT_TRUE(d.got && d.got->stdout_offset);
  EXPECT_EQ(*d.got->stdout_offset, 18u);
  ASSERT_TRUE(d.stdout_offset);
  EXPECT_EQ(*d.stdout_offset, 35u);
  const std::string text = DescribeDifference(ev);
  EXPECT_THAT(text, HasSubstr("output pair 1 (stdout offset 18): value differs at byte 6 (stdout "
                              "offset 35)"));
  EXPECT_THAT(text, HasSubstr("at byte 6: 31"));  // expected '1'
  EXPECT_THAT(text, HasSubstr("at byte 6: 32"));  // got '2'
  EXPECT_THAT(text, HasSubstr("expected 2 output pair(s), got 2"));
}

TEST(OutputComparerTest, PrefixKeyAndCountsAreDifferencesToo) {
  ContentEvidence key = Compare(Exact({{"abc", ""}}), {{{"ab", ""}}});
  ASSERT_TRUE(key.first);
  EXPECT_EQ(key.first->kind, FirstDifference::Kind::kKey);
  EXPECT_EQ(key.first->byte, 2u);

  ContentEvidence missing = Compare(Exact({{"a", "1"}, {"b", "2"}}), {{{"a", "1"}}});
  ASSERT_TRUE(missing.first);
  EXPECT_EQ(missing.first->kind, FirstDifference::Kind::kMissing);
  EXPECT_EQ(missing.first->index, 1u);
  EXPECT_THAT(DescribeDifference(missing), HasSubstr("expected 2 output pair(s), got 1"));

  ContentEvidence extra = Compare(Exact({{"a", "1"}}), {{{"a", "1"}, {"b", "2"}}});
  ASSERT_TRUE(extra.first);
  EXPECT_EQ(extra.first->kind, FirstDifference::Kind::kUnexpected);
  EXPECT_THAT(DescribeDifference(extra), HasSubstr("output pair 1 (stdout offset 14)"));
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
  EXPECT_THAT(text, HasSubstr("2 expected pair(s) missing: (\"a\", \"1\") [expected pair 0]"));
  EXPECT_THAT(text, HasSubstr("1 unexpected pair(s): (\"x\", \"0\") [output pair 1, stdout offset 14]"));
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

}  // namespace
}  // namespace dxt::judge
