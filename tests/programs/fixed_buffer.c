/* Broken subject (both modes): a C stdio echo that reads every key and value into one static
 * 64 KiB buffer without looking at the length, as programs sized for "typical" records do. Any
 * item much larger overruns it (here into the key copy on the stack): a segfault, or a list cut
 * short. Items up to 64 KiB pass. Root cause: `framing` (R3.1, large-item), "fails whenever a key
 * or value is larger than ..." (was: crash R8.1 and "stdout ended inside an item" R3.3). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf[65536];

static int rx(void *b, size_t n) { return n == 0 || fread(b, 1, n, stdin) == n; }

int main(void) {
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 1;
  for (long n = atol(line); n > 0; --n) getchar();
  for (;;) {
    uint32_t kl, vl;
    char key[65536];
    if (!rx(&kl, 4)) return 0;
    if (!rx(buf, kl)) return 1;
    memcpy(key, buf, kl);
    if (!rx(&vl, 4) || !rx(buf, vl)) return 1;
    const uint32_t one = 1;
    fwrite(&one, 4, 1, stdout);
    fwrite(&kl, 4, 1, stdout);
    fwrite(key, 1, kl, stdout);
    fwrite(&vl, 4, 1, stdout);
    fwrite(buf, 1, vl, stdout);
    fflush(stdout);
  }
}
