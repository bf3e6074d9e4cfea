// Fuzz subject (byte pattern): a conforming echo, except that a key containing the bytes
// "X-Debug" turns on a debug print to stderr without the **<MSG> prefix (log, R7.1). The token is
// in the binary's strings, so `dxt fuzz`'s auto-dictionary offers it. Both modes.
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    if (key.find("X-Debug") != std::string::npos) subject::Log("debug: header seen\n");
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  return 0;
}
