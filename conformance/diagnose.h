// Root problems a whole run shows at once, said once instead of in every case (issue 11 §1).
#ifndef DXT_CONFORMANCE_DIAGNOSE_H_
#define DXT_CONFORMANCE_DIAGNOSE_H_

#include <optional>
#include <string>
#include <vector>

#include "conformance/catalogue.h"
#include "conformance/select.h"
#include "conformance/suite.h"

namespace dxt::conformance {

// The program rejects the bytes the catalogue sends as keys or values: FAILED cases whose stderr
// names one of the case's own input keys or values (an **<ERR> "count "value0" is not a decimal
// number", a Python traceback ending "invalid literal for int() with base 10: b'value0'").
struct RejectedValues {
  std::vector<size_t> cases;  // indices into the plan/results of the FAILED cases it explains
  size_t example = 0;         // one of `cases`
  std::string example_line;   // the stderr line naming the value
};

// Looks for RejectedValues when no input domain is declared (with a declaration the bytes are
// the user's choice, and a rejection is a plain failure). Inputs are regenerated for FAILED
// cases only, never for heavy ones. nullopt when no FAILED case names its input.
std::optional<RejectedValues> FindRejectedValues(const std::vector<CaseRef>& plan,
                                                 const std::vector<SuiteResult>& results,
                                                 const MaterialiseOptions& options);

// The first of `lines` (a program's stderr lines) that names one of `items` (its input keys and
// values): an item of at least 3 bytes found verbatim in the line; shorter items ("a", "v", "")
// occur by chance and count only quoted, as "a" or 'a' ("" or ''). How a program that rejects an
// input value says so. nullopt when no line does.
std::optional<std::string> LineNamingItem(const std::vector<std::string>& lines,
                                          const std::vector<std::string>& items);

// The text of the root problem, with the suggestion: "root problem: the program rejects ..."
// followed by the declared-domain options to use instead.
std::string FormatRejectedValues(const RejectedValues& r, const std::vector<CaseRef>& plan,
                                 const std::vector<SuiteResult>& results);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_DIAGNOSE_H_
