// Diffs are computed over views and indices, never copies: an expected output may hold 100 000
// pairs or one 16 MiB value.
#include "judge/content_diff.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "judge/checks.h"

namespace dxt::judge {
namespace {

std::string PairText(const OwnedPair& p) {
  return absl::StrCat("(\"", EscapeBytes(p.first, 32), "\", \"", EscapeBytes(p.second, 32), "\")");
}

// Hex of bytes [from, to) of `s`, the byte at `mark` bracketed ("[end]" when mark == s.size()).
std::string HexAround(std::string_view s, size_t mark) {
  const size_t from = mark > kContextBytes ? mark - kContextBytes : 0;
  const size_t to = std::min(s.size(), mark + kContextBytes + 1);
  std::string out = from > 0 ? "... " : "";
  for (size_t i = from; i < to; ++i) {
    char hex[8];
    std::snprintf(hex, sizeof hex, i == mark ? "[%02x]" : "%02x", static_cast<unsigned char>(s[i]));
    absl::StrAppend(&out, hex, i + 1 < to ? " " : "");
  }
  if (mark >= s.size()) absl::StrAppend(&out, from < to ? " " : "", "[end]");
  if (to < s.size()) absl::StrAppend(&out, " ...");
  return out;
}

// Where the two pairs differ inside: "value: byte 37 of ..." (key first when both differ).
std::string InsideDifference(const OwnedPair& want, const OwnedPair& got) {
  if (want.first != got.first)
    return absl::StrCat("key ", DescribeByteDifference(want.first, got.first));
  return absl::StrCat("value ", DescribeByteDifference(want.second, got.second));
}

// "[3] (..), [4] (..)" for the pairs of `v` in [from, to).
std::string Range(const std::vector<OwnedPair>& v, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < std::min(to, v.size()); ++i)
    absl::StrAppend(&out, out.empty() ? "" : ", ", "[", i, "] ", PairText(v[i]));
  return out.empty() ? "none" : out;
}

// At most kMaxDiffPairs of `pairs` (index into `v`, multiplicity), then "... and N more".
std::string Listing(const std::vector<OwnedPair>& v,
                    const std::vector<std::pair<size_t, size_t>>& pairs, size_t total) {
  std::string out;
  for (size_t i = 0; i < pairs.size() && i < kMaxDiffPairs; ++i) {
    absl::StrAppend(&out, i ? ", " : "", PairText(v[pairs[i].first]));
    if (pairs[i].second > 1) absl::StrAppend(&out, " x", pairs[i].second);
  }
  size_t listed = 0;
  for (size_t i = 0; i < pairs.size() && i < kMaxDiffPairs; ++i) listed += pairs[i].second;
  if (total > listed) absl::StrAppend(&out, " ... and ", total - listed, " more");
  return out;
}

std::vector<size_t> SortedIndices(const std::vector<OwnedPair>& v) {
  std::vector<size_t> idx(v.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  return idx;
}

// Runs of equal pairs in sorted order: (index of the first, run length).
std::vector<std::pair<size_t, size_t>> Runs(const std::vector<OwnedPair>& v,
                                            const std::vector<size_t>& sorted) {
  std::vector<std::pair<size_t, size_t>> runs;
  for (size_t i : sorted) {
    if (!runs.empty() && v[runs.back().first] == v[i]) {
      ++runs.back().second;
    } else {
      runs.push_back({i, 1});
    }
  }
  return runs;
}

}  // namespace

std::optional<size_t> FirstDifferingByte(std::string_view want, std::string_view got) {
  auto [w, g] = std::mismatch(want.begin(), want.end(), got.begin(), got.end());
  if (w == want.end() && g == got.end()) return std::nullopt;
  return static_cast<size_t>(w - want.begin());
}

std::string DescribeByteDifference(std::string_view want, std::string_view got) {
  std::optional<size_t> at = FirstDifferingByte(want, got);
  if (!at) return "";
  return absl::StrCat("differs at byte ", *at, " (expected ", want.size(), " bytes, got ",
                      got.size(), "): expected ", HexAround(want, *at), ", got ",
                      HexAround(got, *at));
}

std::string DescribeExactMismatch(const std::vector<OwnedPair>& want,
                                  const std::vector<OwnedPair>& got) {
  const size_t common = std::min(want.size(), got.size());
  size_t i = 0;
  while (i < common && want[i] == got[i]) ++i;
  if (i == common && want.size() == got.size()) return "";
  std::string counts = absl::StrCat("expected ", want.size(), " output pair(s), got ", got.size());
  std::string matched = i == 0 ? "no pair matches" : absl::StrCat("pairs 0-", i - 1, " match");
  if (i == common) {
    const bool short_output = got.size() < want.size();
    const auto& longer = short_output ? want : got;
    std::vector<std::pair<size_t, size_t>> rest;
    for (size_t k = i; k < longer.size(); ++k) rest.push_back({k, 1});
    return absl::StrCat(counts, "; ", matched, ", then ",
                        short_output ? "missing from pair " : "unexpected from pair ", i, ": ",
                        Listing(longer, rest, longer.size() - i));
  }
  const size_t from = i > kContextPairs ? i - kContextPairs : 0, to = i + kContextPairs + 1;
  return absl::StrCat("output pair ", i, " differs: expected ", PairText(want[i]), ", got ",
                      PairText(got[i]), "; ", InsideDifference(want[i], got[i]), "; ", counts,
                      ", ", matched, "; around it expected ", Range(want, from, to), "; got ",
                      Range(got, from, to));
}

std::string DescribeMultisetMismatch(const std::vector<OwnedPair>& want,
                                     const std::vector<OwnedPair>& got) {
  const auto w = Runs(want, SortedIndices(want)), g = Runs(got, SortedIndices(got));
  std::vector<std::pair<size_t, size_t>> missing, unexpected;  // index into want / got, count
  size_t n_missing = 0, n_unexpected = 0;
  size_t a = 0, b = 0;
  while (a < w.size() || b < g.size()) {
    const bool take_w = b == g.size() || (a < w.size() && want[w[a].first] < got[g[b].first]);
    const bool take_g = a == w.size() || (b < g.size() && got[g[b].first] < want[w[a].first]);
    if (take_w) {
      missing.push_back(w[a++]);
    } else if (take_g) {
      unexpected.push_back(g[b++]);
    } else {  // equal pairs: only a difference in multiplicity counts
      if (w[a].second > g[b].second) missing.push_back({w[a].first, w[a].second - g[b].second});
      if (g[b].second > w[a].second) unexpected.push_back({g[b].first, g[b].second - w[a].second});
      ++a, ++b;
    }
  }
  for (const auto& m : missing) n_missing += m.second;
  for (const auto& u : unexpected) n_unexpected += u.second;
  if (n_missing == 0 && n_unexpected == 0) return "";
  std::string out = absl::StrCat("output differs as a multiset (expected ", want.size(),
                                 " pair(s), got ", got.size(), "): ");
  if (n_missing > 0)
    absl::StrAppend(&out, n_missing, " missing: ", Listing(want, missing, n_missing));
  if (n_unexpected > 0)
    absl::StrAppend(&out, n_missing > 0 ? "; " : "", n_unexpected,
                    " unexpected: ", Listing(got, unexpected, n_unexpected));
  // One missing and one unexpected pair with the same key: the value is what differs.
  if (missing.size() == 1 && unexpected.size() == 1 &&
      want[missing[0].first].first == got[unexpected[0].first].first)
    absl::StrAppend(&out, "; same key, value ",
                    DescribeByteDifference(want[missing[0].first].second,
                                           got[unexpected[0].first].second));
  return out;
}

}  // namespace dxt::judge
