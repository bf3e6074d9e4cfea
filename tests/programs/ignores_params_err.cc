// Broken subject (both modes): like ignores_params it never reads the parameter block and parses
// stdin from byte 0 as pairs, but it checks what it reads and says so, as careful hand-written
// readers do: a key or value length above 1 MiB, or input that ends inside an item, is an
// `**<ERR>` naming the length, then exit 1. With "0\n" it reads "0\n" and the first pair's key
// length as a key length of 2608 or more. Check `params` (R2.1): judged from that ERR line in
// both modes, since a reduce's lists prove nothing about what it read.
#include <string>

#include "tests/programs/subject_io.h"

namespace {

[[noreturn]] void Die(const char* what, uint32_t length, size_t got) {
  subject::Log("**<ERR> " + std::string(what) + " length " + std::to_string(length) +
               (got == SIZE_MAX ? std::string(" is too large")
                                : ": input ended after " + std::to_string(got) + " bytes") +
               "\n");
  std::exit(1);
}

// Reads one item of a pair: its u32 length, then its bytes. False at a clean end of input.
bool ReadItem(const char* what, std::string* out, bool first) {
  bool clean_eof = false;
  uint32_t length = 0;
  if (!subject::ReadU32(&length, &clean_eof)) {
    if (first && clean_eof) return false;
    subject::Log(std::string("**<ERR> input ended inside a ") + what + " length\n");
    std::exit(1);
  }
  if (length > (uint32_t{1} << 20)) Die(what, length, SIZE_MAX);
  out->resize(length);
  const size_t got = subject::ReadExact(0, out->data(), length);
  if (got != length) Die(what, length, got);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string key, value;
  while (ReadItem("key", &key, true)) {
    ReadItem("value", &value, false);
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  return 0;
}
