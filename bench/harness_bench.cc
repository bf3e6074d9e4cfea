// Harness driver throughput beside plain loops written directly on pipes, in the same run and
// with the same program (the reference echo): map lockstep (target >= 0.8x the plain pairs/s)
// and reduce streaming (target >= 0.7x). Each iteration starts the program afresh in both
// variants; the harness also pays for its sandbox (copy of the program, directory snapshots).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "benchmark/benchmark.h"
#include "codec/kv_frame.h"
#include "harness/driver.h"
#include "judge/task.h"

namespace {

using dxt::codec::PairView;
namespace harness = dxt::harness;

const char kEcho[] = DXT_BINARY_DIR "/reference/programs/echo";

std::vector<std::pair<std::string, std::string>> MakePairs(int n, size_t value_size) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int i = 0; i < n; ++i) pairs.emplace_back("key" + std::to_string(i), std::string(value_size, 'v'));
  return pairs;
}

// --- plain loops -----------------------------------------------------------------------------

struct Child {
  int pid, in, out;
};

Child Start(const char* mode) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) std::abort();
  int pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    signal(SIGPIPE, SIG_DFL);
    execl(kEcho, kEcho, mode, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  return {pid, in[1], out[0]};
}

void WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t w = write(fd, s.data() + off, s.size() - off);
    if (w <= 0) std::abort();
    off += static_cast<size_t>(w);
  }
}

bool ReadExact(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

uint32_t ReadU32(int fd) {
  char b[4];
  if (!ReadExact(fd, b, 4)) std::abort();
  return dxt::codec::LoadU32(b);
}

// Reads one result list, returns its pair count.
uint32_t ReadList(int fd, std::string* scratch) {
  uint32_t count = ReadU32(fd);
  for (uint32_t i = 0; i < 2 * count; ++i) {
    scratch->resize(ReadU32(fd));
    if (!ReadExact(fd, scratch->data(), scratch->size())) std::abort();
  }
  return count;
}

void Finish(const Child& c) {
  close(c.in);
  char buf[4096];
  while (read(c.out, buf, sizeof buf) > 0) {
  }
  close(c.out);
  int status;
  waitpid(c.pid, &status, 0);
}

void BM_MapLockstep_Plain(benchmark::State& state) {
  auto pairs = MakePairs(static_cast<int>(state.range(0)), 16);
  std::string scratch;
  for (auto _ : state) {
    Child c = Start("map");
    WriteAll(c.in, "0\n");
    for (const auto& [k, v] : pairs) {
      std::string frame;
      (void)dxt::codec::AppendPair(&frame, k, v);
      WriteAll(c.in, frame);
      benchmark::DoNotOptimize(ReadList(c.out, &scratch));
    }
    Finish(c);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ReduceStreaming_Plain(benchmark::State& state) {
  auto pairs = MakePairs(static_cast<int>(state.range(0)), 4096);
  std::string scratch;
  for (auto _ : state) {
    Child c = Start("reduce");
    std::thread writer([&] {
      std::string buf = "0\n";
      for (const auto& [k, v] : pairs) {
        (void)dxt::codec::AppendPair(&buf, k, v);
        if (buf.size() > 65536) WriteAll(c.in, buf), buf.clear();
      }
      WriteAll(c.in, buf);
      close(c.in);
    });
    char head[4];
    uint64_t got = 0;
    while (ReadExact(c.out, head, 4)) {
      uint32_t count = dxt::codec::LoadU32(head);
      for (uint32_t i = 0; i < 2 * count; ++i) {
        scratch.resize(ReadU32(c.out));
        if (!ReadExact(c.out, scratch.data(), scratch.size())) std::abort();
      }
      got += count;
    }
    writer.join();
    close(c.out);
    int status;
    waitpid(c.pid, &status, 0);
    benchmark::DoNotOptimize(got);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * state.range(0) * 4096);
}

// --- through the harness driver ----------------------------------------------------------------

harness::PairSource SourceOf(const std::vector<std::pair<std::string, std::string>>& pairs,
                             size_t* next) {
  return [&pairs, next]() -> absl::StatusOr<std::optional<PairView>> {
    if (*next == pairs.size()) return std::nullopt;
    const auto& p = pairs[(*next)++];
    return PairView{p.first, p.second};
  };
}

template <bool kMap>
void RunDriver(benchmark::State& state, size_t value_size) {
  auto pairs = MakePairs(static_cast<int>(state.range(0)), value_size);
  harness::ProgramSpec spec{kEcho, {}, {}, {}};
  harness::DriverOptions options;
  for (auto _ : state) {
    size_t next = 0;
    uint64_t got = 0;
    auto sink = [&](uint64_t, std::span<const PairView> ps) {
      got += ps.size();
      return absl::OkStatus();
    };
    auto r = harness::RunRecorded(kMap ? harness::Mode::kMap : harness::Mode::kReduce, spec, "0\n",
                                  SourceOf(pairs, &next), sink, nullptr, options);
    if (!r.ok() || !dxt::judge::JudgeTask(*r, true).status.ok() || got != pairs.size()) {
      state.SkipWithError("driver run failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  if (!kMap) state.SetBytesProcessed(state.iterations() * state.range(0) * value_size);
}

void BM_MapLockstep_Harness(benchmark::State& state) { RunDriver<true>(state, 16); }
void BM_ReduceStreaming_Harness(benchmark::State& state) { RunDriver<false>(state, 4096); }

BENCHMARK(BM_MapLockstep_Plain)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MapLockstep_Harness)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReduceStreaming_Plain)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReduceStreaming_Harness)->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
