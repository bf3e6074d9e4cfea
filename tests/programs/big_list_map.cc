// Good subject (both modes): answers the first pair with a list larger than a pipe buffer: the echo
// pair followed by ("big_list_map.pad", 200 KiB of 'p'); every later pair is echoed. The driver
// must keep reading while the program is blocked writing one list (R4.1, R5.1).
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  for (bool first = true; subject::ReadPair(&key, &value) == subject::ReadResult::kPair;
       first = false) {
    std::string list;
    subject::AppendU32(list, first ? 2 : 1);
    subject::AppendPair(list, key, value);
    if (first) subject::AppendPair(list, "big_list_map.pad", std::string(200 * 1024, 'p'));
    if (!subject::WriteAll(1, list)) return 1;
  }
  return 0;
}
