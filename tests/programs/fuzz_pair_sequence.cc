// Fuzz subject (sequence of pairs): a map that treats pairs as graph edges and keeps the last
// edge to drop the reverse one; a pair (b, a) right after (a, b), with a != b and both
// non-empty, takes the "duplicate edge" path, which frees the edge twice and crashes (SIGSEGV,
// crash R8.1). The catalogue's map cases never send a pair reversed after itself. Reduce is a
// conforming echo.
#include <signal.h>
#include <sys/resource.h>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::Mode mode = subject::ParseMode(argc, argv);
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  std::string params, key, value, last_key, last_value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    if (mode == subject::Mode::kMap && !key.empty() && !value.empty() && key != value &&
        key == last_value && value == last_key)
      raise(SIGSEGV);
    last_key = key;
    last_value = value;
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  return 0;
}
