// Good subject (map; reduce echoes): answers every pair with a list of 300 copies of it. A pair
// holding a 1 MiB key gets a 300 MiB list, legal under R3.2 (items are limited, lists are not):
// the driver must judge such a list without holding it whole.
//
// Built a second time as repeat_map_flip (DXT_FLIP_OFFSET): the same, but the byte at that stdout
// offset of its output is flipped (0x01), one wrong byte deep inside a huge list, which `content`
// must find and place.
#include <cstdint>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  if (subject::ParseMode(argc, argv) != subject::Mode::kMap) return subject::Echo();
  constexpr int kCopies = 300;
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  [[maybe_unused]] uint64_t offset = 0;  // of stdout (read only when DXT_FLIP_OFFSET is set)
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    std::string list, pair;
    subject::AppendU32(list, kCopies);
    subject::AppendPair(pair, key, value);
    if (!subject::WriteAll(1, list)) return 1;
    offset += list.size();
    for (int i = 0; i < kCopies; ++i) {
#ifdef DXT_FLIP_OFFSET
      if (offset <= DXT_FLIP_OFFSET && DXT_FLIP_OFFSET < offset + pair.size()) {
        std::string wrong = pair;
        wrong[DXT_FLIP_OFFSET - offset] ^= 0x01;
        if (!subject::WriteAll(1, wrong)) return 1;
        offset += pair.size();
        continue;
      }
#endif
      if (!subject::WriteAll(1, pair)) return 1;
      offset += pair.size();
    }
  }
  return 0;
}
