// `dxt run` and `dxt cat` as a user runs them: exit codes 0 / 1 (job failed) / 2 (usage or job
// file error), messages on stderr, and the cat formats.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/executor_test_util.h"

namespace dxt::executor {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string DxtPath() { return std::string(DXT_BINARY_DIR) + "/tools/dxt"; }

// Runs `dxt ARGS` through the shell, capturing stdout and stderr into files of `dir`.
Outcome Dxt(const TempDir& dir, const std::string& args) {
  const std::string cmd = "'" + DxtPath() + "' " + args + " >'" + (dir / "stdout") + "' 2>'" +
                          (dir / "stderr") + "'";
  const int status = std::system(cmd.c_str());
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = testing::ReadFile(dir / "stdout");
  o.err = testing::ReadFile(dir / "stderr");
  return o;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(DxtPath())) GTEST_SKIP() << "build the dxt target first";
  }
  TempDir dir_;
};

TEST_F(CliTest, RunThenCatJsonlAndTsv) {
  testing::WriteFile(dir_ / "text", "b a\ta\n\\x\n");
  testing::WriteFile(dir_ / "job.json", R"({"input": ["text", "raw://a\u0000b a\n"],
    "map": {"program": "@dxt/wordcount"}, "partitions": 1, "sort": true, "reduce": "sum_reduce",
    "status_interval": 1, "output": "out"})");
  Outcome run = Dxt(dir_, "run '" + (dir_ / "job.json") + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, dir_ / "out\n");
  EXPECT_THAT(run.err, HasSubstr("[map:1 input=raw://a"));
  EXPECT_THAT(run.err, HasSubstr("Done: 2 entries mapped"));
  EXPECT_THAT(run.err, HasSubstr("[reduce:0] Done: 6 entries reduced"));

  Outcome cat = Dxt(dir_, "cat '" + (dir_ / "out") + "'");
  ASSERT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_EQ(cat.out,
            "{\"partition\":0,\"key\":\"\\\\x\",\"value\":\"1\"}\n"
            "{\"partition\":0,\"key\":\"a\",\"value\":\"3\"}\n"
            "{\"partition\":0,\"key\":\"a\\u0000b\",\"value\":\"1\"}\n"
            "{\"partition\":0,\"key\":\"b\",\"value\":\"1\"}\n");
  cat = Dxt(dir_, "cat --format tsv '" + (dir_ / "out") + "'");
  EXPECT_EQ(cat.out, "\\\\x\t1\na\t3\na\\x00b\t1\nb\t1\n");
  cat = Dxt(dir_, "cat --format tsv --top 2 '" + (dir_ / "out") + "'");
  EXPECT_EQ(cat.out, "a\t3\n\\\\x\t1\n");

  // Running again refuses to overwrite (usage error) unless --force.
  Outcome again = Dxt(dir_, "run -q '" + (dir_ / "job.json") + "'");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("already exists (use --force"));
  EXPECT_EQ(Dxt(dir_, "run -q --force -j 1 --pipeline '" + (dir_ / "job.json") + "'").exit_code, 0);
}

TEST_F(CliTest, JobFileErrorsExitTwo) {
  testing::WriteFile(dir_ / "bad.json", "{\"input\": [],\n \"map\": \"nop_map\",,\n}");
  Outcome o = Dxt(dir_, "run '" + (dir_ / "bad.json") + "'");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_THAT(o.err, HasSubstr("bad.json:2:19: malformed JSON"));
  testing::WriteFile(dir_ / "typo.json", R"({"input": [], "map": "nop_map", "sorted": true, "output": "o"})");
  o = Dxt(dir_, "run '" + (dir_ / "typo.json") + "'");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_THAT(o.err, HasSubstr("field \"sorted\": unknown field"));
  testing::WriteFile(dir_ / "missing.json", R"({"input": ["nope"], "map": "nop_map", "output": "o"})");
  EXPECT_EQ(Dxt(dir_, "run '" + (dir_ / "missing.json") + "'").exit_code, 2);
  EXPECT_EQ(Dxt(dir_, "run '" + (dir_ / "does-not-exist.json") + "'").exit_code, 2);
  EXPECT_EQ(Dxt(dir_, "cat '" + dir_.path() + "'").exit_code, 2);  // not an output directory
}

