// The reference executor: runs a classic Disco job (SPEC R9) on this machine.
//
// Data flow, with M inputs and P = partitions (1 when partitions is null):
//   map task i (one per input, R9.2): entries -> map (built-in or external program through
//     harness::RunMap) -> partition by the map's key -> [sum_combiner per partition, flushed once
//     more with done=true at the end] -> intermediate file map-i-p.
//   reduce task p (one per partition, R9.5): map-0-p, map-1-p, ... in map order [-> external
//     merge sort (R9.6) or --shuffle] -> reduce -> part-p.
//   map-only jobs: partitions null -> part-i is map i's output (unlabelled); partitions n ->
//     part-p concatenates map-*-p in map order. Reduce-only jobs: the inputs' entries go straight
//     to partitioning (as nop_map would).
// Every file order depends only on the job, never on scheduling: the same job gives the same
// bytes for any --jobs and in lockstep or pipeline mode.
#ifndef DXT_REFERENCE_EXECUTOR_EXECUTOR_H_
#define DXT_REFERENCE_EXECUTOR_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "harness/driver.h"
#include "reference/executor/job.h"
#include "reference/executor/output.h"

namespace dxt::executor {

struct RunOptions {
  std::string output;        // overrides JobSpec::output when not empty
  bool force = false;        // replace an existing output directory (atomically)
  bool pipeline = false;     // map programs run with DriverOptions::pipeline (write-ahead)
  unsigned jobs = 0;         // tasks run concurrently; 0 = hardware threads
  std::optional<uint64_t> shuffle_seed;  // reorder reduce input deterministically per seed
  harness::DriverOptions driver;         // timeouts and limits for external programs
  // A terminated stderr line with neither **<MSG> nor **<ERR> (R7.3): false (default, as Disco's
  // worker) logs it as a warning naming the task and goes on; true fails the task.
  bool strict_stderr = false;
  // Receives task messages ("[map:0 input=a.txt] text"), status lines and warnings, one line at a
  // time, never concurrently. May be empty.
  std::function<void(const std::string& line)> log;
};

struct JobResult {
  std::string output_dir;
  OutputIndex index;
  uint64_t map_entries = 0;     // input entries read by map tasks
  uint64_t reduce_entries = 0;  // entries fed to reduce tasks
};

// Runs `job`. On success the output directory is complete (index.json last, then an atomic
// rename). On failure nothing is left at the output path (a previous output replaced with force
// stays intact) and the status names the task, its input and program:
//  FailedPrecondition: no output directory given, or it exists and !force (a usage error);
//  any other code: the job failed, e.g. "map task 2 (input b.txt, program @dxt/wordcount) failed:
//  program wrote **<ERR> ...", "reduce task 0 (partition 0, sum_reduce) failed: value "x" of key
//  "a" is not a decimal integer", "map task 0 (...) failed: key "12" is outside the range ...".
absl::StatusOr<JobResult> RunJob(const JobSpec& job, const RunOptions& options);

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_EXECUTOR_H_
