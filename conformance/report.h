// The three renderings of a `dxt check` run: human text, the JSON report and JUnit XML.
//
// JSON report: every field, its type and meaning is in docs/report.schema.json (JSON Schema),
// which tests/report_schema_test.cc checks real reports against; a field added here without the
// schema fails that test. Its shape:
//   {"format_version":1,"tool":"dxt","version":V,"program":P,"isolation":"namespaces"|"process-group",
//    "summary":{"OK":n,"NON-STRICT":n,"INFORMATIONAL":n,"FAILED":n,"SKIPPED":n,"flaky":n},
//    "cases":[{"id","mode","title","rules":[..],"verdict","flaky":bool,
//              "checks":[{"check","verdict","rule","detail"}],"skip_reason"?,"duration_ms"}]}
// "flaky" (CaseResult::flaky): FAILED on the first run, passed on the retry; such a case is
// FAILED (INFORMATIONAL with --allow-flaky), and summary.flaky counts it beside its verdict.
// JUnit (RenderJUnit; mapping in judge/README.md): one <testcase> per case, <failure> for FAILED,
// <skipped> for SKIPPED, <system-out> for NON-STRICT, INFORMATIONAL and FLAKY details.
#ifndef DXT_CONFORMANCE_REPORT_H_
#define DXT_CONFORMANCE_REPORT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/diagnose.h"
#include "judge/runner.h"

namespace dxt::conformance {

using judge::CaseResult;

// The version of the JSON report format ("format_version"): raised when a field is removed,
// renamed or changes meaning (docs/report.schema.json says what a consumer may rely on).
inline constexpr int kReportFormatVersion = 1;

struct ReportInfo {
  std::string version;
  std::string program;
  std::string isolation;  // IsolationName() of the level the programs ran under
};

// Case verdict counts, every verdict name present.
std::map<std::string, int> CountVerdicts(const std::vector<CaseResult>& cases);

// With `diagnosis`, the report leads with "root_problems" (at most kShownRootProblems),
// "root_problems_total" and "mode_hint".
std::string RenderJson(const ReportInfo& info, const std::vector<CaseResult>& cases,
                       const RunDiagnosis* diagnosis = nullptr);
std::string RenderJUnit(const ReportInfo& info, const std::vector<CaseResult>& cases);

// One line per case (verdict coloured when `color`), then its NON-STRICT and FAILED checks, a
// consequence marked "(consequence of 3.1.9/params)", and for a FAILED case the program's last
// stderr lines, escaped.
std::string RenderCaseLine(const CaseResult& c, bool color);
// The summary line (the last line of a report), after a FLAKY note when a case was FLAKY.
std::string RenderSummary(const std::vector<CaseResult>& cases, bool color);

// XML text content / attribute escaping that keeps the document well-formed whatever the
// bytes: markup characters as entities, control bytes and invalid UTF-8 as "\xNN" text.
std::string XmlEscape(std::string_view text);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_REPORT_H_
