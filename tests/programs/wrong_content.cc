// Broken subject (both modes): an echo that flips the lowest bit of the first byte of every
// non-empty value. The protocol is perfect; only the content is wrong: check `content`, when the
// driver knows the expected output (a --script expectation or identity mode).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    if (!value.empty()) value[0] = static_cast<char>(value[0] ^ 1);
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  return 0;
}
