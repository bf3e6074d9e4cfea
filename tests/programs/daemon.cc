// Hostile subject (both modes): a conforming echo that first starts a classic daemon — fork,
// setsid, fork again, stdin/stdout/stderr on /dev/null — and exits 0 while it keeps running.
// Its pipes close, so nothing hangs: only the launcher's sweep sees it. Check `hang` (R6.3: a
// descendant outlived the program), at every isolation level, and the daemon must be killed. The
// daemon's sleep is bounded (10 minutes) so a broken driver cannot leave it for ever.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  pid_t first = fork();
  if (first == 0) {
    setsid();
    if (fork() != 0) _exit(0);
    int null_fd = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; ++fd) dup2(null_fd, fd);
    for (int i = 0; i < 600; ++i) sleep(1);
    _exit(0);
  }
  waitpid(first, nullptr, 0);
  return subject::Echo();
}
