// Good subject (both modes): sleeps about one second before reading the parameter block, then is a
// conforming echo. A driver's reply deadline (e.g. --timeout 5) must cover the slow start.
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  usleep(1000 * 1000);
  return subject::Echo();
}
