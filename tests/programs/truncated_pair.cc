// Broken subject (both modes): answers the first pair (map) or the end of input (reduce) with a
// list whose only pair stops half-way through its key, then exits 0. stdout ends inside a pair:
// check `framing` (R3.3).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::Mode mode = subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  if (mode == subject::Mode::kMap) {
    // Only in answer to a pair, so that the truncation is the one defect (R5.3 stays intact).
    if (subject::ReadPair(&key, &value) != subject::ReadResult::kPair) return 0;
  } else {
    while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    }
  }
  std::string list;
  subject::AppendU32(list, 1);
  subject::AppendU32(list, 10);  // key length 10 ...
  list.append("half");           // ... but only 4 bytes follow
  subject::WriteAll(1, list);
  return 0;
}
