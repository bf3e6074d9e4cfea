// Drivers against real programs (small Python and shell scripts written per test): lockstep map,
// streaming reduce, and the seam's guarantees (deadlines kill the group, grandchildren holding
// stdout do not hang us, floods stay bounded).
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/driver.h"
#include "judge/checks.h"
#include "judge/task.h"

namespace dxt::harness {
namespace {

// What `dxt run` makes of a task's transcript (the one judge).
absl::Status TaskStatus(const Transcript& t) { return judge::JudgeTask(t, true).status; }

using ::testing::HasSubstr;
using std::chrono::milliseconds;

// Python helpers shared by the scripts below: read params, read pairs, write lists.
constexpr const char* kPyPrelude = R"PY(#!/usr/bin/env python3
import os, struct, sys, time
inp, out = sys.stdin.buffer, sys.stdout.buffer
def read_params():
    line = b''
    while not line.endswith(b'\n'):
        c = inp.read(1)
        if not c: sys.exit(0)
        line += c
    return inp.read(int(line))
def read_pair():
    h = inp.read(4)
    if len(h) < 4: return None
    k = inp.read(struct.unpack('<I', h)[0])
    v = inp.read(struct.unpack('<I', inp.read(4))[0])
    return k, v
def frame(k, v): return struct.pack('<I', len(k)) + k + struct.pack('<I', len(v)) + v
def write_list(pairs, flush=True):
    out.write(struct.pack('<I', len(pairs)) + b''.join(frame(k, v) for k, v in pairs))
    if flush: out.flush()
)PY";

class ScriptDir {
 public:
  ScriptDir() {
    std::string tmpl = "/tmp/dxt-harness-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl.data());
  }
  ~ScriptDir() { std::system(("rm -rf " + dir_).c_str()); }
  std::string Write(const std::string& name, const std::string& body, bool python = true) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << (python ? std::string(kPyPrelude) : std::string()) << body;
    ::chmod(path.c_str(), 0755);
    return path;
  }

 private:
  std::string dir_;
};

struct Input {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t next = 0;
  PairSource Source() {
    return [this]() -> absl::StatusOr<std::optional<codec::PairView>> {
      if (next == pairs.size()) return std::nullopt;
      const auto& p = pairs[next++];
      return codec::PairView{p.first, p.second};
    };
  }
};

// Alive and not a zombie (a killed orphan may wait for a reaper).
bool IsRunning(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  if (!(stat >> pid_field >> comm >> state)) return false;
  return state != "Z" && state != "X";
}

DriverOptions FastOptions() {
  DriverOptions o;
  o.reply_timeout = milliseconds(1500);
  o.exit_timeout = milliseconds(1500);
  o.keep_output_pairs = 1000;
  return o;
}

Transcript RunProgram(Mode mode, const std::string& program, Input input,
               DriverOptions options = FastOptions(), std::string params = "0\n") {
  ProgramSpec spec{program, {}, {}, {}};
  auto t = RunRecorded(mode, spec, params, input.Source(), nullptr, nullptr, options);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : Transcript{};
}

constexpr const char* kEchoMap = R"PY(
read_params()
while True:
    p = read_pair()
    if p is None: break
    write_list([p])
)PY";

TEST(DriverTest, EchoMapLockstepIsClean) {
  ScriptDir d;
  std::string prog = d.Write("echo.py", kEchoMap);
  Input in{{{"k1", "v1"}, {"", "line"}, {std::string("\0\xff", 2), std::string(100000, 'x')}}};
  std::vector<std::pair<uint64_t, size_t>> lists;
  ProgramSpec spec{prog, {}, {}, {}};
  auto s = RunRecorded(
      Mode::kMap, spec, "0\n", in.Source(),
      [&](uint64_t i, std::span<const codec::PairView> pairs) {
        lists.emplace_back(i, pairs.size());
        return absl::OkStatus();
      },
      nullptr, FastOptions());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(TaskStatus(*s).ok()) << TaskStatus(*s);
  EXPECT_EQ(s->pairs_queued, 3u);
  EXPECT_EQ(s->lists_completed, 3u);
  EXPECT_THAT(lists, ::testing::ElementsAre(std::pair<uint64_t, size_t>{0, 1},
                                            std::pair<uint64_t, size_t>{1, 1},
                                            std::pair<uint64_t, size_t>{2, 1}));
}

