// Readers turning one job input into entries (key, value) for its map task, and the built-in
// summing used by sum_combiner / sum_reduce (SPEC R9.9).
#ifndef DXT_REFERENCE_EXECUTOR_INPUT_H_
#define DXT_REFERENCE_EXECUTOR_INPUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reference/executor/disco_file.h"
#include "reference/executor/external_sort.h"
#include "reference/executor/framed_file.h"
#include "reference/executor/job.h"

namespace dxt::executor {

// Entries of one input:
//  lines (file or raw://): key empty, value = one line including its "\n" (the last line may lack
//    it); an empty input has no entries.
//  kv (file or raw://) and job outputs: the framed pairs, as stored.
//  disco (file or raw://), and job outputs written with output_format disco: the pairs of Disco's
//    result format (codec/disco_format.h).
class EntryReader {
 public:
  // NotFound when the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<EntryReader>> Open(const JobInput& input, Reader reader);
  ~EntryReader();
  EntryReader(const EntryReader&) = delete;
  EntryReader& operator=(const EntryReader&) = delete;

  // true: the next entry is in key/value; false: end. DataLoss/OutOfRange for a corrupt framed
  // input (text names the file and offset).
  absl::StatusOr<bool> Next(std::string* key, std::string* value);

 private:
  EntryReader() = default;
  bool framed_ = false;
  std::unique_ptr<FramedReader> framed_file_;  // framed input from a file
  std::unique_ptr<ByteReader> lines_file_;     // lines input from a file
  std::unique_ptr<DiscoFileReader> disco_;     // Disco result input (file or raw://)
  std::string raw_;                            // raw:// data
  size_t raw_offset_ = 0;
  bool from_raw_ = false;
};

// Sums decimal integer values per key, remembering the order keys were first seen. Values are
// parsed like Python's int() (surrounding whitespace, sign); sums are 64-bit.
//
// As a combiner it also holds each key's partition: `partition_of` is called once per key, the
// first time it is seen, and Drain(p) emits partition p's sums. So a map output pair costs one
// hash lookup, not one in a partition memo and one in a combiner per partition (the two were a
// third of a word count's samples).
class SumAccumulator {
 public:
  using PartitionOf = absl::FunctionRef<absl::StatusOr<uint32_t>(std::string_view key)>;

  explicit SumAccumulator(uint32_t partitions = 1) : sums_(partitions) {}

  // InvalidArgument naming the key and the value when the value is not an integer, or when the
  // sum overflows 64 bits; partition_of's error for a new key; OutOfRange when it names a
  // partition past the last.
  absl::Status Add(std::string_view key, std::string_view value);  // partition 0
  absl::Status Add(std::string_view key, std::string_view value, PartitionOf partition_of);
  // Emits (key, decimal sum) of one partition, or of every partition in turn, in first-seen
  // order. Drain(sink) then clears everything (Drain(p) keeps it; Clear() to reuse).
  absl::Status Drain(uint32_t partition, const PairSink& sink) const;
  absl::Status Drain(const PairSink& sink);
  void Clear();
  bool empty() const { return index_.empty(); }

 private:
  absl::Status AddTo(std::string_view key, std::string_view value, const PartitionOf* partition_of);
  // An open-addressing index into sums_: one probe of a flat table per Add, looked up with the
  // caller's bytes (no std::string built for a key already seen). A combiner adds every map
  // output pair, and std::unordered_map's node chase was half of a word count's time.
  struct Slot {
    uint32_t partition;
    size_t index;
  };
  absl::flat_hash_map<std::string, Slot> index_;
  std::vector<std::vector<std::pair<std::string, int64_t>>>
      sums_;  // per partition, first-seen order
};

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_INPUT_H_
