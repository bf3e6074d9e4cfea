// Broken subject (both modes), two defects: a conforming echo that creates `scratch.tmp` in its
// working directory (R1.3) and then never exits after end-of-input (R8.2). Once the first case
// has shown the hang, the later cases are blocked by it (a shortened exit wait), and they must
// still show the other defect: check `sandbox` FAILED while `hang` is SKIPPED "blocked by".
#include <fcntl.h>
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  int fd = open("scratch.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) close(fd);
  subject::Echo();
  for (int i = 0; i < 600; ++i) sleep(1);
  return 0;
}
