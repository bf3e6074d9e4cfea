#include "fuzz/program/dictionary.h"

#include <elf.h>

#include <cstring>
#include <set>

#include "absl/strings/str_cat.h"

namespace dxt::progfuzz {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Strip(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The body of one quoted token, escapes resolved; `line` starts just after the opening quote.
absl::StatusOr<std::string> Unquote(std::string_view line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      if (!Strip(line.substr(i + 1)).empty())
        return absl::InvalidArgumentError("text after the closing quote");
      if (out.empty()) return absl::InvalidArgumentError("empty token");
      return out;
    }
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 1 >= line.size()) break;
    char e = line[++i];
    if (e == '\\' || e == '"') {
      out.push_back(e);
    } else if (e == 'x') {
      int hi = i + 1 < line.size() ? HexDigit(line[i + 1]) : -1;
      int lo = i + 2 < line.size() ? HexDigit(line[i + 2]) : -1;
      if (hi < 0 || lo < 0) return absl::InvalidArgumentError("\\x needs two hex digits");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown escape \\", std::string(1, e)));
    }
  }
  return absl::InvalidArgumentError("unterminated token (no closing quote)");
}

bool LooksLikeNoise(std::string_view s) {
  for (std::string_view bad : {"_Z", "GLIBC", ".so", "GCC:", "__", ".text", ".data", ".rodata",
                               ".bss", ".eh_frame", ".init", ".fini", ".dyn", ".got", ".note",
                               ".gnu", ".rela", ".plt", ".comment", ".symtab", ".strtab"})
    if (s.find(bad) != std::string_view::npos) return true;
  // An absolute path (a source file named by an assertion, an install prefix): where the
  // program was built, not what it reads.
  return !s.empty() && s.front() == '/' && s.find('/', 1) != std::string_view::npos;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseDictionary(std::string_view text,
                                                         std::string_view source) {
  std::vector<std::string> out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = Strip(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    size_t quote = line.find('"');
    auto fail = [&](std::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(source), ": line ", line_no, ": ", std::string(why)));
    };
    if (quote == std::string_view::npos) return fail("expected \"token\" or name=\"token\"");
    if (quote > 0) {
      std::string_view name = Strip(line.substr(0, quote));
      if (name.empty() || name.back() != '=') return fail("expected \"token\" or name=\"token\"");
    }
    auto token = Unquote(line.substr(quote + 1));
    if (!token.ok()) return fail(std::string(token.status().message()));
    out.push_back(std::move(*token));
  }
  return out;
}

namespace {

template <typename T>
bool ReadAt(std::string_view file, uint64_t offset, T* out) {
  if (offset > file.size() || file.size() - offset < sizeof(T)) return false;
  std::memcpy(out, file.data() + offset, sizeof(T));
  return true;
}

// Sections of one ELF class (Ehdr/Shdr of 32 or 64 bits); false when anything is out of bounds.
template <typename Ehdr, typename Shdr>
bool LoadedDataSections(std::string_view file, std::vector<std::string_view>* out) {
  Ehdr eh;
  if (!ReadAt(file, 0, &eh) || eh.e_shentsize != sizeof(Shdr) || eh.e_shnum == 0) return false;
  for (uint64_t i = 0; i < eh.e_shnum; ++i) {
    Shdr sh;
    if (!ReadAt(file, eh.e_shoff + i * sizeof(Shdr), &sh)) return false;
    if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC) || (sh.sh_flags & SHF_EXECINSTR))
      continue;
    if (sh.sh_offset > file.size() || file.size() - sh.sh_offset < sh.sh_size) return false;
    out->push_back(file.substr(sh.sh_offset, sh.sh_size));
  }
  return true;
}

}  // namespace

std::vector<std::string_view> TokenSource(std::string_view file) {
  std::vector<std::string_view> sections;
  // Only little-endian ELF (every target dxt runs on); the header fields are read natively.
  if (file.size() >= EI_NIDENT && file.substr(0, SELFMAG) == ELFMAG &&
      file[EI_DATA] == ELFDATA2LSB) {
    bool ok =
        file[EI_CLASS] == ELFCLASS64   ? LoadedDataSections<Elf64_Ehdr, Elf64_Shdr>(file, &sections)
        : file[EI_CLASS] == ELFCLASS32 ? LoadedDataSections<Elf32_Ehdr, Elf32_Shdr>(file, &sections)
                                       : false;
    if (ok) return sections;
  }
  return {file};
}

std::vector<std::string> ExtractTokens(std::string_view binary, size_t min_len, size_t max_len,
                                       size_t max_tokens) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  for (std::string_view data : TokenSource(binary)) {
    size_t start = 0;
    for (size_t i = 0; i <= data.size(); ++i) {
      bool printable = i < data.size() && data[i] >= 0x20 && data[i] <= 0x7e;
      if (printable) continue;
      std::string_view run = data.substr(start, i - start);
      start = i + 1;
      if (run.size() < min_len || LooksLikeNoise(run)) continue;
      run = run.substr(0, max_len);
      if (seen.insert(std::string(run)).second) out.emplace_back(run);
      if (out.size() >= max_tokens) return out;
    }
  }
  return out;
}

const std::vector<std::string>& ClassicTokens() {
  static const std::vector<std::string> tokens = {
      "\\",       "\\\\", "\"", "'",  "`",    "%s",   "%n",
      "%d",       "%%",   "=",  "==", "\r\n", "\n\n", std::string(1, '\0'),
      "\xff\xfe", "${",   "$(", "..", "../",  "-1",   "0x",
      "NaN",      "null"};
  return tokens;
}

}  // namespace dxt::progfuzz
