// Broken subject (map): processes input in batches of two pairs. It reads pair 0, then blocks
// reading pair 1 before answering pair 0; a lockstep driver waits for list 0 forever. When stdin
// closes with a batch of one, it exits 0 without answering it. The list never comes, before or
// after stdin closes: check `flushing`, "waiting for more input" (R5.2).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key[2], value[2];
  if (!subject::ReadParams(&params)) return 1;
  for (;;) {
    if (subject::ReadPair(&key[0], &value[0]) != subject::ReadResult::kPair) return 0;
    if (subject::ReadPair(&key[1], &value[1]) != subject::ReadResult::kPair) return 0;  // drops it
    for (int i = 0; i < 2; ++i) {
      if (!subject::WriteAll(1, subject::OnePairList(key[i], value[i]))) return 1;
    }
  }
}
