// Broken subject (both modes): an echo that writes each list's count big-endian (00 00 00 01),
// as a Java DataOutputStream.writeInt does; the pair lengths are right (little-endian). The driver
// reads a count of 16777216 and waits for pairs that never come (map), or finds the stream cut
// short (reduce): check `framing` (R4.1, R3.1).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    std::string list("\0\0\0\1", 4);  // the defect: big-endian count
    subject::AppendPair(list, key, value);
    if (!subject::WriteAll(1, list)) return 1;
  }
  return 0;
}
