// Broken subject (map): writes an empty result list right after reading the parameter block,
// before any pair, then echoes each pair. A list before any input is forbidden, and every later
// list is shifted onto the wrong pair: check `map-protocol` (R5.3).
// In reduce mode output is allowed at any time (R6.2), so the same program conforms there.
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params;
  if (!subject::ReadParams(&params)) return 1;
  std::string empty_list;
  subject::AppendU32(empty_list, 0);
  if (!subject::WriteAll(1, empty_list)) return 1;
  return subject::EchoAfterParams();
}
