// `dxt run JOB.json`: runs a classic Disco job with the reference executor (SPEC R9).
#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "harness/lifetime.h"
#include "harness/process.h"
#include "harness/sandbox.h"
#include "judge/runner.h"
#include "reference/executor/executor.h"
#include "reference/executor/job.h"
#include "tools/command_registry.h"

namespace dxt::tools {
namespace {

struct RunFlags {
  std::string job_file;
  std::string output;
  bool force = false;
  bool pipeline = false;
  bool quiet = false;
  bool strict = false;
  unsigned jobs = 0;
  std::optional<uint64_t> shuffle;
  int64_t reply_timeout_ms = 10000;
  std::string isolation = "auto";
  std::string max_item_size;  // empty: the protocol's 1 GiB (R3.2)
};

// Which isolation the job's external programs ran under (nothing for a job of built-ins, or when
// none started under auto).
void LogIsolation(const executor::JobSpec& job, harness::Isolation level) {
  const auto external = [](const executor::Stage& s) {
    return s.present() && s.builtin == executor::Stage::Builtin::kNone;
  };
  if (!external(job.map) && !external(job.reduce)) return;
  std::optional<absl::Status> verdict = harness::NamespacesVerdict();
  if (level == harness::Isolation::kAuto && !verdict) return;
  std::cerr << "dxt run: job " << job.name << ": external programs ran under ";
  if (level != harness::Isolation::kAuto) {
    std::cerr << harness::IsolationName(level) << " isolation\n";
  } else if (verdict->ok()) {
    std::cerr << "namespaces isolation\n";
  } else {
    std::cerr << "process-group isolation (no namespace sandbox here: " << verdict->message()
              << ")\n";
  }
}

int RunCommand(const RunFlags& flags) {
  // Before any thread exists (they inherit the blocked stop signals) and before any program runs.
  harness::InstallStopSignals();
  harness::RemoveDeadProcessDirs();
  absl::StatusOr<executor::JobSpec> job = executor::LoadJobFile(flags.job_file);
  if (!job.ok()) {
    std::cerr << "dxt run: " << job.status().message() << "\n";
    return kExitUsage;
  }
  // An explicit level is checked before any work; auto is found out by the first program's
  // start (RunRecorded), which saves a probe sandbox's start.
  auto requested = harness::ParseIsolation(flags.isolation);
  auto level = !requested.ok()                           ? requested.status()
               : *requested == harness::Isolation::kAuto ? *requested
                                                         : harness::ResolveIsolation(*requested);
  if (!level.ok()) {
    std::cerr << "dxt run: " << level.status().message() << "\n";
    return kExitUsage;
  }
  executor::RunOptions options;
  if (!flags.max_item_size.empty()) {
    absl::StatusOr<uint64_t> size = judge::ParseItemSize(flags.max_item_size);
    if (!size.ok()) {
      std::cerr << "dxt run: --max-item-size: " << size.status().message() << "\n";
      return kExitUsage;
    }
    options.driver.limits.max_item_size = *size;
  }
  options.output = flags.output;
  options.force = flags.force;
  options.pipeline = flags.pipeline;
  options.jobs = flags.jobs;
  options.shuffle_seed = flags.shuffle;
  options.strict_stderr = flags.strict;
  options.driver.reply_timeout = std::chrono::milliseconds(flags.reply_timeout_ms);
  options.driver.isolation = *level;
  if (!flags.quiet) options.log = [](const std::string& line) { std::cerr << line << "\n"; };

  absl::StatusOr<executor::JobResult> result = executor::RunJob(*job, options);
  if (!flags.quiet) LogIsolation(*job, *level);
  if (harness::StopRequested()) {
    const char* name = ::sigabbrev_np(harness::StopSignal());
    std::cerr << "dxt run: job " << job->name << " interrupted by SIG" << (name ? name : "?")
              << ": programs killed, staged output removed, nothing written\n";
    harness::FinishStopped();
  }
  if (!result.ok()) {
    std::cerr << "dxt run: job " << job->name << " failed: " << result.status().message() << "\n";
    return absl::IsFailedPrecondition(result.status()) ? kExitUsage : kExitFailed;
  }
  uint64_t pairs = 0;
  for (const executor::OutputFile& f : result->index.files) pairs += f.pairs;
  std::cerr << "dxt run: job " << job->name << " done: " << job->inputs.size() << " map input(s), "
            << result->map_entries << " entries mapped, " << result->reduce_entries
            << " entries reduced, " << pairs << " output pairs in " << result->index.files.size()
            << " file(s)\n";
  std::cout << result->output_dir << "\n";
  return kExitOk;
}

const CommandRegistrar kRegistrar({
    "run",
    "run a classic Disco job file with the reference executor (SPEC R9)",
    60,
    [](CLI::App& sub) -> std::function<int()> {
      auto flags = std::make_shared<RunFlags>();
      sub.add_option("job", flags->job_file, "job file (JSON; see reference/executor/README.md)")
          ->required();
      sub.add_option("-o,--output", flags->output, "output directory (overrides the job's \"output\")");
      sub.add_flag("--force", flags->force, "replace an existing output directory (atomically)");
      sub.add_flag("--pipeline", flags->pipeline,
                   "map programs: write ahead instead of lockstep (same results, much faster; "
                   "for conforming programs)");
      sub.add_option("-j,--jobs", flags->jobs, "concurrent tasks (default: hardware threads)")
          ->check(CLI::PositiveNumber);
      sub.add_option("--shuffle", flags->shuffle,
                     "reorder reduce input pseudo-randomly with this seed (with sort: equal keys only)");
      sub.add_option("--reply-timeout-ms", flags->reply_timeout_ms,
                     "deadline for each answer of an external program (1 to 86400000, one day)")
          ->check(CLI::Range(int64_t{1}, int64_t{judge::kMaxTimeout.count()}));
      sub.add_option("--max-item-size", flags->max_item_size,
                     "largest key or value a program may write: a count or K/M/G suffix "
                     "(default 1G, as Disco; at most 4 GiB - 1)");
      sub.add_flag("--strict", flags->strict,
                   "fail a task on a stderr line without **<MSG>/**<ERR> prefix (R7.1); by "
                   "default it is a warning and the task goes on, as in Disco");
      sub.add_flag("-q,--quiet", flags->quiet, "do not print task messages and status lines");
      sub.add_option("--isolation", flags->isolation,
                     "auto (default: namespaces where bubblewrap works, else process-group), "
                     "namespaces (fail if unavailable) or process-group")
          ->check(CLI::IsMember({"auto", "namespaces", "process-group"}));
      return [flags] { return RunCommand(*flags); };
    },
});

}  // namespace
}  // namespace dxt::tools
