// Broken subject (map): an echo that writes a list only when it has output, so a pair with an
// empty value gets no list at all (not even the empty list, count 0). The driver then waits for
// a list that never comes while the program waits for the next pair; every other pair passes.
// Root cause: `framing` (R3.1, empty-item), seen as a map "waiting for more input" (R5.2).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  for (;;) {
    const subject::ReadResult r = subject::ReadPair(&key, &value);
    if (r == subject::ReadResult::kEnd) return 0;
    if (r == subject::ReadResult::kTruncated) return 1;
    if (value.empty()) continue;  // the defect: no list
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
}
