// Broken subject (map): answers each pair with two lists, the echo list and an empty one, written
// in a single write. Exactly one list per pair is required: check `map-protocol` (R5.1, R5.2).
// In reduce mode extra lists are allowed (R6.2), so the same program conforms there.
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    std::string lists = subject::OnePairList(key, value);
    subject::AppendU32(lists, 0);  // the second list
    if (!subject::WriteAll(1, lists)) return 1;
  }
  return 0;
}
