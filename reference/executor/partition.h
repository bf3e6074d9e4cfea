// Partition functions of classic Disco jobs (SPEC R9.3, R9.4).
#ifndef DXT_REFERENCE_EXECUTOR_PARTITION_H_
#define DXT_REFERENCE_EXECUTOR_PARTITION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

#include "absl/status/statusor.h"

namespace dxt::executor {

// default_partition (R9.3): the MD5 digest of `key` read as a 128-bit big-endian unsigned integer,
// mod `n`. `n` must be >= 1.
uint32_t DefaultPartition(std::string_view key, uint32_t n);

// DefaultPartition with a memory: a map's output repeats its keys (a word count emits each word
// many times), and the MD5 of a key was most of the cost of partitioning it. Remembers up to
// `max_keys` distinct keys, then computes the rest. Same answers as DefaultPartition, always.
class DefaultPartitioner {
 public:
  explicit DefaultPartitioner(uint32_t n, size_t max_keys = 1 << 16) : n_(n), max_keys_(max_keys) {}
  uint32_t Of(std::string_view key);

 private:
  uint32_t n_;
  size_t max_keys_;
  absl::flat_hash_map<std::string, uint32_t> memo_;  // looked up without building a std::string
};

// Parses a key the way Python's int() does for plain decimals: optional surrounding ASCII
// whitespace, an optional sign, digits. InvalidArgument when it is not such an integer or does
// not fit in 64 bits.
absl::StatusOr<int64_t> ParseIntegerKey(std::string_view key);

// make_range_partition(min, max) (R9.4), the intended formula
//   int(round((int(key) - min) / (max - min) * (n - 1)))
// computed exactly in integers with round-half-to-even, i.e. Python 3's round() applied to the
// exact quotient (no floating-point error). Requires min < max and n >= 1.
//  InvalidArgument: key is not an integer, or lies outside [min, max]; the text names the key.
absl::StatusOr<uint32_t> RangePartitionOf(std::string_view key, int64_t min, int64_t max,
                                          uint32_t n);

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_PARTITION_H_
