// Broken subject (map): writes each echo list with stdio at its default buffering (a full block
// buffer on a pipe) and never calls fflush. A list larger than the buffer goes out partly, one
// whole block at a time, and the rest stays in the buffer until exit() flushes it when stdin
// closes: the driver sees lists cut short at a block boundary, lists a pair late, and nothing at
// all for small pairs. Root cause: `flushing` (R5.2); every framing or map-protocol failure it
// causes is its consequence. (Reduce: allowed, R6.2.)
#include <cstdio>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    std::string list = subject::OnePairList(key, value);
    std::fwrite(list.data(), 1, list.size(), stdout);  // no fflush: the defect
  }
  return 0;  // exit() flushes stdout
}
