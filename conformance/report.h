// The three renderings of a `dxt check` run: human text, the JSON report and JUnit XML.
//
// JSON report (stable; documented in harness/README.md):
//   {"tool":"dxt","version":V,"program":P,"isolation":"namespaces"|"process-group",
//    "text_locale":"C.UTF-8","text_locale_runs":n (when the text cases also ran under it: n cases),
//    "summary":{"OK":n,"NON-STRICT":n,"INFORMATIONAL":n,"FAILED":n,"SKIPPED":n,"flaky":n},
//    "cases":[{"id","mode","title","rules":[..],"verdict","flaky":bool,
//              "locale" (only when judged under text_locale: it failed only there),
//              "checks":[{"check","verdict","rule","detail"}],"duration_ms"}]}
// "flaky" (CaseResult::flaky): FAILED on the first run, passed on the retry; such a case is
// INFORMATIONAL, so summary.flaky counts some of the INFORMATIONAL cases. JUnit reports a flaky
// case as passed with a <system-out> beginning "FLAKY"; the text line shows "FLAKY" after the
// verdict and the summary line "INFORMATIONAL (n FLAKY)".
#ifndef DXT_CONFORMANCE_REPORT_H_
#define DXT_CONFORMANCE_REPORT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "judge/runner.h"

namespace dxt::conformance {

using judge::CaseResult;

struct ReportInfo {
  std::string version;
  std::string program;
  std::string isolation;  // IsolationName() of the level the programs ran under
  // The second locale of the cases with non-ASCII text (RunOptions::text_locale); empty = none.
  std::string text_locale;
};

// Case verdict counts, every verdict name present.
std::map<std::string, int> CountVerdicts(const std::vector<CaseResult>& cases);

std::string RenderJson(const ReportInfo& info, const std::vector<CaseResult>& cases);
std::string RenderJUnit(const ReportInfo& info, const std::vector<CaseResult>& cases);

// One line per case (verdict coloured when `color`).
std::string RenderCaseLine(const CaseResult& c, bool color);
// Summary line and the failures repeated with their details. `unlisted[i]` (when given, one per
// case) leaves case i's failures out of the list: a root problem reported once explains them.
std::string RenderSummary(const std::vector<CaseResult>& cases, bool color,
                          const std::vector<bool>* unlisted = nullptr);

// XML text content / attribute escaping that keeps the document well-formed whatever the
// bytes: markup characters as entities, control bytes and invalid UTF-8 as "\xNN" text.
std::string XmlEscape(std::string_view text);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_REPORT_H_
