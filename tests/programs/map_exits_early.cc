// Broken subject (map): answers the first pair correctly, then exits 0 while the driver still has
// pairs to send: check `consumption` (a map that exits before the last pair; R5.1, R5.4).
// In reduce mode it is a conforming echo.
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::Mode mode = subject::ParseMode(argc, argv);
  if (mode == subject::Mode::kReduce) return subject::Echo();
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  if (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    subject::WriteAll(1, subject::OnePairList(key, value));
  }
  return 0;  // the defect: pairs 1.. are never read
}
