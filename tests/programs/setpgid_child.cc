// Hostile subject (both modes): like setsid_child, but the child leaves only the process group
// (setpgid(0, 0)), keeping the session, stdout and stderr. Check `hang` (R6.3); the child must be
// found and killed. The sleep is bounded (10 minutes).
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  if (fork() == 0) {
    setpgid(0, 0);
    for (int i = 0; i < 600; ++i) sleep(1);
    _exit(0);
  }
  return subject::Echo();
}
