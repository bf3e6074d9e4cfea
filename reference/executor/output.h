// A job's output directory: one framed file per partition (`part-00000`, ...) plus `index.json`.
//
// index.json:
//   {"format": "dxt-job-output/1", "job": NAME, "partitions": n | null,
//    ["part_format": "disco",]  (only with output_format disco: parts are DiscoOutputStream_v1)
//    "files": [{"file": "part-00000", "partition": 0 | null, "map": i (only when partitions is
//               null), "pairs": N, "bytes": N, "sha256": HEX}, ...]}
// The directory is staged as `OUTDIR.tmp-XXXXXX` and renamed into place only when complete, so a
// directory with an index.json is always a complete output.
#ifndef DXT_REFERENCE_EXECUTOR_OUTPUT_H_
#define DXT_REFERENCE_EXECUTOR_OUTPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dxt::executor {

inline constexpr char kIndexFileName[] = "index.json";
inline constexpr char kOutputFormat[] = "dxt-job-output/1";
inline constexpr char kDiscoPartFormat[] = "disco";

struct OutputFile {
  std::string file;                   // name inside the directory
  std::optional<uint32_t> partition;  // nullopt for unpartitioned (partitions = null) outputs
  std::optional<uint32_t> map_task;   // set for unpartitioned outputs
  uint64_t pairs = 0;
  uint64_t bytes = 0;
  std::string sha256;
};

struct OutputIndex {
  std::string job;
  std::optional<uint32_t> partitions;
  bool disco_parts = false;  // "part_format": "disco": parts are Disco result files, not frames
  std::vector<OutputFile> files;
};

std::string PartFileName(uint32_t index);  // "part-00007"
std::string IndexToJson(const OutputIndex& index);

// True when `dir` is a directory holding an index.json.
bool IsJobOutputDir(const std::string& dir);
// Reads and validates `dir`/index.json. NotFound without one; InvalidArgument (naming the file)
// when it is not a dxt output index.
absl::StatusOr<OutputIndex> ReadOutputIndex(const std::string& dir);

// Stages an output directory next to its final place and commits it atomically.
class OutputStaging {
 public:
  // FailedPrecondition, naming the path and why, when:
  //  - `final_dir`'s parent directory does not exist (it is never created: a failed job must not
  //    leave directories behind);
  //  - `final_dir` exists and !force, or exists and is not a directory;
  //  - with force, `final_dir` is not provably a dxt job output: it has no valid index.json, or
  //    holds an entry its index does not list;
  //  - with force, `final_dir` holds one of `keep` (the job file, inputs, programs) or is inside
  //    it (`"output": "."` next to the job file).
  // Internal when the staging directory cannot be created.
  static absl::StatusOr<OutputStaging> Create(const std::string& final_dir, bool force,
                                              const std::vector<std::string>& keep = {});
  OutputStaging(OutputStaging&& other) noexcept;
  OutputStaging& operator=(OutputStaging&&) = delete;
  ~OutputStaging();  // removes the staging directory unless committed

  const std::string& dir() const { return staging_; }
  // Moves the staging directory to the final name: an atomic exchange (renameat2) when the final
  // directory exists (with force), then removes the old output. Internal on failure.
  absl::Status Commit();

 private:
  OutputStaging(std::string final_dir, std::string staging, bool force)
      : final_(std::move(final_dir)), staging_(std::move(staging)), force_(force) {}
  std::string final_;
  std::string staging_;
  bool force_ = false;
  bool committed_ = false;
};

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_OUTPUT_H_
