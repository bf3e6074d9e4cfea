#include "conformance/report.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "codec/jsonl.h"
#include "judge/diagnosis.h"

namespace dxt::conformance {
namespace {

using codec::Json;
using judge::CheckResult;
using judge::EscapeBytes;
using judge::ModeName;
using judge::Verdict;
using judge::VerdictName;
using judge::kCheckNames;

const char* Colour(Verdict v) {
  switch (v) {
    case Verdict::kOk: return "\033[32m";
    case Verdict::kFailed: return "\033[31m";
    case Verdict::kNonStrict: return "\033[33m";
    default: return "\033[36m";
  }
}

// "map", or "map, LANG=C.UTF-8" for a case judged under the text locale (CaseResult::locale).
std::string ModeTag(const CaseResult& c) {
  return c.locale.empty() ? ModeName(c.mode) : absl::StrCat(ModeName(c.mode), ", LANG=", c.locale);
}
// Last stderr lines shown with a failing case.
constexpr size_t kTailShown = 3;

bool Counts(Verdict v) { return v == Verdict::kFailed || v == Verdict::kNonStrict; }

int CountFlaky(const std::vector<CaseResult>& cases) {
  int n = 0;
  for (const auto& c : cases) n += c.flaky;
  return n;
}

}  // namespace

std::map<std::string, int> CountVerdicts(const std::vector<CaseResult>& cases) {
  std::map<std::string, int> counts;
  for (Verdict v : {Verdict::kOk, Verdict::kNonStrict, Verdict::kInformational, Verdict::kFailed,
                    Verdict::kSkipped})
    counts[VerdictName(v)] = 0;
  for (const auto& c : cases) ++counts[VerdictName(c.verdict)];
  return counts;
}

std::string RenderJson(const ReportInfo& info, const std::vector<CaseResult>& cases,
                       const RunDiagnosis* diagnosis) {
  Json report = Json::object();
  report["format_version"] = kReportFormatVersion;
  report["tool"] = "dxt";
  report["version"] = info.version;
  report["program"] = info.program;
  report["isolation"] = info.isolation;
  if (!info.text_locale.empty()) {
    report["text_locale"] = info.text_locale;
    // How many cases held non-ASCII text and so ran under it too.
    report["text_locale_runs"] = std::count_if(cases.begin(), cases.end(), [](const CaseResult& c) {
      return c.ran_under_text_locale;
    });
  }
  Json summary = Json::object();
  auto counts = CountVerdicts(cases);
  for (const char* k : {"OK", "NON-STRICT", "INFORMATIONAL", "FAILED", "SKIPPED"})
    summary[k] = counts[k];
  summary["flaky"] = CountFlaky(cases);  // FAILED ones, or INFORMATIONAL with --allow-flaky
  if (diagnosis) {
    Json problems = Json::array();
    for (size_t n = 0; n < diagnosis->problems.size() && n < kShownRootProblems; ++n) {
      const RootProblem& p = diagnosis->problems[n];
      const CaseResult& ex = cases[p.example];
      Json ids = Json::array();
      for (size_t i : p.cases)
        ids.push_back({{"id", cases[i].id}, {"mode", ModeName(cases[i].mode)}});
      Json jp = {{"check", p.check}, {"rule", p.rule}, {"cause", p.cause}, {"detail", p.detail},
                 {"cases", p.cases.size()}, {"blocked", p.blocked.size()},
                 {"example", {{"id", ex.id}, {"mode", ModeName(ex.mode)}}}, {"case_ids", ids},
                 {"fix", p.fix}};
      if (!p.site.empty()) jp["site"] = p.site;
      Json tail = Json::array();
      for (const std::string& l : ex.stderr_tail) tail.push_back(EscapeBytes(l, 4096));
      jp["stderr_tail"] = tail;
      problems.push_back(jp);
    }
    report["root_problems"] = problems;
    report["root_problems_total"] = diagnosis->problems.size();
    if (!diagnosis->mode_hint.empty()) report["mode_hint"] = diagnosis->mode_hint;
  }
  report["summary"] = summary;
  Json arr = Json::array();
  for (const auto& c : cases) {
    Json jc = Json::object();
    jc["id"] = c.id;
    jc["mode"] = ModeName(c.mode);
    jc["title"] = c.title;
    jc["rules"] = c.rules;
    jc["verdict"] = VerdictName(c.verdict);
    jc["flaky"] = c.flaky;
    if (!c.locale.empty()) jc["locale"] = c.locale;
    Json checks = Json::array();
    for (const auto& r : c.checks) {
      Json jr = {{"check", r.check}, {"verdict", VerdictName(r.verdict)}, {"rule", r.rule},
                 {"detail", r.detail}};
      if (!r.cause.empty()) jr["cause"] = r.cause;
      if (r.caused_by)
        jr["caused_by"] = {{"case", r.caused_by->case_id},
                           {"mode", ModeName(r.caused_by->mode)},
                           {"check", r.caused_by->check}};
      checks.push_back(jr);
    }
    if (c.verdict == Verdict::kFailed) {
      Json tail = Json::array();
      for (const std::string& l : c.stderr_tail) tail.push_back(EscapeBytes(l, 4096));
      jc["stderr_tail"] = tail;
    }
    if (!c.blocked_by.empty()) jc["blocked_by"] = c.blocked_by;
    if (c.verdict == Verdict::kSkipped && c.checks.empty() && !c.skip_reason.empty())
      jc["skip_reason"] = c.skip_reason;
    jc["checks"] = checks;
    jc["duration_ms"] = static_cast<int64_t>(c.duration_ms + 0.5);
    arr.push_back(jc);
  }
  report["cases"] = arr;
  return report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string XmlEscape(std::string_view text) {
  const bool utf8 = codec::IsValidUtf8(text);
  std::string out;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f || (c >= 0x80 && !utf8)) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string RenderJUnit(const ReportInfo& info, const std::vector<CaseResult>& cases) {
  auto counts = CountVerdicts(cases);
  double total_ms = 0;
  for (const auto& c : cases) total_ms += c.duration_ms;
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::string suite = XmlEscape(absl::StrCat("dxt check ", info.program));
  absl::StrAppend(&x, "<testsuites name=\"dxt\" tests=\"", cases.size(), "\" failures=\"",
                  counts["FAILED"], "\" time=\"", total_ms / 1000, "\">\n");
  absl::StrAppend(&x, "  <testsuite name=\"", suite, "\" tests=\"", cases.size(),
                  "\" failures=\"", counts["FAILED"], "\" errors=\"0\" skipped=\"",
                  counts["SKIPPED"], "\" time=\"", total_ms / 1000, "\">\n");
  for (const auto& c : cases) {
    absl::StrAppend(&x, "    <testcase classname=\"dxt.check.", ModeName(c.mode), "\" name=\"",
                    XmlEscape(absl::StrCat(c.id, " ", c.title)), "\" time=\"",
                    c.duration_ms / 1000, "\">\n");
    if (c.verdict == Verdict::kFailed) {
      std::string message;
      std::string body = c.flaky ? "FLAKY: FAILED on its first run, then passed on retry (the "
                                   "program behaves differently from run to run)\n"
                                 : "";
      for (const auto& r : c.checks) {
        if (r.verdict != Verdict::kFailed) continue;
        if (message.empty()) message = absl::StrCat(r.check, " (", r.rule, ")");
        absl::StrAppend(&body, r.check, " (", r.rule, "): ", r.detail, "\n");
      }
      absl::StrAppend(&x, "      <failure message=\"", XmlEscape(message), "\" type=\"FAILED\">",
                      XmlEscape(body), "</failure>\n");
    } else if (c.verdict == Verdict::kSkipped) {
      absl::StrAppend(&x, "      <skipped message=\"", XmlEscape(c.skip_reason), "\"/>\n");
    } else if (c.flaky) {
      // A pass for JUnit consumers (the run does not fail), but never a silent one.
      std::string out = "FLAKY: FAILED, then passed on retry (reported INFORMATIONAL: --allow-flaky)\n";
      for (const auto& r : c.checks)
        if (r.verdict != Verdict::kOk && r.verdict != Verdict::kSkipped)
          absl::StrAppend(&out, "first run: ", VerdictName(r.verdict), " ", r.check, " (", r.rule,
                          "): ", r.detail, "\n");
      absl::StrAppend(&x, "      <system-out>", XmlEscape(out), "</system-out>\n");
    } else if (c.verdict != Verdict::kOk) {
      std::string out;
      for (const auto& r : c.checks)
        if (r.verdict == Verdict::kNonStrict || r.verdict == Verdict::kInformational)
          absl::StrAppend(&out, VerdictName(r.verdict), " ", r.check, " (", r.rule, "): ", r.detail, "\n");
      absl::StrAppend(&x, "      <system-out>", XmlEscape(out), "</system-out>\n");
    }
    absl::StrAppend(&x, "    </testcase>\n");
  }
  absl::StrAppend(&x, "  </testsuite>\n</testsuites>\n");
  return x;
}

std::string RenderCaseLine(const CaseResult& c, bool color) {
  std::string verdict = VerdictName(c.verdict);
  std::string padded = verdict + std::string(verdict.size() < 13 ? 13 - verdict.size() : 1, ' ');
  std::string line = color ? absl::StrCat(Colour(c.verdict), padded, "\033[0m") : padded;
  if (c.flaky) absl::StrAppend(&line, color ? "\033[33mFLAKY\033[0m " : "FLAKY ");
  absl::StrAppend(&line, c.id, " [", ModeTag(c), "] ", c.title, " (",
                  static_cast<int64_t>(c.duration_ms + 0.5), " ms)\n");
  if (c.flaky)
    absl::StrAppend(&line, "             ",
                    "FAILED on its first run (checks below), passed on retry\n");
  for (const auto& r : c.checks)
    if (Counts(r.verdict))
      absl::StrAppend(&line, "             ", r.check, " (", r.rule, "): ", r.detail,
                      r.caused_by ? absl::StrCat(" (consequence of ",
                                                 judge::CauseRefText(*r.caused_by), ")")
                                  : "",
                      "\n");
  if ((c.verdict == Verdict::kFailed || c.flaky) && !c.stderr_tail.empty()) {
    // The program's own last words (a traceback, an ERR text), escaped.
    const size_t from = c.stderr_tail.size() > kTailShown ? c.stderr_tail.size() - kTailShown : 0;
    absl::StrAppend(&line, "             its stderr ends:");
    for (size_t i = from; i < c.stderr_tail.size(); ++i)
      absl::StrAppend(&line, i == from ? " \"" : " / \"", EscapeBytes(c.stderr_tail[i], 160),
                      "\"");
    absl::StrAppend(&line, "\n");
  }
  if (c.verdict == Verdict::kSkipped && !c.skip_reason.empty())
    absl::StrAppend(&line, "             ", c.skip_reason, "\n");
  return line;
}

std::string RenderSummary(const std::vector<CaseResult>& cases, bool color) {
  (void)color;
  auto counts = CountVerdicts(cases);
  auto flaky_of = [&](Verdict v) {
    const auto n = std::count_if(cases.begin(), cases.end(),
                                 [&](const CaseResult& c) { return c.flaky && c.verdict == v; });
    return n > 0 ? absl::StrCat(" (", n, " FLAKY)") : std::string();
  };
  std::string s;
  if (!flaky_of(Verdict::kFailed).empty())
    absl::StrAppend(&s, "FLAKY: a case FAILED and then passed on retry; the program behaves "
                        "differently from run to run (--allow-flaky reports it INFORMATIONAL)\n");
  absl::StrAppend(&s, "\n", cases.size(), " case(s): ", counts["OK"], " OK, ",
                  counts["NON-STRICT"], " NON-STRICT, ", counts["INFORMATIONAL"], " INFORMATIONAL",
                  flaky_of(Verdict::kInformational), ", ", counts["FAILED"], " FAILED",
                  flaky_of(Verdict::kFailed), ", ", counts["SKIPPED"], " SKIPPED\n");
  return s;
}

}  // namespace dxt::conformance
