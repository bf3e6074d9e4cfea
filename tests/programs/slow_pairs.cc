// Good subject (both modes): a conforming echo that is slow to warm up: it sleeps 20 ms before
// answering each of its first 20 pairs (a JIT, a cache being filled), then answers at full speed.
// It must get no FAILED case at the default settings: fast verdicts for broken programs must not
// come from deadlines a slow but correct program misses (issue 11 §3).
#include <time.h>

#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  for (int n = 0;; ++n) {
    subject::ReadResult r = subject::ReadPair(&key, &value);
    if (r == subject::ReadResult::kEnd) return 0;
    if (r != subject::ReadResult::kPair) return 1;
    if (n < 20) {
      const timespec pause{0, 20 * 1000 * 1000};
      nanosleep(&pause, nullptr);
    }
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
}
