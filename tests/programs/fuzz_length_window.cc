// Fuzz subject (length window): a conforming echo, except that a map value of 3000-3049 bytes
// overflows the 3000-byte "fast path" buffer it copies values into, and the debug text the
// author left on that path goes to stdout after the list. The catalogue sends no value in that
// window; `dxt fuzz` must find it (framing, R4.2). Reduce is a conforming echo.
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::Mode mode = subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
    if (mode == subject::Mode::kMap && value.size() >= 3000 && value.size() < 3050)
      subject::WriteAll(1, "overflow in fast path\n");
  }
  return 0;
}
