#include "fuzz/program/dictionary.h"

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
  return false;
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

std::vector<std::string> ExtractTokens(std::string_view binary, size_t min_len, size_t max_len,
                                       size_t max_tokens) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  size_t start = 0;
  for (size_t i = 0; i <= binary.size(); ++i) {
    bool printable = i < binary.size() && binary[i] >= 0x20 && binary[i] <= 0x7e;
    if (printable) continue;
    std::string_view run = binary.substr(start, i - start);
    start = i + 1;
    if (run.size() < min_len || LooksLikeNoise(run)) continue;
    run = run.substr(0, max_len);
    if (seen.insert(std::string(run)).second) out.emplace_back(run);
    if (out.size() >= max_tokens) break;
  }
  return out;
}

}  // namespace dxt::progfuzz
