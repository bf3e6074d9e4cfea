// Broken subject (map): an echo on stdio with stdout line-buffered (what `stdbuf -oL`, or a C
// program that believes its stdout is a terminal, gives). A list reaches the pipe only when its
// bytes happen to contain '\n' (0x0A) or the buffer fills, so most lists stay buffered while
// stdin is open: check `flushing` (R5.2). Reduce mode is allowed to buffer (R6.2).
#include <cstdio>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  static char buffer[1 << 16];
  setvbuf(stdout, buffer, _IOLBF, sizeof buffer);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    std::string list = subject::OnePairList(key, value);
    fwrite(list.data(), 1, list.size(), stdout);  // flushed only at a '\n' byte: the defect
  }
  return 0;
}
