// Fuzz subject (sequence of pairs): a map echo that keeps a "run" of equal keys in a table of
// two slots; a third consecutive pair with the same non-empty key writes past the table and
// crashes (SIGSEGV, crash R8.1). The catalogue's map cases never repeat a key three times in a
// row. Reduce is a conforming echo.
#include <signal.h>
#include <sys/resource.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::Mode mode = subject::ParseMode(argc, argv);
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  std::string params, key, value, previous;
  int run = 0;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    run = !key.empty() && key == previous ? run + 1 : 1;
    previous = key;
    if (mode == subject::Mode::kMap && run == 3) raise(SIGSEGV);
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  return 0;
}
