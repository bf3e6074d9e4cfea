// The SPEC rules the conformance suite answers for (docs/PROTOCOL.md R1.1 ... R8.2), each with a
// one-line summary, and the coverage map "rule -> cases citing it" behind `dxt check --list-rules`.
#ifndef DXT_CONFORMANCE_RULES_H_
#define DXT_CONFORMANCE_RULES_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dxt::conformance {

struct Entry;

struct Rule {
  const char* id;       // "R5.2"
  const char* summary;  // one line, from docs/PROTOCOL.md
};

// Every rule of R1-R8, in SPEC order. Static storage.
const std::vector<Rule>& SpecRules();

// Whether `id` names a rule of SpecRules().
bool IsSpecRule(std::string_view id);

// rule id -> ids of the entries citing it, for every rule of SpecRules() (possibly empty lists),
// in catalogue order.
std::map<std::string, std::vector<std::string>> RuleCoverage(const std::vector<Entry>& entries);

// The `--list-rules` text: one line per rule, "R5.2  <summary>\n      cases: 5.1.1 5.2.1 ...";
// an uncovered rule says "cases: (none)".
std::string FormatRuleCoverage(const std::vector<Entry>& entries);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_RULES_H_
