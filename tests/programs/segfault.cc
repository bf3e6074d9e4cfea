// Broken subject (both modes): answers the first pair, then dies of SIGSEGV when it reads the next
// one (or the end of input, if there is no next one). Check `crash` (R8.1).
#include <signal.h>
#include <sys/resource.h>

#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);  // a core file in the work dir would also trip `sandbox`
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  if (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    subject::WriteAll(1, subject::OnePairList(key, value));
    subject::ReadPair(&key, &value);
  }
  raise(SIGSEGV);
  return 0;
}
