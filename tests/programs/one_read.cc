// Broken subject (both modes): reads every length and every item with ONE read(2) and no loop, as
// if a pipe always delivered all the bytes asked for. It flushes (write(2) per list) and is
// correct for small items, but a read of a large item returns what the pipe holds (a few KiB to
// 64 KiB): it answers with the item padded with zeros, then takes bytes in the middle of that
// item as the next length. A length over 1 GiB it reports with **<ERR> and exits 1.
// Root cause: it misreads its input framing inside a large item (R3.1).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tests/programs/subject_io.h"

namespace {

// The defect: one read(2), whatever it returns.
bool ReadOnce(void* out, size_t n) {
  if (n == 0) return true;
  return read(0, out, n) > 0;
}

int TooLarge(uint32_t length) {
  std::fprintf(stderr, "**<ERR>item length %u is over 1 GiB\n", length);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params;
  if (!subject::ReadParams(&params)) return 1;
  for (;;) {
    uint32_t klen = 0, vlen = 0;
    if (!ReadOnce(&klen, 4)) return 0;
    if (klen > (1u << 30)) return TooLarge(klen);
    std::string key(klen, '\0');
    if (!ReadOnce(key.data(), klen)) return 0;
    if (!ReadOnce(&vlen, 4)) return 0;
    if (vlen > (1u << 30)) return TooLarge(vlen);
    std::string value(vlen, '\0');
    if (!ReadOnce(value.data(), vlen)) return 0;
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
}
