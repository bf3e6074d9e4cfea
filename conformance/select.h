// Case selection and listing for `dxt check`: --cases / --exclude by ID prefix, glob or rule,
// --mode, --list.
#ifndef DXT_CONFORMANCE_SELECT_H_
#define DXT_CONFORMANCE_SELECT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "conformance/catalogue.h"

namespace dxt::conformance {

// One case to run: an entry in one mode.
struct CaseRef {
  const Entry* entry = nullptr;
  Mode mode = Mode::kMap;
};

// Whether `pattern` selects `e`:
//  - a glob (contains *, ? or [): fnmatch(3) on the ID, e.g. "2.*.1", "5.1.1?";
//  - a rule ("R5.2"): the entry cites that rule;
//  - otherwise an ID prefix on whole parts: "2" and "2.3" select "2.3.4", "2.3.4" selects only
//    itself (not "2.3.41"); a trailing "." is ignored.
bool Selects(std::string_view pattern, const Entry& e);

struct Selection {
  std::vector<std::string> include;  // empty = everything
  std::vector<std::string> exclude;
  std::optional<Mode> mode;  // nullopt = both
};

// The cases to run, in catalogue order, map before reduce within an entry.
// InvalidArgument when an --cases or --exclude pattern selects no entry at all (a typo would
// otherwise silently run everything or nothing), naming the pattern.
absl::StatusOr<std::vector<CaseRef>> Plan(const std::vector<Entry>& entries,
                                          const Selection& selection);

// The `--list` text: one line per entry, "id  modes  rules  title" in aligned columns, e.g.
// "2.3.4  map,reduce  R2.3  newlines in keys and values".
std::string FormatList(const std::vector<Entry>& entries);

// The IDs behind `dxt check --suite core`: a quick selection of the catalogue (not a second case
// list) in which a program breaking any R10 check shows it, in both modes: three pairs with the
// quiet periods (1.1.1, 8.1.1), tricky and skipper-probe parameter blocks (2.1.1, 2.3.2, 2.1.8),
// every byte value (3.1.4), a 256 KiB answer (5.1.5), 100 pairs in lockstep (5.1.3), a list
// before input (5.3.1), no input (5.4.1, 6.1.1), one reduce pair (6.1.2) and 8 MiB of reduce
// input (6.2.2).
const std::vector<std::string>& CoreSelection();

// The entries a plan touches (each once, in order) — for listing a selection.
std::vector<Entry> EntriesOf(const std::vector<CaseRef>& plan);

}  // namespace dxt::conformance

#endif  // DXT_CONFORMANCE_SELECT_H_
