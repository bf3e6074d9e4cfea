// Whole jobs through the reference executor (SPEC R9): golden outputs per rule, the reference
// wordcount against an independent count, identical bytes for every --jobs and --pipeline, and
// failures that name their task and leave nothing behind.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reference/executor/partition.h"
#include "tests/executor_test_util.h"

namespace dxt::executor {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Pairs;
using testing::Part;
using testing::RunJobText;
using testing::TempDir;

RunOptions Quiet(unsigned jobs = 2) {
  RunOptions o;
  o.jobs = jobs;
  return o;
}

// Nothing but the job file and inputs remain: no output, no staging directory.
void ExpectNoOutputLeft(const TempDir& dir) {
  for (const auto& e : fs::directory_iterator(dir.path())) {
    const std::string name = e.path().filename().string();
    EXPECT_FALSE(name.rfind("out", 0) == 0) << "left behind: " << name;
  }
}

TEST(ExecutorJobTest, WordcountWithReferenceProgramsEqualsIndependentCount) {
  TempDir dir;
  std::mt19937 rng(7);
  const std::vector<std::string> vocabulary = {"alpha", "beta", "gamma", "d\xc3\xa9lta", "e",
                                               "zeta,", "ETA", "theta.", "x\x01y", "0"};
  std::map<std::string, uint64_t> expected;
  for (int f = 0; f < 4; ++f) {
    std::string text;
    for (int line = 0; line < 300; ++line) {
      const int words = rng() % 9;
      for (int w = 0; w < words; ++w) {
        const std::string& word = vocabulary[rng() % vocabulary.size()];
        ++expected[word];
        text += word + (rng() % 5 == 0 ? "\t  " : " ");
      }
      text += line % 50 == 0 ? "\r\n" : "\n";
    }
    testing::WriteFile(dir / ("in" + std::to_string(f) + ".txt"), text);
  }
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({
    "name": "wc", "input": ["in0.txt", "in1.txt", "in2.txt", "in3.txt"],
    "map": {"program": "@dxt/wordcount"}, "partitions": 3, "combiner": "sum_combiner",
    "sort": true, "reduce": {"program": "@dxt/wordcount"}, "output": "out"})", Quiet());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->map_entries, 1200u);
  std::map<std::string, uint64_t> got;
  ASSERT_EQ(r->index.files.size(), 3u);
  for (uint32_t p = 0; p < 3; ++p) {
    const Pairs part = Part(dir / "out", PartFileName(p));
    EXPECT_TRUE(std::is_sorted(part.begin(), part.end()));
    EXPECT_EQ(r->index.files[p].pairs, part.size());
    for (const auto& [word, count] : part) {
      EXPECT_EQ(DefaultPartition(word, 3), p) << word;
      EXPECT_TRUE(got.emplace(word, std::stoull(count)).second) << "duplicate " << word;
    }
  }
  EXPECT_EQ(got, expected);
}

// The same job, run with 1, 2 and 4 concurrent tasks, lockstep and pipelined: identical bytes.
TEST(ExecutorJobTest, IdenticalBytesForEveryJobsAndPipeline) {
  TempDir dir;
  std::mt19937 rng(11);
  for (int f = 0; f < 5; ++f) {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += std::to_string(rng() % 300) + (i % 7 ? " " : "\n");
    testing::WriteFile(dir / ("in" + std::to_string(f)), text);
  }
  const std::string job = R"({"input": ["in0", "in1", "in2", "in3", "in4"],
    "map": {"program": "@dxt/wordcount"}, "partitions": 4, "reduce": "sum_reduce",
    "output": "out"})";
  std::map<std::string, std::string> reference;
  for (bool pipeline : {false, true}) {
    for (unsigned jobs : {1u, 2u, 4u}) {
      SCOPED_TRACE(std::string(pipeline ? "pipeline" : "lockstep") + " jobs=" + std::to_string(jobs));
      RunOptions o = Quiet(jobs);
      o.pipeline = pipeline;
      o.force = true;
      absl::StatusOr<JobResult> r = RunJobText(dir.path(), job, o);
      ASSERT_TRUE(r.ok()) << r.status();
      auto bytes = testing::OutputBytes(dir / "out");
      EXPECT_EQ(bytes.size(), 5u);  // 4 parts + index.json
      if (reference.empty()) reference = bytes;
      for (const auto& [name, content] : bytes) {
        EXPECT_TRUE(reference.contains(name) && reference[name] == content) << name << "\n" << content;
      }
    }
  }
}

