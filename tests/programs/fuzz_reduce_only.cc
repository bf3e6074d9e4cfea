// Fuzz subject (reduce-only): a reduce that groups consecutive pairs by key and mistakes an
// empty value after a pair of the same key for its end-of-group marker: it stops there and exits
// 4 (exit, R8.1; usually consumption too). The catalogue's reduce inputs never have that pair
// sequence. Map is a conforming echo.
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::Mode mode = subject::ParseMode(argc, argv);
  std::string params, key, value, previous;
  bool first = true;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    if (mode == subject::Mode::kReduce && !first && key == previous && value.empty()) return 4;
    first = false;
    previous = key;
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  return 0;
}
