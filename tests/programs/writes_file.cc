// Broken subject (both modes): a conforming echo that also creates "scratch.tmp" in its working
// directory. A program must not write files on the host: check `sandbox` (R1.3).
#include <fcntl.h>
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  int fd = open("scratch.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    subject::WriteAll(fd, "left behind\n");
    close(fd);
  }
  return subject::Echo();
}