TEST(DriverTest, SinkErrorAbortsTheRun) {
  ScriptDir d;
  std::string prog = d.Write("echo.py", kEchoMap);
  Input in{{{"a", "1"}, {"b", "2"}}};
  ProgramSpec spec{prog, {}, {}, {}};
  auto s = RunRecorded(
      Mode::kMap, spec, "0\n", in.Source(),
      [](uint64_t, std::span<const codec::PairView>) { return absl::CancelledError("stop"); },
      nullptr, FastOptions());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kCancelled);
}

// A sandbox that ends at once (here a "bwrap" that exits 1 before anything) is a sandbox that did
// not start, whether it ended before or after we handed the launcher its pipes: RunRecorded under
// auto falls back on exactly this. (Once sending the pipes failed with EPIPE when bwrap was
// already gone, an error without the mark: `dxt run` then failed the job under load.)
TEST(DriverTest, ASandboxEndingAtOnceIsNotStartedEveryTime) {
  const char* before = std::getenv("DXT_BWRAP");
  const std::string saved = before ? before : "";
  ::setenv("DXT_BWRAP", "/bin/false", 1);
  LaunchSpec spec;
  spec.executable = "/bin/true";
  spec.argv = {"/bin/true"};
  spec.work_dir = "/";
  spec.isolation = Isolation::kNamespaces;
  spec.tmp_dir = spec.home_dir = "/tmp";
  int marked = 0;
  for (int i = 0; i < 40; ++i) {
    auto io = SpawnProcess(spec);
    ASSERT_FALSE(io.ok());
    if (IsSandboxNotStarted(io.status())) {
      ++marked;
    } else {
      ADD_FAILURE() << "attempt " << i << ": " << io.status();
    }
    if (i % 2 == 1) ::usleep(1000);  // vary the timing: bwrap gone before or after the send
  }
  if (before) {
    ::setenv("DXT_BWRAP", saved.c_str(), 1);
  } else {
    ::unsetenv("DXT_BWRAP");
  }
  EXPECT_EQ(marked, 40);
}

TEST(DriverTest, MissingProgramIsAHarnessError) {
  ProgramSpec spec{"/nonexistent/prog", {}, {}, {}};
  Input in;
  auto s = RunRecorded(Mode::kMap, spec, "0\n", in.Source(), nullptr, nullptr, FastOptions());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
}

TEST(DriverTest, BufferedMapIsStalledThenAnswersAfterClose) {
  ScriptDir d;
  std::string prog = d.Write("buffered.py", R"PY(
read_params()
while True:
    p = read_pair()
    if p is None: break
    write_list([p], flush=False)
out.flush()
)PY");
  auto t = RunProgram(Mode::kMap, prog, Input{{{"a", "1"}, {"b", "2"}}});
  ASSERT_TRUE(t.stalled_pair.has_value());
  EXPECT_EQ(*t.stalled_pair, 0u);
  ASSERT_FALSE(t.lists.empty());
  EXPECT_TRUE(t.lists[0].started_after_stdin_closed);
  ASSERT_FALSE(t.expired.empty());
  EXPECT_THAT(judge::ExpiredWaitText(t.expired.at(0)), HasSubstr("reply to pair 0"));
  EXPECT_FALSE(TaskStatus(t).ok());
}

TEST(DriverTest, TwoListsPerPairIsAViolation) {
  ScriptDir d;
  std::string prog = d.Write("two.py", R"PY(
read_params()
while True:
    p = read_pair()
    if p is None: break
    write_list([p]); write_list([p])
)PY");
  auto t = RunProgram(Mode::kMap, prog, Input{{{"a", "1"}, {"b", "2"}, {"c", "3"}}});
  ASSERT_TRUE(t.extra_list);
  EXPECT_THAT(judge::ListViolationText(*t.extra_list), HasSubstr("R5.2"));
}