// R9.2: pairs are partitioned by the map's key, then combined inside their partition, per map
// task, with one final flush (done=true) per partition. Map-only, so the combiner output is the
// job output: part-p holds map 0's sums for partition p, then map 1's.
TEST(ExecutorJobTest, CombinerRunsPerMapInsideEachPartition) {
  TempDir dir;
  testing::WriteKvFile(dir / "m0", {{"a", "1"}, {"gutta", "2"}, {"a", "3"}, {"cavat", "4"}, {"", "5"}});
  testing::WriteKvFile(dir / "m1", {{"cavat", "10"}, {"a", "20"}, {"cavat", "30"}});
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": ["m0", "m1"],
    "map_reader": "kv", "map": "nop_map", "partitions": 2, "combiner": "sum_combiner",
    "output": "out"})", Quiet());
  ASSERT_TRUE(r.ok()) << r.status();
  // R9.3 vectors for n=2: "" -> 0, "a" -> 1, "gutta" -> 0, "cavat" -> 1.
  EXPECT_EQ(Part(dir / "out", "part-00000"), (Pairs{{"gutta", "2"}, {"", "5"}}));
  EXPECT_EQ(Part(dir / "out", "part-00001"),
            (Pairs{{"a", "4"}, {"cavat", "4"}, {"cavat", "40"}, {"a", "20"}}));
}

TEST(ExecutorJobTest, MapOnlyUnpartitionedGivesOneOutputPerMap) {  // R9.5
  TempDir dir;
  testing::WriteFile(dir / "a.txt", std::string("one\ntwo\r\nno newline\0x", 21));
  testing::WriteFile(dir / "empty.txt", "");
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": ["a.txt", "raw://r1\nr2\n", "empty.txt"],
    "map": "nop_map", "partitions": null, "output": "out"})", Quiet());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Part(dir / "out", "part-00000"),
            (Pairs{{"", "one\n"}, {"", "two\r\n"}, {"", std::string("no newline\0x", 12)}}));
  EXPECT_EQ(Part(dir / "out", "part-00001"), (Pairs{{"", "r1\n"}, {"", "r2\n"}}));
  EXPECT_EQ(Part(dir / "out", "part-00002"), Pairs{});
  absl::StatusOr<OutputIndex> index = ReadOutputIndex(dir / "out");
  ASSERT_TRUE(index.ok());
  EXPECT_FALSE(index->partitions.has_value());
  ASSERT_EQ(index->files.size(), 3u);
  EXPECT_FALSE(index->files[1].partition.has_value());
  EXPECT_EQ(index->files[1].map_task, 1u);
  EXPECT_EQ(index->files[0].pairs, 3u);
}

TEST(ExecutorJobTest, ReduceOnlyJobsFeedInputsToReduce) {  // R9.8
  TempDir dir;
  testing::WriteKvFile(dir / "counts", {{"x", "1"}, {"y", "2"}, {"x", "3"}});
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": ["counts", "raw://4"],
    "map_reader": "kv", "reduce": "sum_reduce", "output": "out"})", Quiet());
  // raw://4 is not a framed pair: the error names the input.
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("map task 1 (input raw://4, no map)"));
  ExpectNoOutputLeft(dir);
  r = RunJobText(dir.path(), R"({"input": ["counts"], "map_reader": "kv", "reduce": "sum_reduce",
    "output": "out"})", Quiet());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Part(dir / "out", "part-00000"), (Pairs{{"x", "4"}, {"y", "2"}}));
  EXPECT_EQ(r->reduce_entries, 3u);
}