TEST_F(CliTest, JobFailureExitsOneAndLeavesNoOutput) {
  testing::WriteFile(dir_ / "job.json", R"({"input": ["raw://1\nx\n"], "map": "nop_map",
    "reduce": "sum_reduce", "output": "out"})");
  Outcome o = Dxt(dir_, "run '" + (dir_ / "job.json") + "'");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.err, HasSubstr("reduce task 0 (partition 0, sum_reduce) failed"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}

// Fidelity (issue 13 §1): Disco's worker forwards a stderr line without **<MSG>/**<ERR> and the
// task goes on. The documentation's echo example, with its unprefixed progress line, runs to the
// end with a warning naming the task; --strict fails it (R7.3).
TEST_F(CliTest, UnprefixedStderrIsAWarningUnlessStrict) {
  const std::string program = std::string(DXT_BINARY_DIR) + "/tests/programs/doc_echo";
  if (!std::filesystem::exists(program)) GTEST_SKIP() << "build dxt_test_subjects first";
  testing::WriteFile(dir_ / "job.json", R"({"name": "echo", "input": ["raw://one\ntwo\n"],
    "map": {"program": ")" + program + R"("}, "partitions": null, "status_interval": 0,
    "output": "out"})");
  Outcome o = Dxt(dir_, "run '" + (dir_ / "job.json") + "'");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(o.err, HasSubstr("[map:0 input=raw://one\\ntwo\\n] warning: stderr line without "
                               "**<MSG>/**<ERR> prefix (R7.1; ignored, as Disco): Got key <> val <one>"));
  EXPECT_THAT(o.err, HasSubstr("[map:0 input=raw://one\\ntwo\\n] 2 key-value pairs read ok"));
  Outcome cat = Dxt(dir_, "cat --format tsv '" + (dir_ / "out") + "'");
  EXPECT_EQ(cat.out, "\tone\\n\n\ttwo\\n\n");

  Outcome strict = Dxt(dir_, "run --strict --force '" + (dir_ / "job.json") + "'");
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
  EXPECT_THAT(strict.err, HasSubstr("map task 0"));
  EXPECT_THAT(strict.err, HasSubstr("log (R7.1): 1 stderr line(s) without a **<MSG> or **<ERR> prefix"));
  EXPECT_EQ(testing::ReadFile(dir_ / "out/part-00000"), std::string("\0\0\0\0\4\0\0\0one\n", 12) +
                                                              std::string("\0\0\0\0\4\0\0\0two\n", 12));
}

// Result lists on stderr are not a benign line: Disco would forward them as messages and the
// output would be lost, so the task fails without --strict too, naming the defect.
TEST_F(CliTest, ResultListsOnStderrFailTheTask) {
  const std::string program = std::string(DXT_BINARY_DIR) + "/tests/programs/lists_to_stderr.py";
  if (!std::filesystem::exists(program)) GTEST_SKIP() << "build dxt_test_subjects first";
  testing::WriteFile(dir_ / "job.json", R"({"input": ["raw://one\ntwo\n"], "map": "nop_map",
    "reduce": {"program": ")" + program + R"("}, "status_interval": 0, "output": "out"})");
  Outcome o = Dxt(dir_, "run '" + (dir_ / "job.json") + "'");
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_THAT(o.err, HasSubstr("reduce task 0"));
  EXPECT_THAT(o.err, HasSubstr("log (R7.1): writes its result lists to stderr instead of stdout"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
}

// Disco's result format in and out (issue 13 §2): a cluster's result file (here one made by
// Python's pickle and zlib) feeds a job; the job writes Disco's format back, which Python's own
// reader accepts; dxt -> disco -> dxt is the identity; a corrupt file names file and offset.
const std::string kDiscoVectors = std::string(DXT_SOURCE_DIR) + "/tests/data/disco/";

TEST_F(CliTest, DiscoResultsInAndOut) {
  testing::WriteFile(dir_ / "in.json", R"({"input": [")" + kDiscoVectors + R"(bytes_compressed.disco"],
    "map_reader": "disco", "map": "nop_map", "partitions": null, "output_format": "disco",
    "status_interval": 0, "output": "disco-out"})");
  Outcome o = Dxt(dir_, "run '" + (dir_ / "in.json") + "'");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(testing::ReadFile(dir_ / "disco-out/index.json"), HasSubstr("\"part_format\": \"disco\""));
  const std::string script = kDiscoVectors + "make_vectors.py";
  EXPECT_EQ(std::system(("python3 '" + script + "' --check '" + (dir_ / "disco-out/part-00000") + "' '" +
                         kDiscoVectors + "bytes_compressed.kv'").c_str()), 0);
  // Same records, same hunk CRCs as Python's file (the deflate bytes may differ across zlibs).
  EXPECT_EQ(testing::ReadFile(dir_ / "disco-out/part-00000").substr(0, 6),
            testing::ReadFile(kDiscoVectors + "bytes_compressed.disco").substr(0, 6));

  // Chained: the Disco-format output read back as frames is exactly the Python vector's pairs.
  testing::WriteFile(dir_ / "back.json", R"({"input": ["disco-out"], "map_reader": "chain",
    "map": "nop_map", "partitions": null, "status_interval": 0, "output": "back"})");
  o = Dxt(dir_, "run '" + (dir_ / "back.json") + "'");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(testing::ReadFile(dir_ / "back/part-00000"), testing::ReadFile(kDiscoVectors + "bytes_compressed.kv"));

  // dxt cat: the directory (its index says disco), or the file alone (detected by 0x81).
  Outcome cat = Dxt(dir_, "cat --format tsv '" + (dir_ / "disco-out") + "'");
  EXPECT_THAT(cat.out, HasSubstr("key 3\tvalue \\x00\\xff 3\n"));
  EXPECT_EQ(Dxt(dir_, "cat --format tsv '" + (dir_ / "disco-out/part-00000") + "'").out, cat.out);
  EXPECT_EQ(Dxt(dir_, "cat --input-format disco --format tsv '" + kDiscoVectors + "text_v0.disco'").out,
            "a\t1\n\tno key\ntwo words\tline\\nbreak\n\\x00\\xff\t\n");
}

