// Broken subject (both modes): a conforming echo whose stderr carries lines that are neither
// "**<MSG>" nor "**<ERR>": "**<MSX> hi" and "debug: x". Check `log` (R7.1, R7.3).
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  subject::Log("**<MSX> hi\n");
  int rc = subject::Echo();
  subject::Log("debug: x\n");
  return rc;
}
