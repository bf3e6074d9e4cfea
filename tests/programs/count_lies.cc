// Broken subject (both modes): every result list announces count 2 but carries only one pair
// (R4.1). The driver waits for a second pair that never comes; when the program exits, stdout ends
// inside a list: check `framing` (R3.3, R4.1).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    std::string list;
    subject::AppendU32(list, 2);  // the lie
    subject::AppendPair(list, key, value);
    if (!subject::WriteAll(1, list)) return 1;
  }
  return 0;
}