TEST_F(CliTest, DiscoRoundTripIsByteIdentical) {
  testing::Pairs pairs;
  for (int i = 0; i < 3000; ++i) {
    std::string v(static_cast<size_t>(i % 997), static_cast<char>(i));
    pairs.emplace_back(std::string("k\0\xff", 3) + std::to_string(i), v + "\n\xfe");
  }
  testing::WriteKvFile(dir_ / "in.kv", pairs);  // ~1.5 MiB: two hunks and the terminator
  testing::WriteFile(dir_ / "to.json", R"({"input": ["in.kv"], "map_reader": "kv", "map": "nop_map",
    "partitions": null, "output_format": "disco", "status_interval": 0, "output": "d"})");
  testing::WriteFile(dir_ / "from.json", R"({"input": ["d/part-00000"], "map_reader": "disco",
    "map": "nop_map", "partitions": null, "status_interval": 0, "output": "f"})");
  ASSERT_EQ(Dxt(dir_, "run '" + (dir_ / "to.json") + "'").exit_code, 0);
  Outcome o = Dxt(dir_, "run '" + (dir_ / "from.json") + "'");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(testing::ReadFile(dir_ / "f/part-00000") == testing::ReadFile(dir_ / "in.kv"));
}

TEST_F(CliTest, CorruptDiscoInputNamesFileAndOffset) {
  std::string bad = testing::ReadFile(kDiscoVectors + "bytes_stored.disco");
  bad[3] ^= 0x10;  // the CRC-32
  testing::WriteFile(dir_ / "bad.disco", bad);
  testing::WriteFile(dir_ / "job.json", R"({"input": ["bad.disco"], "map_reader": "disco",
    "map": "nop_map", "partitions": null, "output": "out"})");
  Outcome o = Dxt(dir_, "run '" + (dir_ / "job.json") + "'");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.err, HasSubstr("bad.disco: hunk at offset 0: CRC-32 mismatch"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out"));
  testing::WriteFile(dir_ / "job.json", R"({"input": [")" + kDiscoVectors + R"(foreign_float.disco"],
    "map_reader": "disco", "map": "nop_map", "partitions": null, "output": "out"})");
  o = Dxt(dir_, "run '" + (dir_ / "job.json") + "'");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_THAT(o.err, HasSubstr("foreign_float.disco: hunk at offset 0: record 0 (byte 47 of its records): "
                               "opcode 0x47 BINFLOAT is not allowed"));
  EXPECT_EQ(Dxt(dir_, "cat '" + (dir_ / "bad.disco") + "'").exit_code, 1);
}

}  // namespace
}  // namespace dxt::executor
