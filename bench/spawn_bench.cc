// Per-spawn cost of each isolation level, beside a plain fork/exec of the same program in the
// same run: start /bin/true, wait for its end, reap everything. The levels go through the real
// process seam (SpawnProcess + KillAll), i.e. dxt's launcher alone (process-group) or bubblewrap
// around it (namespaces). The case directories are made once: this measures the spawn, not the
// sandbox's copies and snapshots (the conformance suite's figure covers the whole path).
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "benchmark/benchmark.h"
#include "harness/process.h"
#include "harness/sandbox.h"

extern char** environ;

namespace {

namespace harness = dxt::harness;

// CPU of every reaped descendant (bwrap, the launcher, the program), ms.
double ChildCpuMs() {
  rusage u;
  getrusage(RUSAGE_CHILDREN, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

void CountChildCpu(benchmark::State& state, double before) {
  state.counters["child_cpu_ms"] = benchmark::Counter(
      (ChildCpuMs() - before) / static_cast<double>(state.iterations()));
}

void ForkExec(benchmark::State& state) {
  double before = ChildCpuMs();
  char arg0[] = "/bin/true";
  char* argv[] = {arg0, nullptr};
  for (auto _ : state) {
    pid_t pid;
    if (posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ) != 0) std::abort();
    int status = 0;
    waitpid(pid, &status, 0);
  }
  CountChildCpu(state, before);
}

void Spawn(benchmark::State& state, harness::Isolation level) {
  auto resolved = harness::ResolveIsolation(level);
  if (!resolved.ok()) {
    state.SkipWithError(std::string(resolved.status().message()).c_str());
    return;
  }
  auto box = harness::CreateSandbox("/bin/true", {});
  if (!box.ok()) std::abort();
  harness::LaunchSpec spec;
  spec.executable = box->program_path;
  spec.argv = {box->program_path};
  spec.work_dir = box->dir;
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.isolation = *resolved;
  spec.tmp_dir = box->tmp_dir;
  spec.home_dir = box->home_dir;
  double before = ChildCpuMs();
  for (auto _ : state) {
    auto io = harness::SpawnProcess(spec);
    if (!io.ok()) std::abort();
    harness::PumpEvents ev;
    auto deadline = harness::Clock::now() + std::chrono::seconds(10);
    while (!(*io)->exited() || !(*io)->out_eof())
      if (!(*io)->Pump(deadline, &ev).ok() || harness::Clock::now() > deadline) std::abort();
    (*io)->KillAll();
  }
  CountChildCpu(state, before);
  harness::RemoveSandbox(box->case_dir);
}

void ProcessGroup(benchmark::State& state) { Spawn(state, harness::Isolation::kProcessGroup); }
void Namespaces(benchmark::State& state) { Spawn(state, harness::Isolation::kNamespaces); }

BENCHMARK(ForkExec)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK(ProcessGroup)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK(Namespaces)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