// The second list comes 50 ms after the first, in a write of its own, while pair 1 sits unread in
// the pipe: it is named as a second list for pair 0 at once, not taken for pair 1's answer.
// (The program then waits before reading on: had it read pair 1 before the harness looked, the
// harness could not tell the list from an answer and would catch the extra list one step later.)
TEST(DriverTest, LateSecondListIsNamedForItsPair) {
  ScriptDir d;
  std::string prog = d.Write("late.py", R"PY(
read_params()
p = read_pair()
write_list([p]); time.sleep(0.05); write_list([]); time.sleep(0.2)
while True:
    p = read_pair()
    if p is None: break
    write_list([p])
)PY");
  auto t = RunProgram(Mode::kMap, prog, Input{{{"a", "1"}, {"b", "2"}, {"c", "3"}}});
  ASSERT_TRUE(t.extra_list);
  EXPECT_THAT(judge::ListViolationText(*t.extra_list),
              HasSubstr("before the program had read any of pair 1: a second list for pair 0"));
  EXPECT_EQ(t.lists_completed, 1u);  // stopped at the violation
}

// A program that writes `first_list` before reading anything, waits `pause_s`, then echoes.
Transcript RunListFirst(const std::string& first_list, const std::string& pause_s,
                        milliseconds settle) {
  ScriptDir d;
  std::string prog = d.Write("early.py", "write_list(" + first_list + ")\ntime.sleep(" + pause_s +
                                             ")\nread_params()\n" + R"PY(
while True:
    p = read_pair()
    if p is None: break
    write_list([p])
)PY");
  DriverOptions o = FastOptions();
  o.settle = settle;
  return RunProgram(Mode::kMap, prog, Input{{{"a", "1"}}}, o);
}

// Without a quiet period the list arrives after pair 0 was written, but before the program has
// read any of it: still R5.3.
TEST(DriverTest, ListBeforeReadingIsSeenWithoutSettle) {
  auto t = RunListFirst("[]", "0.05", milliseconds(0));
  ASSERT_TRUE(t.extra_list);
  EXPECT_THAT(judge::ListViolationText(*t.extra_list), HasSubstr("R5.3"));
}

TEST(DriverTest, ListBeforeInputIsSeenWithSettle) {
  auto t = RunListFirst("[(b'x', b'y')]", "0", milliseconds(300));
  ASSERT_TRUE(t.extra_list);
  EXPECT_THAT(judge::ListViolationText(*t.extra_list), HasSubstr("R5.3"));
  EXPECT_GT(t.stdout_bytes_before_first_pair, 0u);
}

TEST(DriverTest, ExitStatusAndSignalAreDistinct) {
  ScriptDir d;
  auto t3 = RunProgram(Mode::kReduce, d.Write("exit9.sh", "#!/bin/sh\ncat >/dev/null\nexit 9\n", false),
                Input{{{"a", "1"}}});
  EXPECT_TRUE(t3.exit.exited);
  EXPECT_EQ(t3.exit.exit_code, 9);
  EXPECT_EQ(t3.exit.term_signal, 0);
  auto ts = RunProgram(Mode::kReduce,
                d.Write("segv.sh", "#!/bin/sh\ncat >/dev/null\nkill -SEGV $$\n", false),
                Input{{{"a", "1"}}});
  EXPECT_FALSE(ts.exit.exited);
  EXPECT_EQ(ts.exit.term_signal, SIGSEGV);
  EXPECT_FALSE(ts.killed_by_driver);
}

