/* Broken subject (both modes): a C stdio echo that writes each list's count as a uint64_t (8 bytes)
 * instead of a u32: its lists hold four zero bytes too many after each count. Pair lengths right.
 * Root cause: `framing` (R4.1, list-encoding), "each list's count as an 8-byte integer". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int rx(void *b, size_t n) { return n == 0 || fread(b, 1, n, stdin) == n; }

int main(void) {
  char line[64];
  if (!fgets(line, sizeof line, stdin)) return 1;
  long n = atol(line);
  char *params = malloc(n + 1);
  if (!rx(params, n)) return 1;
  for (;;) {
    uint32_t kl, vl;
    if (!rx(&kl, 4)) return 0;
    char *k = malloc(kl + 1);
    if (!rx(k, kl) || !rx(&vl, 4)) return 1;
    char *v = malloc(vl + 1);
    if (!rx(v, vl)) return 1;
    uint64_t count = 1;
    fwrite(&count, 8, 1, stdout);
    fwrite(&kl, 4, 1, stdout);
    fwrite(k, 1, kl, stdout);
    fwrite(&vl, 4, 1, stdout);
    fwrite(v, 1, vl, stdout);
    fflush(stdout);
    free(k);
    free(v);
  }
}
