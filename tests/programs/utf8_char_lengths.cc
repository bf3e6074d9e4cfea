// Broken subject (both modes), the Java program of issue 11 §4 in C: an echo that takes its
// locale from the environment (setlocale(LC_ALL, "")) and, when the locale's codeset is UTF-8
// (nl_langinfo(CODESET)), writes each key and value length counted in characters (mbrtowc), not in
// bytes, before the UTF-8 bytes themselves. Under LANG=C a character is a byte, so every case
// passes; under a UTF-8 locale a key or value with a multi-byte character announces fewer bytes
// than follow, and the stream falls out of frame: `framing` FAILED, "fails only under
// LANG=C.UTF-8". An invalid sequence counts one character per byte (as a decoder that replaces it).
#include <langinfo.h>
#include <locale.h>
#include <wchar.h>

#include <cstring>
#include <string>
#include <string_view>

#include "tests/programs/subject_io.h"

namespace {

bool utf8 = false;

uint32_t CharCount(std::string_view s) {
  if (!utf8) return static_cast<uint32_t>(s.size());
  uint32_t n = 0;
  mbstate_t state{};
  for (size_t i = 0; i < s.size(); ++n) {
    size_t len = mbrtowc(nullptr, s.data() + i, s.size() - i, &state);
    if (len == static_cast<size_t>(-1) || len == static_cast<size_t>(-2)) {
      state = mbstate_t{};
      len = 1;
    }
    i += len == 0 ? 1 : len;  // an embedded NUL is one character too
  }
  return n;
}

std::string List(std::string_view key, std::string_view value) {
  std::string out;
  subject::AppendU32(out, 1);
  subject::AppendU32(out, CharCount(key));
  out.append(key);
  subject::AppendU32(out, CharCount(value));
  out.append(value);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  setlocale(LC_ALL, "");
  utf8 = std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  for (;;) {
    subject::ReadResult r = subject::ReadPair(&key, &value);
    if (r == subject::ReadResult::kEnd) return 0;
    if (r != subject::ReadResult::kPair) return 1;
    if (!subject::WriteAll(1, List(key, value))) return 1;
  }
}
