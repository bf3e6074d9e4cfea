// Broken subject (both modes): a conforming echo conversation, then exit status 3. Only 0 is
// success: check `exit` (R8.1).
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  int rc = subject::Echo();
  return rc == 0 ? 3 : rc;
}
