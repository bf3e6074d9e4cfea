// The `content` check's evidence, gathered while a program's output streams past. The protocol
// limits items (R3.2), not lists: a 300 MiB list of 1 MiB pairs is legal, so the output is never
// held whole. OutputComparer takes the driver's list parts (harness::ListSink) and compares them
// pair by pair with the expected output as they arrive (exact order), or checks them off a table
// of per-pair digests (multiset). The one comparison both decides and collects everything the
// `content` text shows (content_diff.h renders it): counts and SHA-256 digests of both sides; for
// an exact order the first difference with its byte and stdout offsets, the bytes around it, and
// the pairs around it; the first pairs missing or unexpected after a common prefix; for a multiset
// the first missing and unexpected pairs with their copies.
//
// Memory: the expected pair being compared (one pair, read from the case or from a file of pair
// frames as the comparison goes); excerpts (kExcerptBytes of a key and of a value) of a bounded
// number of pairs (kContextPairs around the first difference, kMaxListedPairs per listing) and
// 2 * kHexContextBytes + 1 bytes of context per side; for a multiset one digest and one excerpt
// per distinct expected pair, and the first unexpected pair whole when it is at most 16 MiB.
// Never a list.
#ifndef DXT_JUDGE_CONTENT_H_
#define DXT_JUDGE_CONTENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "codec/kv_frame.h"
#include "judge/case.h"

namespace dxt::judge {

inline constexpr size_t kExcerptBytes = 32;    // bytes of a key or value an excerpt keeps
inline constexpr size_t kMaxListedPairs = 10;  // pairs listed per kind before "... and N more"
inline constexpr size_t kContextPairs = 2;     // pairs kept on each side of the first difference
inline constexpr size_t kHexContextBytes = 8;  // bytes kept on each side of the first differing byte

// One pair as the report shows it: where it is, how large its strings are, how they begin.
struct PairExcerpt {
  uint64_t index = 0;  // pair index in the output (got side) or in the expectation (expected side)
  std::optional<uint64_t> stdout_offset;  // got side, when known: stdout offset of its first byte
  uint64_t key_size = 0, value_size = 0;
  std::string key, value;  // their first kExcerptBytes bytes
  uint64_t copies = 1;     // multiset: how many copies of it are missing (or unexpected)
};

// Where two strings (a key or a value on each side) first differ, with the bytes around it.
struct ByteDifference {
  bool in_key = false;  // the keys differ; else the keys are equal and the values differ
  uint64_t byte = 0;    // the first differing byte: the shorter size when one is a prefix
  uint64_t expected_size = 0, got_size = 0;
  // Bytes [context_start, byte + kHexContextBytes] of each string, as far as it goes, with
  // context_start = byte - min(byte, kHexContextBytes).
  uint64_t context_start = 0;
  std::string expected_context, got_context;
};

// Where `a` and `b` first differ: their common prefix length, which is the shorter size when one
// is a prefix of the other; nullopt when they are equal.
std::optional<uint64_t> FirstDifferingByte(std::string_view a, std::string_view b);

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
  // kKey / kValue: the differing bytes, the stdout offset of the first one when known, both
  // pairs at `index`, the kContextPairs pairs before it (alike on both sides) and up to
  // kContextPairs after it on each side.
  ByteDifference bytes;
  std::optional<uint64_t> stdout_offset;
  std::optional<PairExcerpt> expected, got;
  std::vector<PairExcerpt> before, expected_after, got_after;
  // kMissing / kUnexpected: the first kMaxListedPairs pairs from `index` on of the longer side
  // (there are expected_pairs - index, or got_pairs - index, of them).
  std::vector<PairExcerpt> rest;
};

struct ContentEvidence {
  bool multiset = false;
  uint64_t expected_pairs = 0, got_pairs = 0;
  uint64_t expected_bytes = 0, got_bytes = 0;  // sizes of their pair frames (R3.1)
  // Lowercase hex SHA-256 of each side's pair frames (no list headers) in the order seen.
  std::string expected_sha256, got_sha256;
  std::optional<FirstDifference> first;  // exact order: the first difference, if any
  // Multiset: pairs the output lacks or has in excess (counted with repetition); the first
  // kMaxListedPairs distinct ones of each are listed with their copies (missing in expectation
  // order, unexpected in output order).
  uint64_t missing_count = 0, unexpected_count = 0;
  std::vector<PairExcerpt> missing, unexpected;
  // Multiset, exactly one distinct pair missing and one unexpected, with the same key: where
  // their values differ.
  std::optional<ByteDifference> same_key;
  bool equal() const { return !first && missing_count == 0 && unexpected_count == 0; }
};

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

}  // namespace dxt::judge

#endif  // DXT_JUDGE_CONTENT_H_