// A sorted reduce-only job has no map work: its reduce reads the inputs themselves (no
// intermediate file). Output, counts, status lines and input errors are as with a map phase.
TEST(ExecutorJobTest, SortedReduceOnlyJobReadsItsInputsInTheReduce) {  // R9.8
  TempDir dir;
  testing::WriteKvFile(dir / "a", {{"b", "2"}, {"a", "1"}, {"c", "3"}});
  testing::WriteKvFile(dir / "b", {{"a", "0"}, {"b", "1"}});
  std::vector<std::string> log;
  RunOptions o = Quiet();
  o.log = [&log](const std::string& line) { log.push_back(line); };
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": ["a", "b"], "map_reader": "kv",
    "sort": true, "reduce": "nop_reduce", "status_interval": 2, "output": "out"})", o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Part(dir / "out", "part-00000"),
            (Pairs{{"a", "0"}, {"a", "1"}, {"b", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(r->map_entries, 5u);
  EXPECT_EQ(r->reduce_entries, 5u);
  EXPECT_THAT(log, ElementsAre("[map:0 input=a] 2 entries mapped", "[map:0 input=a] Done: 3 entries mapped",
                               "[map:1 input=b] 2 entries mapped", "[map:1 input=b] Done: 2 entries mapped",
                               "[reduce:0] 2 entries reduced", "[reduce:0] 4 entries reduced",
                               "[reduce:0] Done: 5 entries reduced"));
  r = RunJobText(dir.path(), R"({"input": ["a", "raw://4"], "map_reader": "kv", "sort": true,
    "reduce": "nop_reduce", "output": "out2"})", Quiet());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              ::testing::StartsWith("map task 1 (input raw://4, no map) failed: "));
  EXPECT_FALSE(fs::exists(dir / "out2"));
}

TEST(ExecutorJobTest, ChainedJobsReadEarlierOutputs) {  // R9.8
  TempDir dir;
  testing::WriteFile(dir / "text", "b a\na c a\n");
  ASSERT_TRUE(RunJobText(dir.path(), R"({"input": ["text"], "map": {"program": "@dxt/wordcount"},
    "partitions": 2, "reduce": "sum_reduce", "output": "first"})", Quiet(), "first.json").ok());
  // The second job swaps key and value through a range partition on the counts.
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": ["first"], "map_reader": "chain",
    "map": "nop_map", "partitions": 1, "sort": true, "reduce": "nop_reduce", "output": "second"})",
                                           Quiet(), "second.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Part(dir / "second", "part-00000"), (Pairs{{"a", "3"}, {"b", "1"}, {"c", "1"}}));
  // A chain reader needs job outputs.
  absl::StatusOr<JobResult> bad = RunJobText(dir.path(), R"({"input": ["text"], "map_reader": "chain",
    "map": "nop_map", "output": "third"})", Quiet(), "third.json");
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("needs a job output directory"));
}

TEST(ExecutorJobTest, EmptyInputStillWritesEveryPartition) {  // R9.8
  TempDir dir;
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": [], "map": "nop_map",
    "partitions": 3, "reduce": {"program": "@dxt/wordcount"}, "output": "out"})", Quiet());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->index.files.size(), 3u);
  for (const OutputFile& f : r->index.files) {
    EXPECT_EQ(f.pairs, 0u);
    EXPECT_EQ(f.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}

// R9.6: sorted reduce input in unsigned byte order, ties by value, with 0x00/0xFF everywhere and
// records over 16 KiB, through a small buffer that forces spills.
TEST(ExecutorJobTest, SortIsBinarySafeAndBounded) {
  TempDir dir;
  std::mt19937 rng(5);
  const char alphabet[] = {'\0', '\xff', 'a', '\n', '\t', ' '};
  Pairs all;
  for (int f = 0; f < 2; ++f) {
    Pairs pairs;
    for (int i = 0; i < 3000; ++i) {
      std::string k(rng() % 4, 'a'), v(i % 100 == 0 ? 17 * 1024 : rng() % 3, 'b');
      for (char& c : k) c = alphabet[rng() % sizeof alphabet];
      for (char& c : v) c = alphabet[rng() % sizeof alphabet];
      pairs.emplace_back(k, v);
    }
    testing::WriteKvFile(dir / ("in" + std::to_string(f)), pairs);
    all.insert(all.end(), pairs.begin(), pairs.end());
  }
  const std::string job = R"({"input": ["in0", "in1"], "map_reader": "kv", "map": "nop_map",
    "sort": %s, "sort_buffer_size": "64K", "reduce": "nop_reduce", "output": "%s"})";
  char text[512];
  std::snprintf(text, sizeof text, job.c_str(), "true", "sorted");
  ASSERT_TRUE(RunJobText(dir.path(), text, Quiet()).ok());
  Pairs sorted = all;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_TRUE(Part(dir / "sorted", "part-00000") == sorted);
  // Without sort: map task order, then emission order.
  std::snprintf(text, sizeof text, job.c_str(), "false", "unsorted");
  ASSERT_TRUE(RunJobText(dir.path(), text, Quiet()).ok());
  EXPECT_TRUE(Part(dir / "unsorted", "part-00000") == all);
}

