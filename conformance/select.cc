#include "conformance/select.h"

#include <fnmatch.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/driver.h"

namespace dxt::conformance {

bool Selects(std::string_view pattern, const Entry& e) {
  std::string p(pattern);
  if (p.find_first_of("*?[") != std::string::npos)
    return ::fnmatch(p.c_str(), e.id.c_str(), 0) == 0;
  if (!p.empty() && (p[0] == 'R' || p[0] == 'r')) {
    p[0] = 'R';
    return std::find(e.rules.begin(), e.rules.end(), p) != e.rules.end();
  }
  while (!p.empty() && p.back() == '.') p.pop_back();
  if (p.empty()) return false;
  return e.id == p || absl::StartsWith(e.id, p + ".");
}

const std::vector<std::string>& CoreSelection() {
  static const auto* ids = new std::vector<std::string>{
      "1.1.1", "2.1.1", "2.1.8", "2.3.2", "3.1.4", "5.1.3", "5.1.5",
      "5.3.1", "5.4.1", "6.1.1", "6.1.2", "6.2.2", "8.1.1"};
  return *ids;
}

absl::StatusOr<std::vector<CaseRef>> Plan(const std::vector<Entry>& entries,
                                          const Selection& selection) {
  for (const auto* list : {&selection.include, &selection.exclude})
    for (const std::string& p : *list) {
      bool any = std::any_of(entries.begin(), entries.end(),
                             [&](const Entry& e) { return Selects(p, e); });
      if (!any)
        return absl::InvalidArgumentError(
            absl::StrCat(list == &selection.include ? "--cases" : "--exclude", " pattern \"", p,
                         "\" selects no case (use an ID prefix like 2.3, a glob like 5.*.1, or a "
                         "rule like R5.2)"));
    }
  std::vector<CaseRef> out;
  auto any_of = [](const std::vector<std::string>& ps, const Entry& e) {
    return std::any_of(ps.begin(), ps.end(), [&](const std::string& p) { return Selects(p, e); });
  };
  for (const Entry& e : entries) {
    if (!selection.include.empty() && !any_of(selection.include, e)) continue;
    if (any_of(selection.exclude, e)) continue;
    for (Mode m : ModesOf(e))
      if (!selection.mode || *selection.mode == m) out.push_back({&e, m});
  }
  return out;
}

std::string FormatList(const std::vector<Entry>& entries) {
  auto modes = [](const Entry& e) {
    std::vector<std::string> names;
    for (Mode m : ModesOf(e)) names.push_back(harness::ModeName(m));
    return absl::StrJoin(names, ",");
  };
  size_t id_w = 0, modes_w = 0, rules_w = 0;
  for (const Entry& e : entries) {
    id_w = std::max(id_w, e.id.size());
    modes_w = std::max(modes_w, modes(e).size());
    rules_w = std::max(rules_w, absl::StrJoin(e.rules, ",").size());
  }
  std::string out;
  for (const Entry& e : entries) {
    std::string rules = absl::StrJoin(e.rules, ","), m = modes(e);
    absl::StrAppend(&out, e.id, std::string(id_w - e.id.size() + 2, ' '), m,
                    std::string(modes_w - m.size() + 2, ' '), rules,
                    std::string(rules_w - rules.size() + 2, ' '), e.title, "\n");
  }
  return out;
}

std::vector<Entry> EntriesOf(const std::vector<CaseRef>& plan) {
  std::vector<Entry> out;
  for (const CaseRef& r : plan)
    if (out.empty() || out.back().id != r.entry->id) out.push_back(*r.entry);
  return out;
}

}  // namespace dxt::conformance
