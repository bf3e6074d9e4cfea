// How an output differs from the one a case expects, said so a person can act on it (the
// `content` check, checks.h), from what the one comparison (content.h) collected as the output
// streamed past, so an output of any size gets the same text: which pairs are missing and which
// unexpected (multiset), the first differing index with the pairs around it (exact order), and
// inside a differing key or value the offset of the first differing byte with hex context, so two
// excerpts that print alike (a 16 MiB value that differs at byte 5 000 000) are still told apart.
#ifndef DXT_JUDGE_CONTENT_DIFF_H_
#define DXT_JUDGE_CONTENT_DIFF_H_

#include <string>

#include "judge/content.h"

namespace dxt::judge {

// "" when `e` is equal. Else, by what `e` holds:
//  - exact order, a pair differs: "output pair 2 (stdout offset 40): key differs at byte 1
//    (stdout offset 45): expected 6b [32] (2 bytes), got 6b [33] (2 bytes); expected ("k2",
//    "v2"), got ("k3", "v3"); around it expected [0] (..), .. [4] (..); got [0] (..), ..; expected
//    5 output pair(s), got 4, pairs 0-1 match (pair frames: expected N bytes, sha256 H; got ..)";
//    the hex shows kHexContextBytes either side of the bracketed first differing byte ("[end]"
//    where a string ends there), the context kContextPairs pairs either side;
//  - exact order, one output a prefix of the other: "expected 4 output pair(s), got 2; pairs 0-1
//    match, then missing from pair 2: (..), (..)" (or "unexpected from pair 2: (..) [stdout
//    offset 40]"), then the pair frames;
//  - multiset: "output differs as a multiset (expected 5 pair(s), got 4): 2 missing: (..) x2
//    [expected pair 1], ..; 1 unexpected: (..) [output pair 3, stdout offset 40]", and with one
//    missing and one unexpected pair under the same key "; same key, value differs at byte ..".
// Listings show kMaxListedPairs distinct pairs, then "... and N more" (N counts copies).
std::string DescribeDifference(const ContentEvidence& e);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_CONTENT_DIFF_H_
