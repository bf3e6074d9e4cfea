// The `content` check's evidence, gathered while a program's output streams past. The protocol
// limits items (R3.2), not lists: a 300 MiB list of 1 MiB pairs is legal, so the output is never
// held whole. OutputComparer takes the driver's list parts (harness::ListSink) and compares them
// pair by pair with the expected output as they arrive (exact order), or checks them off a table
// of per-pair digests (multiset); it keeps counts, SHA-256 digests of both sides, and excerpts of
// the first difference (with the byte and stdout offset where it begins) for the report.
//
// Memory: the expected pair being compared (one pair, read from the case or from a file of pair
// frames as the comparison goes), the excerpts, and for a multiset one digest per distinct
// expected pair. Never a list.
#ifndef DXT_JUDGE_CONTENT_H_
#define DXT_JUDGE_CONTENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "codec/kv_frame.h"
#include "judge/case.h"

namespace dxt::judge {

// One pair as the report shows it: where it is, how large its strings are, how they begin.
struct PairExcerpt {
  uint64_t index = 0;  // pair index in the output (got side) or in the expectation (expected side)
  std::optional<uint64_t> stdout_offset;  // got side, when known: stdout offset of its first byte
  uint64_t key_size = 0, value_size = 0;
  std::string key, value;  // their first kExcerptBytes bytes
  uint64_t copies = 1;       // multiset: how many copies of it are missing
};

// The first difference of an exact comparison. Both outputs agree on every pair before `index`.
struct FirstDifference {
  enum class Kind {
    kKey,         // pair `index` differs in its key (or, when the keys agree, ...
    kValue,       // ... in its value)
    kMissing,     // the output ended after `index` pairs; the expectation goes on
    kUnexpected,  // the expectation ended after `index` pairs; the output goes on
  };
  Kind kind = Kind::kKey;
  uint64_t index = 0;
  // kKey / kValue: the first differing byte within that string (= the shorter one's size when
  // one is a prefix of the other), its stdout offset when known, and both strings around it:
  // bytes [context_start, context_start + up to 48) of each.
  uint64_t byte = 0;
  std::optional<uint64_t> stdout_offset;
  uint64_t context_start = 0;
  std::string expected_context, got_context;
  std::optional<PairExcerpt> expected, got;  // kMissing: expected only; kUnexpected: got only
};

struct ContentEvidence {
  bool multiset = false;
  uint64_t expected_pairs = 0, got_pairs = 0;
  uint64_t expected_bytes = 0, got_bytes = 0;  // sizes of their pair frames (R3.1)
  // Lowercase hex SHA-256 of each side's pair frames (no list headers) in the order seen.
  std::string expected_sha256, got_sha256;
  std::optional<FirstDifference> first;  // exact order: the first difference, if any
  // Multiset: pairs the output lacks or has in excess (counted with repetition), the first
  // kMaxListedPairs of each listed.
  uint64_t missing_count = 0, unexpected_count = 0;
  std::vector<PairExcerpt> missing, unexpected;
  bool equal() const { return !first && missing_count == 0 && unexpected_count == 0; }
};

inline constexpr size_t kExcerptBytes = 32;
inline constexpr size_t kMaxListedPairs = 20;

class OutputComparer {
 public:
  // Compares against `e.output`, or the pairs of the file `e.output_file` (pair frames, as
  // `dxt encode` and `dxt run` write them). `e` must outlive the comparer. NotFound /
  // PermissionDenied when the file cannot be opened; for a multiset, the errors of reading it all
  // (below).
  static absl::StatusOr<std::unique_ptr<OutputComparer>> Create(const Expectation& e);
  ~OutputComparer();
  OutputComparer(const OutputComparer&) = delete;
  OutputComparer& operator=(const OutputComparer&) = delete;

  // The pairs of (a part of) result list `list_index`, in stream order: a harness::ListSink.
  // Every list reaches it in order, an empty one as an empty call, so stdout offsets are exact.
  // DataLoss / OutOfRange naming the expected-output file and offset when it is corrupt.
  absl::Status Add(uint64_t list_index, std::span<const codec::PairView> pairs);
  // The same for pairs whose stream positions are unknown (a transcript's kept output).
  absl::Status AddUnplaced(std::span<const codec::PairView> pairs);
  // Reads what is left of the expectation and returns the evidence. Errors as Add.
  absl::StatusOr<ContentEvidence> Finish();

 private:
  struct State;
  explicit OutputComparer(std::unique_ptr<State> state);
  absl::Status AddPair(const codec::PairView& pair, std::optional<uint64_t> offset);
  std::unique_ptr<State> s_;
};

// The text of a failed comparison: the first difference with its offsets and hex context, or the
// missing and unexpected pairs, then both sides' counts and digests.
std::string DescribeDifference(const ContentEvidence& e);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_CONTENT_H_
