// Broken subject (both modes): a C program on stdio that flushes after every list, but reads the
// parameter block's length with fscanf(stdin, "%u\n", ...). The "\n" of that format is a scanf
// whitespace directive: it skips EVERY whitespace byte that follows, so with the empty block "0\n"
// it also eats the first bytes of pair 0 when they are whitespace (a key length of 9..13 or 32
// begins 0x09..0x0d or 0x20), and then reads every length one byte late. A length it cannot
// satisfy makes it wait for more input; at end-of-input it says so with **<ERR> and exits 1.
// Root cause: `params` (R2.3): it reads past the parameter block.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

static int Fail(const char* what, unsigned length) {
  std::fprintf(stderr, "**<ERR>short read: %s of %u bytes\n", what, length);
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 2 || (std::strcmp(argv[1], "map") != 0 && std::strcmp(argv[1], "reduce") != 0)) {
    std::fputs("**<ERR>usage: scanf_params map|reduce\n", stderr);
    return 2;
  }
  unsigned block = 0;
  if (std::fscanf(stdin, "%u\n", &block) != 1) {  // the defect: "\n" skips any whitespace run
    std::fputs("**<ERR>bad parameter block\n", stderr);
    return 1;
  }
  for (unsigned i = 0; i < block; ++i)
    if (std::fgetc(stdin) == EOF) return Fail("parameter block", block);
  for (;;) {
    uint32_t klen = 0, vlen = 0;
    if (std::fread(&klen, 4, 1, stdin) != 1) return 0;  // end of input
    if (klen > (1u << 30)) return Fail("key (over 1 GiB)", klen);
    char* key = static_cast<char*>(std::malloc(klen + 1));
    if (std::fread(key, 1, klen, stdin) != klen) return Fail("key", klen);
    if (std::fread(&vlen, 4, 1, stdin) != 1) return Fail("value length", 4);
    if (vlen > (1u << 30)) return Fail("value (over 1 GiB)", vlen);
    char* value = static_cast<char*>(std::malloc(vlen + 1));
    if (std::fread(value, 1, vlen, stdin) != vlen) return Fail("value", vlen);
    const uint32_t count = 1;
    std::fwrite(&count, 4, 1, stdout);
    std::fwrite(&klen, 4, 1, stdout);
    std::fwrite(key, 1, klen, stdout);
    std::fwrite(&vlen, 4, 1, stdout);
    std::fwrite(value, 1, vlen, stdout);
    std::fflush(stdout);  // one list per pair, flushed (R5.2 is kept)
    std::free(key);
    std::free(value);
  }
}
