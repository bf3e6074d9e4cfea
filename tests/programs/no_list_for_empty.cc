// Broken subject (map): an echo that writes a list only when it has output, so a pair with an
// empty value gets no list at all (not even the empty list, count 0). The driver then waits for
// a list that never comes while the program waits for the next pair; every other pair passes.
// Root cause: `framing` (R3.1, empty-item), seen as a map "waiting for more input" (R5.2).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  return subject::ForEachPair([](const std::string& key, const std::string& value) {
    if (value.empty()) return true;  // the defect: no list
    return subject::WriteAll(1, subject::OnePairList(key, value));
  });
}
