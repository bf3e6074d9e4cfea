// Broken subject (both modes): a conforming echo conversation, but at end of input it ignores the
// EOF and sleeps forever. The driver's exit deadline must expire and kill it: check `hang` (R5.4,
// R8.2). The sleep is bounded (10 minutes) so a broken driver cannot leave it behind for ever.
#include <unistd.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  subject::Echo();
  for (int i = 0; i < 600; ++i) sleep(1);
  return 0;
}
