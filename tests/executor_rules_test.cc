// Golden tests of the executor's building blocks, one rule at a time: partition functions
// (SPEC R9.3, R9.4), the external sort order (R9.6), framed files (R3), job file validation.
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reference/executor/external_sort.h"
#include "reference/executor/input.h"
#include "reference/executor/job.h"
#include "reference/executor/partition.h"
#include "tests/executor_test_util.h"

namespace dxt::executor {
namespace {

using ::testing::HasSubstr;
using testing::Pairs;
using testing::TempDir;

TEST(DefaultPartitionTest, SpecVectors) {  // R9.3
  struct Case {
    const char* key;
    uint32_t p2, p3, p7, p10;
  };
  const Case cases[] = {{"", 0, 0, 1, 6},      {"a", 1, 1, 0, 7},       {"gutta", 0, 2, 5, 6},
                        {"cavat", 1, 1, 1, 9}, {"lapidem", 1, 0, 2, 9}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    EXPECT_EQ(DefaultPartition(c.key, 2), c.p2);
    EXPECT_EQ(DefaultPartition(c.key, 3), c.p3);
    EXPECT_EQ(DefaultPartition(c.key, 7), c.p7);
    EXPECT_EQ(DefaultPartition(c.key, 10), c.p10);
  }
}

TEST(DefaultPartitionTest, OnePartitionAndBinaryKeys) {
  EXPECT_EQ(DefaultPartition(std::string("\0\xff", 2), 1), 0u);
  // md5("") = d41d8cd98f00b204e9800998ecf8427e; mod 2^32-1 must agree with a direct computation.
  unsigned __int128 v = 0;
  for (const char* h = "d41d8cd98f00b204e9800998ecf8427e"; *h; ++h) {
    v = v * 16 + static_cast<unsigned>(std::isdigit(*h) ? *h - '0' : *h - 'a' + 10);
  }
  EXPECT_EQ(DefaultPartition("", 4294967295u), static_cast<uint32_t>(v % 4294967295u));
  EXPECT_EQ(DefaultPartition("", 1000003u), static_cast<uint32_t>(v % 1000003u));
}

TEST(DefaultPartitionTest, PartitionerAgreesWithTheFunctionPastItsMemory) {  // R9.3
  std::mt19937 rng(7);
  for (uint32_t n : {1u, 2u, 7u, 1000u}) {
    DefaultPartitioner by_hash(n, /*max_keys=*/100);  // a small memory, soon full
    for (int i = 0; i < 5000; ++i) {
      // Repeated keys (memory hits), fresh ones (misses and, past 100, unremembered keys).
      std::string key = std::to_string(rng() % (i < 2500 ? 150 : 100000));
      if (i % 3 == 0) key.push_back('\0');
      ASSERT_EQ(by_hash.Of(key), DefaultPartition(key, n)) << "n=" << n << " key=" << key;
    }
  }
}

TEST(RangePartitionTest, IntendedFormulaWithBankersRounding) {  // R9.4
  // (k - 0) / 10 * 4: k=0 -> 0, k=1 -> 0.4 -> 0, k=2 -> 0.8 -> 1, k=5 -> 2, k=10 -> 4.
  EXPECT_EQ(*RangePartitionOf("0", 0, 10, 5), 0u);
  EXPECT_EQ(*RangePartitionOf("1", 0, 10, 5), 0u);
  EXPECT_EQ(*RangePartitionOf("2", 0, 10, 5), 1u);
  EXPECT_EQ(*RangePartitionOf("5", 0, 10, 5), 2u);
  EXPECT_EQ(*RangePartitionOf("10", 0, 10, 5), 4u);
  // Exact halves round to even, like Python 3's round(): 0.5 -> 0, 1.5 -> 2, 2.5 -> 2.
  EXPECT_EQ(*RangePartitionOf("1", 0, 4, 3), 0u);    // 1/4*2 = 0.5
  EXPECT_EQ(*RangePartitionOf("3", 0, 4, 3), 2u);    // 3/4*2 = 1.5
  EXPECT_EQ(*RangePartitionOf("2", 0, 4, 6), 2u);    // 2/4*5 = 2.5
  EXPECT_EQ(*RangePartitionOf("3", 0, 4, 6), 4u);    // 3/4*5 = 3.75
}

TEST(RangePartitionTest, RejectsOutsideAndNonIntegers) {
  EXPECT_THAT(std::string(RangePartitionOf("11", 0, 10, 3).status().message()),
              HasSubstr("outside the range [0, 10]"));
  EXPECT_THAT(std::string(RangePartitionOf("-1", 0, 10, 3).status().message()), HasSubstr("outside"));
  EXPECT_THAT(std::string(RangePartitionOf("abc", 0, 10, 3).status().message()),
              HasSubstr("not a decimal integer"));
  EXPECT_FALSE(RangePartitionOf("", 0, 10, 3).ok());
  EXPECT_FALSE(RangePartitionOf("1.5", 0, 10, 3).ok());
  EXPECT_FALSE(RangePartitionOf("99999999999999999999", 0, 10, 3).ok());
  EXPECT_EQ(*RangePartitionOf(" 7\n", 0, 10, 2), 1u);  // Python int() strips whitespace
  EXPECT_EQ(*RangePartitionOf("-5", -10, 10, 3), 0u);   // 5/20*2 = 0.5 -> 0
  EXPECT_EQ(*RangePartitionOf("9223372036854775807", INT64_MIN, INT64_MAX, 1000), 999u);
}

TEST(BufferSizeTest, GnuSortSuffixes) {
  EXPECT_EQ(*ParseBufferSize("64M"), 64u << 20);
  EXPECT_EQ(*ParseBufferSize("100"), 100u * 1024);  // no suffix = KiB, as sort -S
  EXPECT_EQ(*ParseBufferSize("100b"), 100u);
  EXPECT_EQ(*ParseBufferSize("2G"), 2ull << 30);
  EXPECT_GT(*ParseBufferSize("10%"), 0u);
  EXPECT_FALSE(ParseBufferSize("10MB").ok());
  EXPECT_FALSE(ParseBufferSize("").ok());
  EXPECT_FALSE(ParseBufferSize("0%").ok());
  EXPECT_FALSE(ParseBufferSize("-5M").ok());
}

// Random binary pairs with many 0x00/0xFF bytes, shared prefixes and a few > 16 KiB records.
Pairs TrickyPairs(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  const char alphabet[] = {'\0', '\x01', 'a', 'b', '\x7f', '\x80', '\xfe', '\xff'};
  Pairs pairs;
  for (size_t i = 0; i < n; ++i) {
    auto str = [&](size_t max) {
      std::string s(rng() % (max + 1), '\0');
      for (char& c : s) c = alphabet[rng() % sizeof alphabet];
      return s;
    };
    std::string key = str(4);
    std::string value = i % 97 == 0 ? std::string(16 * 1024 + rng() % 5000, 'v') + str(3) : str(6);
    pairs.emplace_back(std::move(key), std::move(value));
  }
  pairs.emplace_back("", "");
  pairs.emplace_back(std::string(20000, '\xff'), "big key");
  pairs.emplace_back(std::string(3, '\0'), std::string(70000, '\0'));
  return pairs;
}

Pairs SortWith(SortAlgorithm algorithm, const Pairs& input, uint64_t budget, bool expect_spill) {
  TempDir dir;
  ExternalSorter sorter(dir / "s-", budget, algorithm);
  for (const auto& [k, v] : input) EXPECT_TRUE(sorter.Add(k, v).ok());
  Pairs out;
  EXPECT_TRUE(sorter.Finish([&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(sorter.runs_spilled() > 0, expect_spill);
  // Run files are gone.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  return out;
}

// Both in-memory sorts (the simple reference and the fast one) against std::sort of the strings.
void ExpectSortedLikeReference(const Pairs& input, uint64_t budget, bool expect_spill) {
  Pairs expected = input;
  // std::string compares bytes as unsigned char: the C-locale order R9.6 asks for.
  std::sort(expected.begin(), expected.end());
  const Pairs simple = SortWith(SortAlgorithm::kSimple, input, budget, expect_spill);
  const Pairs fast = SortWith(SortAlgorithm::kFast, input, budget, expect_spill);
  ASSERT_EQ(simple.size(), expected.size());
  EXPECT_TRUE(simple == expected);
  ASSERT_EQ(fast.size(), expected.size());
  EXPECT_TRUE(fast == simple);
}

// Keys where the fast sort's 8-byte prefixes tie or mislead: shared 8..12-byte stems that differ
// later, keys that differ only by trailing NULs ("ab" < "ab\0" < "ab\0\0"), keys that are
// prefixes of each other, empty keys, equal keys ordered by value; more records than one thread
// sorts alone (kParallelSortMin), so several sorted slices are merged.
Pairs PrefixTiePairs(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::string stems[] = {"", "ab", std::string("ab\0", 3), std::string("ab\0\0", 4),
                               "abcdefgh", "abcdefghi", std::string("abcdefgh\0", 9),
                               "\xff\xff\xff\xff\xff\xff\xff\xff", "abcdefg"};
  const char alphabet[] = {'\0', '\x01', 'a', '\x80', '\xff'};
  Pairs pairs;
  for (size_t i = 0; i < n; ++i) {
    std::string key = stems[rng() % std::size(stems)];
    for (size_t tail = rng() % 5; tail > 0; --tail) key.push_back(alphabet[rng() % 5]);
    std::string value(rng() % 3, '\0');
    for (char& c : value) c = alphabet[rng() % 5];
    pairs.emplace_back(std::move(key), std::move(value));
  }
  return pairs;
}

TEST(ExternalSortTest, InMemoryOrderIsUnsignedBytesThenValue) {  // R9.6
  ExpectSortedLikeReference(TrickyPairs(2000, 1), 64 << 20, /*expect_spill=*/false);
}

TEST(ExternalSortTest, SpillsAndMergesWithLargeRecords) {
  ExpectSortedLikeReference(TrickyPairs(5000, 2), ExternalSorter::kMinBudget, /*expect_spill=*/true);
}

TEST(ExternalSortTest, FastSortMatchesSimpleOnPrefixTies) {  // R9.6
  ExpectSortedLikeReference(PrefixTiePairs(150000, 4), 64 << 20, /*expect_spill=*/false);
}

// Uniform random keys of 0..12 bytes over all 256 byte values: every radix bucket is used, and
// buckets run from one record to thousands (the radix sort's levels and its std::sort cut-off).
TEST(ExternalSortTest, FastSortMatchesSimpleOnRandomBytes) {  // R9.6
  std::mt19937 rng(6);
  Pairs pairs;
  for (int i = 0; i < 200000; ++i) {
    std::string key(rng() % 13, '\0'), value(rng() % 3, '\0');
    for (char& c : key) c = static_cast<char>(i % 3 == 0 ? rng() % 4 : rng());
    for (char& c : value) c = static_cast<char>(rng());
    pairs.emplace_back(std::move(key), std::move(value));
  }
  ExpectSortedLikeReference(pairs, 64 << 20, /*expect_spill=*/false);
}

TEST(ExternalSortTest, FastSortMatchesSimpleWhenSpilling) {
  ExpectSortedLikeReference(PrefixTiePairs(150000, 5), 3 << 20, /*expect_spill=*/true);
}

TEST(ExternalSortTest, MoreRunsThanFanInNeedsSeveralPasses) {
  Pairs pairs;
  std::mt19937 rng(3);
  for (int i = 0; i < 100000; ++i) pairs.emplace_back(std::to_string(rng()), std::string(20, 'x'));
  TempDir dir;
  ExternalSorter sorter(dir / "s-", ExternalSorter::kMinBudget);
  for (const auto& [k, v] : pairs) ASSERT_TRUE(sorter.Add(k, v).ok());
  EXPECT_GT(sorter.runs_spilled(), ExternalSorter::kMaxFanIn);
  std::string previous;
  size_t n = 0;
  ASSERT_TRUE(sorter.Finish([&](std::string_view k, std::string_view) {
    EXPECT_LE(previous, std::string(k));
    previous = std::string(k);
    ++n;
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(n, pairs.size());
}

TEST(FramedFileTest, TruncationAndOversizeAreErrors) {  // R3.2, R3.3
  TempDir dir;
  testing::WriteKvFile(dir / "ok", {{"k", "value"}});
  const std::string good = testing::ReadFile(dir / "ok");
  for (size_t cut = 1; cut < good.size(); ++cut) {
    testing::WriteFile(dir / "cut", good.substr(0, cut));
    auto r = FramedReader::Open(dir / "cut");
    ASSERT_TRUE(r.ok());
    std::string k, v;
    absl::StatusOr<bool> more = (*r)->Next(&k, &v);
    EXPECT_TRUE(absl::IsDataLoss(more.status())) << cut;
    EXPECT_THAT(std::string(more.status().message()), HasSubstr("R3.3"));
  }
  testing::WriteFile(dir / "huge", std::string("\xff\xff\xff\x7f", 4) + "abc");
  auto r = FramedReader::Open(dir / "huge", 4096, codec::Limits{1000, 10});
  ASSERT_TRUE(r.ok());
  std::string k, v;
  EXPECT_TRUE(absl::IsOutOfRange((*r)->Next(&k, &v).status()));
}

TEST(SumAccumulatorTest, SumsInFirstSeenOrderAndRejectsNonIntegers) {  // R9.9
  SumAccumulator sums;
  ASSERT_TRUE(sums.Add("b", "2").ok());
  ASSERT_TRUE(sums.Add("a", "-1").ok());
  ASSERT_TRUE(sums.Add("b", " 40\n").ok());
  Pairs out;
  ASSERT_TRUE(sums.Drain([&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(out, (Pairs{{"b", "42"}, {"a", "-1"}}));
  absl::Status bad = sums.Add("k", "one");
  EXPECT_THAT(std::string(bad.message()), HasSubstr("value \"one\" of key \"k\" is not a decimal integer"));
  ASSERT_TRUE(sums.Add("x", "9223372036854775807").ok());
  EXPECT_THAT(std::string(sums.Add("x", "1").message()), HasSubstr("overflows"));
}

// As a combiner: each key's partition is asked for once, each partition drains its own keys in
// first-seen order, and a partition function's error (or a partition out of range) is the Add's.
TEST(SumAccumulatorTest, CombinerKeepsEachKeysPartition) {  // R9.2, R9.9
  SumAccumulator sums(3);
  std::map<std::string, int> asked;
  auto partition_of = [&](std::string_view key) -> absl::StatusOr<uint32_t> {
    ++asked[std::string(key)];
    if (key == "bad") return absl::InvalidArgumentError("key bad has no partition");
    if (key == "far") return 7u;
    return static_cast<uint32_t>(key.size() % 3);
  };
  for (const char* k : {"ccc", "a", "bb", "a", "dddd", "ccc", "e", "a"})
    ASSERT_TRUE(sums.Add(k, "1", partition_of).ok()) << k;
  EXPECT_EQ(asked,
            (std::map<std::string, int>{{"a", 1}, {"bb", 1}, {"ccc", 1}, {"dddd", 1}, {"e", 1}}));
  std::vector<Pairs> parts(3);
  for (uint32_t p = 0; p < 3; ++p) {
    ASSERT_TRUE(sums.Drain(p,
                           [&](std::string_view k, std::string_view v) {
                             parts[p].emplace_back(k, v);
                             return absl::OkStatus();
                           })
                    .ok());
  }
  EXPECT_EQ(parts[0], (Pairs{{"ccc", "2"}}));
  EXPECT_EQ(parts[1], (Pairs{{"a", "3"}, {"dddd", "1"}, {"e", "1"}}));
  EXPECT_EQ(parts[2], (Pairs{{"bb", "1"}}));
  EXPECT_THAT(std::string(sums.Add("bad", "1", partition_of).message()), HasSubstr("no partition"));
  EXPECT_TRUE(absl::IsOutOfRange(sums.Add("far", "1", partition_of)));
  sums.Clear();
  EXPECT_TRUE(sums.empty());
}

// Job file validation: every error names the file and the field.
class JobFileTest : public ::testing::Test {
 protected:
  absl::Status Parse(const std::string& json) {
    return ParseJob(json, "job.json", dir_.path()).status();
  }
  TempDir dir_;
};

TEST_F(JobFileTest, UnknownFieldIsAnError) {
  absl::Status s = Parse(R"({"input": [], "reduce": "nop_reduce", "partiton": 3})");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(std::string(s.message()), HasSubstr("job.json: field \"partiton\": unknown field"));
  s = Parse(R"({"input": [], "map": {"program": "x", "arg": []}})");
  EXPECT_THAT(std::string(s.message()), HasSubstr("\"map.arg\": unknown field"));
}

TEST_F(JobFileTest, MalformedJsonReportsLineAndColumn) {
  absl::Status s = Parse("{\n  \"input\": [],\n  \"reduce\": nop_reduce\n}");
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_THAT(std::string(s.message()), HasSubstr("job.json:3:14: malformed JSON"));
}

TEST_F(JobFileTest, MissingInputAndUnknownBuiltins) {
  absl::Status s = Parse(R"({"input": ["nope.txt"], "map": "nop_map"})");
  EXPECT_TRUE(absl::IsNotFound(s));
  EXPECT_THAT(std::string(s.message()), HasSubstr("\"input[0]\": no such file: " + dir_.path() + "/nope.txt"));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "sum_map"})").message()),
              HasSubstr("\"map\": unknown built-in \"sum_map\""));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "reduce": "nop_map"})").message()),
              HasSubstr("unknown built-in \"nop_map\""));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "nop_map", "combiner": "sum"})").message()),
              HasSubstr("\"combiner\""));
  EXPECT_TRUE(absl::IsNotFound(Parse(R"({"input": [], "map": {"program": "./missing"}})")));
  EXPECT_THAT(std::string(Parse(R"({"input": []})").message()), HasSubstr("needs a map, a reduce"));
}

TEST_F(JobFileTest, FieldValuesAreChecked) {
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "nop_map", "partitions": 0})").message()),
              HasSubstr("\"partitions\""));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "nop_map", "partitions": null,
                                    "partition": {"range": [0, 9]}})").message()),
              HasSubstr("needs \"partitions\""));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "nop_map", "partitions": 2,
                                    "partition": {"range": [9, 0]}})").message()),
              HasSubstr("min < max"));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "nop_map", "sort": "yes"})").message()),
              HasSubstr("\"sort\""));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "nop_map", "sort_buffer_size": "1X"})").message()),
              HasSubstr("\"sort_buffer_size\""));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "nop_map", "map_reader": "line"})").message()),
              HasSubstr("\"map_reader\""));
  EXPECT_THAT(std::string(Parse(R"({"input": [], "map": "nop_map", "ext_params": [1]})").message()),
              HasSubstr("\"ext_params\""));
}

