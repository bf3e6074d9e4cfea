// Unit tests of the dxt::program library (reference/program/) over real pipes in-process.
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "codec/kv_frame.h"
#include "codec/param_block.h"
#include "codec/result_list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reference/program/program.h"

namespace {

using dxt::codec::PairView;
using dxt::program::InputBuffer;
using ::testing::HasSubstr;

// A pipe whose write end is filled (and closed) by the test; small data only (pipe buffer).
class FilledPipe {
 public:
  explicit FilledPipe(const std::string& bytes, bool close_writer = true) {
    EXPECT_EQ(pipe(fds_), 0);
    EXPECT_EQ(write(fds_[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    if (close_writer) CloseWriter();
  }
  ~FilledPipe() {
    close(fds_[0]);
    CloseWriter();
  }
  void CloseWriter() {
    if (fds_[1] >= 0) close(fds_[1]);
    fds_[1] = -1;
  }
  int reader() const { return fds_[0]; }
  int writer() const { return fds_[1]; }

  // Everything still unread in the pipe (the writer must be closed).
  std::string Rest() {
    std::string rest;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds_[0], buf, sizeof buf)) > 0) rest.append(buf, static_cast<size_t>(n));
    return rest;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST(ProgramOneLine, EscapesLineBreaksOnly) {
  EXPECT_EQ(dxt::program::OneLine("a\nb\r\nc"), "a\\nb\\r\\nc");
  EXPECT_EQ(dxt::program::OneLine(std::string("x\0y\xff", 4)), std::string("x\0y\xff", 4));
  EXPECT_EQ(dxt::program::OneLine(""), "");
}

TEST(ProgramLog, MsgWritesOneMsgLineToStderr) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const int saved_stderr = dup(2);
  dup2(fds[1], 2);
  dxt::program::Msg("two\nlines");
  dup2(saved_stderr, 2);
  close(saved_stderr);
  close(fds[1]);
  char buf[256];
  const ssize_t n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "**<MSG> two\\nlines\n");
}

TEST(ProgramLogDeathTest, DieWritesErrLineAndExitsOne) {
  EXPECT_EXIT(dxt::program::Die("boom\nagain"), ::testing::ExitedWithCode(1),
              "^\\*\\*<ERR> boom\\\\nagain\n$");
}

TEST(ProgramReadParams, ReadsExactlyTheAnnouncedBytes) {
  const dxt::codec::ParamDict dict = {{" k", "\nv"}, {std::string("\0", 1), ""}, {"", " "}};
  const std::string trailing = "PAIR BYTES THAT MUST STAY IN THE PIPE";
  FilledPipe pipe(dxt::codec::EncodeParamDict(dict) + trailing);
  InputBuffer in(pipe.reader());
  const auto params = dxt::program::ReadParams(in);
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_TRUE(params->is_dict);
  EXPECT_EQ(params->dict, dict);
  EXPECT_EQ(in.available(), "");
  EXPECT_EQ(pipe.Rest(), trailing) << "ReadParams read past the block (R2.3)";
  ASSERT_NE(params->Find(""), nullptr);
  EXPECT_EQ(*params->Find(""), " ");
  EXPECT_EQ(params->Find("k"), nullptr);
}

TEST(ProgramReadParams, EmptyAndRaw) {
  {
    FilledPipe pipe("0\n");
    InputBuffer in(pipe.reader());
    const auto params = dxt::program::ReadParams(in);
    ASSERT_TRUE(params.ok()) << params.status();
    EXPECT_TRUE(params->is_dict);
    EXPECT_TRUE(params->dict.empty());
  }
  {
    FilledPipe pipe(dxt::codec::EncodeParamRaw("hello world"));
    InputBuffer in(pipe.reader());
    const auto params = dxt::program::ReadParams(in);
    ASSERT_TRUE(params.ok()) << params.status();
    EXPECT_FALSE(params->is_dict);
    EXPECT_EQ(params->raw, "hello world");
    EXPECT_EQ(params->Find("hello"), nullptr);
  }
}

TEST(ProgramReadParams, TruncatedAndMalformed) {
  {
    FilledPipe pipe("10\n12345");
    InputBuffer in(pipe.reader());
    const auto params = dxt::program::ReadParams(in);
    EXPECT_EQ(params.status().code(), absl::StatusCode::kDataLoss) << params.status();
  }
  {
    FilledPipe pipe("1x\n");
    InputBuffer in(pipe.reader());
    const auto params = dxt::program::ReadParams(in);
    EXPECT_EQ(params.status().code(), absl::StatusCode::kInvalidArgument) << params.status();
    EXPECT_THAT(std::string(params.status().message()), HasSubstr("offset 1"));
  }
}

TEST(ProgramPairReader, ReadsBinaryPairsThenCleanEnd) {
  std::string frames;
  ASSERT_TRUE(dxt::codec::AppendPair(&frames, "", "").ok());
  ASSERT_TRUE(dxt::codec::AppendPair(&frames, std::string("\0\xff", 2), "v").ok());
  FilledPipe pipe(frames);
  InputBuffer in(pipe.reader());
  dxt::program::PairReader reader(&in);
  PairView pair;
  ASSERT_TRUE(*reader.Read(&pair));
  EXPECT_EQ(pair, (PairView{"", ""}));
  ASSERT_TRUE(*reader.Read(&pair));
  EXPECT_EQ(pair.key, std::string("\0\xff", 2));
  EXPECT_EQ(pair.value, "v");
  const auto end = reader.Read(&pair);
  ASSERT_TRUE(end.ok()) << end.status();
  EXPECT_FALSE(*end);
  EXPECT_EQ(reader.pairs_read(), 2u);
}

TEST(ProgramPairReader, TruncatedPairIsDataLossWithOffset) {
  std::string frames;
  ASSERT_TRUE(dxt::codec::AppendPair(&frames, "a", "b").ok());  // 10 bytes
  ASSERT_TRUE(dxt::codec::AppendPair(&frames, "key", "value").ok());
  frames.pop_back();
  FilledPipe pipe(frames);
  InputBuffer in(pipe.reader());
  dxt::program::PairReader reader(&in);
  PairView pair;
  ASSERT_TRUE(*reader.Read(&pair));
  const auto truncated = reader.Read(&pair);
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(truncated.status().message()), HasSubstr("offset 10"));
  EXPECT_THAT(std::string(truncated.status().message()), HasSubstr("pair 1"));
}

