// Broken subject (both modes): a debugging printf left on stdout. Map: writes "hello\n" before the
// list for the first pair, then echoes. Reduce: echoes every pair, then writes "hello\n" at the
// end. The driver reads "hell" as a list count and then runs out of bytes: check `framing` (R4.2).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::Mode mode = subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  bool said_hello = false;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    if (mode == subject::Mode::kMap && !said_hello) {
      said_hello = subject::WriteAll(1, "hello\n");
    }
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  if (mode == subject::Mode::kReduce) subject::WriteAll(1, "hello\n");
  return 0;
}
