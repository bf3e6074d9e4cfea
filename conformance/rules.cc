// Rule summaries are copied from docs/PROTOCOL.md (keep them in step when the SPEC changes; the
// conformance test checks that every rule here is cited by at least one catalogue entry).
#include "conformance/rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "conformance/catalogue.h"

namespace dxt::conformance {

const std::vector<Rule>& SpecRules() {
  static const auto* rules = new std::vector<Rule>{
      {"R1.1", "the program is started with exactly one argument: map or reduce"},
      {"R1.2", "program and supporting files sit in one flat, private directory"},
      {"R1.3", "the program must not write any file on the host"},
      {"R1.4", "stdin, stdout and stderr are pipes; nothing else is promised"},
      {"R2.1",
       "parameter block: decimal body length, \\n, then <len> <key> <len> <value>\\n entries"},
      {"R2.2", "no parameters -> exactly \"0\\n\""},
      {"R2.3", "keys and values are arbitrary bytes; read exactly the announced bytes first"},
      {"R2.4", "a plain string may be sent as is (dxt only when asked)"},
      {"R2.5", "the original C parser misreads leading whitespace / empty last value"},
      {"R3.1", "pair = u32 LE key length, key, u32 LE value length, value; binary-safe"},
      {"R3.2", "an item over the driver's limit (1 GiB) is refused, never pre-allocated"},
      {"R3.3", "a stream that ends inside a pair is truncated, never accepted"},
      {"R4.1", "result list = u32 count followed by exactly count pairs (count may be 0)"},
      {"R4.2", "nothing but result lists on stdout"},
      {"R5.1", "map: the driver writes one pair, then waits for exactly one list"},
      {"R5.2", "map: write and flush one complete list per pair before reading the next"},
      {"R5.3", "map: no list before a pair has been read"},
      {"R5.4", "map: never need end-of-input to answer; exit promptly when stdin closes"},
      {"R5.5", "map: a plain-line input entry has an empty key"},
      {"R6.1", "reduce: all pairs, then stdin closes; read until end-of-input"},
      {"R6.2", "reduce: lists may come at any time; the driver drains while writing"},
      {"R6.3", "reduce ends at exit + stdout EOF; descendants holding pipes are a fault"},
      {"R7.1", "every stderr line starts with **<MSG> or **<ERR> and ends with \\n"},
      {"R7.2", "an **<ERR> line fails the task whatever the exit status"},
      {"R7.3", "any other stderr line, or a final line without \\n, is a violation"},
      {"R7.4", "very chatty programs (about 10 messages/s) deserve a warning"},
      {"R8.1", "exit status 0 is the only success; non-zero or a signal fails"},
      {"R8.2", "every driver wait has a deadline; a stuck program is killed with its group"},
  };
  return *rules;
}

bool IsSpecRule(std::string_view id) {
  const auto& rules = SpecRules();
  return std::any_of(rules.begin(), rules.end(),
                     [&](const Rule& r) { return std::string_view(r.id) == id; });
}

std::map<std::string, std::vector<std::string>> RuleCoverage(const std::vector<Entry>& entries) {
  std::map<std::string, std::vector<std::string>> out;
  for (const Rule& r : SpecRules()) out[std::string(r.id)];
  for (const Entry& e : entries)
    for (const std::string& r : e.rules) {
      auto it = out.find(r);
      if (it != out.end()) it->second.push_back(e.id);
    }
  return out;
}

std::string FormatRuleCoverage(const std::vector<Entry>& entries) {
  auto coverage = RuleCoverage(entries);
  std::string out;
  for (const Rule& r : SpecRules()) {
    const auto& ids = coverage[std::string(r.id)];
    absl::StrAppend(&out, r.id, "  ", r.summary, "\n      cases (", ids.size(),
                    "): ", ids.empty() ? "(none)" : absl::StrJoin(ids, " "), "\n");
  }
  return out;
}

}  // namespace dxt::conformance
