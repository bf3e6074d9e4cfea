// The job file of `dxt run` (SPEC R9.1): a JSON document describing a classic Disco job.
// The format is documented with examples in reference/executor/README.md.
#ifndef DXT_REFERENCE_EXECUTOR_JOB_H_
#define DXT_REFERENCE_EXECUTOR_JOB_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "reference/executor/framed_file.h"

namespace dxt::executor {

// One input of the job. Each input is one map task (R9.2); a job output directory contributes one
// input per part file (as Disco's chain inputs were one URL per result).
struct JobInput {
  enum class Kind { kFile, kRaw, kJobOutput };
  Kind kind = Kind::kFile;
  std::string spec;  // as written in the job file (used in messages)
  std::string path;  // kFile / kJobOutput: resolved path of the file read
  std::string data;  // kRaw: the bytes after "raw://"
  bool disco = false;  // kJobOutput: the part is in Disco's result format (index "part_format")
  std::optional<FramedFileDigest> digest;  // kJobOutput: what the index promises, verified on read
};

// How an input's bytes become entries: "lines" (key empty, each line keeps its "\n"), "kv"
// (framed pair files, R3.1), "chain" (the part files of an earlier dxt job) or "disco" (Disco's
// own result files, codec/disco_format.h).
enum class Reader { kLines, kKv, kChain, kDisco };

// How the job's output parts are written: dxt pair frames, or Disco's DiscoOutputStream_v1.
enum class PartFormat { kFrames, kDisco };

// An external program, or a built-in function.
struct Stage {
  enum class Builtin { kNone, kNopMap, kNopReduce, kSumReduce };
  Builtin builtin = Builtin::kNone;  // kNone: external `program`
  std::string program;               // resolved path of the executable
  std::string program_spec;          // as written (e.g. "@dxt/wordcount")
  std::vector<std::string> args;
  std::vector<std::string> files;    // resolved supporting files
  bool present() const { return builtin != Builtin::kNone || !program.empty(); }
  std::string Name() const;          // program_spec or the built-in's name
};

struct RangePartition {
  int64_t min = 0;
  int64_t max = 0;
};

struct JobSpec {
  std::string name;
  std::string job_dir;                 // directory of the job file; relative paths resolve here
  std::string job_file;                // the job file (LoadJobFile); empty for ParseJob
  std::vector<JobInput> inputs;
  Reader reader = Reader::kLines;
  Stage map;                           // !present(): reduce-only job
  Stage reduce;                        // !present(): map-only job
  std::optional<uint32_t> partitions = 1;  // nullopt: `null`, one unlabelled output per map
  std::optional<RangePartition> range;     // nullopt: default_partition (MD5)
  bool sum_combiner = false;
  bool sort = false;
  uint64_t sort_buffer_bytes = 0;      // resolved from sort_buffer_size
  std::string param_block;             // encoded ext_params, sent to every program (R2)
  uint64_t status_interval = 100000;   // 0 disables status messages
  std::string output;                  // resolved output directory; empty if not given
  PartFormat output_format = PartFormat::kFrames;  // "output_format": "dxt" | "disco"
};

// Where "@dxt/NAME" programs live: $DXT_PROGRAM_DIR if set, else
// <directory of /proc/self/exe>/../reference/programs.
std::string BundledProgramDir();

// Parses a sort_buffer_size the way GNU `sort -S` does: a number with an optional suffix
// % (of physical memory), b, K (default), M, G, T. InvalidArgument on anything else.
absl::StatusOr<uint64_t> ParseBufferSize(std::string_view text);

// Parses and validates a job file. Every error is InvalidArgument (or NotFound for a missing
// input/program) with text naming the file and the field, e.g.
//   "job.json: field \"partiton\": unknown field (known: ...)",
//   "job.json:3:15: malformed JSON: ...", "job.json: input[2]: no such file: /x/a.txt".
// Relative paths (inputs, programs, files, output) resolve against the job file's directory.
absl::StatusOr<JobSpec> LoadJobFile(const std::string& path);

// Same for JSON text; `origin` names it in messages and `base_dir` resolves relative paths.
absl::StatusOr<JobSpec> ParseJob(std::string_view json_text, const std::string& origin,
                                 const std::string& base_dir);

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_JOB_H_
