// How an output differs from the one a case expects, said so a person can act on it (the
// `content` check, checks.h): which pairs are missing and which unexpected (multiset), the first
// differing index with the pairs around it (exact order), and inside a differing key or value the
// offset of the first differing byte with hex context, so two excerpts that print alike (a 16 MiB
// value that differs at byte 5 000 000) are still told apart.
#ifndef DXT_JUDGE_CONTENT_DIFF_H_
#define DXT_JUDGE_CONTENT_DIFF_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "judge/case.h"

namespace dxt::judge {

// Pairs listed per kind (missing, unexpected) before "... and N more".
inline constexpr size_t kMaxDiffPairs = 10;
// Pairs shown on each side of the first differing index (exact order).
inline constexpr size_t kContextPairs = 2;
// Bytes of hex context shown on each side of the first differing byte.
inline constexpr size_t kContextBytes = 8;

// The first byte where `want` and `got` differ: their common prefix length, which equals the
// shorter length when one is a prefix of the other. nullopt when they are equal.
std::optional<size_t> FirstDifferingByte(std::string_view want, std::string_view got);

// "byte 37 of 100 (got 100): expected 6c 6c 6f [21] 0a ..., got 6c 6c 6f [20] 0a ..." for two
// byte strings that differ; the bracketed byte is the first differing one ("[end]" where one
// string ends there). "" when they are equal.
std::string DescribeByteDifference(std::string_view want, std::string_view got);

// Exact order: "" when equal; else the first differing index, both pairs there (with the byte
// difference inside the key or value when only one of them differs), up to kContextPairs pairs
// either side on both sides, and the counts; when one sequence is a prefix of the other, the
// pairs missing or unexpected after it (at most kMaxDiffPairs, then "... and N more").
std::string DescribeExactMismatch(const std::vector<OwnedPair>& want,
                                  const std::vector<OwnedPair>& got);

// Multiset (order ignored, multiplicity counted): "" when equal; else every missing pair (in
// `want`, not in `got`) and every unexpected one, each with its multiplicity when above 1, at
// most kMaxDiffPairs of each kind, then "... and N more".
std::string DescribeMultisetMismatch(const std::vector<OwnedPair>& want,
                                     const std::vector<OwnedPair>& got);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_CONTENT_DIFF_H_
