// Good subject: a conforming echo written directly on read(2)/write(2), both modes.
// Every check must be OK; it is the control beside the broken subjects.
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  return subject::Echo();
}
