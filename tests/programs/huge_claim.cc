// Broken subject (both modes): answers the first pair (map) or its start (reduce) with a list whose
// first key claims 0xFFFFFFFF bytes (4 GiB, beyond the 1 GiB limit of R3.2), followed by a few
// bytes, then keeps reading stdin until it ends and exits 0. The driver must refuse the claim as
// soon as the length arrives, without allocating it: check `limits` (R3.2).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::Mode mode = subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  // Map: only in answer to a pair, so that the claim is the one defect (R5.3 stays intact).
  if (mode == subject::Mode::kMap &&
      subject::ReadPair(&key, &value) != subject::ReadResult::kPair) {
    return 0;
  }
  std::string list;
  subject::AppendU32(list, 1);
  subject::AppendU32(list, 0xFFFFFFFFu);
  list.append(4096, 'x');
  subject::WriteAll(1, list);
  subject::DrainStdin();
  return 0;
}
