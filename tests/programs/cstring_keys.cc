// Broken subject (both modes): an echo that keeps each key as a C string. It reads every pair
// right, by its lengths, but writes the key back with strlen(): a key holding a NUL byte comes
// back cut at it, every other pair unchanged. Root cause: `framing` (R3.1: the bytes are never
// interpreted), seen as wrong content under `--expect identity`; the fix: copy keys by length.
#include <cstring>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  return subject::ForEachPair([](const std::string& key, const std::string& value) {
    const char* c_key = key.c_str();
    return subject::WriteAll(
        1, subject::OnePairList(std::string_view(c_key, std::strlen(c_key)), value));  // strlen
  });
}
