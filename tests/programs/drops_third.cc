// Broken subject (both modes): an echo that loses the third pair (index 2) of its input and, from
// a value longer than 100 bytes, flips the lowest bit of byte 100. The protocol is perfect (map
// answers pair 2 with an empty list); only the content is wrong, in the two ways `content` must
// describe so a person can act on it (judge/content_diff.h): a pair missing (exact order: the
// first differing index with context; multiset: the missing pair), and a difference deep inside a
// value whose printed excerpts look identical (`--expect identity`: the offset of the first
// differing byte with hex context).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  const bool map = subject::ParseMode(argc, argv) == subject::Mode::kMap;
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  for (int n = 0; subject::ReadPair(&key, &value) == subject::ReadResult::kPair; ++n) {
    if (value.size() > 100) value[100] = static_cast<char>(value[100] ^ 1);
    std::string list = subject::OnePairList(key, value);
    if (n == 2) list = map ? std::string(4, '\0') : std::string();
    if (!subject::WriteAll(1, list)) return 1;
  }
  return 0;
}
