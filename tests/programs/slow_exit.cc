// Broken subject (both modes): a conforming echo that, at end of input, takes 30 s to exit (a
// slow flush to a remote store, a join on a stuck thread). Longer than the driver's exit
// deadline (10 s by default): check `hang` (R5.4, R8.2).
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  int rc = subject::Echo();
  sleep(30);
  return rc;
}