TEST(DriverTest, NeverExitingProgramIsKilledWithItsGroup) {
  ScriptDir d;
  std::string pidfile = "/tmp/dxt-harness-test-sleeper." + std::to_string(::getpid());
  std::string prog = d.Write("hang.sh",
                             "#!/bin/sh\nsleep 1000 &\necho $! > " + pidfile +
                                 "\ncat >/dev/null\nwhile :; do sleep 1; done\n",
                             false);
  auto start = std::chrono::steady_clock::now();
  // Process-group isolation: the pid file must reach the host, and the pid be the host's. (Under
  // namespaces the whole PID namespace dies with the case; tests/isolation_test.cc covers it.)
  DriverOptions options = FastOptions();
  options.isolation = Isolation::kProcessGroup;
  auto t = RunProgram(Mode::kReduce, prog, Input{{{"a", "1"}}}, options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
  EXPECT_TRUE(t.killed_by_driver);
  ASSERT_FALSE(t.expired.empty());
  EXPECT_THAT(judge::ExpiredWaitText(t.expired[0]), HasSubstr("exit after stdin was closed"));
  std::ifstream f(pidfile);
  int sleeper = 0;
  f >> sleeper;
  ASSERT_GT(sleeper, 0);
  usleep(100000);
  EXPECT_FALSE(IsRunning(sleeper)) << "background sleep survived the group kill";
  std::remove(pidfile.c_str());
}

TEST(DriverTest, GrandchildHoldingStdoutDoesNotHangUs) {
  ScriptDir d;
  // The child exits at once; its background grandchild keeps stdout open for 100 s.
  std::string prog = d.Write("leak.sh", "#!/bin/sh\ncat >/dev/null\n(sleep 100) &\nexit 0\n", false);
  auto start = std::chrono::steady_clock::now();
  auto t = RunProgram(Mode::kReduce, prog, Input{{{"a", "1"}}});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(t.descendant_held_pipes);
  EXPECT_TRUE(t.exit.exited);
  EXPECT_EQ(t.exit.exit_code, 0);
}

TEST(DriverTest, StdoutAndStderrFloodsStayBounded) {
  ScriptDir d;
  // An endless list (count 2^32-1 of empty pairs) and an endless unterminated stderr line.
  std::string prog = d.Write("flood.py", R"PY(
import threading
def err():
    while True: sys.stderr.buffer.write(b'x' * 65536)
threading.Thread(target=err, daemon=True).start()
out.write(struct.pack('<I', 0xffffffff))
while True: out.write(b'\0' * 65536)
)PY");
  DriverOptions o = FastOptions();
  o.overall_timeout = milliseconds(1500);
  o.max_list_bytes = 1 << 20;
  auto t = RunProgram(Mode::kReduce, prog, Input{{{"a", "1"}}}, o);
  EXPECT_TRUE(t.killed_by_driver);
  EXPECT_GT(t.stdout_bytes + t.stderr_bytes, 1u << 20);
  EXPECT_LE(t.stdout_head.size(), kMaxExcerptBytes);
  EXPECT_LE(t.logs.size(), kMaxLogRecords);
  for (const auto& l : t.logs) EXPECT_LE(l.raw.size(), 4096u);
}

// The executor's lockstep map (DriverOptions::colocate): the driver awaits each list asleep in
// read(2) on stdout, and a timer tick makes it look at everything else. Without the tick a
// program blocked on a full stderr pipe would never write its list, and a deadline would never
// end the read.
DriverOptions Colocated(milliseconds reply) {
  DriverOptions o = FastOptions();
  o.colocate = true;
  o.reply_timeout = reply;
  return o;
}

TEST(DriverTest, ColocatedMapDrainsStderrWhileAwaitingItsList) {
  ScriptDir d;
  // 160 KiB of messages before each list: more than a pipe buffer holds.
  std::string prog = d.Write("loud.py", R"PY(
read_params()
while True:
    p = read_pair()
    if p is None: break
    sys.stderr.buffer.write(b'**<MSG> a message of the loud map\n' * 5000); sys.stderr.flush()
    write_list([p])
)PY");
  const auto start = std::chrono::steady_clock::now();
  auto t = RunProgram(Mode::kMap, prog, Input{{{"a", "1"}, {"b", "2"}, {"c", "3"}}},
                      Colocated(milliseconds(5000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_TRUE(t.expired.empty());
  EXPECT_EQ(t.lists_completed, 3u);
  EXPECT_EQ(t.stderr_bytes, 3u * 5000 * 34);
  EXPECT_EQ(t.msg_lines, 3u * 5000);
}

TEST(DriverTest, ColocatedReplyDeadlineEndsTheWait) {
  ScriptDir d;
  std::string prog = d.Write("mute.py", "read_params(); read_pair(); time.sleep(30)\n");
  const auto start = std::chrono::steady_clock::now();
  auto t = RunProgram(Mode::kMap, prog, Input{{{"a", "1"}}}, Colocated(milliseconds(300)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(t.expired.empty());
  EXPECT_EQ(t.expired[0].kind, ExpiredWait::Kind::kReply);
  EXPECT_TRUE(t.killed_by_driver);
}

TEST(DriverTest, ColocatedMapExitingWithoutItsListIsSeen) {
  ScriptDir d;
  // Exits at once; then again with a grandchild holding stdout open (no end-of-file for the
  // blocked read: only the tick lets the driver see the exit).
  for (const char* body : {"read_params(); read_pair(); sys.exit(3)\n",
                           "read_params(); read_pair()\nif os.fork() == 0: time.sleep(30)\n"
                           "sys.exit(3)\n"}) {
    std::string prog = d.Write("quits.py", body);
    const auto start = std::chrono::steady_clock::now();
    auto t = RunProgram(Mode::kMap, prog, Input{{{"a", "1"}, {"b", "2"}}},
                        Colocated(milliseconds(5000)));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4)) << body;
    EXPECT_TRUE(t.exit.exited) << body;
    EXPECT_EQ(t.exit.exit_code, 3) << body;
    EXPECT_EQ(t.lists_completed, 0u) << body;
  }
}

TEST(DriverTest, FourGigabyteClaimIsALimitsFailure) {
  ScriptDir d;
  std::string prog = d.Write("claim.py", R"PY(
read_params(); read_pair()
out.write(struct.pack('<I', 1) + struct.pack('<I', 0xffffffff) + b'abc'); out.flush()
time.sleep(30)
)PY");
  auto t = RunProgram(Mode::kMap, prog, Input{{{"a", "1"}}});
  EXPECT_EQ(t.stdout_error.kind, codec::StreamError::Kind::kOverLimit);
  EXPECT_EQ(t.stdout_error.field, codec::StreamError::Field::kKeyLength);
  EXPECT_EQ(t.stdout_error.claimed, 0xffffffffu);
  EXPECT_EQ(t.stdout_error.offset, 4u);
  EXPECT_THAT(codec::Describe(t.stdout_error), HasSubstr("key length 4294967295 exceeds limit"));
  EXPECT_TRUE(t.killed_by_driver);
}

TEST(DriverTest, ReduceStreamsLargeInputWhileWriting) {
  ScriptDir d;
  // Writes a 1 MiB list before reading anything: a driver that wrote stdin without draining
  // stdout would deadlock.
  std::string prog = d.Write("early_reduce.py", R"PY(
read_params()
write_list([(b'big', b'z' * (1 << 20))])
n = 0
while read_pair() is not None: n += 1
write_list([(b'count', str(n).encode())])
)PY");
  Input in;
  for (int i = 0; i < 2000; ++i) in.pairs.emplace_back("k" + std::to_string(i), std::string(1000, 'v'));
  auto t = RunProgram(Mode::kReduce, prog, in);
  EXPECT_TRUE(TaskStatus(t).ok()) << TaskStatus(t);
  ASSERT_EQ(t.output.size(), 2u);
  EXPECT_EQ(t.output[1].second, "2000");
}

// A terminated stderr line without prefix is kept apart from the protocol status: the executor
// tolerates it (as Disco) unless strict; a final line without "\n" always fails (R7.3).
TEST(DriverTest, UnprefixedStderrIsSeparateFromProtocol) {
  Transcript t;
  t.mode = Mode::kMap;
  t.exit.exited = true;
  t.exit.exit_code = 0;
  t.reaped = true;
  t.other_lines = 2;
  EXPECT_TRUE(judge::JudgeTask(t, /*strict_stderr=*/false).status.ok());
  EXPECT_EQ(judge::JudgeTask(t, false).warnings.size(), 1u);
  EXPECT_THAT(std::string(TaskStatus(t).message()),
              HasSubstr("log (R7.1): 2 stderr line(s) without a **<MSG> or **<ERR> prefix"));
  t.other_lines = 0;
  t.unterminated_lines = 1;
  EXPECT_THAT(std::string(judge::JudgeTask(t, false).status.message()),
              HasSubstr("log (R7.3): the last stderr line has no final \\n"));
  t.unterminated_lines = 0;
  EXPECT_TRUE(TaskStatus(t).ok());
}

TEST(DriverTest, ReduceExitingWithInputUnreadIsSeen) {
  ScriptDir d;
  std::string prog = d.Write("quit.py", "read_params(); read_pair(); sys.exit(0)\n");
  Input in;
  for (int i = 0; i < 300; ++i) in.pairs.emplace_back("k", std::string(4096, 'v'));
  auto t = RunProgram(Mode::kReduce, prog, in);
  EXPECT_TRUE(t.stdin_broken || t.unread_input_at_exit > 0 || t.pairs_total > t.pairs_queued);
  EXPECT_THAT(std::string(TaskStatus(t).message()), HasSubstr("R6.1"));
}

// All input fits the pipe, every write succeeds, and the program exits only after end-of-input,
// never having read a pair: the bytes still in the pipe at its exit are the only trace (R6.1).
TEST(DriverTest, ReduceIgnoringItsInputUntilEndOfInputIsSeen) {
  ScriptDir d;
  // Unbuffered reads (os.read) of exactly the parameter block "0\n": the pairs stay in the pipe.
  std::string prog = d.Write("ignore.py",
                             "import select\nos.read(0, 2)\np = select.poll()\n"
                             "p.register(0, 0)\np.poll(5000)\nsys.exit(0)\n");
  auto t = RunProgram(Mode::kReduce, prog, Input{{{"a", "1"}, {"b", "2"}}});
  EXPECT_FALSE(t.stdin_broken);
  EXPECT_EQ(t.pairs_total, t.pairs_queued);
  EXPECT_EQ(t.unread_input_at_exit, 2 * (4 + 1 + 4 + 1u));
  EXPECT_TRUE(t.unread_after_eof);
  EXPECT_THAT(std::string(TaskStatus(t).message()), HasSubstr("R6.1"));
}

TEST(DriverTest, SandboxSeesWrittenFiles) {
  ScriptDir d;
  std::string prog = d.Write("writer.sh", "#!/bin/sh\ncat >/dev/null\necho hi > out.txt\n", false);
  auto t = RunProgram(Mode::kReduce, prog, Input{{{"a", "1"}}});
  EXPECT_THAT(t.sandbox.created, ::testing::ElementsAre("out.txt"));
}

// The sandbox's program is a hard link to a copy staged once per process: a program that
// rewrites or chmods itself must neither reach the user's original nor the next run.
TEST(DriverTest, ProgramRewritingItselfReachesNeitherTheOriginalNorTheNextRun) {
  ScriptDir d;
  std::string prog = d.Write("selfmod.sh",
                             "#!/bin/sh\ncat >/dev/null\n"
                             "if grep -q '^# TOUCH''ED$' \"$0\"; then exit 3; fi\n"
                             "echo '# TOUCH''ED' >> \"$0\"\nchmod 0500 \"$0\"\nexit 0\n",
                             false);
  for (int run = 0; run < 2; ++run) {
    auto t = RunProgram(Mode::kReduce, prog, Input{{{"a", "1"}}});
    EXPECT_TRUE(t.exit.exited) << "run " << run;
    EXPECT_EQ(t.exit.exit_code, 0) << "run " << run << ": saw an earlier run's rewrite";
  }
  std::ifstream original(prog);
  std::string text((std::istreambuf_iterator<char>(original)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, ::testing::Not(HasSubstr("\n# TOUCHED")));
  struct stat st;
  ASSERT_EQ(::stat(prog.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

// A large item costs the driver one item: the request is written from the source's own bytes
// (borrowed, never copied into the stdin queue), and the answer is decoded into one buffer that
// grows without copying (codec/item_buffer.h). Before, the queue copy and std::string's last
// doubling made it two items more than the source's own.
TEST(DriverMemoryTest, AnEchoedLargeItemCostsTheDriverAboutOneItem) {
  constexpr uint64_t kItem = uint64_t{64} << 20;
  ScriptDir d;
  std::string prog = d.Write("echo.py", kEchoMap);
  Input in{{{"k", std::string(kItem, 'v')}}};  // the source's item, resident before we measure
  DriverOptions o = FastOptions();
  o.reply_timeout = milliseconds(60000);
  o.keep_output_pairs = 0;
  o.limits.max_item_size = 2 * kItem;
  uint64_t got = 0;
  rusage before{}, after{};
  ::getrusage(RUSAGE_SELF, &before);
  ProgramSpec spec{prog, {}, {}, {}};
  auto t = RunRecorded(
      Mode::kMap, spec, "0\n", in.Source(),
      [&](uint64_t, std::span<const codec::PairView> pairs) {
        for (const auto& p : pairs) got += p.value.size();
        return absl::OkStatus();
      },
      nullptr, o);
  ::getrusage(RUSAGE_SELF, &after);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(TaskStatus(*t).ok()) << TaskStatus(*t);
  EXPECT_EQ(got, kItem);
  const uint64_t growth = static_cast<uint64_t>(after.ru_maxrss - before.ru_maxrss) * 1024;
  EXPECT_LT(growth, kItem + kItem / 2) << "peak grew by " << (growth >> 20) << " MiB for a "
                                       << (kItem >> 20) << " MiB item";
}

}  // namespace
}  // namespace dxt::harness
