// Broken subject: reads the parameter block, then never reads another byte. It waits for stdin's
// hang-up (poll, no read: the pairs stay in the pipe), writes nothing and exits 0 - a reduce that
// ignores its input. With input smaller than a pipe buffer every write succeeds and the exit comes
// only after end-of-input, so nothing but the bytes left in the pipe shows the fault (R6.1).
#include <poll.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params;
  if (!subject::ReadParams(&params)) return 1;
  pollfd in{0, 0, 0};  // no POLLIN: wake only for the hang-up
  while (!(in.revents & (POLLHUP | POLLERR))) {
    if (poll(&in, 1, 10000) == 0) return 0;  // bounded: 10 s
  }
  return 0;
}
