// wordcount: the classic example.
//   map:    splits the value into words separated by ASCII whitespace -> (word, "1") per word,
//           one list per input pair (empty when the value has no word).
//   reduce: sums the decimal counts per key; at end of input emits (word, total) sorted by key
//           bytes (unsigned). A count that is not a decimal number, or a sum that overflows
//           uint64, is fatal and the error names the key.
#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "reference/program/program.h"

namespace {

using dxt::program::Params;

// This absl build has its own absl::string_view (not std::string_view).
std::string Escaped(std::string_view bytes) {
  return absl::CHexEscape(absl::string_view(bytes.data(), bytes.size()));
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

absl::Status WordcountMap(const Params&, std::string_view, std::string_view value,
                          dxt::program::ResultList& out) {
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && IsAsciiSpace(value[i])) ++i;
    const size_t start = i;
    while (i < value.size() && !IsAsciiSpace(value[i])) ++i;
    if (i > start) out.Add(value.substr(start, i - start), "1");
  }
  return absl::OkStatus();
}

// Strict decimal: one or more ASCII digits, nothing else, no overflow.
bool ParseCount(std::string_view text, uint64_t* count) {
  if (text.empty()) return false;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - digit) / 10) return false;
    n = n * 10 + digit;
  }
  *count = n;
  return true;
}

absl::Status WordcountReduce(const Params&, dxt::program::PairReader& in,
                             dxt::program::ReduceOutput& out) {
  // std::string compares like memcmp: unsigned byte order, as R9.6 sorts.
  std::map<std::string, uint64_t> totals;
  dxt::codec::PairView pair;
  while (in.Next(&pair)) {
    uint64_t count = 0;
    if (!ParseCount(pair.value, &count)) {
      return absl::InvalidArgumentError(absl::StrCat("key \"", Escaped(pair.key), "\": count \"",
                                                     Escaped(pair.value),
                                                     "\" is not a decimal number"));
    }
    uint64_t& total = totals[std::string(pair.key)];
    if (total > UINT64_MAX - count) {
      return absl::OutOfRangeError(
          absl::StrCat("key \"", Escaped(pair.key), "\": total overflows uint64"));
    }
    total += count;
  }
  for (const auto& [word, total] : totals) out.Add(word, absl::StrCat(total));
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  return dxt::program::RunMain(argc, argv, WordcountMap, WordcountReduce);
}
