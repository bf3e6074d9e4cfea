#include "judge/crash_report.h"

#include <regex>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace dxt::judge {
namespace {

using Lines = std::vector<std::string>;

// "/tmp/dxt-tmp-1/case-2/work/prog.py" -> "prog.py": dxt's temporary directories are noise.
std::string FileName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string Trimmed(std::string_view s) {
  return std::string(absl::StripAsciiWhitespace(absl::string_view(s.data(), s.size())));
}

bool Indented(const std::string& l) { return !l.empty() && (l[0] == ' ' || l[0] == '\t'); }

bool Match(const std::string& line, const std::regex& re, std::smatch* m) {
  return std::regex_match(line, *m, re);
}

// Python: "Traceback (most recent call last):", frames, then the exception line.
std::optional<CrashReport> Python(const Lines& lines) {
  static const std::regex kFrame(R"re(\s*File "([^"]*)", line (\d+), in (.*))re");
  std::optional<size_t> start;
  for (size_t i = 0; i < lines.size(); ++i)
    if (absl::StartsWith(lines[i], "Traceback (most recent call last):")) start = i;
  if (!start) return std::nullopt;
  CrashReport r{"Python", "", "", ""};
  for (size_t i = *start + 1; i < lines.size(); ++i) {
    std::smatch m;
    if (Match(lines[i], kFrame, &m)) {
      r.location = absl::StrCat(FileName(m[1].str()), " line ", m[2].str(), ", in ", m[3].str());
      r.source.clear();
      // Its source line, when the file could be read (carets of Python 3.11+ follow it).
      if (i + 1 < lines.size() && Indented(lines[i + 1]) &&
          lines[i + 1].find_first_not_of(" \t~^") != std::string::npos &&
          !std::regex_match(lines[i + 1], kFrame))
        r.source = Trimmed(lines[i + 1]);
    } else if (!Indented(lines[i]) && !lines[i].empty()) {
      r.error = lines[i];  // the last unindented line: the exception (after any chained ones)
    }
  }
  if (r.error.empty()) return std::nullopt;
  return r;
}

// Java ("Exception in thread "main" java.lang.X: msg", then "\tat pkg.C.m(File.java:12)") and
// JavaScript (Node.js: "TypeError: msg", then "    at f (/path/x.js:12:5)").
std::optional<CrashReport> AtFrames(const Lines& lines) {
  static const std::regex kJava(R"re(Exception in thread "[^"]*" (.+))re");
  static const std::regex kJsAt(R"re(\s+at (?:(.*) \()?(\S+?):(\d+):\d+\)?)re");
  static const std::regex kJavaAt(R"re(\s+at (\S+)\(([^():]*):(\d+)\))re");
  static const std::regex kJsError(
      R"re(([A-Za-z_$][\w$.]*(?:Error|Exception)|Error)(?: \[\w+\])?:? ?.*)re");
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    const bool java = Match(lines[i], kJava, &m);
    if (!java && !std::regex_match(lines[i], kJsError)) continue;
    if (i + 1 >= lines.size()) continue;
    const std::regex& frame = java ? kJavaAt : kJsAt;
    if (!std::regex_match(lines[i + 1], frame)) continue;
    CrashReport r{java ? "Java" : "JavaScript", java ? m[1].str() : lines[i], "", ""};
    // The first frame of the program's own code: not the JDK's, not Node's internals.
    std::smatch at;
    for (size_t k = i + 1; k < lines.size() && Match(lines[k], frame, &at); ++k) {
      const std::string where = at[2].str() + " " + (at[1].matched ? at[1].str() : "");
      const bool library =
          absl::StartsWith(where, "node:") || (java && (absl::StartsWith(at[1].str(), "java.") ||
                                                        absl::StartsWith(at[1].str(), "jdk.")));
      if (!library) break;
    }
    if (at.empty()) Match(lines[i + 1], frame, &at);
    // A "Caused by:" further down is the error that started it.
    for (size_t k = i + 1; java && k < lines.size(); ++k)
      if (absl::StartsWith(lines[k], "Caused by: ")) r.error = lines[k].substr(11);
    r.location = absl::StrCat(FileName(at[2].str()), " line ", at[3].str());
    if (at[1].matched && !at[1].str().empty()) absl::StrAppend(&r.location, ", in ", at[1].str());
    if (!java && i >= 3 && lines[i - 1].empty() && absl::StrContains(lines[i - 2], "^"))
      r.source = Trimmed(lines[i - 3]);  // Node quotes the line above a caret
    return r;
  }
  return std::nullopt;
}

// Go: "panic: msg" (or "fatal error: msg"), "goroutine 1 [running]:", "main.f(...)",
// "\t/path/x.go:12 +0x1d".
std::optional<CrashReport> Go(const Lines& lines) {
  static const std::regex kGoFrame(R"re(\t(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?)re");
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!absl::StartsWith(lines[i], "panic: ") && !absl::StartsWith(lines[i], "fatal error: "))
      continue;
    CrashReport r{"Go", lines[i], "", ""};
    for (size_t k = i + 1; k < lines.size(); ++k) {
      std::smatch m;
      if (!Match(lines[k], kGoFrame, &m)) continue;
      const bool runtime = absl::StrContains(m[1].str(), "/runtime/");
      if (runtime && k + 1 < lines.size()) continue;
      r.location = absl::StrCat(FileName(m[1].str()), " line ", m[2].str());
      if (k > 0 && !Indented(lines[k - 1])) absl::StrAppend(&r.location, ", in ", lines[k - 1]);
      break;
    }
    return r;
  }
  return std::nullopt;
}

// Rust: "thread 'main' panicked at src/main.rs:5:9:" then the message (1.73+), or "thread
// 'main' panicked at 'msg', src/main.rs:5:9" (before).
std::optional<CrashReport> Rust(const Lines& lines) {
  static const std::regex kNew(R"re(thread '[^']*' panicked at (\S+?):(\d+):\d+:)re");
  static const std::regex kOld(R"re(thread '[^']*' panicked at '(.*)', (\S+?):(\d+):\d+)re");
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (Match(lines[i], kNew, &m))
      return CrashReport{"Rust", i + 1 < lines.size() ? "panicked: " + lines[i + 1] : "panicked",
                         absl::StrCat(FileName(m[1].str()), " line ", m[2].str()), ""};
    if (Match(lines[i], kOld, &m))
      return CrashReport{"Rust", "panicked: " + m[1].str(),
                         absl::StrCat(FileName(m[2].str()), " line ", m[3].str()), ""};
  }
  return std::nullopt;
}

