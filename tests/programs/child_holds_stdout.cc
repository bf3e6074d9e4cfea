// Broken subject (both modes): at start it forks a helper that inherits stdout and stderr and
// sleeps; the program itself has a conforming echo conversation and exits 0. stdout does not reach
// end-of-file while the helper lives: check `hang`, a descendant holding the pipes (R6.3). The
// driver must not hang on it and must kill the helper (same process group). The helper's sleep is
// bounded (10 minutes) so a broken driver cannot leave it behind for ever.
#include <sys/types.h>
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 600; ++i) sleep(1);
    _exit(0);
  }
  return subject::Echo();
}
