// Rendering only: every fact here was collected by OutputComparer (content.cc) while the output
// streamed, so nothing is compared twice and the text does not depend on what a transcript kept.
#include "judge/content_diff.h"

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "judge/checks.h"

namespace dxt::judge {
namespace {

// ("key", "value"): each string's first kExcerptBytes escaped, its size when cut; " xN" copies.
std::string ExcerptText(const PairExcerpt& p) {
  auto item = [](const std::string& bytes, uint64_t size) {
    std::string text = absl::StrCat("\"", EscapeBytes(bytes, kExcerptBytes),
                                    size > bytes.size() ? "..." : "", "\"");
    if (size > bytes.size()) absl::StrAppend(&text, " (", size, " bytes)");
    return text;
  };
  std::string text =
      absl::StrCat("(", item(p.key, p.key_size), ", ", item(p.value, p.value_size), ")");
  if (p.copies > 1) absl::StrAppend(&text, " x", p.copies);
  return text;
}

// Hex of `context` (bytes from `start` of a string of `size` bytes), the byte at `mark`
// bracketed ("[end]" when mark == size), "..." where the string goes on.
std::string HexAround(const std::string& context, uint64_t start, uint64_t mark, uint64_t size) {
  std::string out = start > 0 ? "... " : "";
  for (size_t i = 0; i < context.size(); ++i) {
    char hex[8];
    std::snprintf(hex, sizeof hex, start + i == mark ? "[%02x]" : "%02x",
                  static_cast<unsigned char>(context[i]));
    absl::StrAppend(&out, i ? " " : "", hex);
  }
  if (mark >= size) absl::StrAppend(&out, context.empty() ? "" : " ", "[end]");
  if (start + context.size() < size) absl::StrAppend(&out, " ...");
  return out;
}

// "value differs at byte 37 (stdout offset 80): expected 6c [21] 0a (40 bytes), got .. (40 bytes)".
std::string ByteText(const ByteDifference& d, std::optional<uint64_t> stdout_offset) {
  return absl::StrCat(
      d.in_key ? "key" : "value", " differs at byte ", d.byte,
      stdout_offset ? absl::StrCat(" (stdout offset ", *stdout_offset, ")") : "", ": expected ",
      HexAround(d.expected_context, d.context_start, d.byte, d.expected_size), " (",
      d.expected_size, " bytes), got ", HexAround(d.got_context, d.context_start, d.byte, d.got_size),
      " (", d.got_size, " bytes)");
}

// "[3] (..), [4] (..)" for the excerpts of `parts` in order; "none" without any.
std::string Range(const std::vector<const std::vector<PairExcerpt>*>& parts) {
  std::string out;
  for (const std::vector<PairExcerpt>* part : parts)
    for (const PairExcerpt& p : *part)
      absl::StrAppend(&out, out.empty() ? "" : ", ", "[", p.index, "] ", ExcerptText(p));
  return out.empty() ? "none" : out;
}

// What a listed pair says of where it is.
enum class Place { kNone, kExpectedIndex, kOutputIndex, kStdoutOffset };

// The excerpts of `pairs`, each with its place, then "... and N more" when `total` (counting
// copies) is more than they show.
std::string Listing(const std::vector<PairExcerpt>& pairs, uint64_t total, Place place) {
  std::string out;
  uint64_t listed = 0;
  for (const PairExcerpt& p : pairs) {
    absl::StrAppend(&out, listed ? ", " : "", ExcerptText(p));
    listed += p.copies;
    const std::string offset =
        p.stdout_offset ? absl::StrCat("stdout offset ", *p.stdout_offset) : "";
    if (place == Place::kExpectedIndex) absl::StrAppend(&out, " [expected pair ", p.index, "]");
    if (place == Place::kOutputIndex)
      absl::StrAppend(&out, " [output pair ", p.index, offset.empty() ? "" : ", ", offset, "]");
    if (place == Place::kStdoutOffset && !offset.empty()) absl::StrAppend(&out, " [", offset, "]");
  }
  if (total > listed) absl::StrAppend(&out, " ... and ", total - listed, " more");
  return out;
}

std::string Matched(uint64_t index) {
  return index == 0 ? "no pair matches" : absl::StrCat("pairs 0-", index - 1, " match");
}

std::string Frames(const ContentEvidence& e) {
  return absl::StrCat(" (pair frames: expected ", e.expected_bytes, " bytes, sha256 ",
                      e.expected_sha256, "; got ", e.got_bytes, " bytes, sha256 ", e.got_sha256,
                      ")");
}

std::string MultisetText(const ContentEvidence& e) {
  std::string out = absl::StrCat("output differs as a multiset (expected ", e.expected_pairs,
                                 " pair(s), got ", e.got_pairs, "): ");
  if (e.missing_count > 0)
    absl::StrAppend(&out, e.missing_count, " missing: ",
                    Listing(e.missing, e.missing_count, Place::kExpectedIndex));
  if (e.unexpected_count > 0)
    absl::StrAppend(&out, e.missing_count > 0 ? "; " : "", e.unexpected_count, " unexpected: ",
                    Listing(e.unexpected, e.unexpected_count, Place::kOutputIndex));
  if (e.same_key) absl::StrAppend(&out, "; same key, ", ByteText(*e.same_key, std::nullopt));
  return out;
}

std::string ExactText(const ContentEvidence& e) {
  const FirstDifference& d = *e.first;
  const std::string counts =
      absl::StrCat("expected ", e.expected_pairs, " output pair(s), got ", e.got_pairs);
  using K = FirstDifference::Kind;
  if (d.kind == K::kMissing || d.kind == K::kUnexpected) {
    const bool missing = d.kind == K::kMissing;
    const uint64_t total = (missing ? e.expected_pairs : e.got_pairs) - d.index;
    return absl::StrCat(counts, "; ", Matched(d.index), ", then ",
                        missing ? "missing from pair " : "unexpected from pair ", d.index, ": ",
                        Listing(d.rest, total, missing ? Place::kNone : Place::kStdoutOffset),
                        Frames(e));
  }
  const std::string where = d.got->stdout_offset
                                ? absl::StrCat(" (stdout offset ", *d.got->stdout_offset, ")")
                                : "";
  const std::vector<PairExcerpt> expected_at = {*d.expected}, got_at = {*d.got};
  return absl::StrCat(
      "output pair ", d.index, where, ": ",
      ByteText(d.bytes, d.stdout_offset), "; expected ", ExcerptText(*d.expected), ", got ",
      ExcerptText(*d.got), "; around it expected ", Range({&d.before, &expected_at, &d.expected_after}),
      "; got ", Range({&d.before, &got_at, &d.got_after}), "; ", counts, ", ", Matched(d.index),
      Frames(e));
}

}  // namespace

std::string DescribeDifference(const ContentEvidence& e) {
  if (e.equal()) return "";
  return e.multiset ? MultisetText(e) : ExactText(e);
}

}  // namespace dxt::judge