TEST_F(JobFileTest, ExtParamsKeepOrderAndEncodeAsR2) {
  absl::StatusOr<JobSpec> job = ParseJob(
      R"({"input": ["raw://x"], "map": "nop_map", "ext_params": {"test1": "1,2,3", "one two three": "dim\ndam\n", "dummy": "value"}})",
      "job.json", dir_.path());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->param_block, "60\n5 test1 5 1,2,3\n13 one two three 8 dim\ndam\n\n5 dummy 5 value\n");
  job = ParseJob(R"({"input": [], "map": "nop_map", "ext_params": "raw text"})", "job.json", dir_.path());
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->param_block, "8\nraw text");
  job = ParseJob(R"({"input": [], "map": "nop_map"})", "job.json", dir_.path());
  EXPECT_EQ(job->param_block, "0\n");
  EXPECT_EQ(job->partitions, 1u);  // Disco's default
  EXPECT_EQ(job->status_interval, 100000u);
}

TEST_F(JobFileTest, BundledProgramsResolveNextToTheBinary) {
  absl::StatusOr<JobSpec> job =
      ParseJob(R"({"input": [], "map": {"program": "@dxt/wordcount"}})", "job.json", dir_.path());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->map.program, BundledProgramDir() + "/wordcount");
  EXPECT_EQ(job->map.Name(), "@dxt/wordcount");
}

}  // namespace
}  // namespace dxt::executor
