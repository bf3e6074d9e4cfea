// Binary-safe external merge sort of pairs in bounded memory (SPEC R9.6).
// Order: key bytes compared as unsigned (memcmp, C locale), ties by value bytes, so the order is a
// total order on distinct pairs and the result is deterministic. Any byte may appear anywhere.
//
// Two in-memory sorts give the same order: kSimple (std::sort with PairLess over the whole buffer,
// obviously correct: the reference) and kFast, the default (each record carries its first 8 key
// bytes as a big-endian integer, so most comparisons are one integer compare with no memory
// access; the buffer is sorted in slices on several threads, each by an in-place radix sort of
// those prefixes, and the slices are merged as they are emitted). Tests check kFast against
// kSimple.
#ifndef DXT_REFERENCE_EXECUTOR_EXTERNAL_SORT_H_
#define DXT_REFERENCE_EXECUTOR_EXTERNAL_SORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace dxt::executor {

using PairSink = std::function<absl::Status(std::string_view key, std::string_view value)>;

// Unsigned byte order of (key, value).
bool PairLess(std::string_view ak, std::string_view av, std::string_view bk, std::string_view bv);

enum class SortAlgorithm { kFast, kSimple };

class ExternalSorter {
 public:
  // Largest fan-in of one merge pass; more runs are merged in several passes.
  static constexpr size_t kMaxFanIn = 64;
  // Floor of the memory budget, so a tiny budget still makes progress.
  static constexpr uint64_t kMinBudget = 64 * 1024;

  // Runs are spilled as framed files named `<temp_prefix>run-<n>`; they are deleted as soon as
  // they are merged. `memory_budget` bounds the buffered records (arena + index); a single record
  // larger than the budget is still accepted (it is held alone).
  ExternalSorter(std::string temp_prefix, uint64_t memory_budget,
                 SortAlgorithm algorithm = SortAlgorithm::kFast);
  ~ExternalSorter();
  ExternalSorter(const ExternalSorter&) = delete;
  ExternalSorter& operator=(const ExternalSorter&) = delete;

  // Buffers one pair, spilling a sorted run when the budget is reached. Internal on I/O errors.
  absl::Status Add(std::string_view key, std::string_view value);

  // Delivers every added pair in order to `sink`, then releases everything. A non-OK status from
  // the sink stops the merge and is returned. Call once.
  absl::Status Finish(const PairSink& sink);

  uint64_t runs_spilled() const { return runs_spilled_; }
  uint64_t pairs() const { return pairs_; }

 private:
  struct Record {
    uint64_t prefix;  // key bytes 0..7 big-endian, zero-padded (kFast; 0 for kSimple)
    uint64_t offset;
    uint32_t key_size;
    uint32_t value_size;
  };
  struct Slice {
    size_t begin, end;  // records_[begin, end), sorted
  };
  // Order of two buffered records by prefix, then by PairLess (kFast).
  static bool PrefixLess(const char* base, const Record& a, const Record& b);
  static void RadixSort(Record* first, Record* last, int byte, const char* base);
  void SortBuffer();
  absl::Status SpillBuffer();
  absl::Status EmitBuffer(const PairSink& sink);
  absl::Status Merge(const std::vector<std::string>& runs, const PairSink& sink);
  std::string NewRunPath();

  std::string temp_prefix_;
  uint64_t budget_;  // arena bytes + index bytes
  SortAlgorithm algorithm_;
  std::string arena_;
  std::vector<Record> records_;
  std::vector<Slice> slices_;
  std::vector<std::string> runs_;
  uint64_t runs_spilled_ = 0;
  uint64_t run_names_ = 0;
  uint64_t pairs_ = 0;
};

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_EXTERNAL_SORT_H_