TEST(ProgramPairReader, OversizedLengthIsInvalid) {
  std::string frames;
  dxt::codec::AppendU32(&frames, 100);
  FilledPipe pipe(frames + "0123456789");
  InputBuffer in(pipe.reader());
  dxt::program::PairReader reader(&in, dxt::codec::Limits{.max_item_size = 10});
  PairView pair;
  const auto got = reader.Read(&pair);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << got.status();
}

// A pair that is complete in the pipe is returned without waiting for end of input, i.e.
// without needing the writer to close (the map conversation, R5.1).
TEST(ProgramPairReader, DoesNotWaitForMoreThanOnePair) {
  std::string frames;
  ASSERT_TRUE(dxt::codec::AppendPair(&frames, "k", "v").ok());
  FilledPipe pipe(frames, /*close_writer=*/false);
  InputBuffer in(pipe.reader());
  dxt::program::PairReader reader(&in);
  PairView pair;
  ASSERT_TRUE(*reader.Read(&pair));  // would block forever if it waited for more
  EXPECT_EQ(pair, (PairView{"k", "v"}));
}

TEST(ProgramListWriter, WritesCodecEncodingAndClears) {
  const std::string big(100000, 'z');  // over 64 KiB: takes the two-write path
  dxt::program::ResultList list;
  list.Add("a", "");
  list.Add(std::string("\0", 1), big);
  std::string expected;
  const std::vector<PairView> pairs = {{"a", ""}, {std::string_view("\0", 1), big}};
  ASSERT_TRUE(dxt::codec::AppendResultList(&expected, pairs).ok());

  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  dxt::program::ListWriter writer(fds[1]);
  dxt::program::ResultList empty;
  ASSERT_TRUE(writer.WriteList(list).ok());
  ASSERT_TRUE(writer.WriteList(empty).ok());
  close(fds[1]);
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(writer.lists_written(), 2u);
  std::string got;
  char buf[65536];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  expected.append(4, '\0');  // the empty list
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected);
}

TEST(ProgramReduceOutput, BatchesByBytesAndKeepsOrder) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  dxt::program::ListWriter writer(fds[1]);
  dxt::program::ReduceOutput out(&writer, /*batch_bytes=*/30);
  out.Add("k1", "v1");  // 12 bytes
  out.Add("k2", "v2");  // 24
  out.Add("k3", "v3");  // 36 >= 30: emitted
  EXPECT_EQ(writer.lists_written(), 1u);
  out.Add("k4", "v4");
  dxt::program::ResultList direct;
  direct.Add("d", "d");
  out.Emit(direct);  // flushes the pending k4 first
  out.Flush();       // nothing pending: no empty list
  EXPECT_EQ(writer.lists_written(), 3u);
  close(fds[1]);
  std::string got;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  std::string expected;
  ASSERT_TRUE(dxt::codec::AppendResultList(
                  &expected, std::vector<PairView>{{"k1", "v1"}, {"k2", "v2"}, {"k3", "v3"}})
                  .ok());
  ASSERT_TRUE(dxt::codec::AppendResultList(&expected, std::vector<PairView>{{"k4", "v4"}}).ok());
  ASSERT_TRUE(dxt::codec::AppendResultList(&expected, std::vector<PairView>{{"d", "d"}}).ok());
  EXPECT_EQ(got, expected);
}

}  // namespace
