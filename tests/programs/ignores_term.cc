// Hostile subject (both modes): ignores SIGTERM, SIGINT and SIGHUP, starts a child in a session of
// its own that ignores them too, reads the parameter block and then never answers or exits
// (sleeps, bounded to 10 minutes). Only SIGKILL ends either. The signal tests kill `dxt` while it
// runs this and then look for any process or file left behind.
#include <signal.h>
#include <unistd.h>

#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) signal(sig, SIG_IGN);
  if (fork() == 0) {
    setsid();
    for (int i = 0; i < 600; ++i) sleep(1);
    _exit(0);
  }
  std::string params;
  subject::ReadParams(&params);
  for (int i = 0; i < 600; ++i) sleep(1);
  return 0;
}
