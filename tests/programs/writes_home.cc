// Hostile subject (both modes): a conforming echo that writes $HOME/.dxt-hostile (a dot file, as
// caches and configs are). $HOME is private to the case at every isolation level: check `sandbox`
// (R1.3) reports "$HOME/.dxt-hostile" and the host's home directory is untouched.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  const char* home = std::getenv("HOME");
  std::string path = std::string(home ? home : ".") + "/.dxt-hostile";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    subject::WriteAll(fd, "left behind\n");
    close(fd);
  }
  return subject::Echo();
}
