/* Broken subject (both modes): a program built the way Disco's own C helper library (ext/disco.c
 * in Disco's repository) builds external programs, and behaving like Disco's tests/test_external,
 * which was built on it. Written for dxt from a reading of that library: it makes the same stdio
 * calls in the same order, so it misreads exactly what the library misreads (SPEC R2.5).
 *
 * Parameter block, as the library reads it:
 *  - the block size with fscanf("%u"), then one byte dropped unseen (meant to be the "\n");
 *  - then, while fewer bytes than the size are accounted for, a key entry and a value entry, each
 *    read as fscanf("%u %n"): the " " of that format skips ANY run of whitespace, so a key or
 *    value that begins with whitespace loses it and everything after shifts; then `len` bytes,
 *    then one separator byte when len > 0 (when len == 0 the separator was already taken by the
 *    whitespace skip, so the count is one less). An empty last value lets that skip run on into
 *    the first pair when the pair's first byte is whitespace (a key length of 9-13 or 32), and
 *    the block then accounts for more bytes than its size: "Invalid parameter set size". A length
 *    that is not a number: "Couldn't parse item length";
 *  - keys are C strings (cut at their first NUL); a later duplicate key replaces the earlier one.
 * Pairs: a 4-byte length read with fread, the item, the same for the value.
 * Output: one result list per pair, flushed after it (the library flushes after every count and
 * every pair); log lines "**<MSG>..." / "**<ERR>..." with no space, as the library writes them.
 *
 * Like tests/test_external it then requires the parameters Disco's test sends ("test1" = "1,2,3",
 * "one two three" = "dim\ndam\n", "dummy" = "value"; dxt check --params FILE gives them) and says
 * "All parameters ok!". Unlike it, it answers each pair with that pair alone (test_external wrote
 * three copies under the key "dkey"), so a conforming block is a passing case. Before checking
 * them it lists what it read ("**<MSG>param KEY-HEX = VALUE-HEX"), so a test can compare that
 * with dxt's model of the library (dxt decode --format params --disco-c).
 *
 * One deviation, where the library's behaviour is undefined: at end of input inside the block its
 * fscanf returns EOF, which its "!fscanf(...)" test does not catch (it goes on with a stale
 * length); this subject stops there with an ERR instead. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void Die(const char* format, ...) {
  va_list args;
  va_start(args, format);
  fputs("**<ERR>", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

static void Say(const char* format, ...) {
  va_list args;
  va_start(args, format);
  fputs("**<MSG>", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
}

typedef struct {
  unsigned len;
  char* bytes; /* len bytes and a NUL */
} Item;

static void ReadBytes(void* into, unsigned len) {
  if (len > 0 && fread(into, len, 1, stdin) != 1) Die("Couldn't read %u bytes from stdin", len);
}

static Item NewItem(unsigned len) {
  Item item = {len, malloc((size_t)len + 1)};
  if (!item.bytes) Die("Memory allocation failed (%u bytes)", len + 1);
  item.bytes[len] = '\0';
  return item;
}

/* One key or value entry of the block; adds what the library counts for it to *accounted. */
static Item ReadEntry(unsigned* accounted) {
  unsigned len = 0;
  int n = 0;
  const int got = fscanf(stdin, "%u %n", &len, &n);
  if (got == 0) Die("Couldn't parse item length");
  if (got == EOF) Die("input ended inside the parameter block");
  Item item = NewItem(len);
  ReadBytes(item.bytes, len);
  if (len > 0) {
    char separator;
    ReadBytes(&separator, 1);
  } else {
    --n;
  }
  *accounted += len + (unsigned)n + 1;
  return item;
}

typedef struct {
  Item* keys;
  Item* values;
  size_t size;
} Dict;

static void Put(Dict* dict, Item key, Item value) {
  for (size_t i = 0; i < dict->size; ++i) {
    if (strcmp(dict->keys[i].bytes, key.bytes) == 0) { /* C-string keys: NUL ends them */
      free(dict->values[i].bytes);
      dict->values[i] = value;
      free(key.bytes);
      return;
    }
  }
  dict->keys = realloc(dict->keys, (dict->size + 1) * sizeof(Item));
  dict->values = realloc(dict->values, (dict->size + 1) * sizeof(Item));
  if (!dict->keys || !dict->values) Die("Memory allocation failed");
  dict->keys[dict->size] = key;
  dict->values[dict->size] = value;
  ++dict->size;
}

