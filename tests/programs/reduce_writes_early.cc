// Good subject (reduce): echoes each pair the moment it is read, with an unbuffered write, while
// megabytes of input may still be arriving (R6.2). A driver that writes all input before reading
// stdout deadlocks with it; a correct one drains stdout while it writes. Map mode: plain echo.
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  return subject::Echo();
}
