// A language runtime's own report of an error the program did not handle, found in its stderr:
// a Python traceback, a Java or JavaScript exception with its `at` frames, Perl's `die ... at X
// line N.`, a Ruby exception, a Go or Rust panic, C++'s "terminate called after throwing", a C
// assert(), a sanitizer's or glibc's abort message, an OCaml exception. The root-cause inference
// (diagnosis.h) names it as the reason of a failed exit or a crash, ahead of the stderr lines it
// consists of (which lack the **<MSG> prefix) and of the input left unread.
#ifndef DXT_JUDGE_CRASH_REPORT_H_
#define DXT_JUDGE_CRASH_REPORT_H_

#include <optional>
#include <string>
#include <vector>

namespace dxt::judge {

struct CrashReport {
  std::string runtime;   // "Python", "Perl", "Java", "JavaScript", "Go", "Rust", "C++", ...
  std::string error;     // the error as the runtime words it: "IndexError: list index out of range"
  std::string location;  // where, paths cut to their file name: "prog.py line 31, in main"; or ""
  std::string source;    // the source line there, when the report quotes it; or ""
};

// The last report in `lines` (stderr lines in order, without "\n"); nullopt when there is none.
std::optional<CrashReport> FindCrashReport(const std::vector<std::string>& lines);

// "IndexError: list index out of range (Python, at prog.py line 31, in main: `x = y[1]`)".
std::string DescribeCrashReport(const CrashReport& r);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_CRASH_REPORT_H_
