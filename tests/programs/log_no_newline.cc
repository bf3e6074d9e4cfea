// Broken subject (both modes): a conforming echo whose last stderr line has no "\n" (the original
// driver blocked forever on it). Check `log` (R7.3).
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  subject::Log("**<MSG> starting\n");
  int rc = subject::Echo();
  subject::Log("**<MSG> done");  // the defect: no newline
  return rc;
}