// C and C++ runtimes: an uncaught exception, assert(), a sanitizer, glibc's heap checks.
std::optional<CrashReport> Native(const Lines& lines) {
  static const std::regex kAssert(R"re((?:.*: )?(\S+):(\d+): (\S+): Assertion `(.*)' failed\.)re");
  static const std::regex kSanitizer(R"re(==\d+==ERROR: (\w+Sanitizer): (.+))re");
  static const std::regex kSanFrame(R"re(\s+#\d+ 0x[0-9a-f]+ in (\S+) (\S+?):(\d+)(?::\d+)?)re");
  static const std::regex kUbsan(R"re((\S+?):(\d+):\d+: runtime error: (.+))re");
  static const std::regex kGlibc(
      R"re((\*\*\* .* \*\*\*.*|(?:free|malloc|realloc|munmap_chunk|malloc_consolidate)\(\): .+|double free or corruption.*|corrupted .*))re");
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    std::smatch m;
    constexpr absl::string_view kThrow = "terminate called after throwing an instance of ";
    if (absl::StartsWith(l, kThrow)) {
      CrashReport r{"C++", absl::StrCat("uncaught exception ", l.substr(kThrow.size())), "", ""};
      if (i + 1 < lines.size() && absl::StartsWith(Trimmed(lines[i + 1]), "what():"))
        absl::StrAppend(&r.error, ": ", Trimmed(Trimmed(lines[i + 1]).substr(7)));
      return r;
    }
    if (Match(l, kAssert, &m))
      return CrashReport{
          "C", absl::StrCat("assertion failed: ", m[4].str()),
          absl::StrCat(FileName(m[1].str()), " line ", m[2].str(), ", in ", m[3].str()), ""};
    if (Match(l, kSanitizer, &m)) {
      CrashReport r{m[1].str(), m[2].str(), "", ""};
      for (size_t k = i + 1; k < lines.size() && r.location.empty(); ++k) {
        std::smatch f;
        if (Match(lines[k], kSanFrame, &f) && !absl::StartsWith(f[1].str(), "__"))
          r.location =
              absl::StrCat(FileName(f[2].str()), " line ", f[3].str(), ", in ", f[1].str());
      }
      return r;
    }
    if (Match(l, kUbsan, &m))
      return CrashReport{"UndefinedBehaviorSanitizer", absl::StrCat("runtime error: ", m[3].str()),
                         absl::StrCat(FileName(m[1].str()), " line ", m[2].str()), ""};
    if (std::regex_match(l, kGlibc)) return CrashReport{"glibc", l, "", ""};
  }
  return std::nullopt;
}

// Perl's die and croak: "MESSAGE at /path/x.pl line 11, <STDIN> line 1." (the last such line);
// Ruby: "/path/x.rb:3:in `f': MESSAGE (NameError)";
// OCaml: "Fatal error: exception Not_found". (A shell's "x.sh: line 3: ..." is not one: a script
// goes on after it, and its exit status says the rest.)
std::optional<CrashReport> Scripts(const Lines& lines) {
  static const std::regex kPerl(
      R"re((.*?) at (\S+) line (\d+)(?:, <[^>]*> (?:line|chunk) \d+)?\.)re");
  static const std::regex kRuby(R"re((\S+\.rb):(\d+):in [`']([^']*)': (.*))re");
  std::optional<CrashReport> found;
  for (const std::string& l : lines) {
    std::smatch m;
    if (Match(l, kRuby, &m)) {
      found = CrashReport{
          "Ruby", m[4].str(),
          absl::StrCat(FileName(m[1].str()), " line ", m[2].str(), ", in ", m[3].str()), ""};
    } else if (Match(l, kPerl, &m)) {
      found = CrashReport{"Perl", m[1].str(),
                          absl::StrCat(FileName(m[2].str()), " line ", m[3].str()), ""};
    } else if (absl::StartsWith(l, "Fatal error: exception ")) {
      found = CrashReport{"OCaml", l.substr(13), "", ""};
    }
  }
  return found;
}

}  // namespace

std::optional<CrashReport> FindCrashReport(const std::vector<std::string>& lines) {
  for (auto* find : {Python, AtFrames, Go, Rust, Native, Scripts})
    if (auto r = find(lines)) return r;
  return std::nullopt;
}

std::string DescribeCrashReport(const CrashReport& r) {
  std::string s = absl::StrCat(r.error, " (", r.runtime);
  if (!r.location.empty()) absl::StrAppend(&s, ", at ", r.location);
  if (!r.source.empty()) absl::StrAppend(&s, ": `", r.source, "`");
  return s + ")";
}

}  // namespace dxt::judge
