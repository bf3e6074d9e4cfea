// Micro-benchmarks of the executor's inner loops: partitioning, the external sort (in memory and
// spilling), framed file write + read. Whole-job figures come from bench/executor_bench.py.
#include <stdlib.h>

#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "reference/executor/external_sort.h"
#include "reference/executor/framed_file.h"
#include "reference/executor/partition.h"

namespace {

using dxt::executor::ExternalSorter;

std::vector<std::pair<std::string, std::string>> Pairs(size_t n) {
  std::mt19937 rng(1);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < n; ++i) {
    std::string key(10, 'a');
    for (char& c : key) c = static_cast<char>('a' + rng() % 26);
    pairs.emplace_back(std::move(key), std::to_string(rng() % 100000000));
  }
  return pairs;
}

std::string TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "dxt-bench-XXXXXX").string();
  return mkdtemp(tmpl.data());
}

void BM_DefaultPartition(benchmark::State& state) {
  const auto pairs = Pairs(4096);
  uint64_t sum = 0;
  for (auto _ : state) {
    for (const auto& [k, v] : pairs) sum += dxt::executor::DefaultPartition(k, 7);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * pairs.size());
}
BENCHMARK(BM_DefaultPartition);

// Args: memory budget in KiB (large = in memory, small = spills and merges), and the in-memory
// sort: 0 = kFast (radix on key prefixes, slices on several threads, prefetching merge), 1 =
// kSimple (one std::sort by PairLess: the baseline, same process).
void BM_ExternalSort(benchmark::State& state) {
  const auto pairs = Pairs(1000000);
  const std::string dir = TempDir();
  const auto algorithm = state.range(1) == 0 ? dxt::executor::SortAlgorithm::kFast
                                             : dxt::executor::SortAlgorithm::kSimple;
  for (auto _ : state) {
    ExternalSorter sorter(dir + "/s-", static_cast<uint64_t>(state.range(0)) << 10, algorithm);
    for (const auto& [k, v] : pairs) benchmark::DoNotOptimize(sorter.Add(k, v));
    std::string out;  // the sink copies each pair into a buffer, as the framed writer does
    benchmark::DoNotOptimize(sorter.Finish([&out](std::string_view k, std::string_view v) {
      if (out.size() > (1 << 20)) out.clear();
      out.append(k).append(v);
      return absl::OkStatus();
    }));
    benchmark::DoNotOptimize(out);
    state.counters["runs"] = static_cast<double>(sorter.runs_spilled());
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * pairs.size());
}
BENCHMARK(BM_ExternalSort)
    ->Args({256 << 10, 0})
    ->Args({256 << 10, 1})
    ->Args({4096, 0})
    ->Args({4096, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_FramedWriteRead(benchmark::State& state) {
  const auto pairs = Pairs(200000);
  const std::string dir = TempDir();
  for (auto _ : state) {
    auto w = dxt::executor::FramedWriter::Create(dir + "/f", /*sha256=*/true);
    for (const auto& [k, v] : pairs) benchmark::DoNotOptimize((*w)->Add(k, v));
    benchmark::DoNotOptimize((*w)->Close());
    auto r = dxt::executor::FramedReader::Open(dir + "/f");
    std::string k, v;
    while (*(*r)->Next(&k, &v)) {
    }
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * pairs.size());
}
BENCHMARK(BM_FramedWriteRead)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