TEST(ExecutorJobTest, ShuffleIsDeterministicPerSeed) {
  TempDir dir;
  Pairs pairs;
  for (int i = 0; i < 200; ++i) pairs.emplace_back(std::to_string(i % 10), std::to_string(i));
  testing::WriteKvFile(dir / "in", pairs);
  auto run = [&](std::optional<uint64_t> seed, bool sort) {
    RunOptions o = Quiet();
    o.shuffle_seed = seed;
    o.force = true;
    std::string job = R"({"input": ["in"], "map_reader": "kv", "map": "nop_map", "reduce": "nop_reduce",
      "output": "out", "sort": )" + std::string(sort ? "true" : "false") + "}";
    EXPECT_TRUE(RunJobText(dir.path(), job, o).ok());
    return Part(dir / "out", "part-00000");
  };
  const Pairs plain = run(std::nullopt, false);
  EXPECT_EQ(plain, pairs);
  const Pairs s1 = run(1, false), s1again = run(1, false), s2 = run(2, false);
  EXPECT_EQ(s1, s1again);
  EXPECT_NE(s1, plain);
  EXPECT_NE(s1, s2);
  EXPECT_TRUE(std::is_permutation(s1.begin(), s1.end(), pairs.begin()));
  // With sort, keys stay ordered and only equal keys are reordered.
  const Pairs sorted_shuffled = run(3, true);
  EXPECT_TRUE(std::is_sorted(sorted_shuffled.begin(), sorted_shuffled.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; }));
  Pairs sorted = pairs;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NE(sorted_shuffled, sorted);
  EXPECT_TRUE(std::is_permutation(sorted_shuffled.begin(), sorted_shuffled.end(), pairs.begin()));
}

TEST(ExecutorJobTest, RangePartitionAndItsErrors) {  // R9.4
  TempDir dir;
  testing::WriteKvFile(dir / "in", {{"0", "a"}, {"10", "b"}, {"5", "c"}, {"2", "d"}});
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": ["in"], "map_reader": "kv",
    "map": "nop_map", "partitions": 3, "partition": {"range": [0, 10]}, "output": "out"})", Quiet());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Part(dir / "out", "part-00000"), (Pairs{{"0", "a"}, {"2", "d"}}));
  EXPECT_EQ(Part(dir / "out", "part-00001"), (Pairs{{"5", "c"}}));
  EXPECT_EQ(Part(dir / "out", "part-00002"), (Pairs{{"10", "b"}}));
  testing::WriteKvFile(dir / "bad", {{"3", "a"}, {"11", "b"}});
  r = RunJobText(dir.path(), R"({"input": ["in", "bad"], "map_reader": "kv", "map": "nop_map",
    "partitions": 3, "partition": {"range": [0, 10]}, "output": "out2"})", Quiet());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("map task 1 (input bad, nop_map) failed: key \"11\" is outside the range [0, 10]"));
  EXPECT_FALSE(fs::exists(dir / "out2"));
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST(ExecutorJobTest, NonIntegerUnderSumFailsNamingTheTask) {  // R9.9
  TempDir dir;
  testing::WriteKvFile(dir / "in", {{"k", "1"}, {"k", "one"}});
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": ["in"], "map_reader": "kv",
    "map": "nop_map", "reduce": "sum_reduce", "output": "out"})", Quiet());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("reduce task 0 (partition 0, sum_reduce) failed: value \"one\" of key \"k\""));
  ExpectNoOutputLeft(dir);
  r = RunJobText(dir.path(), R"({"input": ["in"], "map_reader": "kv", "map": "nop_map",
    "combiner": "sum_combiner", "output": "out"})", Quiet());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("map task 0 (input in, nop_map) failed"));
  ExpectNoOutputLeft(dir);
}

std::string Script(const TempDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir / name;
  testing::WriteFile(path, "#!/bin/sh\n" + body);
  chmod(path.c_str(), 0755);
  return path;
}

