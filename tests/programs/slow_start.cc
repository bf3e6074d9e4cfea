// Good subject (both modes): sleeps before reading the parameter block (argv[2] milliseconds,
// default 1000), then is a conforming echo. A driver's reply deadline (e.g. --timeout 5) must
// cover the slow start; `dxt fuzz` at its defaults must not report a start slower than its 2 s
// search deadline (`slow_start MODE 3000`) as a finding.
#include <time.h>

#include <cstdlib>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  const long ms = argc >= 3 ? std::strtol(argv[2], nullptr, 10) : 1000;
  const timespec pause{ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&pause, nullptr);
  return subject::Echo();
}