static Dict ReadParameterBlock(void) {
  Dict dict = {NULL, NULL, 0};
  unsigned size = 0, accounted = 0;
  if (!fscanf(stdin, "%u", &size)) Die("Couldn't parse parameter set size");
  char newline;
  if (fread(&newline, 1, 1, stdin) != 1) Die("input ended inside the parameter block");
  while (accounted < size) {
    Item key = ReadEntry(&accounted);
    Item value = ReadEntry(&accounted);
    key.len = (unsigned)strlen(key.bytes);
    Put(&dict, key, value);
  }
  if (accounted > size) Die("Invalid parameter set size");
  return dict;
}

/* Appends the hex of `item` to `line` at *used (stderr is unbuffered: one write per line). */
static void AppendHex(char* line, size_t* used, const Item* item) {
  static const char kHex[] = "0123456789abcdef";
  for (unsigned i = 0; i < item->len; ++i) {
    line[(*used)++] = kHex[(unsigned char)item->bytes[i] >> 4];
    line[(*used)++] = kHex[(unsigned char)item->bytes[i] & 15];
  }
}

static void ListParameters(const Dict* dict) {
  for (size_t i = 0; i < dict->size; ++i) {
    const size_t size = 2 * ((size_t)dict->keys[i].len + dict->values[i].len) + 32;
    char* line = malloc(size);
    if (!line) Die("Memory allocation failed");
    size_t used = 0;
    memcpy(line, "**<MSG>param ", 13);
    used = 13;
    AppendHex(line, &used, &dict->keys[i]);
    memcpy(line + used, " = ", 3);
    used += 3;
    AppendHex(line, &used, &dict->values[i]);
    line[used++] = '\n';
    fwrite(line, 1, used, stderr);
    free(line);
  }
}

static void Require(const Dict* dict, const char* key, const char* expected) {
  for (size_t i = 0; i < dict->size; ++i) {
    if (strcmp(dict->keys[i].bytes, key) != 0) continue;
    if (strcmp(dict->values[i].bytes, expected) != 0)
      Die("parameter %s value invalid: Expected %s got %s", key, expected, dict->values[i].bytes);
    return;
  }
  Die("parameter %s not found", key);
}

/* A pair frame: 0 at a clean end of input, 1 when a pair was read. */
static int ReadPair(Item* key, Item* value) {
  unsigned len = 0;
  if (fread(&len, 4, 1, stdin) != 1) return 0;
  *key = NewItem(len);
  ReadBytes(key->bytes, len);
  ReadBytes(&len, 4);
  *value = NewItem(len);
  ReadBytes(value->bytes, len);
  return 1;
}

static void Write(const void* bytes, unsigned len) {
  if (len > 0 && fwrite(bytes, len, 1, stdout) != 1) Die("Couldn't write %u bytes to stdout", len);
}

static void WriteItem(const Item* item) {
  Write(&item->len, 4);
  Write(item->bytes, item->len);
}

int main(int argc, char** argv) {
  if (argc < 2 || (strcmp(argv[1], "map") != 0 && strcmp(argv[1], "reduce") != 0))
    Die("usage: disco_c_params map|reduce");
  Dict params = ReadParameterBlock();
  ListParameters(&params);
  Require(&params, "test1", "1,2,3");
  Require(&params, "one two three", "dim\ndam\n");
  Require(&params, "dummy", "value");
  Say("All parameters ok!");
  unsigned pairs = 0;
  Item key, value;
  while (ReadPair(&key, &value)) {
    const unsigned count = 1;
    Write(&count, 4);
    fflush(stdout);
    WriteItem(&key);
    WriteItem(&value);
    fflush(stdout);
    free(key.bytes);
    free(value.bytes);
    ++pairs;
  }
  Say("%u key-value pairs read ok", pairs);
  return 0;
}
