// Good subject: a conforming echo that writes each result list one byte per write(2), both modes.
// Its lists reach the driver split at every byte, so a read may hold the end of one list and the
// first byte of the next: the driver must date a list by the read that brought its first byte
// (it used to report "more lists than pairs" for this program under load, case 3.1.21).
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) {
    subject::Log("**<ERR> bad parameter block\n");
    return 1;
  }
  for (;;) {
    subject::ReadResult r = subject::ReadPair(&key, &value);
    if (r == subject::ReadResult::kEnd) return 0;
    if (r == subject::ReadResult::kTruncated) {
      subject::Log("**<ERR> truncated input pair\n");
      return 1;
    }
    const std::string list = subject::OnePairList(key, value);
    for (char c : list)
      if (!subject::WriteAll(1, std::string_view(&c, 1))) return 1;
  }
}
