#include "conformance/diagnose.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dxt::conformance {
namespace {

// Short items ("a", "v") appear in any text by chance; only longer ones identify a value.
constexpr size_t kMinNamedBytes = 3;

std::optional<std::string> LineNamingInput(const judge::CaseResult& r,
                                           const std::vector<OwnedPair>& input) {
  std::vector<std::string> items;
  for (const OwnedPair& p : input)
    for (const std::string* item : {&p.second, &p.first})
      if (item->size() >= kMinNamedBytes) items.push_back(*item);
  return LineNamingItem(r.stderr_lines, items);
}

// The line with every quoted part ("...", '...') blanked: lines that differ only in the value
// they quote are the same complaint.
std::string Template(std::string_view line) {
  std::string out;
  char quote = 0;
  bool escaped = false;
  for (char c : line) {
    if (quote) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == quote) {
        out.push_back(c);
        quote = 0;
      }
      continue;
    }
    out.push_back(c);
    if (c == '"' || c == '\'') quote = c;
  }
  return out;
}

// A line cut short inside a long quoted value (log lines are capped) still matches on what it
// has.
bool SameComplaint(const judge::CaseResult& r, const std::string& tmpl) {
  for (const std::string& line : r.stderr_lines) {
    const std::string t = Template(line);
    if (t == tmpl) return true;
    const size_t quotes =
        std::count(t.begin(), t.end(), '"') + std::count(t.begin(), t.end(), '\'');
    if (quotes % 2 == 1 && tmpl.compare(0, t.size(), t) == 0) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> LineNamingItem(const std::vector<std::string>& lines,
                                          const std::vector<std::string>& items) {
  std::vector<std::string> named;
  for (const std::string& item : items) {
    if (item.size() >= kMinNamedBytes) {
      named.push_back(item);
    } else {
      for (char quote : {'"', '\''}) named.push_back(quote + item + quote);
    }
  }
  for (const std::string& line : lines)
    for (const std::string& item : named)
      if (line.find(item) != std::string::npos) return line;
  return std::nullopt;
}

std::optional<RejectedValues> FindRejectedValues(const std::vector<CaseRef>& plan,
                                                 const std::vector<SuiteResult>& results,
                                                 const MaterialiseOptions& options) {
  if (options.domain.declared()) return std::nullopt;
  RejectedValues out;
  std::optional<std::string> tmpl;  // of the first line naming a value
  for (size_t i = 0; i < results.size() && i < plan.size(); ++i) {
    const judge::CaseResult& r = results[i].result;
    if (r.verdict != Verdict::kFailed || r.stderr_lines.empty()) continue;
    bool explained = tmpl && SameComplaint(r, *tmpl);
    if (!explained && !plan[i].entry->heavy) {
      // Another complaint: it counts only if it names this case's own input.
      auto line = LineNamingInput(r, GenerateInput(plan[i].entry->input));
      if (line && !tmpl) {
        tmpl = Template(*line);
        out.example = i;
        out.example_line = *line;
      }
      explained = line.has_value();
    }
    if (explained) out.cases.push_back(i);
  }
  if (out.cases.empty()) return std::nullopt;
  // Cases before the first named value with the same complaint.
  std::vector<size_t> all;
  for (size_t i = 0; i < results.size() && i < plan.size(); ++i) {
    const judge::CaseResult& r = results[i].result;
    bool listed = std::find(out.cases.begin(), out.cases.end(), i) != out.cases.end();
    if (listed || (r.verdict == Verdict::kFailed && SameComplaint(r, *tmpl))) all.push_back(i);
  }
  out.cases = std::move(all);
  return out;
}

std::string FormatRejectedValues(const RejectedValues& r, const std::vector<CaseRef>& plan,
                                 const std::vector<SuiteResult>& results) {
  size_t failed = 0;
  for (const SuiteResult& s : results) failed += s.result.verdict == Verdict::kFailed;
  const CaseRef& ex = plan[r.example];
  std::vector<std::string> ids;
  constexpr size_t kShown = 8;
  for (size_t i : r.cases) {
    if (ids.size() == kShown) {
      ids.push_back(absl::StrCat("and ", r.cases.size() - kShown, " more"));
      break;
    }
    ids.push_back(absl::StrCat(plan[i].entry->id, " ", harness::ModeName(plan[i].mode)));
  }
  return absl::StrCat(
      "root problem: the program rejects the catalogue's input values: ", r.cases.size(), " of ",
      failed,
      " FAILED case(s) fail with the same complaint on stderr, which names an input key or value, "
      "e.g. ",
      ex.entry->id, " [", harness::ModeName(ex.mode),
      "]: ", judge::EscapeBytes(r.example_line, 160),
      "\n  The catalogue sends arbitrary bytes. If the program accepts only some inputs, declare "
      "them and run again:\n    --values decimal|words|lines   (what its values are)\n"
      "    --input-sample FILE            (a sample of its real input: JSON lines as `dxt decode` "
      "writes them, or pair frames)\n  Cases explained by this (not listed below): ",
      absl::StrJoin(ids, ", "), "\n");
}

}  // namespace dxt::conformance
