// Broken subject (both modes): a conforming echo that reports "**<ERR> boom" at the end and still
// exits 0. An ERR line fails the task whatever the exit status: check `err` (R7.2).
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  int rc = subject::Echo();
  subject::Log("**<ERR> boom\n");
  return rc;
}
