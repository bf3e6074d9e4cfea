// Broken subject (both modes): never reads the parameter block and parses stdin from byte 0 as
// pairs. With "0\n" (0x30 0x0A) it reads a garbage key length (0x0A30 plus the next pair's bytes)
// and misbehaves from there; on a short read it gives up quietly and exits 0. Check `params`
// (R2.1, R2.3): a program must read exactly the announced block before any pair.
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string key, value;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  return 0;
}