TEST(ExecutorJobTest, ProgramMessagesAndFailuresNameTheirTask) {  // R7.2, R8.1, R9.7
  TempDir dir;
  testing::WriteFile(dir / "empty.txt", "");
  Script(dir, "talk.sh", "echo '**<MSG> hello there' >&2\ncat >/dev/null\nexit 0\n");
  Script(dir, "err.sh", "echo '**<ERR> boom' >&2\ncat >/dev/null\nexit 0\n");
  Script(dir, "exit3.sh", "cat >/dev/null\nexit 3\n");
  std::vector<std::string> log;
  RunOptions o = Quiet();
  o.log = [&log](const std::string& line) { log.push_back(line); };
  absl::StatusOr<JobResult> r = RunJobText(dir.path(), R"({"input": ["empty.txt"],
    "map": {"program": "talk.sh"}, "output": "out"})", o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(log, ::testing::Contains("[map:0 input=empty.txt] hello there"));

  r = RunJobText(dir.path(), R"({"input": ["empty.txt"], "map": {"program": "err.sh"},
    "output": "out2"})", o);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("map task 0 (input empty.txt, err.sh) failed"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("boom"));
  r = RunJobText(dir.path(), R"({"input": [], "reduce": {"program": "exit3.sh"}, "output": "out3"})", o);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("reduce task 0 (partition 0, exit3.sh) failed"));
  EXPECT_FALSE(fs::exists(dir / "out2"));
  EXPECT_FALSE(fs::exists(dir / "out3"));
}

// The executor does not ask FIONREAD at each list start (DriverOptions::detect_list_before_read):
// a second list written late for pair 0, after pair 1 is in the pipe, passes for pair 1's answer
// at first. The lists then outnumber the pairs, and the job still fails.
TEST(ExecutorJobTest, LateSecondListFailsTheJob) {  // R5.2
  TempDir dir;
  testing::WriteFile(dir / "a.txt", "a\nb\nc\n");
  const std::string path = dir / "late.py";
  testing::WriteFile(path, R"(#!/usr/bin/env python3
import struct, sys, time
i, o = sys.stdin.buffer, sys.stdout.buffer
i.read(int(i.readline()))
def string():
    return i.read(struct.unpack("<I", i.read(4))[0])
first = True
while len(head := i.read(4)) == 4:
    k = i.read(struct.unpack("<I", head)[0])
    v = string()
    o.write(struct.pack("<II", 1, len(k)) + k + struct.pack("<I", len(v)) + v)
    o.flush()
    if first:
        time.sleep(0.2)
        o.write(struct.pack("<I", 0))
        o.flush()
        first = False
)");
  chmod(path.c_str(), 0755);
  absl::StatusOr<JobResult> r = RunJobText(
      dir.path(), R"({"input": ["a.txt"], "map": {"program": "late.py"}, "output": "out"})", Quiet());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("R5.2"));
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(ExecutorJobTest, StatusIntervalMessages) {  // R9.7
  TempDir dir;
  testing::WriteFile(dir / "a.txt", "1\n2\n3\n4\n5\n");
  std::vector<std::string> log;
  RunOptions o = Quiet();
  o.log = [&log](const std::string& line) { log.push_back(line); };
  ASSERT_TRUE(RunJobText(dir.path(), R"({"input": ["a.txt"], "map": "nop_map", "reduce": "nop_reduce",
    "status_interval": 2, "output": "out"})", o).ok());
  EXPECT_THAT(log, ElementsAre("[map:0 input=a.txt] 2 entries mapped", "[map:0 input=a.txt] 4 entries mapped",
                               "[map:0 input=a.txt] Done: 5 entries mapped", "[reduce:0] 2 entries reduced",
                               "[reduce:0] 4 entries reduced", "[reduce:0] Done: 5 entries reduced"));
}

TEST(ExecutorJobTest, ExistingOutputNeedsForceAndIsReplacedWhole) {
  TempDir dir;
  ASSERT_TRUE(RunJobText(dir.path(), R"({"input": ["raw://a\nb\n"], "map": "nop_map", "output": "out"})",
                         Quiet()).ok());
  absl::StatusOr<JobResult> r =
      RunJobText(dir.path(), R"({"input": ["raw://c\n"], "map": "nop_map", "output": "out"})", Quiet());
  EXPECT_TRUE(absl::IsFailedPrecondition(r.status())) << r.status();
  EXPECT_EQ(Part(dir / "out", "part-00000").size(), 2u);
  // A failing job with --force keeps the previous output intact.
  RunOptions force = Quiet();
  force.force = true;
  r = RunJobText(dir.path(), R"({"input": ["raw://c\n"], "map": "nop_map", "partitions": 1,
    "reduce": "sum_reduce", "output": "out"})", force);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Part(dir / "out", "part-00000").size(), 2u);
  r = RunJobText(dir.path(), R"({"input": ["raw://c\n"], "map": "nop_map", "output": "out"})", force);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Part(dir / "out", "part-00000"), (Pairs{{"", "c\n"}}));
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) entries += e.path().filename() != "job.json";
  EXPECT_EQ(entries, 1u) << "only out/ remains";
}

}  // namespace
}  // namespace dxt::executor
