// Property checks inside fuzz targets: a failed check prints what broke and traps, so libFuzzer
// saves the input as a crash artifact and the replay binary dies with a non-zero status.
#ifndef DXT_FUZZ_FUZZ_CHECK_H_
#define DXT_FUZZ_FUZZ_CHECK_H_

#include <cstdio>

#define DXT_FUZZ_CHECK(cond)                                                                \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                                     \
    }                                                                                       \
  } while (0)

#endif  // DXT_FUZZ_FUZZ_CHECK_H_
