// Fuzz subject (parameter property): a conforming echo whose parameter "unescaping" works in
// place in a 16-byte buffer for short values, where a trailing backslash escapes the terminator:
// a value of at most 16 bytes that ends with '\' makes it write **<ERR> (err, R7.2); it then
// carries on echoing and exits 0. The catalogue has no such short value. Both modes.
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  // Body: "<len> <key> <len> <value>\n" per entry (R2.1).
  for (size_t at = 0; at < params.size();) {
    size_t lengths[2] = {0, 0};
    size_t starts[2] = {0, 0};
    for (int side = 0; side < 2 && at < params.size(); ++side) {
      size_t space = params.find(' ', at);
      if (space == std::string::npos) return 1;
      lengths[side] = std::strtoul(params.c_str() + at, nullptr, 10);
      starts[side] = space + 1;
      at = space + 1 + lengths[side] + 1;
    }
    if (lengths[1] > 0 && lengths[1] <= 16 && params[starts[1] + lengths[1] - 1] == '\\')
      subject::Log("**<ERR> parameter value ends inside an escape\n");
  }
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair)
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  return 0;
}
