// Good subject (map; reduce echoes): answers every pair with a list of 300 copies of it. A pair
// holding a 1 MiB key gets a 300 MiB list, legal under R3.2 (items are limited, lists are not):
// the driver must judge such a list without holding it whole.
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  if (subject::ParseMode(argc, argv) != subject::Mode::kMap) return subject::Echo();
  constexpr int kCopies = 300;
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    std::string list, pair;
    subject::AppendU32(list, kCopies);
    subject::AppendPair(pair, key, value);
    if (!subject::WriteAll(1, list)) return 1;
    for (int i = 0; i < kCopies; ++i) {
      if (!subject::WriteAll(1, pair)) return 1;
    }
  }
  return 0;
}
