// Broken subject (reduce): reads the parameter block and one pair, echoes it, and exits 0 with the
// rest of its input unread: check `consumption` (R6.1, "must not exit before all the input is
// consumed"). In map mode it does the same, which is also a `consumption` failure (map exits
// before the last pair).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  if (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    subject::WriteAll(1, subject::OnePairList(key, value));
  }
  return 0;
}
