// Broken subject (map): writes each echo list with stdio, fully buffered, and never calls fflush.
// The lists reach the driver only when stdin closes and exit() flushes stdio, so a lockstep driver
// gets no list for pair 0 while stdin is open: check `flushing`, "buffered its output" (R5.2).
// In reduce mode the same behaviour is allowed (R6.2).
#include <cstdio>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  static char buffer[1 << 20];
  setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    std::string list = subject::OnePairList(key, value);
    fwrite(list.data(), 1, list.size(), stdout);  // no fflush: the defect
  }
  return 0;  // exit() flushes stdout
}
