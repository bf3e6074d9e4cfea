// Good subject (both modes): a conforming echo that first checks R1.4 ("no extra fds"): any open
// descriptor above 2 is named in an **<ERR> line, which fails the case (check `err`). Proves that
// neither dxt's launcher nor bubblewrap leaks a descriptor into the program.
#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  DIR* d = opendir("/proc/self/fd");
  int own = d ? dirfd(d) : -1;
  std::string extra;
  while (dirent* e = d ? readdir(d) : nullptr) {
    if (e->d_name[0] == '.') continue;
    int fd = std::atoi(e->d_name);
    if (fd > 2 && fd != own) extra += " " + std::string(e->d_name);
  }
  if (d) closedir(d);
  if (!extra.empty()) subject::WriteAll(2, "**<ERR> open descriptors beyond stdio:" + extra + "\n");
  return subject::Echo();
}
