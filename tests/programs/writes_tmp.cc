// Hostile subject (both modes): a conforming echo that writes /tmp/dxt-hostile-<argv[2]>.scratch
// (a literal /tmp path, not $TMPDIR). Under namespaces /tmp is the case's own: check `sandbox`
// (R1.3) reports the file and nothing reaches the host's /tmp. Under process-group isolation the
// host's /tmp is the program's: the file lands there (a documented limit of that level).
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string path = std::string("/tmp/dxt-hostile-") + (argc > 2 ? argv[2] : "x") + ".scratch";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    subject::WriteAll(fd, "left behind\n");
    close(fd);
  }
  return subject::Echo();
}
