// Hostile subject (both modes): a conforming echo that starts a child in a session of its own
// (setsid), which keeps stdout and stderr open and sleeps. Killing the program's process group
// does not reach it: check `hang` (R6.3, a descendant holding the pipes), and the child must be
// found and killed all the same. The sleep is bounded (10 minutes).
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  if (fork() == 0) {
    setsid();
    for (int i = 0; i < 600; ++i) sleep(1);
    _exit(0);
  }
  return subject::Echo();
}
