// Broken subject (map): writes echo lists with fully buffered stdio and flushes only after pairs
// with an even 0-based index (0, 2, 4, ...). Pair 0 is answered in time, pair 1's list stays in the
// buffer until stdin closes: check `flushing`, "buffered its output", at pair index 1 (R5.2).
#include <cstdio>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  static char buffer[1 << 20];
  setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  for (long index = 0; subject::ReadPair(&key, &value) == subject::ReadResult::kPair; ++index) {
    std::string list = subject::OnePairList(key, value);
    fwrite(list.data(), 1, list.size(), stdout);
    if (index % 2 == 0) fflush(stdout);
  }
  return 0;
}
